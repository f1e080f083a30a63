using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// W8 (<c>scale</c>): 1,000,000 coroutines each yielding null 10 times and then ending: all finish in 11 ticks, and
/// afterwards the loop holds no reference to them (weak references to every task and every iterator).
/// </summary>
internal static class ScaleWorkload
{
    internal const int Count = 1_000_000;
    internal const int Yields = 10;

    internal static void Run(Report report)
    {
        var loop = new EventLoop(new ManualClock(), "w8");
        var weak = new WeakReference[2 * Count];
        StartAll(loop, weak);

        long start = Stopwatch.GetTimestamp();
        long ticks = 0;
        while (loop.PendingTaskCount > 0)
        {
            loop.Tick();
            ticks++;
        }

        double ns = Measure.Nanoseconds(start, Stopwatch.GetTimestamp()) / (Count * (double)(Yields + 1));

        Measure.Settle();
        int leaked = 0;
        foreach (WeakReference reference in weak)
        {
            if (reference.IsAlive)
            {
                leaked++;
            }
        }

        GC.KeepAlive(loop);   // the loop itself stays alive: what it holds is what is checked

        report.Key("scale", "ticks", ticks);
        report.Key("scale", "leaked", leaked);
        report.Key("scale", "ns_per_resume", ns);
        report.Row("W8 scale", "ticks for 1M x 10 yields", ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), "-", "-", "11", ticks == Yields + 1);
        report.Row("W8 scale", "tasks+iterators still reachable", leaked.ToString(System.Globalization.CultureInfo.InvariantCulture), "-", "-", "0", leaked == 0);
    }

    /// <summary>Starts the coroutines keeping only weak references (no stack slot of the caller keeps one alive).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StartAll(EventLoop loop, WeakReference[] weak)
    {
        for (int i = 0; i < Count; i++)
        {
            IEnumerator<IAwaitable> iterator = Coroutines.YieldNull(Yields);
            LoopTask task = loop.Start(iterator);
            weak[2 * i] = new WeakReference(iterator);
            weak[(2 * i) + 1] = new WeakReference(task);
        }
    }
}
