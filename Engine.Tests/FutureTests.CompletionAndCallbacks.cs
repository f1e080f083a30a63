using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>Futures complete once, report their outcome, run their callbacks on the loop and wake their waiters in order (R14-R19).</summary>
public partial class FutureTests
{
    // ---------------------------------------------------------------------------------------------------------------
    // R14: a future completes once
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void SecondSetResult_Throws_AndKeepsFirstResult_R14()
    {
        var source = new FutureSource<int>(_loop);
        source.SetResult(1);

        Assert.Throws<InvalidOperationException>(() => source.SetResult(2));
        Assert.That(source.TrySetResult(3), Is.False);
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Succeeded));
        Assert.That(source.Future.Result, Is.EqualTo(1));
    }

    [Test]
    public void AfterException_EveryOtherCompletionIsRefused_AndExceptionStays_R14()
    {
        var source = new FutureSource(_loop);
        var boom = new InvalidOperationException("first");
        source.SetException(boom);

        Assert.Throws<InvalidOperationException>(() => source.SetResult());
        Assert.Throws<InvalidOperationException>(() => source.SetCanceled());
        Assert.Throws<InvalidOperationException>(() => source.SetException(new ArgumentException("second")));
        Assert.That(source.TrySetResult(), Is.False);
        Assert.That(source.TrySetCanceled(), Is.False);
        Assert.That(source.TrySetException(new ArgumentException("third")), Is.False);
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Faulted));
        Assert.That(source.Future.Exception, Is.SameAs(boom));
    }

    [Test]
    public void AfterCancel_SetResultThrows_TryFormsReturnFalse_R14()
    {
        var source = new FutureSource<string>(_loop);
        Assert.That(source.Future.Cancel(), Is.True);

        Assert.Throws<InvalidOperationException>(() => source.SetResult("x"));
        Assert.That(source.TrySetResult("y"), Is.False);
        Assert.That(source.TrySetException(new InvalidOperationException()), Is.False);
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Cancelled));
        Assert.That(source.Future.IsCancelled, Is.True);
    }

    [Test]
    public void TrySetResult_FirstCallReturnsTrue_R14()
    {
        var source = new FutureSource<int>(_loop);
        Assert.That(source.TrySetResult(5), Is.True);
        Assert.That(source.TrySetResult(6), Is.False);
        Assert.That(source.Future.Result, Is.EqualTo(5));
    }

    [Test]
    public void SecondCompletion_DoesNotWakeWaitersTwice_R14()
    {
        var source = new FutureSource<int>(_loop);
        int resumed = 0;
        _loop.Start(Waiter(source.Future, () => resumed++));
        Tick();
        source.SetResult(1);
        source.TrySetResult(2);
        source.TrySetCanceled();
        Tick(3);
        Assert.That(resumed, Is.EqualTo(1));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R15: reading outcomes
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void PendingFuture_ResultAndGetResultThrowInvalidOperation_R15()
    {
        var source = new FutureSource<int>(_loop);
        Assert.Throws<InvalidOperationException>(() => _ = source.Future.Result);
        Assert.Throws<InvalidOperationException>(() => source.Future.GetResult());
        Assert.That(source.Future.Exception, Is.Null);
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Pending));
    }

    [Test]
    public void PendingTask_ResultThrowsInvalidOperation_R15()
    {
        LoopTask<int> task = _loop.Start<int>(ReturnAfterTicks(3, 7));
        Assert.Throws<InvalidOperationException>(() => _ = task.Result);
        Tick();
        Assert.Throws<InvalidOperationException>(() => _ = task.Result);
        Tick(5);
        Assert.That(task.Result, Is.EqualTo(7));
    }

    [Test]
    public void FaultedFuture_ResultThrowsTheSameException_R15()
    {
        var source = new FutureSource<int>(_loop);
        var boom = new FormatException("bad");
        source.SetException(boom);
        var thrown = Assert.Throws<FormatException>(() => _ = source.Future.Result);
        Assert.That(thrown, Is.SameAs(boom));
        var thrown2 = Assert.Throws<FormatException>(() => source.Future.GetResult());
        Assert.That(thrown2, Is.SameAs(boom));
    }

    [Test]
    public void FaultedTask_ResultThrowsTheSameException_R15()
    {
        var boom = new ArithmeticException("task boom");
        LoopTask<int> task = _loop.Start<int>(ThrowAfterTicks<int>(1, boom));
        Tick(3);
        Assert.That(task.IsFaulted, Is.True);
        var thrown = Assert.Throws<ArithmeticException>(() => _ = task.Result);
        Assert.That(thrown, Is.SameAs(boom));
        Assert.That(task.Exception, Is.SameAs(boom));
    }

    [Test]
    public void CancelledFuture_ResultThrowsOperationCanceled_R15()
    {
        var source = new FutureSource<int>(_loop);
        source.SetCanceled();
        Assert.That(() => _ = source.Future.Result, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(() => source.Future.GetResult(), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(source.Future.Exception, Is.Null);
    }

    [Test]
    public void CancelledTask_ResultThrowsOperationCanceled_R15()
    {
        LoopTask<int> task = _loop.Start<int>(ReturnAfterTicks(10, 1));
        Tick();
        task.Cancel();
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(() => _ = task.Result, Throws.InstanceOf<OperationCanceledException>());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R16: cancelling a future
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void CancelPending_ReturnsTrue_CancelAgainReturnsFalse_R16()
    {
        var source = new FutureSource(_loop);
        Assert.That(source.Future.Cancel(), Is.True);
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Cancelled));
        Assert.That(source.Future.Cancel(), Is.False);
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Cancelled));
    }

    [Test]
    public void CancelSucceeded_ReturnsFalse_AndResultStays_R16()
    {
        var source = new FutureSource<int>(_loop);
        source.SetResult(42);
        Assert.That(source.Future.Cancel(), Is.False);
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Succeeded));
        Assert.That(source.Future.Result, Is.EqualTo(42));
    }

    [Test]
    public void CancelFaulted_ReturnsFalse_AndExceptionStays_R16()
    {
        var source = new FutureSource(_loop);
        var boom = new InvalidOperationException("x");
        source.SetException(boom);
        Assert.That(source.Future.Cancel(), Is.False);
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Faulted));
        Assert.That(source.Future.Exception, Is.SameAs(boom));
    }

    [Test]
    public void CancelCompletedTask_ReturnsFalse_R16()
    {
        LoopTask<int> task = _loop.Start<int>(ReturnAfterTicks(0, 3));
        Tick();
        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(task.Cancel(), Is.False);
        Tick();
        Assert.That(task.State, Is.EqualTo(FutureState.Succeeded));
        Assert.That(task.Result, Is.EqualTo(3));
    }

    [Test]
    public void CancelledFuture_WakesItsWaiterAsCancelled_R16()
    {
        var source = new FutureSource(_loop);
        bool after = false;
        LoopTask waiter = _loop.Start(Waiter(source.Future, () => after = true));
        Tick();
        Assert.That(source.Future.Cancel(), Is.True);
        Tick(2);
        Assert.That(after, Is.False);
        Assert.That(waiter.IsCancelled, Is.True);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R17: completion callbacks
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void Callback_NeverRunsInsideTheCompletingCall_R17()
    {
        var source = new FutureSource(_loop);
        int calls = 0;
        source.Future.AddCallback(_ => calls++);
        source.SetResult();
        Assert.That(calls, Is.Zero);
        Tick();
        Assert.That(calls, Is.EqualTo(1));
        Tick(3);
        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public void Callback_CompletedInsideAStep_RunsInTheNextTick_R17()
    {
        var source = new FutureSource(_loop);
        var log = new List<string>();
        source.Future.AddCallback(_ => log.Add($"callback@{_loop.TickCount}"));
        _loop.Start(Do(() =>
        {
            source.SetResult();
            log.Add($"after-set@{_loop.TickCount}");
        }));
        Tick();
        long completedIn = _loop.TickCount;
        Tick();
        Assert.That(log, Is.EqualTo(new[] { $"after-set@{completedIn}", $"callback@{completedIn + 1}" }));
    }

    [Test]
    public void Callbacks_RunInRegistrationOrder_WithTheFuture_R17()
    {
        var source = new FutureSource<int>(_loop);
        var log = new List<string>();
        Future? seen = null;
        source.Future.AddCallback(f => { log.Add("a"); seen = f; });
        source.Future.AddCallback(_ => log.Add("b"));
        source.Future.AddCallback(_ => log.Add("c"));
        source.Future.AddCallback(_ => log.Add("d"));
        source.SetResult(1);
        Tick();
        Assert.That(log, Is.EqualTo(new[] { "a", "b", "c", "d" }));
        Assert.That(seen, Is.SameAs(source.Future));
    }

    [Test]
    public void CallbackOnCompletedFuture_RunsOnTheLoop_Once_R17()
    {
        var source = new FutureSource(_loop);
        source.SetResult();
        int calls = 0;
        source.Future.AddCallback(_ => calls++);
        Assert.That(calls, Is.Zero);
        Tick();
        Assert.That(calls, Is.EqualTo(1));
        Tick(3);
        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public void CallbackOnCompletedTask_RunsOnTheLoop_Once_R17()
    {
        LoopTask task = _loop.Start(Empty());
        Tick();
        Assert.That(task.IsSucceeded, Is.True);
        int calls = 0;
        task.AddCallback(_ => calls++);
        Assert.That(calls, Is.Zero);
        Tick(3);
        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public void RemoveCallbackBeforeCompletion_NeverRuns_R17()
    {
        var source = new FutureSource(_loop);
        int a = 0, b = 0;
        Action<Future> ca = _ => a++;
        Action<Future> cb = _ => b++;
        source.Future.AddCallback(ca);
        source.Future.AddCallback(cb);
        Assert.That(source.Future.RemoveCallback(ca), Is.True);
        Assert.That(source.Future.RemoveCallback(ca), Is.False);
        source.SetResult();
        Tick(2);
        Assert.That(a, Is.Zero);
        Assert.That(b, Is.EqualTo(1));
    }

    [Test]
    public void RemoveSoleCallbackBeforeCompletion_NeverRuns_R17()
    {
        var source = new FutureSource(_loop);
        int a = 0;
        Action<Future> ca = _ => a++;
        source.Future.AddCallback(ca);
        Assert.That(source.Future.RemoveCallback(ca), Is.True);
        source.SetResult();
        Tick(2);
        Assert.That(a, Is.Zero);
    }

    [Test]
    public void RemoveCallbackAfterCompletion_ReturnsFalse_AndItStillRuns_R17()
    {
        var source = new FutureSource(_loop);
        int a = 0;
        Action<Future> ca = _ => a++;
        source.Future.AddCallback(ca);
        source.SetResult();
        Assert.That(source.Future.RemoveCallback(ca), Is.False);
        Tick();
        Assert.That(a, Is.EqualTo(1));
    }

    [Test]
    public void RemoveCallbackRegisteredOnCompletedFuture_ReturnsFalse_AndItStillRuns_R17()
    {
        var source = new FutureSource(_loop);
        source.SetResult();
        int a = 0;
        Action<Future> ca = _ => a++;
        source.Future.AddCallback(ca);
        Assert.That(source.Future.RemoveCallback(ca), Is.False);
        Tick();
        Assert.That(a, Is.EqualTo(1));
    }

    [Test]
    public void CallbackRunsForCancelledAndFaultedFutures_R17()
    {
        var cancelled = new FutureSource(_loop);
        var faulted = new FutureSource(_loop);
        var states = new List<FutureState>();
        cancelled.Future.AddCallback(f => states.Add(f.State));
        faulted.Future.AddCallback(f => { states.Add(f.State); _ = f.Exception; });
        cancelled.Future.Cancel();
        faulted.SetException(new InvalidOperationException("x"));
        Tick();
        Assert.That(states, Is.EqualTo(new[] { FutureState.Cancelled, FutureState.Faulted }));
    }

    [Test]
    public void CallbackAddedInsideACallback_OnCompletedFuture_RunsInTheNextTick_R17()
    {
        var source = new FutureSource(_loop);
        source.SetResult();
        var log = new List<string>();
        source.Future.AddCallback(f =>
        {
            log.Add($"first@{_loop.TickCount}");
            f.AddCallback(_ => log.Add($"nested@{_loop.TickCount}"));
        });
        Tick();
        long t = _loop.TickCount;
        Assert.That(log, Is.EqualTo(new[] { $"first@{t}" }));
        Tick();
        Assert.That(log, Is.EqualTo(new[] { $"first@{t}", $"nested@{t + 1}" }));
    }

    [Test]
    public void TasksAndCallbacks_WokenInRegistrationOrder_R17()
    {
        var source = new FutureSource(_loop);
        var log = new List<string>();
        _loop.Start(Waiter(source.Future, () => log.Add("task1")));
        Tick();
        source.Future.AddCallback(_ => log.Add("callback1"));
        _loop.Start(Waiter(source.Future, () => log.Add("task2")));
        Tick();
        source.Future.AddCallback(_ => log.Add("callback2"));
        source.SetResult();
        Tick();
        Assert.That(log, Is.EqualTo(new[] { "task1", "callback1", "task2", "callback2" }));
    }

    [Test]
    public void CallbackSeesTheFutureCompleted_AndCanReadTheResult_R17()
    {
        var source = new FutureSource<int>(_loop);
        int seen = 0;
        source.Future.AddCallback(f => seen = ((Future<int>)f).Result);
        source.SetResult(31);
        Tick();
        Assert.That(seen, Is.EqualTo(31));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R18: a throwing callback
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void ThrowingCallback_DoesNotStopOthers_GoesToHandler_R18()
    {
        var source = new FutureSource(_loop);
        var boom = new InvalidOperationException("callback boom");
        var log = new List<string>();
        source.Future.AddCallback(_ => log.Add("first"));
        source.Future.AddCallback(_ => throw boom);
        source.Future.AddCallback(_ => log.Add("third"));
        int otherTaskSteps = 0;
        _loop.Start(Forever(() => otherTaskSteps++));
        source.SetResult();
        Assert.DoesNotThrow(() => Tick());
        Assert.That(log, Is.EqualTo(new[] { "first", "third" }));
        Assert.That(_unhandled, Has.Count.EqualTo(1));
        Assert.That(_unhandled[0], Is.SameAs(boom));
        Tick();
        Assert.That(otherTaskSteps, Is.EqualTo(2));
        Assert.That(_unhandled, Has.Count.EqualTo(1));
    }

    [Test]
    public void HandlerThatThrows_NothingEscapesTick_R18()
    {
        var source = new FutureSource(_loop);
        int handled = 0;
        _loop.UnhandledExceptionHandler = _ =>
        {
            handled++;
            throw new InvalidOperationException("handler boom");
        };
        var log = new List<string>();
        source.Future.AddCallback(_ => throw new InvalidOperationException("callback boom"));
        source.Future.AddCallback(_ => log.Add("after"));
        source.SetResult();
        Assert.DoesNotThrow(() => Tick());
        Assert.That(log, Is.EqualTo(new[] { "after" }));
        Assert.That(handled, Is.EqualTo(1));
        Assert.DoesNotThrow(() => Tick());
    }

    [Test]
    public void ThrowingCallSoonCallback_GoesToHandler_R18()
    {
        var boom = new InvalidOperationException("soon boom");
        int after = 0;
        _loop.CallSoon(() => throw boom);
        _loop.CallSoon(() => after++);
        Assert.DoesNotThrow(() => Tick());
        Assert.That(after, Is.EqualTo(1));
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R1/R17/R19: waiters resume in the next tick, never inline; already-complete futures continue in the same step
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void Waiter_ResumesTheTickAfterCompletionOutsideATick_R17()
    {
        var source = new FutureSource<int>(_loop);
        var log = new List<string>();
        _loop.Start(LogAround(source.Future, log));
        Tick();
        Assert.That(log, Is.EqualTo(new[] { "before" }));
        source.SetResult(9);
        Assert.That(log, Is.EqualTo(new[] { "before" }), "a waiter never resumes inside SetResult");
        Tick();
        Assert.That(log, Is.EqualTo(new[] { "before", "after 9" }));
    }

    [Test]
    public void Waiter_ResumesTheTickAfterCompletionInsideAStep_R17()
    {
        var source = new FutureSource<int>(_loop);
        var log = new List<string>();
        _loop.Start(LogAround(source.Future, log));
        Tick();
        _loop.Start(Do(() => { source.SetResult(4); log.Add("completed"); }));
        Tick();
        Assert.That(log, Is.EqualTo(new[] { "before", "completed" }));
        Tick();
        Assert.That(log, Is.EqualTo(new[] { "before", "completed", "after 4" }));
    }

    [Test]
    public void WaiterParkedBeforeCompleterInSameTick_StillResumesNextTick_R17()
    {
        // The waiter parks first in tick 1; the completer runs later in the same tick. The waiter must not run
        // again in tick 1.
        var source = new FutureSource<int>(_loop);
        var log = new List<string>();
        _loop.Start(LogAround(source.Future, log));
        _loop.Start(Do(() => { source.SetResult(1); log.Add("completed"); }));
        Tick();
        Assert.That(log, Is.EqualTo(new[] { "before", "completed" }));
        Tick();
        Assert.That(log, Is.EqualTo(new[] { "before", "completed", "after 1" }));
    }

    [Test]
    public void ManyWaitersOnOneFuture_ResumeInTheOrderTheyParked_R17()
    {
        var source = new FutureSource(_loop);
        var order = new List<int>();
        var tasks = new List<LoopTask>();
        for (int i = 0; i < 20; i++)
        {
            int id = i;
            tasks.Add(_loop.Start(Waiter(source.Future, () => order.Add(id))));
        }

        Tick();
        source.SetResult();
        Assert.That(order, Is.Empty);
        Tick();
        Assert.That(order, Is.EqualTo(System.Linq.Enumerable.Range(0, 20)));
        Assert.That(tasks, Has.All.Property(nameof(Future.IsSucceeded)).True);
    }

    [Test]
    public void WaitersParkedInDifferentTicks_ResumeInParkOrder_R17()
    {
        var source = new FutureSource(_loop);
        var order = new List<string>();
        _loop.Start(WaitAfterTicks(2, source.Future, () => order.Add("late")));
        _loop.Start(WaitAfterTicks(0, source.Future, () => order.Add("early")));
        _loop.Start(WaitAfterTicks(1, source.Future, () => order.Add("middle")));
        Tick(4);
        source.SetResult();
        Tick();
        Assert.That(order, Is.EqualTo(new[] { "early", "middle", "late" }));
    }

    [Test]
    public void AlreadyCompleteFuture_ContinuesInTheSameStep_R19()
    {
        var source = new FutureSource<int>(_loop);
        source.SetResult(11);
        var ticks = new List<long>();
        var task = _loop.Start<int>(YieldCompleted(source.Future, ticks));
        Tick();
        Assert.That(task.IsSucceeded, Is.True, "the whole coroutine ran in the first step");
        Assert.That(task.Result, Is.EqualTo(11));
        Assert.That(ticks, Has.Count.EqualTo(2));
        Assert.That(ticks[1], Is.EqualTo(ticks[0]));
    }

    [Test]
    public void AlreadyCompletedTask_ContinuesInTheSameStep_R19()
    {
        LoopTask<int> child = _loop.Start<int>(ReturnAfterTicks(0, 5));
        Tick();
        Assert.That(child.IsSucceeded, Is.True);
        var log = new List<long>();
        LoopTask<int> parent = _loop.Start<int>(AwaitTask(child, log));
        Tick();
        Assert.That(parent.IsSucceeded, Is.True);
        Assert.That(parent.Result, Is.EqualTo(6));
    }

    [Test]
    public void AlreadyFaultedFuture_FailsInTheSameStep_WithSameException_R19()
    {
        var source = new FutureSource(_loop);
        var boom = new InvalidOperationException("already");
        source.SetException(boom);
        bool after = false;
        LoopTask task = _loop.Start(Waiter(source.Future, () => after = true));
        Tick();
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.SameAs(boom));
        Assert.That(after, Is.False);
    }

    [Test]
    public void AlreadyCancelledFuture_CancelsInTheSameStep_R19()
    {
        var source = new FutureSource(_loop);
        source.SetCanceled();
        bool after = false;
        LoopTask task = _loop.Start(Waiter(source.Future, () => after = true));
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(after, Is.False);
    }

    [Test]
    public void MillionCompletedFutures_OneStep_NoStackOverflow_R19_R26()
    {
        var source = new FutureSource<int>(_loop);
        source.SetResult(1);
        LoopTask<long> task = _loop.Start<long>(YieldSameCompletedMany(source.Future, 1_000_000));
        Tick();
        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(task.Result, Is.EqualTo(1_000_000L));
    }

    [Test]
    public void MillionFuturesCompletedFromEachOthersCallbacks_NoStackOverflow_R26()
    {
        const int n = 1_000_000;
        var sources = new FutureSource[n];
        for (int i = 0; i < n; i++)
        {
            sources[i] = new FutureSource(_loop);
        }

        for (int i = 0; i < n - 1; i++)
        {
            FutureSource next = sources[i + 1];
            sources[i].Future.AddCallback(_ => next.SetResult());
        }

        sources[0].SetResult();
        int ticks = 0;
        while (!sources[n - 1].Future.IsCompleted && ticks < n + 5)
        {
            Tick();
            ticks++;
        }

        Assert.That(sources[n - 1].Future.IsSucceeded, Is.True);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R20: typed results
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void TypedTask_ResultWithoutCasts_R20()
    {
        LoopTask<string> task = _loop.Start<string>(ReturnString("hello"));
        string result = _loop.RunUntilComplete(task);
        Assert.That(result, Is.EqualTo("hello"));
        Assert.That(task.Result, Is.EqualTo("hello"));
    }

    private static IEnumerator<IAwaitable> LogAround(Future<int> future, List<string> log)
    {
        log.Add("before");
        yield return future;
        log.Add($"after {future.Result}");
    }

    private static IEnumerator<IAwaitable> WaitAfterTicks(int ticks, Future future, Action after)
    {
        for (int i = 0; i < ticks; i++)
        {
            yield return Co.NextTick;
        }

        yield return future;
        after();
    }

    private IEnumerator<IAwaitable> YieldCompleted(Future<int> f, List<long> ticks)
    {
        ticks.Add(_loop.TickCount);
        yield return f;
        ticks.Add(_loop.TickCount);
        yield return Co.Return(f.Result);
    }

    private static IEnumerator<IAwaitable> YieldSameCompletedMany(Future<int> f, int count)
    {
        long sum = 0;
        for (int i = 0; i < count; i++)
        {
            yield return f;
            sum += f.Result;
        }

        yield return Co.Return(sum);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers
    // ---------------------------------------------------------------------------------------------------------------

    private static IEnumerator<IAwaitable> Forever(Action each)
    {
        while (true)
        {
            each();
            yield return Co.NextTick;
        }
    }

    private static IEnumerator<IAwaitable> ThrowAfterTicks<T>(int ticks, Exception boom)
    {
        for (int i = 0; i < ticks; i++)
        {
            yield return Co.NextTick;
        }

        throw boom;
    }
}
