using System;
using System.Globalization;
using System.IO;

namespace YieldLoop.Demos.Painting;

/// <summary>
/// Blocking vs non-blocking, with paint: the same job runs twice on an <see cref="EventLoop"/>, once waiting for
/// every coat to dry, once painting another wall meanwhile, and the timelines show why the second wins.
/// </summary>
internal sealed class PaintingDemo : IDemo
{
    /// <inheritdoc/>
    public string Name => "painting";

    /// <inheritdoc/>
    public string Description => "Blocking vs non-blocking: paint other walls while one dries.";

    /// <inheritdoc/>
    public int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        PaintingJob job = PaintingJob.Default;

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
        WriteRun(output, blocking);

        output.WriteLine("Non-blocking: one task per wall:  loop.Start(PaintWall(wall));");
        output.WriteLine("While a wall dries, its task sleeps, and the loop runs another wall's task.");
        output.WriteLine();
        PaintingRun nonBlocking = job.RunNonBlocking();
        WriteRun(output, nonBlocking);

        output.WriteLine($"P = painting, d = drying, . = idle or waiting; one column = {Minutes(PaintingJob.Step)}.");
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

    private static void WriteRun(TextWriter output, PaintingRun run)
    {
        run.Timeline.WriteTo(output, PaintingJob.Step);
        int busy = (int)Math.Round(100 * (run.PainterBusy / run.Total));
        output.WriteLine($"  Done after {Minutes(run.Total)}; the painter was busy {Minutes(run.PainterBusy)} of it ({busy}%).");
        output.WriteLine();
    }

    private static string Minutes(TimeSpan time) =>
        time.TotalMinutes.ToString(CultureInfo.InvariantCulture) + " min";
}
