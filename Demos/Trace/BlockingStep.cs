using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Threading;

namespace YieldLoop.Demos.Trace;

/// <summary>
/// The third part of the trace demo: debug mode's watchdog catches a step that blocks the loop. A task hashes data for
/// <see cref="WorkTime"/> in one step, without yielding; with a <see cref="Threshold"/> well below that, the watchdog
/// reports it while it runs (from its own thread) and again when it ends (on the loop thread). The step goes on past
/// <see cref="WorkTime"/> until the first report is in: on a loaded machine the watchdog thread may wait a while for a
/// core, and the demo should show both reports all the same.
/// </summary>
/// <remarks>This part runs in real time: the blocking work is real CPU work, measured with a stopwatch.</remarks>
internal static class BlockingStep
{
    /// <summary>The name of the task whose step blocks.</summary>
    public const string TaskName = "checksum";

    /// <summary>How long the blocking step computes.</summary>
    public static readonly TimeSpan WorkTime = TimeSpan.FromMilliseconds(150);

    /// <summary>The slow-step threshold of debug mode in this example.</summary>
    public static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(50);

    // How long to wait, after the run, for a report the watchdog thread may still be delivering.
    private static readonly TimeSpan ReportGrace = TimeSpan.FromSeconds(1);

    // How long the step waits at most, past WorkTime, for the watchdog's report while it runs: only a watchdog that
    // never reports ends the step by this bound.
    private static readonly TimeSpan ReportGuard = TimeSpan.FromSeconds(30);

    /// <summary>Runs the example and prints the watchdog's reports.</summary>
    /// <param name="output">Where to print.</param>
    /// <returns>The reports that arrived: one while the step ran and one when it ended.</returns>
    public static IReadOnlyList<SlowStepReport> Run(TextWriter output)
    {
        var loop = new EventLoop(new ManualClock { AutoJump = true }, "debug");

        // The handler is called on the watchdog thread for a step still running, so the reports are collected under a
        // lock and printed from this thread once the run is over.
        var gate = new object();
        var reports = new List<SlowStepReport>();
        int reportedWhileRunning = 0;
        loop.Diagnostics.SlowStepThreshold = Threshold;
        loop.Diagnostics.SlowStepHandler = report =>
        {
            lock (gate)
            {
                reports.Add(report);
                Monitor.PulseAll(gate);
            }

            if (!report.IsFinished)
            {
                Volatile.Write(ref reportedWhileRunning, 1);
            }
        };
        loop.Diagnostics.DebugMode = true;
        LoopTask task = loop.Start(Checksum(() => Volatile.Read(ref reportedWhileRunning) != 0), TaskName);
        loop.RunUntilIdle();

        SlowStepReport[] received;
        lock (gate)
        {
            var waited = Stopwatch.StartNew();
            while (reports.Count < 2 && waited.Elapsed < ReportGrace)
            {
                Monitor.Wait(gate, ReportGrace - waited.Elapsed);
            }

            received = reports.ToArray();
        }

        loop.Close();   // stops the watchdog thread
        task.GetResult();

        Write(output, "While it ran (from the watchdog thread):", received, finished: false);
        Write(output, "When it ended (on the loop thread):", received, finished: true);
        return received;
    }

    // One step: no yield between the start of the work and its end, so nothing else on the loop runs meanwhile. It
    // computes for WorkTime, and on until the watchdog has reported it (a signal, bounded by ReportGuard).
    private static IEnumerator<IAwaitable> Checksum(Func<bool> reportedWhileRunning)
    {
        yield return Co.NextTick;
        var block = new byte[4096];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < WorkTime || (!reportedWhileRunning() && clock.Elapsed < ReportGuard))
        {
            SHA256.HashData(block, block.AsSpan(0, 32));   // chain: each digest feeds the next block
        }
    }

    private static void Write(TextWriter output, string title, SlowStepReport[] reports, bool finished)
    {
        output.WriteLine(title);
        bool any = false;
        foreach (SlowStepReport report in reports)
        {
            if (report.IsFinished == finished)
            {
                EngineText.Write(output, report.ToString());
                any = true;
            }
        }

        if (!any)
        {
            output.WriteLine("  (no report arrived)");
        }
    }
}
