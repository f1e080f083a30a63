using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// W5 (<c>parked</c>): 1,000,000 tasks parked on a timer, then (a new loop) 1,000,000 parked on futures: heap bytes
/// per task beyond the user's iterator object and the user's future. W6 (<c>idle</c>): the cost of a tick that runs
/// one coroutine yielding null, with the million tasks still parked on futures, against a loop with none parked.
/// </summary>
/// <remarks>
/// <para>Heap bytes come from <see cref="GC.GetTotalMemory(bool)"/> deltas (full collections), so they include
/// everything the loop keeps for its tasks: the task objects, the loop's books of live tasks, and capacity the loop's
/// arrays and sets kept after starting a million tasks at once. The iterator and future sizes are measured the
/// same way, on a million live objects, and subtracted.</para>
/// <para>A second figure (<c>*_steady</c>) starts the same million in batches of 1,000 per tick, so that the ready
/// queue and the set of not-yet-started iterators never hold more than a batch: the difference between the two is
/// capacity left behind by the burst, not the cost of a parked task.</para>
/// </remarks>
internal static class ParkedWorkload
{
    internal const int Tasks = 1_000_000;
    internal const int Batch = 1_000;
    internal const int IdleTicks = 200_000;

    // The loop the futures of the size measurement belong to (they are never awaited).
    private static EventLoop? s_sizingLoop;

    internal static void Run(Report report)
    {
        double sleeperSize = Measure.HeapBytesPerObject(Tasks, _ => Coroutines.LongSleep());
        double waiterSize = Measure.HeapBytesPerObject(Tasks, _ => Coroutines.WaitFor(null!));
        double futureSize = Measure.HeapBytesPerObject(Tasks, _ => new FutureSource(Loop()));

        (double timerBurst, double timer) = TimerBytes(Tasks);
        timerBurst -= sleeperSize;
        timer -= sleeperSize;
        double timerSteady = TimerBytes(Batch).Trimmed - sleeperSize;

        var sources = new FutureSource[Tasks];
        EventLoop? parked = null;
        (double futureBurst, double future) = FutureBytes(sources, Tasks, ref parked);
        futureBurst -= waiterSize + futureSize;
        future -= waiterSize + futureSize;
        parked = null;
        Measure.Settle();
        double futureSteady = FutureBytes(sources, Batch, ref parked).Trimmed - waiterSize - futureSize;

        report.Key("parked", "timer_bytes", timer);
        report.Key("parked", "future_bytes", future);
        report.Key("parked", "timer_bytes_before_trim", timerBurst);
        report.Key("parked", "future_bytes_before_trim", futureBurst);
        report.Key("parked", "timer_bytes_steady", timerSteady);
        report.Key("parked", "future_bytes_steady", futureSteady);
        report.Key("parked", "iterator_bytes", sleeperSize);
        report.Key("parked", "future_source_bytes", futureSize);

        const string name = "W5 parked";
        report.Row(name, "heap bytes/task on a timer", Report.Format(timer), "-", "-", "<= 80", timer <= 80);
        report.Row(name, "heap bytes/task on a future", Report.Format(future), "-", "-", "<= 80", future <= 80);
        report.Row(name, "same, before loop.TrimExcess()", FormattableString.Invariant($"{Report.Format(timerBurst)} / {Report.Format(futureBurst)}"), "-", "-", "-", null);
        report.Row(name, "same, started 1,000 per tick", FormattableString.Invariant($"{Report.Format(timerSteady)} / {Report.Format(futureSteady)}"), "-", "-", "-", null);
        report.Note(FormattableString.Invariant(
            $"W5: subtracted per task, measured: iterator {sleeperSize:F0} bytes (timer), {waiterSize:F0} bytes (future); FutureSource + Future {futureSize:F0} bytes."));

        Idle(report, parked!, sources);
    }

    private static EventLoop Loop() => s_sizingLoop ??= new EventLoop(new ManualClock(), "w5-sizing");

    /// <summary>Starts a million sleepers (in batches of <paramref name="batch"/> per tick) and returns heap bytes per task.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (double Burst, double Trimmed) TimerBytes(int batch)
    {
        var loop = new EventLoop(new ManualClock(), "w5-timer");
        long before = GC.GetTotalMemory(true);
        for (int started = 0; started < Tasks; started += batch)
        {
            for (int i = 0; i < batch; i++)
            {
                loop.Start(Coroutines.LongSleep());
            }

            loop.Tick();
        }

        long burst = GC.GetTotalMemory(true);
        loop.TrimExcess();   // the queue capacity a burst of starts left behind is not per-task memory
        long after = GC.GetTotalMemory(true);
        Check.Equal(Tasks, loop.PendingTimerCount, "W5: tasks parked on a timer");
        GC.KeepAlive(loop);
        return ((burst - before) / (double)Tasks, (after - before) / (double)Tasks);
    }

    /// <summary>Starts a million tasks each waiting on its own future; keeps the loop for W6.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (double Burst, double Trimmed) FutureBytes(FutureSource[] sources, int batch, ref EventLoop? kept)
    {
        var loop = new EventLoop(new ManualClock(), "w5-future");
        Array.Clear(sources);
        long before = GC.GetTotalMemory(true);
        for (int started = 0; started < Tasks; started += batch)
        {
            for (int i = started; i < started + batch; i++)
            {
                var source = new FutureSource(loop);
                sources[i] = source;
                loop.Start(Coroutines.WaitFor(source.Future));
            }

            loop.Tick();
        }

        long burst = GC.GetTotalMemory(true);
        loop.TrimExcess();
        long after = GC.GetTotalMemory(true);
        Check.Equal(Tasks, loop.PendingTaskCount, "W5: tasks parked on a future");
        kept = loop;
        return ((burst - before) / (double)Tasks, (after - before) / (double)Tasks);
    }

    /// <summary>W6: ticks of one spinning coroutine with a million tasks parked on futures, against none parked.</summary>
    private static void Idle(Report report, EventLoop parked, FutureSource[] sources)
    {
        var empty = new EventLoop(new ManualClock(), "w6-empty");
        parked.Start(Coroutines.Spin());
        empty.Start(Coroutines.Spin());

        List<Sample>[] samples = Measure.Interleaved(
            () => Ticks(parked),
            () => Ticks(empty));

        double withParked = Measure.MedianNanoseconds(samples[0]);
        double without = Measure.MedianNanoseconds(samples[1]);
        double ratio = withParked / without;

        report.Key("idle", "tick_ratio", ratio);
        report.Key("idle", "tick_ns_parked", withParked);
        report.Key("idle", "tick_ns_empty", without);
        report.Key("idle", "bytes_per_tick", Measure.MedianBytes(samples[0]));
        report.Row("W6 idle", "ns/tick, 1M parked vs none", Report.Format(withParked), Report.Format(without), Report.Format(ratio), "<= 1.5", ratio <= 1.5);
        Check.Equal(Tasks + 1, parked.PendingTaskCount, "W6: tasks still parked");
        GC.KeepAlive(sources);
    }

    private static Sample Ticks(EventLoop loop)
    {
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < IdleTicks; i++)
        {
            loop.Tick();
        }

        long end = Stopwatch.GetTimestamp();
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        return new Sample(Measure.Nanoseconds(start, end) / IdleTicks, bytes / (double)IdleTicks);
    }
}
