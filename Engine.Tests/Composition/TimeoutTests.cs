using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>Co.Timeout (R43).</summary>
[TestFixture]
public class TimeoutTests
{
    // ---- the deadline -----------------------------------------------------------------------------------------------

    [Test]
    public void Timeout_AtTheDeadline_CancelsTheWork_WaitsForItsFinallyBlocks_ThenFailsWithTimeoutException_R43()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask work = t.Loop.Start(Sleep(5, log, "work"));
        Future timed = Co.Timeout(work, 1.5);
        t.Tick();

        t.AdvanceAndTick(1.5);
        Assert.That(timed.State, Is.EqualTo(FutureState.Pending), "the work's finally has not run yet");
        Assert.That(log, Is.Empty);
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "work finally" }));
        Assert.That(work.IsCancelled, Is.True);
        Assert.That(timed.Exception, Is.TypeOf<TimeoutException>());
        Assert.That(timed.Exception!.Message, Is.EqualTo(
            "Co.Timeout: the work did not complete within 1.5 seconds, so it was cancelled (its finally blocks have run)."));
    }

    [Test]
    public void Timeout_OfAPlainFuture_FailsInTheTickOfTheDeadline_R43()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        Future<int> timed = Co.Timeout(source.Future, 1);

        t.AdvanceAndTick(1);

        Assert.That(source.Future.IsCancelled, Is.True);
        Assert.That(timed.Exception!.Message, Is.EqualTo(
            "Co.Timeout: the work did not complete within 1 second, so it was cancelled (its finally blocks have run)."));
    }

    [Test]
    public void Timeout_CountsFromItsCreation_NotFromTheWorksStart_R43()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        t.AdvanceAndTick(2);
        Future timed = Co.Timeout(source.Future, 1);

        t.AdvanceAndTick(0.9);
        Assert.That(timed.State, Is.EqualTo(FutureState.Pending), "t = 2.9");
        t.AdvanceAndTick(0.1);

        Assert.That(timed.Exception, Is.TypeOf<TimeoutException>(), "t = 3: one second after creation");
    }

    [Test]
    public void Timeout_WhenAFinallyThrowsDuringTheCancellation_FailsWithThatException_NotTheTimeout_R43_R35()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var cleanup = new InvalidOperationException("cleanup failed");
        LoopTask work = t.Loop.Start(SleepThrowInFinally(5, cleanup, log, "work"));
        Future timed = Co.Timeout(work, 1);
        t.Tick();

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(timed.Exception, Is.SameAs(cleanup));
    }

    // ---- work that completes -------------------------------------------------------------------------------------

    [Test]
    public void Timeout_WorkCompletingBeforeTheDeadline_Wins_AndTheTimerLeavesTheLoop_R43_R12()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask<int> work = t.Loop.Start<int>(SleepReturn(1, 42, log, "work"));
        Future<int> timed = Co.Timeout(work, 2);
        t.Tick();

        t.AdvanceAndTick(1);
        Assert.That(timed.Result, Is.EqualTo(42));
        t.Tick();

        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
        t.AdvanceAndTick(5);
        Assert.That(timed.Result, Is.EqualTo(42), "nothing fires later");
    }

    [Test]
    public void Timeout_WorkDueInTheSameTickAsTheDeadline_ButEarlierInIt_Wins_R43()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask work = t.Loop.Start(Sleep(1, log, "work"));
        t.Tick();   // the work's sleep is scheduled before the timeout's timer (R8)
        Future timed = Co.Timeout(work, 1);

        t.AdvanceAndTick(1);

        Assert.That(timed.IsSucceeded, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "work done", "work finally" }));
    }

    [Test]
    public void Timeout_WorkThatFails_FailsWithTheSameException_R43()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("boom");
        LoopTask work = t.Loop.Start(SleepThrow(1, boom, log, "work"));
        Future timed = Co.Timeout(work, 2);
        t.Tick();

        t.AdvanceAndTick(1);

        Assert.That(timed.Exception, Is.SameAs(boom));
    }

    // ---- zero or less ----------------------------------------------------------------------------------------------

    [TestCase(0.0)]
    [TestCase(-1.0)]
    public void Timeout_OfZeroOrLess_ReturnsTheResultOfWorkAlreadyDone_R43(double seconds)
    {
        var t = new TestLoop();
        var done = new FutureSource<string>(t.Loop);
        done.SetResult("ready");

        Assert.That(Co.Timeout(done.Future, seconds).Result, Is.EqualTo("ready"));
    }

    [Test]
    public void Timeout_OfZero_CancelsPendingWorkAtOnce_R43()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask work = t.Loop.Start(Sleep(5, log, "work"));
        t.Tick();

        Future timed = Co.Timeout(work, 0);
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "work finally" }));
        Assert.That(timed.Exception, Is.TypeOf<TimeoutException>());
    }

    [Test]
    public void Timeout_OfZero_AroundACoroutine_NeverRunsIt_R43_R32()
    {
        var t = new TestLoop();
        var log = new List<string>();
        Future? timed = null;
        t.Loop.Start(Owner(() => timed = Co.Timeout(t.Loop, Body(log, "unstarted"), 0)));
        t.Tick(3);

        Assert.That(log, Is.Empty);
        Assert.That(timed!.Exception, Is.TypeOf<TimeoutException>());
    }

    private static IEnumerator<IAwaitable> Owner(Func<Future> make)
    {
        yield return Co.Settle(make());
    }

    // ---- cancellation from outside ---------------------------------------------------------------------------------

    [Test]
    public void Timeout_WorkCancelledFromOutside_EndsCancelled_NotTimedOut_R43()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask work = t.Loop.Start(Sleep(5, log, "work"));
        Future timed = Co.Timeout(work, 1);
        t.Tick();

        work.Cancel();
        t.Tick();
        t.AdvanceAndTick(1);

        Assert.That(timed.IsCancelled, Is.True);
    }

    [Test]
    public void Timeout_CancellingTheWaitingOwner_CancelsTheWork_WithoutATimeout_R43_R31()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask work = t.Loop.Start(Sleep(5, log, "work"));
        Future timed = Co.Timeout(work, 1);
        LoopTask owner = t.Loop.Start(Await(timed, log, "owner"));
        t.Tick();

        owner.Cancel();
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "work finally", "owner finally" }), "in one tick, the work cleaned up before its waiter");
        t.AdvanceAndTick(1);

        Assert.That(log, Is.EqualTo(new[] { "work finally", "owner finally" }));
        Assert.That(timed.IsCancelled && work.IsCancelled && owner.IsCancelled, Is.True);
        Assert.That(t.Unhandled, Is.Empty);
        Assert.That(t.Loop.PendingTimerCount, Is.Zero, "the deadline's timer left the loop");
    }

    [Test]
    public void Timeout_ItsFutureCancelled_CancelsTheWork_R43()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        Future timed = Co.Timeout(source.Future, 1);

        timed.Cancel();

        Assert.That(source.Future.IsCancelled, Is.True);
        t.AdvanceAndTick(1);
        Assert.That(timed.IsCancelled, Is.True);
    }

    // ---- nesting -------------------------------------------------------------------------------------------------

    [Test]
    public void Timeout_NestedEqualDeadlines_OnlyTheOuterOneTimesOut_R43()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask work = t.Loop.Start(Sleep(5, log, "work"));
        Future inner = Co.Timeout(work, 1);
        Future outer = Co.Timeout(inner, 1);
        t.Tick();

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "work finally" }));
        Assert.That(inner.IsCancelled, Is.True, "the inner one ends cancelled: the outer one cancelled it");
        Assert.That(outer.Exception, Is.TypeOf<TimeoutException>());
    }

    [Test]
    public void Timeout_NestedEqualDeadlines_InsideACoroutine_OnlyTheOuterOneTimesOut_R43()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var innerSeen = new List<Future>();
        Future? outer = null;
        t.Loop.Start(Owner(() => outer = Co.Timeout(t.Loop, InnerTimeout(log, innerSeen), 1)));
        t.Tick(3);

        t.AdvanceAndTick(1);
        t.Tick(2);

        Assert.That(log, Does.Contain("work finally"));
        Assert.That(innerSeen[0].IsCancelled, Is.True);
        Assert.That(outer!.Exception, Is.TypeOf<TimeoutException>());
    }

    private static IEnumerator<IAwaitable> InnerTimeout(List<string> log, List<Future> seen)
    {
        Future inner = Co.Timeout(EventLoop.Current!, Sleep(5, log, "work"), 1);
        seen.Add(inner);
        yield return inner;
    }

    [Test]
    public void Timeout_AroundWhenAll_CancelsEveryChild_AndWaitsForAllTheirFinallyBlocks_R43_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask a = t.Loop.Start(Sleep(5, log, "a"));
        LoopTask b = t.Loop.Start(Sleep(5, log, "b"));
        Future all = Co.WhenAll(a, b);
        Future timed = Co.Timeout(all, 1);
        t.Tick();

        t.AdvanceAndTick(1);
        Assert.That(all.State, Is.EqualTo(FutureState.Pending), "drained, not cancelled outright");
        Assert.That(timed.State, Is.EqualTo(FutureState.Pending));
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "a finally", "b finally" }));
        Assert.That(all.IsCancelled, Is.True);
        Assert.That(timed.Exception, Is.TypeOf<TimeoutException>());
    }

    [Test]
    public void Timeout_AroundWhenAll_WhoseChildsFinallyThrows_FailsWithThatException_R43()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var cleanup = new InvalidOperationException("b's cleanup");
        LoopTask a = t.Loop.Start(Sleep(5, log, "a"));
        LoopTask b = t.Loop.Start(SleepThrowInFinally(5, cleanup, log, "b"));
        Future timed = Co.Timeout(Co.WhenAll(a, b), 1);
        t.Tick();

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(timed.Exception, Is.SameAs(cleanup));
    }

    // ---- coroutines, results, bad input ----------------------------------------------------------------------------

    [Test]
    public void Timeout_OfATypedCoroutine_PassesItsResultThrough_R43()
    {
        var t = new TestLoop();
        var log = new List<string>();

        int result = t.Loop.RunUntilComplete<int>(TypedOwner(log));

        Assert.That(result, Is.EqualTo(7));
    }

    private static IEnumerator<IAwaitable> TypedOwner(List<string> log)
    {
        Future<int> timed = Co.Timeout<int>(EventLoop.Current!, SleepReturn(0, 7, log, "work"), 1);
        yield return timed;
        yield return Co.Return(timed.Result);
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void Timeout_NaNOrInfinity_ThrowsArgumentOutOfRange_AndStartsNothing_R9(double seconds)
    {
        var t = new TestLoop();
        var log = new List<string>();
        var source = new FutureSource(t.Loop);
        IEnumerator<IAwaitable> coroutine = Body(log, "work");

        Assert.Throws<ArgumentOutOfRangeException>(() => Co.Timeout(source.Future, seconds));
        Assert.Throws<ArgumentOutOfRangeException>(() => Co.Timeout(t.Loop, coroutine, seconds));

        Assert.DoesNotThrow(() => t.Loop.Start(coroutine), "the coroutine was not started");
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
    }

    [Test]
    public void Timeout_UnobservedTimeout_IsReportedOnceAtTheEndOfTheTick_R23()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        Co.Timeout(source.Future, 1);

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(t.Unhandled[0], Is.TypeOf<TimeoutException>());
    }

    [Test]
    public void Timeout_NullFuture_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => Co.Timeout((Future)null!, 1));
    }

    [Test]
    public void Timeout_NestedEqualDeadlines_AroundAPlainFuture_OnlyTheOuterTimesOut_R43()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        Future inner = Co.Timeout(source.Future, 1);   // created first: its timer fires first in the tick (R8)
        Future outer = Co.Timeout(inner, 1);

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(outer.Exception, Is.InstanceOf<TimeoutException>(), "the outer timeout times out");
        Assert.That(inner.IsCancelled, Is.True, "the inner one is drained by the outer: cancelled, not timed out");
        Assert.That(source.Future.IsCancelled, Is.True);
        Assert.That(t.Unhandled, Has.Count.EqualTo(1), "the outer's failure, which nobody awaits, is reported (R23)");
        Assert.That(t.Unhandled[0], Is.SameAs(outer.Exception));
    }

    [Test]
    public void Timeout_NestedThroughWhenAll_EqualDeadlines_OnlyTheOuterTimesOut_R43()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        Future inner = Co.Timeout(source.Future, 1);
        Future outer = Co.Timeout(Co.WhenAll(inner), 1);

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(outer.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(inner.IsCancelled, Is.True);
    }

    [Test]
    public void Timeout_InnerDeadlineEarlier_TheInnerTimesOut_R43()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        Future inner = Co.Timeout(source.Future, 1);
        Future outer = Co.Timeout(inner, 2);

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(inner.Exception, Is.InstanceOf<TimeoutException>(), "its own deadline came first");
        Assert.That(outer.Exception, Is.SameAs(inner.Exception), "the outer passes the inner's failure on");
        _ = outer.Exception;
    }
}
