using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;
using YieldLoop.Demos.Trace;

namespace YieldLoop.Tests.Demos;

[TestFixture]
public class TraceDemoTests
{
    // The demo runs once for all tests (its painting and deadlock parts are deterministic; only the watchdog part
    // takes real time), writing its trace into a directory of its own.
    private string _directory = string.Empty;
    private int _exitCode;
    private string _output = string.Empty;

    [OneTimeSetUp]
    public void RunTheDemoOnce()
    {
        _directory = Path.Combine(Path.GetTempPath(), "yieldloop-trace-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        using var output = new StringWriter();
        _exitCode = new TraceDemo(outputDirectory: _directory).Run(output);
        _output = output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    [OneTimeTearDown]
    public void DeleteTheTraceDirectory()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    // Between the line that starts with `from` and the first later line that starts with `to`.
    private string Section(string from, string to)
    {
        int start = _output.IndexOf(from, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"The demo prints no '{from}':\n{_output}");
        int end = _output.IndexOf(to, start, StringComparison.Ordinal);
        Assert.That(end, Is.GreaterThan(start), $"The demo prints no '{to}' after '{from}':\n{_output}");
        return _output[start..end];
    }

    // Lines the demo broke to fit 80 columns, joined again (a continuation is indented six spaces, and is not a line of
    // the tree, which starts with "- ").
    private static string Unwrapped(string text) => Regex.Replace(text, @"\n {6}(?!- )", " ");

    [Test]
    public void TheDemo_EndsByItself_WithExitCode0()
    {
        Assert.That(_exitCode, Is.EqualTo(0), _output);
        Assert.That(_output, Does.StartWith("Tracing coroutines: a timeline, a live dump, a deadlock, a watchdog"));
    }

    [Test]
    public void TheTraceFile_IsChromeTraceJson_WithACompleteEventForEveryWall()
    {
        string path = Path.Combine(_directory, PaintingTrace.FileName);
        Assert.That(File.Exists(path), Is.True, path);

        using JsonDocument trace = JsonDocument.Parse(File.ReadAllText(path));
        var completeEvents = new HashSet<string>();
        foreach (JsonElement e in trace.RootElement.GetProperty("traceEvents").EnumerateArray())
        {
            if (e.GetProperty("ph").GetString() == "X")
            {
                completeEvents.Add(e.GetProperty("name").GetString()!);
            }
        }

        Assert.That(completeEvents, Is.SupersetOf(new[] { "wall A", "wall B", "wall C" }));
    }

    [Test]
    public void TheDemo_SaysWhereTheTraceIs_AndHowToOpenIt()
    {
        string path = Path.GetFullPath(Path.Combine(_directory, PaintingTrace.FileName));

        Assert.That(_output, Does.Contain("\n  " + path + "\n"));
        Assert.That(_output, Does.Contain("open https://ui.perfetto.dev and drag the file in (or chrome://tracing)"));
        Assert.That(_output, Does.Match(@"The recorder kept [1-9]\d* events\n\(0 dropped\)"));
        Assert.That(_output, Does.Contain("All walls were done after 110 min."));
    }

    [Test]
    public void TheDumpTakenMidJob_ShowsAWallWaitingForTheLockAnotherWallHolds()
    {
        string dump = Section("Loop 'painting' at 00:15:00.000:", "Under a task");

        Assert.That(dump, Does.Contain("3 tasks (1 waiting, 2 sleeping)"));
        Assert.That(dump, Does.Match(@"\n  - #\d 'wall C' waiting on lock held by task 'wall B' \| Wall\.Paint\n"));
        Assert.That(dump, Does.Match(@"\n    - #\d 'wall B' sleeping on timer at 00:20:00\.000 \(in 300\.000 s\) \| Wall\.Paint\n"));
        Assert.That(dump, Does.Match(@"\n  - #\d 'wall A' sleeping on timer at 00:30:00\.000 \(in 900\.000 s\) \| Wall\.Paint\n"));
    }

    [Test]
    public void TheDeadlockReport_NamesTheCycleBetweenTheHands()
    {
        string report = Unwrapped(Section("Deadlock on loop 'hands'", "loop.Close()"));

        Assert.That(report, Does.StartWith("Deadlock on loop 'hands': 2 tasks wait and nothing can wake them."));
        Assert.That(report, Does.Contain("'left hand' waiting on lock held by task 'right hand'"));
        Assert.That(report, Does.Contain("'right hand' waiting on lock held by task 'left hand'"));
        Assert.That(report, Does.Contain(
            "Cycle: 'left hand' -> lock held by 'right hand' -> 'right hand' -> lock held by 'left hand' -> 'left hand'"));
    }

    [Test]
    public void ClosingTheStuckLoop_RunsTheFinallyBlocksOfBothHands()
    {
        string closing = Section("loop.Close() cancels", "3. Debug mode");

        Assert.That(closing, Does.Contain("finally of 'left hand' ran: it put down the fork."));
        Assert.That(closing, Does.Contain("finally of 'right hand' ran: it put down the knife."));
        Assert.That(closing, Does.Contain("Close() returned 2 cancelled tasks."));
    }

    [Test]
    [Category("Timing")]
    public void TheWatchdog_ReportsTheBlockingStep_WhileItRunsAndWhenItEnded()
    {
        string running = Unwrapped(Section("While it ran", "When it ended"));

        Assert.That(running, Does.Match(@"step of task 'checksum' in Checksum still running after \d+ ms: it blocks loop 'debug'"));
        Match took = Regex.Match(Unwrapped(_output), @"step of task 'checksum' in Checksum took (\d+) ms and blocked loop 'debug'");
        Assert.That(took.Success, Is.True, _output);
        Assert.That(int.Parse(took.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(50));
    }

    [Test]
    public void EveryLine_FitsAn80ColumnTerminal()
    {
        foreach (string line in _output.Split('\n'))
        {
            Assert.That(line.Length, Is.LessThanOrEqualTo(80), line);
        }
    }
}
