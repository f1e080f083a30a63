using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using static YieldLoop.Tests.Interop.InteropSupport;

namespace YieldLoop.Tests.Interop;

/// <summary>Co.Await: a coroutine waits on a Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;.</summary>
public class TaskAwaitTests
{
    [Test]
    public void AwaitTaskOfT_CompletedOnAnotherThread_ResumesOnTheLoopThreadWithTheResult()
    {
        var loop = new EventLoop(new ManualClock(), "await");
        var tcs = new TaskCompletionSource<string>();
        int resumedOn = -1;

        LoopTask<string> task = loop.Start<string>(Work());
        loop.CallSoon(() => new Thread(() => tcs.SetResult("done")).Start());
        RunBounded(loop, task);

        Assert.That(task.Result, Is.EqualTo("done"));
        Assert.That(resumedOn, Is.EqualTo(Environment.CurrentManagedThreadId));

        IEnumerator<IAwaitable> Work()
        {
            Future<string> result = Co.Await(tcs.Task);
            yield return result;
            resumedOn = Environment.CurrentManagedThreadId;
            yield return Co.Return(result.Result);
        }
    }

    [Test]
    public void AwaitFaultedTask_FaultsTheCoroutineWithTheInnerException_SameObject()
    {
        var t = new TestLoop();
        var tcs = new TaskCompletionSource<int>();
        var failure = new InvalidOperationException("inner");
        LoopTask task = t.Loop.Start(Wait(() => Co.Await(tcs.Task)));
        t.Tick();

        Assert.That(OnOtherThread(() => tcs.SetException(failure)), Is.Null);
        RunBounded(t.Loop, task);

        Assert.That(task.Exception, Is.SameAs(failure));
    }

    [Test]
    public void AwaitTaskWithSeveralFailures_KeepsTheAggregateException()
    {
        var t = new TestLoop();
        var tcs = new TaskCompletionSource<int>();
        var failures = new Exception[] { new InvalidOperationException("a"), new FormatException("b") };
        tcs.SetException(failures);

        LoopTask task = t.Loop.Start(Wait(() => Co.Await(tcs.Task)));
        t.Tick();

        Assert.That(task.Exception, Is.TypeOf<AggregateException>());
        Assert.That(((AggregateException)task.Exception!).InnerExceptions, Is.EqualTo(failures));
    }

    [Test]
    public void AwaitCancelledTask_CancelsTheCoroutine()
    {
        var t = new TestLoop();
        var tcs = new TaskCompletionSource();
        LoopTask task = t.Loop.Start(Wait(() => Co.Await(tcs.Task)));
        t.Tick();

        Assert.That(OnOtherThread(() => tcs.SetCanceled()), Is.Null);
        RunBounded(t.Loop, CompletionOf(t.Loop, task));

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void AwaitCompletedTask_GoesOnInTheSameStep_R19()
    {
        var t = new TestLoop();
        var steps = new List<long>();
        t.Loop.Start(Work());

        t.Tick();

        Assert.That(steps, Is.EqualTo(new long[] { 1, 1, 1, 1 }));

        IEnumerator<IAwaitable> Work()
        {
            steps.Add(t.Loop.TickCount);
            yield return Co.Await(Task.CompletedTask);
            steps.Add(t.Loop.TickCount);
            Future<int> value = Co.Await(Task.FromResult(5));
            yield return value;
            steps.Add(t.Loop.TickCount);
            Future<int> fromValueTask = Co.Await(new ValueTask<int>(6));
            yield return fromValueTask;
            yield return Co.Await(default(ValueTask));
            steps.Add(t.Loop.TickCount);
            Assert.That(value.Result + fromValueTask.Result, Is.EqualTo(11));
        }
    }

    [Test]
    public void AwaitPendingValueTasks_CompleteLikeTheirTasks()
    {
        var loop = new EventLoop(new ManualClock(), "valuetask");
        var plain = new TaskCompletionSource();
        var typed = new TaskCompletionSource<int>();
        int seen = 0;

        LoopTask task = loop.Start(Work());
        loop.CallSoon(() => new Thread(() =>
        {
            plain.SetResult();
            typed.SetResult(9);
        }).Start());
        RunBounded(loop, task);

        Assert.That(seen, Is.EqualTo(9));

        IEnumerator<IAwaitable> Work()
        {
            yield return Co.Await(new ValueTask(plain.Task));
            Future<int> value = Co.Await(new ValueTask<int>(typed.Task));
            yield return value;
            seen = value.Result;
        }
    }

    [Test]
    public void TaskCompletedOnTheLoopThread_InsideAStep_CompletesTheFutureAtOnce()
    {
        var t = new TestLoop();
        var tcs = new TaskCompletionSource<int>();
        Future<int>? relayed = null;
        t.Loop.Start(Waiter());
        t.Tick();

        t.Loop.CallSoon(() => tcs.SetResult(3));
        t.Tick();

        Assert.That(relayed!.Result, Is.EqualTo(3));

        IEnumerator<IAwaitable> Waiter()
        {
            relayed = Co.Await(tcs.Task);
            yield return relayed;
        }
    }

    [Test]
    public void AwaitWithAToken_CancellingTheCoroutine_CancelsTheAsyncWork()
    {
        var t = new TestLoop();
        CancellationToken seen = default;
        LoopTask task = t.Loop.Start(Wait(() => Co.Await(async ct =>
        {
            seen = ct;
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            return 1;
        })));
        t.Tick();

        task.Cancel();
        t.Tick();

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(seen.WaitHandle.WaitOne(Bound), Is.True, "the token given to the async work fired");
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void Await_OutsideAStep_Throws_AndNullArgumentsAreRejected()
    {
        Assert.That(() => Co.Await(Task.CompletedTask), Throws.InvalidOperationException.With.Message.StartsWith("Co.Await was called outside a step"));
        Assert.That(() => Co.Await((Task)null!), Throws.ArgumentNullException);
        Assert.That(() => Co.Await((Func<CancellationToken, Task>)null!), Throws.ArgumentNullException);
    }

    [Test]
    public void AwaitWithAStartFunction_ThatReturnsNull_FaultsTheCoroutineWithAMessage()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Wait(() => Co.Await(_ => (Task)null!)));
        t.Tick();

        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(task.Exception!.Message, Does.StartWith("The function passed to Co.Await returned null instead of a task."));
    }

    private static IEnumerator<IAwaitable> Wait(Func<Future> make)
    {
        yield return make();
    }

    /// <summary>A future that succeeds when <paramref name="task"/> completes in any way.</summary>
    private static Future CompletionOf(EventLoop loop, Future task)
    {
        var done = new FutureSource(loop);
        task.AddCallback(_ => done.SetResult());
        return done.Future;
    }

    [Test]
    public void AwaitedTaskThatFailsAfterClose_IsReportedOnTheThreadWhereTheTaskEnded_R23()
    {
        var t = new TestLoop();
        var tcs = new TaskCompletionSource<int>();   // its continuations run where it completes
        var late = new InvalidOperationException("failed after close");
        using var reported = new ManualResetEventSlim(false);
        int reportedOn = -1;
        t.Loop.UnhandledExceptionHandler = ex =>
        {
            reportedOn = Environment.CurrentManagedThreadId;
            t.Unhandled.Add(ex);
            reported.Set();
        };
        t.Loop.Start(Work());
        t.Tick();   // the coroutine waits on the task
        t.Loop.Close();

        var completer = new Thread(() => tcs.SetException(late));
        completer.Start();
        Assert.That(completer.Join(TimeSpan.FromSeconds(30)), Is.True, "the completing thread did not end");
        Assert.That(reported.Wait(TimeSpan.FromSeconds(30)), Is.True, "the failure was dropped");

        Assert.That(t.Unhandled, Is.EqualTo(new[] { late }));
        Assert.That(reportedOn, Is.EqualTo(completer.ManagedThreadId), "on the thread where the task ended");

        IEnumerator<IAwaitable> Work()
        {
            yield return Co.Await(tcs.Task);
        }
    }
}
