using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>Co.SettleAll: wait for every child whatever happens (R41).</summary>
[TestFixture]
public class SettleAllTests : LoopFixture
{
    public SettleAllTests()
        : base("comp")
    {
    }

    [Test]
    public void SettleAll_WaitsForEveryChildWhateverHappens_AndCancelsNone_R41()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("early failure");
        LoopTask fails = t.Loop.Start(SleepThrow(1, boom, log, "fails"));
        var cancelled = new FutureSource(t.Loop);
        LoopTask slow = t.Loop.Start(Sleep(3, log, "slow"));
        Future<Settled[]> settled = Co.SettleAll(fails, cancelled.Future, slow);
        t.Tick();

        t.AdvanceAndTick(1);
        cancelled.SetCanceled();
        Assert.That(settled.State, Is.EqualTo(FutureState.Pending), "a failure does not end the wait");
        t.AdvanceAndTick(2);

        Assert.That(log, Is.EqualTo(new[] { "fails throws", "fails finally", "slow done", "slow finally" }), "slow was not cancelled");
        Assert.That(settled.IsSucceeded, Is.True);
        Assert.That(Array.ConvertAll(settled.Result, s => s.State), Is.EqualTo(new[] { FutureState.Faulted, FutureState.Cancelled, FutureState.Succeeded }),
            "one outcome per item, in argument order");
        Assert.That(settled.Result[0].Exception, Is.SameAs(boom), "the item's own exception object");
        Assert.That(fails.Exception, Is.SameAs(boom), "each outcome stays readable on its future too");
    }

    [Test]
    public void SettleAll_FailuresHeldOnlyInTheOutcomes_AreNotReportedAsUnobserved_EvenIfNobodyReadsThem_R41_R23()
    {
        var t = new TestLoop();
        var log = new List<string>();
        Future<Settled[]> settled = Co.SettleAll(t.Loop, SleepThrow(1, new FormatException("a"), log, "a"), SleepThrow(1, new FormatException("b"), log, "b"));
        t.Tick();

        t.AdvanceAndTick(1);
        t.Tick(2);

        Assert.That(settled.IsSucceeded, Is.True, "a settle never fails because an item did");
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void Settled_Value_IsTheResult_OrRethrowsTheItemsException_OrThrowsOperationCanceled()
    {
        var t = new TestLoop();
        var boom = new FormatException("boom");
        var ok = new FutureSource<string>(t.Loop);
        var failed = new FutureSource<string>(t.Loop);
        var cancelled = new FutureSource<string>(t.Loop);
        Future<Settled<string>[]> settled = Co.SettleAll(ok.Future, failed.Future, cancelled.Future);
        ok.SetResult("fine");
        failed.SetException(boom);
        cancelled.SetCanceled();

        Settled<string>[] outcomes = settled.Result;

        Assert.That(outcomes[0].Value, Is.EqualTo("fine"));
        Assert.That(Assert.Throws<FormatException>(() => _ = outcomes[1].Value), Is.SameAs(boom));
        Assert.That(Assert.Throws<OperationCanceledException>(() => _ = outcomes[2].Value)!.Message, Is.EqualTo(
            "This item of Co.SettleAll was cancelled, so it has no value. Check State before reading Value."));
        Settled[] untyped = outcomes;   // an array of Settled<T> is an array of Settled
        Assert.That(untyped[1].Exception, Is.SameAs(boom));
    }

    [Test]
    public void Settled_ToString_ShowsTheStateAndTheValueOrTheException()
    {
        var t = new TestLoop();
        var ok = new FutureSource<int>(t.Loop);
        var failed = new FutureSource<int>(t.Loop);
        var cancelled = new FutureSource(t.Loop);
        Future<Settled<int>[]> typed = Co.SettleAll(ok.Future, failed.Future);
        Future<Settled[]> untyped = Co.SettleAll(cancelled.Future);
        ok.SetResult(3);
        failed.SetException(new FormatException("bad input"));
        cancelled.SetCanceled();

        Assert.That(typed.Result[0].ToString(), Is.EqualTo("Succeeded (3)"));
        Assert.That(typed.Result[1].ToString(), Is.EqualTo("Faulted (FormatException: bad input)"));
        Assert.That(untyped.Result[0].ToString(), Is.EqualTo("Cancelled"));
    }

    [Test]
    public void SettleAll_ChildFailures_CountAsObserved_R41_R23()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var already = new FutureSource(t.Loop);
        already.SetException(new FormatException("before the settle"));
        LoopTask later = t.Loop.Start(SleepThrow(1, new FormatException("during the settle"), log, "later"));
        Co.SettleAll(already.Future, later);
        t.Tick();

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void SettleAll_CancellingTheReturnedFuture_CancelsEveryChild()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask a = t.Loop.Start(Sleep(5, log, "a"));
        Future settled = Co.SettleAll(a);
        t.Tick();

        settled.Cancel();
        t.Tick();

        Assert.That(a.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "a finally" }));
    }

    [Test]
    public void SettleAll_UnderATimeout_EndsTheWaitAtTheDeadline_R41_R43()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask a = t.Loop.Start(Sleep(5, log, "a"));
        Future timed = Co.Timeout(Co.SettleAll(a), 1);
        t.Tick();

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "a finally" }));
        Assert.That(timed.Exception, Is.TypeOf<TimeoutException>(), "a drained settle ends cancelled, so the timeout times out");
    }

    // ---- scenarios written from docs/semantics.md ---------------------------------------------------------------

    [Test]
    public void SettleAll_WaitsForEveryChild_NeverCancels_EachOutcomeAvailable_R41()
    {
        var boom = new InvalidOperationException("boom");
        var a = _loop.Start(SleepThrow(1, boom, _log, "a"));
        var b = _loop.Start<int>(SleepReturn(5, 2, _log, "b"));
        var c = _loop.Start(SleepForever(_log, "c"));
        var settle = Co.SettleAll(a, b, c);
        AdvanceAndTick(3);
        c.Cancel();
        for (int i = 0; i < 4; i++)
        {
            AdvanceAndTick(1);
            if (i < 1)
            {
                Assert.That(settle.IsCompleted, Is.False, "settle-all completed before every child");
            }
        }

        AdvanceAndTickUntil(settle);
        Assert.That(settle.IsSucceeded, Is.True);
        Assert.That(a.IsFaulted, Is.True);
        Assert.That(b.IsSucceeded, Is.True);
        Assert.That(b.Result, Is.EqualTo(2));
        Assert.That(c.IsCancelled, Is.True);
        Assert.That(_log, Does.Contain("b done"));
        Assert.That(_unhandled, Is.Empty, "failures under SettleAll count as observed");
    }

    [Test]
    public void SettleAll_NotCompletedWhileAChildIsPending_R41()
    {
        var boom = new InvalidOperationException("boom");
        var a = _loop.Start(SleepThrow(1, boom, _log, "a"));
        var b = _loop.Start<int>(SleepReturn(10, 2, _log, "b"));
        var settle = Co.SettleAll(a, b);
        for (int i = 0; i < 8; i++)
        {
            AdvanceAndTick(1);
        }

        Assert.That(a.IsFaulted, Is.True);
        Assert.That(settle.IsCompleted, Is.False);
        Assert.That(b.IsCompleted, Is.False);
        AdvanceAndTickUntil(settle);
        Assert.That(b.Result, Is.EqualTo(2));
    }

    [Test]
    public void SettleAll_CancellingTheReturnedFuture_CancelsChildren_R41()
    {
        var a = _loop.Start(SleepForever(_log, "a"));
        var b = _loop.Start(SleepForever(_log, "b"));
        var settle = Co.SettleAll(a, b);
        AdvanceAndTick(1);
        settle.Cancel();
        _loop.Tick();
        _loop.Tick();
        Assert.That(a.IsCancelled && b.IsCancelled, Is.True);
    }

    [Test]
    public void SettleAll_OfNothing_CompletesAtOnce_R41()
    {
        bool done = false;
        IEnumerator<IAwaitable> Main()
        {
            var f = Co.SettleAll();
            done = f.IsSucceeded;
            yield break;
        }

        _loop.Start(Main());
        _loop.Tick();
        Assert.That(done, Is.True);
    }
}
