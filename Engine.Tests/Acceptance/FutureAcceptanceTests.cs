using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests.Acceptance;

/// <summary>
/// Acceptance scenarios for futures, results, failures and nesting (docs/semantics.md R14-R27), written from the rules.
/// </summary>
[TestFixture]
public class FutureAcceptanceTests : AcceptanceFixture
{
    public FutureAcceptanceTests()
        : base("acceptance")
    {
    }

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

    private static IEnumerator<IAwaitable> Waiter(Future future, Action after)
    {
        yield return future;
        after();
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

    [Test]
    public void AddCallbackNull_Throws_R17()
    {
        var source = new FutureSource(_loop);
        Assert.Throws<ArgumentNullException>(() => source.Future.AddCallback(null!));
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

    private static IEnumerator<IAwaitable> LogAround(Future<int> future, List<string> log)
    {
        log.Add("before");
        yield return future;
        log.Add($"after {future.Result}");
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

    private static IEnumerator<IAwaitable> WaitAfterTicks(int ticks, Future future, Action after)
    {
        for (int i = 0; i < ticks; i++)
        {
            yield return Co.NextTick;
        }

        yield return future;
        after();
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

    private IEnumerator<IAwaitable> YieldCompleted(Future<int> f, List<long> ticks)
    {
        ticks.Add(_loop.TickCount);
        yield return f;
        ticks.Add(_loop.TickCount);
        yield return Co.Return(f.Result);
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

    private static IEnumerator<IAwaitable> AwaitTask(LoopTask<int> child, List<long> log)
    {
        yield return child;
        log.Add(1);
        yield return Co.Return(child.Result + 1);
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

    [Test]
    public void RunUntilCompleteOfCoroutine_ReturnsTypedResult_R20()
    {
        int result = _loop.RunUntilComplete<int>(ReturnAfterTicks(3, 99));
        Assert.That(result, Is.EqualTo(99));
    }

    [Test]
    public void TypedTaskAwaitedByAnotherTask_ResultReadable_R20()
    {
        LoopTask<int> inner = _loop.Start<int>(ReturnAfterTicks(2, 20));
        LoopTask<int> outer = _loop.Start<int>(AwaitTask(inner, new List<long>()));
        Tick(6);
        Assert.That(outer.Result, Is.EqualTo(21));
    }

    private static IEnumerator<IAwaitable> ReturnString(string s)
    {
        yield return Co.NextTick;
        yield return Co.Return(s);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R21: a coroutine that throws
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void ThrowingCoroutine_FaultsTask_FinallyBlocksInnermostFirst_LoopGoesOn_R21()
    {
        var log = new List<string>();
        var boom = new InvalidOperationException("inner");
        LoopTask task = _loop.Start(OuterWithFinally(log, boom));
        int other = 0;
        _loop.Start(Forever(() => other++));
        Tick(5);
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.SameAs(boom));
        Assert.That(log, Is.EqualTo(new[] { "inner-finally-2", "inner-finally-1", "middle-finally", "outer-finally" }));
        Assert.That(other, Is.EqualTo(5));
    }

    private static IEnumerator<IAwaitable> OuterWithFinally(List<string> log, Exception boom)
    {
        try
        {
            yield return Co.NextTick;
            yield return Co.Call(MiddleWithFinally(log, boom));
            log.Add("outer-after-call");
        }
        finally
        {
            log.Add("outer-finally");
        }
    }

    private static IEnumerator<IAwaitable> MiddleWithFinally(List<string> log, Exception boom)
    {
        try
        {
            yield return Co.Call(InnerThrows(log, boom));
            log.Add("middle-after-call");
        }
        finally
        {
            log.Add("middle-finally");
        }
    }

    private static IEnumerator<IAwaitable> InnerThrows(List<string> log, Exception boom)
    {
        try
        {
            try
            {
                yield return Co.NextTick;
                throw boom;
            }
            finally
            {
                log.Add("inner-finally-2");
            }
        }
        finally
        {
            log.Add("inner-finally-1");
        }
    }

    [Test]
    public void ThrowBeforeFirstYield_FaultsTask_R21()
    {
        var boom = new NotSupportedException("first step");
        LoopTask task = _loop.Start(ThrowAfterTicks<int>(0, boom));
        Tick();
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.SameAs(boom));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R22: propagation and traces
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void ChainOfAwaitingTasks_AllFaultWithTheSameObject_R22()
    {
        var boom = new InvalidOperationException("deep");
        LoopTask a = _loop.Start(ThrowAfterTicks<int>(2, boom), "a");
        LoopTask b = _loop.Start(AwaitPlain(a), "b");
        LoopTask c = _loop.Start(AwaitPlain(b), "c");
        LoopTask d = _loop.Start(AwaitPlain(c), "d");
        Tick(10);
        Assert.That(a.Exception, Is.SameAs(boom));
        Assert.That(b.Exception, Is.SameAs(boom));
        Assert.That(c.Exception, Is.SameAs(boom));
        Assert.That(d.Exception, Is.SameAs(boom));
        // d had no waiter and nobody read it before the end of its tick: the one exception object is reported once.
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
    }

    [Test]
    public void FailureThroughInlineCallsAndTasks_SameObject_R22()
    {
        var boom = new KeyNotFoundException("k");
        LoopTask inner = _loop.Start(CallChain(3, ThrowAfterTicks<int>(1, boom)), "inner");
        LoopTask outer = _loop.Start(CallChain(3, AwaitPlain(inner)), "outer");
        Tick(10);
        Assert.That(inner.Exception, Is.SameAs(boom));
        Assert.That(outer.Exception, Is.SameAs(boom));
        var thrown = Assert.Throws<KeyNotFoundException>(() => outer.GetResult());
        Assert.That(thrown, Is.SameAs(boom));
    }

    [Test]
    public void RunUntilComplete_ThrowsTheSameObject_R22()
    {
        var boom = new InvalidOperationException("run");
        LoopTask task = _loop.Start(CallChain(2, ThrowAfterTicks<int>(1, boom)));
        var thrown = Assert.Throws<InvalidOperationException>(() => _loop.RunUntilComplete(task));
        Assert.That(thrown, Is.SameAs(boom));
        Assert.That(_unhandled, Is.Empty);
    }

    private static IEnumerator<IAwaitable> CallChain(int depth, IEnumerator<IAwaitable> leaf)
    {
        if (depth == 0)
        {
            yield return Co.Call(leaf);
        }
        else
        {
            yield return Co.Call(CallChain(depth - 1, leaf));
        }
    }

    private static IEnumerator<IAwaitable> AwaitPlain(Future f)
    {
        yield return f;
    }

    [Test]
    public void Settle_ObservesWithoutThrowing_R22()
    {
        var boom = new InvalidOperationException("settled");
        LoopTask failing = _loop.Start(ThrowAfterTicks<int>(1, boom));
        FutureState seenState = FutureState.Pending;
        Exception? seen = null;
        LoopTask watcher = _loop.Start(SettleThen(failing, f => { seenState = f.State; seen = f.Exception; }));
        Tick(5);
        Assert.That(watcher.IsSucceeded, Is.True);
        Assert.That(seenState, Is.EqualTo(FutureState.Faulted));
        Assert.That(seen, Is.SameAs(boom));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void SettleOnCancelledTask_DoesNotCancelTheWaiter_R22()
    {
        LoopTask victim = _loop.Start(ReturnAfterTicks(10, 1));
        FutureState seenState = FutureState.Pending;
        LoopTask watcher = _loop.Start(SettleThen(victim, f => seenState = f.State));
        Tick();
        victim.Cancel();
        Tick(3);
        Assert.That(watcher.IsSucceeded, Is.True);
        Assert.That(seenState, Is.EqualTo(FutureState.Cancelled));
    }

    [Test]
    public void SettleOnAlreadyFaulted_ContinuesInSameStep_R22()
    {
        var source = new FutureSource(_loop);
        var boom = new InvalidOperationException("x");
        source.SetException(boom);
        Exception? seen = null;
        LoopTask watcher = _loop.Start(SettleThen(source.Future, f => seen = f.Exception));
        Tick();
        Assert.That(watcher.IsSucceeded, Is.True);
        Assert.That(seen, Is.SameAs(boom));
        Assert.That(_unhandled, Is.Empty);
    }

    private static IEnumerator<IAwaitable> SettleThen(Future f, Action<Future> after)
    {
        yield return Co.Settle(f);
        after(f);
    }

    [Test]
    public void ParkedOnCancelledTask_IsCancelled_R22()
    {
        LoopTask child = _loop.Start(ReturnAfterTicks(10, 1));
        bool after = false;
        LoopTask parent = _loop.Start(Waiter(child, () => after = true));
        Tick();
        child.Cancel();
        Tick(3);
        Assert.That(child.IsCancelled, Is.True);
        Assert.That(parent.IsCancelled, Is.True);
        Assert.That(after, Is.False);
    }

    [Test]
    public void ParkedOnFaultedFuture_FinallyBlocksRunInnermostFirst_R22()
    {
        var source = new FutureSource(_loop);
        var boom = new InvalidOperationException("f");
        var log = new List<string>();
        LoopTask task = _loop.Start(NestedWaitWithFinally(source.Future, log));
        Tick();
        source.SetException(boom);
        Tick();
        Assert.That(task.Exception, Is.SameAs(boom));
        Assert.That(log, Is.EqualTo(new[] { "inner", "outer" }));
    }

    private static IEnumerator<IAwaitable> NestedWaitWithFinally(Future f, List<string> log)
    {
        try
        {
            yield return Co.Call(InnerWaitWithFinally(f, log));
        }
        finally
        {
            log.Add("outer");
        }
    }

    private static IEnumerator<IAwaitable> InnerWaitWithFinally(Future f, List<string> log)
    {
        try
        {
            yield return f;
        }
        finally
        {
            log.Add("inner");
        }
    }

    [Test]
    public void Trace_IsAttached_InnermostFirst_R22()
    {
        var boom = new InvalidOperationException("traced");
        LoopTask task = _loop.Start(TraceOuter(boom), "tracer");
        Tick(3);
        Assert.That(task.Exception, Is.SameAs(boom));
        string? trace = boom.GetCoroutineTrace();
        Assert.That(trace, Is.Not.Null);
        int inner = trace!.IndexOf(nameof(TraceInner), StringComparison.Ordinal);
        int middle = trace.IndexOf(nameof(TraceMiddle), StringComparison.Ordinal);
        int outer = trace.IndexOf(nameof(TraceOuter), StringComparison.Ordinal);
        Assert.That(inner, Is.GreaterThanOrEqualTo(0), trace);
        Assert.That(middle, Is.GreaterThan(inner), trace);
        Assert.That(outer, Is.GreaterThan(middle), trace);
        Assert.That(trace, Does.Contain("tracer"));
    }

    private static IEnumerator<IAwaitable> TraceOuter(Exception boom)
    {
        yield return Co.Call(TraceMiddle(boom));
    }

    private static IEnumerator<IAwaitable> TraceMiddle(Exception boom)
    {
        yield return Co.Call(TraceInner(boom));
    }

    private static IEnumerator<IAwaitable> TraceInner(Exception boom)
    {
        yield return Co.NextTick;
        throw boom;
    }

    [Test]
    public void Trace_SpansAwaitingTasks_R22()
    {
        var boom = new InvalidOperationException("across tasks");
        LoopTask inner = _loop.Start(TraceInner(boom), "inner-task");
        LoopTask outer = _loop.Start(AwaitPlain(inner), "outer-task");
        Tick(3);
        Assert.That(outer.Exception, Is.SameAs(boom));
        string? trace = boom.GetCoroutineTrace();
        Assert.That(trace, Is.Not.Null);
        int i = trace!.IndexOf("inner-task", StringComparison.Ordinal);
        int o = trace.IndexOf("outer-task", StringComparison.Ordinal);
        Assert.That(i, Is.GreaterThanOrEqualTo(0), trace);
        Assert.That(o, Is.GreaterThan(i), trace);
        string[] lines = trace.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.Contain(nameof(TraceInner)).And.Contain("threw"), trace);
        Assert.That(lines[^1], Does.Contain(nameof(AwaitPlain)).And.Contain("waiting on task 'inner-task'"), trace);
    }

    [Test]
    public void Trace_IsBounded_ForDeepChains_R22()
    {
        var boom = new InvalidOperationException("deep trace");
        LoopTask task = _loop.Start(CallChain(200, TraceInner(boom)));
        Tick(3);
        Assert.That(task.Exception, Is.SameAs(boom));
        string trace = boom.GetCoroutineTrace()!;
        string[] lines = trace.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // 1 TraceInner frame + 201 CallChain frames: the 10 innermost, the 10 outermost, and one line counting the rest.
        Assert.That(lines, Has.Length.EqualTo(21), trace);
        Assert.That(lines[10], Does.Contain("182 coroutine frame(s) omitted"), trace);
        Assert.That(lines[0], Does.Contain(nameof(TraceInner)));
        Assert.That(lines[^1], Does.Contain(nameof(CallChain)));
    }

    [Test]
    public void NoTrace_ForAnExceptionThatNeverWentThroughACoroutine_R22()
    {
        Assert.That(new InvalidOperationException("plain").GetCoroutineTrace(), Is.Null);
        var plain = new InvalidOperationException("plain");
        Assert.That(plain.GetFailures(), Is.EqualTo(new[] { plain }));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R23: unobserved failures
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void UnawaitedFaultingTask_ReportedOnce_AtEndOfItsTick_R23()
    {
        var boom = new InvalidOperationException("nobody waits");
        var order = new List<string>();
        _loop.UnhandledExceptionHandler = e => { _unhandled.Add(e); order.Add("report"); };
        _loop.Start(ThrowAfterTicks<int>(1, boom));
        // A later task in the same tick records that it ran before the report.
        _loop.Start(StepsLog(order, 3));
        Tick();
        Assert.That(_unhandled, Is.Empty);
        Tick();
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
        Assert.That(order, Is.EqualTo(new[] { "step0", "step1", "report" }));
        Tick(5);
        Assert.That(_unhandled, Has.Count.EqualTo(1));
    }

    private static IEnumerator<IAwaitable> StepsLog(List<string> order, int n)
    {
        for (int i = 0; i < n; i++)
        {
            order.Add($"step{i}");
            yield return Co.NextTick;
        }
    }

    [Test]
    public void ObservedByWaiter_NotReported_ButTheUnobservedWaiterIsReportedOnce_R23()
    {
        var boom = new InvalidOperationException("chain");
        LoopTask a = _loop.Start(ThrowAfterTicks<int>(1, boom));
        _loop.Start(AwaitPlain(a));
        _loop.Start(AwaitPlain(a));
        Tick(5);
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }), "one exception object, reported at most once");
    }

    [Test]
    public void ObservedChain_LastObservedByRunUntilComplete_NotReported_R23()
    {
        var boom = new InvalidOperationException("observed");
        LoopTask a = _loop.Start(ThrowAfterTicks<int>(1, boom));
        LoopTask b = _loop.Start(AwaitPlain(a));
        Assert.Throws<InvalidOperationException>(() => _loop.RunUntilComplete(b));
        Tick(3);
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void ExceptionReadLaterInTheSameTick_NotReported_R23()
    {
        var boom = new InvalidOperationException("read in tick");
        LoopTask failing = _loop.Start(ThrowAfterTicks<int>(0, boom));
        Exception? read = null;
        _loop.Start(Do(() => read = failing.Exception));
        Tick(3);
        Assert.That(read, Is.SameAs(boom));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void ResultReadLaterInTheSameTick_NotReported_R23()
    {
        var boom = new InvalidOperationException("result read in tick");
        LoopTask<int> failing = _loop.Start<int>(ThrowAfterTicks<int>(0, boom));
        _loop.Start(Do(() => Assert.Throws<InvalidOperationException>(() => _ = failing.Result)));
        Tick(3);
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void FutureFaultedBetweenTicks_ReportedAtEndOfNextTick_Once_R23()
    {
        var source = new FutureSource(_loop);
        var boom = new InvalidOperationException("between ticks");
        source.SetException(boom);
        Assert.That(_unhandled, Is.Empty);
        Tick();
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
        Tick(3);
        Assert.That(_unhandled, Has.Count.EqualTo(1));
    }

    [Test]
    public void FutureFaultedBetweenTicks_ReadBeforeTick_NotReported_R23()
    {
        var source = new FutureSource(_loop);
        var boom = new InvalidOperationException("read");
        source.SetException(boom);
        Assert.That(source.Future.Exception, Is.SameAs(boom));
        Tick(3);
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void CallbackThatReadsTheException_BeforeTheReport_Observes_R23()
    {
        var source = new FutureSource(_loop);
        var boom = new InvalidOperationException("callback reads");
        source.Future.AddCallback(f => _ = f.Exception);
        source.SetException(boom);
        Tick(2);
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void NeverReportedAtGarbageCollection_R23()
    {
        WeakReference weak = FaultAndDrop();
        Tick();
        Assert.That(_unhandled, Has.Count.EqualTo(1));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Tick(2);
        Assert.That(_unhandled, Has.Count.EqualTo(1));
        GC.KeepAlive(weak);
    }

    private WeakReference FaultAndDrop()
    {
        var source = new FutureSource(_loop);
        source.SetException(new InvalidOperationException("dropped"));
        return new WeakReference(source.Future);
    }

    [Test]
    public void ObservedFutureDropped_NotReportedAtGarbageCollection_R23()
    {
        ObserveAndDrop();
        Tick();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Tick(2);
        Assert.That(_unhandled, Is.Empty);
    }

    private void ObserveAndDrop()
    {
        var source = new FutureSource(_loop);
        source.SetException(new InvalidOperationException("observed then dropped"));
        _ = source.Future.Exception;
    }

    [Test]
    public void FaultingTaskWithinInlineChain_UnobservedReportedOnce_R23()
    {
        var boom = new InvalidOperationException("inline");
        _loop.Start(CallChain(5, ThrowAfterTicks<int>(2, boom)));
        Tick(10);
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
    }

    [Test]
    public void CombinatorFuture_UnobservedFailure_ReportedOnce_R23()
    {
        var boom = new InvalidOperationException("whenall child");
        LoopTask failing = _loop.Start(ThrowAfterTicks<int>(1, boom));
        LoopTask slow = _loop.Start(ReturnAfterTicks(5, 1));
        Future all = Co.WhenAll(failing, slow);
        Tick(10);
        Assert.That(all.IsFaulted, Is.True);
        Assert.That(_unhandled, Has.Count.EqualTo(1));
        Assert.That(_unhandled[0], Is.SameAs(boom));
    }

    [Test]
    public void CombinatorFuture_Awaited_NotReported_R23()
    {
        var boom = new InvalidOperationException("whenall awaited");
        LoopTask failing = _loop.Start(ThrowAfterTicks<int>(1, boom));
        LoopTask slow = _loop.Start(ReturnAfterTicks(5, 1));
        Future all = Co.WhenAll(failing, slow);
        Exception? seen = null;
        _loop.Start(SettleThen(all, f => seen = f.Exception));
        Tick(10);
        Assert.That(seen, Is.SameAs(boom));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void WhenAnyLoser_FaultingLater_IsReported_R23()
    {
        var winner = new FutureSource(_loop);
        var loser = new FutureSource(_loop);
        Future<int> any = Co.WhenAny(winner.Future, loser.Future);
        winner.SetResult();
        Tick(2);
        Assert.That(any.Result, Is.Zero);
        var boom = new InvalidOperationException("loser");
        loser.SetException(boom);
        Tick(2);
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
    }

    [Test]
    public void FaultedTaskAwaitedByTaskStartedLaterInTheSameTick_ReportedOnceAsTheWaiters_R23()
    {
        var boom = new InvalidOperationException("late waiter");
        LoopTask failing = _loop.Start(ThrowAfterTicks<int>(0, boom));
        LoopTask waiter = null!;
        _loop.Start(Do(() => waiter = _loop.Start(AwaitPlain(failing))));
        Tick(3);
        Assert.That(waiter.IsFaulted, Is.True);
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
    }

    [Test]
    public void CancelledTask_IsNotAFailure_NothingReported_R23()
    {
        LoopTask task = _loop.Start(ReturnAfterTicks(5, 1));
        Tick();
        task.Cancel();
        Tick(3);
        var source = new FutureSource(_loop);
        source.SetCanceled();
        Tick(2);
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void ManyUnobservedFailures_EachReportedOnce_InTheirTick_R23()
    {
        var boom1 = new InvalidOperationException("1");
        var boom2 = new InvalidOperationException("2");
        var boom3 = new InvalidOperationException("3");
        _loop.Start(ThrowAfterTicks<int>(0, boom1));
        _loop.Start(ThrowAfterTicks<int>(0, boom2));
        _loop.Start(ThrowAfterTicks<int>(1, boom3));
        Tick();
        Assert.That(_unhandled, Is.EquivalentTo(new Exception[] { boom1, boom2 }));
        Tick();
        Assert.That(_unhandled, Is.EquivalentTo(new Exception[] { boom1, boom2, boom3 }));
        Tick(3);
        Assert.That(_unhandled, Has.Count.EqualTo(3));
    }

    [Test]
    public void FailureDuringClose_ReportedBeforeCloseReturns_R23()
    {
        var boom = new InvalidOperationException("finally during close");
        _loop.Start(FinallyThrows(boom));
        Tick();
        Assert.That(_unhandled, Is.Empty);
        _loop.Close();
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
    }

    [Test]
    public void FutureFaultedDuringClose_ReportedBeforeCloseReturns_R23()
    {
        var source = new FutureSource(_loop);
        var boom = new InvalidOperationException("future faulted in close");
        _loop.Start(FinallyDoes(() => source.SetException(boom)));
        Tick();
        _loop.Close();
        Assert.That(_unhandled, Is.EqualTo(new Exception[] { boom }));
    }

    private static IEnumerator<IAwaitable> FinallyThrows(Exception boom)
    {
        try
        {
            yield return Co.Sleep(1000);
        }
        finally
        {
            Fail(boom);
        }
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
    // R24: inline children
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void CallT_GivesTheChildResult_InTheSameStep_R24()
    {
        var ticks = new List<long>();
        LoopTask<int> task = _loop.Start<int>(ParentOfTyped(ticks));
        Tick();
        Assert.That(task.IsSucceeded, Is.True, "the child did not yield anything else, so the whole thing ran in one step");
        Assert.That(task.Result, Is.EqualTo(43));
        Assert.That(ticks, Has.Count.EqualTo(2));
        Assert.That(ticks[1], Is.EqualTo(ticks[0]));
    }

    private IEnumerator<IAwaitable> ParentOfTyped(List<long> ticks)
    {
        ticks.Add(_loop.TickCount);
        Call<int> call = Co.Call<int>(ChildReturns(42));
        yield return call;
        ticks.Add(_loop.TickCount);
        yield return Co.Return(call.Result + 1);
    }

    private static IEnumerator<IAwaitable> ChildReturns(int v)
    {
        yield return Co.Return(v);
    }

    [Test]
    public void ChildThatWaits_ParentResumesWhenChildEnds_SameStep_R24()
    {
        var log = new List<string>();
        LoopTask<string> task = _loop.Start<string>(ParentLogs(log));
        Tick();
        Assert.That(log, Is.EqualTo(new[] { "parent-start", "child-start" }));
        Tick();
        Assert.That(log, Is.EqualTo(new[] { "parent-start", "child-start", "child-end", "parent-end:done" }));
        Assert.That(task.Result, Is.EqualTo("done!"));
    }

    private static IEnumerator<IAwaitable> ParentLogs(List<string> log)
    {
        log.Add("parent-start");
        Call<string> call = Co.Call<string>(ChildLogs(log));
        yield return call;
        log.Add("parent-end:" + call.Result);
        yield return Co.Return(call.Result + "!");
    }

    private static IEnumerator<IAwaitable> ChildLogs(List<string> log)
    {
        log.Add("child-start");
        yield return Co.NextTick;
        log.Add("child-end");
        yield return Co.Return("done");
    }

    [Test]
    public void CoReturn_RunsPendingFinallyOfTheChild_R24()
    {
        var log = new List<string>();
        LoopTask<int> task = _loop.Start<int>(ParentOfFinallyChild(log));
        Tick(3);
        Assert.That(task.Result, Is.EqualTo(8));
        Assert.That(log, Is.EqualTo(new[] { "child-finally", "parent-after" }));
    }

    private static IEnumerator<IAwaitable> ParentOfFinallyChild(List<string> log)
    {
        Call<int> call = Co.Call<int>(ChildWithFinallyReturns(log));
        yield return call;
        log.Add("parent-after");
        yield return Co.Return(call.Result * 2);
    }

    private static IEnumerator<IAwaitable> ChildWithFinallyReturns(List<string> log)
    {
        try
        {
            yield return Co.NextTick;
            yield return Co.Return(4);
            log.Add("after-return-should-not-run");
        }
        finally
        {
            log.Add("child-finally");
        }
    }

    [Test]
    public void CoReturnInTask_RunsPendingFinally_AndStops_R24()
    {
        var log = new List<string>();
        LoopTask<int> task = _loop.Start<int>(ReturnInsideTry(log));
        Tick(3);
        Assert.That(task.Result, Is.EqualTo(5));
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
    }

    private static IEnumerator<IAwaitable> ReturnInsideTry(List<string> log)
    {
        try
        {
            yield return Co.Return(5);
            log.Add("after-return");
        }
        finally
        {
            log.Add("finally");
        }
    }

    [Test]
    public void UntypedCall_OfChildThatReturnsAValue_IsAllowed_R24()
    {
        // The caller "ignores any result" with Co.Call (Call.cs); the child's Co.Return ends it.
        var log = new List<string>();
        LoopTask task = _loop.Start(CallIgnoringResult(log));
        Tick(2);
        Assert.That(task.IsSucceeded, Is.True, task.Exception?.ToString());
        Assert.That(log, Is.EqualTo(new[] { "after" }));
    }

    private static IEnumerator<IAwaitable> CallIgnoringResult(List<string> log)
    {
        yield return Co.Call(ChildReturns(3));
        log.Add("after");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R25: the trampoline
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void HundredThousandNestedChildren_RunAndUnwind_WithFinally_R25()
    {
        const int depth = 100_000;
        int finallies = 0;
        LoopTask<int> task = _loop.Start<int>(Nest(depth, () => finallies++));
        Tick(3);
        Assert.That(task.IsSucceeded, Is.True, task.Exception?.ToString());
        Assert.That(task.Result, Is.EqualTo(depth));
        Assert.That(finallies, Is.EqualTo(depth + 1));
    }

    private static IEnumerator<IAwaitable> Nest(int depth, Action onFinally)
    {
        try
        {
            if (depth == 0)
            {
                yield return Co.NextTick;
                yield return Co.Return(0);
            }
            else
            {
                Call<int> call = Co.Call<int>(Nest(depth - 1, onFinally));
                yield return call;
                yield return Co.Return(call.Result + 1);
            }
        }
        finally
        {
            onFinally();
        }
    }

    [Test]
    public void HundredThousandNestedChildren_Throw_UnwindsWithoutOverflow_R25()
    {
        const int depth = 100_000;
        int finallies = 0;
        var boom = new InvalidOperationException("deep throw");
        LoopTask task = _loop.Start(NestThrow(depth, boom, () => finallies++));
        Tick(3);
        Assert.That(task.Exception, Is.SameAs(boom));
        Assert.That(finallies, Is.EqualTo(depth + 1));
    }

    private static IEnumerator<IAwaitable> NestThrow(int depth, Exception boom, Action onFinally)
    {
        try
        {
            if (depth == 0)
            {
                yield return Co.NextTick;
                throw boom;
            }

            yield return Co.Call(NestThrow(depth - 1, boom, onFinally));
        }
        finally
        {
            onFinally();
        }
    }

    [Test]
    public void HundredThousandNestedChildren_Cancelled_UnwindsWithoutOverflow_R25()
    {
        const int depth = 100_000;
        var order = new List<int>();
        LoopTask task = _loop.Start(NestSleepLog(depth, order));
        Tick();
        task.Cancel();
        Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(order, Has.Count.EqualTo(depth + 1));
        Assert.That(order[0], Is.Zero, "innermost first");
        Assert.That(order[depth], Is.EqualTo(depth));
    }

    private static IEnumerator<IAwaitable> NestSleepLog(int depth, List<int> order)
    {
        try
        {
            if (depth == 0)
            {
                yield return Co.Sleep(1000);
            }
            else
            {
                yield return Co.Call(NestSleepLog(depth - 1, order));
            }
        }
        finally
        {
            order.Add(depth);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // R27 and typed-result mismatches
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void StartingTheSameIteratorTwice_Throws_R27()
    {
        IEnumerator<IAwaitable> co = ReturnAfterTicks(1, 1);
        _loop.Start(co);
        Assert.Throws<InvalidOperationException>(() => StartAgain(co));
    }

    private void StartAgain(IEnumerator<IAwaitable> co) => _loop.Start(co);

    [Test]
    public void StartingAFinishedIterator_Throws_R27()
    {
        IEnumerator<IAwaitable> co = ReturnAfterTicks(0, 1);
        LoopTask<int> first = _loop.Start<int>(co);
        Tick(2);
        Assert.That(first.IsSucceeded, Is.True);
        Assert.Throws<InvalidOperationException>(() => StartAgain(co));
    }

    [Test]
    public void StartingAnIteratorAdvancedByHand_Throws_R27()
    {
        IEnumerator<IAwaitable> co = ReturnAfterTicks(3, 1);
        co.MoveNext();
        Assert.Throws<InvalidOperationException>(() => _loop.Start(co));
    }

    [Test]
    public void YieldingInlineAnIteratorThatRan_FaultsTheTask_R27()
    {
        IEnumerator<IAwaitable> shared = ReturnAfterTicks(0, 1);
        LoopTask first = _loop.Start(CallIt(shared));
        Tick(2);
        Assert.That(first.IsSucceeded, Is.True, first.Exception?.ToString());
        LoopTask second = _loop.Start(CallIt(shared));
        Tick(2);
        Assert.That(second.IsFaulted, Is.True);
        Assert.That(second.Exception, Is.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public void YieldingInlineAnIteratorThatIsRunningAsATask_FaultsTheTask_R27()
    {
        IEnumerator<IAwaitable> shared = ReturnAfterTicks(5, 1);
        LoopTask running = _loop.Start(shared);
        Tick();
        LoopTask second = _loop.Start(CallIt(shared));
        Tick(2);
        Assert.That(second.IsFaulted, Is.True);
        Assert.That(second.Exception, Is.InstanceOf<InvalidOperationException>());
        Assert.That(running.IsCompleted, Is.False);
    }

    [Test]
    public void StartingAnIteratorThatRanInline_Throws_R27()
    {
        IEnumerator<IAwaitable> shared = ReturnAfterTicks(0, 1);
        LoopTask first = _loop.Start(CallIt(shared));
        Tick(2);
        Assert.That(first.IsSucceeded, Is.True);
        Assert.Throws<InvalidOperationException>(() => StartAgain(shared));
    }

    private static IEnumerator<IAwaitable> CallIt(IEnumerator<IAwaitable> child)
    {
        yield return Co.Call(child);
    }

    [Test]
    public void StartNull_ThrowsArgumentNull_R27()
    {
        Assert.Throws<ArgumentNullException>(() => _loop.Start(null!));
        Assert.Throws<ArgumentNullException>(() => _loop.Start<int>(null!));
    }

    [Test]
    public void TypedTask_EndingWithoutReturn_FaultsWithInvalidOperation()
    {
        LoopTask<int> task = _loop.Start<int>(Empty());
        Tick(2);
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public void TypedTask_ReturnOfAnotherType_FaultsWithInvalidOperation()
    {
        LoopTask<int> task = _loop.Start<int>(ReturnString("not an int"));
        Tick(3);
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public void TypedCall_ChildEndingWithoutReturn_FaultsTheCaller()
    {
        bool after = false;
        LoopTask task = _loop.Start(TypedCallOf(Empty(), () => after = true));
        Tick(3);
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.InstanceOf<InvalidOperationException>());
        Assert.That(after, Is.False);
    }

    [Test]
    public void TypedCall_ReturnOfAnotherType_FaultsTheCaller()
    {
        bool after = false;
        LoopTask task = _loop.Start(TypedCallOf(ReturnString("str"), () => after = true));
        Tick(3);
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.InstanceOf<InvalidOperationException>());
        Assert.That(after, Is.False);
    }

    private static IEnumerator<IAwaitable> TypedCallOf(IEnumerator<IAwaitable> child, Action after)
    {
        Call<int> call = Co.Call<int>(child);
        yield return call;
        after();
    }

    [Test]
    public void TypedCall_ResultBeforeYield_Throws()
    {
        Call<int> call = Co.Call<int>(ChildReturns(1));
        Assert.Throws<InvalidOperationException>(() => _ = call.Result);
        // Yield it so it is not left unyielded.
        LoopTask task = _loop.Start(CallObject(call));
        Tick();
        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(call.Result, Is.EqualTo(1));
    }

    private static IEnumerator<IAwaitable> CallObject(IAwaitable call)
    {
        yield return call;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // More shapes
    // ---------------------------------------------------------------------------------------------------------------

    [Test]
    public void SameDelegateAddedTwice_RemovedOnce_RunsOnce_R17()
    {
        var source = new FutureSource(_loop);
        int calls = 0;
        Action<Future> cb = _ => calls++;
        source.Future.AddCallback(cb);
        source.Future.AddCallback(cb);
        Assert.That(source.Future.RemoveCallback(cb), Is.True);
        source.SetResult();
        Tick(2);
        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public void HandlerThatThrowsDuringClose_NothingEscapesClose_R18()
    {
        _loop.UnhandledExceptionHandler = _ => throw new InvalidOperationException("handler boom");
        _loop.Start(FinallyThrows(new InvalidOperationException("finally during close")));
        Tick();
        Assert.DoesNotThrow(() => _loop.Close());
        Assert.That(_loop.IsClosed, Is.True);
    }

    [Test]
    public void ShieldOfCompletedFuture_ContinuesInTheSameStep_R19()
    {
        var source = new FutureSource<int>(_loop);
        source.SetResult(2);
        var ticks = new List<long>();
        LoopTask task = _loop.Start(YieldShieldOf(source.Future, ticks));
        Tick();
        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(ticks, Has.Count.EqualTo(2));
        Assert.That(ticks[1], Is.EqualTo(ticks[0]));
    }

    private IEnumerator<IAwaitable> YieldShieldOf(Future f, List<long> ticks)
    {
        ticks.Add(_loop.TickCount);
        yield return Co.Shield(f);
        ticks.Add(_loop.TickCount);
    }

    [Test]
    public void ChildYieldingCompletedFutures_AllInOneStep_R19()
    {
        var source = new FutureSource<int>(_loop);
        source.SetResult(3);
        LoopTask<int> task = _loop.Start<int>(SumThroughChildren(source.Future, 1000));
        Tick();
        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(task.Result, Is.EqualTo(3000));
    }

    private static IEnumerator<IAwaitable> SumThroughChildren(Future<int> f, int n)
    {
        int sum = 0;
        for (int i = 0; i < n; i++)
        {
            Call<int> call = Co.Call<int>(ReadCompleted(f));
            yield return call;
            sum += call.Result;
        }

        yield return Co.Return(sum);
    }

    private static IEnumerator<IAwaitable> ReadCompleted(Future<int> f)
    {
        yield return f;
        yield return Co.Return(f.Result);
    }

    [Test]
    public void YieldingTheSameCallObjectTwice_FaultsTheTask_R27()
    {
        bool after = false;
        LoopTask task = _loop.Start(YieldCallTwice(() => after = true));
        Tick(3);
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.InstanceOf<InvalidOperationException>());
        Assert.That(after, Is.False);
    }

    private static IEnumerator<IAwaitable> YieldCallTwice(Action after)
    {
        Call<int> call = Co.Call<int>(ChildReturns(1));
        yield return call;
        yield return call;
        after();
    }

    [Test]
    public void TaskAwaitingFaultedTaskInsideInlineChild_SameObject_FinallyBlocksRun_R22()
    {
        var boom = new InvalidOperationException("through child wait");
        var log = new List<string>();
        LoopTask failing = _loop.Start(ThrowAfterTicks<int>(2, boom));
        LoopTask task = _loop.Start(NestedWaitWithFinally(failing, log));
        Tick(5);
        Assert.That(task.Exception, Is.SameAs(boom));
        Assert.That(log, Is.EqualTo(new[] { "inner", "outer" }));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers
    // ---------------------------------------------------------------------------------------------------------------

    private static IEnumerator<IAwaitable> ReturnAfterTicks(int ticks, int value)
    {
        for (int i = 0; i < ticks; i++)
        {
            yield return Co.NextTick;
        }

        yield return Co.Return(value);
    }

    private static IEnumerator<IAwaitable> ThrowAfterTicks<T>(int ticks, Exception boom)
    {
        for (int i = 0; i < ticks; i++)
        {
            yield return Co.NextTick;
        }

        throw boom;
    }

    private static void Fail(Exception e) => throw e;

    private static IEnumerator<IAwaitable> Do(Action action)
    {
        action();
        yield break;
    }

    private static IEnumerator<IAwaitable> Empty()
    {
        yield break;
    }

    private static IEnumerator<IAwaitable> Forever(Action each)
    {
        while (true)
        {
            each();
            yield return Co.NextTick;
        }
    }
}
