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

        ReadyEntry[] run = TakeReady(out int count);
        if (budget >= 0)
        {
            int ran = RunBudgeted(run, count, budget);
            EndTick();
            return ran;
        }

        RunEntries(run, count);
        Array.Clear(run, 0, count);
        EndTick();
        return count;   // every entry taken ran: a step that throws faults its task and the loop carries on
    }

    /// <summary>
    /// Takes the ready queue for running: exactly the work that is ready now (R1). The two arrays swap, so what becomes
    /// ready while the taken entries run goes into the other one, for the next slice.
    /// </summary>
    private ReadyEntry[] TakeReady(out int count)
    {
        ReadyEntry[] run = _ready;
        count = _readyCount;
        System.Diagnostics.Debug.Assert(_runArray is null, "the ready queue is taken only between slices (no nested ticks, R4)");
        _ready = _spare;
        _spare = run;
        _readyCount = 0;
        return run;
    }

    /// <summary>
    /// Runs the entries [0, count) of <paramref name="run"/> in order: the ready queue of a tick, or a phase's. The plain
    /// path is one run slice over them all; a monitor (diagnostics) or a frame budget takes them one slice per entry,
    /// so their checks stay off the plain path.
    /// </summary>
    private void RunEntries(ReadyEntry[] run, int count)
    {
        if (_monitor is not null)
        {
            RunEntriesMonitored(run, count, _monitor);
            return;
        }

        _runArray = run;
        RunSlice(run, 0, count);
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
        System.Diagnostics.Debug.Assert(_readyCount <= _ready.Length, "the ready count never passes the queue's length");
        ReadyEntry[] ready = _ready;
        int count = _readyCount;
        if ((uint)count < (uint)ready.Length)
        {
            ready[count].Node = task;
            _readyCount = count + 1;
            return;
        }

        EnqueueGrow(task);
    }

    private void EnqueueGrow(LoopNode task)
    {
        Array.Resize(ref _ready, _readyCount * 2);
        _ready[_readyCount++].Node = task;
    }
}
