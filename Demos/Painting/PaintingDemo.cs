using System;
using System.Globalization;
using System.IO;
using Spectre.Console;

namespace YieldLoop.Demos.Painting;

/// <summary>
/// Blocking vs non-blocking, with paint: the same job runs twice on an <see cref="EventLoop"/>, once waiting for
/// every coat to dry, once painting another wall meanwhile, and the timelines show why the second wins.
/// </summary>
/// <remarks>
/// In an interactive ANSI terminal the timelines are drawn as colored charts with Spectre.Console
/// (<see cref="TimelineChart"/>); anywhere else (a pipe, a file, a <see cref="StringWriter"/> in tests) they are the
/// plain-text rows of <see cref="Timeline.WriteTo"/>. The text around them and every figure are the same either way.
/// </remarks>
internal sealed class PaintingDemo : IDemo
{
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

        output.WriteLine("Painting walls: blocking vs non-blocking");
        output.WriteLine();
        output.WriteLine($"{job.WallCount} walls need {job.CoatCount} coats each. The one painter paints a coat in {Minutes(job.PaintTime)};");
        output.WriteLine($"then it must dry for {Minutes(job.DryTime)} before the next coat goes on. The same job runs");
        output.WriteLine("twice on a YieldLoop EventLoop, on a simulated clock.");
        output.WriteLine();

        output.WriteLine("Blocking: one task paints the walls in turn, and waits for each coat to dry");
        output.WriteLine("before doing anything else:  yield return Co.Call(PaintWall(wall));");
        output.WriteLine();
        PaintingRun blocking = job.RunBlocking();
        WriteRun(output, chart, blocking, "Blocking");

        output.WriteLine("Non-blocking: one task per wall:  loop.Start(PaintWall(wall));");
        output.WriteLine("While a wall dries, its task sleeps, and the loop runs another wall's task.");
        output.WriteLine();
        PaintingRun nonBlocking = job.RunNonBlocking();
        WriteRun(output, chart, nonBlocking, "Non-blocking");

        if (chart is null)
        {
            output.WriteLine($"P = painting, d = drying, . = idle or waiting; one column = {Minutes(PaintingJob.Step)}.");
        }
        else
        {
            output.Flush();
            chart.Write(TimelineChart.Legend(PaintingJob.Step, chart.Profile.Capabilities.Unicode));
        }

        output.WriteLine("The Painter row shows which wall he is painting.");
        output.WriteLine();

        double speedUp = blocking.Total / nonBlocking.Total;
        output.WriteLine($"Blocking      {Minutes(blocking.Total),8}");
        output.WriteLine($"Non-blocking  {Minutes(nonBlocking.Total),8}   {speedUp.ToString("0.00", CultureInfo.InvariantCulture)} times as fast");
        output.WriteLine();
        output.WriteLine($"The painting takes {Minutes(nonBlocking.PainterBusy)} either way. Blocking adds every wait for paint to");
        output.WriteLine("dry on top; non-blocking waits for one wall while it paints the others.");
        return 0;
    }

    private static void WriteRun(TextWriter output, IAnsiConsole? chart, PaintingRun run, string title)
    {
        if (chart is null)
        {
            run.Timeline.WriteTo(output, PaintingJob.Step);
        }
        else
        {
            // The chart console and output are one stream in a terminal: flush the text first to keep the order.
            output.Flush();
            chart.Write(TimelineChart.Create(run.Timeline, PaintingJob.Step, title, chart.Profile.Capabilities.Unicode));
        }

        int busy = (int)Math.Round(100 * (run.PainterBusy / run.Total));
        output.WriteLine($"  Done after {Minutes(run.Total)}; the painter was busy {Minutes(run.PainterBusy)} of it ({busy}%).");
        output.WriteLine();
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
