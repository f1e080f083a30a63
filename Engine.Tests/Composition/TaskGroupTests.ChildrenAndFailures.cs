using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>
/// TaskGroup scenarios written from docs/semantics.md R44: waiting for every child, failures cancelling siblings and
/// aggregated, the owner cancelled, starting after the end.
/// </summary>
public partial class TaskGroupTests
{
    [Test]
    public void Group_DoesNotCompleteBeforeAllChildren_R44()
    {
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            g.Start(SleepReturn(1, 1, _log, "a"));
            g.Start(SleepReturn(3, 2, _log, "b"));
            yield return g.WhenAll();
            _log.Add("owner after");
        }

        var o = _loop.Start(Owner());
        AdvanceAndTickUntil(o);
        Assert.That(o.IsSucceeded, Is.True, o.Exception?.ToString());
        Assert.That(_log.IndexOf("owner after"), Is.GreaterThan(_log.IndexOf("b finally")));
    }

    [Test]
    public void Group_ChildStartedWhileWaiting_IsWaitedFor_R44()
    {
        TaskGroup? group = null;
        IEnumerator<IAwaitable> Spawner()
        {
            yield return Co.Sleep(1);
            group!.Start(SleepReturn(5, 0, _log, "late"));
        }

        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            group = g;
            g.Start(Spawner());
            yield return g.WhenAll();
            _log.Add("owner after");
        }

        var o = _loop.Start(Owner());
        AdvanceAndTickUntil(o);
        Assert.That(_log.IndexOf("owner after"), Is.GreaterThan(_log.IndexOf("late done")));
    }

    [Test]
    public void Group_FailingChildCancelsSiblings_FailsWithAggregateOfFailures_R44()
    {
        var boom = new InvalidOperationException("boom");
        TaskGroup? group = null;
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            group = g;
            g.Start(SleepForever(_log, "s1"));
            g.Start(SleepThrow(1, boom, _log, "f"));
            g.Start(SleepForever(_log, "s2"));
            yield return g.WhenAll();
            _log.Add("owner after");
        }

        var o = _loop.Start(Owner());
        AdvanceAndTickUntil(o);
        Assert.That(o.IsFaulted, Is.True);
        var agg = o.Exception as AggregateException;
        Assert.That(agg, Is.Not.Null, $"expected AggregateException, got {o.Exception}");
        Assert.That(agg!.InnerExceptions, Is.EqualTo(new Exception[] { boom }));
        Assert.That(_log, Does.Contain("s1 finally").And.Contain("s2 finally"));
        Assert.That(_log, Does.Not.Contain("owner after"));
        Assert.That(_log.IndexOf("s1 finally"), Is.GreaterThan(_log.IndexOf("f throws")));
    }

    [Test]
    public void Group_FailsWithEveryChildFailure_R44()
    {
        var e1 = new InvalidOperationException("one");
        var e2 = new ArgumentException("two (finally during cancellation)");
        var e3 = new FormatException("three (same tick)");
        Future? wait = null;
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            g.Start(SleepThrow(1, e1, _log, "f1"));
            g.Start(SleepThrowFromFinally(100, e2, _log, "f2"));
            g.Start(SleepThrow(1, e3, _log, "f3"));
            wait = g.WhenAll();
            yield return wait;
        }

        var o = _loop.Start(Owner());
        AdvanceAndTickUntil(o);
        var agg = o.Exception as AggregateException;
        Assert.That(agg, Is.Not.Null, $"expected AggregateException, got {o.Exception}");
        Assert.That(agg!.InnerExceptions[0], Is.SameAs(e1), "in the order they happened");
        Assert.That(agg.InnerExceptions, Does.Contain(e2));
        var expected = new List<Exception> { e1, e2 };
        if (_log.Contains("f3 throws"))
        {
            expected.Add(e3);
        }

        Assert.That(agg.InnerExceptions, Is.EquivalentTo(expected));
    }

    [Test]
    public void Group_OwnerCancelled_ChildrenCancelled_TheirFinallyBeforeOwners_R44()
    {
        IEnumerator<IAwaitable> Owner()
        {
            try
            {
                using var g = new TaskGroup(_loop);
                g.Start(SleepForever(_log, "c1"));
                g.Start(SleepForever(_log, "c2"));
                yield return g.WhenAll();
            }
            finally
            {
                _log.Add("owner finally");
            }
        }

        var o = _loop.Start(Owner());
        AdvanceAndTick(1);
        AdvanceAndTick(1);
        o.Cancel();
        AdvanceAndTickUntil(o);
        Assert.That(o.IsCancelled, Is.True, o.Exception?.ToString());
        int of = _log.IndexOf("owner finally");
        Assert.That(_log.IndexOf("c1 finally"), Is.InRange(0, of));
        Assert.That(_log.IndexOf("c2 finally"), Is.InRange(0, of));
    }

    [Test]
    public void Group_NoChildOutlivesGroup_AfterOwnerThrows_R44()
    {
        var boom = new InvalidOperationException("owner");
        LoopTask? child = null;
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            child = g.Start(SleepForever(_log, "child"));
            yield return Co.Sleep(1);
            throw boom;
        }

        var o = _loop.Start(Owner());
        AdvanceAndTickUntil(o);
        Assert.That(o.Exception, Is.SameAs(boom));
        _loop.Tick();
        _loop.Tick();
        Assert.That(child!.IsCancelled, Is.True);
        Assert.That(_log, Does.Contain("child finally"));
    }

    [Test]
    public void Group_StartAfterFinished_Throws_R44()
    {
        TaskGroup? kept = null;
        IEnumerator<IAwaitable> Owner()
        {
            var g = new TaskGroup(_loop);
            kept = g;
            g.Start(SleepReturn(0, 1, _log, "a"));
            yield return g.WhenAll();
        }

        var o = _loop.Start(Owner());
        AdvanceAndTickUntil(o);
        Assert.Throws<InvalidOperationException>(() => kept!.Start(SleepForever(_log, "x")));
        kept!.Dispose();
        Assert.Throws<InvalidOperationException>(() => kept.Start(SleepForever(_log, "y")));
    }

    [Test]
    public void Group_EmptyCompletesAtOnce_R44()
    {
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            var w = g.WhenAll();
            _log.Add("done at once " + w.IsSucceeded);
            yield return w;
        }

        var o = _loop.Start(Owner());
        _loop.Tick();
        Assert.That(o.IsSucceeded, Is.True);
        Assert.That(_log, Is.EqualTo(new[] { "done at once True" }));
    }

    [Test]
    public void Group_ChildCancelledIsNotAFailure_R44()
    {
        LoopTask? c = null;
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            c = g.Start(SleepForever(_log, "c"));
            g.Start(SleepReturn(2, 0, _log, "v"));
            yield return g.WhenAll();
            _log.Add("owner after");
        }

        var o = _loop.Start(Owner());
        AdvanceAndTick(1);
        c!.Cancel();
        AdvanceAndTickUntil(o);
        Assert.That(o.IsSucceeded, Is.True, o.Exception?.ToString());
        Assert.That(_log, Does.Contain("v done"));
    }

    [Test]
    public void Group_ChildStartedAfterFailure_NeverRuns_R44()
    {
        var boom = new InvalidOperationException("boom");
        bool lateRan = false;
        TaskGroup? group = null;
        IEnumerator<IAwaitable> Late()
        {
            lateRan = true;
            yield return Co.NextTick;
        }

        IEnumerator<IAwaitable> Cleaner()
        {
            try
            {
                yield return Co.Sleep(100);
            }
            finally
            {
                group!.Start(Late());
            }
        }

        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            group = g;
            g.Start(Cleaner());
            g.Start(SleepThrow(1, boom, _log, "f"));
            yield return g.WhenAll();
        }

        var o = _loop.Start(Owner());
        AdvanceAndTickUntil(o);
        _loop.Tick();
        Assert.That(lateRan, Is.False);
    }

    [Test]
    public void OwnerCancelled_ChildFinallyThrows_OwnerFaultsWithIt_R44()
    {
        var fromChild = new FormatException("child cleanup failed");
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            g.Start(SleepThrowFromFinally(100, fromChild, _log, "c"));
            yield return g.WhenAll();
        }

        var o = _loop.Start(Owner());
        AdvanceAndTick(1);
        AdvanceAndTick(1);
        o.Cancel();
        AdvanceAndTickUntil(o);
        Assert.That(_log, Does.Contain("c finally"));
        bool ownerHasIt = o.IsFaulted && (ReferenceEquals(o.Exception, fromChild) ||
            (o.Exception is AggregateException agg && agg.InnerExceptions.Contains(fromChild)));
        Assert.That(ownerHasIt || _unhandled.Contains(fromChild), Is.True,
            $"the child's cleanup failure was lost (owner {o.State})");
    }

    [Test]
    public void GroupDisposedWithoutWaiting_ChildFailureReported_R44()
    {
        var boom = new InvalidOperationException("nobody waited");
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            g.Start(SleepThrow(0.1, boom, _log, "f"));
            yield return Co.Sleep(5);
        }

        var o = _loop.Start(Owner());
        AdvanceAndTickUntil(o);
        _loop.Tick();
        Assert.That(_unhandled.Exists(e => ReferenceEquals(e, boom) ||
            (e is AggregateException agg && agg.InnerExceptions.Contains(boom))), Is.True);
    }
}
