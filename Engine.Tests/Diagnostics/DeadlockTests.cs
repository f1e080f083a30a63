using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;

namespace YieldLoop.Tests.Diagnostics;

/// <summary>The deadlock report (issue 7, item 4): a loop where tasks wait and nothing inside it can wake them.</summary>
[TestFixture]
public class DeadlockTests
{
    private const string Here = "YieldLoop.Tests.Diagnostics.DeadlockTests.";

    /// <summary>Takes <paramref name="first"/>, lets the others run a tick, then takes <paramref name="second"/>.</summary>
    private static IEnumerator<IAwaitable> TakeBoth(CoLock first, CoLock second)
    {
        yield return first.Acquire();
        try
        {
            yield return Co.NextTick;
            yield return second.Acquire();
            second.Release();
        }
        finally
        {
            first.Release();
        }
    }

    private static IEnumerator<IAwaitable> WaitOn(Future future)
    {
        yield return future;
    }

    private static IEnumerator<IAwaitable> Nap(double seconds)
    {
        yield return Co.Sleep(seconds);
    }

    private static IEnumerator<IAwaitable> TakeTwice(CoLock lck)
    {
        yield return lck.Acquire();
        yield return lck.Acquire();   // a lock has no owner identity: this waits for itself
    }

    private static EventLoop ClassicLockCycle(out CoLock l1, out CoLock l2)
    {
        var loop = new EventLoop(new ManualClock(), "main");
        l1 = new CoLock(loop);
        l2 = new CoLock(loop);
        loop.Start(TakeBoth(l1, l2), "A");
        loop.Start(TakeBoth(l2, l1), "B");
        loop.Tick();   // A takes L1, B takes L2
        loop.Tick();   // A waits for L2, B waits for L1
        return loop;
    }

    [Test]
    public void TheClassicTwoLockCycle_IsReported_WithItsCycleNamed()
    {
        EventLoop loop = ClassicLockCycle(out _, out _);

        DeadlockReport? report = loop.Diagnostics.FindDeadlock();

        Assert.That(report, Is.Not.Null);
        Assert.That(report!.LoopName, Is.EqualTo("main"));
        Assert.That(report.Cycles, Has.Count.EqualTo(1));
        Assert.That(report.Cycles[0], Is.EqualTo(new[] { "A", "B" }));
        Assert.That(report.Tasks, Has.Count.EqualTo(2));
        Assert.That(report.Tasks[0].WaitsOn, Is.EqualTo("lock held by task 'B'"));
        Assert.That(report.ToString(), Is.EqualTo(
            "Deadlock on loop 'main': 2 tasks wait and nothing can wake them.\n" +
            "- #1 'A' waiting on lock held by task 'B' | " + Here + "TakeBoth\n" +
            "  - #2 'B' waiting on lock held by task 'A' | " + Here + "TakeBoth\n" +
            "    - #1 'A' (see above)\n" +
            "Cycle: 'A' -> lock held by 'B' -> 'B' -> lock held by 'A' -> 'A'"));
        loop.Close();
    }

    [Test]
    public void ATaskWaitingForALockItHolds_IsACycleOfOne()
    {
        var loop = new EventLoop(new ManualClock(), "self");
        var lck = new CoLock(loop);
        loop.Start(TakeTwice(lck), "greedy");
        loop.Tick();

        DeadlockReport report = loop.Diagnostics.FindDeadlock()!;

        Assert.That(report.Cycles, Has.Count.EqualTo(1));
        Assert.That(report.Cycles[0], Is.EqualTo(new[] { "greedy" }));
        Assert.That(report.ToString(), Does.EndWith("\nCycle: 'greedy' -> lock held by 'greedy' -> 'greedy'"));
        loop.Close();
    }

    [Test]
    public void ATaskOnAFutureThatNothingCompletes_IsStuck_WithoutACycle()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        var never = new FutureSource(loop);
        LoopTask leaf = loop.Start(WaitOn(never.Future), "leaf");
        loop.Start(WaitOn(leaf), "root");
        loop.Tick();

        DeadlockReport? report = loop.Diagnostics.FindDeadlock();

        Assert.That(report, Is.Not.Null);
        Assert.That(report!.Cycles, Is.Empty);
        Assert.That(report.ToString(), Is.EqualTo(
            "Deadlock on loop 'main': 2 tasks wait and nothing can wake them.\n" +
            "- #2 'root' waiting on task 'leaf' | " + Here + "WaitOn\n" +
            "  - #1 'leaf' waiting on future (completed by: unknown) | " + Here + "WaitOn\n" +
            "No cycle: the innermost waits have nobody in the loop to complete them."));
        loop.Close();
    }

    [Test]
    public void ALoopWithAPendingTimerOrReadyWork_IsNotStuck()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        var never = new FutureSource(loop);
        loop.Start(WaitOn(never.Future), "waiter");
        Assert.That(loop.Diagnostics.FindDeadlock(), Is.Null, "the waiter has not run yet: work is ready");

        loop.Start(Nap(5), "sleeper");
        loop.Tick();
        Assert.That(loop.HasReadyWork, Is.False);
        Assert.That(loop.Diagnostics.FindDeadlock(), Is.Null, "the sleeper's timer will fire and may complete the future");
        loop.Close();
    }

    [Test]
    public void AnEmptyLoop_IsNotStuck()
    {
        var loop = new EventLoop(new ManualClock(), "idle");
        Assert.That(loop.Diagnostics.FindDeadlock(), Is.Null);
        loop.Close();
    }

    [Test]
    public void APausedGameClockHoldingTheOnlyTimer_IsStuck()
    {
        var loop = new EventLoop(new ManualClock(), "game");
        var world = new GameClock(loop, "world");
        world.Start(Nap(5), "sleeper");
        loop.Tick();
        Assert.That(loop.Diagnostics.FindDeadlock(), Is.Null, "the clock runs: its timer will fire");

        world.Pause();
        DeadlockReport? report = loop.Diagnostics.FindDeadlock();

        Assert.That(loop.NextWakeTime, Is.Null);
        Assert.That(report, Is.Not.Null);
        Assert.That(report!.Tasks[0].State, Is.EqualTo(TaskActivity.Sleeping));
        Assert.That(report.Tasks[0].WaitsOn, Is.EqualTo("timer on clock 'world' at 00:00:05.000 (clock paused with 5.000 s left)"));
        loop.Close();
    }

    [Test]
    public void WorkOffloadedToTheThreadPool_WillWakeTheLoop_SoItIsNotStuck()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        using var release = new ManualResetEventSlim(false);
        IEnumerator<IAwaitable> Crunch()
        {
            yield return Co.Offload(() => release.Wait(HangGuard.Limit));
        }

        LoopTask task = loop.Start(Crunch(), "crunch");
        try
        {
            loop.Tick();
            Assert.That(loop.Diagnostics.FindDeadlock(), Is.Null);
            Assert.That(loop.Diagnostics.Snapshot().Tasks[0].WaitsOn, Is.EqualTo("future (completed by: work outside the loop)"));
        }
        finally
        {
            release.Set();   // also when an assertion failed: never leave a pool thread blocked for the tests after this one
        }

        loop.RunUntilComplete(task);
        loop.Close();
    }

    [Test]
    public void AStuckRunUntilComplete_ReportsTheDeadlockOnceToTheHandler_InDebugMode()
    {
        EventLoop loop = ClassicLockCycle(out _, out _);
        var never = new FutureSource(loop);
        var reports = new List<Exception>();
        loop.UnhandledExceptionHandler = ex =>
        {
            reports.Add(ex);
            loop.Stop();   // the run would otherwise wait forever for a hand-over
        };
        loop.Diagnostics.DebugMode = true;
        try
        {
            Assert.That(loop.TryRunUntilComplete(never.Future), Is.False, "stopped by the handler");
        }
        finally
        {
            loop.Diagnostics.DebugMode = false;
        }

        Assert.That(reports, Has.Count.EqualTo(1));
        var deadlock = reports[0] as DeadlockException;
        Assert.That(deadlock, Is.Not.Null);
        Assert.That(deadlock, Is.InstanceOf<InvalidOperationException>());
        Assert.That(deadlock!.Report.Cycles[0], Is.EqualTo(new[] { "A", "B" }));
        Assert.That(deadlock.Message, Is.EqualTo(deadlock.Report.ToString()));
        loop.Close();
    }

    [Test]
    public void AStuckEpisode_IsReportedOnce_AndAChangedOneAgain()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        var reports = new List<Exception>();
        loop.UnhandledExceptionHandler = reports.Add;
        var never = new FutureSource(loop);
        loop.Start(WaitOn(never.Future), "first");
        loop.Tick();

        loop.Diagnostics.ReportDeadlockOnce();
        loop.Diagnostics.ReportDeadlockOnce();
        Assert.That(reports, Has.Count.EqualTo(1), "the same picture: reported once");

        loop.Start(WaitOn(never.Future), "second");
        loop.Tick();
        loop.Diagnostics.ReportDeadlockOnce();
        Assert.That(reports, Has.Count.EqualTo(2), "another task got stuck: a new episode");
        Assert.That(((DeadlockException)reports[1]).Report.Tasks, Has.Count.EqualTo(2));
        loop.Close();
    }
}
