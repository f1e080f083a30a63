using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>Scopes: owners that pause, resume and cancel their tasks together (issue 4, item 3).</summary>
[TestFixture]
public class ScopeTests
{
    private static IEnumerator<IAwaitable> Counter(List<string> log, string name, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            log.Add($"{name}{i}");
            yield return Co.NextTick;
        }
    }

    private static IEnumerator<IAwaitable> SleepThenLog(EventLoop loop, double seconds, List<string> log, string name)
    {
        yield return Co.Sleep(seconds);
        log.Add($"{name}@{loop.Time.TotalSeconds:0.###}");
    }

    private static IEnumerator<IAwaitable> GuardedForever(List<string> log, string name)
    {
        try
        {
            while (true)
            {
                yield return Co.NextTick;
            }
        }
        finally
        {
            log.Add(name + " finally");
        }
    }

    [Test]
    public void Pause_StopsTheScopesTasksFromStepping_AndResumeLetsThemGoOnInTheNextTick()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var scope = new Scope(t.Loop, "enemies");
        scope.Start(Counter(log, "a", 10));
        t.Loop.Start(Counter(log, "free", 10));
        t.Tick(2);
        Assert.That(log, Is.EqualTo(new[] { "a0", "free0", "a1", "free1" }));

        scope.Pause();
        t.Tick(3);
        Assert.That(log, Is.EqualTo(new[] { "a0", "free0", "a1", "free1", "free2", "free3", "free4" }), "only tasks outside the scope ran");

        scope.Resume();
        Assert.That(log, Has.Count.EqualTo(7), "resuming only queues work (R4)");
        t.Tick();
        Assert.That(log[^2..], Is.EqualTo(new[] { "free5", "a2" }), "the held task steps in the next tick, behind work already queued");
    }

    [Test]
    public void Pause_FreezesASleepWithItsRemainingTime_SoTheSleepLastsItsFullUnpausedLength()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var scope = new Scope(t.Loop);
        scope.Start(SleepThenLog(t.Loop, 5, log, "woke"));
        t.Tick();                        // sleeps from 0 until 5
        t.AdvanceAndTick(2);             // 2 s slept
        scope.Pause();
        Assert.That(t.Loop.PendingTimerCount, Is.Zero, "a frozen timer is out of the wheel");

        t.AdvanceAndTick(100);           // paused time does not count
        Assert.That(log, Is.Empty);

        scope.Resume();                  // at 102: 3 s left
        t.AdvanceAndTick(2.9);
        Assert.That(log, Is.Empty, "never early");
        t.AdvanceAndTick(0.1);
        Assert.That(log, Is.EqualTo(new[] { "woke@105" }));
    }

    [Test]
    public void Pause_KeepsAWakeUpThatArrivesWhilePaused_AndResumeDeliversItInOrder()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var scope = new Scope(t.Loop);
        var first = new FutureSource(t.Loop);
        var second = new FutureSource(t.Loop);
        scope.Start(WaitThenLog(second.Future, log, "second"));
        scope.Start(WaitThenLog(first.Future, log, "first"));
        t.Tick();
        scope.Pause();

        first.SetResult();
        t.Tick();
        second.SetResult();
        t.Tick(3);
        Assert.That(log, Is.Empty, "no step while paused");

        scope.Resume();
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "first", "second" }), "held tasks resume in the order they became ready");
    }

    [Test]
    public void Start_IntoAPausedScope_DoesNotTakeItsFirstStepUntilResume()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var scope = new Scope(t.Loop);
        scope.Pause();
        LoopTask task = scope.Start(Counter(log, "x", 1));
        t.Tick(3);
        Assert.That(log, Is.Empty);
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));

        scope.Resume();
        t.Tick(2);
        Assert.That(log, Is.EqualTo(new[] { "x0" }));
        Assert.That(task.IsSucceeded, Is.True);
    }

    [Test]
    public void Dispose_CancelsEveryTaskOfTheScope_RunsTheirFinallyBlocks_AndLeavesOtherTasksAlone()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var scope = new Scope(t.Loop, "level-1");
        LoopTask a = scope.Start(GuardedForever(log, "a"));
        LoopTask b = scope.Start(SleepThenLog(t.Loop, 60, log, "b"));
        LoopTask outside = t.Loop.Start(GuardedForever(log, "outside"));
        t.Tick();

        scope.Dispose();
        t.Tick();

        Assert.That(a.IsCancelled, Is.True);
        Assert.That(b.IsCancelled, Is.True);
        Assert.That(outside.IsCompleted, Is.False);
        Assert.That(log, Is.EqualTo(new[] { "a finally" }));
        Assert.That(scope.PendingTaskCount, Is.Zero);
        Assert.That(t.Loop.PendingTimerCount, Is.Zero, "the sleeping task's timer left the loop (R12)");
    }

    [Test]
    public void Dispose_OfAPausedScope_StillCancelsItsTasks_BecauseCancellationIsNotPaused()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var scope = new Scope(t.Loop);
        LoopTask a = scope.Start(GuardedForever(log, "a"));
        LoopTask sleeper = scope.Start(SleepThenLog(t.Loop, 5, log, "s"));
        t.Tick();
        scope.Pause();

        scope.Dispose();
        t.Tick();

        Assert.That(a.IsCancelled, Is.True);
        Assert.That(sleeper.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "a finally" }));
    }

    [Test]
    public void Start_AfterDispose_ThrowsObjectDisposedException()
    {
        var t = new TestLoop();
        var scope = new Scope(t.Loop, "menu");
        scope.Dispose();

        var ex = Assert.Throws<ObjectDisposedException>(() => scope.Start(Counter(new List<string>(), "x", 1)));
        Assert.That(ex!.Message, Does.Contain("Scope 'menu' was disposed; its tasks were cancelled."));
    }

    [Test]
    public void CancelAll_CancelsThePendingTasksAndKeepsTheScopeUsable()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var scope = new Scope(t.Loop);
        scope.Start(GuardedForever(log, "a"));
        scope.Start(GuardedForever(log, "b"));
        t.Tick();

        Assert.That(scope.CancelAll(), Is.EqualTo(2));
        t.Tick();
        Assert.That(log, Is.EquivalentTo(new[] { "a finally", "b finally" }));

        LoopTask again = scope.Start(Counter(log, "c", 1));
        t.Tick(2);
        Assert.That(again.IsSucceeded, Is.True);
    }

    [Test]
    public void ATaskThatPausesItsOwnScopeAndThenSleeps_DoesNotSleepWhilePaused()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var scope = new Scope(t.Loop);

        IEnumerator<IAwaitable> PauseSelfThenSleep()
        {
            scope.Pause();
            yield return Co.Sleep(1);
            log.Add($"woke@{t.Loop.Time.TotalSeconds:0.###}");
        }

        scope.Start(PauseSelfThenSleep());
        t.Tick();
        t.AdvanceAndTick(10);
        Assert.That(log, Is.Empty);

        scope.Resume();
        t.AdvanceAndTick(1);
        Assert.That(log, Is.EqualTo(new[] { "woke@11" }));
    }

    [Test]
    public void AnIntervalInAPausedScope_KeepsItsGrid_AndCountsThePausedPeriodsAsSkipped_R11()
    {
        var t = new TestLoop();
        var log = new List<(double Time, long Skipped)>();
        var scope = new Scope(t.Loop);
        Interval every = Co.Every(1);

        IEnumerator<IAwaitable> Tick()
        {
            while (true)
            {
                yield return every;
                log.Add((t.Loop.Time.TotalSeconds, every.Skipped));
            }
        }

        scope.Start(Tick());
        t.Tick();
        t.AdvanceAndTick(1);               // fires at 1
        t.AdvanceAndTick(0.5);             // 1.5
        scope.Pause();
        t.AdvanceAndTick(3);               // 4.5, paused
        scope.Resume();                    // 0.5 s left of the wait for the deadline at 2
        t.AdvanceAndTick(0.5);             // 5.0: wakes
        t.AdvanceAndTick(1);               // 6.0: back on the grid

        Assert.That(log, Is.EqualTo(new[] { (1.0, 0L), (5.0, 3L), (6.0, 0L) }));
    }

    [Test]
    public void PendingTaskCount_FollowsTheScopesLiveTasks()
    {
        var t = new TestLoop();
        var scope = new Scope(t.Loop);
        scope.Start(Counter(new List<string>(), "a", 1));
        scope.Start(Counter(new List<string>(), "b", 3));
        Assert.That(scope.PendingTaskCount, Is.EqualTo(2));
        t.Tick(2);
        Assert.That(scope.PendingTaskCount, Is.EqualTo(1));
        t.Tick(2);
        Assert.That(scope.PendingTaskCount, Is.Zero);
    }

    [Test]
    public void PauseAndResume_FromAnotherThread_Throw_R50()
    {
        var t = new TestLoop();
        var scope = new Scope(t.Loop);
        Exception? pause = null;
        Exception? resume = null;
        var thread = new Thread(() =>
        {
            pause = Catch(scope.Pause);
            resume = Catch(scope.Resume);
        });
        thread.Start();
        thread.Join();

        Assert.That(pause, Is.InstanceOf<InvalidOperationException>());
        Assert.That(resume, Is.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public void ATaskOfAPausedScopeCancelledDirectly_RunsItsFinallyAtItsTurn_R30()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var scope = new Scope(t.Loop);
        LoopTask task = scope.Start(GuardedForever(log, "a"));
        t.Tick();
        scope.Pause();
        t.Tick();

        Assert.That(task.Cancel(), Is.True);
        t.Tick();

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "a finally" }));
    }

    [Test]
    public void Dispose_FromAnotherThread_ThrowsAndLeavesTheScopeAsItWas_SoDisposeOnTheLoopThreadStillCancels_R50()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var scope = new Scope(t.Loop);
        LoopTask task = scope.Start(GuardedForever(log, "a"));
        t.Tick();
        Exception? wrongThread = null;
        var thread = new Thread(() => wrongThread = Catch(scope.Dispose));
        thread.Start();
        Assert.That(thread.Join(TimeSpan.FromSeconds(30)), Is.True, "the other thread did not end");

        Assert.That(wrongThread, Is.InstanceOf<InvalidOperationException>());
        Assert.That(task.IsCompleted, Is.False);
        scope.Start(Counter(log, "b", 1));   // still open: the refused Dispose changed nothing

        scope.Dispose();
        t.Tick();

        Assert.That(task.IsCancelled, Is.True, "the Dispose on the loop thread cancelled the scope's tasks");
        Assert.That(log, Is.EqualTo(new[] { "a finally" }));
        Assert.That(() => scope.Start(Counter(log, "c", 1)), Throws.TypeOf<ObjectDisposedException>());
    }

    private static Exception? Catch(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
