using System;
using System.Runtime.CompilerServices;

namespace YieldLoop.Checkpoints;

/// <summary>
/// The checkpoint walk's map from a live object to its entry: open addressing with linear probing (load at most one
/// half), the key and the index in one 16-byte slot, the identity hash read directly. A general Dictionary with an
/// identity comparer costs an interface call and a separate entries array per lookup; this is the lookup a capture
/// makes for every reference it meets.
/// </summary>
[NotRewound]
internal sealed class IdentityIndex
{
    private struct Slot
    {
        internal object? Key;
        internal int Value;
    }

    private Slot[] _slots = new Slot[128];
    private int _mask = 127;
    private int _count;

    internal bool TryGetValue(object key, out int value)
    {
        Slot[] slots = _slots;
        int mask = _mask;
        int i = RuntimeHelpers.GetHashCode(key) & mask;
        while (true)
        {
            ref Slot s = ref slots[i];
            if (ReferenceEquals(s.Key, key))
            {
                value = s.Value;
                return true;
            }

            if (s.Key is null)
            {
                value = 0;
                return false;
            }

            i = (i + 1) & mask;
        }
    }

    internal void Add(object key, int value)
    {
        if ((_count + 1) * 2 > _slots.Length)
        {
            Grow();
        }

        Insert(_slots, _mask, key, value);
        _count++;
    }

    private static void Insert(Slot[] slots, int mask, object key, int value)
    {
        int i = RuntimeHelpers.GetHashCode(key) & mask;
        while (slots[i].Key is not null)
        {
            i = (i + 1) & mask;
        }

        slots[i].Key = key;
        slots[i].Value = value;
    }

    private void Grow()
    {
        var slots = new Slot[_slots.Length * 2];
        int mask = slots.Length - 1;
        foreach (Slot s in _slots)
        {
            if (s.Key is not null)
            {
                Insert(slots, mask, s.Key, s.Value);
            }
        }

        _slots = slots;
        _mask = mask;
    }

    internal int this[object key]
    {
        set
        {
            int i = RuntimeHelpers.GetHashCode(key) & _mask;
            while (!ReferenceEquals(_slots[i].Key, key))
            {
                i = (i + 1) & _mask;
            }

            _slots[i].Value = value;
        }
    }

    internal void Remove(object key)
    {
        Slot[] slots = _slots;
        int mask = _mask;
        int i = RuntimeHelpers.GetHashCode(key) & mask;
        while (!ReferenceEquals(slots[i].Key, key))
        {
            if (slots[i].Key is null)
            {
                return;
            }

            i = (i + 1) & mask;
        }

        // Backward-shift deletion keeps every probe chain unbroken.
        int j = i;
        while (true)
        {
            j = (j + 1) & mask;
            if (slots[j].Key is null)
            {
                break;
            }

            int k = RuntimeHelpers.GetHashCode(slots[j].Key!) & mask;
            bool between = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!between)
            {
                slots[i] = slots[j];
                i = j;
            }
        }

        slots[i] = default;
        _count--;
    }

    internal void Clear()
    {
        Array.Clear(_slots, 0, _slots.Length);
        _count = 0;
    }
}
