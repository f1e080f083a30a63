using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// W1 (<c>next_tick</c>): 100,000 coroutines, each yielding null 100 times, driven by <see cref="EventLoop.Tick"/>;
/// beside it (a) the same iterators advanced round-robin by a bare loop, and (c) 100,000 <c>async</c> methods each
/// awaiting <see cref="Task.Yield"/> 100 times on a single-threaded <see cref="SynchronizationContext"/>.
/// </summary>
internal static class NextTickWorkload
{
    internal const int Count = 100_000;
    internal const int Yields = 100;

    // One MoveNext per yield plus the last one that ends the iterator.
    private const double Resumes = Count * (double)(Yields + 1);

    // Bytes per resume in the ticks before the last one (no task ends there), one sample per repetition.
    private static readonly List<Sample> s_steadyBytes = new();

    /// <summary>Runs W1 and returns the engine's nanoseconds per resume (for W7).</summary>
    internal static double Run(Report report)
    {
        // One loop for every repetition: the measured state is the steady state of a warm loop, whose queue
        // arrays have already grown (a new loop would count their growth as bytes per resume).
        var loop = new EventLoop(new ManualClock(), "w1");
        var context = new SingleThreadSynchronizationContext();
        var iterators = new IEnumerator<IAwaitable>[Count];

        List<Sample>[] samples = Measure.Interleaved(
            () => Engine(loop),
            () => Bare(iterators),
            () => Async(context));

        double engine = Measure.MedianNanoseconds(samples[0]);
        double bare = Measure.MedianNanoseconds(samples[1]);
        double async = Measure.MedianNanoseconds(samples[2]);
        double bytes = Measure.MedianBytes(samples[0]);
        double steadyBytes = Measure.MedianBytes(s_steadyBytes);
        double ratio = engine / bare;
        double speedup = async / engine;

        report.Key("next_tick", "ns_per_resume", engine);
        report.Key("next_tick", "bare_ns_per_resume", bare);
        report.Key("next_tick", "ratio_to_bare", ratio);
        report.Key("next_tick", "async_ns_per_resume", async);
        report.Key("next_tick", "speedup_vs_async", speedup);
        report.Key("next_tick", "bytes_per_resume", bytes);
        report.Key("next_tick", "steady_bytes_per_resume", steadyBytes);
        report.Key("next_tick", "async_bytes_per_resume", Measure.MedianBytes(samples[2]));

        const string name = "W1 next_tick";
        report.Row(name, "ns/resume vs bare loop", Report.Format(engine), Report.Format(bare), Report.Format(ratio), "<= 2.0", ratio <= 2.0);
        report.Row(name, "ns/resume vs async/Task.Yield", Report.Format(engine), Report.Format(async), Report.Format(speedup) + "x faster", ">= 7", speedup >= 7);
        report.Row(name, "bytes/resume", Report.Format(bytes), "-", "-", "0", Measure.IsZeroBytes(bytes));
        report.Row(name, "bytes/resume, ticks before the last", Report.Format(steadyBytes), "-", "-", "-", null);
        return engine;
    }

    private static Sample Engine(EventLoop loop)
    {
        for (int i = 0; i < Count; i++)
        {
            loop.Start(Coroutines.YieldNull(Yields));
        }

        Measure.Settle();
        long ticks = loop.TickCount;
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        long beforeLastTick = bytes;
        while (loop.PendingTaskCount > 0)
        {
            beforeLastTick = GC.GetAllocatedBytesForCurrentThread();
            loop.Tick();
        }

        long end = Stopwatch.GetTimestamp();
        long after = GC.GetAllocatedBytesForCurrentThread();
        Check.Equal(Yields + 1, loop.TickCount - ticks, "W1: ticks to finish every coroutine");

        // The last tick is where every task ends; the ticks before it only resume.
        s_steadyBytes.Add(new Sample(0, (beforeLastTick - bytes) / (Count * (double)Yields)));
        return new Sample(Measure.Nanoseconds(start, end) / Resumes, (after - bytes) / Resumes);
    }

    private static Sample Bare(IEnumerator<IAwaitable>[] iterators)
    {
        for (int i = 0; i < iterators.Length; i++)
        {
            iterators[i] = Coroutines.YieldNull(Yields);
        }

        Measure.Settle();
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        int rounds = 0;
        while (BareLoop.Round(iterators))
        {
            rounds++;
        }

        long end = Stopwatch.GetTimestamp();
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        Check.Equal(Yields, rounds, "W1: rounds of the bare loop");
        return new Sample(Measure.Nanoseconds(start, end) / Resumes, bytes / Resumes);
    }

    private static Sample Async(SingleThreadSynchronizationContext context)
    {
        var tasks = new Task[Count];
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            // Each call runs up to its first await, which posts the continuation: the timed part is the 100
            // resumptions of each method, the same count the engine's ticks make after the first step.
            for (int i = 0; i < tasks.Length; i++)
            {
                tasks[i] = AsyncBaselines.YieldMany(Yields);
            }

            Measure.Settle();
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            while (context.Pending > 0)
            {
                context.RunOnce();
            }

            long end = Stopwatch.GetTimestamp();
            bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
            Check.AllCompleted(tasks, "W1(c)");
            const double asyncResumes = Count * (double)Yields;
            return new Sample(Measure.Nanoseconds(start, end) / asyncResumes, bytes / asyncResumes);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }
}
