using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using Nito.AsyncEx;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// The <c>nito</c> peer: W1's workload (100,000 coroutines each yielding 100 times) as 100,000 <c>async</c> methods
/// each awaiting <see cref="Task.Yield"/> 100 times inside Nito.AsyncEx's <see cref="AsyncContext.Run(Func{Task})"/>,
/// a real single-threaded context that applications use (package <c>Nito.AsyncEx.Context</c>), beside the engine's W1
/// figure. A peer: <c>--no-peers</c> skips it.
/// </summary>
/// <remarks>
/// The timed part is the whole <c>AsyncContext.Run</c>: each method's first run up to its first await (where it
/// allocates its state machine) and its 100 resumptions, so it is divided by 101 runs per method, the count the
/// engine's W1 figure divides by (each coroutine's first step and 100 resumes). The engine starts its tasks before the
/// timing, <c>AsyncContext.Run</c> cannot be entered without starting them: the difference is the 100,000 method
/// calls, a small share of 10,100,000 runs.
/// </remarks>
internal static class NitoPeer
{
    private const int WarmUps = 1;
    private const int Repetitions = 3;

    private const double Runs = NextTickWorkload.Count * (double)(NextTickWorkload.Yields + 1);

    internal static void Run(Report report, double engineNsPerResume)
    {
        var tasks = new Task[NextTickWorkload.Count];
        // One repetition takes about 20 seconds here (10 million continuations at about 2 µs): one warm-up (which
        // also brings the state machines to tier-1 code) and the median of three keep the peer within about a minute.
        List<Sample>[] samples = Measure.Interleaved(WarmUps, Repetitions, () => Nito(tasks));
        double nito = Measure.MedianNanoseconds(samples[0]);
        double bytes = Measure.MedianBytes(samples[0]);
        double speedup = nito / engineNsPerResume;

        report.Key("nito", "ns_per_resume", nito);
        report.Key("nito", "speedup", speedup);
        report.Key("nito", "bytes_per_resume", bytes);
        report.Row("nito", "W1 ns/resume vs Nito AsyncContext", Report.Format(engineNsPerResume), Report.Format(nito), Report.Format(speedup) + "x faster", "-", null);
        report.Note(FormattableString.Invariant(
            $"nito: Nito.AsyncEx.Context 5.1.2, AsyncContext.Run over 100,000 async methods awaiting Task.Yield() 100 times; {bytes:F1} bytes per run; the median of {Repetitions} repetitions after {WarmUps} warm-up."));
    }

    private static Sample Nito(Task[] tasks)
    {
        Measure.Settle();
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        AsyncContext.Run(() => StartAll(tasks));
        long end = Stopwatch.GetTimestamp();
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        Check.AllCompleted(tasks, "nito");
        return new Sample(Measure.Nanoseconds(start, end) / Runs, bytes / Runs);
    }

    private static Task StartAll(Task[] tasks)
    {
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = AsyncBaselines.YieldMany(NextTickWorkload.Yields);
        }

        return Task.WhenAll(tasks);
    }
}
