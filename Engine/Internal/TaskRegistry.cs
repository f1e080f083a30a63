using System;
using System.Collections.Generic;

namespace YieldLoop.Internal;

/// <summary>
/// The loop's books of live tasks and callbacks, for <see cref="EventLoop.Close"/> (cancel everything pending) and
/// for diagnostics. A dense array with swap-remove: a task knows its index (<see cref="LoopNode._liveIndex"/>), so
/// adding and removing cost O(1) and nothing per tick, and a completed task is no longer referenced (W8 in docs/performance.md).
/// Removal never reallocates (that would allocate in the middle of a burst of completions);
/// <see cref="EventLoop.TrimExcess"/> gives the capacity back.
/// </summary>
internal sealed class TaskRegistry
{
    private const int MinCapacity = 64;
    // A struct element (as the ready queue's): storing a Future into a Future[] would pay an array-covariance check.
    private Slot[] _items = new Slot[MinCapacity];

    internal int Count { get; private set; }

    internal void Add(Future task)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, Count * 2);
        }

        System.Diagnostics.Debug.Assert(task._liveIndex < 0, "a task is registered once");
        task._liveIndex = Count;
        _items[Count++].Task = task;
    }

    internal void Remove(Future task)
    {
        int index = task._liveIndex;
        if (index < 0)
        {
            return;
        }

        System.Diagnostics.Debug.Assert(ReferenceEquals(_items[index].Task, task), "a registered task sits at its own index");
        int last = --Count;
        Future moved = _items[last].Task!;
        _items[index].Task = moved;
        moved._liveIndex = index;
        _items[last].Task = null;
        task._liveIndex = -1;
    }

    /// <summary>Shrinks the array after a burst (see <see cref="EventLoop.TrimExcess"/>); never called per removal.</summary>
    internal void TrimExcess()
    {
        if (_items.Length > MinCapacity && Count < _items.Length / 2)
        {
            Array.Resize(ref _items, Math.Max(MinCapacity, Count + (Count / 4)));
        }
    }

    /// <summary>The live task or callback at <paramref name="index"/> (0 to Count - 1).</summary>
    internal Future At(int index) => _items[index].Task!;

    /// <summary>The slot array itself (for a checkpoint's restore, which compares it with its copy).</summary>
    internal Array Items => _items;

    /// <summary>The task at <paramref name="index"/> of a copy of <see cref="Items"/>.</summary>
    internal static Future? AtIn(Array copy, int index) => index < copy.Length ? ((Slot[])copy)[index].Task : null;

    internal List<Future> Snapshot()
    {
        var list = new List<Future>(Count);
        for (int i = 0; i < Count; i++)
        {
            list.Add(_items[i].Task!);
        }

        return list;
    }

    private struct Slot
    {
        internal Future? Task;
    }
}
