using System;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A mutual-exclusion lock for coroutines on one loop, granted strictly in FIFO order and safe against cancellation.
/// </summary>
/// <example>
/// <code>
/// yield return lck.Acquire();
/// try
/// {
///     // ... the critical section, which may yield ...
/// }
/// finally
/// {
///     lck.Release();
/// }
/// </code>
/// </example>
/// <remarks>
/// <para><b>Model.</b> The lock is held or free. <see cref="Release"/> hands the lock directly to the first live waiter
/// (ownership transfer): the lock never becomes free while a live waiter is queued, so a newcomer cannot barge in
/// between a release and the waiter's resumption, and <see cref="TryAcquire"/> succeeds only when nobody waits. The
/// lock has no owner identity (as in asyncio): any code on the loop may release it, and a task that acquires it twice
/// deadlocks itself.</para>
/// <para><b>Cancel safety</b> (each <see cref="Acquire"/> returns a future of its own):</para>
/// <list type="bullet">
/// <item>A waiter cancelled before the lock was granted to it leaves the queue; nobody else is affected.</item>
/// <item>A waiter cancelled after the lock was granted to it but before it resumed (the same or the next tick) never
/// used the lock, so the lock goes to the next live waiter (or becomes free). No turn is lost, none is granted
/// twice.</item>
/// <item>A wait future cancelled directly (<see cref="Future.Cancel"/>) before its grant is skipped.</item>
/// <item>A grant observed by something other than a parked task (a completion callback, a combinator) counts as used
/// at once: whoever received it must <see cref="Release"/>. Several tasks parked on one wait future share one grant;
/// do not do that.</item>
/// </list>
/// <para><b>Co-holds.</b> A <see cref="CoCondition"/> wait that is cancelled while it does not hold the lock cannot wait
/// to re-acquire it (cancellation is disposal, R30), yet the caller's <c>finally</c> will call <see cref="Release"/>.
/// So it adds a co-hold: the lock counts one more hold, and that next <see cref="Release"/> only removes it. See
/// <see cref="CoCondition"/>.</para>
/// <para><b>Rejected.</b> A single shared future per waiting "generation" allocates less, but cancelling one parked
/// task would cancel the shared future and so every other waiter (R31). Releasing to "free" and letting waiters
/// race for the lock when they resume (barging) is cheaper per release but neither FIFO nor starvation-free.</para>
/// <para>All members belong to the loop's thread.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CoLock : ITurnOwner
{
    internal readonly EventLoop _loop;

    // Waits not yet granted, FIFO. Invariant: while _holds == 0 there is no live wait in it (Release hands over).
    private readonly WaitQueue<TurnWait> _waiters = new();

    // 0: free; 1: held; more: held, plus co-holds of cancelled condition waits, each removed by one Release.
    private int _holds;

    // The future Acquire returns when the lock is free: completed, shared, so the uncontended path allocates nothing.
    private readonly Future _granted;

    // Who holds the lock, for diagnostics only (the wait-for graph of snapshots and deadlock reports): the task whose
    // step took it, or the waiter it was handed to; null when free or unknown (taken outside any step). The lock keeps no
    // owner identity (see the remarks): this is a record, never checked.
    private Future? _holder;

    /// <summary>Creates a free lock on <paramref name="loop"/>.</summary>
    /// <param name="loop">The loop whose coroutines use the lock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> is null.</exception>
    public CoLock(EventLoop loop)
    {
        _loop = loop ?? throw new ArgumentNullException(nameof(loop));
        loop.ThrowIfClosed();
        _granted = new Future(loop);
        _granted.TryComplete(FutureState.Succeeded, null);
    }

    /// <summary>Gets whether the lock is held (or granted to a waiter that has not resumed yet).</summary>
    public bool IsLocked => _holds > 0;

    /// <summary>The task that holds the lock (see <c>_holder</c>), or null.</summary>
    internal Future? Holder => _holds > 0 ? _holder : null;

    /// <summary>
    /// Asks for the lock. Yield the returned future: the coroutine continues once it holds the lock (at once, in the
    /// same step, when the lock is free and nobody waits).
    /// </summary>
    /// <returns>A future that succeeds when the lock is granted to this caller.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Future Acquire()
    {
        _loop.CheckAccess();
        if (_holds == 0)
        {
            Debug.Assert(!_waiters.HasLive, "a free lock has no live waiter");
            _holds = 1;
            _holder = _loop.CurrentTask;
            return _granted;
        }

        var wait = new TurnWait(_loop, this);
        _waiters.Enqueue(wait);
        return wait;
    }

    /// <summary>Takes the lock if it is free.</summary>
    /// <returns><see langword="true"/> if the caller now holds the lock.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public bool TryAcquire()
    {
        _loop.CheckAccess();
        if (_holds != 0)
        {
            return false;
        }

        _holds = 1;
        _holder = _loop.CurrentTask;
        return true;
    }

    /// <summary>
    /// Releases the lock: the first live waiter gets it (it resumes in the next tick), or it becomes free.
    /// </summary>
    /// <exception cref="InvalidOperationException">The lock is not held, or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void Release()
    {
        _loop.CheckAccess();
        if (_holds == 0)
        {
            throw new InvalidOperationException(
                "The lock is not held, so it cannot be released. Call Release() once for each granted Acquire() or successful TryAcquire().");
        }

        ReleaseCore();
    }

    /// <summary>Describes the lock: held or free, and how many wait.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() => $"CoLock ({(_holds > 0 ? "held" : "free")}, {_waiters.Sweep()} waiting)";

    void ITurnOwner.ReturnTurn() => ReleaseCore();

    string ITurnOwner.DescribeTurn() => "lock";

    /// <summary>Adds a co-hold (see the remarks): the next <see cref="Release"/> removes it.</summary>
    internal void AddCoHold() => _holds++;

    private void ReleaseCore()
    {
        Debug.Assert(_holds > 0, "held");
        if (_holds > 1)
        {
            _holds--;
            return;
        }

        // Hand over before completing anything: TryComplete may notify engine watchers synchronously, and they must
        // find the lock in a consistent state.
        TurnWait? next = _waiters.DequeueLive();
        if (next is null)
        {
            _holds = 0;
            _holder = null;
            return;
        }

        _holder = WaitGraph.WaitingTask(next);
        next.Grant();
    }
}
