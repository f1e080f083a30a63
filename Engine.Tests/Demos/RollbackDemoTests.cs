using System;
using System.IO;
using NUnit.Framework;
using YieldLoop.Demos.Rollback;

namespace YieldLoop.Tests.Demos;

// The rollback demo: player 2's inputs arrive 1 to 8 frames late, the session predicts them, and on a wrong prediction
// restores the checkpoint of that frame and simulates up to the present again. Everything runs on ManualClocks; the
// Stopwatch timings the demo prints are never asserted.
[TestFixture]
public class RollbackDemoTests
{
    private static (int ExitCode, string Output) RunDemo()
    {
        using var output = new StringWriter();
        int exitCode = new RollbackDemo().Run(output);
        return (exitCode, output.ToString());
    }

    [Test]
    public void TheDemo_EndsByItself_WithExitCode0_AndSaysTheRunsMatch()
    {
        (int exitCode, string output) = RunDemo();

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.StartWith("rollback: a duel whose player 2 is on the other side of a slow network"));
        Assert.That(output, Does.Match(@"(?m)^match: yes\r?$"));
        Assert.That(output, Does.Match(@"(?m)^Rollbacks +[1-9]\d* in 620 frames, deepest 8 frames\r?$"));
        Assert.That(output, Does.Match(@"(?m)^Same as reference +620 of 620 frames, compared frame by frame\r?$"));
    }

    [Test]
    public void TheDemo_IsListedInTheCatalog()
    {
        Assert.That(YieldLoop.Demos.DemoCatalog.Find("rollback"), Is.InstanceOf<RollbackDemo>());
    }

    [Test]
    public void EveryLine_FitsAn80ColumnTerminal()
    {
        (_, string output) = RunDemo();

        foreach (string line in output.Split('\n'))
        {
            Assert.That(line.TrimEnd('\r').Length, Is.LessThanOrEqualTo(80), line);
        }
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(42)]
    [TestCase(RollbackDemo.Seed)]
    [TestCase(90210)]
    public void WithLateInputs_EveryFrameEndsAsWithNoDelay_AfterRollbacksUpToEightFramesDeep(int seed)
    {
        var script = new InputScript(seed, RollbackDemo.MatchFrames);

        RollbackRun reference = RollbackSession.PlayWithoutDelay(script);
        RollbackRun rollback = RollbackSession.PlayWithDelay(script);

        Assert.That(reference.Failures, Is.Empty);
        Assert.That(rollback.Failures, Is.Empty);
        Assert.That(rollback.Rollbacks, Is.GreaterThan(0));
        Assert.That(rollback.MaxDepth, Is.EqualTo(InputScript.MaxDelay));
        Assert.That(rollback.ResimulatedFrames, Is.GreaterThanOrEqualTo(rollback.Rollbacks));
        Assert.That(rollback.RightPredictions, Is.LessThan(script.Frames), "some predictions were wrong");
        Assert.That(rollback.Final, Is.EqualTo(reference.Final));
        Assert.That(rollback.History, Is.EqualTo(reference.History));
        Assert.That(reference.Final.Over, Is.True, "the match ran to its end");
        Assert.That(reference.Final.One.Shots + reference.Final.Two.Shots, Is.GreaterThan(0));
    }

    [Test]
    public void TheMatch_DependsOnPlayer2sInputs_SoAWrongPredictionLeftUncorrectedWouldShow()
    {
        // The rollback has something to correct: the same script with player 2 standing still ends elsewhere.
        var script = new InputScript(RollbackDemo.Seed, RollbackDemo.MatchFrames);
        var idle = new InputScript(RollbackDemo.Seed, RollbackDemo.MatchFrames, changeChance: 0);

        Assert.That(RollbackSession.PlayWithoutDelay(idle).Final, Is.Not.EqualTo(RollbackSession.PlayWithoutDelay(script).Final));
    }

    [Test]
    public void TheFightersAndTheArena_RewindWithTheLoop_ShotsAndCooldownsIncluded()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "duel");
        try
        {
            var arena = new Arena(loop);
            for (int frame = 0; frame < 5; frame++)
            {
                Frame(clock, loop, arena, Buttons.Right);
            }

            LoopCheckpoint checkpoint = loop.Checkpoint();
            ArenaState before = arena.State;
            ArenaState[] first = new ArenaState[40];
            for (int frame = 0; frame < first.Length; frame++)
            {
                Frame(clock, loop, arena, frame < 20 ? Buttons.Fire : Buttons.Dash | Buttons.Left);
                first[frame] = arena.State;
            }

            Assert.That(first[^1].One.Shots, Is.GreaterThan(before.One.Shots));
            loop.Restore(checkpoint);

            Assert.That(arena.State, Is.EqualTo(before));
            for (int frame = 0; frame < first.Length; frame++)
            {
                Frame(clock, loop, arena, frame < 20 ? Buttons.Fire : Buttons.Dash | Buttons.Left);
                Assert.That(arena.State, Is.EqualTo(first[frame]), $"frame {frame} after the restore");
            }
        }
        finally
        {
            loop.Close();
        }
    }

    private static void Frame(ManualClock clock, EventLoop loop, Arena arena, Buttons both)
    {
        arena.One.Input = both;
        arena.Two.Input = both;
        clock.Advance(Arena.FrameTime);
        loop.Tick();
    }
}
