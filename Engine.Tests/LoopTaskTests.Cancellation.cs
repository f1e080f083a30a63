using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>R30-R35: cancellation is delivered by the loop, as disposal of the whole iterator chain.</summary>
public partial class LoopTaskTests
{
    private static readonly string[] NestUnwoundInnermostFirst =
    {
        "finally 0", "dispose using 0",
        "finally 1", "dispose using 1",
        "finally 2", "dispose using 2",
    };

    // ---- R30: mark, then the task's turn -----------------------------------------------------------------------

    [Test]
    public void Cancel_FromOutsideATick_LeavesTheTaskPendingUntilItsTurnInTheNextTick_R30()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        LoopTask task = t.Loop.Start(ParkOn(source.Future, log));
        t.Tick();

        Assert.That(task.Cancel(), Is.True);

        Assert.That(task.State, Is.EqualTo(FutureState.Pending), "marked, not yet cancelled");
        Assert.That(task.IsCompleted, Is.False);
        Assert.That(log, Is.Empty, "no finally runs inside Cancel");
        t.Tick();
        Assert.That(task.State, Is.EqualTo(FutureState.Cancelled));
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
    }

    [Test]
    public void Cancel_FromAnotherTasksStep_TakesEffectAtTheTasksTurnInTheNextTick_R30()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        LoopTask victim = t.Loop.Start(ParkOn(source.Future, log));
        t.Tick();
        var seen = new List<string>();

        t.Loop.Start(CancelAndLook(victim, log, seen));
        t.Tick();

        Assert.That(seen, Is.EqualTo(new[] { "cancel True", "state Pending", "finally blocks run: 0" }));
        Assert.That(victim.State, Is.EqualTo(FutureState.Pending), "its turn is in the next tick");
        t.Tick();
        Assert.That(victim.State, Is.EqualTo(FutureState.Cancelled));
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
    }

    [Test]
    public void Cancel_DisposesFramesInnermostFirst_R30()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        LoopTask task = t.Loop.Start(Nest(2, log, () => source.Future));
        t.Tick();
        log.Clear();

        task.Cancel();
        t.Tick();

        Assert.That(log, Is.EqualTo(NestUnwoundInnermostFirst));
        Assert.That(task.IsCancelled, Is.True);
    }

    [Test]
    public void Cancel_RunsEveryFinallyAndUsingExactlyOnce_R30()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        LoopTask task = t.Loop.Start(Nest(2, log, () => source.Future));
        t.Tick();
        log.Clear();

        task.Cancel();
        t.Tick();
        task.Cancel();
        source.TrySetResult();
        t.Tick(3);

        Assert.That(log, Is.EqualTo(NestUnwoundInnermostFirst));
    }

    [Test]
    public void Cancel_OfAReadyTask_DoesNotRunItsNextStep_R30()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(Steps(log, 10));
        t.Tick(2);

        task.Cancel();
        t.Tick(3);

        Assert.That(log, Is.EqualTo(new[] { "step 0", "step 1" }));
        Assert.That(task.IsCancelled, Is.True);
    }

    [Test]
    public void Cancel_AwaitingTasksSeeTheCancellation_R30()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        LoopTask inner = t.Loop.Start(ParkOn(source.Future, log));
        var outcomes = new List<FutureState>();
        LoopTask settled = t.Loop.Start(SettleAndRecord(inner, outcomes));
        LoopTask waiter = t.Loop.Start(ParkOn(inner, log));
        t.Tick();

        inner.Cancel();
        t.Tick(2);

        Assert.That(waiter.IsCancelled, Is.True);
        Assert.That(settled.IsSucceeded, Is.True);
        Assert.That(outcomes, Is.EqualTo(new[] { FutureState.Cancelled }));
    }

    [Test]
    public void Cancel_OfACompletedTask_ReturnsFalse_AndChangesNothing_R30()
    {
        var t = new TestLoop();
        LoopTask<int> task = t.Loop.Start<int>(Answer());
        t.TickUntil(task);

        Assert.That(task.Cancel(), Is.False);

        Assert.That(task.Result, Is.EqualTo(42));
    }

    [Test]
    public void Cancel_Twice_TheSecondReturnsFalse_R33()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        LoopTask task = t.Loop.Start(ParkOn(source.Future, log));
        t.Tick();

        Assert.That(task.Cancel(), Is.True);
        Assert.That(task.Cancel(), Is.False);
        t.Tick();
        Assert.That(task.Cancel(), Is.False);

        Assert.That(log, Is.EqualTo(new[] { "finally" }));
    }

    // ---- R31: what the task is parked on ------------------------------------------------------------------------

    [Test]
    public void Cancel_CancelsTheFutureTheTaskIsParkedOn_R31()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        LoopTask task = t.Loop.Start(ParkOn(source.Future, new List<string>()));
        t.Tick();

        task.Cancel();
        t.Tick();

        Assert.That(source.Future.IsCancelled, Is.True);
        Assert.That(source.TrySetResult(), Is.False);
    }

    [Test]
    public void Cancel_CancelsTheChildTaskTheTaskWaitsFor_R31()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var childLog = new List<string>();
        LoopTask child = t.Loop.Start(ParkOn(source.Future, childLog), "child");
        LoopTask parent = t.Loop.Start(ParkOn(child, new List<string>()), "parent");
        t.Tick();

        parent.Cancel();
        Assert.That(child.State, Is.EqualTo(FutureState.Pending), "the child is marked too, and waits for its turn");
        t.Tick();

        Assert.That(parent.IsCancelled, Is.True);
        Assert.That(child.IsCancelled, Is.True);
        Assert.That(childLog, Is.EqualTo(new[] { "finally" }));
        Assert.That(source.Future.IsCancelled, Is.True, "and what the child waited on");
    }

    [Test]
    public void Cancel_OfALongChainOfWaitingTasks_ReachesTheInnermost_R31()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        var chain = new List<LoopTask> { t.Loop.Start(ParkOn(source.Future, log)) };
        for (int i = 1; i < 1000; i++)
        {
            chain.Add(t.Loop.Start(ParkOn(chain[i - 1], log)));
        }

        t.Tick();

        chain[chain.Count - 1].Cancel();
        t.Tick();

        Assert.That(chain.TrueForAll(task => task.IsCancelled), Is.True);
        Assert.That(log, Has.Count.EqualTo(1000));
        Assert.That(source.Future.IsCancelled, Is.True);
    }

    [Test]
    public void Cancel_OfASleepingTask_RemovesItsTimerFromTheLoop_R31()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(SleepThenLog(10, log));
        t.Tick();
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(1));

        task.Cancel();
        t.Tick();

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
        t.AdvanceAndTick(20);
        Assert.That(log, Is.Empty);
    }

    [Test]
    public void Cancel_OfATaskSleepingInAnInlineChild_RemovesTheTimer_AndUnwindsAllFrames_R31()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(Nest(2, log, () => Co.Sleep(5)));
        t.Tick();
        log.Clear();

        task.Cancel();
        t.Tick();

        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
        Assert.That(log, Is.EqualTo(NestUnwoundInnermostFirst));
    }

    [Test]
    public void Cancel_OfATaskParkedOnAShield_LeavesTheInnerFuturePending_R31()
    {
        var t = new TestLoop();
        var inner = new FutureSource<int>(t.Loop);
        Future shield = Co.Shield(inner.Future);
        LoopTask protectedWaiter = t.Loop.Start(ParkOn(shield, new List<string>()));
        var results = new List<int>();
        LoopTask otherWaiter = t.Loop.Start(Await(inner.Future, results));
        t.Tick();

        protectedWaiter.Cancel();
        t.Tick();

        Assert.That(protectedWaiter.IsCancelled, Is.True);
        Assert.That(shield.IsCancelled, Is.True);
        Assert.That(inner.Future.State, Is.EqualTo(FutureState.Pending), "the shield protected it");
        inner.SetResult(9);
        t.Tick(2);
        Assert.That(otherWaiter.IsSucceeded, Is.True);
        Assert.That(results, Is.EqualTo(new[] { 9 }));
    }

    [Test]
    public void Cancel_OfATaskParkedOnAShieldedTask_LetsThatTaskRunToTheEnd_R31()
    {
        var t = new TestLoop();
        var workLog = new List<string>();
        LoopTask work = t.Loop.Start(Steps(workLog, 3), "work");
        LoopTask waiter = t.Loop.Start(ParkOn(Co.Shield(work), new List<string>()));
        t.Tick();

        waiter.Cancel();
        t.Tick(5);

        Assert.That(waiter.IsCancelled, Is.True);
        Assert.That(work.IsSucceeded, Is.True);
        Assert.That(workLog, Has.Count.EqualTo(3));
    }

    // ---- R32: cancelled before its first step ------------------------------------------------------------------

    [Test]
    public void Cancel_BeforeTheFirstStep_TheBodyNeverRuns_R32()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(Nest(1, log, () => Co.NextTick));

        Assert.That(task.Cancel(), Is.True);
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));
        t.Tick(3);

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.Empty, "neither the body nor a finally (none was entered) ran");
    }

    [Test]
    public void Cancel_OfATaskStartedInTheSameStep_TheBodyNeverRuns_R32()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var started = new TaskRef();

        t.Loop.Start(StartAndCancel(t.Loop, log, started));
        t.Tick(3);

        Assert.That(started.Task!.IsCancelled, Is.True);
        Assert.That(log, Is.Empty);
    }

    // ---- R33: a task that cancels itself ------------------------------------------------------------------------

    [Test]
    public void SelfCancel_StopsAtTheNextYield_InTheSameTick_AndCancelsTheYieldedFuture_R33()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        var self = new TaskRef();
        self.Task = t.Loop.Start(SelfCancelThenYield(self, log, () => source.Future));

        t.Tick();

        Assert.That(self.Task.IsCancelled, Is.True, "in the same tick");
        Assert.That(log, Is.EqualTo(new[] { "cancel True", "still running", "finally" }));
        Assert.That(source.Future.IsCancelled, Is.True, "what it yielded is not awaited but cancelled");
    }

    [Test]
    public void SelfCancel_YieldingNextTick_EndsInTheSameTick_R33()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var self = new TaskRef();
        self.Task = t.Loop.Start(SelfCancelThenYield(self, log, () => Co.NextTick));

        t.Tick();

        Assert.That(self.Task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "cancel True", "still running", "finally" }));
    }

    [Test]
    public void SelfCancel_YieldingACompletedFuture_DoesNotContinue_R33()
    {
        var t = new TestLoop();
        var done = new FutureSource(t.Loop);
        done.SetResult();
        var log = new List<string>();
        var self = new TaskRef();
        self.Task = t.Loop.Start(SelfCancelThenYield(self, log, () => done.Future));

        t.Tick();

        Assert.That(self.Task.IsCancelled, Is.True);
        Assert.That(log, Does.Not.Contain("after yield"));
        Assert.That(done.Future.IsSucceeded, Is.True);
    }

    [Test]
    public void SelfCancel_YieldingATask_CancelsThatTask_R33()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var childLog = new List<string>();
        var self = new TaskRef();
        LoopTask? child = null;
        self.Task = t.Loop.Start(SelfCancelThenYield(self, log, () => child = t.Loop.Start(Steps(childLog, 3))));

        t.Tick();
        Assert.That(self.Task.IsCancelled, Is.True);
        t.Tick();

        Assert.That(child!.IsCancelled, Is.True);
        Assert.That(childLog, Is.Empty, "the yielded task was cancelled before its first step");
    }

    [Test]
    public void SelfCancel_YieldingASleep_NeverStartsTheTimer_R33()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var self = new TaskRef();
        self.Task = t.Loop.Start(SelfCancelThenYield(self, log, () => Co.Sleep(5)));

        t.Tick();

        Assert.That(self.Task.IsCancelled, Is.True);
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
    }

    [Test]
    public void SelfCancel_YieldingAnInlineCall_NeverRunsTheChild_R33()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var childLog = new List<string>();
        var self = new TaskRef();
        self.Task = t.Loop.Start(SelfCancelThenYield(self, log, () => Co.Call(Steps(childLog, 1))));

        t.Tick(2);

        Assert.That(self.Task.IsCancelled, Is.True);
        Assert.That(childLog, Is.Empty);
    }

    [Test]
    public void SelfCancel_ThenCoReturn_DropsTheResult_AndTheTaskEndsCancelled_R33()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var self = new TaskRef();
        LoopTask<int> task = t.Loop.Start<int>(SelfCancelThenYield(self, log, () => Co.Return(7)));
        self.Task = task;

        t.Tick();

        Assert.That(task.IsCancelled, Is.True);
        Assert.Throws<OperationCanceledException>(() => _ = task.Result);
        Assert.That(log, Is.EqualTo(new[] { "cancel True", "still running", "finally" }));
    }

    [Test]
    public void SelfCancel_ThenEnding_EndsCancelled_R33()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var self = new TaskRef();
        self.Task = t.Loop.Start(SelfCancelThenYield(self, log, () => null));

        t.Tick();

        Assert.That(self.Task.IsCancelled, Is.True);
    }

    [Test]
    public void SelfCancel_SecondCancelInsideTheStep_ReturnsFalse_R33()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var self = new TaskRef();
        self.Task = t.Loop.Start(CancelSelfTwice(self, log));

        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "first True", "second False" }));
        Assert.That(self.Task.IsCancelled, Is.True);
    }

    [Test]
    public void SelfCancel_InsideAnInlineChild_DisposesTheWholeChainInnermostFirst_InTheSameTick_R33()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var self = new TaskRef();
        self.Task = t.Loop.Start(Nest(2, log, () =>
        {
            log.Add("cancel " + self.Task!.Cancel());
            return Co.NextTick;
        }));

        t.Tick();

        Assert.That(self.Task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[]
        {
            "enter 2", "enter 1", "enter 0", "cancel True",
            "finally 0", "dispose using 0",
            "finally 1", "dispose using 1",
            "finally 2", "dispose using 2",
        }));
    }

    [Test]
    public void CancellingTheAwaitingParent_FromAChildTasksStep_StopsTheChildAtItsNextYield_R33()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var parentRef = new TaskRef();
        LoopTask child = t.Loop.Start(CancelParent(parentRef, log), "child");
        parentRef.Task = t.Loop.Start(ParkOn(child, log), "parent");

        t.Tick();   // the child steps first (the parent is not parked yet): it only yields
        t.Tick();   // now the parent waits on the child, and the child cancels the parent

        Assert.That(log, Is.EqualTo(new[] { "cancel True", "child still running" }));
        Assert.That(child.IsCancelled, Is.True, "the parent's cancellation reached the child it waits on, at the child's next yield");
        Assert.That(parentRef.Task.State, Is.EqualTo(FutureState.Pending), "the parent's turn is in the next tick");
        t.Tick();
        Assert.That(parentRef.Task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "cancel True", "child still running", "finally" }));
    }

    // ---- R34: cancel during the disposal -------------------------------------------------------------------------

    [Test]
    public void Cancel_RequestedInsideAFinallyDuringCancellation_IsANoOp_R34()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        var self = new TaskRef();
        self.Task = t.Loop.Start(CancelInFinally(self, source.Future, log));
        t.Tick();

        self.Task.Cancel();
        t.Tick(2);

        Assert.That(log, Is.EqualTo(new[] { "finally: cancel False" }), "the finally ran once and its cancel was a no-op");
        Assert.That(self.Task.IsCancelled, Is.True);
    }

    [Test]
    public void Cancel_RequestedInsideAFinallyDuringAFault_IsANoOp_AndTheFaultStays_R34()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var self = new TaskRef();
        var failure = new FormatException("the fault");
        self.Task = t.Loop.Start(CancelInFinallyThenChildThrows(self, failure, log));

        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "finally: cancel False" }));
        Assert.That(self.Task.IsFaulted, Is.True);
        Assert.That(self.Task.Exception, Is.SameAs(failure));
    }

    // ---- R35: finally blocks that throw during cancellation ------------------------------------------------------

    [Test]
    public void FinallyThatThrowsDuringCancellation_BecomesTheFaultedOutcome_R35()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var fromFinally = new InvalidOperationException("cleanup failed");
        LoopTask task = t.Loop.Start(ThrowingFinally(fromFinally, ParkOn(source.Future, new List<string>())));
        var log = new List<string>();
        LoopTask waiter = t.Loop.Start(ParkOn(task, log));
        t.Tick();

        task.Cancel();
        t.Tick(2);

        Assert.That(task.IsFaulted, Is.True, "not cancelled: the exception is not lost");
        Assert.That(task.Exception, Is.SameAs(fromFinally));
        Assert.That(waiter.Exception, Is.SameAs(fromFinally), "awaiting tasks see it too");
    }

    [Test]
    public void SeveralFinallyBlocksThrowingDuringCancellation_FirstIsTheOutcome_OthersAreSuppressed_R35()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var inner = new InvalidOperationException("inner finally");
        var middle = new InvalidOperationException("middle finally");
        var outer = new InvalidOperationException("outer finally");
        LoopTask task = t.Loop.Start(
            ThrowingFinally(outer, ThrowingFinally(middle, ThrowingFinally(inner, ParkOn(source.Future, new List<string>())))));
        t.Tick();

        task.Cancel();
        t.Tick();

        Assert.That(task.Exception, Is.SameAs(inner), "frames are disposed innermost first");
        Assert.That(inner.GetFailures(), Is.EqualTo(new Exception[] { inner, middle, outer }));
    }

    [Test]
    public void FinallyThatThrowsDuringCancellation_IsReportedOnceWhenNobodyObservesIt_R35()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var fromFinally = new InvalidOperationException("cleanup failed");
        LoopTask task = t.Loop.Start(ThrowingFinally(fromFinally, ParkOn(source.Future, new List<string>())));
        t.Tick();

        task.Cancel();
        t.Tick(3);

        Assert.That(t.Unhandled, Is.EqualTo(new Exception[] { fromFinally }));
    }

    [Test]
    public void SeveralFinallyBlocksThrowingDuringAFault_TheFaultStays_AndTheyAreSuppressedInOrder_R35()
    {
        var t = new TestLoop();
        var failure = new FormatException("the failure");
        var middle = new InvalidOperationException("middle finally");
        var outer = new InvalidOperationException("outer finally");

        LoopTask task = t.Loop.Start(ThrowingFinally(outer, ThrowingFinally(middle, Throw(failure))));
        t.Tick();

        Assert.That(task.Exception, Is.SameAs(failure));
        Assert.That(failure.GetFailures(), Is.EqualTo(new Exception[] { failure, middle, outer }));
    }

    // ---- coroutines ----------------------------------------------------------------------------------------------

    private static IEnumerator<IAwaitable> Await(Future<int> future, List<int> results)
    {
        yield return future;
        results.Add(future.Result);
    }

    private static IEnumerator<IAwaitable> CancelAndLook(LoopTask victim, List<string> victimLog, List<string> seen)
    {
        seen.Add("cancel " + victim.Cancel());
        seen.Add("state " + victim.State);
        seen.Add("finally blocks run: " + victimLog.Count);
        yield break;
    }

    private static IEnumerator<IAwaitable> SleepThenLog(double seconds, List<string> log)
    {
        yield return Co.Sleep(seconds);
        log.Add("woke");
    }

    private static IEnumerator<IAwaitable> StartAndCancel(EventLoop loop, List<string> log, TaskRef started)
    {
        started.Task = loop.Start(Steps(log, 2));
        started.Task.Cancel();
        yield break;
    }

    /// <summary>Cancels its own task, goes on to its next yield, and yields what <paramref name="next"/> gives.</summary>
    private static IEnumerator<IAwaitable> SelfCancelThenYield(TaskRef self, List<string> log, Func<IAwaitable?> next)
    {
        try
        {
            log.Add("cancel " + self.Task!.Cancel());
            log.Add("still running");
            IAwaitable? yielded = next();
            if (yielded is not null)
            {
                yield return yielded;
                log.Add("after yield");
            }
        }
        finally
        {
            log.Add("finally");
        }
    }

    private static IEnumerator<IAwaitable> CancelSelfTwice(TaskRef self, List<string> log)
    {
        log.Add("first " + self.Task!.Cancel());
        log.Add("second " + self.Task!.Cancel());
        yield return Co.NextTick;
        log.Add("never");
    }

    private static IEnumerator<IAwaitable> CancelParent(TaskRef parent, List<string> log)
    {
        yield return Co.NextTick;
        log.Add("cancel " + parent.Task!.Cancel());
        log.Add("child still running");
        yield return Co.NextTick;
        log.Add("child never resumes");
    }

    private static IEnumerator<IAwaitable> CancelInFinally(TaskRef self, Future parkOn, List<string> log)
    {
        try
        {
            yield return parkOn;
        }
        finally
        {
            log.Add("finally: cancel " + self.Task!.Cancel());
        }
    }

    private static IEnumerator<IAwaitable> CancelInFinallyThenChildThrows(TaskRef self, Exception failure, List<string> log)
    {
        try
        {
            yield return Co.Call(Throw(failure));
        }
        finally
        {
            log.Add("finally: cancel " + self.Task!.Cancel());
        }
    }
}
