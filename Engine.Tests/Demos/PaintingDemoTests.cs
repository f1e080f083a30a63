using System;
using System.IO;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Spectre.Console.Testing;
using YieldLoop.Demos.Painting;

namespace YieldLoop.Tests.Demos;

[TestFixture]
public class PaintingDemoTests
{
    // The demo's job: 3 walls, 3 coats, 10 minutes to paint a coat, 20 minutes to dry.
    private const int Walls = 3;
    private const int Coats = 3;
    private const int PaintMinutes = 10;
    private const int DryMinutes = 20;

    private static (int ExitCode, string Output) RunDemo()
    {
        using var output = new StringWriter();
        int exitCode = new PaintingDemo().Run(output);
        return (exitCode, output.ToString());
    }

    private static int PrintedTotal(string output, string run)
    {
        Match match = Regex.Match(output, "^" + run + @" +(\d+) min", RegexOptions.Multiline);
        Assert.That(match.Success, Is.True, $"The demo prints no total for the {run} run:\n{output}");
        return int.Parse(match.Groups[1].Value);
    }

    [Test]
    public void TheDemo_EndsByItself_WithExitCode0()
    {
        (int exitCode, string output) = RunDemo();

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output, Does.Contain("Blocking").And.Contain("Non-blocking"));
    }

    [Test]
    public void NonBlocking_FinishesSoonerThanBlocking()
    {
        (_, string output) = RunDemo();

        Assert.That(PrintedTotal(output, "Non-blocking"), Is.LessThan(PrintedTotal(output, "Blocking")));
    }

    [Test]
    public void ThePrintedTotals_MatchTheModel()
    {
        (_, string output) = RunDemo();

        // Blocking: every coat is painted, then waited for.
        Assert.That(PrintedTotal(output, "Blocking"), Is.EqualTo(Walls * Coats * (PaintMinutes + DryMinutes)));
        // Non-blocking, by hand: a coat dries (20) while the painter does the other two walls (2 x 10), so he never
        // waits; the job is all the painting (9 x 10) plus the drying of the last coat (20).
        Assert.That(PrintedTotal(output, "Non-blocking"), Is.EqualTo((Walls * Coats * PaintMinutes) + DryMinutes).And.EqualTo(110));
        Assert.That(output, Does.Contain("2.45 times as fast"));
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

    [Test]
    public void Blocking_PaintsTheWallsOneAfterAnother_AndWaitsForEveryCoatToDry()
    {
        PaintingRun run = PaintingJob.Default.RunBlocking();

        Assert.That(run.Total, Is.EqualTo(TimeSpan.FromMinutes(270)));
        Assert.That(run.PainterBusy, Is.EqualTo(TimeSpan.FromMinutes(90)));
        Assert.That(run.Timeline.WallRow(0), Is.EqualTo("PPddddPPddddPPdddd...................................."));
        Assert.That(run.Timeline.WallRow(1), Is.EqualTo("..................PPddddPPddddPPdddd.................."));
        Assert.That(run.Timeline.WallRow(2), Is.EqualTo("....................................PPddddPPddddPPdddd"));
        Assert.That(run.Timeline.PainterRow, Is.EqualTo("AA....AA....AA....BB....BB....BB....CC....CC....CC...."));
    }

    [Test]
    public void NonBlocking_PaintsAnotherWall_WhileOneDries()
    {
        PaintingRun run = PaintingJob.Default.RunNonBlocking();

        Assert.That(run.Total, Is.EqualTo(TimeSpan.FromMinutes(110)));
        Assert.That(run.Timeline.WallRow(0), Is.EqualTo("PPddddPPddddPPdddd...."));
        Assert.That(run.Timeline.WallRow(1), Is.EqualTo("..PPddddPPddddPPdddd.."));
        Assert.That(run.Timeline.WallRow(2), Is.EqualTo("....PPddddPPddddPPdddd"));
        Assert.That(run.Timeline.PainterRow, Is.EqualTo("AABBCCAABBCCAABBCC...."));
    }

    [Test]
    public void NonBlockingPainter_Waits_WhenEveryWallIsDrying()
    {
        // 2 walls, 2 coats, 10 to paint, 30 to dry. By hand: A 0-10, B 10-20; A is dry at 40, so the painter
        // waits 20-40; A 40-50, B 50-60; B's last coat is dry at 90. Blocking: 2 x 2 x (10 + 30) = 160.
        var job = new PaintingJob(2, 2, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30));

        PaintingRun nonBlocking = job.RunNonBlocking();
        PaintingRun blocking = job.RunBlocking();

        Assert.That(nonBlocking.Total, Is.EqualTo(TimeSpan.FromMinutes(90)));
        Assert.That(nonBlocking.Timeline.PainterRow, Is.EqualTo("AABB....AABB......"));
        Assert.That(nonBlocking.Timeline.WallRow(1), Is.EqualTo("..PPddddddPPdddddd"));
        Assert.That(blocking.Total, Is.EqualTo(TimeSpan.FromMinutes(160)));
    }

    [Test]
    public void ASingleWall_GainsNothingFromNonBlocking()
    {
        // With one wall there is nothing else to do while it dries: both runs take 2 x (10 + 20).
        var job = new PaintingJob(1, 2, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20));

        Assert.That(job.RunNonBlocking().Total, Is.EqualTo(TimeSpan.FromMinutes(60)));
        Assert.That(job.RunBlocking().Total, Is.EqualTo(TimeSpan.FromMinutes(60)));
    }

    [Test]
    public void AJobWhoseTimesAreNotWholeSteps_IsRejected()
    {
        Assert.That(() => new PaintingJob(3, 3, TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(20)),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("paintTime"));
    }

    // ---- the chart, in a terminal -------------------------------------------------------------------------------

    [TestCase(true, "██▒▒▒▒██▒▒▒▒██▒▒▒▒····", "··██▒▒▒▒██▒▒▒▒██▒▒▒▒··", "█ painting   ▒ drying   · idle or waiting")]
    [TestCase(false, "PPddddPPddddPPdddd....", "..PPddddPPddddPPdddd..", "P painting   d drying   . idle or waiting")]
    public void TheTimelines_AreCharts_AndTheFiguresStayTheSame_OnAnANSIConsole(
        bool unicode, string wallA, string wallB, string legend)
    {
        using var console = new TestConsole().SupportsAnsi(true).SupportsUnicode(unicode).Width(80);
        using var output = new StringWriter();

        int exitCode = new PaintingDemo(chartConsole: console).Run(output);

        string text = output.ToString();
        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(text, Does.Not.Contain("  Wall A   "), "the plain rows give way to the chart");
        Assert.That(text, Does.Not.Contain("P = painting"), "the plain legend gives way to the chart's");
        Assert.That(text, Does.Contain("  Done after 270 min; the painter was busy 90 min of it (33%)."));
        Assert.That(text, Does.Contain("  Done after 110 min; the painter was busy 90 min of it (82%)."));
        Assert.That(text, Does.Contain("2.45 times as fast"));
        Assert.That(console.Output, Does.Contain("Blocking").And.Contain("Non-blocking"));
        Assert.That(console.Output, Does.Contain($"Wall A   {wallA} "), "the non-blocking run, wall A");
        Assert.That(console.Output, Does.Contain($"Wall B   {wallB} "), "the non-blocking run, wall B");
        Assert.That(console.Output, Does.Contain("Painter  AABBCCAABBCCAABBCC"));
        Assert.That(console.Output, Does.Contain($"{legend}; one column = 5 min."));
        foreach (string line in console.Lines)
        {
            Assert.That(line.TrimEnd().Length, Is.LessThanOrEqualTo(80), line);
        }
    }

    [Test]
    public void TheChart_HasThePlainChartsRowsAndScale()
    {
        PaintingRun run = PaintingJob.Default.RunBlocking();
        using var console = new TestConsole().SupportsUnicode(false).Width(80);

        console.Write(TimelineChart.Create(run.Timeline, PaintingJob.Step, "Blocking", unicode: false));

        using var plain = new StringWriter();
        run.Timeline.WriteTo(plain, PaintingJob.Step);
        string[] rows = plain.ToString().ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.That(console.Lines, Has.Count.EqualTo(rows.Length + 2), "a row each, in a box");
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.That(console.Lines[i + 1], Does.Contain(rows[i].Trim()));
        }
    }
}
