using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>
/// Scenarios for cancellation, Close and stopped runs (docs/semantics.md R30-R37), written from the rules.
/// </summary>
public partial class LoopTaskTests
{
    // ---------------------------------------------------------------------------------------------------------------
    // R30: cancellation marks the task and queues its turn
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void CancelOutsideStep_StaysPendingUntilNextTick_ThenCancelled_R30()
    {
        var log = new List<string>();
        LoopTask task = _loop.Start(TryFinallySleep(log, "t", 100));
        Tick();
        Assert.That(task.Cancel(), Is.True);
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));
        Assert.That(task.IsCompleted, Is.False);
        Assert.That(log, Is.Empty, "the finally runs at the task's turn, not inside Cancel");
        Tick();
        Assert.That(task.State, Is.EqualTo(FutureState.Cancelled));
        Assert.That(log, Is.EqualTo(new[] { "t-finally" }));
        Tick(3);
        Assert.That(log, Is.EqualTo(new[] { "t-finally" }));
    }

    [Test]
    public void CancelTaskParkedOnNextTick_DoesNotRunItsBodyAgain_R30()
    {
        int steps = 0;
        var log = new List<string>();
        LoopTask task = _loop.Start(CountingWithFinally(() => steps++, log));
        Tick(2);
        Assert.That(steps, Is.EqualTo(2));
        task.Cancel();
        Tick();
        Assert.That(steps, Is.EqualTo(2));
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
    }

    private static IEnumerator<IAwaitable> CountingWithFinally(Action step, List<string> log)
    {
        try
        {
            while (true)
            {
                step();
                yield return Co.NextTick;
            }
        }
        finally
        {
            log.Add("finally");
        }
    }

    [Test]
    public void InlineChain_DisposedInnermostFirst_EachFinallyAndUsingOnce_R30()
    {
        var log = new List<string>();
        LoopTask task = _loop.Start(Level(3, log));
        Tick(2);
        task.Cancel();
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[]
        {
            "using-0", "finally-0", "using-1", "finally-1", "using-2", "finally-2", "using-3", "finally-3",
        }));
        Tick(3);
        Assert.That(log, Has.Count.EqualTo(8));
    }

    private static IEnumerator<IAwaitable> Level(int depth, List<string> log)
    {
        try
        {
            using (new Disposer(() => log.Add($"using-{depth}")))
            {
                if (depth == 0)
                {
                    yield return Co.Sleep(1000);
                }
                else
                {
                    yield return Co.Call(Level(depth - 1, log));
                }
            }
        }
        finally
        {
            log.Add($"finally-{depth}");
        }
    }

    [Test]
    public void AwaitingTaskSeesTheCancellation_R30()
    {
        LoopTask child = _loop.Start(Sleeper(100));
        bool after = false;
        LoopTask parent = _loop.Start(AwaitThen(child, () => after = true));
        FutureState settledState = FutureState.Pending;
        LoopTask settler = _loop.Start(SettleThen(child, f => settledState = f.State));
        Tick();
        child.Cancel();
        Tick(3);
        Assert.That(child.IsCancelled, Is.True);
        Assert.That(parent.IsCancelled, Is.True);
        Assert.That(after, Is.False);
        Assert.That(settler.IsSucceeded, Is.True);
        Assert.That(settledState, Is.EqualTo(FutureState.Cancelled));
    }

    [Test]
    public void CancelInsideStepOfAnotherTask_TakesEffectNextTick_R30()
    {
        var log = new List<string>();
        LoopTask victim = _loop.Start(TryFinallySleep(log, "v", 100));
        Tick();
        bool? returned = null;
        FutureState stateAfterCancel = FutureState.Succeeded;
        _loop.Start(Do(() =>
        {
            returned = victim.Cancel();
            stateAfterCancel = victim.State;
            log.Add("canceller-done");
        }));
        Tick();
        Assert.That(returned, Is.True);
        Assert.That(stateAfterCancel, Is.EqualTo(FutureState.Pending));
        Tick();
        Assert.That(victim.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "canceller-done", "v-finally" }));
    }

    [Test]
    public void CancelReadyTask_BeforeItsTurnInTheSameTick_NotStepped_R30()
    {
        // Task B is ready in the same tick as A; A cancels B: B must not run another step of its body.
        int bSteps = 0;
        LoopTask b = null!;
        LoopTask a = _loop.Start(Do(() => b.Cancel()));
        b = _loop.Start(CountingWithFinally(() => bSteps++, new List<string>()));
        Tick();
        Assert.That(a.IsSucceeded, Is.True);
        Tick(2);
        Assert.That(bSteps, Is.Zero);
        Assert.That(b.IsCancelled, Is.True);
    }

    [Test]
    public void CancelWokenTask_BeforeItResumes_DoesNotRunTheRest_R30()
    {
        var source = new FutureSource(_loop);
        bool after = false;
        var log = new List<string>();
        LoopTask task = _loop.Start(AwaitWithFinally(source.Future, () => after = true, log));
        Tick();
        source.SetResult();
        task.Cancel();
        Tick(2);
        Assert.That(after, Is.False);
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
    }

    private static IEnumerator<IAwaitable> AwaitWithFinally(Future f, Action after, List<string> log)
    {
        try
        {
            yield return f;
            after();
        }
        finally
        {
            log.Add("finally");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R31: cancelling what the task is parked on
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void CancelTask_CancelsTheFutureItWaitsOn_R31()
    {
        var source = new FutureSource<int>(_loop);
        LoopTask task = _loop.Start(AwaitThen(source.Future, () => { }));
        Tick();
        task.Cancel();
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(source.Future.IsCancelled, Is.True);
        Assert.That(source.TrySetResult(1), Is.False);
    }

    [Test]
    public void CancelTask_CancelsTheChildTaskItWaitsOn_ChildFinallyRuns_R31()
    {
        var log = new List<string>();
        LoopTask child = _loop.Start(TryFinallySleep(log, "child", 100));
        LoopTask parent = _loop.Start(AwaitWithFinally(child, () => log.Add("parent-after"), log));
        Tick();
        parent.Cancel();
        Tick(2);
        Assert.That(parent.IsCancelled, Is.True);
        Assert.That(child.IsCancelled, Is.True);
        Assert.That(log, Does.Contain("child-finally"));
        Assert.That(log, Does.Contain("finally"));
        Assert.That(log, Does.Not.Contain("parent-after"));
    }

    [Test]
    public void CancelChainOfWaitingTasks_CancelsAll_R31()
    {
        var log = new List<string>();
        LoopTask leaf = _loop.Start(TryFinallySleep(log, "leaf", 100));
        LoopTask mid = _loop.Start(AwaitPlain(leaf));
        LoopTask top = _loop.Start(AwaitPlain(mid));
        Tick();
        top.Cancel();
        Tick(3);
        Assert.That(top.IsCancelled, Is.True);
        Assert.That(mid.IsCancelled, Is.True);
        Assert.That(leaf.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "leaf-finally" }));
    }

    [Test]
    public void CancelSleepingTask_TimerLeavesTheLoop_R31()
    {
        LoopTask task = _loop.Start(Sleeper(100));
        Tick();
        Assert.That(_loop.PendingTimerCount, Is.EqualTo(1));
        task.Cancel();
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Tick();
        Assert.That(_loop.PendingTimerCount, Is.Zero);
        Assert.That(_loop.PendingTaskCount, Is.Zero);
    }

    [Test]
    public void CancelSleepingTaskInsideChild_TimerLeavesTheLoop_R31()
    {
        LoopTask task = _loop.Start(CallIt(Sleeper(100)));
        Tick();
        Assert.That(_loop.PendingTimerCount, Is.EqualTo(1));
        task.Cancel();
        Tick(2);
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(_loop.PendingTimerCount, Is.Zero);
    }

    [Test]
    public void CancelTaskParkedOnWhenAll_ChildrenFinallyRun_BeforeOwnersFinally_R31()
    {
        var log = new List<string>();
        LoopTask owner = _loop.Start(OwnerOfWhenAll(log));
        Tick(2);
        owner.Cancel();
        Tick(3);
        Assert.That(owner.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "a-finally", "b-finally", "owner-finally" }));
    }

    private static IEnumerator<IAwaitable> OwnerOfWhenAll(List<string> log)
    {
        try
        {
            yield return Co.WhenAll(EventLoop.Current!, TryFinallySleep(log, "a", 100), TryFinallySleep(log, "b", 200));
            log.Add("owner-after");
        }
        finally
        {
            log.Add("owner-finally");
        }
    }

    [Test]
    public void CancelTaskParkedOnWhenAllOfTasks_ChildrenCancelled_R31()
    {
        var log = new List<string>();
        LoopTask a = _loop.Start(TryFinallySleep(log, "a", 100));
        LoopTask b = _loop.Start(TryFinallySleep(log, "b", 100));
        LoopTask owner = _loop.Start(AwaitThen(Co.WhenAll(a, b), () => log.Add("owner-after")));
        Tick();
        owner.Cancel();
        Tick(3);
        Assert.That(owner.IsCancelled, Is.True);
        Assert.That(a.IsCancelled, Is.True);
        Assert.That(b.IsCancelled, Is.True);
        Assert.That(log, Is.EquivalentTo(new[] { "a-finally", "b-finally" }));
    }

    [Test]
    public void CancelTaskParkedOnRace_ChildrenFinallyRun_R31()
    {
        var log = new List<string>();
        LoopTask owner = _loop.Start(OwnerOfRace(log));
        Tick(2);
        owner.Cancel();
        Tick(3);
        Assert.That(owner.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "a-finally", "b-finally", "owner-finally" }));
    }

    private static IEnumerator<IAwaitable> OwnerOfRace(List<string> log)
    {
        try
        {
            yield return Co.Race(EventLoop.Current!, TryFinallySleep(log, "a", 100), TryFinallySleep(log, "b", 200));
            log.Add("owner-after");
        }
        finally
        {
            log.Add("owner-finally");
        }
    }

    [Test]
    public void CancelTaskParkedOnTaskGroup_ChildrenFinallyRun_BeforeOwnersFinally_R31()
    {
        var log = new List<string>();
        LoopTask owner = _loop.Start(OwnerOfGroup(log));
        Tick(2);
        owner.Cancel();
        Tick(3);
        Assert.That(owner.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "a-finally", "b-finally", "owner-finally" }));
    }

    private static IEnumerator<IAwaitable> OwnerOfGroup(List<string> log)
    {
        try
        {
            using var group = new TaskGroup();
            group.Start(TryFinallySleep(log, "a", 100));
            group.Start(TryFinallySleep(log, "b", 200));
            yield return group.WhenAll();
            log.Add("owner-after");
        }
        finally
        {
            log.Add("owner-finally");
        }
    }

    [Test]
    public void CancelTaskParkedOnTimeout_InnerWorkFinallyRuns_NotATimeout_R31()
    {
        var log = new List<string>();
        LoopTask owner = _loop.Start(OwnerOfTimeout(log));
        Tick(2);
        owner.Cancel();
        Tick(3);
        Assert.That(owner.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "inner-finally", "owner-finally" }));
    }

    private static IEnumerator<IAwaitable> OwnerOfTimeout(List<string> log)
    {
        try
        {
            yield return Co.Timeout(EventLoop.Current!, TryFinallySleep(log, "inner", 100), 50);
            log.Add("owner-after");
        }
        finally
        {
            log.Add("owner-finally");
        }
    }

    [Test]
    public void CancelTaskParkedOnWhenAll_NestedCombinators_AllChildrenFinallyRun_R31()
    {
        var log = new List<string>();
        LoopTask owner = _loop.Start(OwnerOfNested(log));
        Tick(3);
        owner.Cancel();
        Tick(5);
        Assert.That(owner.IsCancelled, Is.True);
        Assert.That(log, Is.EquivalentTo(new[] { "a-finally", "b-finally", "c-finally", "owner-finally" }));
        Assert.That(_loop.PendingTaskCount, Is.Zero);
    }

    private static IEnumerator<IAwaitable> OwnerOfNested(List<string> log)
    {
        try
        {
            yield return Co.WhenAll(EventLoop.Current!, 
                TryFinallySleep(log, "a", 100),
                RaceOf(TryFinallySleep(log, "b", 100), TryFinallySleep(log, "c", 100)));
        }
        finally
        {
            log.Add("owner-finally");
        }
    }

    private static IEnumerator<IAwaitable> RaceOf(IEnumerator<IAwaitable> x, IEnumerator<IAwaitable> y)
    {
        yield return Co.Race(EventLoop.Current!, x, y);
    }

    [Test]
    public void Shield_ProtectsTheInnerFuture_R31()
    {
        var inner = new FutureSource<int>(_loop);
        Future shield = null!;
        LoopTask task = _loop.Start(AwaitShield(inner.Future, s => shield = s));
        Tick();
        task.Cancel();
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(shield.IsCancelled, Is.True);
        Assert.That(inner.Future.IsCompleted, Is.False, "the shielded future is not cancelled");
        inner.SetResult(3);
        Tick();
        Assert.That(inner.Future.Result, Is.EqualTo(3));
        Assert.That(_unhandled, Is.Empty);
    }

    private static IEnumerator<IAwaitable> AwaitShield(Future inner, Action<Future> seeShield)
    {
        Future shield = Co.Shield(inner);
        seeShield(shield);
        yield return shield;
    }

    [Test]
    public void Shield_ProtectsAChildTask_ItKeepsRunning_R31()
    {
        var log = new List<string>();
        LoopTask<int> child = _loop.Start<int>(ReturnAfterSleep(5, 77, log));
        LoopTask owner = _loop.Start(AwaitShield(child, _ => { }));
        Tick();
        owner.Cancel();
        Tick();
        Assert.That(owner.IsCancelled, Is.True);
        Assert.That(child.IsCompleted, Is.False);
        _clock.Advance(5);
        Tick();
        Assert.That(child.Result, Is.EqualTo(77));
        Assert.That(log, Is.EqualTo(new[] { "child-done" }));
    }

    private static IEnumerator<IAwaitable> ReturnAfterSleep(double seconds, int value, List<string> log)
    {
        yield return Co.Sleep(seconds);
        log.Add("child-done");
        yield return Co.Return(value);
    }

    [Test]
    public void ShieldedWork_CompletesNormally_WhenNotCancelled_R31()
    {
        var inner = new FutureSource<int>(_loop);
        bool after = false;
        LoopTask task = _loop.Start(AwaitThen(Co.Shield(inner.Future), () => after = true));
        Tick();
        inner.SetResult(1);
        Tick();
        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(after, Is.True);
    }

    [Test]
    public void ShieldCancelledAndInnerLaterFaults_ReportedToHandler_R31()
    {
        var inner = new FutureSource(_loop);
        LoopTask task = _loop.Start(AwaitShield(inner.Future, _ => { }));
        Tick();
        task.Cancel();
        Tick();
        var boom = new InvalidOperationException("after shield cancelled");
        inner.SetException(boom);
        Tick(2);
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R32: cancelled before its first step
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void CancelledBeforeFirstStep_BodyNeverRuns_R32()
    {
        bool ran = false;
        var log = new List<string>();
        LoopTask task = _loop.Start(BodyWithFinally(() => ran = true, log));
        Assert.That(task.Cancel(), Is.True);
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));
        Tick(2);
        Assert.That(ran, Is.False);
        Assert.That(log, Is.Empty);
        Assert.That(task.IsCancelled, Is.True);
    }

    [Test]
    public void CancelledInSameTickItWasStarted_FromAStep_BodyNeverRuns_R32()
    {
        bool ran = false;
        LoopTask? started = null;
        _loop.Start(Do(() =>
        {
            started = _loop.Start(BodyWithFinally(() => ran = true, new List<string>()));
            started.Cancel();
        }));
        Tick(3);
        Assert.That(ran, Is.False);
        Assert.That(started!.IsCancelled, Is.True);
    }

    [Test]
    public void TypedTaskCancelledBeforeFirstStep_ResultThrowsOperationCanceled_R32()
    {
        bool ran = false;
        LoopTask<int> task = _loop.Start<int>(ReturnAndMark(() => ran = true));
        task.Cancel();
        Tick();
        Assert.That(ran, Is.False);
        Assert.That(() => _ = task.Result, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void WaiterOfTaskCancelledBeforeFirstStep_IsCancelled_R32()
    {
        LoopTask child = _loop.Start(Sleeper(10));
        LoopTask parent = _loop.Start(AwaitPlain(child));
        child.Cancel();
        Tick(3);
        Assert.That(child.IsCancelled, Is.True);
        Assert.That(parent.IsCancelled, Is.True);
    }

    private static IEnumerator<IAwaitable> ReturnAndMark(Action mark)
    {
        mark();
        yield return Co.Return(1);
    }

    private static IEnumerator<IAwaitable> BodyWithFinally(Action body, List<string> log)
    {
        body();
        try
        {
            yield return Co.Sleep(10);
        }
        finally
        {
            log.Add("finally");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R33: self-cancel
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void SelfCancel_StopsAtNextYield_InTheSameTick_R33()
    {
        var log = new List<string>();
        LoopTask task = null!;
        task = _loop.Start(SelfCancelling(() => task, log));
        Tick();
        Assert.That(task.IsCancelled, Is.True, "disposed at once, in the same tick");
        Assert.That(log, Is.EqualTo(new[] { "cancel:True", "after-cancel", "finally" }));
        Tick(3);
        Assert.That(log, Has.Count.EqualTo(3));
    }

    private static IEnumerator<IAwaitable> SelfCancelling(Func<LoopTask> self, List<string> log)
    {
        try
        {
            log.Add($"cancel:{self().Cancel()}");
            log.Add("after-cancel");
            yield return Co.NextTick;
            log.Add("after-yield");
        }
        finally
        {
            log.Add("finally");
        }
    }

    [Test]
    public void SelfCancel_SecondCancelReturnsFalse_R33()
    {
        var results = new List<bool>();
        LoopTask task = null!;
        task = _loop.Start(CancelTwice(() => task, results));
        Tick();
        Assert.That(results, Is.EqualTo(new[] { true, false }));
        Assert.That(task.Cancel(), Is.False);
        Assert.That(task.IsCancelled, Is.True);
    }

    private static IEnumerator<IAwaitable> CancelTwice(Func<LoopTask> self, List<bool> results)
    {
        results.Add(self().Cancel());
        results.Add(self().Cancel());
        yield return Co.NextTick;
    }

    [Test]
    public void CancelTwiceOutsideStep_SecondReturnsFalse_R30()
    {
        LoopTask task = _loop.Start(Sleeper(100));
        Tick();
        Assert.That(task.Cancel(), Is.True);
        Assert.That(task.Cancel(), Is.False);
        Tick();
        Assert.That(task.Cancel(), Is.False);
        Assert.That(task.IsCancelled, Is.True);
    }

    [Test]
    public void SelfCancel_YieldedFutureIsCancelled_NotAwaited_R33()
    {
        var source = new FutureSource(_loop);
        LoopTask task = null!;
        task = _loop.Start(CancelThenYield(() => task, source.Future));
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(source.Future.IsCancelled, Is.True);
    }

    [Test]
    public void SelfCancel_YieldedTaskIsCancelled_R33()
    {
        var log = new List<string>();
        LoopTask other = _loop.Start(TryFinallySleep(log, "other", 100));
        Tick();
        LoopTask task = null!;
        task = _loop.Start(CancelThenYield(() => task, other));
        Tick(2);
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(other.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "other-finally" }));
    }

    private static IEnumerator<IAwaitable> CancelThenYield(Func<LoopTask> self, IAwaitable what)
    {
        self().Cancel();
        yield return what;
    }

    [Test]
    public void SelfCancel_SleepNeverStarts_R33()
    {
        LoopTask task = null!;
        task = _loop.Start(CancelThenYieldSleep(() => task));
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Tick();
        Assert.That(_loop.PendingTimerCount, Is.Zero);
    }

    private static IEnumerator<IAwaitable> CancelThenYieldSleep(Func<Future> self)
    {
        self().Cancel();
        yield return Co.Sleep(100);
    }

    [Test]
    public void SelfCancel_YieldedInlineCall_NeverRuns_R33()
    {
        bool childRan = false;
        LoopTask task = null!;
        task = _loop.Start(CancelThenYieldCall(() => task, () => childRan = true));
        Tick(2);
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(childRan, Is.False);
    }

    private static IEnumerator<IAwaitable> CancelThenYieldCall(Func<LoopTask> self, Action childBody)
    {
        self().Cancel();
        yield return Co.Call(Do(childBody));
    }

    [Test]
    public void SelfCancel_EndsCancelled_EvenWithAResult_R33()
    {
        LoopTask<int> task = null!;
        task = _loop.Start<int>(CancelThenReturn(() => task));
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(() => _ = task.Result, Throws.InstanceOf<OperationCanceledException>());
    }

    private static IEnumerator<IAwaitable> CancelThenReturn(Func<Future> self)
    {
        self().Cancel();
        yield return Co.Return(5);
    }

    [Test]
    public void SelfCancel_ThenEndWithoutYield_EndsCancelled_R33()
    {
        var log = new List<string>();
        LoopTask task = null!;
        task = _loop.Start(CancelThenEnd(() => task, log));
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "end", "finally" }));
    }

    private static IEnumerator<IAwaitable> CancelThenEnd(Func<LoopTask> self, List<string> log)
    {
        try
        {
            self().Cancel();
            log.Add("end");
        }
        finally
        {
            log.Add("finally");
        }

        yield break;
    }

    [Test]
    public void SelfCancelFromInlineChild_StopsWholeChain_InnermostFirst_R33()
    {
        var log = new List<string>();
        LoopTask task = null!;
        task = _loop.Start(ParentOfSelfCanceller(() => task, log));
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "child-finally", "parent-finally" }));
    }

    private static IEnumerator<IAwaitable> ParentOfSelfCanceller(Func<LoopTask> self, List<string> log)
    {
        try
        {
            yield return Co.Call(ChildSelfCancels(self, log));
            log.Add("parent-after");
        }
        finally
        {
            log.Add("parent-finally");
        }
    }

    private static IEnumerator<IAwaitable> ChildSelfCancels(Func<LoopTask> self, List<string> log)
    {
        try
        {
            self().Cancel();
            yield return Co.NextTick;
            log.Add("child-after");
        }
        finally
        {
            log.Add("child-finally");
        }
    }

    [Test]
    public void SelfCancel_ChildEndsWithoutYield_ParentDoesNotContinue_R33()
    {
        // The inline child cancels the task and then ends (no yield): the parent must not continue past its yield.
        var log = new List<string>();
        LoopTask task = null!;
        task = _loop.Start(ParentOfEndingCanceller(() => task, log));
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "child-end", "parent-finally" }));
    }

    private static IEnumerator<IAwaitable> ParentOfEndingCanceller(Func<LoopTask> self, List<string> log)
    {
        try
        {
            yield return Co.Call(CancelThenEndChild(self, log));
            log.Add("parent-after");
            yield return Co.NextTick;
        }
        finally
        {
            log.Add("parent-finally");
        }
    }

    private static IEnumerator<IAwaitable> CancelThenEndChild(Func<LoopTask> self, List<string> log)
    {
        self().Cancel();
        log.Add("child-end");
        yield break;
    }

    [Test]
    public void SelfCancel_ThenYieldCompletedFuture_DoesNotContinue_R33()
    {
        var source = new FutureSource(_loop);
        source.SetResult();
        bool after = false;
        LoopTask task = null!;
        task = _loop.Start(CancelThenYieldCompleted(() => task, source.Future, () => after = true));
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(after, Is.False);
    }

    private static IEnumerator<IAwaitable> CancelThenYieldCompleted(Func<LoopTask> self, Future done, Action after)
    {
        self().Cancel();
        yield return done;
        after();
    }

    [Test]
    public void TaskCancelsItsParent_ParentCancelled_R33()
    {
        // The parent waits on the child task; the child cancels the parent from inside its step. The parent's
        // cancellation cancels what it waits on (the child), so both end cancelled; the child stops at its next yield.
        var log = new List<string>();
        LoopTask parent = null!;
        LoopTask child = null!;
        parent = _loop.Start(ParentWaitingOnChild(() => child = _loop.Start(ChildCancelsParent(() => parent, log)), log));
        Tick(4);
        Assert.That(parent.IsCancelled, Is.True);
        Assert.That(child.IsCancelled, Is.True);
        Assert.That(log, Does.Not.Contain("child-after-yield"));
        Assert.That(log, Does.Not.Contain("parent-after"));
        Assert.That(log, Does.Contain("child-finally"));
        Assert.That(log, Does.Contain("parent-finally"));
    }

    private static IEnumerator<IAwaitable> ParentWaitingOnChild(Func<LoopTask> startChild, List<string> log)
    {
        try
        {
            yield return startChild();
            log.Add("parent-after");
        }
        finally
        {
            log.Add("parent-finally");
        }
    }

    private static IEnumerator<IAwaitable> ChildCancelsParent(Func<LoopTask> parent, List<string> log)
    {
        try
        {
            yield return Co.NextTick;
            log.Add($"cancel-parent:{parent().Cancel()}");
            yield return Co.NextTick;
            log.Add("child-after-yield");
        }
        finally
        {
            log.Add("child-finally");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R34: cancel inside a finally during cancellation
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void CancelInsideFinallyDuringCancellation_IsNoOp_R34()
    {
        var log = new List<string>();
        LoopTask task = null!;
        task = _loop.Start(FinallyCancelsSelf(() => task, log));
        Tick();
        task.Cancel();
        Tick(3);
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "inner-finally:False", "outer-finally" }));
    }

    private static IEnumerator<IAwaitable> FinallyCancelsSelf(Func<LoopTask> self, List<string> log)
    {
        try
        {
            try
            {
                yield return Co.Sleep(100);
            }
            finally
            {
                log.Add($"inner-finally:{self().Cancel()}");
            }
        }
        finally
        {
            log.Add("outer-finally");
        }
    }

    [Test]
    public void CancelInsideFinallyDuringClose_IsNoOp_R34()
    {
        var log = new List<string>();
        LoopTask task = null!;
        task = _loop.Start(FinallyCancelsSelf(() => task, log));
        Tick();
        _loop.Close();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Has.Count.EqualTo(2));
        Assert.That(log[1], Is.EqualTo("outer-finally"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R35: throwing finally blocks
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void FinallyThrowsDuringCancellation_BecomesTheOutcome_R35()
    {
        var boom = new InvalidOperationException("finally boom");
        LoopTask task = _loop.Start(SleepFinallyThrows(boom));
        LoopTask waiter = _loop.Start(AwaitPlain(task));
        Tick();
        task.Cancel();
        Tick(2);
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.SameAs(boom));
        Assert.That(waiter.Exception, Is.SameAs(boom));
    }

    [Test]
    public void SeveralFinallyBlocksThrow_FirstIsOutcome_OthersAttached_R35()
    {
        var first = new InvalidOperationException("innermost");
        var second = new ArgumentException("middle");
        var third = new FormatException("outer");
        var log = new List<string>();
        LoopTask task = _loop.Start(ThreeThrowingFinallies(first, second, third, log));
        Tick();
        task.Cancel();
        Tick();
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.SameAs(first));
        Assert.That(first.GetFailures(), Is.EqualTo(new Exception[] { first, second, third }));
        Assert.That(log, Is.EqualTo(new[] { "inner", "middle", "outer", "outermost" }));
    }

    // One throwing finally per iterator frame: inside a single iterator, C# itself replaces an exception thrown by an
    // inner finally with one thrown by an outer finally, so the engine can only see one exception per frame.
    private static IEnumerator<IAwaitable> ThreeThrowingFinallies(Exception a, Exception b, Exception c, List<string> log)
    {
        try
        {
            yield return Co.Call(ThrowingFinallyChild(a, b, c, log));
        }
        finally
        {
            log.Add("outermost");
        }
    }

    private static IEnumerator<IAwaitable> ThrowingFinallyChild(Exception a, Exception b, Exception c, List<string> log)
    {
        try
        {
            yield return Co.Call(ThrowingFinallyMiddle(a, b, log));
        }
        finally
        {
            log.Add("outer");
            Fail(c);
        }
    }

    private static IEnumerator<IAwaitable> ThrowingFinallyMiddle(Exception a, Exception b, List<string> log)
    {
        try
        {
            yield return Co.Call(ThrowingFinallyGrandchild(a, log));
        }
        finally
        {
            log.Add("middle");
            Fail(b);
        }
    }

    private static IEnumerator<IAwaitable> ThrowingFinallyGrandchild(Exception a, List<string> log)
    {
        try
        {
            yield return Co.Sleep(100);
        }
        finally
        {
            log.Add("inner");
            Fail(a);
        }
    }

    [Test]
    public void FinallyThrowsWhileFaulting_OriginalStaysOutcome_FinallyExceptionAttached_R35_R21()
    {
        var original = new InvalidOperationException("original");
        var fromFinally = new ArgumentException("from finally");
        LoopTask task = _loop.Start(FaultWithThrowingFinally(original, fromFinally));
        Tick(3);
        Assert.That(task.Exception, Is.SameAs(original));
        Assert.That(original.GetFailures(), Is.EqualTo(new Exception[] { original, fromFinally }));
    }

    private static IEnumerator<IAwaitable> FaultWithThrowingFinally(Exception original, Exception fromFinally)
    {
        try
        {
            yield return Co.Call(ThrowNow(original));
        }
        finally
        {
            Fail(fromFinally);
        }
    }

    [Test]
    public void CloseWithSeveralThrowingFinallyBlocks_FirstOutcome_OthersAttached_ReportedOnce_R35()
    {
        var a = new InvalidOperationException("a");
        var b = new ArgumentException("b");
        var c = new FormatException("c");
        var log = new List<string>();
        LoopTask task = _loop.Start(ThreeThrowingFinallies(a, b, c, log));
        Tick();
        _loop.Close();
        Assert.That(task.Exception, Is.SameAs(a));
        Assert.That(a.GetFailures(), Is.EqualTo(new Exception[] { a, b, c }));
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { a }));
    }

    [Test]
    public void CancelledOwnerOfPlainChildTask_ChildFinallyThrows_FailureNotLost_R35_R23()
    {
        var boom = new InvalidOperationException("child finally");
        LoopTask child = _loop.Start(SleepFinallyThrows(boom));
        LoopTask parent = _loop.Start(AwaitPlain(child));
        Tick();
        parent.Cancel();
        Tick(3);
        Assert.That(child.Exception, Is.SameAs(boom));
        bool parentHasIt = ReferenceEquals(parent.Exception, boom);
        Assert.That(parentHasIt || _unhandled.Contains(boom), Is.True, "the child's failure is never silently lost");
        Assert.That(_unhandled.Count(e => ReferenceEquals(e, boom)), Is.LessThanOrEqualTo(1));
    }

    [Test]
    public void FinallyThrowsDuringCancelBeforeRead_UnobservedReportedOnce_R35()
    {
        var boom = new InvalidOperationException("unobserved finally");
        LoopTask task = _loop.Start(SleepFinallyThrows(boom));
        Tick();
        task.Cancel();
        Tick(3);
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
    }

    [Test]
    public void SelfCancel_FinallyThrows_BecomesOutcome_R35()
    {
        var boom = new InvalidOperationException("self-cancel finally");
        LoopTask task = null!;
        task = _loop.Start(SelfCancelFinallyThrows(() => task, boom));
        Tick();
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.SameAs(boom));
    }

    private static IEnumerator<IAwaitable> SelfCancelFinallyThrows(Func<LoopTask> self, Exception boom)
    {
        try
        {
            self().Cancel();
            yield return Co.NextTick;
        }
        finally
        {
            Fail(boom);
        }
    }

    [Test]
    public void CancelledBeforeFirstStep_NothingThrows_R35()
    {
        var boom = new InvalidOperationException("never");
        LoopTask task = _loop.Start(SleepFinallyThrows(boom));
        task.Cancel();
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void FinallyThrowsInWhenAllChild_WhenOwnerCancelled_OwnerFaults_R35()
    {
        // LoopTask remarks: a task parked on a combinator has that wait cancel its children first; if one of their
        // finally blocks throws, the task faults with that exception (R35).
        var boom = new InvalidOperationException("child finally");
        var log = new List<string>();
        LoopTask owner = _loop.Start(OwnerOfWhenAllWithThrowingChild(boom, log));
        Tick(2);
        owner.Cancel();
        Tick(3);
        Assert.That(owner.IsFaulted, Is.True);
        Assert.That(owner.Exception, Is.SameAs(boom));
        Assert.That(log, Is.EqualTo(new[] { "a-finally", "owner-finally" }));
    }

    private static IEnumerator<IAwaitable> OwnerOfWhenAllWithThrowingChild(Exception boom, List<string> log)
    {
        try
        {
            yield return Co.WhenAll(EventLoop.Current!, TryFinallySleep(log, "a", 100), SleepFinallyThrows(boom));
        }
        finally
        {
            log.Add("owner-finally");
        }
    }

    private static IEnumerator<IAwaitable> SleepFinallyThrows(Exception boom)
    {
        try
        {
            yield return Co.Sleep(100);
        }
        finally
        {
            Fail(boom);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R36: Close
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void Close_CancelsEveryPendingTask_FinallyRuns_ReturnsThem_R36()
    {
        var log = new List<string>();
        LoopTask a = _loop.Start(TryFinallySleep(log, "a", 100));
        LoopTask b = _loop.Start(TryFinallySleep(log, "b", 200));
        LoopTask notStarted = _loop.Start(BodyWithFinally(() => log.Add("c-body"), log));
        LoopTask done = _loop.Start(Do(() => { }));
        Tick();
        Assert.That(done.IsSucceeded, Is.True);
        LoopTask late = _loop.Start(BodyWithFinally(() => log.Add("late-body"), log));
        IReadOnlyList<Future> pending = _loop.Close();
        Assert.That(pending, Is.EquivalentTo(new[] { a, b, notStarted, late }));
        Assert.That(a.IsCancelled && b.IsCancelled && notStarted.IsCancelled && late.IsCancelled, Is.True);
        Assert.That(log, Is.EquivalentTo(new[] { "c-body", "a-finally", "b-finally", "finally" }));
        Assert.That(log, Does.Not.Contain("late-body"));
        Assert.That(_loop.IsClosed, Is.True);
    }

    [Test]
    public void Close_CancelsChildrenInInlineChain_InnermostFirst_R36()
    {
        var log = new List<string>();
        _loop.Start(Level(2, log));
        Tick();
        _loop.Close();
        Assert.That(log, Is.EqualTo(new[] { "using-0", "finally-0", "using-1", "finally-1", "using-2", "finally-2" }));
    }

    [Test]
    public void Close_WaitersOfCancelledTasksEndCancelled_R36()
    {
        LoopTask child = _loop.Start(Sleeper(100));
        LoopTask parent = _loop.Start(AwaitPlain(child));
        Tick();
        IReadOnlyList<Future> pending = _loop.Close();
        Assert.That(pending, Is.EquivalentTo(new[] { child, parent }));
        Assert.That(child.IsCancelled, Is.True);
        Assert.That(parent.IsCancelled, Is.True);
    }

    [Test]
    public void CloseTwice_SecondIsNoOp_ReturnsEmpty_R36()
    {
        var log = new List<string>();
        _loop.Start(TryFinallySleep(log, "a", 100));
        Tick();
        Assert.That(_loop.Close(), Has.Count.EqualTo(1));
        Assert.That(_loop.Close(), Is.Empty);
        Assert.That(log, Is.EqualTo(new[] { "a-finally" }));
    }

    [Test]
    public void CloseFromInsideAStep_Throws_AndLoopIntact_R36()
    {
        Exception? caught = null;
        LoopTask task = _loop.Start(Do(() =>
        {
            try
            {
                _loop.Close();
            }
            catch (InvalidOperationException e)
            {
                caught = e;
            }
        }));
        Tick();
        Assert.That(caught, Is.InstanceOf<InvalidOperationException>());
        Assert.That(_loop.IsClosed, Is.False);
        Assert.That(task.IsSucceeded, Is.True);
        LoopTask next = _loop.Start(Do(() => { }));
        Tick();
        Assert.That(next.IsSucceeded, Is.True);
    }

    [Test]
    public void CloseFromInsideACallback_Throws_R36()
    {
        Exception? caught = null;
        _loop.CallSoon(() =>
        {
            try
            {
                _loop.Close();
            }
            catch (InvalidOperationException e)
            {
                caught = e;
            }
        });
        Tick();
        Assert.That(caught, Is.InstanceOf<InvalidOperationException>());
        Assert.That(_loop.IsClosed, Is.False);
    }

    [Test]
    public void CloseFromInsideAStep_UncaughtFaultsThatTask_R36()
    {
        LoopTask task = _loop.Start(Do(() => _loop.Close()));
        Tick();
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.InstanceOf<InvalidOperationException>());
        Assert.That(_loop.IsClosed, Is.False);
    }

    [Test]
    public void AfterClose_StateResultAndExceptionStillReadable_R36()
    {
        var boom = new InvalidOperationException("before close");
        LoopTask<int> ok = _loop.Start<int>(ReturnNow(5));
        LoopTask failed = _loop.Start(ThrowNow(boom));
        LoopTask pending = _loop.Start(Sleeper(100));
        var futureOk = new FutureSource<string>(_loop);
        futureOk.SetResult("x");
        var futurePending = new FutureSource<string>(_loop);
        Tick(2);
        _loop.Close();
        Assert.That(ok.State, Is.EqualTo(FutureState.Succeeded));
        Assert.That(ok.Result, Is.EqualTo(5));
        Assert.That(failed.State, Is.EqualTo(FutureState.Faulted));
        Assert.That(failed.Exception, Is.SameAs(boom));
        Assert.That(pending.State, Is.EqualTo(FutureState.Cancelled));
        Assert.That(() => pending.GetResult(), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(futureOk.Future.Result, Is.EqualTo("x"));
        Assert.That(futurePending.Future.State, Is.Not.EqualTo(FutureState.Succeeded));
        Assert.That(() => _ = ok.Name, Throws.Nothing);
        Assert.That(() => ok.ToString(), Throws.Nothing);
    }

    [Test]
    public void AfterClose_OtherUsesThrowObjectDisposed_R36()
    {
        var source = new FutureSource(_loop);
        LoopTask done = _loop.Start(Do(() => { }));
        Tick();
        _loop.Close();
        Assert.Throws<ObjectDisposedException>(() => _loop.Tick());
        Assert.Throws<ObjectDisposedException>(() => _loop.Start(Sleeper(1)));
        Assert.Throws<ObjectDisposedException>(() => _loop.Start<int>(ReturnNow(1)));
        Assert.Throws<ObjectDisposedException>(() => _loop.CallSoon(() => { }));
        Assert.Throws<ObjectDisposedException>(() => _loop.CallLater(1.0, () => { }));
        Assert.Throws<ObjectDisposedException>(() => _loop.CallLater(TimeSpan.FromSeconds(1), () => { }));
        Assert.Throws<ObjectDisposedException>(() => _loop.CallAt(TimeSpan.FromSeconds(1), () => { }));
        Assert.Throws<ObjectDisposedException>(() => _loop.RunForever());
        Assert.Throws<ObjectDisposedException>(() => _loop.RunUntilComplete(done));
        Assert.Throws<ObjectDisposedException>(() => _loop.RunUntilComplete(Sleeper(1)));
        Assert.Throws<ObjectDisposedException>(() => _loop.TryRunUntilComplete(done));
        Assert.Throws<ObjectDisposedException>(() => _loop.Post(() => { }));
        Assert.Throws<ObjectDisposedException>(() => source.SetResult());
        Assert.Throws<ObjectDisposedException>(() => source.Future.Cancel());
        Assert.Throws<ObjectDisposedException>(() => source.Future.AddCallback(_ => { }));
        Assert.Throws<ObjectDisposedException>(() => _ = new TaskGroup(_loop));
    }

    [Test]
    public void AfterClose_TryFormsReturnFalse_R36()
    {
        var source = new FutureSource<int>(_loop);
        var plain = new FutureSource(_loop);
        _loop.Close();
        Assert.That(_loop.TryPost(() => { }), Is.False);
        Assert.That(source.TrySetResult(1), Is.False);
        Assert.That(source.TrySetException(new InvalidOperationException()), Is.False);
        Assert.That(source.TrySetCanceled(), Is.False);
        Assert.That(source.TryPostResult(1), Is.False);
        Assert.That(plain.TryPostResult(), Is.False);
        Assert.That(plain.TryPostException(new InvalidOperationException()), Is.False);
        Assert.That(plain.TryPostCanceled(), Is.False);
    }

    [Test]
    public void AfterClose_PostFromAnotherThread_ThrowsObjectDisposed_TryPostFalse_R36()
    {
        var source = new FutureSource<int>(_loop);
        _loop.Close();
        Exception? postError = null;
        Exception? postResultError = null;
        bool tryPost = true;
        bool tryPostResult = true;
        var thread = new System.Threading.Thread(() =>
        {
            try
            {
                _loop.Post(() => { });
            }
            catch (Exception e)
            {
                postError = e;
            }

            try
            {
                source.PostResult(3);
            }
            catch (Exception e)
            {
                postResultError = e;
            }

            tryPost = _loop.TryPost(() => { });
            tryPostResult = source.TryPostResult(4);
        });
        thread.Start();
        thread.Join();
        Assert.That(postError, Is.InstanceOf<ObjectDisposedException>());
        Assert.That(postResultError, Is.InstanceOf<ObjectDisposedException>());
        Assert.That(tryPost, Is.False);
        Assert.That(tryPostResult, Is.False);
    }

    [Test]
    public void Close_ReturnsPendingCallbacksToo_AndTheyNeverRun_R36()
    {
        int ran = 0;
        _loop.CallSoon(() => ran++);
        _loop.CallLater(10, () => ran++);
        IReadOnlyList<Future> pending = _loop.Close();
        Assert.That(pending, Has.Count.EqualTo(2));
        Assert.That(ran, Is.Zero);
    }

    [Test]
    public void Close_TaskParkedOnFuture_FutureCancelled_R36()
    {
        var source = new FutureSource(_loop);
        LoopTask task = _loop.Start(AwaitPlain(source.Future));
        Tick();
        _loop.Close();
        Assert.That(task.IsCancelled, Is.True);
    }

    [Test]
    public void Close_FinallyThatStartsATask_DoesNotBreakClose_R36()
    {
        Exception? startError = null;
        _loop.Start(FinallyDoes(() =>
        {
            try
            {
                _loop.Start(Sleeper(1));
            }
            catch (Exception e)
            {
                startError = e;
            }
        }));
        Tick();
        Assert.DoesNotThrow(() => _loop.Close());
        Assert.That(_loop.PendingTaskCount, Is.Zero);
        Assert.That(startError, Is.Null.Or.InstanceOf<ObjectDisposedException>().Or.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public void Close_CancelsTaskGroupChildrenAndOwner_R36()
    {
        var log = new List<string>();
        LoopTask owner = _loop.Start(OwnerOfGroup(log));
        Tick(2);
        IReadOnlyList<Future> pending = _loop.Close();
        Assert.That(pending, Has.Count.EqualTo(3));
        Assert.That(owner.IsCancelled, Is.True);
        Assert.That(log, Is.EquivalentTo(new[] { "a-finally", "b-finally", "owner-finally" }));
        Assert.That(_unhandled, Is.Empty);
    }

    private static IEnumerator<IAwaitable> FinallyDoes(Action action)
    {
        try
        {
            yield return Co.Sleep(1000);
        }
        finally
        {
            action();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R37: RunUntilComplete stopped by Stop
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void RunUntilCompleteStopped_ThrowsInvalidOperation_TaskPendingAndCancellable_R37()
    {
        var log = new List<string>();
        var never = new FutureSource(_loop);
        LoopTask task = _loop.Start(AwaitWithFinally(never.Future, () => log.Add("after"), log));
        _loop.CallSoon(() => _loop.Stop());
        var e = Assert.Throws<InvalidOperationException>(() => _loop.RunUntilComplete(task));
        Assert.That(e!.Message, Does.Contain("stopped").IgnoreCase);
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));
        Assert.That(task.Cancel(), Is.True);
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
    }

    [Test]
    public void RunUntilCompleteOfTypedTaskStopped_Throws_R37()
    {
        LoopTask<int> task = _loop.Start<int>(ReturnAfterSleep(100, 1, new List<string>()));
        _loop.CallSoon(() => _loop.Stop());
        Assert.Throws<InvalidOperationException>(() => _loop.RunUntilComplete(task));
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));
    }

    [Test]
    public void RunUntilCompleteOfCoroutineStopped_Throws_R37()
    {
        _loop.CallSoon(() => _loop.Stop());
        Assert.Throws<InvalidOperationException>(() => _loop.RunUntilComplete(Sleeper(100)));
        Assert.That(_loop.PendingTaskCount, Is.EqualTo(1));
    }

    [Test]
    public void RunUntilCompleteStoppedFromATask_Throws_R37()
    {
        var never = new FutureSource(_loop);
        LoopTask task = _loop.Start(AwaitPlain(never.Future));
        _loop.Start(StopAfterTicks(3));
        Assert.Throws<InvalidOperationException>(() => _loop.RunUntilComplete(task));
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));
        // It can be run again and complete.
        _loop.CallSoon(() => never.SetResult());
        _loop.RunUntilComplete(task);
        Assert.That(task.IsSucceeded, Is.True);
    }

    private IEnumerator<IAwaitable> StopAfterTicks(int n)
    {
        for (int i = 0; i < n; i++)
        {
            yield return Co.NextTick;
        }

        _loop.Stop();
    }

    [Test]
    public void TryRunUntilCompleteStopped_ReturnsFalse_TaskPending_R37()
    {
        var never = new FutureSource(_loop);
        LoopTask task = _loop.Start(AwaitPlain(never.Future));
        _loop.CallSoon(() => _loop.Stop());
        Assert.That(_loop.TryRunUntilComplete(task), Is.False);
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));
        Assert.That(task.Cancel(), Is.True);
        Tick();
        Assert.That(task.IsCancelled, Is.True);
    }

    [Test]
    public void TryRunUntilComplete_CompletedFaulted_ReturnsTrue_DoesNotThrow_R37()
    {
        var boom = new InvalidOperationException("try run");
        LoopTask task = _loop.Start(ThrowNow(boom));
        Assert.That(_loop.TryRunUntilComplete(task), Is.True);
        Assert.That(task.Exception, Is.SameAs(boom));
    }

    [Test]
    public void RunUntilCompleteOfCancelledTask_ThrowsOperationCanceled_R37()
    {
        LoopTask task = _loop.Start(Sleeper(100));
        _loop.CallSoon(() => task.Cancel());
        Assert.That(() => _loop.RunUntilComplete(task), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void StopBeforeRun_NextRunStopsAfterFirstTick_R37()
    {
        var never = new FutureSource(_loop);
        LoopTask task = _loop.Start(AwaitPlain(never.Future));
        _loop.Stop();
        long before = _loop.TickCount;
        Assert.Throws<InvalidOperationException>(() => _loop.RunUntilComplete(task));
        Assert.That(_loop.TickCount - before, Is.EqualTo(1));
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // More shapes
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void SelfCancel_YieldedSettleTarget_IsCancelled_R33()
    {
        var source = new FutureSource(_loop);
        LoopTask task = null!;
        task = _loop.Start(CancelThenYield(() => task, Co.Settle(source.Future)));
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(source.Future.IsCancelled, Is.True);
    }

    [Test]
    public void SelfCancel_YieldedWhenAllOfCoroutines_ChildrenNeverRun_R33()
    {
        bool aRan = false, bRan = false;
        LoopTask task = null!;
        task = _loop.Start(CancelThenYieldWhenAll(() => task, () => aRan = true, () => bRan = true));
        Tick(3);
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(aRan, Is.False);
        Assert.That(bRan, Is.False);
        Assert.That(_loop.PendingTaskCount, Is.Zero);
    }

    private static IEnumerator<IAwaitable> CancelThenYieldWhenAll(Func<LoopTask> self, Action a, Action b)
    {
        self().Cancel();
        yield return Co.WhenAll(EventLoop.Current!, Do(a), Do(b));
    }

    [Test]
    public void SelfCancel_YieldedTaskStartedInTheSameStep_NeverRunsItsBody_R33()
    {
        bool childRan = false;
        LoopTask task = null!;
        LoopTask? child = null;
        task = _loop.Start(CancelThenYieldStarted(() => task, () => child = _loop.Start(Do(() => childRan = true))));
        Tick(3);
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(child!.IsCancelled, Is.True);
        Assert.That(childRan, Is.False);
    }

    private static IEnumerator<IAwaitable> CancelThenYieldStarted(Func<LoopTask> self, Func<LoopTask> start)
    {
        LoopTask child = start();
        self().Cancel();
        yield return child;
    }

    [Test]
    public void ChildTaskCancelsItsWaitingParent_ChildStopsInTheSameTick_R33()
    {
        var log = new List<string>();
        LoopTask parent = null!;
        LoopTask child = null!;
        parent = _loop.Start(ParentWaitingOnChild(() => child = _loop.Start(ChildCancelsParent(() => parent, log)), log));
        Tick();   // the parent starts the child and parks on it
        Tick();   // the child's first step
        Assert.That(log, Is.Empty);
        Tick();   // the child cancels its parent, whose cancellation cancels the child (R31) from inside the child's step
        Assert.That(log, Is.EqualTo(new[] { "cancel-parent:True", "child-finally" }));
        Assert.That(child.IsCancelled, Is.True, "cancelled from inside its own step: disposed in the same tick (R33)");
        Tick(2);
        Assert.That(parent.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "cancel-parent:True", "child-finally", "parent-finally" }));
    }

    [Test]
    public void FinallyCancelsTheTaskAwaitingIt_NoReentry_EachFinallyOnce_R34()
    {
        var log = new List<string>();
        LoopTask waiter = null!;
        LoopTask inner = _loop.Start(FinallyDoes(() => { log.Add("inner-finally"); waiter.Cancel(); }));
        waiter = _loop.Start(AwaitWithFinally(inner, () => log.Add("waiter-after"), log));
        Tick();
        inner.Cancel();
        Tick(3);
        Assert.That(inner.IsCancelled, Is.True);
        Assert.That(waiter.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "inner-finally", "finally" }));
    }

    [Test]
    public void FinallyDuringCancelOfWaiter_CancelsTheAwaitedTask_NoReentry_R34()
    {
        // The waiter's cancellation cancels the task it waits on; the inner task's finally then cancels the waiter again.
        var log = new List<string>();
        LoopTask waiter = null!;
        bool? again = null;
        LoopTask inner = _loop.Start(FinallyDoes(() => { log.Add("inner-finally"); again = waiter.Cancel(); }));
        waiter = _loop.Start(AwaitWithFinally(inner, () => log.Add("waiter-after"), log));
        Tick();
        waiter.Cancel();
        Tick(3);
        Assert.That(again, Is.False);
        Assert.That(log, Is.EquivalentTo(new[] { "inner-finally", "finally" }));
    }

    [Test]
    public void CancelRequestedThenClose_FinallyOnce_TaskInList_R30_R36()
    {
        var log = new List<string>();
        LoopTask task = _loop.Start(TryFinallySleep(log, "t", 100));
        Tick();
        task.Cancel();
        IReadOnlyList<Future> pending = _loop.Close();
        Assert.That(pending, Does.Contain(task));
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "t-finally" }));
    }

    [Test]
    public void Close_AppliesCompletionsPostedBeforeIt_R36()
    {
        var source = new FutureSource<int>(_loop);
        var faulted = new FutureSource(_loop);
        var boom = new InvalidOperationException("posted");
        LoopTask waiter = _loop.Start(AwaitPlain(source.Future));
        Tick();
        source.PostResult(5);
        faulted.PostException(boom);
        _loop.Close();
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Succeeded));
        Assert.That(source.Future.Result, Is.EqualTo(5));
        Assert.That(faulted.Future.Exception, Is.SameAs(boom));
        Assert.That(waiter.IsCompleted, Is.True);
    }

    [Test]
    public void Close_PostedFailureNobodyObserves_ReportedBeforeCloseReturns_R36()
    {
        var faulted = new FutureSource(_loop);
        var boom = new InvalidOperationException("posted, unobserved");
        faulted.PostException(boom);
        _loop.Close();
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
    }

    [Test]
    public void Close_FaultedTaskBeforeClose_NotReportedTwice_R36()
    {
        var boom = new InvalidOperationException("faulted before close");
        _loop.Start(ThrowNow(boom));
        Tick(2);
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
        _loop.Close();
        Assert.That(_unhandled, Has.Count.EqualTo(1));
    }

    [Test]
    public void Close_FaultInCurrentlyUnreportedState_ReportedByClose_R36()
    {
        // A future faulted between ticks is reported at the end of the next tick; when Close comes first, Close
        // must report it (no failure is silently lost).
        var source = new FutureSource(_loop);
        var boom = new InvalidOperationException("between tick and close");
        source.SetException(boom);
        _loop.Close();
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
    }

    [Test]
    public void Close_FinallyThrows_WaiterStartedFirst_ReportedOnce_R36()
    {
        var boom = new InvalidOperationException("finally in close, waiter started first");
        LoopTask inner = null!;
        LoopTask outer = _loop.Start(AwaitAfterOneTick(() => inner));
        inner = _loop.Start(SleepFinallyThrows(boom));
        Tick(2);
        _loop.Close();
        Assert.That(inner.Exception, Is.SameAs(boom));
        Assert.That(outer.IsCompleted, Is.True);
        Assert.That(_unhandled.Count(e => ReferenceEquals(e, boom)), Is.EqualTo(1));
    }

    private static IEnumerator<IAwaitable> AwaitAfterOneTick(Func<Future> f)
    {
        yield return Co.NextTick;
        yield return f();
    }

    [Test]
    public void SelfCancel_CancelAgainInsideFinally_ReturnsFalse_R33_R34()
    {
        bool? again = null;
        LoopTask task = null!;
        task = _loop.Start(SelfCancelThenCancelInFinally(() => task, b => again = b));
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(again, Is.False);
    }

    private static IEnumerator<IAwaitable> SelfCancelThenCancelInFinally(Func<LoopTask> self, Action<bool> again)
    {
        try
        {
            self().Cancel();
            yield return Co.NextTick;
        }
        finally
        {
            again(self().Cancel());
        }
    }

    [Test]
    public void CancelTaskParkedOnSettle_CancelsTheSettledTask_R31()
    {
        var log = new List<string>();
        LoopTask inner = _loop.Start(TryFinallySleep(log, "inner", 100));
        LoopTask outer = _loop.Start(SettleThen(inner, _ => log.Add("outer-after")));
        Tick();
        outer.Cancel();
        Tick(3);
        Assert.That(outer.IsCancelled, Is.True);
        Assert.That(inner.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "inner-finally" }));
    }

    [Test]
    public void Close_ManyTasks_AllFinallyOnce_R36()
    {
        int finallies = 0;
        var tasks = new List<LoopTask>();
        for (int i = 0; i < 10_000; i++)
        {
            tasks.Add(_loop.Start(FinallyDoes(() => finallies++)));
        }

        Tick();
        IReadOnlyList<Future> pending = _loop.Close();
        Assert.That(pending, Has.Count.EqualTo(10_000));
        Assert.That(finallies, Is.EqualTo(10_000));
        Assert.That(tasks, Has.All.Property(nameof(Future.IsCancelled)).True);
    }

    [Test]
    public void CancelTopOfLongChainOfWaitingTasks_NoStackOverflow_R31()
    {
        const int n = 100_000;
        var tasks = new LoopTask[n];
        tasks[0] = _loop.Start(Sleeper(1000));
        for (int i = 1; i < n; i++)
        {
            tasks[i] = _loop.Start(AwaitPlain(tasks[i - 1]));
        }

        Tick();
        tasks[n - 1].Cancel();
        Tick(3);
        Assert.That(tasks, Has.All.Property(nameof(Future.IsCancelled)).True);
    }

    [Test]
    public void CloseLongChainOfWaitingTasks_NoStackOverflow_R36()
    {
        const int n = 100_000;
        var tasks = new LoopTask[n];
        tasks[0] = _loop.Start(Sleeper(1000));
        for (int i = 1; i < n; i++)
        {
            tasks[i] = _loop.Start(AwaitPlain(tasks[i - 1]));
        }

        Tick();
        Assert.That(_loop.Close(), Has.Count.EqualTo(n));
        Assert.That(tasks, Has.All.Property(nameof(Future.IsCancelled)).True);
    }

    [Test]
    public void TaskCompletesInTheTickThatStops_RunUntilCompleteReturnsItsResult_R37()
    {
        LoopTask<int> task = _loop.Start<int>(StopAndReturn(8));
        Assert.That(_loop.RunUntilComplete(task), Is.EqualTo(8));
    }

    private IEnumerator<IAwaitable> StopAndReturn(int v)
    {
        yield return Co.NextTick;
        _loop.Stop();
        yield return Co.Return(v);
    }

    [Test]
    public void RunUntilCompleteOfFutureStopped_Throws_FutureStillCompletable_R37()
    {
        var source = new FutureSource<int>(_loop);
        _loop.CallSoon(() => _loop.Stop());
        Assert.Throws<InvalidOperationException>(() => _loop.RunUntilComplete(source.Future));
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Pending));
        _loop.CallSoon(() => source.SetResult(4));
        Assert.That(_loop.RunUntilComplete(source.Future), Is.EqualTo(4));
    }

    [Test]
    public void StoppedRun_ThenCloseCancelsTheTask_R37()
    {
        var log = new List<string>();
        LoopTask task = _loop.Start(TryFinallySleep(log, "t", 1000));
        _loop.CallSoon(() => _loop.Stop());
        Assert.Throws<InvalidOperationException>(() => _loop.RunUntilComplete(task));
        Assert.That(_loop.Close(), Is.EqualTo(new[] { task }));
        Assert.That(log, Is.EqualTo(new[] { "t-finally" }));
    }

    [Test]
    public void CancelWhenAllFuture_CancelsChildren_R16()
    {
        var log = new List<string>();
        LoopTask a = _loop.Start(TryFinallySleep(log, "a", 100));
        LoopTask b = _loop.Start(TryFinallySleep(log, "b", 100));
        Tick();
        Future all = Co.WhenAll(a, b);
        Assert.That(all.Cancel(), Is.True);
        Tick(3);
        Assert.That(a.IsCancelled && b.IsCancelled, Is.True);
        Assert.That(all.IsCancelled, Is.True);
        Assert.That(log, Is.EquivalentTo(new[] { "a-finally", "b-finally" }));
    }

    [Test]
    public void CancelShield_DoesNotCancelInner_R31()
    {
        var inner = new FutureSource(_loop);
        Future shield = Co.Shield(inner.Future);
        Assert.That(shield.Cancel(), Is.True);
        Tick();
        Assert.That(inner.Future.IsCompleted, Is.False);
        inner.SetResult();
        Tick();
        Assert.That(shield.IsCancelled, Is.True);
    }

    [Test]
    public void Shield_InnerFaults_ShieldWaiterFailsWithSameObject_R31()
    {
        var inner = new FutureSource(_loop);
        var boom = new InvalidOperationException("through shield");
        LoopTask task = _loop.Start(AwaitPlain(Co.Shield(inner.Future)));
        Tick();
        inner.SetException(boom);
        Tick(2);
        Assert.That(task.Exception, Is.SameAs(boom));
    }

    [Test]
    public void CancelTaskParkedOnFutureSharedWithAnotherWaiter_R31()
    {
        // Cancelling one waiter cancels the future it is parked on (R31); the other waiter then sees a cancelled
        // future (R22).
        var source = new FutureSource(_loop);
        LoopTask a = _loop.Start(AwaitPlain(source.Future));
        LoopTask b = _loop.Start(AwaitPlain(source.Future));
        Tick();
        a.Cancel();
        Tick(3);
        Assert.That(a.IsCancelled, Is.True);
        Assert.That(source.Future.IsCancelled, Is.True);
        Assert.That(b.IsCancelled, Is.True);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers
    // ---------------------------------------------------------------------------------------------------------------

    private sealed class Disposer : IDisposable
    {
        private readonly Action _action;
        private int _count;

        public Disposer(Action action) => _action = action;

        public void Dispose()
        {
            _count++;
            if (_count > 1)
            {
                throw new InvalidOperationException("disposed twice");
            }

            _action();
        }
    }

    private static void Fail(Exception e) => throw e;

    private static IEnumerator<IAwaitable> TryFinallySleep(List<string> log, string name, double seconds)
    {
        try
        {
            yield return Co.Sleep(seconds);
            log.Add($"{name}-woke");
        }
        finally
        {
            log.Add($"{name}-finally");
        }
    }

    private static IEnumerator<IAwaitable> Sleeper(double seconds)
    {
        yield return Co.Sleep(seconds);
    }

    private static IEnumerator<IAwaitable> AwaitPlain(Future f)
    {
        yield return f;
    }

    private static IEnumerator<IAwaitable> AwaitThen(Future f, Action after)
    {
        yield return f;
        after();
    }

    private static IEnumerator<IAwaitable> SettleThen(Future f, Action<Future> after)
    {
        yield return Co.Settle(f);
        after(f);
    }

    private static IEnumerator<IAwaitable> CallIt(IEnumerator<IAwaitable> child)
    {
        yield return Co.Call(child);
    }

    private static IEnumerator<IAwaitable> ReturnNow(int v)
    {
        yield return Co.Return(v);
    }

    private static IEnumerator<IAwaitable> ThrowNow(Exception e)
    {
        yield return Co.NextTick;
        throw e;
    }
}
