using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>Typed results, failures and their traces, unobserved failures, inline children and the trampoline (R20-R27).</summary>
public partial class LoopTaskTests
{
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

    [Test]
    public void CoReturn_RunsPendingFinallyOfTheChild_R24()
    {
        var log = new List<string>();
        LoopTask<int> task = _loop.Start<int>(ParentOfFinallyChild(log));
        Tick(3);
        Assert.That(task.Result, Is.EqualTo(8));
        Assert.That(log, Is.EqualTo(new[] { "child-finally", "parent-after" }));
    }

    [Test]
    public void CoReturnInTask_RunsPendingFinally_AndStops_R24()
    {
        var log = new List<string>();
        LoopTask<int> task = _loop.Start<int>(ReturnFiveInsideTry(log));
        Tick(3);
        Assert.That(task.Result, Is.EqualTo(5));
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
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

    private static IEnumerator<IAwaitable> StepsLog(List<string> order, int n)
    {
        for (int i = 0; i < n; i++)
        {
            order.Add($"step{i}");
            yield return Co.NextTick;
        }
    }

    private WeakReference FaultAndDrop()
    {
        var source = new FutureSource(_loop);
        source.SetException(new InvalidOperationException("dropped"));
        return new WeakReference(source.Future);
    }

    private void ObserveAndDrop()
    {
        var source = new FutureSource(_loop);
        source.SetException(new InvalidOperationException("observed then dropped"));
        _ = source.Future.Exception;
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

    private static IEnumerator<IAwaitable> ReturnFiveInsideTry(List<string> log)
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

    private static IEnumerator<IAwaitable> CallIgnoringResult(List<string> log)
    {
        yield return Co.Call(ChildReturns(3));
        log.Add("after");
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

    private void StartAgain(IEnumerator<IAwaitable> co) => _loop.Start(co);

    private static IEnumerator<IAwaitable> TypedCallOf(IEnumerator<IAwaitable> child, Action after)
    {
        Call<int> call = Co.Call<int>(child);
        yield return call;
        after();
    }

    private static IEnumerator<IAwaitable> CallObject(IAwaitable call)
    {
        yield return call;
    }

    private IEnumerator<IAwaitable> YieldShieldOf(Future f, List<long> ticks)
    {
        ticks.Add(_loop.TickCount);
        yield return Co.Shield(f);
        ticks.Add(_loop.TickCount);
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

    private static IEnumerator<IAwaitable> YieldCallTwice(Action after)
    {
        Call<int> call = Co.Call<int>(ChildReturns(1));
        yield return call;
        yield return call;
        after();
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
