using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using static YieldLoop.Tests.Interop.InteropSupport;

namespace YieldLoop.Tests.Interop;

/// <summary>EventLoopSynchronizationContext: async methods continue on the loop thread, FIFO with the loop's work.</summary>
[NonParallelizable]
public class SynchronizationContextTests
{
    private SynchronizationContext? _before;

    [SetUp]
    public void Remember() => _before = SynchronizationContext.Current;

    [TearDown]
    public void Restore() => SynchronizationContext.SetSynchronizationContext(_before);

    [Test]
    public void Install_SetsTheLoopsContext_AndDisposeRestoresThePreviousOne()
    {
        var t = new TestLoop();
        var previous = new SynchronizationContext();
        SynchronizationContext.SetSynchronizationContext(previous);

        IDisposable installed = t.Loop.InstallSynchronizationContext();

        Assert.That(SynchronizationContext.Current, Is.TypeOf<EventLoopSynchronizationContext>());
        Assert.That(((EventLoopSynchronizationContext)SynchronizationContext.Current!).Loop, Is.SameAs(t.Loop));
        installed.Dispose();
        Assert.That(SynchronizationContext.Current, Is.SameAs(previous));
        installed.Dispose();
        Assert.That(SynchronizationContext.Current, Is.SameAs(previous), "disposing twice does nothing");
    }

    [Test]
    public void Install_FromAnotherThread_Throws_R50()
    {
        var t = new TestLoop();
        Assert.That(OnOtherThread(() => t.Loop.InstallSynchronizationContext()), Is.TypeOf<InvalidOperationException>());
    }

    [Test]
    public void PostFromTheLoopThread_RunsInTheNextTick_InFifoOrderWithCallSoon()
    {
        var t = new TestLoop();
        var context = new EventLoopSynchronizationContext(t.Loop);
        var order = new List<string>();
        t.Loop.CallSoon(() =>
        {
            t.Loop.CallSoon(() => order.Add("A"));
            context.Post(_ => order.Add("B"), null);
            t.Loop.CallSoon(() => order.Add("C"));
        });

        t.Tick();
        Assert.That(order, Is.Empty, "never inline");
        t.Tick();

        Assert.That(order, Is.EqualTo(new[] { "A", "B", "C" }));
    }

    [Test]
    public void AsyncMethodCalledFromACoroutine_ContinuesOnTheLoopThread_AfterAwaitingAThreadPoolTask()
    {
        var loop = new EventLoop(new ManualClock(), "async");
        using IDisposable installed = loop.InstallSynchronizationContext();
        int loopThread = Environment.CurrentManagedThreadId;
        var threads = new List<int>();
        Task? running = null;

        LoopTask task = loop.Start(Coroutine());
        RunBounded(loop, task);

        Assert.That(running!.IsCompletedSuccessfully, Is.True);
        Assert.That(threads, Is.EqualTo(new[] { loopThread, loopThread }));

        IEnumerator<IAwaitable> Coroutine()
        {
            running = WorkAsync();
            yield return Co.Await(running);
        }

        async Task WorkAsync()
        {
            threads.Add(Environment.CurrentManagedThreadId);
            await Task.Run(() => { });
            threads.Add(Environment.CurrentManagedThreadId);   // back on the loop thread
        }
    }

    [Test]
    public void AsyncMethodAwaitingAFuture_ContinuesOnTheLoopThreadInALaterTick()
    {
        var t = new TestLoop();
        using IDisposable installed = t.Loop.InstallSynchronizationContext();
        var source = new FutureSource<int>(t.Loop);
        var seen = new List<(int Thread, long Tick, int Value)>();
        long completedIn = -1;

        t.Loop.CallSoon(() => _ = WorkAsync());
        t.Tick();
        t.Loop.CallSoon(() =>
        {
            source.SetResult(8);
            completedIn = t.Loop.TickCount;
            Assert.That(seen, Is.Empty, "not inline inside the completion");
        });
        t.Tick(3);

        Assert.That(seen, Has.Count.EqualTo(1));
        Assert.That(seen[0].Thread, Is.EqualTo(Environment.CurrentManagedThreadId));
        Assert.That(seen[0].Tick, Is.GreaterThan(completedIn));
        Assert.That(seen[0].Value, Is.EqualTo(8));

        async Task WorkAsync()
        {
            int value = await source.Future.AsTask();
            seen.Add((Environment.CurrentManagedThreadId, t.Loop.TickCount, value));
        }
    }

    [Test]
    public void PostFromAnotherThread_GoesThroughTheInbox_AndWakesTheLoop()
    {
        var loop = new EventLoop(new ManualClock(), "inbox");
        var context = new EventLoopSynchronizationContext(loop);
        var done = new FutureSource(loop);
        int ranOn = -1;
        loop.CallSoon(() => new Thread(() => context.Post(_ =>
        {
            ranOn = Environment.CurrentManagedThreadId;
            done.SetResult();
        }, null)).Start());

        RunBounded(loop, done.Future);

        Assert.That(ranOn, Is.EqualTo(Environment.CurrentManagedThreadId));
    }

    [Test]
    public void Send_OnTheLoopThreadRunsInline_FromAnotherThreadThrows()
    {
        var t = new TestLoop();
        var context = new EventLoopSynchronizationContext(t.Loop);
        bool ran = false;

        context.Send(_ => ran = true, null);
        Exception? thrown = OnOtherThread(() => context.Send(_ => { }, null));

        Assert.That(ran, Is.True);
        Assert.That(thrown, Is.TypeOf<InvalidOperationException>());
        Assert.That(thrown!.Message, Does.Contain("Send runs callbacks inline on the loop's thread only and never blocks another thread; use Post instead."));
    }

    [Test]
    public void AsyncVoidFailure_GoesToTheUnhandledExceptionHandler_R18()
    {
        var t = new TestLoop();
        using IDisposable installed = t.Loop.InstallSynchronizationContext();
        var failure = new InvalidOperationException("async void");

        t.Loop.CallSoon(FireAndForget);
        t.Tick(3);

        Assert.That(t.Unhandled, Is.EqualTo(new[] { failure }));

        async void FireAndForget()
        {
            await Task.Yield();
            throw failure;
        }
    }

    [Test]
    public void PostAfterClose_RunsOnTheThreadPool_NotLost()
    {
        var t = new TestLoop();
        var context = new EventLoopSynchronizationContext(t.Loop);
        t.Loop.Close();
        var ranOn = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        context.Post(_ => ranOn.SetResult(Environment.CurrentManagedThreadId), null);

        Assert.That(Within(ranOn.Task), Is.Not.EqualTo(Environment.CurrentManagedThreadId));
    }

    [Test]
    public void AsyncContinuationPostedFromTheLoopThreadBeforeClose_RunsWhenTheLoopCloses_R51()
    {
        var t = new TestLoop();
        using IDisposable installed = t.Loop.InstallSynchronizationContext();
        var log = new List<string>();

        Task work = WorkAsync();   // runs to its await on the loop thread, which posts the continuation to the loop
        Assert.That(log, Is.EqualTo(new[] { "before" }));
        t.Loop.Close();

        Assert.That(log, Is.EqualTo(new[] { "before", "after", "finally" }), "Close ran the accepted post, as a tick would have");
        Assert.That(work.IsCompletedSuccessfully, Is.True, "the async method is not left hanging");
        Assert.That(t.Unhandled, Is.Empty);

        async Task WorkAsync()
        {
            try
            {
                log.Add("before");
                await Task.Yield();
                log.Add("after");
            }
            finally
            {
                log.Add("finally");
            }
        }
    }

    [Test]
    public void PostAfterClose_ThatThrows_GoesToTheUnhandledExceptionHandler_R18()
    {
        var t = new TestLoop();
        var context = new EventLoopSynchronizationContext(t.Loop);
        t.Loop.Close();
        var failure = new InvalidOperationException("continuation failed after close");
        using var reported = new ManualResetEventSlim(false);
        Exception? seen = null;
        t.Loop.UnhandledExceptionHandler = ex =>
        {
            seen = ex;
            reported.Set();
        };

        context.Post(_ => throw failure, null);   // runs on the thread pool: the loop is closed

        Assert.That(reported.Wait(TimeSpan.FromSeconds(30)), Is.True, "the exception reached no handler");
        Assert.That(seen, Is.SameAs(failure));
    }
}
