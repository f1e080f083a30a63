using System;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A counting semaphore for coroutines on one loop: permits are granted strictly in FIFO order and cancellation never
/// loses or duplicates one.
/// </summary>
/// <example>
/// <code>
/// yield return ovens.Acquire();
/// try
/// {
///     yield return Co.Sleep(3);   // bake
/// }
/// finally
/// {
///     ovens.Release();
/// }
/// </code>
/// </example>
/// <remarks>
/// <para><b>Model.</b> <see cref="CurrentCount"/> permits are free. <see cref="Release(int)"/> hands permits directly
/// to live waiters first, in FIFO order, and only the rest raise the count: the count is never above zero while a live
/// waiter is queued, so a newcomer never overtakes a waiter (<see cref="TryAcquire"/> succeeds only when nobody
/// waits). Conservation: free permits + permits held + permits granted to waiters not yet resumed = the permits in
/// circulation, which never exceeds <c>maxCount</c>.</para>
/// <para><b>Cancel safety</b> (each <see cref="Acquire"/> returns a future of its own): a waiter cancelled before its
/// grant leaves the queue; a waiter cancelled after its grant but before it resumed gives the permit back, to the next
/// live waiter or to the count; a wait future cancelled directly is skipped. A grant observed by a callback or
/// combinator counts as used at once (release it yourself); do not park several tasks on one wait future.</para>
/// <para>All members belong to the loop's thread.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CoSemaphore : ITurnOwner
{
    private readonly EventLoop _loop;
    private readonly int _maxCount;

    // Waits not yet granted, FIFO. Invariant: while _count > 0 there is no live wait in it.
    private readonly WaitQueue<TurnWait> _waiters = new();

    // The completed future Acquire returns when a permit is free: shared, so the uncontended path allocates nothing.
    private readonly Future _granted;

    private int _count;

    // Who holds permits, for diagnostics only (the wait-for graph of snapshots and deadlock reports): the task whose step
    // took each permit, or the waiter it was handed to (null: taken outside any step). Permits have no owner identity,
    // so a release removes the releasing task's entry when it has one, else a best guess (see RemoveHolder). Created at
    // the first acquire; allocation-free afterwards.
    private System.Collections.Generic.List<Future?>? _holders;

    /// <summary>Creates a semaphore with <paramref name="initialCount"/> free permits.</summary>
    /// <param name="loop">The loop whose coroutines use the semaphore.</param>
    /// <param name="initialCount">The number of free permits at the start (0 or more).</param>
    /// <param name="maxCount">The most free permits there may be; <see cref="Release(int)"/> past it throws. With the
    /// default maxCount an unmatched Release raises CurrentCount for good; pass maxCount to catch it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initialCount"/> is negative or greater than
    /// <paramref name="maxCount"/>, or <paramref name="maxCount"/> is less than 1.</exception>
    public CoSemaphore(EventLoop loop, int initialCount, int maxCount = int.MaxValue)
    {
        _loop = loop ?? throw new ArgumentNullException(nameof(loop));
        loop.ThrowIfClosed();
        if (maxCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, "The maximum count of a semaphore must be at least 1.");
        }

        if (initialCount < 0 || initialCount > maxCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(initialCount), initialCount, $"The initial count of a semaphore must be between 0 and its maximum count ({maxCount}).");
        }

        _maxCount = maxCount;
        _count = initialCount;
        _granted = new Future(loop);
        _granted.TryComplete(FutureState.Succeeded, null);
    }

    /// <summary>Gets the number of free permits.</summary>
    public int CurrentCount => _count;

    /// <summary>Gets the most free permits there may be.</summary>
    public int MaxCount => _maxCount;

    /// <summary>The tasks recorded as holding permits (see <c>_holders</c>), or null when none was ever taken.</summary>
    internal System.Collections.Generic.IReadOnlyList<Future?>? Holders => _holders;

    /// <summary>
    /// Asks for a permit. Yield the returned future: the coroutine continues once it holds a permit (at once, in the
    /// same step, when one is free and nobody waits).
    /// </summary>
    /// <returns>A future that succeeds when a permit is granted to this caller.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Future Acquire()
    {
        _loop.CheckAccess();
        if (_count > 0)
        {
            Debug.Assert(!_waiters.HasLive, "free permits and a live waiter never coexist");
            _count--;
            (_holders ??= new()).Add(_loop.CurrentTask);
            return _granted;
        }

        var wait = new TurnWait(_loop, this);
        _waiters.Enqueue(wait);
        return wait;
    }

    /// <summary>Takes a permit if one is free.</summary>
    /// <returns><see langword="true"/> if the caller now holds a permit.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public bool TryAcquire()
    {
        _loop.CheckAccess();
        if (_count == 0)
        {
            return false;
        }

        _count--;
        (_holders ??= new()).Add(_loop.CurrentTask);
        return true;
    }

    /// <summary>
    /// Gives back <paramref name="releaseCount"/> permits: live waiters get them first, in FIFO order (they resume in
    /// the next tick); the rest raise <see cref="CurrentCount"/>.
    /// </summary>
    /// <remarks>Permits have no owner, so a Release without a matching Acquire is not detected as such. With the default
    /// maxCount an unmatched Release raises CurrentCount for good; pass maxCount to catch it (a release past
    /// <see cref="MaxCount"/> throws).</remarks>
    /// <param name="releaseCount">How many permits to give back (1 or more).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="releaseCount"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The release would raise the count past the maximum (nothing is
    /// released then), or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void Release(int releaseCount = 1)
    {
        _loop.CheckAccess();
        if (releaseCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(releaseCount), releaseCount, "A semaphore releases at least one permit.");
        }

        if (releaseCount > _maxCount - _count)
        {
            throw new InvalidOperationException(
                $"Releasing {releaseCount} permit(s) would raise the semaphore's count past its maximum of {_maxCount} (it is {_count}). Release only permits that were acquired.");
        }

        for (int i = 0; i < releaseCount; i++)
        {
            ReleaseOne();
        }
    }

    /// <summary>Describes the semaphore: free permits and how many wait.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() => $"CoSemaphore ({_count}/{_maxCount} free, {_waiters.Sweep()} waiting)";

    void ITurnOwner.ReturnTurn() => ReleaseOne();

    string ITurnOwner.DescribeTurn() => "semaphore";

    private void ReleaseOne()
    {
        RemoveHolder();

        // Hand over before completing: a synchronous engine watcher must find the semaphore consistent.
        TurnWait? next = _waiters.DequeueLive();
        if (next is null)
        {
            Debug.Assert(_count < _maxCount, "permits are conserved");
            _count++;
            return;
        }

        (_holders ??= new()).Add(WaitGraph.WaitingTask(next));
        next.Grant();
    }

    /// <summary>Forgets one holder: the releasing task's entry; else one of a task that ended or is being cancelled (a
    /// granted turn handed back); else an unknown one; else the oldest.</summary>
    private void RemoveHolder()
    {
        System.Collections.Generic.List<Future?>? holders = _holders;
        if (holders is null || holders.Count == 0)
        {
            return;
        }

        int index = holders.IndexOf(_loop.CurrentTask);
        for (int i = 0; index < 0 && i < holders.Count; i++)
        {
            if (holders[i] is { } task && (task.IsCompleted || (task._state & StateBits.CancelRequested) != 0))
            {
                index = i;
            }
        }

        if (index < 0)
        {
            index = holders.IndexOf(null);
        }

        holders.RemoveAt(index < 0 ? 0 : index);
    }
}
