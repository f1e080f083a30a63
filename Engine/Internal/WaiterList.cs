using System;

namespace YieldLoop.Internal;

/// <summary>
/// The waiters of a future once there is more than one, in registration order. The common case of a single waiter
/// needs no list (the future's slot holds the waiter itself, the way <c>Task</c> keeps its continuation object).
/// </summary>
internal sealed class WaiterList
{
    internal LoopNode?[] Items;
    internal int Count;

    internal WaiterList(LoopNode first, LoopNode second)
    {
        Items = new LoopNode?[4];
        Items[0] = first;
        Items[1] = second;
        Count = 2;
    }

    internal void Add(LoopNode waiter)
    {
        if (Count == Items.Length)
        {
            Array.Resize(ref Items, Count * 2);
        }

        Items[Count++] = waiter;
    }

    internal void Remove(LoopNode waiter)
    {
        for (int i = 0; i < Count; i++)
        {
            if (ReferenceEquals(Items[i], waiter))
            {
                RemoveAt(i);
                return;
            }
        }
    }

    // Order matters (FIFO wake-ups, R3, R17), so removal shifts instead of swapping.
    internal void RemoveAt(int index)
    {
        Count--;
        Array.Copy(Items, index + 1, Items, index, Count - index);
        Items[Count] = null;
    }
}
