using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// W10 (<c>autojump</c>): N coroutines, each sleeping 20 times for a seeded uniform random duration in [0, 10) ms, run by
/// <see cref="EventLoop.RunUntilIdle"/> on a <see cref="ManualClock"/> with <see cref="ManualClock.AutoJump"/> (the clock
/// jumps to each next deadline), at N = 25,000, 50,000 and 100,000; beside it the same work on a manual clock stepped
/// by hand 0.1 ms per tick. The cost per resume must not grow with N (finding the next deadline is O(log n), not a scan
/// of the timers): growth per doubling of N at most 1.3, and at most 3 times the stepped run at 100,000.
/// </summary>
internal static class AutoJumpWorkload
{
    internal const int Sleeps = 20;
    internal const int Seed = 20_241_207;
    private static readonly int[] Counts = { 25_000, 50_000, 100_000 };
    private static readonly long Step = TimeSpan.TicksPerMillisecond / 10;

    internal static void Run(Report report)
    {
        // Every size and both runs in one interleaved measurement, so that the growth from one size to the next compares
        // repetitions made under the same load (on a busy machine the load changes over a minute).
        var variants = new Func<Sample>[2 * Counts.Length];
        for (int c = 0; c < Counts.Length; c++)
        {
            int count = Counts[c];
            long[] durations = Durations(count);
            long largest = LargestTotal(durations, count);
            var done = new int[count];
            var jumpClock = new ManualClock { AutoJump = true };
            var jumpLoop = new EventLoop(jumpClock, "w10-jump");
            var stepClock = new ManualClock();
            var stepLoop = new EventLoop(stepClock, "w10-step");
            variants[2 * c] = () => AutoJump(jumpLoop, jumpClock, durations, done, largest);
            variants[(2 * c) + 1] = () => Stepped(stepLoop, stepClock, durations, done, largest);
        }

        List<Sample>[] samples = Measure.Interleaved(variants);
        var jumped = new double[Counts.Length];
        for (int c = 0; c < Counts.Length; c++)
        {
            jumped[c] = Measure.MedianNanoseconds(samples[2 * c]);
            double stepped = Measure.MedianNanoseconds(samples[(2 * c) + 1]);
            string size = (Counts[c] / 1000).ToString(CultureInfo.InvariantCulture) + "k";
            report.Key("autojump", "ns_per_resume_" + size, jumped[c]);
            double ratio = jumped[c] / stepped;
            bool last = c == Counts.Length - 1;
            report.Row("W10 autojump", "ns/resume at " + size + " vs stepped 0.1 ms", Report.Format(jumped[c]), Report.Format(stepped),
                Report.Format(ratio), last ? "<= 3" : "-", last ? ratio <= 3 : null);
            if (last)
            {
                report.Key("autojump", "ratio_to_stepped", ratio);
                report.Key("autojump", "stepped_ns_per_resume_100k", stepped);
            }
        }

        double growth = Math.Max(jumped[1] / jumped[0], jumped[2] / jumped[1]);
        double bytes = Measure.MedianBytes(samples[^2]);
        report.Key("autojump", "growth_per_doubling", growth);
        report.Key("autojump", "bytes_per_resume_100k", bytes);
        report.Row("W10 autojump", "growth per doubling of N (25k-100k)", Report.Format(growth), "-", "-", "<= 1.3", growth <= 1.3);
        report.Row("W10 autojump", "bytes/resume at 100k", Report.Format(bytes), "-", "-", "0", Measure.IsZeroBytes(bytes));
    }

    /// <summary>The sleep durations in 100 ns ticks, uniform in [0, 10) ms, the same in every run.</summary>
    private static long[] Durations(int count)
    {
#pragma warning disable CA5394 // A seeded generator is the point: every run sleeps the same durations.
        var random = new Random(Seed);
        var durations = new long[count * Sleeps];
        for (int i = 0; i < durations.Length; i++)
        {
            durations[i] = (long)(random.NextDouble() * 10 * TimeSpan.TicksPerMillisecond);
        }
#pragma warning restore CA5394

        return durations;
    }

    private static long LargestTotal(long[] durations, int count)
    {
        long largest = 0;
        for (int i = 0; i < count; i++)
        {
            long total = 0;
            for (int k = 0; k < Sleeps; k++)
            {
                total += durations[(i * Sleeps) + k];
            }

            largest = Math.Max(largest, total);
        }

        return largest;
    }

    /// <summary>Sleeps its 20 durations, counting each wake-up in <paramref name="done"/> (the check that the work ran).</summary>
    private static IEnumerator<IAwaitable> Sleeper(long[] durations, int[] done, int id)
    {
        for (int k = 0; k < Sleeps; k++)
        {
            yield return Co.Sleep(new TimeSpan(durations[(id * Sleeps) + k]));
            done[id]++;
        }
    }

    private static void Start(EventLoop loop, long[] durations, int[] done)
    {
        Array.Clear(done);
        for (int i = 0; i < done.Length; i++)
        {
            loop.Start(Sleeper(durations, done, i));
        }

        Measure.Settle();
    }

    private static Sample AutoJump(EventLoop loop, ManualClock clock, long[] durations, int[] done, long largest)
    {
        Start(loop, durations, done);
        long origin = clock.Now.Ticks;   // the sleepers start in the first tick, at this time
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        loop.RunUntilIdle();
        long end = Stopwatch.GetTimestamp();
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        Verify(loop, done, "W10: auto-jump");
        Check.Equal(largest, clock.Now.Ticks - origin, "W10: auto-jump: the clock ends at the largest total sleep");
        double resumes = done.Length * (double)(Sleeps + 1);
        return new Sample(Measure.Nanoseconds(start, end) / resumes, bytes / resumes);
    }

    private static Sample Stepped(EventLoop loop, ManualClock clock, long[] durations, int[] done, long largest)
    {
        Start(loop, durations, done);
        long origin = clock.Now.Ticks;
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        loop.Tick();   // starts the sleepers at 'origin', as the auto-jumping run's first tick does
        while (loop.PendingTaskCount > 0)
        {
            clock.Advance(TimeSpan.FromTicks(Step));
            loop.Tick();
        }

        long end = Stopwatch.GetTimestamp();
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        Verify(loop, done, "W10: stepped");
        Check.AtLeast(largest, clock.Now.Ticks - origin, "W10: stepped: the clock ends at or after the largest total sleep (each sleep starts on a step)");
        double resumes = done.Length * (double)(Sleeps + 1);
        return new Sample(Measure.Nanoseconds(start, end) / resumes, bytes / resumes);
    }

    private static void Verify(EventLoop loop, int[] done, string what)
    {
        Check.Equal(0, loop.PendingTaskCount, what + ": tasks still pending");
        for (int i = 0; i < done.Length; i++)
        {
            Check.Equal(Sleeps, done[i], what + ": sleeps completed by coroutine " + i.ToString(CultureInfo.InvariantCulture));
        }
    }
}
