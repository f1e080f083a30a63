using System;
using System.Collections.Generic;
using MyGame;
using NUnit.Framework;
using UnityEngine;

namespace YieldLoop.Tests.Docs;

/// <summary>Runs the Unity snippets of docs/embedding.md (YieldLoopRunner, Turret) through a fake player loop.</summary>
public class UnitySnippetTests
{
    private static (FakeUnityPlayer Player, YieldLoopRunner Runner) Scene()
    {
        var player = new FakeUnityPlayer();
        YieldLoopRunner runner = player.Add(new YieldLoopRunner());
        return (player, runner);
    }

    private static IEnumerator<IAwaitable> SleepThenMark(Func<IAwaitable> sleep, FakeUnityPlayer player, List<int> marks)
    {
        marks.Add(player.Frames);
        yield return sleep();
        marks.Add(player.Frames);
    }

    [Test]
    public void AOneSecondSleepInTheWorldClock_EndsAfter60Frames_AtTimeScale1()
    {
        (FakeUnityPlayer player, YieldLoopRunner runner) = Scene();
        var marks = new List<int>();
        runner.World.Start(SleepThenMark(() => Co.Sleep(1), player, marks));

        player.Frames60(200);

        Assert.That(marks, Has.Count.EqualTo(2));
        Assert.That(marks[1] - marks[0], Is.EqualTo(60));
    }

    [Test]
    public void TimeTimeScale_SlowsWorldSleeps_ButNotRealtimeSleeps()
    {
        (FakeUnityPlayer player, YieldLoopRunner runner) = Scene();
        UnityEngine.Time.timeScale = 0.5f;
        var world = new List<int>();
        var real = new List<int>();
        runner.World.Start(SleepThenMark(() => Co.Sleep(1), player, world));
        runner.World.Start(SleepThenMark(() => Co.SleepRealtime(1), player, real));

        player.Frames60(300);

        Assert.That(world[1] - world[0], Is.EqualTo(120));
        Assert.That(real[1] - real[0], Is.EqualTo(60));
        Assert.That(runner.World.EffectiveScale, Is.EqualTo(0.5));
    }

    [Test]
    public void WorldSleeps_StopAndResumeWhereTheyWere_AtTimeScale0()
    {
        (FakeUnityPlayer player, YieldLoopRunner runner) = Scene();
        var world = new List<int>();
        runner.World.Start(SleepThenMark(() => Co.Sleep(1), player, world));
        player.Frames60(31);                  // the sleep began in frame 1: half of it has passed

        UnityEngine.Time.timeScale = 0f;
        player.Frames60(600);
        Assert.That(world, Has.Count.EqualTo(1), "no world time passes at timeScale 0");
        Assert.That(player.FixedSteps, Is.EqualTo(25), "Unity runs no FixedUpdate at timeScale 0 either");

        UnityEngine.Time.timeScale = 1f;
        player.Frames60(30);
        Assert.That(world, Has.Count.EqualTo(2));
        Assert.That(world[1] - world[0], Is.EqualTo(660), "30 frames of world time, 600 stopped, 30 more");
    }

    [Test]
    public void ATaskWaitingForTheFixedUpdatePhase_RunsOncePerFixedUpdate()
    {
        (FakeUnityPlayer player, YieldLoopRunner runner) = Scene();
        var seen = new List<long>();
        runner.Loop.Start(EveryPhysicsStep(runner.FixedUpdatePhase, seen));

        player.Frames60(120);                 // 2 s: 100 fixed steps of 0.02 s

        Assert.That(player.FixedSteps, Is.EqualTo(100));
        Assert.That(runner.FixedUpdatePhase.RunCount, Is.EqualTo(100));
        Assert.That(seen, Is.EqualTo(Range(seen[0], 100 - seen[0] + 1)), "resumed in every FixedUpdate after its first step");

        static IEnumerator<IAwaitable> EveryPhysicsStep(LoopPhase fixedUpdate, List<long> seen)
        {
            while (true)
            {
                yield return fixedUpdate;
                seen.Add(fixedUpdate.RunCount);
            }
        }
    }

    [Test]
    public void LateUpdateAndEndOfFramePhases_RunAfterUpdate_InTheSameFrame()
    {
        (FakeUnityPlayer player, YieldLoopRunner runner) = Scene();
        var log = new List<string>();
        runner.Loop.Start(Tour(runner, player, log));

        player.Frames60(3);

        Assert.That(log, Is.EqualTo(new[] { "update 1", "late 1", "end 1", "update 2" }));

        static IEnumerator<IAwaitable> Tour(YieldLoopRunner runner, FakeUnityPlayer player, List<string> log)
        {
            log.Add($"update {player.Frames}");
            yield return runner.LateUpdatePhase;
            log.Add($"late {player.Frames}");
            yield return runner.EndOfFramePhase;
            log.Add($"end {player.Frames}");
            yield return Co.NextTick;
            log.Add($"update {player.Frames}");
        }
    }

    [Test]
    public void TheTurret_FiresEveryTwoSecondsOfWorldTimeInLateUpdate_AndCoolsInFixedUpdate()
    {
        (FakeUnityPlayer player, _) = Scene();
        Turret turret = player.Add(new Turret { name = "turret" });

        player.Frames60(120);
        Assert.That(turret.Shots, Is.EqualTo(0));
        player.Frames60(1);                    // its sleep began in its first tick (frame 1): 2 s later
        Assert.That(turret.Shots, Is.EqualTo(1));
        Assert.That(turret.Heat, Is.EqualTo(1f));

        player.Frames60(60);                   // 50 fixed steps of cooling at 0.25 per second
        Assert.That(turret.Heat, Is.EqualTo(0.75f).Within(1e-4));

        UnityEngine.Time.timeScale = 0.5f;                 // the one world second left takes two real ones
        player.Frames60(119);
        Assert.That(turret.Shots, Is.EqualTo(1));
        player.Frames60(1);
        Assert.That(turret.Shots, Is.EqualTo(2));
    }

    [Test]
    public void ADeactivatedTurret_KeepsItsTasksPaused_AndGoesOnWhenActivatedAgain()
    {
        (FakeUnityPlayer player, YieldLoopRunner runner) = Scene();
        Turret turret = player.Add(new Turret { name = "turret" });
        player.Frames60(60);                   // one of its two seconds has passed

        player.SetActive(turret, false);
        player.Frames60(600);
        Assert.That(turret.Shots, Is.EqualTo(0), "paused: its sleep is frozen");
        Assert.That(runner.Loop.PendingTaskCount, Is.EqualTo(2), "paused, not gone (Unity would have stopped its coroutines)");

        player.SetActive(turret, true);
        player.Frames60(59);
        Assert.That(turret.Shots, Is.EqualTo(0));
        player.Frames60(2);
        Assert.That(turret.Shots, Is.EqualTo(1), "the sleep went on with the second it had left");
    }

    [Test]
    public void DestroyingTheTurret_CancelsItsTasks_AndDestroyingTheRunnerClosesTheLoop()
    {
        (FakeUnityPlayer player, YieldLoopRunner runner) = Scene();
        Turret turret = player.Add(new Turret { name = "turret" });
        player.Frames60(10);
        Assert.That(runner.Loop.PendingTaskCount, Is.EqualTo(2));

        player.Destroy(turret);
        player.Frames60(1);
        Assert.That(runner.Loop.PendingTaskCount, Is.EqualTo(0));

        player.Destroy(runner);
        Assert.That(runner.Loop.IsClosed, Is.True);
        Assert.That(UnityEngine.Debug.FakeLoggedExceptions, Is.Empty);
    }

    [Test]
    public void ATurretDestroyedAfterTheRunnerOnSceneUnload_DoesNotThrow()
    {
        (FakeUnityPlayer player, YieldLoopRunner runner) = Scene();
        Turret turret = player.Add(new Turret { name = "turret" });
        player.Frames60(10);

        player.Destroy(runner);                // Unity does not order OnDestroy calls on unload

        Assert.That(() => player.Destroy(turret), Throws.Nothing);
    }

    [Test]
    public void Failures_GoToDebugLogException()
    {
        (FakeUnityPlayer player, YieldLoopRunner runner) = Scene();
        runner.Loop.Start(Fail());

        player.Frames60(2);

        Assert.That(UnityEngine.Debug.FakeLoggedExceptions, Has.Count.EqualTo(1));
        Assert.That(UnityEngine.Debug.FakeLoggedExceptions[0].Message, Is.EqualTo("Out of ammo."));

        static IEnumerator<IAwaitable> Fail()
        {
            yield return Co.NextTick;
            throw new InvalidOperationException("Out of ammo.");
        }
    }

    [Test]
    public void TheSmallestDriver_CountsDownOncePerSecondOfGameTime_AndLogsToTheConsole()
    {
        var player = new FakeUnityPlayer();
        player.Add(new CoroutineHost());

        player.Frame();
        Assert.That(UnityEngine.Debug.FakeLoggedMessages, Is.EqualTo(new[] { "3" }), "the first step runs in the first frame's tick");

        player.Frames60(59);
        Assert.That(UnityEngine.Debug.FakeLoggedMessages, Is.EqualTo(new[] { "3" }), "59 frames later, less than a second has passed");
        player.Frame();
        Assert.That(UnityEngine.Debug.FakeLoggedMessages, Is.EqualTo(new[] { "3", "2" }));

        player.Frames60(120);
        Assert.That(UnityEngine.Debug.FakeLoggedMessages, Is.EqualTo(new[] { "3", "2", "1", "Go!" }));
        Assert.That(UnityEngine.Debug.FakeLoggedExceptions, Is.Empty);
    }

    [Test]
    public void TheSmallestDriver_StopsCountingWhenDestroyed()
    {
        var player = new FakeUnityPlayer();
        CoroutineHost host = player.Add(new CoroutineHost());
        player.Frames60(61);

        var loop = (EventLoop)typeof(CoroutineHost)
            .GetField("_loop", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!
            .GetValue(host)!;
        Assert.That(loop.IsClosed, Is.False);

        player.Destroy(host);
        player.Frames60(300);

        Assert.That(loop.IsClosed, Is.True, "OnDestroy closes the loop");
        Assert.That(UnityEngine.Debug.FakeLoggedMessages, Is.EqualTo(new[] { "3", "2" }));
        Assert.That(UnityEngine.Debug.FakeLoggedExceptions, Is.Empty, "closing the loop cancels the countdown quietly");
    }

    private static long[] Range(long start, long count)
    {
        var values = new long[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = start + i;
        }

        return values;
    }
}
