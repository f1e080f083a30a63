using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// W2 (<c>sleep</c>): 100,000 coroutines, each sleeping 20 times for a seeded uniform random duration in [0, 10) ms,
/// on a manual clock advanced 1 ms per tick; beside it (a) the bare loop at the same N and K.
/// </summary>
internal static class SleepWorkload
{
    internal const int Count = 100_000;
    internal const int Sleeps = 20;
    internal const int Seed = 20_241_129;
    private const double Resumes = Count * (double)(Sleeps + 1);

    /// <summary>Runs W2 and returns the engine's nanoseconds per resume (for W7).</summary>
    internal static double Run(Report report)
    {
        long[] durations = Durations();
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "w2");
        var iterators = new IEnumerator<IAwaitable>[Count];

        List<Sample>[] samples = Measure.Interleaved(
            () => Engine(loop, clock, durations),
            () => Bare(iterators, durations));

        double engine = Measure.MedianNanoseconds(samples[0]);
        double bare = Measure.MedianNanoseconds(samples[1]);
        double bytes = Measure.MedianBytes(samples[0]);
        double ratio = engine / bare;

        report.Key("sleep", "ns_per_resume", engine);
        report.Key("sleep", "bare_ns_per_resume", bare);
        report.Key("sleep", "ratio_to_bare", ratio);
        report.Key("sleep", "bytes_per_resume", bytes);

        const string name = "W2 sleep";
        report.Row(name, "ns/resume vs bare loop", Report.Format(engine), Report.Format(bare), Report.Format(ratio), "<= 30", ratio <= 30);
        report.Row(name, "bytes/resume", Report.Format(bytes), "-", "-", "0", Measure.IsZeroBytes(bytes));
        return engine;
    }

    /// <summary>The sleep durations in 100 ns ticks, uniform in [0, 10) ms, the same in every run.</summary>
    internal static long[] Durations()
    {
#pragma warning disable CA5394 // A seeded generator is the point: every run sleeps the same durations.
        var random = new Random(Seed);
        var durations = new long[Count * Sleeps];
        for (int i = 0; i < durations.Length; i++)
        {
            durations[i] = (long)(random.NextDouble() * 10 * TimeSpan.TicksPerMillisecond);
        }
#pragma warning restore CA5394

        return durations;
    }

    private static Sample Engine(EventLoop loop, ManualClock clock, long[] durations)
    {
        for (int i = 0; i < Count; i++)
        {
            loop.Start(Coroutines.Sleeper(durations, i * Sleeps, Sleeps));
        }

        Measure.Settle();
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        while (loop.PendingTaskCount > 0)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            loop.Tick();
        }

        long end = Stopwatch.GetTimestamp();
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        return new Sample(Measure.Nanoseconds(start, end) / Resumes, bytes / Resumes);
    }

    private static Sample Bare(IEnumerator<IAwaitable>[] iterators, long[] durations)
    {
        for (int i = 0; i < iterators.Length; i++)
        {
            iterators[i] = Coroutines.Sleeper(durations, i * Sleeps, Sleeps);
        }

        Measure.Settle();
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        int rounds = 0;
        while (BareLoop.SleepRound(iterators))
        {
            rounds++;
        }

        long end = Stopwatch.GetTimestamp();
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        Check.Equal(Sleeps, rounds, "W2: rounds of the bare loop");
        return new Sample(Measure.Nanoseconds(start, end) / Resumes, bytes / Resumes);
    }
}
