using System;
using System.Collections.Generic;
using System.Reflection;
using MyGame;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>Runs the MonoGame snippet of docs/embedding.md (Game1) through a fake variable-step Game.Run.</summary>
public class MonoGameSnippetTests
{
    private static T Field<T>(Game1 game, string name) =>
        (T)typeof(Game1).GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(game)!;

    private static IEnumerator<IAwaitable> CountPhysics(LoopPhase fixedUpdate, List<long> seen)
    {
        while (true)
        {
            yield return fixedUpdate;
            seen.Add(fixedUpdate.RunCount);
        }
    }

    [Test]
    public void VariableFrames_GiveAFixedStepCount_AndTheFixedPhaseRunsOncePerStep()
    {
        using var game = new Game1();
        var host = new FakeMonoGameRunner(game);
        var seen = new List<long>();
        EventLoop loop = Field<EventLoop>(game, "_loop");
        loop.Start(CountPhysics(game.FixedUpdate, seen));

        // Two seconds of uneven frames: 30, 144 and 60 frames per second.
        for (int i = 0; i < 30; i++)
        {
            host.Frame(TimeSpan.FromTicks(333_333));
        }

        for (int i = 0; i < 144; i++)
        {
            host.Frame(TimeSpan.FromTicks(69_444));
        }

        for (int i = 0; i < 60; i++)
        {
            host.Frame(TimeSpan.FromTicks(166_667));
        }

        PhysicsWorld world = Field<PhysicsWorld>(game, "_world");
        FixedTimestep physics = Field<FixedTimestep>(game, "_physics");
        Assert.That(game.IsFixedTimeStep, Is.False);
        Assert.That(world.Steps, Is.EqualTo(physics.TotalSteps).And.EqualTo(game.FixedUpdate.RunCount));
        Assert.That(world.Steps, Is.InRange(179, 180), "3 s of frames at 60 steps per second");
        Assert.That(seen, Is.Ordered.And.Unique);
        Assert.That(seen[^1], Is.EqualTo(game.FixedUpdate.RunCount));
        Assert.That(world.LastAlpha, Is.EqualTo(physics.Alpha).And.InRange(0.0, 1.0));
        Assert.That(loop.Time, Is.EqualTo(TimeSpan.FromTicks((30 * 333_333) + (144 * 69_444) + (60 * 166_667))));
    }

    [Test]
    public void ALongFrame_RunsAtMostFiveSteps_AndTheRestIsDropped()
    {
        using var game = new Game1();
        var host = new FakeMonoGameRunner(game);

        host.Frame(TimeSpan.FromSeconds(1));   // a hitch: 60 steps of time

        Assert.That(game.FixedUpdate.RunCount, Is.EqualTo(5));
        Assert.That(Field<FixedTimestep>(game, "_physics").DroppedSteps, Is.EqualTo(55));
    }

    [Test]
    public void AOneSecondSleep_EndsAfterOneSecondOfFrames_AndEndOfFrameRunsAfterDraw()
    {
        using var game = new Game1();
        var host = new FakeMonoGameRunner(game);
        EventLoop loop = Field<EventLoop>(game, "_loop");
        var log = new List<string>();
        int frame = 0;
        loop.Start(Wait(game, () => frame, log));

        for (frame = 1; frame <= 70; frame++)
        {
            host.Frame(TimeSpan.FromTicks(166_667));
        }

        Assert.That(log, Is.EqualTo(new[] { "start 1", "slept 61", "end of frame 61" }));

        static IEnumerator<IAwaitable> Wait(Game1 game, Func<int> frame, List<string> log)
        {
            log.Add($"start {frame()}");
            yield return Co.Sleep(1);
            log.Add($"slept {frame()}");
            yield return game.EndOfFrame;
            log.Add($"end of frame {frame()}");
        }
    }

    [Test]
    public void DisposingTheGame_ClosesTheLoop()
    {
        var game = new Game1();
        var host = new FakeMonoGameRunner(game);
        host.Frame(TimeSpan.FromTicks(166_667));
        EventLoop loop = Field<EventLoop>(game, "_loop");

        game.Dispose();

        Assert.That(loop.IsClosed, Is.True);
        Assert.That(() => new Game1().Dispose(), Throws.Nothing, "a game disposed before Initialize has no loop yet");
    }
}
