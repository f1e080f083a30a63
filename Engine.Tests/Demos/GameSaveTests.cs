using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using NUnit.Framework;
using YieldLoop.Demos;
using YieldLoop.Demos.Game;

namespace YieldLoop.Tests.Demos;

// The game demo's save games: a session saved in the middle of the cutscene, loaded into a fresh world and loop (the
// file is all the two share), ends in the same world as a session that was never interrupted.
[TestFixture]
public sealed class GameSaveTests
{
    private string _file = "";

    [SetUp]
    public void SetUp() => _file = Path.Combine(Path.GetTempPath(), $"yieldloop-game-{Guid.NewGuid():N}.sav");

    [TearDown]
    public void TearDown() => File.Delete(_file);

    private static GameHost NewHost() => new(new ManualClock(), ScriptedInput.Session(GameHost.FramesPerSecond),
        new SnapshotScreen(TextWriter.Null, new Dictionary<int, string>()), GameDemo.TimeLimit, GameDemo.Seed);

    private static GameResult Uninterrupted() => NewHost().Run();

    private static List<string> Everything(GameResult result)
    {
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{result.Frames} {result.FixedSteps} {result.DroppedSteps} {result.Quit} {result.Spawned} {result.Died} {result.Left} {result.Failures.Count}"),
            result.Cutscene,
        };
        lines.AddRange(result.FinalWorld);
        lines.AddRange(result.Stats.Describe());
        return lines;
    }

    private GameResult SaveAt(int frame)
    {
        using FileStream stream = File.Create(_file);
        return new GameHost(new ManualClock(), ScriptedInput.Session(GameHost.FramesPerSecond),
            new SnapshotScreen(TextWriter.Null, new Dictionary<int, string>()), GameDemo.TimeLimit, GameDemo.Seed)
        {
            SaveAtFrame = frame,
            SaveTo = stream,
        }.Run();
    }

    private GameResult Load()
    {
        using FileStream stream = File.OpenRead(_file);
        return new GameHost(new ManualClock(), ScriptedInput.Session(GameHost.FramesPerSecond),
            new SnapshotScreen(TextWriter.Null, new Dictionary<int, string>()), GameDemo.TimeLimit, GameDemo.Seed)
        {
            LoadFrom = stream,
        }.Run();
    }

    // 40: the herald walks in, first caption, before slow motion. 75: slow motion, second caption. 160: the world is
    // paused (the banner blinks on the ui clock), last caption. 200: the fade, the herald gone in the dark.
    [TestCase(40, "cutscene: the herald at (3, 13), caption 1 of 4, fade 0")]
    [TestCase(75, "cutscene: the herald at (8, 13), caption 2 of 4, fade 0")]
    [TestCase(160, "cutscene: the herald at (14, 9), caption 4 of 4, fade 0")]
    [TestCase(200, "cutscene: the herald at (14, 9), caption 0 of 4, fade 4")]
    public void ASaveMidCutscene_LoadedIntoAFreshWorldAndLoop_EndsInTheSameWorldAsAnUninterruptedRun(int frame, string cutscene)
    {
        GameResult saved = SaveAt(frame);
        Assert.That(saved.Saved, Is.True);
        Assert.That(saved.Frames, Is.EqualTo(frame));
        Assert.That(saved.Cutscene, Is.EqualTo(cutscene), "the save is taken in the middle of the cutscene");

        GameResult loaded = Load();
        GameResult uninterrupted = Uninterrupted();

        Assert.That(loaded.Saved, Is.False);
        Assert.That(loaded.Failures, Is.Empty);
        Assert.That(uninterrupted.Cutscene, Is.EqualTo("cutscene: over"));
        Assert.That(Everything(loaded), Is.EqualTo(Everything(uninterrupted)));
    }

    [Test]
    public void TheWorldsDigest_TellsApartSessionsThatEndedDifferently()
    {
        GameResult whole = Uninterrupted();
        GameResult upTo160 = SaveAt(160);

        Assert.That(upTo160.FinalWorld[^1], Does.StartWith("world digest: "));
        Assert.That(upTo160.FinalWorld[^1], Is.Not.EqualTo(whole.FinalWorld[^1]));
    }

    [Test]
    public void TheDemo_SavesWithSaveAtAndSaveFile_AndASecondRunLoadsAndSaysItMatches()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        Assert.That(DemoHost.Run(new[] { "game", "--save-at", "75", "--save-file", _file }, output, error), Is.EqualTo(0), error.ToString());
        Assert.That(output.ToString(), Does.Contain($"game: saved after frame 75 (2.50 s) to {_file}"));
        Assert.That(output.ToString(), Does.Contain("game: cutscene: the herald at (8, 13), caption 2 of 4, fade 0"));
        Assert.That(output.ToString(), Does.Not.Contain("final world:"));

        using var second = new StringWriter(CultureInfo.InvariantCulture);
        Assert.That(DemoHost.Run(new[] { "game", "--load", _file }, second, error), Is.EqualTo(0), error.ToString());
        Assert.That(second.ToString(), Does.StartWith($"game: loading {_file}"));
        Assert.That(second.ToString(), Does.Contain("game: 240 frames, 240 fixed steps, 6 enemies spawned, 1 died, 5 left"));
        Assert.That(second.ToString(), Does.Contain("final world:"));
        Assert.That(second.ToString(), Does.Contain("matches uninterrupted run: yes"));
        Assert.That(error.ToString(), Is.Empty);
    }

    [TestCase(new[] { "--save-at", "75" }, "--save-at and --save-file go together")]
    [TestCase(new[] { "--save-at", "0", "--save-file", "x.sav" }, "--save-at takes a frame from 1 to 239, not '0'.")]
    [TestCase(new[] { "--save-at", "240", "--save-file", "x.sav" }, "--save-at takes a frame from 1 to 239, not '240'.")]
    [TestCase(new[] { "--load" }, "The option '--load' needs a value.")]
    [TestCase(new[] { "--speed", "2" }, "The game demo has no option '--speed'.")]
    [TestCase(new[] { "--load", "a.sav", "--save-at", "3" }, "Either save (--save-at with --save-file) or load (--load), not both.")]
    public void WrongOptions_AreAUsageError_SayingWhatToDo(string[] options, string message)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var args = new List<string> { "game" };
        args.AddRange(options);

        Assert.That(DemoHost.Run(args, output, error), Is.EqualTo(DemoHost.UsageError));
        Assert.That(error.ToString(), Does.StartWith(message));
        Assert.That(error.ToString(), Does.Contain("game --load <path>"));
        Assert.That(output.ToString(), Is.Empty);
    }

    [Test]
    public void LoadingAMissingFile_IsAUsageError_AndAFileThatIsNoSave_IsRefusedWithExitCode1()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        Assert.That(DemoHost.Run(new[] { "game", "--load", _file }, output, error), Is.EqualTo(DemoHost.UsageError));
        Assert.That(error.ToString(), Does.StartWith($"There is no save file '{_file}'"));

        File.WriteAllText(_file, "hello");
        using var error2 = new StringWriter(CultureInfo.InvariantCulture);
        Assert.That(DemoHost.Run(new[] { "game", "--load", _file }, output, error2), Is.EqualTo(1));
        Assert.That(error2.ToString(), Does.StartWith($"game: cannot load {_file}: This is not a game save"));
    }
}
