using System;
using System.Diagnostics;

namespace YieldLoop.Internal;

/// <summary>
/// A growable ring buffer (a deque without the back removals): the storage of the primitives' wait queues and of a
/// channel's items. Unlike <see cref="System.Collections.Generic.Queue{T}"/> it can insert near the front, which a
/// channel needs to put an item taken back from a cancelled reader in its place (see <see cref="CoChannel{T}"/>).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class RingBuffer<T>
{
    // Invariant: _items.Length is a power of two, so (index & mask) wraps; live items are _head .. _head + _count - 1.
    private T[] _items = new T[4];
    private int _head;
    private int _count;

    internal int Count => _count;

    internal T this[int index]
    {
        get
        {
            Debug.Assert((uint)index < (uint)_count, "index in range");
            return _items[(_head + index) & (_items.Length - 1)];
        }

        set
        {
            Debug.Assert((uint)index < (uint)_count, "index in range");
            _items[(_head + index) & (_items.Length - 1)] = value;
        }
    }

    internal T First
    {
        get
        {
            Debug.Assert(_count > 0, "not empty");
            return _items[_head];
        }
    }

    internal void AddLast(T item)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _items[(_head + _count) & (_items.Length - 1)] = item;
        _count++;
    }

    internal T RemoveFirst()
    {
        Debug.Assert(_count > 0, "not empty");
        T item = _items[_head];
        _items[_head] = default!;   // no stale reference keeps a finished wait (or a read item) alive
        _head = (_head + 1) & (_items.Length - 1);
        _count--;
        return item;
    }

    /// <summary>Inserts at <paramref name="index"/>, moving the items before it one place towards the front: cheap
    /// near the front, which is where a channel puts items back.</summary>
    internal void Insert(int index, T item)
    {
        Debug.Assert((uint)index <= (uint)_count, "index in range");
        if (_count == _items.Length)
        {
            Grow();
        }

        int mask = _items.Length - 1;
        _head = (_head - 1) & mask;
        for (int i = 0; i < index; i++)
        {
            _items[(_head + i) & mask] = _items[(_head + i + 1) & mask];
        }

        _items[(_head + index) & mask] = item;
        _count++;
    }

    /// <summary>Drops the items from <paramref name="newCount"/> on (after a compaction through the indexer).</summary>
    internal void Truncate(int newCount)
    {
        Debug.Assert(newCount <= _count, "only shrinks");
        int mask = _items.Length - 1;
        for (int i = newCount; i < _count; i++)
        {
            _items[(_head + i) & mask] = default!;
        }

        _count = newCount;
    }

    private void Grow()
    {
        var bigger = new T[_items.Length * 2];
        int mask = _items.Length - 1;
        for (int i = 0; i < _count; i++)
        {
            bigger[i] = _items[(_head + i) & mask];
        }

        _items = bigger;
        _head = 0;
    }
}
