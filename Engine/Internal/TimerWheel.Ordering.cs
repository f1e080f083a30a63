using System;
using System.Diagnostics;

namespace YieldLoop.Internal;

// Ordering what fires (see TimerWheel's remarks). The open slot: a slot fired in part keeps its remaining nodes in a
// small min-heap of keys (position in the slot, then arrival), so firing pops due nodes in O(log k) and the next
// deadline is the top. And the stable sort by deadline of a slot fired whole.
internal sealed partial class TimerWheel
{
    /// <summary>Fires the open slot's due nodes in (deadline, arrival) order; returns true when the slot is drained.</summary>
    private bool FireOpen(long now, EventLoop loop)
    {
        long limit = now - _openStart;   // fire while the top's offset is at most this
        while (_heapCount != 0 && (_heap[0].Key >> SequenceBits) <= limit)
        {
            LoopNode node = _heap[0].Node;
            PopTop();
            if ((node._state & StateBits.TimerCancelled) != 0)
            {
                Unflag(node);
                continue;
            }

            node._state &= ~(StateBits.InWheel | StateBits.LevelMask);
            Count--;
            if ((node._state & StateBits.ClockDriver) == 0)
            {
                loop.Enqueue(node);
            }
            else
            {
                loop.FireClock((ClockDriver)node);   // the clock queues its own due tasks here, in this position
            }
        }

        if (_heapCount != 0)
        {
            return false;
        }

        CloseOpenSlot();
        return true;
    }

    private void CloseOpenSlot()
    {
        _occupied[0] &= ~(1UL << (_openIndex & (SlotCount - 1)));
        _openIndex = -1;
    }

    private void Push(LoopNode node)
    {
        Debug.Assert(node._deadline >= _openStart && node._deadline - _openStart < (1L << ResolutionBits), "A node of the open slot lies inside it.");
        if (_heapCount == _heap.Length)
        {
            Array.Resize(ref _heap, _heapCount * 2);
        }

        long key = ((node._deadline - _openStart) << SequenceBits) | _sequence++;
        SiftUp(_heapCount++, new HeapEntry(key, node));
    }

    private void PopTop()
    {
        int last = --_heapCount;
        HeapEntry moved = _heap[last];
        _heap[last] = default;
        if (last != 0)
        {
            SiftDown(0, moved);
        }
    }

    /// <summary>Takes a node out of the open slot at once (a frozen timer); a linear search, as a list slot's walk.</summary>
    private void RemoveFromHeap(LoopNode node)
    {
        for (int i = 0; i < _heapCount; i++)
        {
            if (!ReferenceEquals(_heap[i].Node, node))
            {
                continue;
            }

            int last = --_heapCount;
            HeapEntry moved = _heap[last];
            _heap[last] = default;
            if (i != last)
            {
                if (i > 0 && moved.Key < _heap[(i - 1) / 2].Key)
                {
                    SiftUp(i, moved);
                }
                else
                {
                    SiftDown(i, moved);
                }
            }

            if ((node._state & StateBits.TimerCancelled) == 0)
            {
                Count--;
            }

            Unflag(node);
            if (_heapCount == 0)
            {
                CloseOpenSlot();
            }

            return;
        }

        Debug.Fail("A node of the open slot was not found in its heap.");
    }

    /// <summary>Drops the open slot's cancelled nodes (R12) and restores the heap order; closes the slot if it empties.</summary>
    private void PurgeHeap()
    {
        int kept = 0;
        for (int i = 0; i < _heapCount; i++)
        {
            HeapEntry entry = _heap[i];
            if ((entry.Node._state & StateBits.TimerCancelled) != 0)
            {
                Unflag(entry.Node);
            }
            else
            {
                _heap[kept++] = entry;
            }
        }

        Array.Clear(_heap, kept, _heapCount - kept);
        _heapCount = kept;
        if (kept == 0)
        {
            CloseOpenSlot();
            return;
        }

        Heapify();
    }

    private void Heapify()
    {
        for (int i = (_heapCount / 2) - 1; i >= 0; i--)
        {
            SiftDown(i, _heap[i]);
        }
    }

    private void SiftUp(int i, HeapEntry entry)
    {
        HeapEntry[] heap = _heap;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (heap[parent].Key <= entry.Key)
            {
                break;
            }

            heap[i] = heap[parent];
            i = parent;
        }

        heap[i] = entry;
    }

    private void SiftDown(int i, HeapEntry entry)
    {
        HeapEntry[] heap = _heap;
        int count = _heapCount;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && heap[child + 1].Key < heap[child].Key)
            {
                child++;
            }

            if (entry.Key <= heap[child].Key)
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        heap[i] = entry;
    }

    /// <summary>A node of the open slot and its key: (deadline - slot start) in the high bits, sequence in the low.</summary>
    private readonly struct HeapEntry
    {
        internal readonly long Key;
        internal readonly LoopNode Node;

        internal HeapEntry(long key, LoopNode node)
        {
            Key = key;
            Node = node;
        }
    }

    /// <summary>Stable sort of _scratch[0..count) by deadline; deadlines lie in [slotStart, slotStart + 2^bits).</summary>
    private void SortByDeadline(int count, long slotStart)
    {
        if (count <= CountingSortThreshold)
        {
            for (int i = 1; i < count; i++)
            {
                LoopNode item = _scratch[i]!;
                long key = item._deadline;
                int j = i - 1;
                while (j >= 0 && _scratch[j]!._deadline > key)
                {
                    _scratch[j + 1] = _scratch[j];
                    j--;
                }

                _scratch[j + 1] = item;
            }

            return;
        }

        int[] counts = _counts ??= new int[1 << ResolutionBits];
        Array.Clear(counts, 0, counts.Length);
        long origin = slotStart;   // every deadline of a level-0 slot lies in [slotStart, slotStart + 2^bits)
        for (int i = 0; i < count; i++)
        {
            counts[(int)(_scratch[i]!._deadline - origin)]++;
        }

        int sum = 0;
        for (int k = 0; k < counts.Length; k++)
        {
            int c = counts[k];
            counts[k] = sum;
            sum += c;
        }

        if (_sorted.Length < count)
        {
            _sorted = new LoopNode?[Math.Max(count, _sorted.Length * 2)];
        }

        for (int i = 0; i < count; i++)
        {
            LoopNode item = _scratch[i]!;
            _sorted[counts[(int)(item._deadline - origin)]++] = item;
        }

        Array.Copy(_sorted, _scratch, count);
        Array.Clear(_sorted, 0, count);
    }
}
