using System.Collections.Generic;

namespace YieldLoop.Internal;

/// <summary>
/// Something that watches a loop's steps: the timeline recorder, the watchdog, the step metrics (docs/design.md,
/// "Diagnostics"). Attached with <see cref="EventLoop.AddMonitor"/>; while none is attached the loop pays nothing per
/// step.
/// </summary>
/// <remarks>All calls come on the loop thread, between steps. A monitor must not start or complete work and must not
/// throw; one that calls a user handler catches what the handler throws and reports it.</remarks>
[Checkpoints.NotRewound]
internal abstract class LoopMonitor
{
    /// <summary>A task was started (it is queued for its first step).</summary>
    internal virtual void TaskStarted(Future task)
    {
    }

    /// <summary>A step of <paramref name="task"/> (a coroutine or a callback) is about to run, at <paramref name="timestamp"/>
    /// (<see cref="System.Diagnostics.Stopwatch"/> ticks).</summary>
    internal virtual void StepStarting(Future task, long timestamp)
    {
    }

    /// <summary>The step that started at <paramref name="started"/> ended at <paramref name="ended"/>; the task is now
    /// parked, queued again, or completed.</summary>
    internal virtual void StepEnded(Future task, long started, long ended)
    {
    }

    /// <summary>A task or callback completed (succeeded, faulted or cancelled).</summary>
    internal virtual void TaskEnded(Future task)
    {
    }

    /// <summary>A tick is about to run <paramref name="ready"/> entries.</summary>
    internal virtual void TickStarting(long tick, int ready)
    {
    }
}

/// <summary>Several monitors behind one reference.</summary>
internal sealed class MonitorSet : LoopMonitor
{
    internal readonly List<LoopMonitor> Items = new();

    internal override void TaskStarted(Future task)
    {
        for (int i = 0; i < Items.Count; i++)
        {
            Items[i].TaskStarted(task);
        }
    }

    internal override void StepStarting(Future task, long timestamp)
    {
        for (int i = 0; i < Items.Count; i++)
        {
            Items[i].StepStarting(task, timestamp);
        }
    }

    internal override void StepEnded(Future task, long started, long ended)
    {
        for (int i = 0; i < Items.Count; i++)
        {
            Items[i].StepEnded(task, started, ended);
        }
    }

    internal override void TaskEnded(Future task)
    {
        for (int i = 0; i < Items.Count; i++)
        {
            Items[i].TaskEnded(task);
        }
    }

    internal override void TickStarting(long tick, int ready)
    {
        for (int i = 0; i < Items.Count; i++)
        {
            Items[i].TickStarting(tick, ready);
        }
    }
}
