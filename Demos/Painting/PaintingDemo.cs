using System;
using System.Globalization;
using System.IO;
using Spectre.Console;

namespace YieldLoop.Demos.Painting;

/// <summary>
/// Blocking vs non-blocking, with paint and a radio: the same job runs three times on an <see cref="EventLoop"/>
/// beside a radio that plays a beat every minute. Blocking, the painter's step waits for the paint to dry without
/// yielding, and the radio falls silent; sequential, he yields while paint dries, the radio plays on, but the walls are
/// still done one after another; concurrent, a task per wall lets him paint another wall meanwhile. The timelines
/// show all three.
/// </summary>
/// <remarks>
/// In an interactive ANSI terminal the timelines are drawn as colored charts with Spectre.Console
/// (<see cref="TimelineChart"/>); anywhere else (a pipe, a file, a <see cref="StringWriter"/> in tests) they are the
/// plain-text rows of <see cref="Timeline.WriteTo"/>. The text around them and every figure are the same either way.
/// </remarks>
internal sealed class PaintingDemo : IDemo
{
    /// <summary>The title of the blocking run, and its line in the summary.</summary>
    public const string BlockingTitle = "(a) Blocking";

    /// <summary>The title of the non-blocking, sequential run, and its line in the summary.</summary>
    public const string SequentialTitle = "(b) Sequential";

    /// <summary>The title of the concurrent run, and its line in the summary.</summary>
    public const string ConcurrentTitle = "(c) Concurrent";

    private readonly IAnsiConsole? _chartConsole;

    /// <summary>Creates the demo.</summary>
    /// <param name="chartConsole">Where to draw the timelines as charts. When null (as in the catalog), the demo
    /// draws them on <see cref="AnsiConsole.Console"/> if it writes to the console and that is an interactive ANSI
    /// terminal, and prints the plain chart otherwise. Tests give a <c>TestConsole</c>.</param>
    public PaintingDemo(IAnsiConsole? chartConsole = null)
    {
        _chartConsole = chartConsole;
    }

    /// <inheritdoc/>
    public string Name => "painting";

    /// <inheritdoc/>
    public string Description => "Blocking vs non-blocking: paint other walls while one dries.";

    /// <inheritdoc/>
    public int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        PaintingJob job = PaintingJob.Default;
        IAnsiConsole? chart = _chartConsole ?? ChartConsoleFor(output);

        output.WriteLine("Painting walls: blocking vs non-blocking, sequential vs concurrent");
        output.WriteLine();
        output.WriteLine($"{job.WallCount} walls need {job.CoatCount} coats each. The one painter paints a coat in {Minutes(job.PaintTime)};");
        output.WriteLine($"then it must dry for {Minutes(job.DryTime)} before the next coat goes on. On the same YieldLoop");
        output.WriteLine("EventLoop, a radio (a coroutine of its own) plays a beat every minute. The job");
        output.WriteLine("runs three times, on a simulated clock that ticks the loop once a minute.");
        output.WriteLine();

        output.WriteLine(BlockingTitle + ": the step waits for paint to dry, without yielding.");
        output.WriteLine("    Thread.Sleep(dryTime);   The loop is stuck: the radio falls silent.");
        output.WriteLine();
        PaintingRun blocking = job.RunBlocking();
        WriteRun(output, chart, blocking, BlockingTitle);

        output.WriteLine(SequentialTitle + ": one task yields while paint dries; walls go one by one.");
        output.WriteLine("    yield return Co.Sleep(dryTime);   The radio plays on; the painter waits.");
        output.WriteLine();
        PaintingRun sequential = job.RunSequential();
        WriteRun(output, chart, sequential, SequentialTitle);

        output.WriteLine(ConcurrentTitle + ": a task per wall; while one dries, he paints another.");
        output.WriteLine("    loop.Start(PaintWall(wall));   The radio plays on; the walls overlap.");
        output.WriteLine();
        PaintingRun concurrent = job.RunConcurrent();
        WriteRun(output, chart, concurrent, ConcurrentTitle);

        if (chart is null)
        {
            output.WriteLine(TimelineLegend);
        }
        else
        {
            output.Flush();
            chart.Write(TimelineChart.Legend(PaintingJob.ColumnTime, chart.Profile.Capabilities.Unicode));
        }

        output.WriteLine("The Painter row shows which wall he is painting.");
        output.WriteLine();

        output.WriteLine($"{string.Empty,-15}{"total",9}{"radio played",15}{"while paint dried",18}");
        WriteSummary(output, BlockingTitle, blocking, speedUp: null);
        WriteSummary(output, SequentialTitle, sequential, speedUp: null);
        WriteSummary(output, ConcurrentTitle, concurrent, speedUp: blocking.Total / concurrent.Total);
        output.WriteLine();
        output.WriteLine("Blocking and sequential take as long: one task waits for every coat either way.");
        output.WriteLine("But only blocking stops the loop: while paint dries, nothing else runs.");
        output.WriteLine($"Concurrent is faster: the painting takes {Minutes(concurrent.PainterBusy)} in every run, and here the");
        output.WriteLine("painter paints one wall while the others dry.");
        return 0;
    }

    /// <summary>Gets the legend of the plain timelines (a chart has its own, <see cref="TimelineChart.Legend"/>).</summary>
    public static string TimelineLegend { get; } =
        $"P painting  d drying  r radio playing  . idle or silent; a column = {Minutes(PaintingJob.ColumnTime)}.";

    private static void WriteRun(TextWriter output, IAnsiConsole? chart, PaintingRun run, string title)
    {
        if (chart is null)
        {
            run.Timeline.WriteTo(output, PaintingJob.ColumnTime);
        }
        else
        {
            // The chart console and output are one stream in a terminal: flush the text first to keep the order.
            output.Flush();
            chart.Write(TimelineChart.Create(run.Timeline, PaintingJob.ColumnTime, title, chart.Profile.Capabilities.Unicode));
        }

        int busy = (int)Math.Round(100 * (run.PainterBusy / run.Total));
        Timeline timeline = run.Timeline;
        output.WriteLine($"  Done after {Minutes(run.Total)}; the painter was busy {Minutes(run.PainterBusy)} of it ({busy}%).");
        output.WriteLine($"  The radio played in {timeline.RadioSteps} of {timeline.Steps} minutes, "
            + $"in {timeline.RadioStepsWhileDrying} of the {timeline.DryingSteps} while paint dried.");
        output.WriteLine();
    }

    private static void WriteSummary(TextWriter output, string title, PaintingRun run, double? speedUp)
    {
        Timeline timeline = run.Timeline;
        string radio = $"{timeline.RadioSteps} min";
        string whileDrying = $"{timeline.RadioStepsWhileDrying} of {timeline.DryingSteps} min";
        string faster = speedUp is { } times
            ? $"   {times.ToString("0.00", CultureInfo.InvariantCulture)} times as fast"
            : string.Empty;
        output.WriteLine($"{title,-15}{Minutes(run.Total),9}{radio,15}{whileDrying,18}{faster}");
    }
    // The console draws the chart only when this demo prints to the console itself, the terminal is interactive
    // (no pipe or file on either end) and understands ANSI colors: a chart in a log file would be escape codes.
    private static IAnsiConsole? ChartConsoleFor(TextWriter output)
    {
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected || Console.IsInputRedirected)
        {
            return null;
        }

        IAnsiConsole console = AnsiConsole.Console;
        return console.Profile.Capabilities is { Ansi: true, Interactive: true } ? console : null;
    }

    private static string Minutes(TimeSpan time) =>
        time.TotalMinutes.ToString(CultureInfo.InvariantCulture) + " min";
}
