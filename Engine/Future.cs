using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// Something that will complete later, once: with success, an exception, or cancellation. The read side only:
/// a <see cref="FutureSource"/> (or the engine, for a <see cref="LoopTask"/>) completes it.
/// </summary>
/// <remarks>
/// <para>Rules kept (docs/semantics.md): a future completes once (R14); reading the outcome of a pending future
/// throws <see cref="InvalidOperationException"/>, of a faulted one its exception, of a cancelled one
/// <see cref="OperationCanceledException"/> (R15); <see cref="Cancel"/> of a pending future returns
/// <see langword="true"/> and completes it as cancelled (R16); completion callbacks never run inside the completing
/// call: they run on the loop in the next tick, in registration order (R17), and one that throws goes to the
/// loop's handler without stopping the others (R18).</para>
/// <para>A coroutine waits for a future with <c>yield return future;</c>. If the future is already complete the
/// coroutine continues in the same step (R19); if it faults, the coroutine faults with the same exception object
/// (R22) unless it yielded <see cref="Co.Settle(Future)"/>.</para>
/// <para>Members that change a future (<see cref="Cancel"/>, <see cref="AddCallback"/>, ...) belong to the loop's
/// thread; reading the state works from any thread, and after the loop is closed.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public class Future : LoopNode, IAwaitable
{
    /// <summary>Stands for "cancelled" in <see cref="_slot"/> until someone asks for the exception.</summary>
    internal static readonly object CancelledMarker = new();

    // While pending: the waiters, in registration order (R17): null, one LoopNode (a parked task, a watcher or a
    // completion callback), or a WaiterList. Once completed: the outcome: null (success), the Exception (faulted), or
    // CancelledMarker / an OperationCanceledException (cancelled). One field for both keeps a task at 64 bytes; the two
    // uses never overlap because a completed future takes no waiters (late ones are queued at once).
    internal object? _slot;

    internal Future(EventLoop loop)
        : base(loop, null, 0)
    {
    }

    internal Future(EventLoop loop, object frame, int flags)
        : base(loop, frame, flags)
    {
    }

    /// <summary>
    /// Whether this future is one the loop drives (a task, typed or not, or a callback handle) rather than a plain
    /// future: such a future always has frames (its coroutine, its delegate, or once ended what its name needs);
    /// a plain future never does.
    /// </summary>
    internal bool IsTask => _frame is not null;

    /// <summary>Gets the loop this future belongs to.</summary>
    public EventLoop Loop => _loop;

    /// <summary>Gets the current state.</summary>
    public FutureState State => (FutureState)(_state & StateBits.StateMask);

    /// <summary>Gets whether the future has completed (in any way).</summary>
    public bool IsCompleted => (_state & StateBits.StateMask) != 0;

    /// <summary>Gets whether the future completed successfully.</summary>
    public bool IsSucceeded => (_state & StateBits.StateMask) == (int)FutureState.Succeeded;

    /// <summary>Gets whether the future completed with an exception.</summary>
    public bool IsFaulted => (_state & StateBits.StateMask) == (int)FutureState.Faulted;

    /// <summary>Gets whether the future was cancelled.</summary>
    public bool IsCancelled => (_state & StateBits.StateMask) == (int)FutureState.Cancelled;

    /// <summary>
    /// Gets the exception of a faulted future, or <see langword="null"/> when it is pending, succeeded or cancelled.
    /// Reading it marks the failure as observed (R23).
    /// </summary>
    public Exception? Exception
    {
        get
        {
            if ((_state & StateBits.StateMask) != (int)FutureState.Faulted)
            {
                return null;
            }

            _state |= StateBits.Observed;
            return (Exception)_slot!;
        }
    }

    /// <summary>
    /// Checks the outcome: returns when the future succeeded, throws its exception when it faulted, and
    /// <see cref="OperationCanceledException"/> when it was cancelled.
    /// </summary>
    /// <exception cref="InvalidOperationException">The future is still pending.</exception>
    public void GetResult() => ThrowIfNotSucceeded();

    /// <summary>
    /// Requests cancellation. A pending future completes as cancelled at once; a pending <see cref="LoopTask"/> is
    /// cancelled at its next turn (see <see cref="LoopTask"/>).
    /// </summary>
    /// <returns><see langword="true"/> if this call requested the cancellation; <see langword="false"/> if the future
    /// was already completed or already being cancelled.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public bool Cancel()
    {
        _loop.CheckAccess();
        return _loop.RequestCancel(this);
    }

    /// <summary>
    /// Registers a callback that runs on the loop, in the tick after the future completes, with the future as its
    /// argument. On an already completed future it runs in the next tick. Callbacks run in registration order.
    /// </summary>
    /// <param name="callback">The callback. If it throws, the exception goes to the loop's handler (R18).</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void AddCallback(Action<Future> callback)
    {
        if (callback is null)
        {
            throw new ArgumentNullException(nameof(callback));
        }

        _loop.CheckAccess();
        var node = new FutureCallback(_loop, this, callback);
        if (IsCompleted)
        {
            _loop.Enqueue(node);
        }
        else
        {
            AddWaiter(node);
        }
    }

    /// <summary>Removes a callback registered with <see cref="AddCallback"/> before it was queued.</summary>
    /// <param name="callback">The callback to remove (compared with delegate equality).</param>
    /// <returns><see langword="true"/> if it was removed and will never run; <see langword="false"/> if it was not
    /// registered, or the future already completed (the callback is then already queued).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public bool RemoveCallback(Action<Future> callback)
    {
        _loop.CheckAccess();
        if (callback is null)
        {
            throw new ArgumentNullException(nameof(callback));
        }

        if (IsCompleted)
        {
            return false;
        }

        switch (_slot)
        {
            case FutureCallback single when single.Matches(callback):
                _slot = null;
                return true;
            case WaiterList list:
                for (int i = 0; i < list.Count; i++)
                {
                    if (list.Items[i] is FutureCallback node && node.Matches(callback))
                    {
                        list.RemoveAt(i);
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>Describes the future: its type and state.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() => $"{GetType().Name.Split('`')[0]} ({State})";

    void IAwaitable.OnCompleted(Action continuation)
    {
        if (continuation is null)
        {
            throw new ArgumentNullException(nameof(continuation));
        }

        AddCallback(_ => continuation());
    }

    // ---- engine side -------------------------------------------------------------------------------------------

    internal void AddWaiter(LoopNode waiter)
    {
        Debug.Assert(!IsCompleted, "a completed future takes no waiters: late ones are queued at once (R17, R19)");
        Debug.Assert(ReferenceEquals(waiter._loop, _loop), "a future's waiters belong to its loop (R61)");
        object? slot = _slot;
        if (slot is null)
        {
            _slot = waiter;
        }
        else if (slot is WaiterList list)
        {
            list.Add(waiter);
        }
        else
        {
            _slot = new WaiterList((LoopNode)slot, waiter);
        }
    }

    internal void RemoveWaiter(LoopNode waiter)
    {
        if (IsCompleted)
        {
            return;
        }

        if (ReferenceEquals(_slot, waiter))
        {
            _slot = null;
        }
        else if (_slot is WaiterList list)
        {
            list.Remove(waiter);
        }
    }

    /// <summary>
    /// Completes the future once. Never runs user code: the waiters are only queued on the loop (R4, R17).
    /// </summary>
    internal bool TryComplete(FutureState state, object? outcome)
    {
        int st = _state;
        if ((st & StateBits.StateMask) != 0)
        {
            return false;
        }

        object? waiters = _slot;
        _slot = outcome;
        st = (st & ~StateBits.StateMask) | (int)state;
        if (state == FutureState.Faulted)
        {
            // R23: a waiter parked at the moment of the fault observes it (a passive watcher does not); otherwise the
            // loop checks at the end of the tick whether anyone read it in the meantime.
            if (waiters is not null && ObservedBy(waiters))
            {
                st |= StateBits.Observed;
            }
            else if ((st & StateBits.Observed) == 0)
            {
                _state = st;
                _loop.WatchUnobserved(this);
                if (waiters is not null)
                {
                    _loop.WakeWaiters(waiters, this);
                }

                return true;
            }
        }

        _state = st;
        if (waiters is not null)
        {
            _loop.WakeWaiters(waiters, this);
        }

        return true;
    }

    // Cold (faults only): whether some waiter counts as observing the failure; only passive watchers do not.
    private static bool ObservedBy(object waiters)
    {
        if (waiters is WaiterList list)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (list.Items[i] is not Watcher { ObservesFailure: false })
                {
                    return true;
                }
            }

            return false;
        }

        return waiters is not Watcher { ObservesFailure: false };
    }

    internal Exception GetExceptionForRethrow()
    {
        _state |= StateBits.Observed;
        return (Exception)_slot!;
    }

    internal OperationCanceledException GetCancellationException()
    {
        if (_slot is OperationCanceledException oce)
        {
            return oce;
        }

        var created = new OperationCanceledException($"The {Describe()} was cancelled.");
        _slot = created;
        return created;
    }

    internal void ThrowIfNotSucceeded()
    {
        switch ((FutureState)(_state & StateBits.StateMask))
        {
            case FutureState.Succeeded:
                return;
            case FutureState.Faulted:
                ExceptionDispatchInfo.Capture(GetExceptionForRethrow()).Throw();
                return;
            case FutureState.Cancelled:
                throw GetCancellationException();
            default:
                throw new InvalidOperationException(
                    $"The {Describe()} is still pending, so it has no result yet. Yield it from a coroutine, or check IsCompleted first.");
        }
    }

    /// <summary>
    /// Called by the loop when a task parked on this future (plainly or through <c>Co.Settle</c>) is taken off it by
    /// cancellation or <see cref="EventLoop.Close"/>, before the future itself is cancelled (R31). The future may
    /// already be complete: the task was woken but had not resumed yet. Coordination primitives override this to give
    /// a granted but never consumed turn to the next waiter (cancel safety); it must not run user code.
    /// </summary>
    internal virtual void OnWaiterCancelled(LoopNode waiter)
    {
    }

    /// <summary>
    /// Asked by the yield dispatch only for a future flagged <see cref="StateBits.Resettable"/> (a
    /// <see cref="ResettableFutureSource{T}"/>'s node): whether <paramref name="task"/> may wait on it now. Plain
    /// futures never get the call (one flag test keeps it off their path).
    /// </summary>
    internal virtual bool AcceptYield(Future task) => true;

    /// <summary>The error for a yield that <see cref="AcceptYield"/> refused.</summary>
    internal virtual InvalidOperationException StaleYield(Future task) =>
        new($"Coroutine '{task.NodeName}' yielded a {Describe()} it may not wait on.");

    /// <summary>A short name used in messages: "future", "task 'Paint'".</summary>
    internal override string Describe() => "future";
}
