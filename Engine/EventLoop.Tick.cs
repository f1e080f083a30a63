using System;
using System.Threading;
using YieldLoop.Internal;

namespace YieldLoop;

// One tick (R1): read the clock once, fire the due timers, drain the inbox, then run exactly what the ready queue held
// at that point, and end the tick (unobserved failures reported, R23; cancelled timers purged, R12). Also the ready
// queue's enqueue: the one way work becomes ready.
public sealed partial class EventLoop
{
    /// <summary>One tick; returns how many ready-queue entries it ran (the step count of <see cref="Tick()"/>).</summary>
    private int TickCore(long budget)
    {
        long clock = ReadClock();
        if (clock > _now)
        {
            _now = clock;   // a clock that goes backwards is treated as standing still (R10)
        }

        _tickCount++;
        int timersFrom = _readyCount;
        _timers.Advance(_now, this);
        if (_firedClocks is { Count: > 0 })
        {
            OrderFiredTimers(timersFrom);
            RearmFiredClocks();
        }

        if (Volatile.Read(ref _inboxCount) != 0)
        {
            DrainInbox();
        }

        ReadyEntry[] run = TakeReady(out int head, out int count);
        if (budget >= 0)
        {
            int ran = RunBudgeted(run, head, count, budget);
            EndTick();
            return ran;
        }

        _wavesOpen = _sameTickWakeUps;
        RunEntries(run, head, count);
        ReleaseSlice(run, head, count);
        int waves = _wavesOpen ? RunWaves() : 0;   // same-tick wake-ups (R1b), when the option is on
        EndTick();
        return count + waves;   // every entry taken ran: a step that throws faults its task and the loop carries on
    }

    /// <summary>
    /// Takes the ready queue's entries for running: exactly the work that is ready now (R1), the slice
    /// [<paramref name="head"/>, <paramref name="head"/> + <paramref name="count"/>) of the returned ring (it may wrap).
    /// The queue's head moves past them; what becomes ready while they run is queued behind them, and their slots are
    /// not reused until <see cref="ReleaseSlice"/>.
    /// </summary>
    private ReadyEntry[] TakeReady(out int head, out int count)
    {
        ReadyEntry[] run = _ready;
        head = _readyHead;
        count = _readyCount;
        System.Diagnostics.Debug.Assert(_runArray is null, "the ready queue is taken only between slices (no nested ticks, R4)");
        System.Diagnostics.Debug.Assert(_readyLimit == run.Length, "no slice is outstanding when the next is taken");
        _readyHead = (head + count) & (run.Length - 1);
        _readyCount = 0;
        _readyLimit = run.Length - count;
        _sliceHead = head;
        _sliceFreed = 0;
        return run;
    }

    /// <summary>
    /// Ends a slice taken by <see cref="TakeReady"/>: clears its slots (no task stays referenced) and gives them back.
    /// When the ring grew while the slice ran, the slice was in the old array, which is dropped as it is.
    /// </summary>
    private void ReleaseSlice(ReadyEntry[] run, int head, int count)
    {
        if (!ReferenceEquals(run, _ready))
        {
            return;
        }

        ClearSlots(run, SliceSlot(run, head, _sliceFreed), count - _sliceFreed);
        _readyLimit = run.Length;
    }

    /// <summary>Clears <paramref name="count"/> slots of the ring from <paramref name="from"/>, wrapping at its end.</summary>
    private static void ClearSlots(ReadyEntry[] ring, int from, int count)
    {
        int first = Math.Min(count, ring.Length - from);
        Array.Clear(ring, from, first);
        if (first < count)
        {
            Array.Clear(ring, 0, count - first);
        }
    }

    /// <summary>The slot of the <paramref name="k"/>-th entry of a slice that starts at <paramref name="head"/>.</summary>
    private static int SliceSlot(ReadyEntry[] run, int head, int k)
    {
        int slot = head + k;
        return slot < run.Length ? slot : slot - run.Length;
    }

    /// <summary>
    /// Runs the <paramref name="count"/> entries of <paramref name="run"/> from <paramref name="head"/> in order (wrapping
    /// at its end): the ready queue's slice of a tick, or a phase's entries (from 0). The plain path is one run slice per
    /// contiguous part; a monitor (diagnostics) or a frame budget takes them one slice per entry, so their checks stay
    /// off the plain path.
    /// </summary>
    private void RunEntries(ReadyEntry[] run, int head, int count, bool wave = false)
    {
        if (_monitor is not null)
        {
            RunEntriesMonitored(run, head, count, _monitor, wave);
            return;
        }

        _runArray = run;
        int first = Math.Min(count, run.Length - head);
        RunSlice(run, head, head + first);
        if (first < count)
        {
            RunSlice(run, 0, count - first);
        }

        _runArray = null;
    }

    /// <summary>
    /// THE ONE PLACE WHERE USER CODE RUNS: coroutine steps and callbacks, entries [start, count) of
    /// <paramref name="run"/> in FIFO order (R3). Everything else in the engine only queues work, so there are no nested
    /// steps (R4). Every way of running entries (the plain tick, a phase, the monitored and the budgeted ticks) comes
    /// through here; only <see cref="Close"/> runs turns on its own (RunCloseTurns), and those cannot throw out: a
    /// cancelled turn's finally blocks run inside EndTask's catch, a callback catches its own exception. The caller has
    /// set <see cref="_runArray"/> to <paramref name="run"/>.
    /// </summary>
    /// <remarks>
    /// The try/catch sits around the whole loop (<see cref="RunReady"/>) rather than around each MoveNext: a method with
    /// an exception handler keeps its locals in memory and pays a larger prologue, and RunFrames is the hottest code there
    /// is. An exception from a coroutine unwinds to here; the slice faults that task (R21) and carries on at the next
    /// entry. Callbacks catch their own exceptions (they go to the handler, R18), so what arrives here is a task's.
    /// </remarks>
    private void RunSlice(ReadyEntry[] run, int start, int count)
    {
        System.Diagnostics.Debug.Assert(ReferenceEquals(_runArray, run), "a run slice over entries the loop does not know it is running");
        int i = start;
        while (i < count)
        {
            try
            {
                RunReady(run, i, count);
                i = count;
            }
            catch (Exception ex)
            {
                i = _runIndex;
                Threw(AsTask(run[i].Node), ex);
                i++;
            }
        }
    }

    /// <summary>The end of a tick or phase run: trims, reports unobserved failures (R23), purges cancelled timers (R12).</summary>
    private void EndTick()
    {
        if (_unstarted.Count == 0 && _unstartedPeak > TrimThreshold)
        {
            // A burst of starts is over: give the set's capacity back (it would hold tens of bytes per task).
            _unstarted.TrimExcess();
            _unstartedPeak = 0;
        }

        if (_watch.Count != 0)
        {
            ReportUnobserved();
        }

        if (_timers.HasDirty)
        {
            _timers.Purge();
        }

        if (_dirtyClocks is { Count: > 0 })
        {
            PurgeClocks();
        }
    }

    /// <summary>Whether <paramref name="task"/>'s step (or callback) is on the call stack now.</summary>
    private bool IsRunning(LoopNode task)
    {
        ReadyEntry[]? run = _runArray;
        return run is not null && ReferenceEquals(run[_runIndex].Node, task);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void Enqueue(LoopNode task)
    {
        System.Diagnostics.Debug.Assert(ReferenceEquals(task._loop, this), "a node is queued only on its own loop (R61)");
        System.Diagnostics.Debug.Assert(_readyCount <= _readyLimit, "the ready count never passes the queue's limit");
        ReadyEntry[] ready = _ready;
        int count = _readyCount;
        if (count < _readyLimit)
        {
            ready[(_readyHead + count) & (ready.Length - 1)].Node = task;
            _readyCount = count + 1;
            return;
        }

        EnqueueGrow(task);
    }

    private void EnqueueGrow(LoopNode task)
    {
        ReadyEntry[] ready = _ready;
        if (ReferenceEquals(_runArray, ready))
        {
            // A slice of this ring is running: the slots of its entries that ran already (those before the running one)
            // are free. Give them back rather than grow: a tick that requeues all it runs needs no second array.
            int ran = (_runIndex - _sliceHead) & (ready.Length - 1);
            int freed = ran - _sliceFreed;
            if (freed > 0)
            {
                ClearSlots(ready, SliceSlot(ready, _sliceHead, _sliceFreed), freed);
                _sliceFreed = ran;
                _readyLimit += freed;
                ready[(_readyHead + _readyCount) & (ready.Length - 1)].Node = task;
                _readyCount++;
                return;
            }
        }

        ResizeReady(ready.Length * 2);
        _ready[_readyCount++].Node = task;
    }

    /// <summary>
    /// Moves the queued entries, in order, to a new ring of <paramref name="length"/> slots (a power of two) from slot 0.
    /// A slice running now keeps running in the old array (its loop holds it), so the new ring has no slots held back.
    /// </summary>
    private void ResizeReady(int length)
    {
        System.Diagnostics.Debug.Assert(length >= _readyCount && (length & (length - 1)) == 0, "a ring holds its entries and has a power-of-two length");
        ReadyEntry[] old = _ready;
        var ring = new ReadyEntry[length];
        int count = _readyCount;
        int first = Math.Min(count, old.Length - _readyHead);
        Array.Copy(old, _readyHead, ring, 0, first);
        Array.Copy(old, 0, ring, first, count - first);
        _ready = ring;
        _readyHead = 0;
        _readyLimit = length;
    }
}
