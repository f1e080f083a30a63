namespace YieldLoop;

/// <summary>
/// A game object that a coroutine refers to and that rolls back with the loop: a checkpoint that reaches it through a
/// coroutine's fields asks it to capture its state, and restoring the checkpoint asks it to put that state back.
/// </summary>
/// <remarks>
/// <para>A checkpoint copies the loop's own objects (tasks, futures, iterators, closures, timers) but never the game's:
/// what a game object is, and how deep a copy of it must go, is the game's decision. Objects that implement this
/// interface take part; any other game object keeps its reference and its current state across a restore.</para>
/// <para>Both methods run on the loop's thread, between ticks, at most once per checkpoint or restore for each object.</para>
/// </remarks>
public interface IRewindable
{
    /// <summary>Captures this object's state into <paramref name="state"/>.</summary>
    /// <param name="state">Null the first time a checkpoint object captures this object; afterwards what the last capture
    /// into the same checkpoint left there, so a checkpoint taken every frame can reuse it instead of allocating.</param>
    void Capture(ref object? state);

    /// <summary>Puts back the state that <see cref="Capture"/> stored.</summary>
    /// <param name="state">What <see cref="Capture"/> left in its argument.</param>
    void Rewind(object? state);
}
