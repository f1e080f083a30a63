namespace YieldLoop.Internal;

/// <summary>
/// The bit layout of <see cref="Future"/>'s <c>_state</c> field. One int holds the public state and every
/// engine flag, so a task stays small (W5 in docs/performance.md) and the hot path tests several conditions with one load.
/// </summary>
internal static class StateBits
{
    /// <summary>Low two bits: the <see cref="FutureState"/>.</summary>
    internal const int StateMask = 0b11;

    /// <summary>The failure was seen: a waiter was parked when it faulted, or its exception or result was read.</summary>
    internal const int Observed = 1 << 2;

    /// <summary>The failure was already sent to the unhandled-exception handler (R23: at most once).</summary>
    internal const int Reported = 1 << 3;

    /// <summary>Kind: a <see cref="CallbackHandle"/> (runs an <see cref="System.Action"/>).</summary>
    internal const int KindCallback = 1 << 4;

    /// <summary>Kind: a completion callback registered on a future (runs an <c>Action&lt;Future&gt;</c>).</summary>
    internal const int KindFutureCallback = 1 << 5;

    /// <summary>Kind: an engine <see cref="Watcher"/>, notified synchronously when a future it waits on completes.</summary>
    internal const int KindWatcher = 1 << 14;

    /// <summary>Every non-coroutine kind: the tick tests this one mask to pick the coroutine fast path.</summary>
    internal const int KindMask = KindCallback | KindFutureCallback | KindWatcher;

    /// <summary>Kinds that are engine internals: never cancelled from outside.</summary>
    internal const int InternalKinds = KindFutureCallback | KindWatcher;

    /// <summary>Cancel was requested; the task is cancelled at its next turn or its next yield (R30, R33).</summary>
    internal const int CancelRequested = 1 << 6;

    /// <summary>The frame chain is being disposed; a cancel now is a no-op (R34).</summary>
    internal const int Disposing = 1 << 7;

    /// <summary>The node is linked into the timer wheel (its <c>_link</c> is the next node of its slot).</summary>
    internal const int InWheel = 1 << 8;

    /// <summary>The node's timer was cancelled; it stays linked until the wheel purges it at the end of the tick.</summary>
    internal const int TimerCancelled = 1 << 9;

    /// <summary>The task was started but has not stepped yet (its iterator is in the loop's not-yet-started set).</summary>
    internal const int Fresh = 1 << 10;

    /// <summary>The task is a <see cref="LoopTask{T}"/> and must end with <c>Co.Return</c>.</summary>
    internal const int Typed = 1 << 11;

    /// <summary>The future is in the loop's list of failures to check at the end of the tick (R23).</summary>
    internal const int Watched = 1 << 12;

    /// <summary>Bits 16..19: the timer wheel level of a node in the wheel (15 = the due list).</summary>
    internal const int LevelShift = 16;

    internal const int LevelMask = 0xF << LevelShift;

    /// <summary>The task belongs to a <see cref="Scope"/> (kept in its <see cref="FrameStack"/>): checked for pause.</summary>
    internal const int Scoped = 1 << 20;

    /// <summary>The task's timer is frozen by a paused scope; <c>_deadline</c> holds the remaining ticks.</summary>
    internal const int Frozen = 1 << 21;

    /// <summary>
    /// A <see cref="CallbackHandle"/> posted by a thread-safe completion (<c>FutureSource.PostResult</c>, an offload,
    /// a Task relay): its action completes a future and runs engine code only, so <see cref="EventLoop.Close"/>
    /// applies it instead of cancelling it, and a completion accepted before Close is never lost (R51).
    /// </summary>
    internal const int HandOver = 1 << 22;

    /// <summary>A <see cref="ClockDriver"/>: when the loop's wheel fires it, its clock queues its own due tasks.</summary>
    internal const int ClockDriver = 1 << 13;

    /// <summary>The task is bound to a <see cref="GameClock"/> (kept in its <see cref="FrameStack"/>): Co.Sleep follows it.</summary>
    internal const int Clocked = 1 << 23;

    /// <summary>
    /// The task's last timer went to a <see cref="GameClock"/>'s wheel (<see cref="FrameStack.TimerClock"/>), not the
    /// loop's. Meaningful only while <see cref="InWheel"/> or <see cref="Frozen"/> is set.
    /// </summary>
    internal const int ClockTimer = 1 << 24;

    /// <summary>A <see cref="CallbackHandle"/> accepted by <see cref="EventLoop.Post"/> or <see cref="EventLoop.TryPost"/>:
    /// <see cref="EventLoop.Close"/> runs it instead of cancelling it (R51).</summary>
    internal const int Posted = 1 << 25;

    /// <summary>
    /// The future is a <see cref="ResettableFutureSource{T}"/>'s node, reset in place for each round: the yield dispatch
    /// asks it whether a yield is for the current round (<c>Future.AcceptYield</c>).
    /// </summary>
    internal const int Resettable = 1 << 26;

    /// <summary>The conditions that send a step off the fast path.</summary>
    internal const int SlowStep = CancelRequested | Fresh | Scoped;
}
