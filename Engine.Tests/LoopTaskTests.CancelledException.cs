using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>
/// R21: an <see cref="OperationCanceledException"/> that escapes a coroutine ends its task cancelled, not faulted
/// (asyncio's <c>CancelledError</c>, .NET's <c>async</c> methods, UniTask): its waiters see a cancellation (R22), its
/// <c>finally</c> blocks run as for any cancel, and it is never reported as an unobserved failure (R23).
/// </summary>
public partial class LoopTaskTests
{
    [Test]
    public void ACoroutineThatThrowsOperationCanceledException_EndsCancelled_NotFaulted_R21()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var thrown = new OperationCanceledException("gave up");
        LoopTask task = t.Loop.Start(ThrowAfterATick(thrown, log), "GiveUp");
        t.Tick(2);

        Assert.That(task.State, Is.EqualTo(FutureState.Cancelled));
        Assert.That(task.Exception, Is.Null, "a cancelled task has no exception");
        Assert.That(log, Is.EqualTo(new[] { "body", "finally" }));
        Assert.That(t.Unhandled, Is.Empty, "a cancellation is not an unobserved failure (R23)");
        var read = Assert.Throws<OperationCanceledException>(() => task.GetResult());
        Assert.That(read, Is.SameAs(thrown), "reading the outcome gives back the exception the coroutine threw");
    }

    [Test]
    public void TheThrowIfCancellationRequestedIdiom_EndsTheTaskCancelled_R21()
    {
        var t = new TestLoop();
        using var cts = new CancellationTokenSource();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(WorkUntilCancelled(log, cts.Token));
        t.Tick(3);
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));

        cts.Cancel();
        t.Tick();

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "step", "step", "step", "finally" }));
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void ATaskWaitingOnACoroutineThatThrowsOperationCanceledException_IsCancelledToo_R21_R22()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask inner = t.Loop.Start(ThrowAfterATick(new OperationCanceledException(), log), "inner");
        LoopTask waiter = t.Loop.Start(ParkOn(inner, log), "waiter");
        t.Tick(3);

        Assert.That(inner.IsCancelled, Is.True);
        Assert.That(waiter.IsCancelled, Is.True, "parked on a cancelled task, it is cancelled (R22)");
        Assert.That(log, Is.EqualTo(new[] { "body", "finally", "finally" }));
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void AnOperationCanceledExceptionFromAnInlineChild_UnwindsEveryFrame_AndTheTaskEndsCancelled_R21_R24()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(CallChild(ThrowAfterATick(new System.Threading.Tasks.TaskCanceledException(), log), log));
        t.Tick(2);

        Assert.That(task.IsCancelled, Is.True, "TaskCanceledException is an OperationCanceledException");
        Assert.That(log, Is.EqualTo(new[] { "body", "finally", "parent finally" }));
    }

    [Test]
    public void ATypedTaskWhoseCoroutineThrowsOperationCanceledException_EndsCancelled_AndRunUntilCompleteThrowsIt_R21()
    {
        var t = new TestLoop();
        var thrown = new OperationCanceledException("no answer");
        LoopTask<int> task = t.Loop.Start<int>(ThrowAfterATick(thrown, new List<string>()));

        var ex = Assert.Throws<OperationCanceledException>(() => t.Loop.RunUntilComplete(task));

        Assert.That(ex, Is.SameAs(thrown));
        Assert.That(task.IsCancelled, Is.True);
    }

    [Test]
    public void AFinallyThatThrowsWhileAnOperationCanceledExceptionUnwinds_BecomesTheOutcome_R21_R35()
    {
        var t = new TestLoop();
        var fromFinally = new InvalidOperationException("finally threw");
        LoopTask task = t.Loop.Start(ThrowingFinally(fromFinally, ThrowAfterATick(new OperationCanceledException(), new List<string>())));
        t.Tick(2);

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.SameAs(fromFinally));
    }

    [Test]
    public void OtherExceptions_StillFaultTheTask_R21()
    {
        var t = new TestLoop();
        var boom = new InvalidOperationException("boom");
        LoopTask task = t.Loop.Start(ThrowAfterATick(boom, new List<string>()));
        t.Tick(2);

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.SameAs(boom));
        Assert.That(t.Unhandled, Is.EqualTo(new[] { boom }));
    }

    [Test]
    public void ACoroutineThatThrowsOperationCanceledException_EndsCancelled_InAMonitoredLoopToo_R21()
    {
        var t = new TestLoop();
        t.Loop.Diagnostics.DebugMode = true;   // the tick then runs the monitored slice
        LoopTask task = t.Loop.Start(ThrowAfterATick(new OperationCanceledException(), new List<string>()));
        Assert.That(t.Loop.IsMonitored, Is.True);
        t.Tick(2);
        t.Loop.Close();

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void ACoroutineThatThrowsOperationCanceledException_EndsCancelled_UnderAFrameBudget_R21()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(ThrowAfterATick(new OperationCanceledException(), new List<string>()));
        t.Loop.Tick(TimeSpan.FromSeconds(10));
        t.Loop.Tick(TimeSpan.FromSeconds(10));

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(t.Unhandled, Is.Empty);
    }

    private static IEnumerator<IAwaitable> ThrowAfterATick(Exception exception, List<string> log)
    {
        try
        {
            log.Add("body");
            yield return Co.NextTick;
            throw exception;
        }
        finally
        {
            log.Add("finally");
        }
    }

    private static IEnumerator<IAwaitable> WorkUntilCancelled(List<string> log, CancellationToken token)
    {
        try
        {
            while (true)
            {
                token.ThrowIfCancellationRequested();
                log.Add("step");
                yield return Co.NextTick;
            }
        }
        finally
        {
            log.Add("finally");
        }
    }

    private static IEnumerator<IAwaitable> CallChild(IEnumerator<IAwaitable> child, List<string> log)
    {
        try
        {
            yield return Co.Call(child);
        }
        finally
        {
            log.Add("parent finally");
        }
    }
}
