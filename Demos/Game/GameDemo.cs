using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
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
/// <para>Save games: <c>game --save-at 75 --save-file game.sav</c> plays the scripted session up to frame 75 (in the
/// middle of the cutscene), writes a save and stops; <c>game --load game.sav</c> reads it into a new world and loop,
/// plays on to the end, and checks the final world against an uninterrupted session played in the same process.</para>
/// </remarks>
internal sealed class GameDemo : IDemoWithOptions
{
    /// <summary>The world's random seed: every session of the same length spawns the same enemies.</summary>
    public const int Seed = 6;

    /// <summary>How long an interactive session lasts if nobody presses Q.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(60);

    /// <inheritdoc/>
    public string Name => "game";

    /// <inheritdoc/>
    public string Description => "A console game on a fixed-step loop: clocks, a cutscene, save/load.";

    /// <inheritdoc/>
    public string OptionsUsage => "--save-at <frame> --save-file <path> | --load <path>";

    /// <inheritdoc/>
    public int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsInputRedirected && !Console.IsOutputRedirected;
        return terminal ? RunInTerminal(output) : RunScripted(output);
    }

    /// <inheritdoc/>
    public int Run(TextWriter output, TextWriter error, IReadOnlyList<string> options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Count == 0)
        {
            return Run(output);
        }

        int saveAt = 0;
        string? saveFile = null, load = null;
        for (int i = 0; i < options.Count; i++)
        {
            string option = options[i];
            string? value = i + 1 < options.Count ? options[++i] : null;
            if (value is null)
            {
                return Usage(error, $"The option '{option}' needs a value.");
            }

            switch (option)
            {
                case "--save-at":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out saveAt) || saveAt < 1 || saveAt >= SessionFrames)
                    {
                        return Usage(error, $"--save-at takes a frame from 1 to {SessionFrames - 1}, not '{value}'.");
                    }

                    break;
                case "--save-file":
                    saveFile = value;
                    break;
                case "--load":
                    load = value;
                    break;
                default:
                    return Usage(error, $"The game demo has no option '{option}'.");
            }
        }

        if (load is not null && (saveAt != 0 || saveFile is not null))
        {
            return Usage(error, "Either save (--save-at with --save-file) or load (--load), not both.");
        }

        if (load is null && (saveAt == 0 || saveFile is null))
        {
            return Usage(error, "--save-at and --save-file go together: the frame to save after, and the file.");
        }

        if (load is not null)
        {
            if (!File.Exists(load))
            {
                return Usage(error, $"There is no save file '{load}'; write one with --save-at <frame> --save-file <path>.");
            }

            using FileStream stream = File.OpenRead(load);
            try
            {
                return RunScripted(output, saveAt: 0, saveTo: null, stream, load);
            }
            catch (InvalidDataException e)
            {
                error.WriteLine($"game: cannot load {load}: {e.Message}");
                return 1;
            }
        }

        using (FileStream stream = File.Create(saveFile!))
        {
            return RunScripted(output, saveAt, stream, loadFrom: null, saveFile!);
        }
    }

    /// <summary>How many frames the scripted session plays: Q comes at frame 240 (8 s).</summary>
    public const int SessionFrames = 8 * GameHost.FramesPerSecond;

    /// <summary>Plays the scripted session without printing anything and returns its final world, as
    /// <see cref="World.Describe"/> and the summary line tell it: what a loaded session must end with.</summary>
    /// <returns>The lines.</returns>
    public static IReadOnlyList<string> UninterruptedFinalWorld()
    {
        var screen = new SnapshotScreen(TextWriter.Null, new Dictionary<int, string>());
        GameResult result = new GameHost(new ManualClock(), ScriptedInput.Session(GameHost.FramesPerSecond), screen,
            TimeLimit, Seed).Run();
        return Digest(result);
    }

    private static List<string> Digest(GameResult result)
    {
        var lines = new List<string> { Summary(result) };
        lines.AddRange(result.FinalWorld);
        return lines;
    }

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine(message);
        error.WriteLine("Usage: dotnet run --project Demos -- game --save-at <frame> --save-file <path>");
        error.WriteLine("       dotnet run --project Demos -- game --load <path>");
        return DemoHost.UsageError;
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
    private static int RunScripted(TextWriter output) => RunScripted(output, 0, null, null, null);

    /// <summary>Plays the scripted session, or its part up to a save, or its part from a save.</summary>
    private static int RunScripted(TextWriter output, int saveAt, Stream? saveTo, Stream? loadFrom, string? file)
    {
        if (loadFrom is null)
        {
            output.WriteLine("game: no terminal, so a scripted session plays on simulated time, 30 frames");
            output.WriteLine("a second, one fixed step each: S at 2 s and 4 s (slow motion on, off), P at 5 s");
            output.WriteLine("and 6 s (pause, resume), Q at 8 s. Enemies a, b, c... live on the enemies clock,");
            output.WriteLine("a child of the world clock; the comet * lives on the world clock itself.");
            output.WriteLine("From 1 s of world time a cutscene plays: the herald H walks in and speaks,");
            output.WriteLine("then the screen fades out and back in (all on the world clock).");
        }
        else
        {
            output.WriteLine($"game: loading {file}: a new world and loop take the saved entities and coroutines");
        }

        var snapshots = new Dictionary<int, string>
        {
            [Frame(1)] = "the opening wave",
            [Frame(3)] = "slow motion: the enemies crawl, the comet does not",
            [Frame(5.5)] = "the world is paused; the ui clock blinks the banner",
        };
        var screen = new SnapshotScreen(output, snapshots);
        GameResult result = new GameHost(new ManualClock(), ScriptedInput.Session(GameHost.FramesPerSecond), screen,
            TimeLimit, Seed) { SaveAtFrame = saveAt, SaveTo = saveTo, LoadFrom = loadFrom }.Run();
        output.WriteLine();
        if (result.Saved)
        {
            output.WriteLine(Invariant($"game: saved after frame {result.Frames} ({result.Frames / (double)GameHost.FramesPerSecond:0.00} s) to {file}"));
            output.WriteLine("game: " + result.Cutscene);
            output.WriteLine($"game: run again with --load {file} to play on from there");
            return result.Failures.Count == 0 ? 0 : 1;
        }

        int exitCode = Report(output, result);
        output.WriteLine("final world:");
        foreach (string line in result.FinalWorld)
        {
            output.WriteLine(line);
        }

        if (loadFrom is not null)
        {
            bool matches = Digest(result).SequenceEqual(UninterruptedFinalWorld());
            output.WriteLine($"matches uninterrupted run: {(matches ? "yes" : "no")}");
            exitCode = matches ? exitCode : 1;
        }

        return exitCode;
    }

    private static string Summary(GameResult result) =>
        Invariant($"game: {result.Frames} frames, {result.FixedSteps} fixed steps, ")
            + Invariant($"{result.Spawned} enemies spawned, {result.Died} died, {result.Left} left");

    private static int Frame(double seconds) => (int)Math.Round(seconds * GameHost.FramesPerSecond);

    /// <summary>Prints the summary; returns the exit code (1 if a coroutine failed).</summary>
    private static int Report(TextWriter output, GameResult result)
    {
        output.WriteLine(Summary(result));
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
