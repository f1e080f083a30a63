using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;
using YieldLoop.Demos;
using YieldLoop.Demos.Trace;

namespace YieldLoop.Tests.Demos;

[TestFixture]
public class DemoHostTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = DemoHost.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [TestCase("--help")]
    [TestCase("-h")]
    public void Help_ListsEveryDemo_WithItsDescription(string flag)
    {
        (int exitCode, string output, string error) = Run(flag);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(error, Is.Empty);
        Assert.That(output, Does.Contain("Usage: dotnet run --project Demos -- [demo]"));
        Assert.That(DemoCatalog.All, Is.Not.Empty);
        foreach (IDemo demo in DemoCatalog.All)
        {
            Assert.That(output, Does.Match($@"(?m)^  {demo.Name} +{Regex.Escape(demo.Description)}\r?$"));
        }
    }

    [Test]
    public void Help_ListsThePaintingDemo()
    {
        (_, string output, _) = Run("--help");

        Assert.That(output, Does.Contain("  painting  Blocking vs non-blocking: paint other walls while one dries."));
    }

    [Test]
    public void Help_FitsAn80ColumnTerminal()
    {
        (_, string output, _) = Run("--help");

        foreach (string line in output.Split('\n'))
        {
            Assert.That(line.TrimEnd('\r').Length, Is.LessThanOrEqualTo(80), line);
        }
    }

    [Test]
    public void AnUnknownDemo_PrintsTheList_AndExitsWithCode2()
    {
        (int exitCode, string output, string error) = Run("juggling");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.StartWith("There is no demo called 'juggling'."));
        Assert.That(error, Does.Contain("  painting  "));
    }

    [Test]
    public void NamingTwoDemos_IsAUsageError()
    {
        (int exitCode, _, string error) = Run("painting", "painting");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error, Does.StartWith("Name one demo at most."));
    }

    [TestCase("painting")]
    [TestCase("Painting")]
    public void ADemo_RunsByName_IgnoringCase(string name)
    {
        (int exitCode, string output, string error) = Run(name);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(error, Is.Empty);
        Assert.That(output, Does.StartWith("Painting walls: blocking vs non-blocking"));
    }

    [Test]
    public void ThePaintingDemo_Runs_WithNoDemoNamed()
    {
        (int exitCode, string output, _) = Run();

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output, Does.StartWith("Painting walls: blocking vs non-blocking"));
    }

    // One line per demo that shows it ran to its end with the right result, taken from the demo's own tests. A demo
    // added to the catalog without a line here fails EveryDemoInTheCatalog_HasAKeyLine.
    private static readonly Dictionary<string, string> KeyLines = new()
    {
        ["painting"] = @"(?m)^  Done after 110 min; the painter was busy 90 min of it \(82%\)\.\r?$",
        ["kitchen"] = @"(?m)^Orders served +4 of 6\r?$",
        ["offload"] = @"(?m)^Offloaded +longest frame +\d+ ms\r?$",
        ["tui"] = @"(?m)^tui: loaded 100%, 4 coroutines, \d+ ticks, \d+\.\d\d s\r?$",
        ["game"] = @"(?m)^game: 240 frames, ",
        ["trace"] = @"(?m)^  .*painting\.trace\.json\r?$",
        ["rollback"] = @"(?m)^match: yes\r?$",
    };

    private string _traceDirectory = string.Empty;
    private IReadOnlyList<IDemo> _demos = [];

    private static IEnumerable<string> DemoNames() => DemoCatalog.All.Select(demo => demo.Name);

    // The catalog, but with the trace demo writing into a directory of its own rather than the working directory.
    [OneTimeSetUp]
    public void MakeTheCatalogWriteIntoATemporaryDirectory()
    {
        _traceDirectory = Path.Combine(Path.GetTempPath(), "yieldloop-host-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_traceDirectory);
        _demos = DemoCatalog.All
            .Select(demo => demo is TraceDemo ? new TraceDemo(outputDirectory: _traceDirectory) : demo)
            .ToArray();
    }

    [OneTimeTearDown]
    public void DeleteTheTemporaryDirectory()
    {
        if (Directory.Exists(_traceDirectory))
        {
            Directory.Delete(_traceDirectory, recursive: true);
        }
    }

    [Test]
    public void EveryDemoInTheCatalog_HasAKeyLine()
    {
        Assert.That(KeyLines.Keys, Is.EquivalentTo(DemoNames()));
    }

    [TestCaseSource(nameof(DemoNames))]
    public void EveryDemo_RunsByNameWithoutATerminal_EndsByItself_AndPrintsItsKeyLine(string name)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = DemoHost.Run([name], output, error, menu: null, _demos);

        string text = output.ToString();
        Assert.That(exitCode, Is.EqualTo(0), text);
        Assert.That(error.ToString(), Is.Empty);
        Assert.That(text, Does.Match(KeyLines[name]));
        if (name == "trace")
        {
            Assert.That(File.Exists(Path.Combine(_traceDirectory, PaintingTrace.FileName)), Is.True, text);
        }
    }
}
