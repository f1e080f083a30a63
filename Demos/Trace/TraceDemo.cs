using System;
using System.IO;

namespace YieldLoop.Demos.Trace;

/// <summary>
/// Seeing what coroutines do: a timeline of the painting job written as a Chrome trace, a dump of the live task tree
/// in the middle of it, a deadlock found and named, and debug mode's watchdog catching a step that blocks the loop.
/// </summary>
internal sealed class TraceDemo : IDemo
{
    private readonly string? _outputDirectory;

    /// <summary>Creates the demo.</summary>
    /// <param name="outputDirectory">Where to write <see cref="PaintingTrace.FileName"/>; the current directory when
    /// null (tests give a temporary one).</param>
    public TraceDemo(string? outputDirectory = null)
    {
        _outputDirectory = outputDirectory;
    }

    /// <inheritdoc/>
    public string Name => "trace";

    /// <inheritdoc/>
    public string Description => "Diagnostics: a trace file, a live dump, a deadlock, a watchdog.";

    /// <inheritdoc/>
    public int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("Tracing coroutines: a timeline, a live dump, a deadlock, a watchdog");
        output.WriteLine();
        output.WriteLine("Everything here comes from loop.Diagnostics. Each part runs its own loop.");
        output.WriteLine();

        output.WriteLine("1. A timeline of the painting job");
        output.WriteLine();
        output.WriteLine($"{PaintingTrace.Walls.Count} walls need {PaintingTrace.Coats} coats each, a task per wall. A coat keeps the painter busy");
        output.WriteLine($"{PaintingTrace.PaintTime.TotalMinutes} min, then dries {PaintingTrace.DryTime.TotalMinutes} min. The painter is a CoLock: a wall holds it");
        output.WriteLine("while it is painted. The loop's manual clock jumps to the next timer when");
        output.WriteLine("nothing is ready, so the job runs in milliseconds. Before it starts:");
        output.WriteLine("  TimelineRecorder recorder = loop.Diagnostics.StartTimeline();");
        output.WriteLine();
        new PaintingTrace(output).Run(_outputDirectory ?? Directory.GetCurrentDirectory());
        output.WriteLine();

        output.WriteLine("2. A deadlock, on purpose");
        output.WriteLine();
        output.WriteLine($"'{Hands.LeftHand}' takes the fork, '{Hands.RightHand}' takes the knife; a second later each");
        output.WriteLine("reaches for the other's. Neither lets go, so neither gets it.");
        output.WriteLine();
        bool stuck = Hands.Run(output);
        output.WriteLine();

        output.WriteLine("3. Debug mode: the watchdog catches a step that blocks the loop");
        output.WriteLine();
        output.WriteLine($"loop.Diagnostics.DebugMode = true, with SlowStepThreshold = {BlockingStep.Threshold.TotalMilliseconds} ms. The task");
        output.WriteLine($"'{BlockingStep.TaskName}' hashes data for {BlockingStep.WorkTime.TotalMilliseconds} ms of real time in one step, without");
        output.WriteLine("yielding, so no other coroutine could run meanwhile.");
        output.WriteLine();
        bool caught = false;
        foreach (SlowStepReport report in BlockingStep.Run(output))
        {
            caught |= report.IsFinished;
        }

        return stuck && caught ? 0 : 1;
    }
}
