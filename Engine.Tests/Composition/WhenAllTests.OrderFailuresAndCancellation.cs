using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>
/// Co.WhenAll scenarios written from docs/semantics.md R40: result order, the first failure cancelling and waiting for
/// the rest, later failures attached, cancelling the wait, of nothing.
/// </summary>
public partial class WhenAllTests
{
    [Test]
    public void WhenAll_GivesResultsInArgumentOrder_NotCompletionOrder_R40()
    {
        var a = _loop.Start<int>(SleepReturn(3, 1, _log, "a"));
        var b = _loop.Start<int>(SleepReturn(1, 2, _log, "b"));
        var c = _loop.Start<int>(SleepReturn(2, 3, _log, "c"));
        Future<int[]> all = Co.WhenAll<int>(a, b, c);
        AdvanceAndTickUntil(all);
        Assert.That(all.Result, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void WhenAll_OfCoroutines_FromInsideACoroutine_ResultsInArgumentOrder_R40()
    {
        int[]? got = null;
        IEnumerator<IAwaitable> Main()
        {
            var all = Co.WhenAll<int>(_loop, SleepReturn(2, 10, _log, "a"), SleepReturn(1, 20, _log, "b"), SleepReturn(0, 30, _log, "c"));
            yield return all;
            got = all.Result;
        }

        var t = _loop.Start(Main());
        AdvanceAndTickUntil(t);
        Assert.That(t.IsSucceeded, Is.True, t.Exception?.ToString());
        Assert.That(got, Is.EqualTo(new[] { 10, 20, 30 }));
    }

    [Test]
    public void WhenAll_FirstFailureCancelsOthers_WaitsForTheirFinally_ThenFailsWithSameException_R40()
    {
        var boom = new InvalidOperationException("boom");
        var a = _loop.Start<int>(SleepReturn(100, 1, _log, "a"));
        var b = _loop.Start(SleepThrow(1, boom, _log, "b"));
        var c = _loop.Start<int>(SleepReturn(100, 3, _log, "c"));
        Future all = Co.WhenAll(a, b, c);
        var waiter = _loop.Start(SettleAndLog(all, _log, "waiter"));
        AdvanceAndTickUntil(waiter);

        Assert.That(all.IsFaulted, Is.True);
        Assert.That(all.Exception, Is.SameAs(boom));
        Assert.That(a.IsCancelled, Is.True);
        Assert.That(c.IsCancelled, Is.True);
        int resumed = _log.IndexOf("waiter resumed Faulted");
        Assert.That(resumed, Is.GreaterThan(_log.IndexOf("a finally")));
        Assert.That(resumed, Is.GreaterThan(_log.IndexOf("c finally")));
        Assert.That(_log, Does.Contain("a finally").And.Contain("c finally"));
        Assert.That(_log, Does.Not.Contain("a done").And.Not.Contain("c done"));
    }

    [Test]
    public void WhenAll_DoesNotCompleteBeforeCancelledSiblingsFinished_R40()
    {
        var boom = new InvalidOperationException("boom");
        var a = _loop.Start(SleepThrow(1, boom, _log, "a"));
        var b = _loop.Start<int>(SleepReturn(100, 1, _log, "b"));
        Future all = Co.WhenAll(a, b);
        for (int i = 0; i < 50 && !all.IsCompleted; i++)
        {
            AdvanceAndTick(0.5);
            if (all.IsCompleted)
            {
                break;
            }
        }

        Assert.That(all.IsCompleted, Is.True);
        // When the wait completed, the sibling had already completed (its finally ran).
        Assert.That(b.IsCompleted, Is.True);
        Assert.That(_log, Does.Contain("b finally"));
        Assert.That(all.Exception, Is.SameAs(boom));
    }

    [Test]
    public void WhenAll_CancelledChildCountsAsFailure_WaitEndsCancelled_OthersCancelled_R40()
    {
        var a = _loop.Start<int>(SleepReturn(100, 1, _log, "a"));
        var b = _loop.Start<int>(SleepReturn(100, 2, _log, "b"));
        Future<int[]> all = Co.WhenAll<int>(a, b);
        AdvanceAndTick(1);
        Assert.That(b.Cancel(), Is.True);
        AdvanceAndTickUntil(all);
        Assert.That(all.IsCancelled, Is.True);
        Assert.That(a.IsCancelled, Is.True);
        Assert.That(_log, Does.Contain("a finally").And.Contain("b finally"));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void WhenAll_FutureChildCancelled_WaitEndsCancelled_R40()
    {
        var s1 = new FutureSource<int>(_loop);
        var s2 = new FutureSource<int>(_loop);
        var all = Co.WhenAll<int>(s1.Future, s2.Future);
        s1.SetCanceled();
        AdvanceAndTickUntil(all);
        Assert.That(all.IsCancelled, Is.True);
        Assert.That(s2.Future.IsCancelled, Is.True);
    }

    [Test]
    public void WhenAll_LaterFailuresAreAttached_NotDropped_R40()
    {
        var first = new InvalidOperationException("first");
        var later = new ArgumentException("later, from a finally during cancellation");
        var a = _loop.Start(SleepThrow(1, first, _log, "a"));
        var b = _loop.Start(SleepThrowFromFinally(100, later, _log, "b"));
        Future all = Co.WhenAll(a, b);
        var waiter = _loop.Start(SettleAndLog(all, _log, "waiter"));
        AdvanceAndTickUntil(waiter);
        Assert.That(all.Exception, Is.SameAs(first));
        Assert.That(b.IsFaulted, Is.True);
        Assert.That(first.GetFailures(), Is.EqualTo(new Exception[] { first, later }));
        Assert.That(_unhandled, Is.Empty, "attached failures must not also be reported as unobserved");
    }

    [Test]
    public void WhenAll_TwoChildrenFailInSameTick_SecondAttachedToFirst_R40()
    {
        var first = new InvalidOperationException("first");
        var second = new InvalidOperationException("second");
        var a = _loop.Start(SleepThrow(1, first, _log, "a"));
        var b = _loop.Start(SleepThrow(1, second, _log, "b"));
        Future all = Co.WhenAll(a, b);
        var waiter = _loop.Start(SettleAndLog(all, _log, "waiter"));
        AdvanceAndTickUntil(waiter);
        Assert.That(all.Exception, Is.SameAs(first));
        // The sibling, already queued in the same tick, is either cancelled at its turn (never throws) or throws;
        // if it did throw, its failure must be attached or reported, never dropped.
        if (b.IsFaulted)
        {
            Assert.That(first.GetFailures().Contains(second) || _unhandled.Contains(second), Is.True,
                "the second failure was silently dropped");
        }
        else
        {
            Assert.That(b.IsCancelled, Is.True);
            Assert.That(_log, Does.Not.Contain("b throws"));
        }
    }

    [Test]
    public void CancellingTheWaiter_CancelsAllChildren_ChildrenFinallyBeforeWaiterFinally_R40()
    {
        IEnumerator<IAwaitable> Waiter()
        {
            try
            {
                yield return Co.WhenAll(_loop, SleepForever(_log, "c1"), SleepForever(_log, "c2"), SleepForever(_log, "c3"));
                _log.Add("waiter after");
            }
            finally
            {
                _log.Add("waiter finally");
            }
        }

        var w = _loop.Start(Waiter());
        AdvanceAndTick(1);
        AdvanceAndTick(1);
        w.Cancel();
        AdvanceAndTickUntil(w);
        Assert.That(w.IsCancelled, Is.True);
        int wf = _log.IndexOf("waiter finally");
        Assert.That(wf, Is.GreaterThanOrEqualTo(0));
        foreach (string c in new[] { "c1", "c2", "c3" })
        {
            int cf = _log.IndexOf(c + " finally");
            Assert.That(cf, Is.GreaterThanOrEqualTo(0), c + " finally did not run");
            Assert.That(cf, Is.LessThan(wf), c + " finally ran after the waiter's");
        }

        Assert.That(_log, Does.Not.Contain("waiter after"));
    }

    [Test]
    public void CancellingTheReturnedFuture_CancelsEveryChild_R40()
    {
        var a = _loop.Start(SleepForever(_log, "a"));
        var b = _loop.Start(SleepForever(_log, "b"));
        var all = Co.WhenAll(a, b);
        AdvanceAndTick(1);
        Assert.That(all.Cancel(), Is.True);
        _loop.Tick();
        _loop.Tick();
        Assert.That(a.IsCancelled && b.IsCancelled, Is.True);
        Assert.That(_log, Is.EquivalentTo(new[] { "a finally", "b finally" }));
    }

    [Test]
    public void WhenAll_OfNothing_CompletesAtOnce_WithEmptyResult_R40()
    {
        bool untypedDone = false;
        int[]? typed = null;
        bool typedDoneAtOnce = false;
        IEnumerator<IAwaitable> Main()
        {
            Future f = Co.WhenAll(Array.Empty<Future>());
            untypedDone = f.IsCompleted && f.IsSucceeded;
            Future<int[]> g = Co.WhenAll(Array.Empty<Future<int>>());
            typedDoneAtOnce = g.IsSucceeded;
            yield return g;
            typed = g.Result;
        }

        var t = _loop.Start(Main());
        _loop.Tick();
        Assert.That(t.IsSucceeded, Is.True, t.Exception?.ToString());
        Assert.That(untypedDone, Is.True);
        Assert.That(typedDoneAtOnce, Is.True);
        Assert.That(typed, Is.Empty);
    }

    [Test]
    public void WhenAll_OfNoCoroutines_CompletesAtOnce_R40()
    {
        bool done = false;
        IEnumerator<IAwaitable> Main()
        {
            var f = Co.WhenAll<int>(_loop);
            done = f.IsSucceeded && f.Result.Length == 0;
            yield break;
        }

        var t = _loop.Start(Main());
        _loop.Tick();
        Assert.That(t.IsSucceeded, Is.True, t.Exception?.ToString());
        Assert.That(done, Is.True);
    }

    [Test]
    public void WhenAll_AllAlreadyComplete_WaiterContinuesInSameStep_R40()
    {
        var s1 = new FutureSource<int>(_loop);
        var s2 = new FutureSource<int>(_loop);
        s1.SetResult(5);
        s2.SetResult(6);
        int[]? got = null;
        IEnumerator<IAwaitable> Main()
        {
            var all = Co.WhenAll<int>(s1.Future, s2.Future);
            yield return all;
            got = all.Result;
        }

        var t = _loop.Start(Main());
        AdvanceAndTickUntil(t);
        Assert.That(got, Is.EqualTo(new[] { 5, 6 }));
    }

    [Test]
    public void WhenAll_FailureIsObserved_NotReportedAsUnhandled_R40()
    {
        var boom = new InvalidOperationException("boom");
        var waiter = _loop.Start(SettleAndLog(Co.WhenAll(_loop.Start(SleepThrow(1, boom, _log, "a")), _loop.Start(SleepForever(_log, "b"))), _log, "w"));
        AdvanceAndTickUntil(waiter);
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void WhenAll_UnobservedFailure_ReportedOnce_R40()
    {
        var boom = new InvalidOperationException("boom");
        var all = Co.WhenAll(_loop.Start(SleepThrow(1, boom, _log, "a")), _loop.Start(SleepForever(_log, "b")));
        for (int i = 0; i < 10; i++)
        {
            AdvanceAndTick(1);
        }

        Assert.That(all.IsFaulted, Is.True);
        Assert.That(_unhandled.Count(e => ReferenceEquals(e, boom)), Is.EqualTo(1));
    }

    [Test]
    public void CancellingTheTimeoutFuture_CancelsWork_IsNotATimeout_R43()
    {
        IEnumerator<IAwaitable> Waiter()
        {
            try
            {
                yield return Co.Timeout(_loop, SleepForever(_log, "work"), 5);
            }
            finally
            {
                _log.Add("waiter finally");
            }
        }

        var w = _loop.Start(Waiter());
        AdvanceAndTick(1);
        AdvanceAndTick(1);
        w.Cancel();
        AdvanceAndTickUntil(w);
        Assert.That(w.IsCancelled, Is.True, w.Exception?.ToString());
        Assert.That(_log, Is.EqualTo(new[] { "work finally", "waiter finally" }));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void OutcomeIsCancellation_LaterFailureGoesToHandler_R40()
    {
        var late = new ArgumentException("finally during cancellation");
        var a = _loop.Start(SleepForever(_log, "a"));
        var b = _loop.Start(SleepThrowFromFinally(100, late, _log, "b"));
        Future all = Co.WhenAll(a, b);
        var waiter = _loop.Start(SettleAndLog(all, _log, "waiter"));
        AdvanceAndTick(1);
        a.Cancel();
        AdvanceAndTickUntil(waiter);
        _loop.Tick();
        Assert.That(all.IsCancelled, Is.True);
        Assert.That(b.IsFaulted, Is.True);
        Assert.That(_unhandled, Does.Contain(late), "a later failure under a cancelled outcome was dropped");
        Assert.That(_unhandled.FindAll(e => ReferenceEquals(e, late)), Has.Count.EqualTo(1));
    }
}
