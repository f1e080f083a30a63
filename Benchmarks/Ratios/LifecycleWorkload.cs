using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using YieldLoop.Benchmarks.Peers;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// W9 (<c>lifecycle</c>): a coroutine's whole life. 1,000,000 coroutines, each yielding <see cref="Co.NextTick"/> 10
/// times, started on a new <see cref="EventLoop"/> and ticked until none is pending, timed from before the first
/// <see cref="EventLoop.Start"/> to after the last completion; beside it (a) the same iterators advanced round-robin
/// by <see cref="BareLoop"/>, (b) the same iterators on <see cref="NaiveScheduler"/>, a hand-rolled scheduler with no
/// checks, and (c) 1,000,000 <c>async</c> methods each awaiting <see cref="Task.Yield"/> 10 times on a new
/// <see cref="SingleThreadSynchronizationContext"/>.
/// </summary>
/// <remarks>
/// <para>Figures per repetition (the report gives the median of each over the measured repetitions):</para>
/// <list type="bullet">
/// <item><c>ns_per_resume</c>: the whole life (start, every step, completion) / (1M × 11). The same divisor for all
/// four variants, so that they compare the same work: each iterator's MoveNext is called 11 times (10 yields and
/// the call that ends it), and each async method body runs in 11 pieces (the call up to the first await, then 10
/// resumptions).</item>
/// <item><c>start_ns</c>, <c>start_bytes</c>: the 1M Start calls alone, timed as a separate section at the beginning
/// of the same repetition, per call. The iterators are all created before that section (into an array), so
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> over it counts only what Start allocates: the task, its
/// registry slot, its ready-queue entry and every array growth of the loop (a new loop per repetition, so the
/// growth of its queues and registry from empty to 1M is counted), with nothing to subtract. The naive peer's start
/// is the same (its task, future callback list and queue growth); the async peer's is the calls up to their first
/// await, which includes creating the state machine (the async counterpart of the iterator) and the growth of a new
/// context's queue.</item>
/// <item><c>complete_ns</c>: the extra cost of finishing, per coroutine. Every task ends in the same (last) tick, so
/// it is the time of that tick minus the median time of the ticks before it (which only resume), divided by 1M.</item>
/// <item>The bare loop is timed from the creation of its iterators (it has no start of its own:
/// <c>bare_start_ns</c> is the creation of an iterator), so its total includes the iterators' allocation, which
/// the engine's and the naive peer's totals do not (theirs are created before the timing starts).</item>
/// </list>
/// <para>A round of the four variants takes about 3 s on 2 cores (the async one and the engine's start dominate), so
/// W9 keeps the usual 3 warm-up and 7 measured repetitions: about 30 s in all, under a minute on a loaded machine.
/// <see cref="Measure.Settle"/> runs a full collection before every variant, and again after the iterators are
/// created and before the start is timed (so that the start does not pay for promoting them).</para>
/// </remarks>
internal static class LifecycleWorkload
{
    internal const int Count = 1_000_000;
    internal const int Yields = 10;

    // MoveNext calls per coroutine: one per yield plus the one that ends it. The divisor of every ns/resume figure.
    private const double Resumes = Count * (double)(Yields + 1);

    // Per-repetition figures beyond the Sample each variant returns; warm-up repetitions are recorded too and
    // dropped afterwards (the measured ones are the last ones).
    private static readonly List<Life> s_engine = new();
    private static readonly List<Life> s_naive = new();
    private static readonly List<Life> s_async = new();
    private static readonly List<Life> s_bare = new();

    internal static void Run(Report report)
    {
        // One array shared by the variants that run iterators (they run one after another); emptied after each run
        // so that no variant keeps the previous one's finished iterators alive.
        var iterators = new IEnumerator<IAwaitable>[Count];
        var tasks = new Task[Count];
        var tickNs = new double[Yields + 1];

        List<Sample>[] samples = Measure.Interleaved(
            () => Engine(iterators, tickNs),
            () => Naive(iterators, tickNs),
            () => Async(tasks),
            () => Bare(iterators));

        Life engine = Life.Median(s_engine, samples[0].Count);
        Life naive = Life.Median(s_naive, samples[1].Count);
        Life async = Life.Median(s_async, samples[2].Count);
        Life bare = Life.Median(s_bare, samples[3].Count);
        double ratio = engine.NsPerResume / naive.NsPerResume;
        double speedup = async.NsPerResume / engine.NsPerResume;

        const string group = "lifecycle";
        report.Key(group, "ns_per_resume", engine.NsPerResume);
        report.Key(group, "naive_ns_per_resume", naive.NsPerResume);
        report.Key(group, "ratio_to_naive", ratio);
        report.Key(group, "async_ns_per_resume", async.NsPerResume);
        report.Key(group, "speedup_vs_async", speedup);
        report.Key(group, "bare_ns_per_resume", bare.NsPerResume);
        report.Key(group, "start_ns", engine.StartNs);
        report.Key(group, "start_bytes", engine.StartBytes);
        report.Key(group, "complete_ns", engine.CompleteNs);
        report.Key(group, "naive_start_ns", naive.StartNs);
        report.Key(group, "naive_start_bytes", naive.StartBytes);
        report.Key(group, "naive_complete_ns", naive.CompleteNs);
        report.Key(group, "async_start_ns", async.StartNs);
        report.Key(group, "async_start_bytes", async.StartBytes);
        report.Key(group, "bare_start_ns", bare.StartNs);

        const string name = "W9 lifecycle";
        report.Row(name, "ns/resume, whole life, vs naive scheduler", Report.Format(engine.NsPerResume), Report.Format(naive.NsPerResume),
            Report.Format(ratio), "<= 1.0", ratio <= 1.0);
        report.Row(name, "ns/resume, whole life, vs async/Task.Yield", Report.Format(engine.NsPerResume), Report.Format(async.NsPerResume),
            Report.Format(speedup) + "x faster", ">= 2", speedup >= 2);
        report.Row(name, "ns/resume, whole life, vs bare loop", Report.Format(engine.NsPerResume), Report.Format(bare.NsPerResume),
            Report.Format(engine.NsPerResume / bare.NsPerResume), "-", null);
        report.Row(name, "ns per Start (1M on a new loop) vs naive", Report.Format(engine.StartNs), Report.Format(naive.StartNs),
            Report.Format(engine.StartNs / naive.StartNs), "<= 150", engine.StartNs <= 150);
        report.Row(name, "bytes per Start (all of them) vs naive", Report.Format(engine.StartBytes), Report.Format(naive.StartBytes),
            Report.Format(engine.StartBytes / naive.StartBytes), "<= 100", engine.StartBytes <= 100);
        report.Row(name, "ns per completion: last tick - median tick, /1M", Report.Format(engine.CompleteNs), Report.Format(naive.CompleteNs),
            "-", "-", null);   // the naive completion is about 0 (noise either side): no meaningful ratio
        report.Note(FormattableString.Invariant(
            $"W9: 1M coroutines x 10 yields, a new loop/scheduler/context per repetition, median of {samples[0].Count}; ns/resume = whole life / (1M x 11) for all four; async start {async.StartNs:F0} ns, {async.StartBytes:F0} bytes per call (state machine included); bare loop timed from iterator creation ({bare.StartNs:F0} ns, {bare.StartBytes:F0} bytes each, not in start_bytes); complete_ns = (last tick - median of the 10 ticks before) / 1M."));
    }

    private static void CreateIterators(IEnumerator<IAwaitable>[] iterators)
    {
        for (int i = 0; i < iterators.Length; i++)
        {
            iterators[i] = Coroutines.YieldNull(Yields);
        }
    }

    private static Sample Engine(IEnumerator<IAwaitable>[] iterators, double[] tickNs)
    {
        var loop = new EventLoop(new ManualClock(), "w9");
        CreateIterators(iterators);
        Measure.Settle();

        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < iterators.Length; i++)
        {
            loop.Start(iterators[i]);
        }

        long started = Stopwatch.GetTimestamp();
        long startBytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        int ticks = 0;
        long previous = started;
        while (loop.PendingTaskCount > 0)
        {
            loop.Tick();
            long now = Stopwatch.GetTimestamp();
            if (ticks < tickNs.Length)
            {
                tickNs[ticks] = Measure.Nanoseconds(previous, now);
            }

            ticks++;
            previous = now;
        }

        Check.Equal(Yields + 1, ticks, "W9: ticks to finish every coroutine");
        Check.Equal(Yields + 1, loop.TickCount, "W9: ticks of the loop");
        Array.Clear(iterators);
        return Record(s_engine, start, started, previous, startBytes, tickNs);
    }

    private static Sample Naive(IEnumerator<IAwaitable>[] iterators, double[] tickNs)
    {
        var scheduler = new NaiveScheduler();
        CreateIterators(iterators);
        Measure.Settle();

        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < iterators.Length; i++)
        {
            scheduler.Start(iterators[i]);
        }

        long started = Stopwatch.GetTimestamp();
        long startBytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        int ticks = 0;
        long previous = started;
        while (!scheduler.IsIdle)
        {
            scheduler.Tick();
            long now = Stopwatch.GetTimestamp();
            if (ticks < tickNs.Length)
            {
                tickNs[ticks] = Measure.Nanoseconds(previous, now);
            }

            ticks++;
            previous = now;
        }

        Check.Equal(Yields + 1, ticks, "W9(b): ticks of the naive scheduler to finish every coroutine");
        Array.Clear(iterators);
        return Record(s_naive, start, started, previous, startBytes, tickNs);
    }

    /// <summary>Records one repetition of the engine or the naive peer: the whole life, the start section, and the
    /// completion (the last tick minus the median of the ticks before it).</summary>
    private static Sample Record(List<Life> lives, long start, long started, long end, long startBytes, double[] tickNs)
    {
        double last = tickNs[^1];
        double resumeTick = Median(tickNs.AsSpan(0, tickNs.Length - 1));
        var life = new Life(
            Measure.Nanoseconds(start, end) / Resumes,
            Measure.Nanoseconds(start, started) / Count,
            startBytes / (double)Count,
            (last - resumeTick) / Count);
        lives.Add(life);
        return new Sample(life.NsPerResume, life.StartBytes);
    }

    private static Sample Async(Task[] tasks)
    {
        var context = new SingleThreadSynchronizationContext();
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            // Each call runs up to its first await, which posts the continuation to the context: that is the async
            // method's start. The rest is the 10 resumptions of each.
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < tasks.Length; i++)
            {
                tasks[i] = AsyncBaselines.YieldMany(Yields);
            }

            long started = Stopwatch.GetTimestamp();
            long startBytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
            int passes = 0;
            while (context.Pending > 0)
            {
                context.RunOnce();
                passes++;
            }

            long end = Stopwatch.GetTimestamp();
            Check.Equal(Yields, passes, "W9(c): passes of the context to finish every async method");
            Check.AllCompleted(tasks, "W9(c)");
            Array.Clear(tasks);
            var life = new Life(
                Measure.Nanoseconds(start, end) / Resumes,
                Measure.Nanoseconds(start, started) / Count,
                startBytes / (double)Count,
                double.NaN);
            s_async.Add(life);
            return new Sample(life.NsPerResume, life.StartBytes);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private static Sample Bare(IEnumerator<IAwaitable>[] iterators)
    {
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        CreateIterators(iterators);
        long created = Stopwatch.GetTimestamp();
        long createdBytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        int rounds = 0;
        while (BareLoop.Round(iterators))
        {
            rounds++;
        }

        long end = Stopwatch.GetTimestamp();
        Check.Equal(Yields, rounds, "W9(a): rounds of the bare loop");
        Array.Clear(iterators);
        var life = new Life(
            Measure.Nanoseconds(start, end) / Resumes,
            Measure.Nanoseconds(start, created) / Count,
            createdBytes / (double)Count,
            double.NaN);
        s_bare.Add(life);
        return new Sample(life.NsPerResume, life.StartBytes);
    }

    private static double Median(ReadOnlySpan<double> values)
    {
        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>One repetition's figures: nanoseconds per resume over the whole life, per start call, bytes per start
    /// call, and the extra nanoseconds of a completion (NaN where not measured).</summary>
    private readonly record struct Life(double NsPerResume, double StartNs, double StartBytes, double CompleteNs)
    {
        /// <summary>The median of each figure over the last <paramref name="measured"/> repetitions (the ones after
        /// the warm-up).</summary>
        internal static Life Median(List<Life> lives, int measured) => new(
            Pick(lives, measured, l => l.NsPerResume),
            Pick(lives, measured, l => l.StartNs),
            Pick(lives, measured, l => l.StartBytes),
            Pick(lives, measured, l => l.CompleteNs));

        private static double Pick(List<Life> lives, int measured, Func<Life, double> figure)
        {
            var values = new double[measured];
            for (int i = 0; i < measured; i++)
            {
                values[i] = figure(lives[lives.Count - measured + i]);
            }

            return LifecycleWorkload.Median(values);
        }
    }
}
