using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A condition variable over a <see cref="CoLock"/>: a coroutine that holds the lock waits for another to change some
/// state and <see cref="Notify"/>; the waiter then re-acquires the lock before it resumes.
/// </summary>
/// <example>
/// <code>
/// yield return lck.Acquire();
/// try
/// {
///     while (queue.Count == 0)
///     {
///         yield return ready.Wait();   // releases lck, waits for Notify, re-acquires lck
///     }
///
///     var job = queue.Dequeue();
/// }
/// finally
/// {
///     lck.Release();
/// }
/// </code>
/// </example>
/// <remarks>
/// <para><b>Model.</b> <see cref="Wait"/> returns a child coroutine (run inline through <see cref="Co.Call(IEnumerator{IAwaitable})"/>,
/// so yield it at once) that queues a notification wait, releases the lock, parks until notified, then acquires the
/// lock again (FIFO behind the lock's other waiters) and ends. <see cref="Notify"/> wakes the first
/// <c>n</c> live waiters in the order they began waiting; <see cref="NotifyAll"/> wakes all of them; a notification
/// with nobody waiting is lost (as in every condition variable). Both require the lock to be held, as in asyncio and
/// <see cref="System.Threading.Monitor"/>. Wake-ups are not spurious, but re-check the predicate in a loop anyway:
/// another coroutine may take the lock and change the state first.</para>
/// <para><b>Cancel safety.</b> A waiter cancelled before it was notified leaves the queue. A waiter cancelled after it
/// was notified but before it resumed hands its notification to the next live waiter (as asyncio does), so a
/// <see cref="Notify"/> is never swallowed by a coroutine that is going away. A waiter cancelled while it waits to
/// re-acquire the lock hands a granted-but-unused lock on (see <see cref="CoLock"/>).</para>
/// <para><b>The lock on cancellation.</b> The caller's <c>finally</c> calls <see cref="CoLock.Release"/> whether or not
/// the wait was cancelled. asyncio and Trio re-acquire the lock during cancellation (a shielded wait); a C# iterator
/// cannot wait inside <c>finally</c> (cancellation is disposal, R30). So a wait cancelled while it does not hold the
/// lock adds a <i>co-hold</i> to the lock in its own <c>finally</c>: the lock counts one more hold, which the caller's
/// <see cref="CoLock.Release"/>, running right after in the same disposal, removes again without disturbing the
/// current holder. The cancelled coroutine's <c>finally</c> blocks therefore run while another coroutine may hold the
/// lock (it is parked, not running): keep them to releasing. A caller that does not release the lock in a
/// <c>finally</c> leaks the co-hold, and the lock stays held.</para>
/// <para><b>Rejected.</b> Letting <see cref="CoLock.Release"/> throw after a cancelled wait turns every cancellation
/// into a fault (R35); silently skipping the release would need the lock to know its owner, which it does not (the
/// lock, like asyncio's, has no owner identity).</para>
/// <para>All members belong to the loop's thread.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CoCondition : ITurnOwner
{
    private readonly CoLock _lock;

    // Waits not yet notified, FIFO.
    private readonly WaitQueue<TurnWait> _waiters = new();

    /// <summary>Creates a condition over <paramref name="lck"/>.</summary>
    /// <param name="lck">The lock that guards the state the condition is about.</param>
    /// <exception cref="ArgumentNullException"><paramref name="lck"/> is null.</exception>
    public CoCondition(CoLock lck)
    {
        _lock = lck ?? throw new ArgumentNullException(nameof(lck));
    }

    /// <summary>Gets the lock this condition is used with.</summary>
    public CoLock Lock => _lock;

    /// <summary>
    /// Waits for a notification: releases the lock, parks until <see cref="Notify"/> or <see cref="NotifyAll"/>, then
    /// re-acquires the lock. Yield the result at once; the lock must be held.
    /// </summary>
    /// <returns>An inline child coroutine (<see cref="Co.Call(IEnumerator{IAwaitable})"/>) to yield once.</returns>
    /// <exception cref="InvalidOperationException">The lock is not held, or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public IAwaitable Wait()
    {
        _lock._loop.CheckAccess();
        ThrowIfNotLocked(nameof(Wait));
        return Co.Call(WaitCore());
    }

    /// <summary>
    /// Waits until <paramref name="predicate"/> is true (asyncio's <c>Condition.wait_for</c>): checks it first, and while
    /// it is false waits as <see cref="Wait"/> does (releases the lock, parks until notified, re-acquires the lock) and
    /// checks it again. Yield the result at once; the lock must be held, and it is held again when the wait ends.
    /// </summary>
    /// <param name="predicate">The condition, about the state the lock guards. It runs on the loop's thread, with the
    /// lock held, as part of the waiting task's step: at the yield, and after each notification. If it throws, the
    /// waiting task faults with that exception (the lock is still held: the caller's <c>finally</c> releases it).</param>
    /// <returns>An inline child coroutine (<see cref="Co.Call(IEnumerator{IAwaitable})"/>) to yield once. When the
    /// predicate already holds at the yield, the coroutine continues at once, in the same step, without releasing the
    /// lock.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The lock is not held, or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    /// <remarks>The wake-ups come only from <see cref="Notify"/> and <see cref="NotifyAll"/>: a change to the state
    /// that nobody notifies is not seen. Cancellation while waiting behaves as for <see cref="Wait"/>.</remarks>
    public IAwaitable WaitFor(Func<bool> predicate)
    {
        if (predicate is null)
        {
            throw new ArgumentNullException(nameof(predicate));
        }

        _lock._loop.CheckAccess();
        ThrowIfNotLocked(nameof(WaitFor));
        return Co.Call(WaitForCore(predicate));
    }

    /// <summary>Wakes the first <paramref name="n"/> waiters (fewer if fewer wait), in the order they began waiting.
    /// The lock must be held.</summary>
    /// <param name="n">How many waiters to wake (0 or more).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The lock is not held, or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void Notify(int n = 1)
    {
        _lock._loop.CheckAccess();
        if (n < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "The number of waiters to notify cannot be negative.");
        }

        ThrowIfNotLocked(nameof(Notify));
        NotifyCore(n);
    }

    /// <summary>Wakes every waiter, in the order they began waiting. The lock must be held.</summary>
    /// <exception cref="InvalidOperationException">The lock is not held, or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void NotifyAll()
    {
        _lock._loop.CheckAccess();
        ThrowIfNotLocked(nameof(NotifyAll));
        NotifyCore(int.MaxValue);
    }

    /// <summary>Describes the condition: how many wait.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() => $"CoCondition ({_waiters.Sweep()} waiting)";

    void ITurnOwner.ReturnTurn() => NotifyCore(1);

    string ITurnOwner.DescribeTurn() => "condition";

    private void NotifyCore(int n)
    {
        for (int i = 0; i < n; i++)
        {
            TurnWait? next = _waiters.DequeueLive();
            if (next is null)
            {
                return;
            }

            next.Grant();
        }
    }

    private void ThrowIfNotLocked(string member)
    {
        if (!_lock.IsLocked)
        {
            throw new InvalidOperationException(
                $"CoCondition.{member}() needs the condition's lock to be held: acquire it first (yield return lck.Acquire();).");
        }
    }

    private IEnumerator<IAwaitable> WaitForCore(Func<bool> predicate)
    {
        ThrowIfNotLocked(nameof(WaitFor));
        while (!predicate())
        {
            yield return Co.Call(WaitCore());   // releases, waits for a notification, re-acquires
        }
    }

    private IEnumerator<IAwaitable> WaitCore()
    {
        // Checked again here: this body runs when the Call is yielded, which should be at once.
        ThrowIfNotLocked(nameof(Wait));
        var notified = new TurnWait(_lock._loop, this);
        _waiters.Enqueue(notified);
        _lock.Release();

        bool holding = false;
        try
        {
            yield return notified;
            yield return _lock.Acquire();
            holding = true;
        }
        finally
        {
            if (!holding)
            {
                // Cancelled (disposed) before the lock was ours again: see "The lock on cancellation" above.
                _lock.AddCoHold();
            }
        }
    }
}
