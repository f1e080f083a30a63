using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using YieldLoop.Internal;
#if NET
using System.Runtime.CompilerServices;
#endif

namespace YieldLoop;

/// <summary>
/// The event loop: it owns the clock, the ready queue, the timers and the hand-overs from other threads, and it is
/// the only place that runs coroutines and callbacks.
/// </summary>
/// <remarks>
/// <para><b>Driving it.</b> A game or tool that owns its frame calls <see cref="Tick()"/> once per frame. A console
/// program calls <see cref="RunUntilComplete(Future)"/> or <see cref="RunForever"/>, which tick and, when nothing
/// is ready, sleep until the next timer or hand-over instead of spinning (R53).</para>
/// <para><b>A tick</b> (R1) reads the clock once, appends the work of every timer due at that time (deadline
/// order, then scheduling order) and of every hand-over from other threads to the ready queue behind what was
/// already ready, then runs exactly what the queue holds, first in first out (R3). Work made ready during the tick
/// runs in the next one, so a tick always ends and a waiter resumes one tick after the future it waits on
/// completes. Nothing runs user code inside other user code: starting a task, completing a future or scheduling a
/// callback only queues work (R4), and calling <see cref="Tick()"/> or a run method from inside a step throws (R5).
/// A failure reported at the end of a tick is described on <see cref="UnhandledExceptionHandler"/> (R23).</para>
/// <para><b>Threads.</b> A loop belongs to the thread that created it. Its members throw
/// <see cref="InvalidOperationException"/> when called from another thread (R50), except <see cref="Post"/>,
/// <see cref="TryPost"/>, <see cref="Stop"/> and the read-only properties, which are safe from any thread (R51).</para>
/// </remarks>
[DebuggerDisplay("EventLoop '{Name,nq}' (tasks: {PendingTaskCount}, timers: {PendingTimerCount})")]
public sealed partial class EventLoop
{
    private static readonly IAwaitable s_nextTick = Co.NextTick;
    private static int s_loopCount;

    [ThreadStatic]
    private static EventLoop? t_current;

    private readonly IClock _clock;
    private readonly bool _manualClock;
    private readonly int _threadId;
    private readonly TimerWheel _timers = new();
    private readonly TaskRegistry _registry = new();

    // Iterators of tasks started but not yet stepped: stops the same fresh iterator from being started twice (R27).
    private readonly HashSet<object> _unstarted = new(ReferenceComparer.Instance);
    private int _unstartedPeak;

    // Failures with no waiter at the moment they happened, checked at the end of the tick (R23).
    private readonly List<Future> _watch = new();

    // Watchers to notify of completions, drained in order by the outermost Wake (see Wake).
    private readonly Queue<Notification> _notifications = new();
    private bool _notifying;

    // Hand-overs from other threads (R51). The lock orders Post against Close so nothing posted is lost; the
    // count lets the tick skip the lock when the inbox is empty, and is read with _sleeping Dekker-style (both
    // sides write with a full fence, then read the other's flag) so a post never misses a sleeping loop.
    private readonly object _inboxLock = new();
    private readonly Queue<CallbackHandle> _inbox = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private int _inboxCount;
    private int _sleeping;

    // The ready queue: two arrays swapped at each tick. The tick runs the array it swapped out, exactly the work
    // that was ready when it began (R1); work made ready meanwhile goes into _ready for the next tick. Entries of
    // tasks that completed while queued (cancelled) are skipped, which also makes a double entry harmless.
    // Entries are a struct wrapping the reference: storing into a LoopTask[] would pay an array-covariance type
    // check on every enqueue; a struct element is a plain store.
    private ReadyEntry[] _ready = new ReadyEntry[256];
    private ReadyEntry[] _spare = new ReadyEntry[256];
    private int _readyCount;

    // While the tick runs its ready entries: the array being run and the entry being run. Together they say which task
    // is on the call stack (R33), without a store per resume (a reference store would cost a GC write barrier).
    private ReadyEntry[]? _runArray;
    private int _runIndex;
    private long _now;             // loop time in ticks: the current (or last) tick's; never decreases nor passes EndOfTime
    private long _tickCount;
    private bool _inTick;          // true while Tick (or Close) may run user code: no re-entrant Tick (R5)
    private bool _closing;
    private volatile bool _closed;
    private volatile bool _stopRequested;

    /// <summary>Creates a loop on the current thread.</summary>
    /// <param name="clock">The source of time; a new <see cref="RealClock"/> when null.</param>
    /// <param name="name">A name for messages and diagnostics; "loop-N" when null.</param>
    public EventLoop(IClock? clock = null, string? name = null)
    {
        _clock = clock ?? new RealClock();
        _manualClock = _clock is ManualClock;
        _threadId = Environment.CurrentManagedThreadId;
        Name = name ?? "loop-" + Interlocked.Increment(ref s_loopCount).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _now = Math.Max(0, ReadClock());
    }

    /// <summary>Gets the loop that is ticking on the current thread, or null outside a tick.</summary>
    public static EventLoop? Current => t_current;

    /// <summary>Gets the loop's name.</summary>
    public string Name { get; }

    /// <summary>Gets the clock the loop reads.</summary>
    public IClock Clock => _clock;

    /// <summary>
    /// Gets the loop's time: the time of the current tick while ticking (the same for every step of a tick), else
    /// the clock's time (never earlier than the last tick).
    /// </summary>
    /// <remarks>
    /// <para>Time never moves backwards (R10): a clock that reads earlier than before is treated as standing still.</para>
    /// <para><b>The end of time.</b> Loop time saturates at the end of time, 2^62 - 1 ticks of 100 ns
    /// (<c>TimeSpan.FromTicks(4611686018427387903)</c>, 5,337,599.56 days: about 14,600 years), the end shared by
    /// <see cref="ManualClock"/> and every <see cref="GameClock"/>: a clock that reads later (a custom
    /// <see cref="IClock"/>) reads as the end of time. The rule for deadlines there (docs/design.md, "Time at its
    /// limits"): a deadline computed from a delay (<see cref="Co.Sleep(double)"/>, <see cref="CallLater(double, Action)"/>,
    /// <see cref="Co.Timeout(Future, double)"/>, the timeouts of condition waits) saturates at the end of time, so it
    /// comes due in the first tick whose time is the end of time, never earlier (R7): a 10 s sleep begun one second
    /// before the end comes due one second later, and one begun at the end comes due in the next tick. A time past the
    /// end of time is never reached: <see cref="CallAt"/> past it, or a periodic grid point t0 + k * p past it
    /// (<see cref="Co.Every(double)"/>, <see cref="CallEvery(TimeSpan, Action{PeriodicTick})"/>), never comes due; the
    /// wait stays pending (counted in <see cref="PendingTimerCount"/>) and can be cancelled, and
    /// <see cref="NextWakeTime"/> does not report it.</para>
    /// </remarks>
    public TimeSpan Time => new(NowTicks);

    /// <summary>
    /// Gets the end of time: the latest time the loop, <see cref="ManualClock"/> and every <see cref="GameClock"/> can
    /// represent, 2^62 - 1 ticks of 100 ns (about 14,600 years). Clocks saturate there instead of wrapping (R10); see
    /// <see cref="Time"/> for the rule for deadlines at the end of time.
    /// </summary>
    public static TimeSpan EndOfTime => new(TimeMath.EndOfTime);

    /// <summary>Gets how many ticks the loop has run.</summary>
    public long TickCount => Volatile.Read(ref _tickCount);

    /// <summary>Gets how many tasks and callbacks are started or scheduled and not yet completed.</summary>
    public int PendingTaskCount => _registry.Count;

    /// <summary>Gets how many timers (sleeps, periodic waits, delayed callbacks) are pending.</summary>
    public int PendingTimerCount => _timers.Count - _driversInWheel + ClockTimerCount;

    /// <summary>Gets whether the loop is closed.</summary>
    public bool IsClosed => _closed;

    /// <summary>
    /// Gets or sets what receives failures that nobody observed (R23) and exceptions thrown by callbacks (R18).
    /// When null, they are written to standard error with their coroutine trace.
    /// </summary>
    /// <remarks>
    /// <para>A task or future that faults with no waiter parked on it is reported once, at the end of the tick in
    /// which it faulted (for a failure that happens between ticks: at the end of the next tick; during
    /// <see cref="Close"/>: before <see cref="Close"/> returns), unless its exception or result was read first.
    /// Never at garbage collection, and never when it was observed. One exception object travels to every task that
    /// waited on the failed one; it is reported at most once, however many of those tasks went unobserved.</para>
    /// <para>If the handler itself throws, both exceptions go to <see cref="Trace"/> and standard error; nothing
    /// escapes <see cref="Tick()"/>.</para>
    /// </remarks>
    public Action<Exception>? UnhandledExceptionHandler { get; set; }

    internal long NowTicks => _inTick ? _now : Math.Max(_now, ReadClock());

    /// <summary>The clock's reading, saturated at the end of time (R10): a custom clock may read later.</summary>
    private long ReadClock() => TimeMath.ClampToEnd(_clock.Now.Ticks);

    internal bool IsLoopThread => Environment.CurrentManagedThreadId == _threadId;

    // ---- starting work ------------------------------------------------------------------------------------------

    /// <summary>
    /// Starts <paramref name="coroutine"/> as a new task. Its first step runs in the next tick (R1, R4).
    /// </summary>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="name">A name for messages and diagnostics; the coroutine method's name when null.</param>
    /// <returns>The task, a future that completes when the coroutine ends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null (R61).</exception>
    /// <exception cref="InvalidOperationException">The iterator was started or run before (R27), or the call is made
    /// from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public LoopTask Start(IEnumerator<IAwaitable> coroutine, string? name = null) => StartIn(null, null, coroutine, name);

    /// <summary>
    /// Starts <paramref name="coroutine"/> as a task with a result of type <typeparamref name="T"/>, which the
    /// coroutine produces with <c>yield return Co.Return(value);</c>.
    /// </summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="name">A name for messages and diagnostics; the coroutine method's name when null.</param>
    /// <returns>The task; read <see cref="LoopTask{T}.Result"/> once it completed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The iterator was started or run before, or the call is made from
    /// another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public LoopTask<T> Start<T>(IEnumerator<IAwaitable> coroutine, string? name = null) => StartIn<T>(null, null, coroutine, name);

    internal LoopTask StartIn(Scope? scope, GameClock? clock, IEnumerator<IAwaitable> coroutine, string? name)
    {
        object frame = PrepareStart(coroutine, name, scope, clock);
        int flags = StateBits.Fresh | (scope is null ? 0 : StateBits.Scoped) | (clock is null ? 0 : StateBits.Clocked);
        return Launch(new LoopTask(this, frame, flags), coroutine);
    }

    internal LoopTask<T> StartIn<T>(Scope? scope, GameClock? clock, IEnumerator<IAwaitable> coroutine, string? name)
    {
        object frame = PrepareStart(coroutine, name, scope, clock);
        int flags = StateBits.Fresh | StateBits.Typed | (scope is null ? 0 : StateBits.Scoped) | (clock is null ? 0 : StateBits.Clocked);
        return (LoopTask<T>)Launch(new LoopTask<T>(this, frame, flags), coroutine);
    }

    /// <summary>Schedules <paramref name="callback"/> to run in the next tick.</summary>
    /// <param name="callback">The callback; if it throws, the exception goes to <see cref="UnhandledExceptionHandler"/>.</param>
    /// <returns>A handle that can cancel the call.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The call is made from another thread (use <see cref="Post"/>).</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public CallbackHandle CallSoon(Action callback)
    {
        CallbackHandle handle = NewCallback(callback);
        Enqueue(handle);
        return handle;
    }

    /// <summary>
    /// <see cref="CallSoon"/> for work posted from the loop thread that must not be lost (an
    /// <see cref="EventLoopSynchronizationContext"/> post, which an awaiting async method depends on): flagged
    /// <see cref="StateBits.Posted"/>, so <see cref="Close"/> runs it like an accepted <see cref="Post"/> instead of
    /// cancelling it (R51). Loop thread, loop open.
    /// </summary>
    internal void CallSoonPosted(Action callback)
    {
        CallbackHandle handle = NewCallback(callback);
        handle._state |= StateBits.Posted;
        Enqueue(handle);
    }

    /// <summary>Schedules <paramref name="callback"/> to run once <paramref name="delay"/> of loop time has passed.</summary>
    /// <param name="delay">The delay; zero or less means the next tick (R9).</param>
    /// <param name="callback">The callback; if it throws, the exception goes to <see cref="UnhandledExceptionHandler"/>.</param>
    /// <returns>A handle that can cancel the call; a cancelled timer leaves the loop by the end of the next tick (R12).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public CallbackHandle CallLater(TimeSpan delay, Action callback) =>
        ScheduleAt(TimeMath.After(NowTicks, TimeMath.Saturate(delay.Ticks)), callback);

    /// <summary>Schedules <paramref name="callback"/> to run once <paramref name="seconds"/> of loop time have passed.</summary>
    /// <param name="seconds">The delay in seconds; zero or less means the next tick (R9).</param>
    /// <param name="callback">The callback.</param>
    /// <returns>A handle that can cancel the call.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is NaN or infinite.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public CallbackHandle CallLater(double seconds, Action callback) =>
        ScheduleAt(TimeMath.After(NowTicks, TimeMath.CheckedSeconds(seconds, nameof(seconds))), callback);

    /// <summary>Schedules <paramref name="callback"/> to run at loop time <paramref name="when"/> (see <see cref="Time"/>).</summary>
    /// <param name="when">The loop time; a time already past means the next tick. A time past the end of time (see
    /// <see cref="Time"/>) is never reached: the call stays pending until cancelled.</param>
    /// <param name="callback">The callback.</param>
    /// <returns>A handle that can cancel the call.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public CallbackHandle CallAt(TimeSpan when, Action callback) =>
        ScheduleAt(when.Ticks > TimeMath.EndOfTime ? TimeMath.Never : when.Ticks, callback);

    /// <summary>
    /// Hands <paramref name="callback"/> to the loop from any thread; it runs in the next tick, in the order it was
    /// posted relative to other posts from the same thread (R51). An idle loop wakes at once (R53).
    /// </summary>
    /// <param name="callback">The callback to run on the loop's thread.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed or closing (see <see cref="TryPost"/>).</exception>
    public void Post(Action callback)
    {
        if (!TryPost(callback))
        {
            throw new ObjectDisposedException(nameof(EventLoop), ClosedMessage());
        }
    }

    /// <summary>Hands <paramref name="callback"/> to the loop from any thread, unless the loop is closed.</summary>
    /// <param name="callback">The callback to run on the loop's thread.</param>
    /// <returns><see langword="true"/> if it was queued; <see langword="false"/> if the loop is closed or closing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public bool TryPost(Action callback)
    {
        if (callback is null)
        {
            throw new ArgumentNullException(nameof(callback));
        }

        var handle = new CallbackHandle(this, callback);
        handle._state |= StateBits.Posted;
        return TryPostHandle(handle);
    }

    /// <summary>Queues a hand-over in the inbox (any thread); false once the loop is closing.</summary>
    internal bool TryPostHandle(CallbackHandle handle)
    {
        lock (_inboxLock)
        {
            if (_closing || _closed)
            {
                return false;
            }

            _inbox.Enqueue(handle);
            Interlocked.Increment(ref _inboxCount);
        }

        if (Volatile.Read(ref _sleeping) != 0)
        {
            _wake.Set();
        }

        return true;
    }

    // ---- running ------------------------------------------------------------------------------------------------

    /// <summary>Runs one tick (see the class remarks): due timers and hand-overs, then the work that was ready.</summary>
    /// <exception cref="InvalidOperationException">Called from inside a step or callback of this loop (R5), or from
    /// another thread (R50).</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void Tick() => RunTick(budget: -1);

    /// <summary>One tick, with its checks (R5, R50) and the current-loop bookkeeping; a budget of -1 means none.</summary>
    private void RunTick(long budget)
    {
        CheckAccess();
        if (_inTick)
        {
            throw Reentrant(nameof(Tick));
        }

        _inTick = true;
        EventLoop? previous = t_current;
        t_current = this;
        try
        {
            TickCore(budget);
        }
        finally
        {
            _inTick = false;
            t_current = previous;
        }
    }

    /// <summary>
    /// Runs the loop until <paramref name="future"/> completes, then returns, or throws the future's exception
    /// (the same object), or <see cref="OperationCanceledException"/> when it was cancelled.
    /// </summary>
    /// <param name="future">A future or task of this loop.</param>
    /// <exception cref="InvalidOperationException"><see cref="Stop"/> was called before the future completed (it stays
    /// pending and can be cancelled or run again, R37); or the call is made inside a step (R5) or from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void RunUntilComplete(Future future)
    {
        if (!TryRunUntilComplete(future))
        {
            throw StoppedEarly();
        }

        future.GetResult();
    }

    /// <summary>Runs the loop until <paramref name="task"/> completes and returns its result.</summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="task">A task of this loop.</param>
    /// <returns>The task's result.</returns>
    /// <exception cref="InvalidOperationException">Stopped before the task completed (R37), or misuse as for <see cref="RunUntilComplete(Future)"/>.</exception>
    public T RunUntilComplete<T>(LoopTask<T> task)
    {
        if (!TryRunUntilComplete(task))
        {
            throw StoppedEarly();
        }

        return task.Result;
    }

    /// <summary>Runs the loop until <paramref name="future"/> completes and returns its result.</summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="future">A future of this loop.</param>
    /// <returns>The future's result.</returns>
    /// <exception cref="InvalidOperationException">Stopped before the future completed (R37), or misuse as for <see cref="RunUntilComplete(Future)"/>.</exception>
    public T RunUntilComplete<T>(Future<T> future)
    {
        if (!TryRunUntilComplete(future))
        {
            throw StoppedEarly();
        }

        return future.Result;
    }

    /// <summary>Starts <paramref name="coroutine"/> and runs the loop until it ends.</summary>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <exception cref="InvalidOperationException">Stopped first (R37), or misuse as for <see cref="RunUntilComplete(Future)"/>.</exception>
    public void RunUntilComplete(IEnumerator<IAwaitable> coroutine) => RunUntilComplete(Start(CheckCanRun(coroutine)));

    /// <summary>Starts <paramref name="coroutine"/> as a typed task and runs the loop until it returns its result.</summary>
    /// <typeparam name="T">The type of the result the coroutine gives with <c>Co.Return</c>.</typeparam>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidOperationException">Stopped first (R37), or misuse as for <see cref="RunUntilComplete(Future)"/>.</exception>
    public T RunUntilComplete<T>(IEnumerator<IAwaitable> coroutine) => RunUntilComplete(Start<T>(CheckCanRun(coroutine)));

    // The run checks come before Start, so a run refused inside a step (R5) leaves no started task behind.
    private IEnumerator<IAwaitable> CheckCanRun(IEnumerator<IAwaitable> coroutine)
    {
        CheckAccess();
        if (_inTick)
        {
            throw Reentrant(nameof(RunUntilComplete));
        }

        return coroutine;
    }

    /// <summary>
    /// Runs the loop until <paramref name="future"/> completes (returns true) or <see cref="Stop"/> is called first
    /// (returns false; the future stays pending, R37). Does not throw the future's failure: inspect it.
    /// </summary>
    /// <param name="future">A future or task of this loop.</param>
    /// <returns>Whether the future completed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="future"/> belongs to another loop.</exception>
    /// <exception cref="InvalidOperationException">Called inside a step (R5) or from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public bool TryRunUntilComplete(Future future)
    {
        if (future is null)
        {
            throw new ArgumentNullException(nameof(future));
        }

        CheckAccess();
        if (_inTick)
        {
            throw Reentrant(nameof(RunUntilComplete));
        }

        if (!ReferenceEquals(future._loop, this))
        {
            throw new ArgumentException(
                $"The {future.Describe()} belongs to another loop ('{future._loop.Name}'); run it on that loop.", nameof(future));
        }

        // The caller waits for this future, so its failure is observed (R23): it is thrown to the caller instead. A run
        // stopped early gives that back: the future is still pending, and a later failure must still be reported.
        bool observedBefore = (future._state & StateBits.Observed) != 0;
        future._state |= StateBits.Observed;
        while (!future.IsCompleted)
        {
            Tick();
            if (future.IsCompleted)
            {
                break;
            }

            if (_stopRequested)
            {
                _stopRequested = false;
                if (!observedBefore)
                {
                    future._state &= ~StateBits.Observed;
                }

                return false;
            }

            WaitForWork();
        }

        _stopRequested = false;   // a Stop asked for during this run ends with it; it does not stop the next run
        return true;
    }

    /// <summary>Runs the loop until <see cref="Stop"/> is called, sleeping whenever nothing is ready (R53).</summary>
    /// <exception cref="InvalidOperationException">Called inside a step (R5) or from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void RunForever() => RunTicks(untilIdle: false, nameof(RunForever));

    /// <summary>The run loop of <see cref="RunForever"/> and <see cref="RunUntilIdle"/>: tick, stop when asked (or, for
    /// the latter, when idle), else sleep until there is work (R53).</summary>
    private void RunTicks(bool untilIdle, string member)
    {
        CheckAccess();
        if (_inTick)
        {
            throw Reentrant(member);
        }

        while (true)
        {
            Tick();
            if (_stopRequested)
            {
                _stopRequested = false;
                return;
            }

            if (untilIdle && IsIdle())
            {
                return;
            }

            WaitForWork();
        }
    }

    /// <summary>
    /// Asks a running <see cref="RunForever"/> or <see cref="RunUntilComplete(Future)"/> to return after the current
    /// tick. Safe from any thread; wakes a sleeping loop. Called when no run is active, the next run stops after
    /// its first tick.
    /// </summary>
    public void Stop()
    {
        _stopRequested = true;
        _wake.Set();
    }

    // ---- the tick -----------------------------------------------------------------------------------------------

    private void TickCore(long budget)
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

        ReadyEntry[] run = _ready;
        int count = _readyCount;
        _ready = _spare;
        _spare = run;
        _readyCount = 0;
        if (budget >= 0)
        {
            RunBudgeted(run, count, budget);
            EndTick();
            return;
        }

        // THE ONE PLACE WHERE USER CODE RUNS: coroutine steps and callbacks, in FIFO order (R3). Everything else in
        // the engine only queues work, so there are no nested steps (R4).
        // The try/catch sits around the whole loop rather than around each MoveNext: a method with an exception
        // handler keeps its locals in memory and pays a larger prologue, and RunFrames is the hottest code there
        // is. An exception from a coroutine unwinds to here; the loop faults that task and carries on at the next.
        RunEntries(run, count);
        Array.Clear(run, 0, count);
        EndTick();
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
                Threw(run[i].Task, ex);
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

    /// <summary>
    /// Runs ready entries [start, count): the hot loop. It has no exception handler of its own (TickCore's catch
    /// around it handles a coroutine that throws), so its locals stay in registers; <see cref="_runIndex"/> tells the
    /// handler which entry was running.
    /// </summary>
    private void RunReady(ReadyEntry[] run, int start, int count)
    {
        for (int i = start; i < count; i++)
        {
            _runIndex = i;
            LoopTask task = run[i].Task;
            int st = task._state;
            if ((st & (StateBits.StateMask | StateBits.KindMask | StateBits.SlowStep)) == 0)
            {
                // The hot path: a coroutine task resuming normally.
                object? link = task._link;
                if (link is not null && !Resume(task, link))
                {
                    continue;
                }

                object frame = task._frame!;
                if (frame is not FrameStack)
                {
                    // One frame: advance it here, and finish a next-tick yield without leaving the loop.
                    IEnumerator<IAwaitable> it = AsIterator(frame);
                    bool more = it.MoveNext();
                    if (more)
                    {
                        IAwaitable? yielded = it.Current;
                        int after = task._state;
                        if ((after & StateBits.CancelRequested) == 0 && (yielded is null || ReferenceEquals(yielded, s_nextTick)))
                        {
                            Enqueue(task);
                            continue;
                        }
                    }

                    RunFrames(task, moved: true, more);
                }
                else
                {
                    RunFrames(task);
                }
            }
            else if ((st & StateBits.StateMask) != 0)
            {
                continue;   // completed while queued (cancelled): its other entry already ran
            }
            else if ((st & StateBits.KindMask) == 0)
            {
                Step(task, st);
            }
            else
            {
                RunCallback(task, st);
            }
        }
    }

    /// <summary>A coroutine step off the hot path: the first step of a task, or the turn of a cancelled one.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Step(LoopTask task, int st)
    {
        if ((st & StateBits.Fresh) != 0)
        {
            IEnumerator<IAwaitable> root = RootIterator(task)!;
            _unstarted.Remove(root);
            task._state = st &= ~StateBits.Fresh;
            if ((st & StateBits.CancelRequested) == 0 && IteratorGuard.HasStarted(root))
            {
                // The same fresh iterator was also started on another loop, which stepped it first (R27). Fault this
                // task without disposing the iterator: it belongs to the other task.
                task._frame = Names.Keep(task);
                EndTask(task, FutureState.Faulted, AlreadyStarted(root));
                return;
            }
        }

        if ((st & StateBits.CancelRequested) != 0)
        {
            object? waited = (st & StateBits.InWheel) == 0 ? task._link : null;
            if (waited is not null)
            {
                // Still parked on a child task or a drained combinator, which unwound first (RequestCancel): leave it,
                // and if a child's finally threw during that cancellation, that exception is the outcome, not lost (R35).
                Future? drained = waited as Future;
                if (waited is SettleRequest settle)
                {
                    drained = settle._future;
                    settle.Release();
                }

                task._link = null;
                if (drained is not null && !drained.IsCompleted)
                {
                    drained.RemoveWaiter(task);   // deeper work is still draining: the task ends now regardless
                }
                else if (drained is { IsFaulted: true })
                {
                    EndTask(task, FutureState.Faulted, drained.GetExceptionForRethrow());
                    return;
                }
            }

            EndTask(task, FutureState.Cancelled, null);
            return;
        }

        if ((st & StateBits.Scoped) != 0)
        {
            Scope scope = ((FrameStack)task._frame!).Scope!;
            if (scope.IsPaused)
            {
                scope.Hold(task);   // it steps in the tick after Resume; its wake-up is kept, not lost
                return;
            }
        }

        object? link = task._link;
        if (link is not null && !Resume(task, link))
        {
            return;
        }

        RunFrames(task);
    }

    /// <summary>Takes a woken task off what it waited on; returns false when that ended the task (R22).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool Resume(LoopTask task, object link)
    {
        task._link = null;
        if (link is Future future)
        {
            return (future._state & StateBits.StateMask) == (int)FutureState.Succeeded || Propagate(task, future);
        }

        if (link is SettleRequest settle)
        {
            settle.Release();
        }
        else if (link is CustomWaker waker && waker.Failure is { } failure)
        {
            EndTask(task, FutureState.Faulted, failure);
            return false;
        }

        return true;
    }

    /// <summary>The trampoline: advances the task's top frame until it parks, ends, or fails (R19, R24-R26).</summary>
    /// <param name="task">The task to advance.</param>
    /// <param name="moved">True when the caller already called MoveNext on the top frame.</param>
    /// <param name="more">What that MoveNext returned.</param>
    private void RunFrames(LoopTask task, bool moved = false, bool more = false)
    {
        object frame = task._frame!;
        FrameStack? stack = frame as FrameStack;
        IEnumerator<IAwaitable> it = stack is null ? AsIterator(frame) : stack.Top;
        while (true)
        {
            // No try/catch here (see TickCore): an exception from MoveNext unwinds to the tick, which faults the task.
            if (!moved)
            {
                more = it.MoveNext();
            }

            moved = false;

            if ((task._state & StateBits.CancelRequested) != 0)
            {
                // R33: a task that cancelled itself stops here, whatever it yielded; what it yielded is not awaited.
                if (more)
                {
                    Drop(it.Current);
                }

                EndTask(task, FutureState.Cancelled, null);
                return;
            }

            if (!more)
            {
                if (stack is null || stack.Count == 1)
                {
                    if ((task._state & StateBits.Typed) != 0)
                    {
                        Fault(task, new InvalidOperationException(
                            $"Coroutine '{task.Name}' ended without yielding Co.Return(value), but it was started as a task with a result. End it with 'yield return Co.Return(value);' or start it with Start() instead of Start<T>()."),
                            "ended without a result");
                        return;
                    }

                    EndTask(task, FutureState.Succeeded, null);
                    return;
                }

                // A child run inline ended: continue its parent in the same step (R24).
                IEnumerator<IAwaitable> child = stack.Top;
                Call call = stack.Pop()!;
                if (call is not UntypedCall)
                {
                    string expected = call.ResultType.Name;
                    stack.Push(child, call);   // keep the child in the trace; EndTask releases the call
                    Fault(task, new InvalidOperationException(
                        $"Coroutine '{Names.Short(child.GetType())}' ended without yielding Co.Return(value), but its caller used Co.Call<{expected}> and expects a result."),
                        "ended without a result");
                    return;
                }

                call.Release();
                it = stack.Top;
                continue;
            }

            IAwaitable? yielded = it.Current;

            // Yield dispatch, cheapest and commonest first (ARCHITECTURE.md): next tick, sleep, future.
            if (yielded is null || ReferenceEquals(yielded, s_nextTick))
            {
                Enqueue(task);
                return;
            }

            if (yielded is SleepRequest sleep)
            {
                if (!sleep._inUse)
                {
                    Fault(task, StaleRequest(task, "Co.Sleep"), "yielded a used wait");
                    return;
                }

                long ticks = sleep._ticks;
                GameClock? clock = sleep._clock;
                if (clock is null && !sleep._realtime && (task._state & StateBits.Clocked) != 0)
                {
                    clock = ((FrameStack)task._frame!).Clock;
                }

                sleep.Release();
                if (clock is null || ticks <= 0)
                {
                    // R9: zero or less is the next tick, paused or not. A delay saturates at the end of time (R10).
                    InsertTimer(task, ticks <= 0 ? _now : TimeMath.After(_now, ticks));
                }
                else
                {
                    SleepOnClock(task, clock, ticks, absolute: false);
                }

                return;
            }

            if (yielded is Future future)
            {
                if (!CanWaitOn(task, future))
                {
                    return;
                }

                int fs = future._state & StateBits.StateMask;
                if (fs == 0)
                {
                    future.AddWaiter(task);
                    task._link = future;
                    return;
                }

                if (fs != (int)FutureState.Succeeded && !Propagate(task, future))
                {
                    return;
                }

                continue;   // R19: already complete, go on in the same step, in this loop (no recursion)
            }

            if (yielded is Call request)
            {
                if (!request._inUse)
                {
                    Fault(task, StaleRequest(task, "Co.Call"), "yielded a used call");
                    return;
                }

                IEnumerator<IAwaitable> child = request._coroutine!;
                request._coroutine = null;
                if (IteratorGuard.HasStarted(child) || (_unstarted.Count != 0 && _unstarted.Contains(child)))
                {
                    request.Release();
                    Fault(task, AlreadyStarted(child), "yielded an iterator that already ran");
                    return;
                }

                if (stack is null)
                {
                    stack = new FrameStack(it, null);
                    task._frame = stack;
                }

                stack.Push(child, request);
                it = child;
                continue;
            }

            if (yielded is ReturnRequest result)
            {
                if (!Return(task, stack, result))
                {
                    return;
                }

                it = stack!.Top;
                continue;
            }

            if (yielded is SettleRequest settle)
            {
                if (!settle._inUse)
                {
                    Fault(task, StaleRequest(task, "Co.Settle"), "yielded a used wait");
                    return;
                }

                Future target = settle._future!;
                if (!CanWaitOn(task, target))
                {
                    settle.Release();
                    return;
                }

                if (target.IsCompleted)
                {
                    target._state |= StateBits.Observed;
                    settle.Release();
                    continue;
                }

                target.AddWaiter(task);
                task._link = settle;
                return;
            }

            if (yielded is Interval interval)
            {
                long deadline;
                try
                {
                    deadline = interval.NextDeadline(this, task, (task._state & StateBits.Clocked) != 0 ? ((FrameStack)task._frame!).Clock : null);
                }
                catch (InvalidOperationException ex)
                {
                    Fault(task, ex, "yielded an Interval it cannot use");   // of another loop, or in use by another task
                    return;
                }

                if (interval._clock is null)
                {
                    InsertTimer(task, deadline);
                }
                else
                {
                    SleepOnClock(task, interval._clock, deadline, absolute: true);
                }

                return;
            }

            if (yielded is LoopPhase phase)
            {
                if (!ReferenceEquals(phase.Loop, this))
                {
                    Fault(task, new InvalidOperationException(
                        $"Coroutine '{task.Name}' yielded phase '{phase.Name}' of another loop ('{phase.Loop.Name}'). A task waits only for phases of its own loop."),
                        "yielded a phase of another loop");
                    return;
                }

                phase.Park(task);
                task._link = phase;
                return;
            }

            if (!ParkOnCustom(task, yielded))
            {
                return;
            }

            // The custom awaitable was already complete: go on.
        }
    }

    /// <summary>Handles <c>Co.Return</c>; returns true when the parent frame continues in this step.</summary>
    private bool Return(LoopTask task, FrameStack? stack, ReturnRequest result)
    {
        if (!result._inUse)
        {
            Fault(task, StaleRequest(task, "Co.Return"), "yielded a used result");
            return false;
        }

        if (stack is null || stack.Count == 1)
        {
            if ((task._state & StateBits.Typed) != 0 && !result.DeliverTo(task))
            {
                Type expected = task.GetType().GetGenericArguments()[0];
                Type actual = result.ValueType;
                result.Release();
                Fault(task, new InvalidOperationException(
                    $"Coroutine '{task.Name}' returned a value of type {actual.Name}, but its task was started as LoopTask<{expected.Name}>. Return a {expected.Name}, or start it with Start<{actual.Name}>()."),
                    "returned the wrong type");
                return false;
            }

            result.Release();
            EndTask(task, FutureState.Succeeded, null);   // disposes the root frame: its finally blocks run
            return false;
        }

        Call call = stack.Calls[stack.Count - 1]!;
        if (call is not UntypedCall && !result.DeliverTo(call))
        {
            Type actual = result.ValueType;
            result.Release();
            Fault(task, new InvalidOperationException(
                $"Coroutine '{Names.Short(stack.Top.GetType())}' returned a value of type {actual.Name}, but its caller used Co.Call<{call.ResultType.Name}>."),
                "returned the wrong type");
            return false;
        }

        result.Release();
        IEnumerator<IAwaitable> child = stack.Top;
        try
        {
            child.Dispose();   // the child ends here: its pending finally blocks run
        }
        catch (Exception ex)
        {
            Fault(task, ex, "threw from a finally block");
            return false;
        }

        stack.Pop();
        call.Release();
        return true;
    }

    private bool CanWaitOn(LoopTask task, Future future)
    {
        if (ReferenceEquals(future, task))
        {
            Fault(task, new InvalidOperationException(
                $"Coroutine task '{task.Name}' waits on itself: a task cannot yield its own task, because it would never complete."),
                "waiting on itself");
            return false;
        }

        if (!ReferenceEquals(future._loop, this))
        {
            Fault(task, new InvalidOperationException(
                $"Coroutine '{task.Name}' on loop '{Name}' yielded a {future.Describe()} that belongs to another loop ('{future._loop.Name}'). A task can only wait on futures of its own loop; hand results between loops with Post."),
                "waiting on another loop's future");
            return false;
        }

        return true;
    }

    /// <summary>Makes a task mirror a faulted or cancelled future it waited on (R22); returns false when it ended.</summary>
    private bool Propagate(LoopTask task, Future future)
    {
        int fs = future._state & StateBits.StateMask;
        if (fs == (int)FutureState.Faulted)
        {
            Exception ex = future.GetExceptionForRethrow();
            Fault(task, ex, "waiting on " + future.Describe());
            return false;
        }

        if (fs == (int)FutureState.Cancelled)
        {
            EndTask(task, FutureState.Cancelled, null);
            return false;
        }

        return true;
    }

    private bool ParkOnCustom(LoopTask task, IAwaitable awaitable)
    {
        string type = awaitable.GetType().FullName ?? awaitable.GetType().Name;
        try
        {
            if (awaitable.IsCompleted)
            {
                return true;
            }
        }
        catch (Exception ex)
        {
            Fault(task, BrokenAwaitable(task, type, "IsCompleted", ex), "waiting on " + type);
            return false;
        }

        var waker = new CustomWaker(this, task, awaitable);
        task._link = waker;
        try
        {
            awaitable.OnCompleted(waker.Callback);
        }
        catch (Exception ex)
        {
            task._link = null;
            Fault(task, BrokenAwaitable(task, type, "OnCompleted", ex), "waiting on " + type);
            return false;
        }

        return false;
    }

    /// <summary>R33: what a self-cancelled task yielded is not awaited.</summary>
    private void Drop(IAwaitable? yielded)
    {
        switch (yielded)
        {
            case SleepRequest sleep when sleep._inUse:
                sleep.Release();
                break;
            case Call call when call._inUse:
                call.Release();
                break;
            case ReturnRequest result when result._inUse:
                result.Release();
                break;
            case SettleRequest settle when settle._inUse:
                Future? target = settle._future;
                settle.Release();
                if (target is not null && ReferenceEquals(target._loop, this))
                {
                    RequestCancel(target);
                }

                break;
            case Future future when ReferenceEquals(future._loop, this):
                RequestCancel(future);
                break;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void RunCallback(LoopTask node, int st)
    {
        if ((st & StateBits.KindWatcher) != 0)
        {
            ((Watcher)node).OnTimer();
            return;
        }

        if ((st & StateBits.KindFutureCallback) != 0)
        {
            var callback = (Action<Future>)node._frame!;
            var future = (Future)node._link!;
            node._link = null;
            node._state = st | (int)FutureState.Succeeded;
            try
            {
                callback(future);
            }
            catch (Exception ex)
            {
                Report(ex);
            }

            return;
        }

        if ((st & StateBits.CancelRequested) != 0)
        {
            CompleteTask(node, FutureState.Cancelled, Future.CancelledMarker);
            return;
        }

        var action = (Action)node._frame!;
        Exception? failure = null;
        try
        {
            action();
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        if (failure is null)
        {
            // A callback that cancelled its own handle while it ran ends cancelled, as a task that cancels itself does
            // (R33): Cancel returned true, so the handle must end cancelled (R16).
            CompleteTask(node, (node._state & StateBits.CancelRequested) != 0 ? FutureState.Cancelled : FutureState.Succeeded,
                (node._state & StateBits.CancelRequested) != 0 ? Future.CancelledMarker : null);
            return;
        }

        // R18: the exception goes to the handler; the handle faults too, already counted as reported.
        node._state |= StateBits.Observed | StateBits.Reported;
        CompleteTask(node, FutureState.Faulted, failure);
        Report(failure);
    }

    // ---- ending tasks -------------------------------------------------------------------------------------------

    /// <summary>
    /// A coroutine's MoveNext threw (its own frame has already run its finally blocks): the task faults with the
    /// exception (R21), except that an <see cref="OperationCanceledException"/> ends it cancelled, as it does an
    /// <c>async</c> method, a UniTask or an asyncio task raising <c>CancelledError</c>: its waiters see a cancellation
    /// (R22), it is never reported as an unobserved failure (R23), and reading it gives back that exception object.
    /// </summary>
    private void Threw(LoopTask task, Exception exception)
    {
        if (exception is OperationCanceledException cancelled)
        {
            EndTask(task, FutureState.Cancelled, null, cancelled);
            return;
        }

        Fault(task, exception, "threw " + exception.GetType().Name);
    }

    private void Fault(LoopTask task, Exception exception, string note)
    {
        // Before EndTask: the trace reads where each frame is parked, and disposing a frame moves it to "finished".
        CoroutineTraceRecord.For(exception).AddFrames(task, note, exception);
        EndTask(task, FutureState.Faulted, exception);
    }

    /// <summary>
    /// Ends a task: disposes its frames innermost-first (every pending finally runs once: R21, R30), then completes
    /// it. A finally that throws is not lost (R35): it becomes the outcome of a cancellation, and is attached to an
    /// existing failure; later ones are attached to the first.
    /// </summary>
    private void EndTask(LoopTask task, FutureState target, Exception? failure, OperationCanceledException? cancellation = null)
    {
        int st = task._state;
        if ((st & StateBits.Fresh) != 0)
        {
            _unstarted.Remove(RootIterator(task)!);
            st &= ~StateBits.Fresh;
        }

        task._state = st | StateBits.Disposing;
        Scope? scope = (st & StateBits.Scoped) != 0 ? ((FrameStack)task._frame!).Scope : null;
        object kept = Names.Keep(task);
        Exception? firstDisposeError = null;
        List<Exception>? moreErrors = null;
        switch (task._frame)
        {
            case FrameStack stack:
                while (stack.Count > 0)
                {
                    IEnumerator<IAwaitable> frame = stack.Top;
                    stack.Pop()?.Release();
                    DisposeFrame(frame, ref firstDisposeError, ref moreErrors);
                }

                break;
            case IEnumerator<IAwaitable> single:
                DisposeFrame(single, ref firstDisposeError, ref moreErrors);
                break;
        }

        task._frame = kept;
        task._state &= ~StateBits.Disposing;
        scope?.Forget(task);

        if (failure is null && firstDisposeError is not null)
        {
            failure = firstDisposeError;
            firstDisposeError = null;
            target = FutureState.Faulted;
        }

        if (failure is not null)
        {
            if (firstDisposeError is not null)
            {
                (moreErrors ??= new List<Exception>()).Insert(0, firstDisposeError);
            }

            if (moreErrors is not null)
            {
                CoroutineTraceRecord.AttachSuppressed(failure, moreErrors);
            }

            CompleteTask(task, FutureState.Faulted, failure);
            return;
        }

        CompleteTask(task, target, target == FutureState.Cancelled ? cancellation ?? Future.CancelledMarker : null);
    }

    private static void DisposeFrame(IEnumerator<IAwaitable> frame, ref Exception? first, ref List<Exception>? more)
    {
        try
        {
            frame.Dispose();
        }
        catch (Exception ex)
        {
            if (first is null)
            {
                first = ex;
            }
            else
            {
                (more ??= new List<Exception>()).Add(ex);
            }
        }
    }

    private void CompleteTask(LoopTask task, FutureState state, object? outcome)
    {
        _registry.Remove(task);
        if ((task._state & StateBits.InWheel) == 0)
        {
            task._link = null;   // (in the wheel, _link is the next timer node until the purge unlinks it)
        }

        if ((task._state & StateBits.KindMask) != 0)
        {
            task._frame = Names.Keep(task);
        }

        task.TryComplete(state, outcome);
        _monitor?.TaskEnded(task);
    }

    // ---- engine services used by futures, timers and tasks ------------------------------------------------------

    /// <summary>Whether <paramref name="task"/>'s step (or callback) is on the call stack now.</summary>
    private bool IsRunning(LoopTask task)
    {
        ReadyEntry[]? run = _runArray;
        return run is not null && ReferenceEquals(run[_runIndex].Task, task);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void Enqueue(LoopTask task)
    {
        ReadyEntry[] ready = _ready;
        int count = _readyCount;
        if ((uint)count < (uint)ready.Length)
        {
            ready[count].Task = task;
            _readyCount = count + 1;
            return;
        }

        EnqueueGrow(task);
    }

    private void EnqueueGrow(LoopTask task)
    {
        Array.Resize(ref _ready, _readyCount * 2);
        _ready[_readyCount++].Task = task;
    }

    internal void WakeWaiters(object waiters, Future completed)
    {
        if (waiters is LoopTask single)
        {
            Wake(single, completed);
            return;
        }

        var list = (WaiterList)waiters;
        for (int i = 0; i < list.Count; i++)
        {
            Wake(list.Items[i]!, completed);
        }
    }

    private void Wake(LoopTask waiter, Future completed)
    {
        if ((waiter._state & StateBits.KindWatcher) == 0)
        {
            Enqueue(waiter);
            return;
        }

        // An engine watcher runs now (it is engine code, not user code: R4 holds). A watcher that completes another
        // future lands here again; the outermost call drains the queue, so chains of watchers never recurse (R26).
        _notifications.Enqueue(new Notification((Watcher)waiter, completed));
        if (_notifying)
        {
            return;
        }

        _notifying = true;
        try
        {
            while (_notifications.Count > 0)
            {
                Notification next = _notifications.Dequeue();
                next.Watcher.OnCompleted(next.Future);
            }
        }
        finally
        {
            _notifying = false;
        }
    }

    /// <summary>
    /// Starts the one-shot timer of an engine watcher: <see cref="Watcher.OnTimer"/> runs in the first tick at or
    /// after <paramref name="deadline"/> (loop ticks). A watcher has at most one timer at a time, and is not
    /// restarted before <see cref="StopTimer"/> took effect at the end of the tick.
    /// </summary>
    internal void StartTimer(Watcher watcher, long deadline) => _timers.Insert(watcher, deadline);

    /// <summary>Stops a watcher's timer; it leaves the wheel by the end of the tick (R12).</summary>
    internal void StopTimer(Watcher watcher) => _timers.Cancel(watcher);

    private void InsertTimer(LoopTask task, long deadline)
    {
        _timers.Insert(task, deadline);
        task._state &= ~StateBits.ClockTimer;
        if ((task._state & StateBits.Scoped) != 0 && ((FrameStack)task._frame!).Scope!.IsPaused)
        {
            // It paused its own scope during this step: its sleep must not run while paused either.
            ((FrameStack)task._frame!).Scope!.FreezeNow(task);
        }
    }

    /// <summary>Takes a sleeping task's timer out of the wheel and keeps its remaining time (a paused scope).</summary>
    internal void FreezeTimer(LoopTask task)
    {
        if ((task._state & StateBits.ClockTimer) != 0)
        {
            task._deadline = ((FrameStack)task._frame!).TimerClock!.RemoveTimer(task);   // local time left
        }
        else
        {
            _timers.Remove(task);
            task._deadline = TimeMath.Remaining(task._deadline, NowTicks);   // a 'never' deadline stays never
        }

        task._state |= StateBits.Frozen;
    }

    /// <summary>Puts a frozen timer back with the time it had left (the scope resumed).</summary>
    internal void ThawTimer(LoopTask task)
    {
        task._state &= ~StateBits.Frozen;
        if ((task._state & StateBits.ClockTimer) != 0)
        {
            ((FrameStack)task._frame!).TimerClock!.RestoreTimer(task, task._deadline);
        }
        else
        {
            _timers.Insert(task, TimeMath.Resume(NowTicks, task._deadline));
        }
    }

    internal void WatchUnobserved(Future future)
    {
        if ((future._state & StateBits.Watched) == 0)
        {
            future._state |= StateBits.Watched;
            _watch.Add(future);
        }
    }

    internal void WakeCustom(LoopTask task, CustomWaker waker, Exception? failure)
    {
        if (!ReferenceEquals(task._link, waker) || task.IsCompleted)
        {
            if (failure is not null)
            {
                Report(failure);   // R60: noticed after the task moved on
            }

            return;
        }

        if (waker.Queued)
        {
            // A second call before the resumed step (R60): the queued turn faults the task instead of resuming it.
            waker.Failure ??= failure;
            return;
        }

        waker.Failure = failure;
        waker.Queued = true;
        Enqueue(task);
    }

    /// <summary>
    /// Requests cancellation of a future or task, and of what each cancelled task is parked on (R31), with a loop
    /// instead of recursion so a long chain of waiting tasks cannot overflow the stack.
    /// </summary>
    /// <remarks>
    /// <para><b>Innermost first across tasks (R31).</b> A chain P waits on C waits on D is cancelled as one unwind:
    /// every task in it is marked first, outermost to innermost, and their turns are queued in the opposite order, D,
    /// C, P, so in the tick that runs them the innermost task's <c>finally</c> blocks run first and each waiter ends
    /// after the task it waited on, as a call stack unwinds (asyncio and Trio order). A task waiting on a child task
    /// stays parked on it until its turn, exactly as a task parked on a combinator stays parked while the combinator
    /// drains (<see cref="CompositeWatcher.TryDrain"/>): so a child whose <c>finally</c> throws hands that exception
    /// to its waiter (R35), whichever way the waiter waited.</para>
    /// <para>Rejected: queueing each turn as it is requested (outermost first: the parent's <c>finally</c> ran before
    /// the child's, unlike a combinator's); and recursing to the innermost task first (a chain of 100,000 waiting
    /// tasks must not overflow the stack, R26).</para>
    /// </remarks>
    internal bool RequestCancel(Future target)
    {
        bool result = RequestCancelOne(target, out Future? next, out LoopTask? turn);
        if (next is null)
        {
            if (turn is not null)
            {
                Enqueue(turn);
            }

            return result;
        }

        // A chain: collect the turns outermost first, queue them innermost first.
        var turns = new List<LoopTask>();
        if (turn is not null)
        {
            turns.Add(turn);
        }

        while (next is not null)
        {
            RequestCancelOne(next, out next, out turn);
            if (turn is not null)
            {
                turns.Add(turn);
            }
        }

        for (int i = turns.Count - 1; i >= 0; i--)
        {
            Enqueue(turns[i]);
        }

        return result;
    }

    /// <summary>Marks one future or task cancelled; <paramref name="next"/> is what it waits on and is cancelled with
    /// it (R31), <paramref name="turn"/> the task whose cancelled turn the caller queues (R30).</summary>
    private bool RequestCancelOne(Future future, out Future? next, out LoopTask? turn)
    {
        next = null;
        turn = null;
        if (future is not LoopTask task)
        {
            return future.TryComplete(FutureState.Cancelled, Future.CancelledMarker);
        }

        int st = task._state;
        if ((st & StateBits.StateMask) != 0
            || (st & (StateBits.CancelRequested | StateBits.Disposing | StateBits.InternalKinds)) != 0)
        {
            return false;   // completed, already cancelling (R33: a second cancel is a no-op), or inside its disposal (R34)
        }

        task._state = st | StateBits.CancelRequested;
        if (IsRunning(task))
        {
            return true;    // its step is on the stack: it stops at its next yield (R33)
        }

        turn = task;        // its turn (R30); a second queue entry, if any, is skipped once it completed
        object? link = (task._state & StateBits.InWheel) == 0 ? task._link : null;
        Future? parked = link as Future ?? (link as SettleRequest)?._future;
        if (parked is not null && CompositeWatcher.TryDrain(parked))
        {
            // Parked on a combinator or a task group (R31, R40, R44): draining it queued its children's cancelled turns
            // first, so in the next tick their finally blocks run before this task's turn (asyncio's gather and
            // TaskGroup, Trio's nursery); the task stays parked until then, and a child's finally that throws becomes
            // its outcome (R35; see Step).
            return true;
        }

        if (parked is LoopTask child && (child._state & (StateBits.StateMask | StateBits.InternalKinds)) == 0)
        {
            // Parked on a child task: it stays parked while the child unwinds first (see RequestCancel).
            next = child;
            return true;
        }

        next = Detach(task);
        return true;
    }

    /// <summary>Takes a task off what it waits on; returns the future to cancel with it (R31), if any.</summary>
    private Future? Detach(LoopTask task)
    {
        if ((task._state & StateBits.InWheel) != 0)
        {
            if ((task._state & StateBits.ClockTimer) != 0)
            {
                ((FrameStack)task._frame!).TimerClock!.CancelTimer(task);
            }
            else
            {
                _timers.Cancel(task);   // R12: unlinked by the end of the tick
            }

            return null;
        }

        object? link = task._link;
        switch (link)
        {
            case Future parked:
                parked.RemoveWaiter(task);
                task._link = null;
                parked.OnWaiterCancelled(task);
                return parked;
            case SettleRequest settle:
                Future inner = settle._future!;
                inner.RemoveWaiter(task);
                settle.Release();
                task._link = null;
                inner.OnWaiterCancelled(task);
                return inner;
            case CustomWaker:
                task._link = null;   // a late wake-up finds the task gone and is ignored
                return null;
            case LoopPhase:
                task._link = null;   // its entry in the phase's queue is skipped (LoopPhase.Run)
                return null;
            default:
                return null;
        }
    }

    internal void Report(Exception exception)
    {
        Action<Exception>? handler = UnhandledExceptionHandler;
        if (handler is null)
        {
            WriteFallback($"YieldLoop: unhandled exception on loop '{Name}':", exception, null);
            return;
        }

        try
        {
            handler(exception);
        }
        catch (Exception handlerFailure)
        {
            WriteFallback($"YieldLoop: the unhandled-exception handler of loop '{Name}' threw while handling an exception.", exception, handlerFailure);
        }
    }

    private void ReportUnobserved()
    {
        for (int i = 0; i < _watch.Count; i++)
        {
            Future future = _watch[i];
            int st = future._state;
            future._state = st & ~StateBits.Watched;
            if ((st & (StateBits.Observed | StateBits.Reported)) == 0 && future._slot is Exception ex)
            {
                future._state |= StateBits.Reported;

                // One exception object reaches every task that waited on the failed one. If a later waiter is itself
                // unobserved, the object was already reported: once is enough.
                if (!CoroutineTraceRecord.MarkReported(ex))
                {
                    Report(ex);
                }
            }
        }

        _watch.Clear();
    }

    /// <summary>Writes a failure that no handler took (or whose handler threw) to <see cref="Trace"/> and standard
    /// error, whole: type, message, stack trace, inner exceptions and coroutine trace (R18). Any thread.</summary>
    internal static void WriteFallback(string headline, Exception exception, Exception? handlerFailure)
    {
        string trace = exception.GetCoroutineTrace() is { } t ? "Coroutine trace:\n" + t : string.Empty;
        string text = handlerFailure is null
            ? $"{headline}\n{exception}\n{trace}"
            : $"{headline}\nOriginal exception:\n{exception}\n{trace}Handler exception:\n{handlerFailure}";
        Trace.TraceError(text);
        try
        {
            Console.Error.WriteLine(text);
        }
        catch (Exception ex) when (ex is System.IO.IOException or ObjectDisposedException)
        {
            // No console: Trace already has it.
        }
    }

    internal static string DescribeWait(LoopTask task)
    {
        if ((task._state & StateBits.InWheel) != 0)
        {
            return (task._state & StateBits.ClockTimer) != 0
                ? $"sleeping until {TimeMath.Format(task._deadline)} on clock '{((FrameStack)task._frame!).TimerClock!.Name}'"
                : "sleeping until " + TimeMath.Format(task._deadline);
        }

        return task._link switch
        {
            LoopPhase phase => $"waiting for phase '{phase.Name}'",
            Future future => "waiting on " + future.Describe(),
            SettleRequest settle => "settling " + settle._future!.Describe(),
            CustomWaker waker => "waiting on " + waker.AwaitableType,
            _ when (task._state & StateBits.Frozen) != 0 => "paused with " + TimeMath.Format(task._deadline) + " of sleep left",
            _ => (task._state & StateBits.CancelRequested) != 0 ? "cancelling" : string.Empty,
        };
    }

    // ---- checks -------------------------------------------------------------------------------------------------

    internal void CheckThread()
    {
        if (Environment.CurrentManagedThreadId != _threadId)
        {
            ThrowWrongThread();
        }
    }

    internal void CheckAccess()
    {
        if (Environment.CurrentManagedThreadId != _threadId)
        {
            ThrowWrongThread();
        }

        if (_closed)
        {
            throw new ObjectDisposedException(nameof(EventLoop), ClosedMessage());
        }
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> when the loop is closed (R36: constructors of things
    /// that belong to a loop refuse a closed one).</summary>
    internal void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ObjectDisposedException(nameof(EventLoop), ClosedMessage());
        }
    }

    internal string ClosedMessage() => $"The event loop '{Name}' is closed; create a new EventLoop to run more work.";

    private void ThrowWrongThread() => throw new InvalidOperationException(
        $"EventLoop '{Name}' belongs to thread {_threadId} but was called from thread {Environment.CurrentManagedThreadId}. " +
        "Loop-only members run on the loop's thread; from other threads hand work over with Post.");

    private InvalidOperationException Reentrant(string member) => new(
        $"{member} cannot be called from inside a step or callback of the same loop ('{Name}'): the loop is already running it. Yield from the coroutine instead; the loop resumes it on a later tick.");

    private static InvalidOperationException StoppedEarly() => new(
        "The loop was stopped before the task completed; the task is still pending and can be cancelled or run again.");

    private static InvalidOperationException StaleRequest(LoopTask task, string kind) => new(
        $"Coroutine '{task.Name}' yielded a {kind} object that was already used. {kind} returns a one-shot object taken from a pool: call {kind} again for each yield (it does not allocate).");

    private static InvalidOperationException AlreadyStarted(IEnumerator<IAwaitable> iterator) => new(
        $"The coroutine iterator {Names.Full(iterator.GetType())} has already been started; an iterator runs once. Call the coroutine method again to get a fresh iterator.");

    private static InvalidOperationException BrokenAwaitable(LoopTask task, string type, string member, Exception inner) => new(
        $"Coroutine '{task.Name}' yielded a custom awaitable {type} whose {member} threw {inner.GetType().Name}: {inner.Message} A custom IAwaitable must not throw when the loop parks on it.",
        inner);

    // ---- helpers ------------------------------------------------------------------------------------------------

    private object PrepareStart(IEnumerator<IAwaitable> coroutine, string? name, Scope? scope, GameClock? clock)
    {
        if (coroutine is null)
        {
            throw new ArgumentNullException(nameof(coroutine));
        }

        CheckAccess();
        if (IteratorGuard.HasStarted(coroutine) || _unstarted.Contains(coroutine))
        {
            throw AlreadyStarted(coroutine);
        }

        if (clock is not null && !ReferenceEquals(clock.Loop, this))
        {
            throw new ArgumentException(
                $"Clock '{clock.Name}' belongs to loop '{clock.Loop.Name}', not to '{Name}'; bind tasks to clocks of their own loop.", nameof(clock));
        }

        if (scope is not null || clock is not null)
        {
            return new FrameStack(coroutine, name) { Scope = scope, Clock = clock };
        }

        return name is null ? coroutine : new FrameStack(coroutine, name);
    }

    private LoopTask Launch(LoopTask task, IEnumerator<IAwaitable> coroutine)
    {
        _unstarted.Add(coroutine);
        if (_unstarted.Count > _unstartedPeak)
        {
            _unstartedPeak = _unstarted.Count;
        }

        _registry.Add(task);
        Enqueue(task);
        _monitor?.TaskStarted(task);
        if (_diagnostics is { DebugMode: true })
        {
            StartSite.Record(task);   // debug mode: where the task was started, for its coroutine trace
        }

        return task;
    }

    private CallbackHandle NewCallback(Action callback)
    {
        if (callback is null)
        {
            throw new ArgumentNullException(nameof(callback));
        }

        CheckAccess();
        var handle = new CallbackHandle(this, callback);
        _registry.Add(handle);
        return handle;
    }

    /// <summary>Schedules a callback at <paramref name="deadline"/> (loop ticks; <see cref="TimeMath.Never"/>: never).</summary>
    private CallbackHandle ScheduleAt(long deadline, Action callback)
    {
        CallbackHandle handle = NewCallback(callback);
        _timers.Insert(handle, Math.Max(deadline, NowTicks));
        return handle;
    }

    private void DrainInbox()
    {
        lock (_inboxLock)
        {
            while (_inbox.Count > 0)
            {
                CallbackHandle handle = _inbox.Dequeue();
                _registry.Add(handle);
                Enqueue(handle);
            }

            Volatile.Write(ref _inboxCount, 0);
        }
    }

    private const int TrimThreshold = 4096;

    /// <summary>
    /// Gives back the memory that a burst of work left behind: the capacity of the ready queue and of the registry of
    /// live tasks (after a million tasks were started at once, say). The loop never shrinks them by itself, so that
    /// steady work never allocates; a host calls this when a burst is over, for example after loading a level.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from another thread or from inside a step.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void TrimExcess()
    {
        CheckAccess();
        if (_inTick)
        {
            throw Reentrant(nameof(TrimExcess));
        }

        _spare = new ReadyEntry[256];
        if (_ready.Length > 256 && _readyCount <= 128)
        {
            var ready = new ReadyEntry[256];
            Array.Copy(_ready, ready, _readyCount);
            _ready = ready;
        }

        _registry.TrimExcess();
        _timers.TrimExcess();
        _unstarted.TrimExcess();
        _unstartedPeak = _unstarted.Count;
    }

    private void WaitForWork()
    {
        if (_readyCount > 0 || Volatile.Read(ref _inboxCount) != 0 || _stopRequested)
        {
            return;
        }

        long next = NextTimerTicks();
        int timeoutMs = Timeout.Infinite;
        if (next != long.MaxValue)
        {
            long now = Math.Max(_now, ReadClock());
            if (next <= now)
            {
                return;
            }

            if (!_manualClock)
            {
                timeoutMs = (int)Math.Min(int.MaxValue, (next - now + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond);
            }
            else if (((ManualClock)_clock).AutoJump && _externalWork == 0)
            {
                ((ManualClock)_clock).JumpTo(next);   // every task waits on time only: skip the empty stretch (Trio's autojump)
                return;
            }
        }

        if (next == long.MaxValue && _externalWork == 0 && _diagnostics is { DebugMode: true } diagnostics)
        {
            diagnostics.ReportDeadlockOnce();   // nothing in the loop can wake it: say so, once per stuck episode
        }

        // R53: sleep on a wait handle until the next timer, a hand-over or Stop; never spin. On a manual clock time
        // only moves when someone moves it, so an idle run waits for a hand-over or Stop.
        _wake.Reset();
        Interlocked.Exchange(ref _sleeping, 1);
        try
        {
            if (Volatile.Read(ref _inboxCount) == 0 && !_stopRequested)
            {
                _wake.Wait(timeoutMs);
            }
        }
        finally
        {
            Volatile.Write(ref _sleeping, 0);
        }
    }

    /// <summary>Offloads and awaited .NET tasks in flight: work outside the loop that will wake it (deadlock check).</summary>
    internal int ExternalWorkCount => _externalWork;

    private static IEnumerator<IAwaitable>? RootIterator(LoopTask task) => task._frame switch
    {
        FrameStack stack => stack.Frames[0],
        IEnumerator<IAwaitable> it => it,
        _ => null,
    };

#if NET
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static IEnumerator<IAwaitable> AsIterator(object frame) => Unsafe.As<IEnumerator<IAwaitable>>(frame);
#else
    private static IEnumerator<IAwaitable> AsIterator(object frame) => (IEnumerator<IAwaitable>)frame;
#endif
}
