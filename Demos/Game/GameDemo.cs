using System;
using System.Collections.Generic;
using System.IO;
using static System.FormattableString;

namespace YieldLoop.Demos.Game;

/// <summary>
/// A small console game on a hand-written, fixed-timestep host loop: enemies wander on their own clock, a comet flies
/// on the world clock, and the HUD keeps time on a clock of its own. P pauses the world, S puts the enemies in slow
/// motion, Q quits; the game ends by itself after a minute.
/// </summary>
/// <remarks>
/// Without a terminal (input or output redirected, or <c>output</c> is not the console, as in tests) a scripted
/// session plays on a <see cref="ManualClock"/>, 1/30 s per frame: it prints a few labelled frames and the
/// measurements, takes a fraction of a second, and prints the same every time.
/// </remarks>
internal sealed class GameDemo : IDemo
{
    /// <summary>The world's random seed: every session of the same length spawns the same enemies.</summary>
    public const int Seed = 6;

    /// <summary>How long an interactive session lasts if nobody presses Q.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(60);

    /// <inheritdoc/>
    public string Name => "game";

    /// <inheritdoc/>
    public string Description => "A console game on a fixed-step host loop: pause, slow motion.";

    /// <inheritdoc/>
    public int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsInputRedirected && !Console.IsOutputRedirected;
        return terminal ? RunInTerminal(output) : RunScripted(output);
    }

    /// <summary>Plays in the terminal, in real time, until Q or the time limit; then prints the summary.</summary>
    private static int RunInTerminal(TextWriter output)
    {
        GameResult result;
        using (var input = new ConsoleInput())
        using (var screen = new LiveScreen(output))
        {
            result = new GameHost(new RealClock(), input, screen, TimeLimit, Seed).Run();
        }

        return Report(output, result);
    }

    /// <summary>Plays the scripted session on simulated time and prints snapshots, key presses and the summary.</summary>
    private static int RunScripted(TextWriter output)
    {
        output.WriteLine("game: no terminal, so a scripted session plays on simulated time, 30 frames");
        output.WriteLine("a second, one fixed step each: S at 2 s and 4 s (slow motion on, off), P at 5 s");
        output.WriteLine("and 6 s (pause, resume), Q at 8 s. Enemies a, b, c... live on the enemies clock,");
        output.WriteLine("a child of the world clock; the comet * lives on the world clock itself.");

        var snapshots = new Dictionary<int, string>
        {
            [Frame(1)] = "the opening wave",
            [Frame(3)] = "slow motion: the enemies crawl, the comet does not",
            [Frame(5.5)] = "the world is paused; the ui clock blinks the banner",
        };
        var screen = new SnapshotScreen(output, snapshots);
        GameResult result = new GameHost(new ManualClock(), ScriptedInput.Session(GameHost.FramesPerSecond), screen,
            TimeLimit, Seed).Run();
        output.WriteLine();
        return Report(output, result);
    }

    private static int Frame(double seconds) => (int)Math.Round(seconds * GameHost.FramesPerSecond);

    /// <summary>Prints the summary; returns the exit code (1 if a coroutine failed).</summary>
    private static int Report(TextWriter output, GameResult result)
    {
        output.WriteLine(Invariant($"game: {result.Frames} frames, {result.FixedSteps} fixed steps, ")
            + Invariant($"{result.Spawned} enemies spawned, {result.Died} died, {result.Left} left"));
        output.WriteLine(Invariant($"ended by {(result.Quit ? "Q" : "the time limit")} after {result.Duration.TotalSeconds:0.00} s of real time; ")
            + Invariant($"{result.DroppedSteps} fixed steps dropped"));
        foreach (string line in result.Stats.Describe())
        {
            output.WriteLine(line);
        }

        foreach (Exception failure in result.Failures)
        {
            output.WriteLine($"game: a coroutine failed: {failure.GetType().Name}: {failure.Message}");
        }

        return result.Failures.Count == 0 ? 0 : 1;
    }
}
