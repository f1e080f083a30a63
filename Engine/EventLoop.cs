using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using YieldLoop.Internal;

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

    [Checkpoints.NotRewound]
    private readonly IClock _clock;

    [Checkpoints.NotRewound]
    private readonly bool _manualClock;

    [Checkpoints.NotRewound]
    private readonly int _threadId;

    private readonly TimerWheel _timers = new();

    private readonly TaskRegistry _registry = new();

    // Iterators of tasks started but not yet stepped whose type the loop cannot mark (IteratorGuard: hand-written
    // iterators): stops the same fresh iterator from being started twice (R27). Compiler iterators never enter it.
    private readonly HashSet<object> _unstarted = new(ReferenceComparer.Instance);

    // The accessors of the iterator type this loop read last (IteratorGuard.ShapeOf, without its thread-static cache).
    [Checkpoints.NotRewound]
    private Type? _lastIteratorType;
    [Checkpoints.NotRewound]
    private IteratorShape? _lastIteratorShape;

    private int _unstartedPeak;

    // Failures with no waiter at the moment they happened, checked at the end of the tick (R23).
    private readonly List<Future> _watch = new();

    // Watchers to notify of completions, drained in order by the outermost Wake (see Wake).
    [Checkpoints.NotRewound]
    private readonly Queue<Notification> _notifications = new();

    [Checkpoints.NotRewound]
    private bool _notifying;

    // Hand-overs from other threads (R51). The lock orders Post against Close so nothing posted is lost; the
    // count lets the tick skip the lock when the inbox is empty, and is read with _sleeping Dekker-style (both
    // sides write with a full fence, then read the other's flag) so a post never misses a sleeping loop.
    [Checkpoints.NotRewound]
    private readonly object _inboxLock = new();

    [Checkpoints.NotRewound]
    private readonly Queue<CallbackHandle> _inbox = new();

    [Checkpoints.NotRewound]
    private readonly ManualResetEventSlim _wake = new(false);

    [Checkpoints.NotRewound]
    private int _inboxCount;

    [Checkpoints.NotRewound]
    private int _sleeping;

    // The ready queue: one ring of entries (its length a power of two), FIFO. A tick takes the entries queued when it
    // began (R1) as its slice: they stay in their slots while they run, and the queue's head moves past them, so work
    // made ready meanwhile is queued behind them for the next tick. _readyLimit keeps the slice's slots from being reused
    // while they may still run (the ring's length minus the slice's entries); when the queue reaches it, the slots of
    // the entries that already ran are given back (_sliceFreed) before the ring grows, and a slice that is running when
    // the ring grows goes on in the old array. One array, not two swapped at each tick: a burst of a million starts
    // grows one array once and its first tick none (docs/design.md, "The ready queue"). Entries of tasks that completed
    // while queued (cancelled) are skipped, which also makes a double entry harmless. Entries are a struct wrapping the
    // reference: storing into a LoopNode[] would pay an array-covariance type check on every enqueue; a struct element is
    // a plain store.
    private ReadyEntry[] _ready = new ReadyEntry[MinReady];

    private int _readyHead;

    private int _readyCount;

    private int _readyLimit = MinReady;

    private int _sliceHead;        // the slot of the running slice's first entry (TakeReady)

    private int _sliceFreed;       // how many of the slice's leading slots were given back while it ran (EnqueueGrow)

    private const int MinReady = 256;

    // While the tick runs its ready entries: the array being run and the entry being run. Together they say which task
    // is on the call stack (R33), without a store per resume (a reference store would cost a GC write barrier).
    [Checkpoints.NotRewound]
    private ReadyEntry[]? _runArray;

    [Checkpoints.NotRewound]
    private int _runIndex;

    private long _now;             // loop time in ticks: the current (or last) tick's; never decreases nor passes EndOfTime

    private long _tickCount;

    [Checkpoints.NotRewound]
    private bool _inTick;          // true while Tick (or Close) may run user code: no re-entrant Tick (R5)

    [Checkpoints.NotRewound]
    private bool _closing;

    [Checkpoints.NotRewound]
    private volatile bool _closed;

    [Checkpoints.NotRewound]
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
    [field: Checkpoints.NotRewound]
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
    /// limits"): a deadline computed from a delay (<see cref="Co.Sleep(Duration)"/>, <see cref="CallLater(Duration, Action)"/>,
    /// <see cref="Co.Timeout(Future, Duration)"/>, the timeouts of condition waits) saturates at the end of time, so it
    /// comes due in the first tick whose time is the end of time, never earlier (R7): a 10 s sleep begun one second
    /// before the end comes due one second later, and one begun at the end comes due in the next tick. A time past the
    /// end of time is never reached: <see cref="CallAt"/> past it, or a periodic grid point t0 + k * p past it
    /// (<see cref="Co.Every"/>, <see cref="CallEvery(Duration, Action{PeriodicTick})"/>), never comes due; the
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
    /// <para>The handler runs on the loop's thread, with one exception: in debug mode, the report that .NET code began
    /// to wait on a task of a loop that has not ticked for 2 seconds comes on the waiting thread (or a thread-pool
    /// thread that looks again a little later), since the loop is not running to deliver it.</para>
    /// </remarks>
    [field: Checkpoints.NotRewound]
    public Action<Exception>? UnhandledExceptionHandler { get; set; }

    internal long NowTicks => _inTick ? _now : Math.Max(_now, ReadClock());

    /// <summary>The clock's reading, saturated at the end of time (R10): a custom clock may read later.</summary>
    private long ReadClock() => TimeMath.ClampToEnd(_clock.Now.Ticks + _clockOffset);

    // Zero, except after Load on a loop whose clock is not a ManualClock: the saved loop time minus the clock's reading
    // at the load, so the loaded timeline goes on from where it was saved (every deadline keeps its distance from now).
    private long _clockOffset;

    internal bool IsLoopThread => Environment.CurrentManagedThreadId == _threadId;

    internal static string DescribeWait(Future task)
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

    private IteratorShape ShapeOf(IEnumerator<IAwaitable> iterator)
    {
        Type type = iterator.GetType();
        if (ReferenceEquals(type, _lastIteratorType))
        {
            return _lastIteratorShape!;
        }

        IteratorShape shape = IteratorGuard.ShapeOf(type);
        _lastIteratorType = type;
        _lastIteratorShape = shape;
        return shape;
    }

    private static InvalidOperationException AlreadyStarted(IEnumerator<IAwaitable> iterator) => new(
        $"The coroutine iterator {Names.Full(iterator.GetType())} has already been started; an iterator runs once. Call the coroutine method again to get a fresh iterator.");

    private static InvalidOperationException BrokenAwaitable(Future task, string type, string member, Exception inner) => new(
        $"Coroutine '{task.NodeName}' yielded a custom awaitable {type} whose {member} threw {inner.GetType().Name}: {inner.Message} A custom IAwaitable must not throw when the loop parks on it.",
        inner);

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

        if (_ready.Length > MinReady && _readyCount <= MinReady / 2)
        {
            ResizeReady(MinReady);
        }

        _registry.TrimExcess();
        _timers.TrimExcess();
        _unstarted.TrimExcess();
        _unstartedPeak = _unstarted.Count;
    }

    /// <summary>Offloads and awaited .NET tasks in flight: work outside the loop that will wake it (deadlock check).</summary>
    internal int ExternalWorkCount => _externalWork;
}
