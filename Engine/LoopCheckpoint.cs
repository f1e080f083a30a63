using System;
using System.Collections.Generic;
using YieldLoop.Checkpoints;

namespace YieldLoop;

/// <summary>
/// The whole scheduling state of an <see cref="EventLoop"/> at a point between ticks: every task with its coroutine
/// frames, every future, timer, callback and game clock, and the loop's time and tick count. Taken by
/// <see cref="EventLoop.Checkpoint()"/>, put back by <see cref="EventLoop.Restore"/>; see docs/checkpoints.md.
/// </summary>
/// <remarks>
/// <para>A checkpoint copies the loop's own objects, iterators included, field by field, and keeps references to the
/// game's objects without copying them (implement <see cref="IRewindable"/> on a game object to roll it back with the
/// loop). Restoring writes the copies back into the same objects, so the task and future handles a game holds stay
/// valid.</para>
/// <para>Reuse one instance (<see cref="EventLoop.Checkpoint(LoopCheckpoint)"/>) to checkpoint every frame: a capture into
/// an instance that already holds the same coroutines copies into the copies it made before and allocates nothing for
/// them. A checkpoint can be restored any number of times.</para>
/// </remarks>
[Checkpoints.NotRewound]
public sealed class LoopCheckpoint
{
    private List<object>? _tracked;

    /// <summary>Creates an empty checkpoint, to be filled by <see cref="EventLoop.Checkpoint(LoopCheckpoint)"/>.</summary>
    public LoopCheckpoint()
    {
    }

    /// <summary>Gets the loop this checkpoint was taken of, or null when it holds nothing.</summary>
    public EventLoop? Loop { get; private set; }

    /// <summary>Gets the loop's <see cref="EventLoop.TickCount"/> when the checkpoint was taken.</summary>
    public long TickCount { get; private set; }

    /// <summary>Gets the loop's <see cref="EventLoop.Time"/> when the checkpoint was taken.</summary>
    public TimeSpan Time { get; private set; }

    /// <summary>Gets how many tasks and callbacks were pending when the checkpoint was taken.</summary>
    public int PendingTaskCount { get; private set; }

    /// <summary>Gets how many of the loop's objects the checkpoint copied (tasks, iterators, futures, arrays...).</summary>
    public int ObjectCount => Walk.Count;

    internal CheckpointWalk Walk { get; } = new();

    internal long ClockTicks { get; private set; }

    /// <summary>The timeline the checkpoint was taken in, and its place in the loop's sequence of captures.</summary>
    internal Timeline? Lineage { get; private set; }

    internal long Sequence { get; private set; }

    internal List<object>? Tracked => _tracked;

    /// <summary>
    /// Adds an object that the checkpoint must rewind even when no coroutine refers to it: a future source, channel or
    /// event that only the game holds, or a game object that implements <see cref="IRewindable"/>. Kept for every later
    /// capture into this instance.
    /// </summary>
    /// <param name="value">The object.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public void Track(object value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        (_tracked ??= new List<object>()).Add(value);
    }

    internal void Taken(EventLoop loop, long tickCount, long now, long clockTicks, int pending, Timeline lineage, long sequence)
    {
        Lineage = lineage;
        Sequence = sequence;
        Loop = loop;
        TickCount = tickCount;
        Time = new TimeSpan(now);
        ClockTicks = clockTicks;
        PendingTaskCount = pending;
    }

    internal void Forget()
    {
        Lineage = null;
        Walk.Clear();
        Loop = null;
    }

    /// <summary>Describes the checkpoint for logs and the debugger.</summary>
    /// <returns>The loop, tick and time, or that it is empty.</returns>
    public override string ToString() => Loop is null
        ? "LoopCheckpoint (empty)"
        : $"LoopCheckpoint of '{Loop.Name}' at tick {TickCount}, {Time} ({PendingTaskCount} pending, {ObjectCount} objects)";
}

/// <summary>
/// A branch of a loop's history: restoring a checkpoint starts a new one, branching from the checkpoint's timeline at
/// the checkpoint. A checkpoint can be restored while it lies on the current timeline's ancestry (taken in the current
/// timeline, or in an ancestor before the branch point); one taken in an abandoned branch would bring back a state that
/// no longer matches the objects it did not capture (tasks that had finished, for instance), so it is refused.
/// </summary>
internal sealed class Timeline
{
    internal Timeline(Timeline? parent, long branch)
    {
        Parent = parent;
        Branch = branch;
    }

    /// <summary>The timeline this one branched from, or null for the loop's first.</summary>
    internal Timeline? Parent { get; }

    /// <summary>The sequence number of the checkpoint this timeline was restored from.</summary>
    internal long Branch { get; }

    /// <summary>Whether a checkpoint taken in <paramref name="lineage"/> with <paramref name="sequence"/> is part of
    /// this timeline's history.</summary>
    internal bool Contains(Timeline lineage, long sequence)
    {
        long limit = long.MaxValue;
        for (Timeline? t = this; t is not null; t = t.Parent)
        {
            if (ReferenceEquals(t, lineage))
            {
                return sequence <= limit;
            }

            limit = Math.Min(limit, t.Branch);
        }

        return false;
    }
}
