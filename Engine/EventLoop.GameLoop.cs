using System;
using System.Collections.Generic;
using System.Threading;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>Game-loop integration: clocks, phases, frame budgets, idle runs (docs/design.md).</summary>
public sealed partial class EventLoop
{
    // Timers kept by game clocks (their wheels), and how many clock drivers sit in the loop's wheel: the public timer
    // count shows the former, not the latter.
    internal int ClockTimerCount;
    private int _driversInWheel;

    // Clocks whose driver fired while the wheel advanced (re-armed once it finished), and clocks with cancelled timers
    // to purge at the end of the tick (R12).
    private List<GameClock>? _firedClocks;
    private List<GameClock>? _dirtyClocks;

    // The root game clocks, so that a checkpoint rewinds a clock's scale and pause even when no coroutine refers to it
    // (child clocks are reached from their parents). Weak, as a clock's list of children: a clock nobody holds is gone.
    private List<WeakReference<GameClock>>? _rootClocks;

    internal void AddRootClock(GameClock clock)
    {
        List<WeakReference<GameClock>> roots = _rootClocks ??= new List<WeakReference<GameClock>>();
        roots.RemoveAll(static r => !r.TryGetTarget(out _));
        roots.Add(new WeakReference<GameClock>(clock));
    }

    // Offloads and awaited .NET tasks still running: they will wake the loop, so an auto-jumping clock must not skip
    // time under them.
    private int _externalWork;

    // What measures the budget of the current budgeted tick (null: a Stopwatch).
    [Checkpoints.NotRewound]
    private IClock? _budgetTimer;

    /// <summary>
    /// Gets whether a tick would find work to do now: ready tasks or callbacks, or hand-overs from other threads. Timers
    /// that come due later are not counted (see <see cref="NextWakeTime"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Read from another thread.</exception>
    public bool HasReadyWork
    {
        get
        {
            CheckThread();
            return _readyCount != 0 || Volatile.Read(ref _inboxCount) != 0;
        }
    }

    /// <summary>
    /// Gets the loop time of the earliest pending timer (a sleep, a periodic wait, a delayed callback, a game clock's
    /// next wait at its current rate), or null when no timer is pending or none will ever come due (their times lie past
    /// the end of time, see <see cref="Time"/>). A host that sleeps between frames can sleep until then.
    /// </summary>
    /// <exception cref="InvalidOperationException">Read from another thread.</exception>
    public TimeSpan? NextWakeTime
    {
        get
        {
            CheckThread();
            long next = NextTimerTicks();
            return next == long.MaxValue ? null : new TimeSpan(Math.Max(next, _now));
        }
    }

    /// <summary>
    /// Runs one tick with a time budget: runs ready work in FIFO order until the step that spends
    /// <paramref name="budget"/>, and keeps the rest for the next tick, ahead of everything made ready since (the oldest
    /// waiting runs first, so nobody starves: with k steps fitting in a budget, a ready entry waits at most
    /// ceil(queue length / k) ticks). At least one entry runs per tick.
    /// </summary>
    /// <param name="budget">How much time the tick may spend running work, in seconds (rounded to 100 ns) or as a
    /// <see cref="TimeSpan"/>; zero runs one entry.</param>
    /// <param name="timer">What measures the budget: null (the default) for real elapsed time (a
    /// <see cref="System.Diagnostics.Stopwatch"/>), whatever clock the loop reads — a game that advances a
    /// <see cref="ManualClock"/> once per frame still gets a real budget. A test passes a <see cref="ManualClock"/> that
    /// its steps advance, for a deterministic budget.</param>
    /// <returns>The number of steps the tick ran, counted as <see cref="Tick()"/> counts them (at least 1 when anything
    /// was ready). What it deferred runs first in the next tick.</returns>
    /// <remarks>The timer is read once before the first step and after each step. Timers and hand-overs are taken as in
    /// <see cref="Tick()"/>. Phases (<see cref="LoopPhase.Run"/>) have no budget.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="budget"/> is negative, or a NaN or infinite number
    /// of seconds.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a step or callback of this loop (R5), or from
    /// another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public int Tick(Duration budget, IClock? timer = null)
    {
        long ticks;
        if (budget.IsSeconds)
        {
            double seconds = budget.Seconds;
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(budget), seconds,
                    "A tick budget must be a finite number of seconds, zero or more (zero runs one entry); use Tick() for a tick without a budget.");
            }

            ticks = TimeMath.SecondsToTicks(seconds);
        }
        else
        {
            ticks = budget.Span.Ticks;
            if (ticks < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(budget), budget.Span,
                    "A tick budget must be zero or more (zero runs one entry); use Tick() for a tick without a budget.");
            }
        }

        CheckAccess();   // before touching loop fields from a wrong thread (R50); RunTick checks re-entrancy
        _budgetTimer = timer;
        return RunTick(ticks);
    }

    /// <summary>
    /// Runs ticks until the loop is idle: no ready work, no hand-over, no offload or awaited .NET task in flight, and
    /// no pending timer. It sleeps until timers are due on a real clock, and jumps to them on a
    /// <see cref="ManualClock"/> with <see cref="ManualClock.AutoJump"/>; on a manual clock without it, pending timers
    /// do not keep it running (time moves only by hand). Tasks parked on futures that nothing will complete do not
    /// keep it running either: it returns and leaves them pending.
    /// </summary>
    /// <remarks>Made for tests and headless simulation: with an auto-jumping clock, an hour of game time runs in
    /// milliseconds and ends with the clock exactly at the last deadline. <see cref="Stop"/> ends it early.</remarks>
    /// <exception cref="InvalidOperationException">Called inside a step (R5) or from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void RunUntilIdle() => RunTicks(untilIdle: true, nameof(RunUntilIdle));

    /// <summary>Nothing can make progress without time passing by hand: no ready work, no hand-over, no external work
    /// in flight, and no timer that a run may wait for (see <see cref="RunUntilIdle"/>).</summary>
    private bool IsIdle()
    {
        if (_readyCount != 0 || Volatile.Read(ref _inboxCount) != 0 || _externalWork != 0)
        {
            return false;
        }

        return NextTimerTicks() == long.MaxValue || (_manualClock && !((ManualClock)_clock).AutoJump);
    }

    /// <summary>The earliest time a pending timer comes due, or long.MaxValue when none will: a timer past the end of time
    /// (<see cref="TimeMath.Never"/>) is not waited for, so a host does not sleep for it and an auto-jumping clock does not
    /// jump to it (R10).</summary>
    private long NextTimerTicks()
    {
        long next = _timers.NextWakeTime();
        return next <= TimeMath.EndOfTime ? next : long.MaxValue;
    }

    // ---- clocks --------------------------------------------------------------------------------------------------

    internal void InsertDriver(ClockDriver driver, long deadline)
    {
        _timers.Insert(driver, Math.Max(deadline, _now));
        _driversInWheel++;
    }

    internal void RemoveTimer(ClockDriver driver)
    {
        _timers.Remove(driver);
        _driversInWheel--;
    }

    /// <summary>The loop's wheel fired a clock's driver: the clock queues its due tasks now (R7 in its time).</summary>
    internal void FireClock(ClockDriver driver)
    {
        _driversInWheel--;
        driver.Clock.FireDue(_now);
        (_firedClocks ??= new List<GameClock>()).Add(driver.Clock);
    }

    /// <summary>
    /// A game clock fired in this tick: its due waits were queued at its driver's place, all at once. In a late tick that
    /// covers several deadlines, put the timers fired in this tick (ready entries from <paramref name="from"/> on) back
    /// in real-deadline order (R1), keeping their order for equal deadlines (a stable sort).
    /// </summary>
    /// <remarks>Equal real deadlines across different clocks keep the order in which they were queued (grouped per
    /// clock), not their scheduling order: that would need a global sequence number in every task (docs/design.md).</remarks>
    private void OrderFiredTimers(int from)
    {
        int n = _readyCount - from;
        if (n < 2)
        {
            return;
        }

        ReadyEntry[] ring = _ready;
        int head = _readyHead;
        var due = new long[n];
        bool sorted = true;
        for (int i = 0; i < n; i++)
        {
            due[i] = RealDue(ring[SliceSlot(ring, head, from + i)].Node);
            sorted &= i == 0 || due[i] >= due[i - 1];
        }

        if (sorted)
        {
            return;
        }

        var order = new int[n];
        var copy = new ReadyEntry[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            copy[i] = ring[SliceSlot(ring, head, from + i)];
        }

        Array.Sort(order, (a, b) => due[a] != due[b] ? due[a].CompareTo(due[b]) : a.CompareTo(b));
        for (int i = 0; i < n; i++)
        {
            ring[SliceSlot(ring, head, from + i)] = copy[order[i]];
        }
    }

    /// <summary>The real time at which a just-fired timer node was due.</summary>
    private static long RealDue(LoopNode node) => (node._state & StateBits.ClockTimer) != 0 && node._frame is FrameStack { TimerClock: { } clock }
        ? clock.RealAt(node._deadline)
        : node._deadline;

    private void RearmFiredClocks()
    {
        List<GameClock> fired = _firedClocks!;
        for (int i = 0; i < fired.Count; i++)
        {
            fired[i].Arm();
        }

        fired.Clear();
    }

    internal void AddDirtyClock(GameClock clock) => (_dirtyClocks ??= new List<GameClock>()).Add(clock);

    private void PurgeClocks()
    {
        List<GameClock> dirty = _dirtyClocks!;
        for (int i = 0; i < dirty.Count; i++)
        {
            dirty[i].Purge();
        }

        dirty.Clear();
    }

    /// <summary>A task yielded a sleep in <paramref name="clock"/>'s time: a positive delay, or an absolute local deadline
    /// (an <see cref="Interval"/> bound to the clock).</summary>
    private void SleepOnClock(Future task, GameClock clock, long ticks, bool absolute)
    {
        if (!ReferenceEquals(clock.Loop, this))
        {
            Fault(task, new InvalidOperationException(
                $"Coroutine '{task.NodeName}' slept on clock '{clock.Name}' of another loop ('{clock.Loop.Name}'). A task sleeps only on clocks of its own loop ('{Name}')."),
                "slept on a clock of another loop");
            return;
        }

        if (task._frame is not FrameStack stack)
        {
            // The timer must know its clock (to cancel or freeze it): a task with one plain frame gets a frame stack
            // once, at its first sleep on an explicit clock.
            stack = new FrameStack((IEnumerator<IAwaitable>)task._frame!, null);
            task._frame = stack;
        }

        stack.TimerClock = clock;
        if (absolute)
        {
            clock.InsertAt(task, ticks);
        }
        else
        {
            clock.InsertTimer(task, ticks);
        }

        if ((task._state & StateBits.Scoped) != 0 && stack.Scope!.IsPaused)
        {
            stack.Scope.FreezeNow(task);   // as InsertTimer: it paused its own scope during this step
        }
    }

    // ---- frame budget --------------------------------------------------------------------------------------------

    /// <summary>Runs entries in order until the budget is spent; the rest go back to the front of the ready queue.</summary>
    /// <returns>How many entries ran.</returns>
    private int RunBudgeted(ReadyEntry[] run, int head, int count, long budget)
    {
        IClock? timer = _budgetTimer;
        _budgetTimer = null;
        long start = BudgetNow(timer);
        LoopMonitor? monitor = _monitor;
        monitor?.TickStarting(_tickCount, count);
        _runArray = run;
        int i = 0;
        while (i < count)
        {
            int slot = SliceSlot(run, head, i);
            if (monitor is null)
            {
                RunOne(run, slot);
            }
            else
            {
                RunOneMonitored(run, slot, monitor);
            }

            i++;
            if (i < count && BudgetNow(timer) - start >= budget)
            {
                break;
            }
        }

        _runArray = null;
        int deferred = count - i;
        if (deferred == 0)
        {
            ReleaseSlice(run, head, count);
            return count;
        }

        // The deferred entries go first, then what was made ready during this tick: FIFO by when each became ready.
        if (ReferenceEquals(run, _ready))
        {
            // They sit right before the queue's head: move the head back over them, and free the slots that ran.
            int ran = i;
            ClearSlots(run, SliceSlot(run, head, _sliceFreed), ran - _sliceFreed);

            _readyHead = SliceSlot(run, head, ran);
            _readyCount += deferred;
            _readyLimit = run.Length;
            return ran;
        }

        // The ring grew while the slice ran: the deferred entries are in the old array. A new ring: them, then the rest.
        int fresh = _readyCount;
        int length = _ready.Length;
        while (length < deferred + fresh)
        {
            length *= 2;
        }

        var ring = new ReadyEntry[length];
        for (int k = 0; k < deferred; k++)
        {
            ring[k] = run[SliceSlot(run, head, i + k)];
        }

        for (int k = 0; k < fresh; k++)
        {
            ring[deferred + k] = _ready[SliceSlot(_ready, _readyHead, k)];
        }

        _ready = ring;
        _readyHead = 0;
        _readyCount = deferred + fresh;
        _readyLimit = length;
        return i;
    }

    /// <summary>The budget's time in 100 ns ticks: the given timer's, or real elapsed time.</summary>
    private static long BudgetNow(IClock? timer) => timer is null
        ? (long)(System.Diagnostics.Stopwatch.GetTimestamp() * (TimeSpan.TicksPerSecond / (double)System.Diagnostics.Stopwatch.Frequency))
        : timer.Now.Ticks;

    // ---- phases --------------------------------------------------------------------------------------------------

    /// <summary>Runs a phase's parked tasks (see <see cref="LoopPhase.Run"/>); the caller checked thread and re-entrancy.</summary>
    internal void RunPhase(ReadyEntry[] run, int count)
    {
        long clock = ReadClock();
        if (clock > _now)
        {
            _now = clock;   // steps see the current time (clocks' Now too), as in a tick; timers still wait for Tick
        }

        _inTick = true;
        EventLoop? previous = t_current;
        t_current = this;
        try
        {
            RunEntries(run, 0, count);
            Array.Clear(run, 0, count);
            EndTick();
        }
        finally
        {
            _inTick = false;
            t_current = previous;
        }
    }

    internal bool InTick => _inTick;

    internal InvalidOperationException ReentrantCall(string member) => Reentrant(member);

    // ---- external work (auto-jump) -------------------------------------------------------------------------------

    internal void ExternalWorkStarted() => _externalWork++;

    internal void ExternalWorkEnded() => _externalWork--;
}
