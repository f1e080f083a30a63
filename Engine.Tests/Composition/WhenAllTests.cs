using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>Co.WhenAll: wait for all, first failure cancels the rest and waits for them (R40).</summary>
[TestFixture]
public partial class WhenAllTests : LoopFixture
{
    public WhenAllTests()
        : base("comp")
    {
    }

    // ---- of nothing -----------------------------------------------------------------------------------------------

    [Test]
    public void WhenAll_OfNothing_CompletesAtOnceWithAnEmptyResult_R40()
    {
        var t = new TestLoop();
        var seen = new List<string>();
        t.Loop.Start(OfNothing(seen));
        t.Tick();

        Assert.That(seen, Is.EqualTo(new[] { "untyped Succeeded", "typed Succeeded 0", "coroutines Succeeded", "settled Succeeded" }));
    }

    private static IEnumerator<IAwaitable> OfNothing(List<string> seen)
    {
        Future untyped = Co.WhenAll(Array.Empty<Future>());
        seen.Add("untyped " + untyped.State);
        Future<int[]> typed = Co.WhenAll(Array.Empty<Future<int>>());
        seen.Add($"typed {typed.State} {typed.Result.Length}");
        Future coroutines = Co.WhenAll(EventLoop.Current!);
        seen.Add("coroutines " + coroutines.State);
        seen.Add("settled " + Co.SettleAll().State);
        yield return untyped;   // already complete: no wait (R19)
    }

    [Test]
    public void WhenAll_OfNothingOutsideATick_ThrowsNamingTheFix()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Co.WhenAll(Array.Empty<Future>()));

        Assert.That(ex!.Message, Is.EqualTo(
            "Co.WhenAll of no futures has no future to take the loop from, and no loop is ticking on this thread to give the (already complete) result to. Pass the loop: Co.WhenAll(loop) of no coroutines completes at once on it."));
    }

    // ---- success ---------------------------------------------------------------------------------------------------

    [Test]
    public void WhenAll_CompletesWhenTheLastChildSucceeds_AndNotBefore_R40()
    {
        var t = new TestLoop();
        var a = new FutureSource(t.Loop);
        var b = new FutureSource(t.Loop);
        Future all = Co.WhenAll(a.Future, b.Future);

        b.SetResult();
        Assert.That(all.State, Is.EqualTo(FutureState.Pending));
        a.SetResult();

        Assert.That(all.State, Is.EqualTo(FutureState.Succeeded), "completed by the deciding child, in the same instant");
    }

    [Test]
    public void WhenAll_AWaiterResumesOneTickAfterTheLastChild_NoExtraTick_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask a = t.Loop.Start(Sleep(1, log, "a"));
        LoopTask b = t.Loop.Start(Sleep(2, log, "b"));
        t.Loop.Start(Await(Co.WhenAll(a, b), log, "owner"));
        t.Tick();

        t.AdvanceAndTick(2);
        Assert.That(log, Is.EqualTo(new[] { "a done", "a finally", "b done", "b finally" }));
        t.Tick();

        Assert.That(log[^2], Is.EqualTo("owner resumed"), "the tick after b completed, as if the owner had waited on b");
    }

    [Test]
    public void WhenAll_Typed_GivesResultsInArgumentOrder_WhateverOrderTheyCompleteIn_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask<int> slow = t.Loop.Start<int>(SleepReturn(3, 1, log, "slow"));
        var source = new FutureSource<int>(t.Loop);
        LoopTask<int> fast = t.Loop.Start<int>(SleepReturn(1, 3, log, "fast"));
        Future<int[]> all = Co.WhenAll<int>(slow, source.Future, fast);   // tasks and futures mix in the typed array form
        t.Tick();

        t.AdvanceAndTick(1);
        source.SetResult(2);
        t.AdvanceAndTick(2);

        Assert.That(all.Result, Is.EqualTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public void WhenAll_SameFutureTwice_CountsBothPositions()
    {
        var t = new TestLoop();
        var source = new FutureSource<string>(t.Loop);
        Future<string[]> all = Co.WhenAll<string>(source.Future, source.Future);

        source.SetResult("x");

        Assert.That(all.Result, Is.EqualTo(new[] { "x", "x" }));
    }

    [Test]
    public void WhenAll_OfCompletedFutures_CompletesAtOnce()
    {
        var t = new TestLoop();
        var a = new FutureSource<int>(t.Loop);
        a.SetResult(7);

        Assert.That(Co.WhenAll<int>(a.Future, a.Future).Result, Is.EqualTo(new[] { 7, 7 }));
    }

    // ---- first failure -------------------------------------------------------------------------------------------

    [Test]
    public void WhenAll_FirstFailure_CancelsTheOthers_WaitsForTheirFinallyBlocks_ThenFailsWithThatException_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("boom");
        LoopTask a = t.Loop.Start(SleepThrow(1, boom, log, "a"));
        LoopTask b = t.Loop.Start(Sleep(5, log, "b"));
        LoopTask c = t.Loop.Start(Sleep(5, log, "c"));
        Future all = Co.WhenAll(a, b, c);
        t.Tick();

        t.AdvanceAndTick(1);
        Assert.That(log, Is.EqualTo(new[] { "a throws", "a finally" }));
        Assert.That(all.State, Is.EqualTo(FutureState.Pending), "b and c have not run their finally blocks yet");

        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "a throws", "a finally", "b finally", "c finally" }));
        Assert.That(b.IsCancelled && c.IsCancelled, Is.True);
        Assert.That(all.IsFaulted, Is.True);
        Assert.That(all.Exception, Is.SameAs(boom), "the first failure itself, not a wrapper");
        Assert.That(boom.GetFailures(), Is.EqualTo(new[] { boom }), "the cancelled siblings add no failure");
    }

    [Test]
    public void WhenAll_LaterFailures_AreAttachedToTheFirstInTheOrderTheyHappened_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var first = new FormatException("first");
        var second = new InvalidOperationException("second, from b's finally");
        var third = new ArgumentException("third, from c's finally");
        LoopTask a = t.Loop.Start(SleepThrow(1, first, log, "a"));
        LoopTask b = t.Loop.Start(SleepThrowInFinally(5, second, log, "b"));
        LoopTask c = t.Loop.Start(SleepThrowInFinally(5, third, log, "c"));
        Future all = Co.WhenAll(a, b, c);
        t.Tick();

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(all.Exception, Is.SameAs(first));
        Assert.That(first.GetFailures(), Is.EqualTo(new Exception[] { first, second, third }));
        Assert.That(t.Unhandled, Is.EqualTo(new[] { first }), "nobody waited: reported once, the others attached, not separately");
    }

    [Test]
    public void WhenAll_FirstFailureACancellation_CancelsTheOthers_AndEndsCancelledAfterThem_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask a = t.Loop.Start(Sleep(5, log, "a"));
        LoopTask b = t.Loop.Start(Sleep(5, log, "b"));
        Future all = Co.WhenAll(a, b);
        t.Tick();

        a.Cancel();
        t.Tick();   // a's turn: cancelled, so b is asked to cancel
        Assert.That(all.State, Is.EqualTo(FutureState.Pending));
        t.Tick();   // b's turn

        Assert.That(log, Is.EqualTo(new[] { "a finally", "b finally" }));
        Assert.That(all.IsCancelled, Is.True);
    }

    [Test]
    public void WhenAll_FirstFailureACancellation_AFaultThatFollows_GoesToTheHandler_R23()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var late = new InvalidOperationException("b's finally");
        var a = new FutureSource(t.Loop);
        LoopTask b = t.Loop.Start(SleepThrowInFinally(5, late, log, "b"));
        Future all = Co.WhenAll(a.Future, b);
        t.Tick();

        a.SetCanceled();
        t.Tick();

        Assert.That(all.IsCancelled, Is.True);
        Assert.That(t.Unhandled, Is.EqualTo(new[] { late }), "a cancellation cannot carry it, and it is not lost");
    }

    [Test]
    public void WhenAll_ChildAlreadyFaultedAtTheStart_CancelsTheOthersAndFailsWithIt_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("early");
        var failed = new FutureSource(t.Loop);
        failed.SetException(boom);
        LoopTask other = t.Loop.Start(Sleep(5, log, "other"));

        Future all = Co.WhenAll(other, failed.Future);
        t.Tick();

        Assert.That(log, Is.Empty, "cancelled before its first step: its body never ran (R32)");
        Assert.That(other.IsCancelled, Is.True);
        Assert.That(all.Exception, Is.SameAs(boom));
        Assert.That(t.Unhandled, Is.EqualTo(new[] { boom }), "once: the child's failure was handed on to the combinator, which nobody waited for");
    }

    // ---- cancellation ------------------------------------------------------------------------------------------

    [Test]
    public void WhenAll_CancellingTheReturnedFuture_CancelsEveryChild_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask a = t.Loop.Start(Sleep(5, log, "a"));
        var b = new FutureSource(t.Loop);
        Future all = Co.WhenAll(a, b.Future);
        t.Tick();

        Assert.That(all.Cancel(), Is.True);
        Assert.That(all.IsCancelled, Is.True, "a plain future is cancelled at once (R16)");
        Assert.That(b.Future.IsCancelled, Is.True);
        t.Tick();

        Assert.That(a.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "a finally" }));
    }

    [Test]
    public void WhenAll_CancellingTheWaitingOwner_CancelsEveryChild_R31_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask a = t.Loop.Start(Sleep(5, log, "a"));
        LoopTask b = t.Loop.Start(Sleep(5, log, "b"));
        LoopTask owner = t.Loop.Start(Await(Co.WhenAll(a, b), log, "owner"));
        t.Tick();

        owner.Cancel();
        Assert.That(owner.IsCompleted, Is.False, "pending until its turn (R30)");
        t.Tick();

        // One tick, and the children are cleaned up first: no child outlives the task that waited for it.
        Assert.That(log, Is.EqualTo(new[] { "a finally", "b finally", "owner finally" }));
        Assert.That(owner.IsCancelled && a.IsCancelled && b.IsCancelled, Is.True);
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void WhenAll_CancellingTheOwner_WhileAChildsFinallyThrows_FaultsTheOwnerWithThatException_R35_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var cleanup = new InvalidOperationException("cleanup failed");
        LoopTask a = t.Loop.Start(SleepThrowInFinally(5, cleanup, log, "a"));
        LoopTask owner = t.Loop.Start(Await(Co.WhenAll(a), log, "owner"));
        t.Tick();

        owner.Cancel();
        t.Tick();

        Assert.That(owner.IsFaulted, Is.True, "an exception thrown by a finally during the cancellation is not lost");
        Assert.That(owner.Exception, Is.SameAs(cleanup));
        Assert.That(log[^1], Is.EqualTo("owner finally"));
    }

    [Test]
    public void WhenAll_ChildFaultingAfterTheResultWasCancelled_IsReportedNotLost_R23()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var cleanup = new InvalidOperationException("cleanup failed");
        LoopTask a = t.Loop.Start(SleepThrowInFinally(5, cleanup, log, "a"));
        Future all = Co.WhenAll(a);
        t.Tick();

        all.Cancel();
        t.Tick();

        Assert.That(a.Exception, Is.SameAs(cleanup));
        Assert.That(t.Unhandled, Is.EqualTo(new[] { cleanup }));
    }

    // ---- R23 for the combinator's own future ---------------------------------------------------------------------

    [Test]
    public void WhenAll_UnobservedFailure_IsReportedOnceAtTheEndOfTheTick_R23()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("nobody waits");
        LoopTask a = t.Loop.Start(SleepThrow(1, boom, log, "a"));
        LoopTask b = t.Loop.Start(SleepThrow(1, new FormatException("never thrown: b is cancelled first"), log, "b"));
        Co.WhenAll(a, b);
        t.Tick();

        t.AdvanceAndTick(1);
        t.Tick(3);

        Assert.That(t.Unhandled, Is.EqualTo(new[] { boom }), "once, for the combinator; the children's failures count as observed by it");
    }

    [Test]
    public void WhenAll_FailureSeenByAParkedOwner_IsNotReported_R23()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("seen");
        LoopTask a = t.Loop.Start(SleepThrow(1, boom, log, "a"));
        LoopTask owner = t.Loop.Start(Settled(Co.WhenAll(a), log));
        t.Tick();

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(log, Does.Contain("owner saw Faulted"));
        Assert.That(owner.IsSucceeded, Is.True);
        Assert.That(t.Unhandled, Is.Empty);
    }

    private static IEnumerator<IAwaitable> Settled(Future future, List<string> log)
    {
        yield return Co.Settle(future);
        log.Add("owner saw " + future.State);
    }

    // ---- coroutines ----------------------------------------------------------------------------------------------

    [Test]
    public void WhenAll_OfCoroutines_StartsThemAsTasks_AndKeepsR40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("boom");
        Future? all = null;
        t.Loop.Start(StartAll(log, boom, f => all = f));
        t.Tick(2);

        t.AdvanceAndTick(1);
        Assert.That(all!.State, Is.EqualTo(FutureState.Pending));
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "x throws", "x finally", "y finally" }));
        Assert.That(all.Exception, Is.SameAs(boom));
    }

    private static IEnumerator<IAwaitable> StartAll(List<string> log, Exception boom, Action<Future> keep)
    {
        Future all = Co.WhenAll(EventLoop.Current!, SleepThrow(1, boom, log, "x"), Sleep(5, log, "y"));
        keep(all);
        yield return Co.Settle(all);
    }

    [Test]
    public void WhenAll_OfTypedCoroutines_GivesResultsInArgumentOrder_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();

        int[] results = t.Loop.RunUntilComplete<int[]>(TypedOwner(log));

        Assert.That(results, Is.EqualTo(new[] { 10, 20 }));
    }

    private static IEnumerator<IAwaitable> TypedOwner(List<string> log)
    {
        Future<int[]> all = Co.WhenAll<int>(EventLoop.Current!, SleepReturn(0, 10, log, "a"), SleepReturn(0, 20, log, "b"));
        yield return all;
        yield return Co.Return(all.Result);
    }

    [Test]
    public void WhenAll_OfNothingOnAGivenLoop_CompletesAtOnceOutsideATick_R40()
    {
        var t = new TestLoop();

        Future untyped = Co.WhenAll(t.Loop);
        Future<int[]> typed = Co.WhenAll<int>(t.Loop);

        Assert.That(untyped.IsSucceeded && untyped.Loop == t.Loop, Is.True);
        Assert.That(typed.Result, Is.Empty);
    }

    [Test]
    public void WhenAll_OfCoroutines_OneCannotStart_ThrowsAndTheOthersNeverRun_R27()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var seen = new List<string>();
        t.Loop.Start(StartTwice(log, seen));
        t.Tick(3);

        Assert.That(seen, Is.EqualTo(new[] { "InvalidOperationException" }));
        Assert.That(log, Is.Empty, "the coroutine that did start was cancelled before its first step");
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
    }

    private static IEnumerator<IAwaitable> StartTwice(List<string> log, List<string> seen)
    {
        IEnumerator<IAwaitable> once = Body(log, "once");
        try
        {
#pragma warning disable YL0005 // the test passes one iterator twice on purpose
            Co.WhenAll(EventLoop.Current!, Body(log, "first"), once, once);
#pragma warning restore YL0005
        }
        catch (InvalidOperationException ex)
        {
            seen.Add(ex.GetType().Name);
        }

        yield break;
    }

    // ---- bad input -----------------------------------------------------------------------------------------------

    [Test]
    public void WhenAll_FuturesOfTwoLoops_ThrowsArgumentException()
    {
        var t = new TestLoop();
        var other = new EventLoop(new ManualClock(), "other");
        var a = new FutureSource(t.Loop);
        var b = new FutureSource(other);

        var ex = Assert.Throws<ArgumentException>(() => Co.WhenAll(a.Future, b.Future));

        Assert.That(ex!.Message, Is.EqualTo(
            "The future at index 1 belongs to loop 'other', but the first one belongs to loop 'test-loop'. A combinator waits on futures of one loop; hand results between loops with Post. (Parameter 'futures')"));
    }

    [Test]
    public void WhenAll_NullArrayOrElement_ThrowsArgumentNullException()
    {
        var t = new TestLoop();
        var a = new FutureSource(t.Loop);

        Assert.Throws<ArgumentNullException>(() => Co.WhenAll((Future[])null!));
        var ex = Assert.Throws<ArgumentNullException>(() => Co.WhenAll(a.Future, null!));
        Assert.That(ex!.Message, Does.StartWith("The future at index 1 is null."));
    }

    // ---- scale ---------------------------------------------------------------------------------------------------

    [Test]
    [Category("Stress")]
    public void WhenAll_OfTenThousandTasks_OneFailing_CancelsAndWaitsForAllOthers_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("one of many");
        var tasks = new LoopTask[10_000];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = i == 5_000 ? t.Loop.Start(SleepThrow(1, boom, log, "bad")) : t.Loop.Start(Forever(log, "x"));
        }

        Future all = Co.WhenAll(tasks);
        t.Tick();
        t.AdvanceAndTick(1);
        Assert.That(all.State, Is.EqualTo(FutureState.Pending));
        t.Tick();

        Assert.That(all.Exception, Is.SameAs(boom));
        Assert.That(log.FindAll(s => s == "x finally"), Has.Count.EqualTo(9_999));
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
    }
}
