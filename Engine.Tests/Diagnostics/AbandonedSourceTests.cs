using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using NUnit.Framework;

namespace YieldLoop.Tests.Diagnostics;

/// <summary>Debug mode: a future whose FutureSource was dropped fails its waiters instead of hanging (issue 7, item 4).</summary>
[TestFixture]
[NonParallelizable]   // forces full garbage collections
public class AbandonedSourceTests
{
    private static IEnumerator<IAwaitable> Await(Future future)
    {
        yield return future;
    }

    // Not inlined, so no local of the caller keeps the source alive (Debug builds extend locals to the method's end).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Future MakeAndDropSource(EventLoop loop) => new FutureSource(loop).Future;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Future<int> MakeAndDropTypedSource(EventLoop loop) => new FutureSource<int>(loop).Future;

    private static void CollectFully()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [Test]
    public void ADroppedSource_FailsTheTasksWaitingOnItsFutureWithAClearError_InDebugMode()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        var reported = new List<Exception>();
        loop.UnhandledExceptionHandler = reported.Add;
        loop.Diagnostics.DebugMode = true;
        Future future = MakeAndDropSource(loop);
        Future<int> typed = MakeAndDropTypedSource(loop);
        LoopTask waiter = loop.Start(Await(future), "waiter");
        LoopTask typedWaiter = loop.Start(Await(typed), "typed-waiter");
        loop.Tick();   // both park
        Assert.That(waiter.IsCompleted, Is.False);

        CollectFully();
        loop.Tick();   // the hand-overs fail the futures
        loop.Tick();   // the waiters resume with the failure

        Assert.That(waiter.IsFaulted, Is.True, "the waiter no longer hangs");
        Assert.That(waiter.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(waiter.Exception!.Message, Does.Contain("can never complete").And.Contain("FutureSource").And.Contain("garbage-collected").And.Contain("outside any step"));
        Assert.That(typedWaiter.IsFaulted, Is.True);
        Assert.That(reported, Has.Count.EqualTo(2), "nobody awaits the two waiters: their failures are reported, not lost");
        loop.Close();
    }

    [Test]
    public void ADroppedSourceWhoseFutureNobodyWaitsOn_IsLeftAlone_AndCompletedSourcesAreNeverTouched()
    {
        var loop = new EventLoop(new ManualClock());
        var reported = new List<Exception>();
        loop.UnhandledExceptionHandler = reported.Add;
        loop.Diagnostics.DebugMode = true;
        Future unwatched = MakeAndDropSource(loop);
        var kept = new FutureSource(loop);
        LoopTask waiter = loop.Start(Await(kept.Future));
        loop.Tick();
        kept.SetResult();

        CollectFully();
        loop.Tick();
        loop.Tick();

        Assert.That(unwatched.IsCompleted, Is.False, "nothing hangs on it, so nothing is failed");
        Assert.That(waiter.IsSucceeded, Is.True);
        Assert.That(reported, Is.Empty);
        GC.KeepAlive(kept);
        loop.Close();
    }

    [Test]
    public void ADroppedSource_LeavesItsWaitersPending_WithoutDebugMode()
    {
        var loop = new EventLoop(new ManualClock());
        Future future = MakeAndDropSource(loop);
        LoopTask waiter = loop.Start(Await(future));
        loop.Tick();
        CollectFully();
        loop.Tick();
        loop.Tick();
        Assert.That(waiter.IsCompleted, Is.False, "the check costs a finalizer per source, so it is a debug-mode feature");
        loop.Close();
    }
}
