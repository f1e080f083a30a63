using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// W11 (<c>checkpoint</c>): a rollback frame's fixed cost. <see cref="EventLoop.Checkpoint(LoopCheckpoint)"/> into a
/// reused checkpoint then <see cref="EventLoop.Restore"/> from it, with 100,000 and with 1,000 coroutines parked in the
/// mix of <see cref="CheckpointScene"/> (sleepers, future waiters, nested calls, locals).
/// </summary>
/// <remarks>
/// <para>Figures (medians over the measured repetitions):</para>
/// <list type="bullet">
/// <item><c>ns_per_task</c>: checkpoint + restore at 100,000 parked, per coroutine (target: about 200 ns);
/// <c>checkpoint_ns_per_task</c> and <c>restore_ns_per_task</c> are its two halves.</item>
/// <item><c>us_at_1000</c>: checkpoint + restore of the whole loop at 1,000 parked, in microseconds (target: under
/// 200 µs, about 1 % of a 60 Hz frame).</item>
/// <item><c>bytes_per_task_reused</c>: <see cref="GC.GetAllocatedBytesForCurrentThread"/> over the checkpoints and
/// restores at 100,000, per coroutine per checkpoint + restore (target: 0; a reused checkpoint copies into the spares
/// it made at the warm-up capture).</item>
/// </list>
/// <para>The scene's constructor takes the first (allocating) capture, so every measured one is a reuse.</para>
/// </remarks>
internal static class CheckpointWorkload
{
    internal const int Large = 100_000;
    internal const int Small = 1_000;

    // Checkpoint + restore pairs per repetition: a repetition of either size takes roughly the same time.
    private const int LargeRounds = 5;
    private const int SmallRounds = 500;

    private static readonly List<double> s_checkpointNs = new();
    private static readonly List<double> s_restoreNs = new();

    internal static void Run(Report report)
    {
        var large = new CheckpointScene(Large);
        var small = new CheckpointScene(Small);
        s_checkpointNs.Clear();
        s_restoreNs.Clear();

        List<Sample>[] samples = Measure.Interleaved(
            () => Rounds(large, LargeRounds, record: true),
            () => Rounds(small, SmallRounds, record: false));

        double nsPerTask = Measure.MedianNanoseconds(samples[0]);
        double bytesPerTask = Measure.MedianBytes(samples[0]);
        double usAt1000 = Measure.MedianNanoseconds(samples[1]) * Small / 1_000;
        double bytesAt1000 = Measure.MedianBytes(samples[1]);
        int measured = samples[0].Count;
        double checkpointNs = Median(s_checkpointNs, measured);
        double restoreNs = Median(s_restoreNs, measured);
        int objects = large.Reused.ObjectCount;

        Check.Equal(Large, large.Loop.PendingTaskCount, "W11: tasks still parked at 100,000");
        Check.Equal(Small, small.Loop.PendingTaskCount, "W11: tasks still parked at 1,000");
        large.Loop.Close();
        small.Loop.Close();

        const string group = "checkpoint";
        report.Key(group, "ns_per_task", nsPerTask);
        report.Key(group, "checkpoint_ns_per_task", checkpointNs);
        report.Key(group, "restore_ns_per_task", restoreNs);
        report.Key(group, "us_at_1000", usAt1000);
        report.Key(group, "bytes_per_task_reused", bytesPerTask);
        report.Key(group, "objects_per_task", objects / (double)Large);

        const string name = "W11 checkpoint";
        report.Row(name, "ns/task, checkpoint + restore, 100k parked", Report.Format(nsPerTask), "-", "-", "<= 200", nsPerTask <= 200);
        report.Row(name, "µs, checkpoint + restore, 1,000 parked", Report.Format(usAt1000), "-", "-", "<= 200", usAt1000 <= 200);
        report.Row(name, "bytes/task, reused checkpoint, 100k / 1k", FormattableString.Invariant($"{Report.Format(bytesPerTask)} / {Report.Format(bytesAt1000)}"), "-", "-", "< 1",
            bytesPerTask < 1 && bytesAt1000 < 1);   // nothing per coroutine; a restore allocates a constant 32 bytes (its timeline record)
        report.Note(FormattableString.Invariant(
            $"W11: 100k parked (70% Co.Sleep, 15% future, 10% Co.Call child, 5% locals), {objects} objects in a checkpoint ({objects / (double)Large:F2} per task); checkpoint {checkpointNs:F0} + restore {restoreNs:F0} ns/task; median of {measured}."));
    }

    private static Sample Rounds(CheckpointScene scene, int rounds, bool record)
    {
        long checkpointTicks = 0;
        long restoreTicks = 0;
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < rounds; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            scene.Loop.Checkpoint(scene.Reused);
            long t1 = Stopwatch.GetTimestamp();
            scene.Loop.Restore(scene.Reused);
            long t2 = Stopwatch.GetTimestamp();
            checkpointTicks += t1 - t0;
            restoreTicks += t2 - t1;
        }

        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        double perTask = 1.0 / ((double)rounds * scene.Count);
        double checkpointNs = Measure.Nanoseconds(0, checkpointTicks) * perTask;
        double restoreNs = Measure.Nanoseconds(0, restoreTicks) * perTask;
        if (record)
        {
            s_checkpointNs.Add(checkpointNs);
            s_restoreNs.Add(restoreNs);
        }

        return new Sample(checkpointNs + restoreNs, bytes * perTask);
    }

    // The median of the last `measured` values (the repetitions after the warm-up).
    private static double Median(List<double> values, int measured)
    {
        double[] last = values.GetRange(values.Count - measured, measured).ToArray();
        Array.Sort(last);
        int mid = last.Length / 2;
        return last.Length % 2 == 1 ? last[mid] : (last[mid - 1] + last[mid]) / 2;
    }
}
