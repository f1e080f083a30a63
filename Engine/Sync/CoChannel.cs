using System;

namespace YieldLoop;

/// <summary>Creates channels: FIFO queues between the coroutines of one loop (see <see cref="CoChannel{T}"/>).</summary>
public static class CoChannel
{
    /// <summary>
    /// Creates a channel that holds at most <paramref name="capacity"/> items: writers park while it is full, readers
    /// while it is empty.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="loop">The loop whose coroutines use the channel.</param>
    /// <param name="capacity">The most items the channel holds (1 or more).</param>
    /// <returns>An empty channel.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public static CoChannel<T> Bounded<T>(EventLoop loop, int capacity)
    {
        if (loop is null)
        {
            throw new ArgumentNullException(nameof(loop));
        }

        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A bounded channel holds at least one item.");
        }

        return new CoChannel<T>(loop, capacity);
    }

    /// <summary>Creates a channel without a limit: writes always succeed at once, readers park while it is empty.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="loop">The loop whose coroutines use the channel.</param>
    /// <returns>An empty channel.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> is null.</exception>
    public static CoChannel<T> Unbounded<T>(EventLoop loop)
    {
        if (loop is null)
        {
            throw new ArgumentNullException(nameof(loop));
        }

        return new CoChannel<T>(loop, int.MaxValue);
    }
}
