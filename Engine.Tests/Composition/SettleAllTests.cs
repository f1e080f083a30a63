using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>Co.SettleAll: wait for every child whatever happens (R41).</summary>
[TestFixture]
public class SettleAllTests
{
    [Test]
    public void SettleAll_WaitsForEveryChildWhateverHappens_AndCancelsNone_R41()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("early failure");
        LoopTask fails = t.Loop.Start(SleepThrow(1, boom, log, "fails"));
        var cancelled = new FutureSource(t.Loop);
        LoopTask slow = t.Loop.Start(Sleep(3, log, "slow"));
        Future settled = Co.SettleAll(fails, cancelled.Future, slow);
        t.Tick();

        t.AdvanceAndTick(1);
        cancelled.SetCanceled();
        Assert.That(settled.State, Is.EqualTo(FutureState.Pending), "a failure does not end the wait");
        t.AdvanceAndTick(2);

        Assert.That(log, Is.EqualTo(new[] { "fails throws", "fails finally", "slow done", "slow finally" }), "slow was not cancelled");
        Assert.That(settled.IsSucceeded, Is.True);
        Assert.That(fails.Exception, Is.SameAs(boom), "each outcome stays readable on its future");
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
}
