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

        // THE ONE PLACE WHERE USER CODE RUNS: coroutine steps and callbacks, in FIFO order (R3). Everything else in
        // the engine only queues work, so there are no nested steps (R4).
        // The try/catch sits around the whole loop rather than around each MoveNext: a method with an exception
        // handler keeps its locals in memory and pays a larger prologue, and RunFrames is the hottest code there
        // is. An exception from a coroutine unwinds to here; the loop faults that task and carries on at the next.
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
        _ready = _spare;
        _spare = run;
        _readyCount = 0;
        return run;
    }

    /// <summary>Runs the entries [0, count) of <paramref name="run"/> in order: the ready queue of a tick, or a phase's.</summary>
    private void RunEntries(ReadyEntry[] run, int count)
    {
        if (_monitor is not null)
        {
            RunEntriesMonitored(run, count, _monitor);
            return;
        }

        _runArray = run;
        int i = 0;
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

        _runArray = null;
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
