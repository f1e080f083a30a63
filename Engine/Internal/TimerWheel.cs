using System;
using System.Diagnostics;

namespace YieldLoop.Internal;

/// <summary>
/// Where every timer is kept: a hierarchical timing wheel over the loop's integer time (100 ns ticks).
/// </summary>
/// <remarks>
/// <para><b>Model.</b> Nine levels of 64 slots. A level-0 slot spans 2^<see cref="ResolutionBits"/> = 2^14 ticks
/// (1.6384 ms); a slot of level L spans 64^L level-0 slots, 2^(14 + 6L) ticks, and the whole level (its window)
/// 2^(20 + 6L) ticks: level 0, 1.6384 ms slots in a 104.9 ms window; level 1, 104.9 ms in 6.7 s; level 2, 6.7 s in
/// 7.2 min; level 3, 7.2 min in 7.6 h; level 4, 7.6 h in 20.4 days; level 5, 20.4 days in 3.6 years; level 6, 3.6
/// years in 228 years; level 7, 228 years in 14,614 years (2^62 ticks); level 8, 2^62-tick slots. A node goes to
/// the level of the highest 6-bit group (above the resolution bits) in which its deadline differs from
/// <see cref="_elapsed"/>, the time up to which the wheel has fired (the scheme of tokio's timer): the windows are
/// aligned, so the level depends on where the deadline falls, not only on the delay. Advancing takes the lowest occupied level (an occupancy bitmap per level, so
/// empty slots cost nothing): a level-0 slot fires the nodes whose deadline has come, sorted by deadline; a higher
/// slot is "cascaded" (its nodes move down) when time enters it. A deadline already reached when inserted goes to
/// the current level-0 slot, so zero and negative delays fire at the next advance (R9).</para>
/// <para><b>Order (R1, R7, R8).</b> A level-0 slot holds several deadlines; firing sorts its due nodes by deadline
/// with a stable sort, so ties keep their arrival order. Arrival order is scheduling order for equal deadlines:
/// nodes are placed relative to <see cref="_elapsed"/> and a slot is cascaded the moment <see cref="_elapsed"/>
/// enters it, so a later node for the same deadline always arrives after the earlier one. Nothing fires before its
/// deadline: each node's own deadline is compared with "now".</para>
/// <para><b>Memory.</b> Nodes are the scheduled nodes themselves (tasks, callback handles, watchers), linked through <see cref="LoopNode._link"/> (singly; a sleeping
/// task waits on nothing else) with the deadline in <see cref="LoopNode._deadline"/>: a sleep allocates nothing and
/// costs a task no extra field. Inserting pushes at the head of the slot, touching only the new node (appending at a
/// tail would touch the previous node, a likely cache miss); the list is read back in arrival order when the slot is
/// taken. A cancelled node is flagged and unlinked by <see cref="Purge"/> at the end of the tick (R12).</para>
/// <para><b>Why 1.6384 ms level-0 slots (2^14 ticks).</b> With one-tick slots every node of a typical delay cascades
/// through two or three levels, and each move touches the node: a cache miss per level when many timers are pending
/// (measured: about 3 times slower on 100,000 sleeps of up to 10 ms). Coarse slots put every deadline inside the
/// current 104.9 ms window (2^20 ticks) straight into level 0, which covers most frame-scale delays, and longer ones
/// cascade less, at the price of a sort when a slot fires (insertion sort for slots of up to
/// <see cref="CountingSortThreshold"/> nodes, a counting sort on the 14 low bits for larger ones, both stable).</para>
/// <para><b>Range and horizon (R10).</b> Nine levels of 6 bits above 14 resolution bits cover 68 bits, more than a
/// long, so the wheel has no horizon of its own: a slot of the top level spans 2^62 ticks. The horizon is time's:
/// every time a clock reads and every finite deadline lies in [0, 2^62 - 1] (<see cref="TimeMath.EndOfTime"/>, about
/// 14,614 years), the top level's first slot, so two of them differ at level 7 or below and a deadline is never a
/// full rotation away from <see cref="_elapsed"/>. Beyond it: a delay that would pass the end of time is saturated to
/// <see cref="TimeMath.EndOfTime"/> by the caller before it gets here (<see cref="TimeMath.After"/>); a deadline at or
/// before <see cref="_elapsed"/> goes into the current level-0 slot (see above); and <see cref="TimeMath.Never"/>
/// (long.MaxValue) is the one value past the end of time, in the top level's slot 1, which starts at 2^62:
/// <see cref="_elapsed"/> never gets there, so a "never" node is never cascaded nor fired, and stays cancellable. So
/// level 8 holds only "never" nodes, and <c>LevelFor</c>'s clamp to the top level is only a guard.</para>
/// <para><b>Next deadline and partial slots (auto-jump).</b> A level-0 slot spans 16,384 ticks, so a jump to the next
/// deadline (an auto-jumping <see cref="ManualClock"/>, or a host stepping finer than a slot) usually fires only part of
/// a slot. Reading the whole slot for that, and scanning it again for the next deadline, cost O(slot size) per wake-up:
/// with n timers spread over a few slots, O(n) per resume and O(n^2) in all (measured: 10 us per resume at 1,000
/// sleepers, 41 us at 16,000). So: (1) a slot fired in part becomes the <i>open slot</i>: its remaining nodes move, once,
/// into a binary min-heap (<see cref="_heap"/>) of (offset in the slot, sequence) keys, and every later insert into that
/// slot is pushed there too; firing pops its due nodes (O(log k) each) and the next deadline is the top (O(1)).
/// (2) For any other slot, the earliest live deadline found by a scan is cached (<see cref="_minIndex"/>) and kept
/// exact by inserts (a min) until something else touches that slot (a cancel, a removal, a purge, firing or
/// cascading it), so a host asking again and again scans a slot once; a scan of a slot that is then fired or cascaded
/// is paid for by that firing, which touches every node anyway. Invariants: at most one open slot, always the level-0
/// slot of <see cref="_elapsed"/> (it opens when <see cref="_elapsed"/> stops inside it; it is drained before
/// <see cref="_elapsed"/> leaves it, since the lowest occupied level is served first), its list head is null and its
/// occupancy bit is set while the heap is not empty; the sequence numbers grow in arrival order (the slot's remaining
/// nodes first, in arrival order, then later inserts), so equal deadlines still fire first come, first served (R3,
/// R8); a cancelled node in the heap is dropped when it reaches the top or at the purge (R12). The heap holds
/// 16-byte structs and never touches a node to compare, and its array is kept between slots (no allocation in steady
/// state).</para>
/// <para><b>Rejected.</b> A binary heap keyed by (deadline, sequence) for every timer is exact but pays a cache miss per
/// level on every wake-up (ARCHITECTURE.md: about 3 times slower than a wheel; the open slot's heap is small and holds
/// keys, not nodes); struct arrays of (deadline, task) per slot avoid
/// touching nodes while cascading but cost every sleeping task 16-32 more bytes (W5 in docs/performance.md).</para>
/// </remarks>
internal sealed partial class TimerWheel
{
    internal const int ResolutionBits = 14;
    private const int Bits = 6;
    private const int SlotCount = 1 << Bits;
    private const int Levels = 9;
    private const int CountingSortThreshold = 48;

    private readonly LoopNode?[] _heads = new LoopNode?[Levels * SlotCount];
    private readonly ulong[] _occupied = new ulong[Levels];
    private readonly ulong[] _dirty = new ulong[Levels];
    private int[]? _counts;   // allocated on the first large slot
    private LoopNode?[] _scratch = new LoopNode?[64];
    private LoopNode?[] _sorted = new LoopNode?[64];
    private bool _anyDirty;

    // Every node with a deadline at or before _elapsed has been fired. Never decreases.
    private long _elapsed;

    // The open slot (see Next deadline): its index in _heads (level 0, so the slot number), or -1; the time its slot
    // starts; the heap of its nodes, ordered by Key = (deadline - _openStart) << SequenceBits | sequence.
    private const int SequenceBits = 63 - ResolutionBits;
    private int _openIndex = -1;
    private long _openStart;
    private long _sequence;
    private HeapEntry[] _heap = new HeapEntry[64];
    private int _heapCount;

    // The earliest live deadline of slot _minIndex (or its start when all its nodes are cancelled), or _minIndex = -1.
    // Exact while set: inserts into that slot lower it, everything else that touches the slot clears it.
    private int _minIndex = -1;
    private long _minValue;

    internal int Count { get; private set; }

    internal bool HasDirty => _anyDirty;

    internal void Insert(LoopNode node, long deadline)
    {
        Debug.Assert((node._state & StateBits.InWheel) == 0, "A node is in the wheel at most once.");
        if (deadline < _elapsed)
        {
            deadline = _elapsed;
        }

        node._deadline = deadline;
        int level = LevelFor(_elapsed, deadline);
        int slot = SlotOf(level, deadline);
        int index = (level << Bits) | slot;
        node._state = (node._state & ~StateBits.LevelMask) | (level << StateBits.LevelShift) | StateBits.InWheel;
        Count++;
        if (index == _openIndex)
        {
            node._link = null;
            Push(node);
            return;
        }

        if (index == _minIndex && deadline < _minValue)
        {
            _minValue = deadline;
        }

        node.NextInSlot = _heads[index];
        _heads[index] = node;
        _occupied[level] |= 1UL << slot;
    }

    /// <summary>Flags a node's timer as cancelled; it leaves the wheel at the next <see cref="Purge"/>.</summary>
    internal void Cancel(LoopNode node)
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
        int slot = SlotOf(level, node._deadline);
        _dirty[level] |= 1UL << slot;
        if (((level << Bits) | slot) == _minIndex)
        {
            _minIndex = -1;
        }
    }

    /// <summary>Unlinks a node at once (a paused scope freezing its timer); walks the node's slot to find it.</summary>
    internal void Remove(LoopNode node)
    {
        int st = node._state;
        if ((st & StateBits.InWheel) == 0)
        {
            return;
        }

        int level = (st & StateBits.LevelMask) >> StateBits.LevelShift;
        int slot = SlotOf(level, node._deadline);
        int index = (level << Bits) | slot;
        if (index == _minIndex)
        {
            _minIndex = -1;
        }

        if (index == _openIndex)
        {
            RemoveFromHeap(node);
            return;
        }

        LoopNode? previous = null;
        for (LoopNode? current = _heads[index]; current is not null; current = current.NextInSlot)
        {
            if (ReferenceEquals(current, node))
            {
                if (previous is null)
                {
                    _heads[index] = node.NextInSlot;
                }
                else
                {
                    previous.NextInSlot = node.NextInSlot;
                }

                if (_heads[index] is null)
                {
                    _occupied[level] &= ~(1UL << slot);
                }

                if ((st & StateBits.TimerCancelled) == 0)
                {
                    Count--;
                }

                Unflag(node);
                return;
            }

            previous = current;
        }

        Debug.Fail("A node flagged InWheel was not found in its slot.");
    }

    /// <summary>The earliest pending deadline, or long.MaxValue when empty or when only <see cref="TimeMath.Never"/> nodes
    /// are pending (a slot holding only cancelled nodes gives its start: a harmless early wake-up until the purge at the
    /// end of the tick; a caller reads a time past the end of time as "none").</summary>
    internal long NextWakeTime()
    {
        for (int level = 0; level < Levels; level++)
        {
            if (_occupied[level] == 0)
            {
                continue;
            }

            // The next occupied slot of the lowest occupied level holds the earliest deadline of the whole wheel
            // (lower levels lie before higher ones, later slots after earlier ones): its exact earliest time, so a
            // host or an auto-jumping clock wakes at the deadline itself, not at a cascade point before it. The open
            // slot reads its heap's top; another slot is scanned once and cached (see Next deadline).
            int slot = NextSlot(level);
            int index = (level << Bits) | slot;
            if (index == _openIndex)
            {
                return _openStart + (_heap[0].Key >> SequenceBits);   // a cancelled top: early, harmless, gone at the purge
            }

            if (index == _minIndex)
            {
                return _minValue;
            }

            long earliest = long.MaxValue;
            bool live = false;
            for (LoopNode? node = _heads[index]; node is not null; node = node.NextInSlot)
            {
                if ((node._state & StateBits.TimerCancelled) == 0)
                {
                    live = true;
                    earliest = Math.Min(earliest, node._deadline);
                }
            }

            _minIndex = index;
            _minValue = live ? earliest : SlotStart(level, slot);
            return _minValue;
        }

        return long.MaxValue;
    }

    /// <summary>
    /// Fires every node due at <paramref name="now"/>, in deadline order then scheduling order, handing each to
    /// <paramref name="loop"/>'s ready queue.
    /// </summary>
    internal void Advance(long now, EventLoop loop)
    {
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

            int slot = NextSlot(level);
            long start = SlotStart(level, slot);
            if (start > now)
            {
                break;
            }

            int index = (level << Bits) | slot;
            if (index == _openIndex)
            {
                if (!FireOpen(now, loop))
                {
                    break;   // the open slot's next deadline lies after now, and so does everything else
                }

                continue;
            }

            if (index == _minIndex)
            {
                _minIndex = -1;
            }

            LoopNode? list = _heads[index];
            _heads[index] = null;
            _occupied[level] &= ~(1UL << slot);
            if (level == 0)
            {
                if (!FireSlot(list, index, start, now, loop))
                {
                    break;   // part of this slot lies after now, and so does everything else
                }
            }
            else
            {
                _elapsed = start;
                Cascade(list);
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
        for (int level = 0; level < Levels; level++)
        {
            ulong dirty = _dirty[level];
            _dirty[level] = 0;
            while (dirty != 0)
            {
                int slot = Bitwise.TrailingZeroCount(dirty);
                dirty &= dirty - 1;
                int index = (level << Bits) | slot;
                if (index == _minIndex)
                {
                    _minIndex = -1;
                }

                if (index == _openIndex)
                {
                    PurgeHeap();
                    continue;
                }

                LoopNode? previous = null;
                LoopNode? node = _heads[index];
                while (node is not null)
                {
                    var next = node.NextInSlot;
                    if ((node._state & StateBits.TimerCancelled) != 0)
                    {
                        Unflag(node);
                        if (previous is null)
                        {
                            _heads[index] = next;
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

                if (_heads[index] is null)
                {
                    _occupied[level] &= ~(1UL << slot);
                }
            }
        }
    }

    /// <summary>Gives back the scratch buffers a large slot left behind.</summary>
    internal void TrimExcess()
    {
        _scratch = new LoopNode?[64];
        _sorted = new LoopNode?[64];
        _counts = null;
        if (_heap.Length > 64 && _heapCount <= 64)
        {
            Array.Resize(ref _heap, 64);
        }
    }

    /// <summary>Drops every node (the loop is closing); the loop owns the tasks.</summary>
    internal void Clear()
    {
        Array.Clear(_heads, 0, _heads.Length);
        Array.Clear(_occupied, 0, _occupied.Length);
        Array.Clear(_dirty, 0, _dirty.Length);
        Array.Clear(_heap, 0, _heapCount);
        _heapCount = 0;
        _openIndex = -1;
        _minIndex = -1;
        Count = 0;
        _anyDirty = false;
    }

    private static int LevelFor(long elapsed, long deadline)
    {
        ulong masked = ((ulong)(elapsed ^ deadline) >> ResolutionBits) | (SlotCount - 1);
        int significant = 63 - Bitwise.LeadingZeroCount(masked);
        int level = significant / Bits;
        return level < Levels ? level : Levels - 1;
    }

    private static int SlotOf(int level, long deadline) =>
        (int)((deadline >> (ResolutionBits + (level * Bits))) & (SlotCount - 1));

    /// <summary>The next occupied slot of <paramref name="level"/>, at or after the slot of <see cref="_elapsed"/>.</summary>
    private int NextSlot(int level)
    {
        int nowSlot = SlotOf(level, _elapsed);
        ulong rotated = Bitwise.RotateRight(_occupied[level], nowSlot);
        return (Bitwise.TrailingZeroCount(rotated) + nowSlot) & (SlotCount - 1);
    }

    private long SlotStart(int level, int slot)
    {
        int shift = ResolutionBits + (level * Bits);
        long slotRange = 1L << shift;
        long levelRange = slotRange << Bits;
        long start = (_elapsed & ~(levelRange - 1)) + (slot * slotRange);
        if (level > 0 && start <= _elapsed)
        {
            // A slot at or before the current one would lie in the next rotation. Levels 1-7 never hold such a slot
            // (their nodes lie inside the current window of the level above, after the current slot); at the top
            // level it is only a guard, since that level holds "never" nodes alone, in slot 1 (see Range).
            start += levelRange;
        }

        return start;
    }

    /// <summary>
    /// Fires the due nodes of a level-0 slot in (deadline, arrival) order and puts the others back. Returns false
    /// when some nodes were not due yet.
    /// </summary>
    private bool FireSlot(LoopNode? list, int index, long slotStart, long now, EventLoop loop)
    {
        // Read the slot back in arrival order (it was built by pushing at the head), dropping cancelled nodes.
        int n = 0;
        for (LoopNode? node = list; node is not null; node = node.NextInSlot)
        {
            if (n == _scratch.Length)
            {
                Array.Resize(ref _scratch, n * 2);
            }

            _scratch[n++] = node;
        }

        Array.Reverse(_scratch, 0, n);   // arrival order

        // Partition forwards: due nodes are compacted to the front (their index never passes the read index).
        int due = 0;
        LoopNode? keep = null;
        bool sorted = true;
        long last = long.MinValue;
        for (int i = 0; i < n; i++)
        {
            LoopNode node = _scratch[i]!;
            _scratch[i] = null;
            if ((node._state & StateBits.TimerCancelled) != 0)
            {
                Unflag(node);
                continue;
            }

            if (node._deadline > now)
            {
                node._link = keep;   // 'keep' ends up newest first, the order a slot list is kept in
                keep = node;
                continue;
            }

            sorted &= node._deadline >= last;
            last = node._deadline;
            _scratch[due++] = node;
        }

        if (!sorted)
        {
            SortByDeadline(due, slotStart);
        }

        for (int i = 0; i < due; i++)
        {
            LoopNode node = _scratch[i]!;
            _scratch[i] = null;
            node._link = null;
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

        if (keep is null)
        {
            return true;
        }

        // The not-yet-due nodes make this the open slot (see Next deadline): 'keep' is newest first, so fill the heap
        // from the end, giving the oldest the lowest sequence number, and restore the heap order bottom-up (O(k)).
        Debug.Assert(_openIndex < 0 && _heapCount == 0, "At most one slot is open, and it is drained before another fires.");
        _openIndex = index;
        _openStart = slotStart;
        _occupied[0] |= 1UL << (index & (SlotCount - 1));
        int count = 0;
        for (LoopNode? node = keep; node is not null; node = (LoopNode?)node._link)
        {
            count++;
        }

        if (_heap.Length < count)
        {
            _heap = new HeapEntry[Math.Max(count, _heap.Length * 2)];
        }

        _sequence = count;
        int position = count;
        for (LoopNode? node = keep; node is not null;)
        {
            LoopNode? next = (LoopNode?)node._link;
            node._link = null;
            position--;
            _heap[position] = new HeapEntry(((node._deadline - slotStart) << SequenceBits) | (long)position, node);
            node = next;
        }

        _heapCount = count;
        Heapify();
        return false;
    }

    /// <summary>Moves the nodes of a higher slot down, in arrival order, relative to the new <see cref="_elapsed"/>.</summary>
    private void Cascade(LoopNode? list)
    {
        Debug.Assert(_openIndex < 0, "The open slot is drained before time leaves it.");
        int n = 0;
        for (LoopNode? node = list; node is not null; node = node.NextInSlot)
        {
            if (n == _scratch.Length)
            {
                Array.Resize(ref _scratch, n * 2);
            }

            _scratch[n++] = node;
        }

        for (int i = n - 1; i >= 0; i--)
        {
            LoopNode node = _scratch[i]!;
            _scratch[i] = null;
            int st = node._state;
            node._state = st & ~(StateBits.InWheel | StateBits.LevelMask);
            if ((st & StateBits.TimerCancelled) != 0)
            {
                node._state &= ~StateBits.TimerCancelled;
                node._link = null;
                continue;
            }

            Count--;
            Insert(node, node._deadline);
        }
    }

    private static void Unflag(LoopNode node)
    {
        node._state &= ~(StateBits.InWheel | StateBits.TimerCancelled | StateBits.LevelMask);
        node._link = null;
    }
}
