using System.Diagnostics;

namespace YieldLoop.Internal;

/// <summary>
/// Where every timer is kept: a hierarchical timing wheel over the loop's integer time (100 ns ticks).
/// </summary>
/// <remarks>
/// <para><b>Model.</b> Ten levels of 64 slots; a slot of level L spans 64^L ticks, so level 0 has one tick per slot
/// and all the nodes of a level-0 slot share one deadline. A node goes to the level of the highest 6-bit group in
/// which its deadline differs from <see cref="_elapsed"/> (the time up to which the wheel has fired), as in tokio's
/// timer. Advancing finds the next occupied slot at the lowest occupied level (an occupancy bitmap per level, so
/// empty slots cost nothing), fires level-0 slots and moves higher slots down ("cascades") as time enters them.
/// Nodes whose deadline is already reached when inserted go to the due list, fired first at the next advance.</para>
/// <para><b>Order (R1, R7, R8).</b> Nodes with the same deadline always sit in the same slot in insertion order: a
/// node is placed relative to <see cref="_elapsed"/>, and a slot is cascaded the moment <see cref="_elapsed"/>
/// enters it, so a later node for the same deadline lands in the same list behind the earlier one. Slots are
/// processed in time order, so nodes fire in deadline order, then scheduling order, and never before their
/// deadline.</para>
/// <para><b>Memory.</b> Nodes are the tasks themselves, linked through <see cref="LoopTask._link"/> (singly; a
/// sleeping task waits on nothing else) with their deadline in <see cref="LoopTask._deadline"/>: a sleep allocates
/// nothing. A cancelled node is flagged and unlinked by <see cref="Purge"/> at the end of the same tick (R12), so
/// cancelled timers neither keep memory nor slow later ticks. Singly linked lists make that purge walk the dirty
/// slot; a doubly linked list would unlink in O(1) but cost every task 8 more bytes.</para>
/// <para><b>Rejected.</b> A binary heap keyed by (deadline, sequence) is exact but pays a cache miss per level on
/// every wake-up (measured about 3 times slower here, ARCHITECTURE.md); a single-level hashed wheel needs a sort of
/// each slot to keep deadline order.</para>
/// </remarks>
internal sealed class TimerWheel
{
    private const int Bits = 6;
    private const int SlotCount = 1 << Bits;
    private const int Levels = 10;
    private const int DueLevel = 15;

    private readonly LoopTask?[] _heads = new LoopTask?[Levels * SlotCount];
    private readonly LoopTask?[] _tails = new LoopTask?[Levels * SlotCount];
    private readonly ulong[] _occupied = new ulong[Levels];
    private readonly ulong[] _dirty = new ulong[Levels];
    private LoopTask? _dueHead;
    private LoopTask? _dueTail;
    private bool _dueDirty;
    private bool _anyDirty;

    // Every node with a deadline at or before _elapsed has been fired (or is in the due list).
    private long _elapsed;

    internal int Count { get; private set; }

    internal bool HasDirty => _anyDirty;

    internal long Elapsed => _elapsed;

    internal void Insert(LoopTask node, long deadline)
    {
        Debug.Assert((node._state & StateBits.InWheel) == 0, "A node is in the wheel at most once.");
        node._deadline = deadline;
        node._link = null;
        int level;
        if (deadline <= _elapsed)
        {
            level = DueLevel;
            if (_dueTail is null)
            {
                _dueHead = node;
            }
            else
            {
                _dueTail._link = node;
            }

            _dueTail = node;
        }
        else
        {
            level = LevelFor(_elapsed, deadline);
            int index = (level << Bits) | (int)((deadline >> (level * Bits)) & (SlotCount - 1));
            LoopTask? tail = _tails[index];
            if (tail is null)
            {
                _heads[index] = node;
                _occupied[level] |= 1UL << (index & (SlotCount - 1));
            }
            else
            {
                tail._link = node;
            }

            _tails[index] = node;
        }

        node._state = (node._state & ~StateBits.LevelMask) | (level << StateBits.LevelShift) | StateBits.InWheel;
        Count++;
    }

    /// <summary>Flags a node's timer as cancelled; it leaves the wheel at the next <see cref="Purge"/>.</summary>
    internal void Cancel(LoopTask node)
    {
        int st = node._state;
        if ((st & (StateBits.InWheel | StateBits.TimerCancelled)) != StateBits.InWheel)
        {
            return;
        }

        node._state = st | StateBits.TimerCancelled;
        Count--;
        _anyDirty = true;
        int level = (st & StateBits.LevelMask) >> StateBits.LevelShift;
        if (level == DueLevel)
        {
            _dueDirty = true;
        }
        else
        {
            _dirty[level] |= 1UL << (int)((node._deadline >> (level * Bits)) & (SlotCount - 1));
        }
    }

    /// <summary>The earliest time at which <see cref="Advance"/> has work, or long.MaxValue when empty.</summary>
    /// <remarks>For a higher level this is the start of its next slot (when it cascades), which may be earlier
    /// than any deadline in it; a loop that sleeps until then just wakes, cascades, and sleeps again.</remarks>
    internal long NextWakeTime()
    {
        if (_dueHead is not null)
        {
            return _elapsed;
        }

        for (int level = 0; level < Levels; level++)
        {
            if (_occupied[level] != 0)
            {
                return NextSlotStart(level, out _);
            }
        }

        return long.MaxValue;
    }

    /// <summary>
    /// Fires every node due at <paramref name="now"/>, in deadline order then scheduling order, handing each to
    /// <paramref name="loop"/>'s ready queue.
    /// </summary>
    internal void Advance(long now, EventLoop loop)
    {
        if (_dueHead is not null)
        {
            LoopTask? node = _dueHead;
            _dueHead = _dueTail = null;
            FireList(node, loop);
        }

        while (true)
        {
            int level = 0;
            while (level < Levels && _occupied[level] == 0)
            {
                level++;
            }

            if (level == Levels)
            {
                break;
            }

            long slotStart = NextSlotStart(level, out int slot);
            if (slotStart > now)
            {
                break;
            }

            _elapsed = slotStart;
            int index = (level << Bits) | slot;
            LoopTask? list = _heads[index];
            _heads[index] = _tails[index] = null;
            _occupied[level] &= ~(1UL << slot);
            if (level == 0)
            {
                FireList(list, loop);
            }
            else
            {
                Cascade(list, loop);
            }
        }

        if (now > _elapsed)
        {
            _elapsed = now;
        }
    }

    /// <summary>Unlinks the nodes flagged by <see cref="Cancel"/> (R12: by the end of the tick).</summary>
    internal void Purge()
    {
        _anyDirty = false;
        if (_dueDirty)
        {
            _dueDirty = false;
            PurgeList(ref _dueHead, ref _dueTail);
        }

        for (int level = 0; level < Levels; level++)
        {
            ulong dirty = _dirty[level];
            _dirty[level] = 0;
            while (dirty != 0)
            {
                int slot = Bitwise.TrailingZeroCount(dirty);
                dirty &= dirty - 1;
                int index = (level << Bits) | slot;
                PurgeList(ref _heads[index], ref _tails[index]);
                if (_heads[index] is null)
                {
                    _occupied[level] &= ~(1UL << slot);
                }
            }
        }
    }

    /// <summary>Drops every node (the loop is closing); returns nothing, the loop owns the tasks.</summary>
    internal void Clear()
    {
        System.Array.Clear(_heads, 0, _heads.Length);
        System.Array.Clear(_tails, 0, _tails.Length);
        System.Array.Clear(_occupied, 0, _occupied.Length);
        System.Array.Clear(_dirty, 0, _dirty.Length);
        _dueHead = _dueTail = null;
        Count = 0;
        _anyDirty = _dueDirty = false;
    }

    private static int LevelFor(long elapsed, long deadline)
    {
        ulong masked = (ulong)(elapsed ^ deadline) | (SlotCount - 1);
        const ulong max = (1UL << (Levels * Bits)) - 1;
        if (masked > max)
        {
            masked = max;
        }

        int significant = 63 - Bitwise.LeadingZeroCount(masked);
        return significant / Bits;
    }

    private long NextSlotStart(int level, out int slot)
    {
        int shift = level * Bits;
        long slotRange = 1L << shift;
        long levelRange = slotRange << Bits;
        int nowSlot = (int)((_elapsed >> shift) & (SlotCount - 1));
        ulong rotated = Bitwise.RotateRight(_occupied[level], nowSlot);
        slot = (Bitwise.TrailingZeroCount(rotated) + nowSlot) & (SlotCount - 1);
        long levelStart = _elapsed & ~(levelRange - 1);
        long start = levelStart + (slot * slotRange);
        if (start <= _elapsed)
        {
            // The slot lies in the next rotation of this level. Only the top level wraps like this: lower levels
            // hold deadlines inside the current window of the level above, always after the current slot.
            start += levelRange;
        }

        return start;
    }

    private void FireList(LoopTask? node, EventLoop loop)
    {
        while (node is not null)
        {
            LoopTask? next = (LoopTask?)node._link;
            node._link = null;
            int st = node._state;
            node._state = st & ~(StateBits.InWheel | StateBits.TimerCancelled | StateBits.LevelMask);
            if ((st & StateBits.TimerCancelled) == 0)
            {
                Count--;
                loop.Enqueue(node);
            }

            node = next;
        }
    }

    private void Cascade(LoopTask? node, EventLoop loop)
    {
        while (node is not null)
        {
            LoopTask? next = (LoopTask?)node._link;
            int st = node._state;
            node._state = st & ~(StateBits.InWheel | StateBits.LevelMask);
            if ((st & StateBits.TimerCancelled) != 0)
            {
                node._state &= ~StateBits.TimerCancelled;
                node._link = null;
            }
            else if (node._deadline <= _elapsed)
            {
                node._link = null;
                Count--;
                loop.Enqueue(node);
            }
            else
            {
                Count--;
                Insert(node, node._deadline);
            }

            node = next;
        }
    }

    private static void PurgeList(ref LoopTask? head, ref LoopTask? tail)
    {
        LoopTask? previous = null;
        LoopTask? node = head;
        while (node is not null)
        {
            LoopTask? next = (LoopTask?)node._link;
            if ((node._state & StateBits.TimerCancelled) != 0)
            {
                node._state &= ~(StateBits.InWheel | StateBits.TimerCancelled | StateBits.LevelMask);
                node._link = null;
                if (previous is null)
                {
                    head = next;
                }
                else
                {
                    previous._link = next;
                }
            }
            else
            {
                previous = node;
            }

            node = next;
        }

        tail = previous;
    }
}
