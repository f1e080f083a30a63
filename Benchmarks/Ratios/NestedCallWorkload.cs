using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// W4 (<c>nested_call</c>): a coroutine that 100 times runs a child coroutine inline (the child yields once), here
/// 10,000 of them side by side so that one repetition makes a million calls.
/// </summary>
/// <remarks>
/// The figures are taken from the second call of each parent on: a task gets its frame stack (the trampoline's
/// arrays) lazily at its first <c>Co.Call</c> and keeps it, a one-off per task that is reported apart as
/// <c>first_call_bytes_per_task</c>. The child iterator the compiler creates per call is measured and subtracted.
/// </remarks>
internal static class NestedCallWorkload
{
    internal const int Parents = 10_000;
    internal const int Calls = 100;
    private const double TimedCalls = Parents * (double)(Calls - 1);

    internal static void Run(Report report)
    {
        var loop = new EventLoop(new ManualClock(), "w4");
        double childSize = ChildIteratorSize();
        var firstTick = new List<double>();

        List<Sample>[] samples = Measure.Interleaved(() => Engine(loop, firstTick));

        double ns = Measure.MedianNanoseconds(samples[0]);
        double rawBytes = Measure.MedianBytes(samples[0]);
        double bytes = rawBytes - childSize;
        firstTick.Sort();
        double firstCall = firstTick[firstTick.Count / 2] - childSize;

        report.Key("nested_call", "ns_per_call", ns);
        report.Key("nested_call", "engine_bytes_per_call", bytes);
        report.Key("nested_call", "child_iterator_bytes", childSize);
        report.Key("nested_call", "first_call_bytes_per_task", firstCall);

        const string name = "W4 nested_call";
        report.Row(name, "ns/call (child yields once)", Report.Format(ns), "-", "-", "-", null);
        report.Row(name, "engine bytes/call", Report.Format(bytes), "-", "-", "0", Measure.IsZeroBytes(bytes));
        report.Note(FormattableString.Invariant(
            $"W4: the child iterator ({childSize:F0} bytes, measured) is subtracted; a task's first Co.Call also allocates its frame stack once: {firstCall:F0} bytes per task."));
    }

    /// <summary>The bytes the compiler-generated child iterator allocates per call.</summary>
    private static double ChildIteratorSize()
    {
        const int count = 10_000;
        var keep = new IEnumerator<IAwaitable>[count];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++)
        {
            keep[i] = Coroutines.Child();
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(keep);
        return (after - before) / (double)count;
    }

    private static Sample Engine(EventLoop loop, List<double> firstTick)
    {
        for (int i = 0; i < Parents; i++)
        {
            loop.Start(Coroutines.Parent(Calls));
        }

        // Tick 1: every parent makes its first call (and gets its frame stack).
        long first = GC.GetAllocatedBytesForCurrentThread();
        loop.Tick();
        firstTick.Add((GC.GetAllocatedBytesForCurrentThread() - first) / (double)Parents);

        Measure.Settle();
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        while (loop.PendingTaskCount > 0)
        {
            loop.Tick();
        }

        long end = Stopwatch.GetTimestamp();
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        return new Sample(Measure.Nanoseconds(start, end) / TimedCalls, bytes / TimedCalls);
    }
}
