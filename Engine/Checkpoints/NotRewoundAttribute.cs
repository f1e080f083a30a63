using System;

namespace YieldLoop.Checkpoints;

/// <summary>
/// Marks an engine field (or a whole engine type) that a checkpoint leaves alone: settings, caches, thread hand-over
/// state and diagnostics, which belong to the loop object rather than to its timeline. Every other field of the loop's
/// objects is rewound; a test lists the loop's fields so that a new one is a decision, not an accident.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Class, Inherited = true)]
internal sealed class NotRewoundAttribute : Attribute
{
}

/// <summary>
/// One of the engine's pooled one-shot waits. A coroutine keeps a reference to the last one it yielded after the loop
/// gave it back to the pool; a checkpoint copies such an object only while it is rented (held by a wait in progress),
/// and a restore takes the ones it puts back in use out of the pool's free lists.
/// </summary>
internal interface IPooledWait
{
    /// <summary>Gets whether the object is handed out now (not in a free list).</summary>
    bool IsRented { get; }

    /// <summary>Gets the task whose step rented it, or null.</summary>
    Future? Renter { get; }
}
