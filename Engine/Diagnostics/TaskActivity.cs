namespace YieldLoop;

/// <summary>What a live task is doing at the moment of a <see cref="LoopSnapshot"/> (see <see cref="TaskSnapshot.State"/>).</summary>
public enum TaskActivity
{
    /// <summary>Queued to step in the next tick: just started, woken, or yielded for the next tick.</summary>
    Ready,

    /// <summary>Its step is running now (the snapshot was taken from inside it).</summary>
    Running,

    /// <summary>Parked on a timer: a sleep or interval, in loop time or in a <see cref="GameClock"/>'s time.</summary>
    Sleeping,

    /// <summary>Parked on something else: a task, a future, a lock, a combinator, a phase, a custom awaitable.</summary>
    Waiting,

    /// <summary>Held by its paused <see cref="Scope"/>: woken (or due) while paused, or with its sleep frozen.</summary>
    Paused,

    /// <summary>Cancellation was requested; the task is disposed at its next turn (R30).</summary>
    Cancelling,
}
