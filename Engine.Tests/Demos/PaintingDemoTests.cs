using System;
using System.IO;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Spectre.Console.Testing;
using YieldLoop.Demos;
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

    // A line of the summary table: the run's title, its total, the radio's minutes, and "x of y min" while drying.
    private static Match SummaryLine(string output, string title)
    {
        Match match = Regex.Match(output, "^" + Regex.Escape(title) + @" +(\d+) min +(\d+) min +(\d+) of (\d+) min", RegexOptions.Multiline);
        Assert.That(match.Success, Is.True, $"The demo prints no summary line for {title}:\n{output}");
        return match;
    }

    private static int Group(Match match, int group) => int.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public void TheDemo_EndsByItself_WithExitCode0_AndShowsTheThreeCases()
    {
        (int exitCode, string output) = RunDemo();

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output, Does.Contain("(a) Blocking: the step waits for paint to dry, without yielding."));
        Assert.That(output, Does.Contain("(b) Sequential: one task yields while paint dries; walls go one by one."));
        Assert.That(output, Does.Contain("(c) Concurrent: a task per wall; while one dries, he paints another."));
        Assert.That(Regex.Matches(output, @"(?m)^  Radio    [r.]+\r?$"), Has.Count.EqualTo(3), "a timeline with a radio row for each case");
    }

    [Test]
    public void TheRadio_IsSilentWhilePaintDries_OnlyWhenTheStepBlocks()
    {
        (_, string output) = RunDemo();

        Match blocking = SummaryLine(output, PaintingDemo.BlockingTitle);
        Match sequential = SummaryLine(output, PaintingDemo.SequentialTitle);
        Match concurrent = SummaryLine(output, PaintingDemo.ConcurrentTitle);

        // Blocking: not one beat while paint dries; it plays only while the painter paints (90 of 270 min).
        Assert.That(Group(blocking, 3), Is.Zero);
        Assert.That(Group(blocking, 4), Is.EqualTo(Walls * Coats * DryMinutes));
        Assert.That(Group(blocking, 2), Is.EqualTo(Walls * Coats * PaintMinutes));
        // Sequential and concurrent: a beat in every minute, drying or not.
        foreach (Match run in new[] { sequential, concurrent })
        {
            Assert.That(Group(run, 3), Is.EqualTo(Group(run, 4)).And.Positive, run.Value);
            Assert.That(Group(run, 2), Is.EqualTo(Group(run, 1)), run.Value);
        }
    }

    [Test]
    public void ThePrintedTotals_MatchTheModel()
    {
        (_, string output) = RunDemo();

        // Blocking and sequential: every coat is painted, then waited for.
        int blocking = Group(SummaryLine(output, PaintingDemo.BlockingTitle), 1);
        int sequential = Group(SummaryLine(output, PaintingDemo.SequentialTitle), 1);
        int concurrent = Group(SummaryLine(output, PaintingDemo.ConcurrentTitle), 1);
        Assert.That(blocking, Is.EqualTo(Walls * Coats * (PaintMinutes + DryMinutes)));
        Assert.That(sequential, Is.EqualTo(blocking));
        // Concurrent, by hand: a coat dries (20) while the painter does the other two walls (2 x 10), so he never
        // waits; the job is all the painting (9 x 10) plus the drying of the last coat (20).
        Assert.That(concurrent, Is.EqualTo((Walls * Coats * PaintMinutes) + DryMinutes).And.EqualTo(110));
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
    public void Blocking_SilencesTheRadio_WhileEachCoatDries()
    {
        PaintingRun run = PaintingJob.Default.RunBlocking();

        Assert.That(run.Total, Is.EqualTo(TimeSpan.FromMinutes(270)));
        Assert.That(run.PainterBusy, Is.EqualTo(TimeSpan.FromMinutes(90)));
        Assert.That(run.Timeline.WallRow(0), Is.EqualTo("PPddddPPddddPPdddd...................................."));
        Assert.That(run.Timeline.WallRow(1), Is.EqualTo("..................PPddddPPddddPPdddd.................."));
        Assert.That(run.Timeline.WallRow(2), Is.EqualTo("....................................PPddddPPddddPPdddd"));
        Assert.That(run.Timeline.PainterRow, Is.EqualTo("AA....AA....AA....BB....BB....BB....CC....CC....CC...."));
        Assert.That(run.Timeline.RadioRow, Is.EqualTo("rr....rr....rr....rr....rr....rr....rr....rr....rr...."));
        Assert.That(run.Timeline.Steps, Is.EqualTo(270));
        Assert.That(run.Timeline.RadioSteps, Is.EqualTo(90));
        Assert.That(run.Timeline.DryingSteps, Is.EqualTo(180));
        Assert.That(run.Timeline.RadioStepsWhileDrying, Is.Zero);
    }

    [Test]
    public void Sequential_PaintsTheWallsOneAfterAnother_WhileTheRadioPlaysOn()
    {
        PaintingRun run = PaintingJob.Default.RunSequential();

        Assert.That(run.Total, Is.EqualTo(TimeSpan.FromMinutes(270)));
        Assert.That(run.PainterBusy, Is.EqualTo(TimeSpan.FromMinutes(90)));
        Assert.That(run.Timeline.WallRow(0), Is.EqualTo("PPddddPPddddPPdddd...................................."));
        Assert.That(run.Timeline.WallRow(1), Is.EqualTo("..................PPddddPPddddPPdddd.................."));
        Assert.That(run.Timeline.WallRow(2), Is.EqualTo("....................................PPddddPPddddPPdddd"));
        Assert.That(run.Timeline.PainterRow, Is.EqualTo("AA....AA....AA....BB....BB....BB....CC....CC....CC...."));
        Assert.That(run.Timeline.RadioRow, Is.EqualTo(new string('r', 54)));
        Assert.That(run.Timeline.RadioSteps, Is.EqualTo(270));
        Assert.That(run.Timeline.RadioStepsWhileDrying, Is.EqualTo(180).And.EqualTo(run.Timeline.DryingSteps));
    }

    [Test]
    public void Concurrent_PaintsAnotherWall_WhileOneDries_AndTheRadioPlaysOn()
    {
        PaintingRun run = PaintingJob.Default.RunConcurrent();

        Assert.That(run.Total, Is.EqualTo(TimeSpan.FromMinutes(110)));
        Assert.That(run.Timeline.WallRow(0), Is.EqualTo("PPddddPPddddPPdddd...."));
        Assert.That(run.Timeline.WallRow(1), Is.EqualTo("..PPddddPPddddPPdddd.."));
        Assert.That(run.Timeline.WallRow(2), Is.EqualTo("....PPddddPPddddPPdddd"));
        Assert.That(run.Timeline.PainterRow, Is.EqualTo("AABBCCAABBCCAABBCC...."));
        Assert.That(run.Timeline.RadioRow, Is.EqualTo(new string('r', 22)));
        Assert.That(run.Timeline.RadioSteps, Is.EqualTo(110));
        Assert.That(run.Timeline.RadioStepsWhileDrying, Is.EqualTo(100).And.EqualTo(run.Timeline.DryingSteps));
    }

    [Test]
    public void ConcurrentPainter_Waits_WhenEveryWallIsDrying()
    {
        // 2 walls, 2 coats, 10 to paint, 30 to dry. By hand: A 0-10, B 10-20; A is dry at 40, so the painter
        // waits 20-40; A 40-50, B 50-60; B's last coat is dry at 90. Blocking: 2 x 2 x (10 + 30) = 160.
        var job = new PaintingJob(2, 2, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30));

        PaintingRun concurrent = job.RunConcurrent();
        PaintingRun sequential = job.RunSequential();
        PaintingRun blocking = job.RunBlocking();

        Assert.That(concurrent.Total, Is.EqualTo(TimeSpan.FromMinutes(90)));
        Assert.That(concurrent.Timeline.PainterRow, Is.EqualTo("AABB....AABB......"));
        Assert.That(concurrent.Timeline.WallRow(1), Is.EqualTo("..PPddddddPPdddddd"));
        Assert.That(sequential.Total, Is.EqualTo(TimeSpan.FromMinutes(160)));
        Assert.That(blocking.Total, Is.EqualTo(TimeSpan.FromMinutes(160)));
        Assert.That(blocking.Timeline.RadioStepsWhileDrying, Is.Zero);
        Assert.That(blocking.Timeline.RadioSteps, Is.EqualTo(40), "the radio plays only while the painter paints");
    }

    [Test]
    public void ASingleWall_GainsNothingFromConcurrency_ButStillKeepsTheRadioPlaying()
    {
        // With one wall there is nothing else to paint while it dries: all runs take 2 x (10 + 20).
        var job = new PaintingJob(1, 2, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20));

        Assert.That(job.RunConcurrent().Total, Is.EqualTo(TimeSpan.FromMinutes(60)));
        Assert.That(job.RunSequential().Total, Is.EqualTo(TimeSpan.FromMinutes(60)));
        PaintingRun blocking = job.RunBlocking();
        Assert.That(blocking.Total, Is.EqualTo(TimeSpan.FromMinutes(60)));
        Assert.That(blocking.Timeline.RadioSteps, Is.EqualTo(20));
        Assert.That(job.RunConcurrent().Timeline.RadioSteps, Is.EqualTo(60));
    }

    [Test]
    public void ABlockOfSimulatedTime_OutsideWholeSteps_IsRejected()
    {
        var time = new SimulatedTime(TimeSpan.FromMinutes(1), "test");

        Assert.That(() => time.Block(TimeSpan.FromSeconds(90)),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("duration"));
        time.Loop.Close();
    }

    [Test]
    public void AJobWhoseTimesAreNotWholeColumns_IsRejected()
    {
        Assert.That(() => new PaintingJob(3, 3, TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(20)),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("paintTime"));
    }

    // ---- the chart, in a terminal -------------------------------------------------------------------------------

    [TestCase(true, "██▒▒▒▒██▒▒▒▒██▒▒▒▒····", "··██▒▒▒▒██▒▒▒▒██▒▒▒▒··", "♪♪····♪♪····♪♪····♪♪····",
        "█ painting  ▒ drying  ♪ radio playing  · idle or silent")]
    [TestCase(false, "PPddddPPddddPPdddd....", "..PPddddPPddddPPdddd..", "rr....rr....rr....rr....",
        "P painting  d drying  r radio playing  . idle or silent")]
    public void TheTimelines_AreCharts_AndTheFiguresStayTheSame_OnAnANSIConsole(
        bool unicode, string wallA, string wallB, string silentRadio, string legend)
    {
        using var console = new TestConsole().SupportsAnsi(true).SupportsUnicode(unicode).Width(80);
        using var output = new StringWriter();

        int exitCode = new PaintingDemo(chartConsole: console).Run(output);

        string text = output.ToString();
        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(text, Does.Not.Contain("  Wall A   "), "the plain rows give way to the chart");
        Assert.That(text, Does.Not.Contain(PaintingDemo.TimelineLegend), "the plain legend gives way to the chart's");
        Assert.That(text, Does.Contain("  Done after 270 min; the painter was busy 90 min of it (33%)."));
        Assert.That(text, Does.Contain("  Done after 110 min; the painter was busy 90 min of it (82%)."));
        Assert.That(text, Does.Contain("  The radio played in 90 of 270 minutes, in 0 of the 180 while paint dried."));
        Assert.That(text, Does.Contain("2.45 times as fast"));
        Assert.That(console.Output, Does.Contain(PaintingDemo.BlockingTitle).And.Contain(PaintingDemo.SequentialTitle)
            .And.Contain(PaintingDemo.ConcurrentTitle));
        Assert.That(console.Output, Does.Contain($"Wall A   {wallA} "), "the concurrent run, wall A");
        Assert.That(console.Output, Does.Contain($"Wall B   {wallB} "), "the concurrent run, wall B");
        Assert.That(console.Output, Does.Contain($"Radio    {silentRadio}"), "the blocking run's radio");
        Assert.That(console.Output, Does.Contain("Painter  AABBCCAABBCCAABBCC"));
        Assert.That(console.Output, Does.Contain($"{legend}; a column = 5 min."));
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

        console.Write(TimelineChart.Create(run.Timeline, PaintingJob.ColumnTime, "Blocking", unicode: false));

        using var plain = new StringWriter();
        run.Timeline.WriteTo(plain, PaintingJob.ColumnTime);
        string[] rows = plain.ToString().ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.That(console.Lines, Has.Count.EqualTo(rows.Length + 2), "a row each, in a box");
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.That(console.Lines[i + 1], Does.Contain(rows[i].Trim()));
        }
    }
}
