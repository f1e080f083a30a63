using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>Co.Timeout (R43).</summary>
[TestFixture]
public class TimeoutTests : LoopFixture
{
    public TimeoutTests()
        : base("comp")
    {
    }

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

    // ---- scenarios written from docs/semantics.md ---------------------------------------------------------------

    [Test]
    public void Timeout_CountsFromCreation_NotFromYield_R43()
    {
        var work = _loop.Start(SleepForever(_log, "work"));
        Future timeout = Co.Timeout(work, 2);
        double? resumedAt = null;
        IEnumerator<IAwaitable> Waiter()
        {
            yield return Co.Sleep(1.5);
            yield return Co.Settle(timeout);
            resumedAt = _loop.Time.TotalSeconds;
        }

        _loop.Start(Waiter());
        for (int i = 0; i < 40 && resumedAt == null; i++)
        {
            AdvanceAndTick(0.25);
        }

        Assert.That(timeout.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(resumedAt, Is.Not.Null);
        Assert.That(resumedAt!.Value, Is.LessThan(3.0), "the deadline was counted from the yield, not the creation");
        Assert.That(resumedAt!.Value, Is.GreaterThanOrEqualTo(2.0));
    }

    [Test]
    public void Timeout_NotBeforeDeadline_R43()
    {
        var work = _loop.Start(SleepForever(_log, "work"));
        Future timeout = Co.Timeout(work, 2);
        AdvanceAndTick(1.0);
        AdvanceAndTick(0.99);
        Assert.That(timeout.IsCompleted, Is.False);
        Assert.That(work.IsCompleted, Is.False);
        Assert.That(_log, Is.Empty);
        AdvanceAndTick(0.01);
        AdvanceAndTickUntil(timeout);
        Assert.That(timeout.Exception, Is.InstanceOf<TimeoutException>());
    }

    [Test]
    public void Expiry_CancelsWork_WaitsForFinally_ThenTimeoutException_R43()
    {
        IEnumerator<IAwaitable> Main()
        {
            var t = Co.Timeout(_loop, SleepForever(_log, "work"), 1);
            yield return Co.Settle(t);
            _log.Add("main sees " + t.Exception?.GetType().Name);
        }

        var m = _loop.Start(Main());
        AdvanceAndTickUntil(m);
        Assert.That(_log, Is.EqualTo(new[] { "work finally", "main sees TimeoutException" }));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void Expiry_TimeoutFutureNotCompleteUntilWorkFinished_R43()
    {
        var work = _loop.Start(SleepForever(_log, "work"));
        Future timeout = Co.Timeout(work, 1);
        for (int i = 0; i < 20 && !timeout.IsCompleted; i++)
        {
            AdvanceAndTick(0.5);
        }

        Assert.That(timeout.IsCompleted, Is.True);
        Assert.That(work.IsCancelled, Is.True);
        Assert.That(_log, Does.Contain("work finally"));
    }

    [Test]
    public void Expiry_FinallyThrows_ThatExceptionIsTheOutcome_R43()
    {
        var fromFinally = new InvalidOperationException("cleanup failed");
        var work = _loop.Start(SleepThrowFromFinally(100, fromFinally, _log, "work"));
        Future timeout = Co.Timeout(work, 1);
        AdvanceAndTickUntil(timeout);
        Assert.That(timeout.Exception, Is.SameAs(fromFinally));
    }

    [Test]
    public void WorkFinishingFirst_Wins_WithItsResult_R43()
    {
        var work = _loop.Start<int>(SleepReturn(1, 42, _log, "work"));
        Future<int> timeout = Co.Timeout<int>(work, 5);
        AdvanceAndTickUntil(timeout);
        Assert.That(timeout.Result, Is.EqualTo(42));
        for (int i = 0; i < 10; i++)
        {
            AdvanceAndTick(1);
        }

        Assert.That(_unhandled, Is.Empty);
        Assert.That(timeout.IsSucceeded, Is.True);
    }

    [Test]
    public void WorkFailingFirst_TimeoutFailsWithSameException_R43()
    {
        var boom = new InvalidOperationException("boom");
        var work = _loop.Start(SleepThrow(1, boom, _log, "work"));
        Future timeout = Co.Timeout(work, 5);
        AdvanceAndTickUntil(timeout);
        Assert.That(timeout.Exception, Is.SameAs(boom));
    }

    [Test]
    public void WorkFinishingInTheDeadlineTick_WorkWins_R43()
    {
        var src = new FutureSource<int>(_loop);
        Future<int> timeout = Co.Timeout<int>(src.Future, 1);
        AdvanceAndTick(0.5);
        src.SetResult(9);
        AdvanceAndTick(0.5);
        AdvanceAndTickUntil(timeout);
        Assert.That(timeout.Result, Is.EqualTo(9));
    }

    [Test]
    public void ZeroTimeout_WorkAlreadyDone_GivesResult_R43()
    {
        var src = new FutureSource<int>(_loop);
        src.SetResult(3);
        Future<int> t = Co.Timeout<int>(src.Future, 0);
        AdvanceAndTickUntil(t);
        Assert.That(t.Result, Is.EqualTo(3));
    }

    [Test]
    public void NegativeTimeout_WorkAlreadyFailed_GivesThatFailure_R43()
    {
        var boom = new InvalidOperationException("boom");
        var src = new FutureSource(_loop);
        src.SetException(boom);
        Future t = Co.Timeout(src.Future, -1);
        AdvanceAndTickUntil(t);
        Assert.That(t.Exception, Is.SameAs(boom));
    }

    [Test]
    public void ZeroTimeout_PendingWork_CancelledAtOnce_TimeoutException_R43()
    {
        var src = new FutureSource(_loop);
        Future t = Co.Timeout(src.Future, 0);
        AdvanceAndTickUntil(t, 3);
        Assert.That(src.Future.IsCancelled, Is.True);
        Assert.That(t.Exception, Is.InstanceOf<TimeoutException>());
    }

    [Test]
    public void NegativeTimeout_UnstartedCoroutine_NeverRuns_R43()
    {
        bool ran = false;
        IEnumerator<IAwaitable> Body()
        {
            ran = true;
            yield return Co.NextTick;
        }

        Future? t = null;
        IEnumerator<IAwaitable> Main()
        {
            t = Co.Timeout(_loop, Body(), -5);
            yield return Co.Settle(t);
        }

        var m = _loop.Start(Main());
        AdvanceAndTickUntil(m);
        Assert.That(ran, Is.False);
        Assert.That(t!.Exception, Is.InstanceOf<TimeoutException>());
    }

    [Test]
    public void ZeroTimeout_OfCoroutine_NeverRuns_R43()
    {
        bool ran = false;
        IEnumerator<IAwaitable> Body()
        {
            ran = true;
            yield return Co.Return(1);
        }

        Future<int>? t = null;
        IEnumerator<IAwaitable> Main()
        {
            t = Co.Timeout<int>(_loop, Body(), 0);
            yield return Co.Settle(t);
        }

        var m = _loop.Start(Main());
        AdvanceAndTickUntil(m);
        Assert.That(ran, Is.False);
        Assert.That(t!.Exception, Is.InstanceOf<TimeoutException>());
    }

    [Test]
    public void CancelFromOutside_IsNotATimeout_R43()
    {
        var work = _loop.Start(SleepForever(_log, "work"));
        Future t = Co.Timeout(work, 5);
        AdvanceAndTick(1);
        work.Cancel();
        AdvanceAndTickUntil(t);
        Assert.That(t.IsCancelled, Is.True, $"expected cancelled, got {t.State}");
        Assert.That(t.Exception, Is.Null);
    }

    [Test]
    public void NestedEqualDeadlines_OnlyOuterTimesOut_InnerCancelled_R43()
    {
        Future? inner = null;
        Future? outer = null;
        IEnumerator<IAwaitable> Middle()
        {
            inner = Co.Timeout(_loop, SleepForever(_log, "work"), 2);
            yield return inner;
        }

        IEnumerator<IAwaitable> Main()
        {
            outer = Co.Timeout(_loop, Middle(), 2);
            yield return Co.Settle(outer);
        }

        var m = _loop.Start(Main());
        AdvanceAndTickUntil(m);
        Assert.That(outer!.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(inner!.IsCancelled, Is.True, $"inner should be cancelled, was {inner.State} {inner.Exception}");
        Assert.That(_log, Does.Contain("work finally"));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void NestedEqualDeadlines_InnerCreatedFirst_TaskWork_OnlyOuterTimesOut_R43()
    {
        var work = _loop.Start(SleepForever(_log, "work"));
        _loop.Tick();
        Future inner = Co.Timeout(work, 1);
        Future outer = Co.Timeout(inner, 1);
        AdvanceAndTickUntil(outer);
        _loop.Tick();
        Assert.That(outer.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(inner.IsCancelled, Is.True, $"inner was {inner.State}");
        Assert.That(work.IsCancelled, Is.True);
        Assert.That(_log, Does.Contain("work finally"));
    }

    [Test]
    public void NestedInnerShorter_InnerTimesOut_R43()
    {
        var src = new FutureSource(_loop);
        Future inner = Co.Timeout(src.Future, 1);
        Future outer = Co.Timeout(inner, 5);
        AdvanceAndTickUntil(outer);
        Assert.That(inner.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(outer.Exception, Is.SameAs(inner.Exception));
    }

    [Test]
    public void TimeoutOfWhenAll_CancelsAllChildren_WaitsForThem_R43()
    {
        IEnumerator<IAwaitable> Main()
        {
            var t = Co.Timeout(Co.WhenAll(_loop, SleepForever(_log, "a"), SleepForever(_log, "b")), 1);
            yield return Co.Settle(t);
            _log.Add("main " + t.Exception?.GetType().Name);
        }

        var m = _loop.Start(Main());
        AdvanceAndTickUntil(m);
        Assert.That(_log.Last(), Is.EqualTo("main TimeoutException"));
        Assert.That(_log, Does.Contain("a finally").And.Contain("b finally"));
    }

    [Test]
    public void ShieldedWork_TimeoutDoesNotCancelIt_R43()
    {
        var work = _loop.Start<int>(SleepReturn(3, 5, _log, "work"));
        Future t = Co.Timeout(Co.Shield(work), 1);
        AdvanceAndTickUntil(t);
        Assert.That(t.Exception, Is.InstanceOf<TimeoutException>());
        AdvanceAndTickUntil(work);
        Assert.That(work.Result, Is.EqualTo(5));
    }

    [Test]
    public void TimeoutOfTypedCoroutine_PassesResult_R43()
    {
        int? got = null;
        IEnumerator<IAwaitable> Main()
        {
            var t = Co.Timeout<int>(_loop, SleepReturn(1, 77, _log, "w"), 5);
            yield return t;
            got = t.Result;
        }

        var m = _loop.Start(Main());
        AdvanceAndTickUntil(m);
        Assert.That(got, Is.EqualTo(77));
    }
}
