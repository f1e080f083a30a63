using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using NUnit.Framework;
using YieldLoop.Demos;
using YieldLoop.Demos.Game;

namespace YieldLoop.Tests.Demos;

[TestFixture]
public class GameDemoTests
{
    // The scripted session: 8 s at 30 frames a second, one fixed step each; slow motion from 2 s to 4 s, the world
    // paused from 5 s to 6 s.
    private const int Frames = 8 * 30;

    // The enemies clock runs 5 s at full speed, 2 s at a quarter (0.5 s) and stands still for the 1 s pause: 5.5 s.
    // The spawner's first step (the first tick, 1/30 s in) brings the opening wave of 3, then one every 1.5 s of
    // enemies time: at 1.53, 3.03 and 4.53 s. The cap of 8 is never reached.
    private const int Spawned = 3 + 3;

    private static (int ExitCode, string Output, TimeSpan WallTime) RunDemo()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var watch = Stopwatch.StartNew();
        int exitCode = new GameDemo().Run(output);
        return (exitCode, output.ToString(), watch.Elapsed);
    }

    private static Match Line(string output, string pattern)
    {
        Match match = Regex.Match(output, "(?m)^" + pattern + @"\r?$");
        Assert.That(match.Success, Is.True, $"The demo prints no line matching '{pattern}':\n{output}");
        return match;
    }

    private static double Number(Match match, int group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [Test]
    public void TheScriptedSession_EndsByItselfWithExitCode0_InWellUnderAFewSeconds()
    {
        (int exitCode, string output, TimeSpan wallTime) = RunDemo();

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("ended by Q after 8.00 s of real time; 0 fixed steps dropped"));
        // The session is 8 s long: a host that waited in real time would take at least that. Without waiting it takes
        // a fraction of a second, and even a loaded machine does not stretch that to 8 s; a tighter bound could fail
        // there without anything being wrong.
        Assert.That(wallTime, Is.LessThan(TimeSpan.FromSeconds(8)), "The headless session must not wait in real time.");
    }

    [Test]
    public void TheSummary_CountsOneFixedStepPerFrame_AndTheEnemiesTheSpawnerBrought()
    {
        (_, string output, _) = RunDemo();

        Match summary = Line(output, $@"game: {Frames} frames, {Frames} fixed steps, {Spawned} enemies spawned, (\d+) died, (\d+) left");
        Assert.That(Number(summary, 1) + Number(summary, 2), Is.EqualTo(Spawned), "Every enemy spawned either died or is left.");
        Assert.That(summary.Value.TrimEnd('\r'), Is.EqualTo("game: 240 frames, 240 fixed steps, 6 enemies spawned, 1 died, 5 left"));
    }

    [Test]
    public void TheWorldsTime_StandsStill_AndTheEnemiesDoNotMove_WhileTheWorldIsPaused()
    {
        (_, string output, _) = RunDemo();

        Match paused = Line(output, @"paused (\d+\.\d\d) s: world clock \+(\d+\.\d+) s, enemies moved (\d+\.\d) cells in (\d+) steps");
        Assert.That(Number(paused, 1), Is.EqualTo(1.0));
        Assert.That(Number(paused, 2), Is.EqualTo(0.0), "The world clock advanced while paused.");
        Assert.That(Number(paused, 3), Is.EqualTo(0.0), "The enemies moved while the world was paused.");

        // A clock at rate 0 stops waits, not tasks: the bodies still ran every fixed step, and moved by nothing.
        Assert.That(Number(paused, 4), Is.GreaterThan(0));

        // The ui clock is a separate root: it ran the whole second, and blinked the banner.
        Match row = Line(output, @"paused +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d)");
        Assert.That(new[] { Number(row, 1), Number(row, 2), Number(row, 3), Number(row, 4) }, Is.EqualTo(new[] { 1.0, 0.0, 0.0, 1.0 }));
        Assert.That(Number(row, 6), Is.EqualTo(0.0), "The comet, on the world clock, moved while the world was paused.");
        Assert.That(output, Does.Contain("P A U S E D"));
    }

    [Test]
    public void TheEnemies_MoveAtAQuarterSpeed_AndTheCometAtFullSpeed_InSlowMotion()
    {
        (_, string output, _) = RunDemo();

        Match ratios = Line(output, @"slow-mo (\d+\.\d\d) s: enemies at (\d+\.\d\d) x normal speed, comet at (\d+\.\d\d) x");
        Assert.That(Number(ratios, 1), Is.EqualTo(2.0));
        Assert.That(Number(ratios, 2), Is.EqualTo(0.25).Within(0.01));
        Assert.That(Number(ratios, 3), Is.EqualTo(1.0).Within(0.01));

        // Measured in cells per second of real time: 6 for enemies (1.5 slowed), 15 for the comet either way.
        Match normal = Line(output, @"normal +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d)");
        Match slow = Line(output, @"slow-mo +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d)");
        Assert.That(Number(normal, 5), Is.EqualTo(World.EnemySpeed));
        Assert.That(Number(slow, 5), Is.EqualTo(World.EnemySpeed * World.SlowMotionScale));
        Assert.That(Number(normal, 6), Is.EqualTo(World.CometSpeed));
        Assert.That(Number(slow, 6), Is.EqualTo(World.CometSpeed));

        // The enemies clock ran a quarter of the 2 s; the world clock all of it.
        Assert.That(new[] { Number(slow, 1), Number(slow, 2), Number(slow, 3) }, Is.EqualTo(new[] { 2.0, 2.0, 0.5 }));
    }

    [Test]
    public void TheSession_LogsEachKey_AndShowsLabelledFrames()
    {
        (_, string output, _) = RunDemo();

        Line(output, @" 2\.00 s  key S: slow motion: enemies clock x0\.25");
        Line(output, @" 4\.00 s  key S: slow motion off: enemies clock x1");
        Line(output, @" 5\.00 s  key P: world paused; the ui clock runs on");
        Line(output, @" 6\.00 s  key P: world resumed");
        Line(output, @" 8\.00 s  key Q: quit");
        Line(output, @"frame 30 at 1\.00 s: .+");
        Line(output, @"frame 90 at 3\.00 s: .+");
        Line(output, @"frame 165 at 5\.50 s: .+");
        Line(output, @" world   5\.00 s x1\.00  enemies x1\.00  entities +\d+  steps/frame 1  paused");
    }

    [Test]
    public void EveryFrame_ExplainsItsSymbols_InALegendLine()
    {
        (_, string output, _) = RunDemo();

        Assert.That(Regex.Matches(output, "(?m)^" + Regex.Escape(Renderer.Legend) + @"\r?$"), Has.Count.EqualTo(3),
            "one legend line under each of the three frames shown");
        Assert.That(Renderer.Legend, Does.Contain("a-z enemies").And.Contain("* comet").And.Contain("PAUSED"));
    }

    [Test]
    public void EveryLine_FitsAn80ColumnTerminal()
    {
        (_, string output, _) = RunDemo();

        foreach (string line in output.Split('\n'))
        {
            Assert.That(line.TrimEnd('\r').Length, Is.LessThanOrEqualTo(80), line);
        }
    }

    [Test]
    public void TwoSessions_PrintTheSame()
    {
        string first = RunDemo().Output;
        string second = RunDemo().Output;

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void TheDemoHost_RunsTheGameByName()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);

        Assert.That(DemoHost.Run(new[] { "game" }, output, error), Is.EqualTo(0));
        Assert.That(error.ToString(), Is.Empty);
        Assert.That(output.ToString(), Does.Contain("game: 240 frames"));
    }

    [Test]
    public void TheScriptedSession_PressesItsKeysAt2_4_5_6And8Seconds()
    {
        ScriptedInput input = ScriptedInput.Session(30);
        var seen = new List<(int, GameCommand)>();
        for (int frame = 1; frame <= Frames; frame++)
        {
            while (input.TryRead(frame, out GameCommand command))
            {
                seen.Add((frame, command));
            }
        }

        Assert.That(seen, Is.EqualTo(new[]
        {
            (60, GameCommand.ToggleSlowMotion),
            (120, GameCommand.ToggleSlowMotion),
            (150, GameCommand.TogglePause),
            (180, GameCommand.TogglePause),
            (240, GameCommand.Quit),
        }));
    }

    [Test]
    public void APausedWorld_HoldsTheSpawner_WhileItsBodiesKeepStepping()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "test");
        var fixedUpdate = new LoopPhase(loop, "FixedUpdate");
        using var world = new World(loop, fixedUpdate, TimeSpan.FromSeconds(0.1), seed: 1);
        loop.Tick();   // the spawner brings the opening wave
        loop.Tick();   // the enemies' brains start their bodies
        loop.Tick();   // the bodies park on the fixed-update phase
        Assert.That(world.Spawned, Is.EqualTo(World.OpeningWave));

        world.TogglePause();
        double x = world.Entities[1].X;
        for (int i = 0; i < 100; i++)
        {
            clock.Advance(0.1);
            fixedUpdate.Run();
            loop.Tick();
        }

        Assert.That(world.Spawned, Is.EqualTo(World.OpeningWave), "The spawner slept through 10 s of pause.");
        Assert.That(world.Entities[1].X, Is.EqualTo(x), "An enemy moved while the world was paused.");
        Assert.That(world.EnemySteps, Is.EqualTo(100 * World.OpeningWave), "The bodies kept stepping while paused (rate 0 stops waits, not tasks).");

        world.TogglePause();
        clock.Advance(World.SpawnInterval);
        loop.Tick();
        Assert.That(world.Spawned, Is.EqualTo(World.OpeningWave + 1));
        loop.Close();
    }
}
