#if NET
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// The metrics of one loop, and the process-wide <see cref="Meter"/> that reports them for every loop
/// that enabled metrics. The instance is the loop's metrics monitor: it counts steps and times them, and keeps the ready
/// count of the last tick, in plain fields the observable instruments read from the listener's thread.
/// </summary>
internal sealed class LoopMetrics : LoopMonitor
{
    // One meter for the process, created at the first EnableMetrics: instruments report every enabled loop, tagged with
    // its name. Rejected: a meter per loop (a listener would have to discover meters as loops come and go, and an
    // exporter would see one instrument set per loop instead of one set with a tag).
    private static readonly Meter s_meter = new(LoopDiagnostics.MeterName, typeof(LoopMetrics).Assembly.GetName().Version?.ToString());

    // The loops whose metrics are enabled. Weak: a loop that is dropped without DisableMetrics must not live on for
    // the meter's sake (the loop holds its LoopMetrics through its diagnostics, so the reference dies with the loop).
    // Guarded by itself: Enable/Disable run on loop threads, the observations on whatever thread the listener uses.
    private static readonly List<WeakReference<LoopMetrics>> s_enabled = new();

    private static readonly Histogram<double> s_stepDuration = s_meter.CreateHistogram<double>(
        "yieldloop.step.duration", "ms", "How long each step (a coroutine's turn or a callback) ran.");

    // The instruments that observe: kept in fields so they are created exactly once, with the meter.
    private static readonly ObservableCounter<long> s_ticks = s_meter.CreateObservableCounter(
        "yieldloop.ticks", ObserveTicks, "{tick}", "Ticks the loop has run.");

    private static readonly ObservableCounter<long> s_steps = s_meter.CreateObservableCounter(
        "yieldloop.steps", ObserveSteps, "{step}", "Steps (coroutine turns and callbacks) the loop ran while metrics were enabled.");

    private static readonly ObservableGauge<int> s_readyQueue = s_meter.CreateObservableGauge(
        "yieldloop.ready_queue.length", ObserveReady, "{entry}", "Entries the loop's last tick ran (its ready queue when the tick started).");

    private static readonly ObservableUpDownCounter<int> s_liveTasks = s_meter.CreateObservableUpDownCounter(
        "yieldloop.tasks.live", ObserveLive, "{task}", "Tasks and callbacks started on the loop and not yet completed.");

    private readonly EventLoop _loop;
    private readonly KeyValuePair<string, object?> _tag;   // built once: Record with it allocates nothing

    // Written on the loop thread only, read by the observations on the listener's thread: Volatile keeps a long whole
    // on 32-bit processes, and a reading at most one step old is fine for a metric.
    private long _steps;
    private int _ready;

    internal LoopMetrics(EventLoop loop)
    {
        _loop = loop;
        _tag = new KeyValuePair<string, object?>("loop", loop.Name);
    }

    /// <summary>Makes the instruments report this loop.</summary>
    internal void Register()
    {
        lock (s_enabled)
        {
            GC.KeepAlive(s_ticks);   // (touching the statics creates the meter and its instruments, once)
            s_enabled.Add(new WeakReference<LoopMetrics>(this));
        }
    }

    /// <summary>Stops the instruments reporting this loop.</summary>
    internal void Unregister()
    {
        lock (s_enabled)
        {
            s_enabled.RemoveAll(w => !w.TryGetTarget(out LoopMetrics? m) || ReferenceEquals(m, this));
        }
    }

    internal override void StepEnded(Future task, long started, long ended)
    {
        Volatile.Write(ref _steps, _steps + 1);
        if (s_stepDuration.Enabled)
        {
            s_stepDuration.Record((ended - started) * 1000.0 / Stopwatch.Frequency, _tag);
        }
    }

    internal override void TickStarting(long tick, int ready)
    {
        Volatile.Write(ref _ready, ready);
    }

    // ---- observations: on the listener's thread. They read plain fields only (TickCount is a volatile read of a
    // long, PendingTaskCount the registry's int count), never members that belong to the loop's thread. -----------

    private static List<Measurement<long>> ObserveTicks() => Observe(m => m._loop.TickCount);

    private static List<Measurement<long>> ObserveSteps() => Observe(m => Volatile.Read(ref m._steps));

    private static List<Measurement<int>> ObserveReady() => Observe(m => Volatile.Read(ref m._ready));

    private static List<Measurement<int>> ObserveLive() => Observe(m => m._loop.PendingTaskCount);

    private static List<Measurement<T>> Observe<T>(Func<LoopMetrics, T> read)
        where T : struct
    {
        var result = new List<Measurement<T>>();
        lock (s_enabled)
        {
            for (int i = s_enabled.Count - 1; i >= 0; i--)
            {
                if (!s_enabled[i].TryGetTarget(out LoopMetrics? m))
                {
                    s_enabled.RemoveAt(i);   // the loop was collected without DisableMetrics
                }
            }

            foreach (WeakReference<LoopMetrics> weak in s_enabled)
            {
                if (weak.TryGetTarget(out LoopMetrics? m))
                {
                    result.Add(new Measurement<T>(read(m), m._tag));
                }
            }
        }

        return result;
    }
}
#endif
