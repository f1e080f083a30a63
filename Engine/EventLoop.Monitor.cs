using System;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>The monitored run loop (docs/design.md, "Diagnostics").</summary>
public sealed partial class EventLoop
{
    // Null unless a diagnostic watches steps: the tick then runs RunEntriesMonitored instead of the hot loop.
    [Checkpoints.NotRewound]
    private LoopMonitor? _monitor;
    [Checkpoints.NotRewound]
    private LoopDiagnostics? _diagnostics;

    /// <summary>Gets the loop's diagnostics: debug mode and the blocking-step watchdog, snapshots, deadlock reports,
    /// timelines (see <see cref="LoopDiagnostics"/>). Off until used; nothing costs anything until switched on.</summary>
    public LoopDiagnostics Diagnostics => _diagnostics ??= new LoopDiagnostics(this);

    /// <summary>Attaches a monitor (loop thread).</summary>
    internal void AddMonitor(LoopMonitor monitor)
    {
        CheckThread();
        if (_monitor is null)
        {
            _monitor = monitor;
            return;
        }

        if (_monitor is not MonitorSet set)
        {
            set = new MonitorSet();
            set.Items.Add(_monitor);
        }
        else
        {
            // Copy on change: a tick that is running keeps iterating the set it started with.
            var copy = new MonitorSet();
            copy.Items.AddRange(set.Items);
            set = copy;
        }

        set.Items.Add(monitor);
        _monitor = set;
    }

    /// <summary>Detaches a monitor (loop thread); detaching one that is not attached does nothing.</summary>
    internal void RemoveMonitor(LoopMonitor monitor)
    {
        CheckThread();
        if (ReferenceEquals(_monitor, monitor))
        {
            _monitor = null;
            return;
        }

        if (_monitor is MonitorSet set && set.Items.Contains(monitor))
        {
            var copy = new MonitorSet();
            foreach (LoopMonitor item in set.Items)
            {
                if (!ReferenceEquals(item, monitor))
                {
                    copy.Items.Add(item);
                }
            }

            _monitor = copy.Items.Count == 1 ? copy.Items[0] : copy;
        }
    }

    /// <summary>The task (or callback) whose step is running now on this loop, or null between steps.</summary>
    internal Future? CurrentTask
    {
        get
        {
            ReadyEntry[]? run = _runArray;
            return run is null ? null : run[_runIndex].Node as Future;
        }
    }

    /// <summary>Every live task and callback (a copy), for diagnostics.</summary>
    internal System.Collections.Generic.List<Future> LiveTasks() => _registry.Snapshot();

    /// <summary>Gets whether debug mode is on (one field read when it never was used).</summary>
    internal bool IsDebugMode => _diagnostics is { DebugMode: true };

    /// <summary>Where something is being created, for debug messages: the running task, or "outside any step".</summary>
    internal string DescribeCreator() => CurrentTask is { } task ? $"in a step of task '{task.NodeName}'" : "outside any step";

    /// <summary>Gets whether a monitor is attached (for tests of the monitor's cost).</summary>
    internal bool IsMonitored => _monitor is not null;

    private void RunEntriesMonitored(ReadyEntry[] run, int head, int count, LoopMonitor monitor, bool wave = false)
    {
        if (!wave)
        {
            monitor.TickStarting(_tickCount, count);   // a wave of same-tick wake-ups (R1b) is part of the same tick
        }

        _runArray = run;
        for (int i = 0; i < count; i++)
        {
            RunOneMonitored(run, SliceSlot(run, head, i), monitor);
        }

        _runArray = null;
    }

    /// <summary>Runs entry <paramref name="i"/> alone: a run slice of one (see <see cref="RunSlice"/>).</summary>
    private void RunOne(ReadyEntry[] run, int i) => RunSlice(run, i, i + 1);

    private void RunOneMonitored(ReadyEntry[] run, int i, LoopMonitor monitor)
    {
        LoopNode node = run[i].Node;
        int st = node._state;
        if ((st & StateBits.StateMask) != 0 || (st & StateBits.InternalKinds) != 0)
        {
            RunOne(run, i);   // a stale entry or an engine watcher: not a step anyone wrote
            return;
        }

        Future task = AsTask(node);

        long started = Stopwatch.GetTimestamp();
        monitor.StepStarting(task, started);
        RunOne(run, i);
        monitor.StepEnded(task, started, Stopwatch.GetTimestamp());
    }
}
