using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using static YieldLoop.Tests.Interop.InteropSupport;

namespace YieldLoop.Tests.Interop;

/// <summary>Async code awaits YieldLoop futures and tasks through <c>AsTask()</c> (FutureInteropExtensions).</summary>
[NonParallelizable]
public class FutureAwaitTests
{
    [SetUp]
    public void NoContext() => SynchronizationContext.SetSynchronizationContext(null);

    [Test]
    public void AwaitFuture_WithoutAContext_ContinuesOnThePool_NotInlineInTheCompletion()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        int loopThread = Environment.CurrentManagedThreadId;

        Task<(int Thread, int Value)> awaiting = AwaitAndRecord(source.Future);
        Assert.That(awaiting.IsCompleted, Is.False);
        source.SetResult(5);
        (int thread, int value) = Within(awaiting);

        Assert.That(value, Is.EqualTo(5));
        Assert.That(thread, Is.Not.EqualTo(loopThread), "the continuation never runs inline on the loop thread");
    }

    [Test]
    public void AwaitFuture_FromAnotherThread_RegistersThroughTheInbox()
    {
        var t = new TestLoop();
        var source = new FutureSource<string>(t.Loop);
        using var registered = new ManualResetEventSlim(false);

        Task<string> awaiting = Task.Run(async () =>
        {
            Task<string> inner = AwaitString(source.Future);
            registered.Set();
            return await inner.ConfigureAwait(false);
        });
        Within(registered, "the await registering");
        t.Tick();            // the registration, handed over from the pool thread, is attached
        source.SetResult("hi");

        Assert.That(Within(awaiting), Is.EqualTo("hi"));
    }

    [Test]
    public void AwaitFaultedFuture_ThrowsTheSameObject_AndCancelledThrowsOperationCanceled()
    {
        var t = new TestLoop();
        var faulted = new FutureSource(t.Loop);
        var cancelled = new FutureSource<int>(t.Loop);
        var failure = new InvalidOperationException("x");

        Task first = AwaitPlain(faulted.Future);
        Task<int> second = AwaitInt(cancelled.Future);
        faulted.SetException(failure);
        cancelled.SetCanceled();

        Assert.That(() => first.Wait(Bound), Throws.TypeOf<AggregateException>().With.InnerException.SameAs(failure));
        Assert.That(() => second.Wait(Bound), Throws.TypeOf<AggregateException>().With.InnerException.InstanceOf<OperationCanceledException>());
        t.Tick();
        Assert.That(t.Unhandled, Is.Empty, "an awaited failure is observed (R23)");
    }

    [Test]
    public void AwaitLoopTaskOfT_GivesItsResult()
    {
        var loop = new EventLoop(new ManualClock(), "await-task");
        LoopTask<int> task = loop.Start<int>(Answer());
        Task<int> awaiting = AwaitInt(task);

        loop.RunUntilComplete(task);

        Assert.That(Within(awaiting), Is.EqualTo(42));

        static IEnumerator<IAwaitable> Answer()
        {
            yield return Co.NextTick;
            yield return Co.Return(42);
        }
    }

    [Test]
    public void AwaitCompletedFuture_ContinuesSynchronously()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        source.SetResult(1);

        Task<int> awaiting = AwaitInt(source.Future);

        Assert.That(awaiting.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void AwaitPendingFuture_WhenTheLoopCloses_EndsWithObjectDisposedException()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        Task awaiting = AwaitPlain(source.Future);

        t.Loop.Close();

        Assert.That(() => awaiting.Wait(Bound), Throws.TypeOf<AggregateException>().With.InnerException.TypeOf<ObjectDisposedException>()
            .And.InnerException.Message.Contains("The future can never complete: its event loop 'test-loop' was closed while it was pending."));
    }

    [Test]
    public void AsTask_MirrorsTheOutcome_WithTheSameExceptionAndTaskCanceledException()
    {
        var t = new TestLoop();
        var ok = new FutureSource<int>(t.Loop);
        var bad = new FutureSource(t.Loop);
        var gone = new FutureSource(t.Loop);
        var failure = new InvalidOperationException("y");

        Task<int> okTask = ok.Future.AsTask();
        Task badTask = bad.Future.AsTask();
        Task goneTask = gone.Future.AsTask();
        ok.SetResult(3);
        bad.SetException(failure);
        gone.SetCanceled();

        Assert.That(Within(okTask), Is.EqualTo(3));
        Assert.That(() => badTask.GetAwaiter().GetResult(), Throws.Exception.SameAs(failure));
        Assert.That(() => goneTask.GetAwaiter().GetResult(), Throws.TypeOf<TaskCanceledException>());
    }

    [Test]
    public void AsTask_NeverRunsContinuationsInlineOnTheLoopThread()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var ranOn = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Future.AsTask().ContinueWith(
            _ => ranOn.SetResult(Environment.CurrentManagedThreadId),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        source.SetResult();

        Assert.That(Within(ranOn.Task), Is.Not.EqualTo(Environment.CurrentManagedThreadId));
    }

    [Test]
    public void AsTask_OfALoopTask_FromAnotherThread_Works()
    {
        var loop = new EventLoop(new ManualClock(), "as-task");
        LoopTask<string> task = loop.Start<string>(Named());
        Task<string>? converted = null;
        Assert.That(OnOtherThread(() => converted = task.AsTask()), Is.Null);

        loop.RunUntilComplete(task);
        loop.Tick();   // not needed for the watcher (it is told at once), kept to show no extra work is pending

        Assert.That(Within(converted!), Is.EqualTo("named"));

        static IEnumerator<IAwaitable> Named()
        {
            yield return Co.NextTick;
            yield return Co.Return("named");
        }
    }

    [Test]
    public void AsTask_OfAPendingFuture_WhenTheLoopCloses_FaultsWithObjectDisposedException()
    {
        var t = new TestLoop();
        Task task = new FutureSource(t.Loop).Future.AsTask();

        t.Loop.Close();

        Assert.That(() => task.Wait(Bound), Throws.TypeOf<AggregateException>().With.InnerException.TypeOf<ObjectDisposedException>());
    }

    private static async Task<(int Thread, int Value)> AwaitAndRecord(Future<int> future)
    {
        int value = await future.AsTask();
        return (Environment.CurrentManagedThreadId, value);
    }

    private static async Task AwaitPlain(Future future) => await future.AsTask();

    private static async Task<int> AwaitInt(Future<int> future) => await future.AsTask();

    private static async Task<int> AwaitInt(LoopTask<int> task) => await task.AsTask();

    private static async Task<string> AwaitString(Future<string> future) => await future.AsTask();
}
