using System;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A manual-reset event for coroutines on one loop: <see cref="Wait"/> parks until the event is set; setting it wakes
/// every waiter, in the order they started waiting.
/// </summary>
/// <remarks>
/// <para><b>Model.</b> The event is set or clear. <see cref="Set"/> completes every live wait (they resume in the next
/// tick, FIFO) and keeps the event set, so later waits complete at once, until <see cref="Clear"/>. A wait that began
/// before <see cref="Set"/> is woken even if <see cref="Clear"/> follows in the same tick: the wake-up is not taken
/// back.</para>
/// <para><b>Cancel safety.</b> Each <see cref="Wait"/> returns a future of its own, so cancelling one waiter (which
/// cancels the future it is parked on, R31) never cancels another. A cancelled wait is dropped from the queue; since a
/// wake-up is not a resource that runs out, a cancelled waiter has nothing to hand on.</para>
/// <para>All members belong to the loop's thread.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CoEvent
{
    private readonly EventLoop _loop;

    // Waits since the last Set. Invariant: empty of live waits while _isSet.
    private readonly WaitQueue<Future> _waiters = new();

    // Returned by Wait while the event is set: completed and shared, so a wait on a set event allocates nothing.
    private readonly Future _completed;

    private bool _isSet;

    /// <summary>Creates a clear event on <paramref name="loop"/>.</summary>
    /// <param name="loop">The loop whose coroutines use the event.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> is null.</exception>
    public CoEvent(EventLoop loop)
    {
        _loop = loop ?? throw new ArgumentNullException(nameof(loop));
        loop.ThrowIfClosed();
        _completed = new Future(loop);
        _completed.TryComplete(FutureState.Succeeded, null);
    }

    /// <summary>Gets whether the event is set.</summary>
    public bool IsSet => _isSet;

    /// <summary>Sets the event and wakes every waiter (they resume in the next tick, in the order they began
    /// waiting). Setting a set event does nothing.</summary>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void Set()
    {
        _loop.CheckAccess();
        if (_isSet)
        {
            return;
        }

        _isSet = true;
        Future? next;
        while ((next = _waiters.DequeueLive()) is not null)
        {
            next.TryComplete(FutureState.Succeeded, null);
        }
    }

    /// <summary>Clears the event: later waits park until the next <see cref="Set"/>.</summary>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void Clear()
    {
        _loop.CheckAccess();
        _isSet = false;
    }

    /// <summary>Waits for the event. Yield the returned future.</summary>
    /// <returns>A future that is already complete when the event is set, and otherwise completes at the next
    /// <see cref="Set"/>.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Future Wait()
    {
        _loop.CheckAccess();
        if (_isSet)
        {
            return _completed;
        }

        var wait = new EventWait(_loop);
        _waiters.Enqueue(wait);
        return wait;
    }

    /// <summary>Describes the event: set or clear, and how many wait.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() => $"CoEvent ({(_isSet ? "set" : "clear")}, {_waiters.Sweep()} waiting)";

    /// <summary>One wait on the event; its own type only so a waiting task describes itself as "waiting on event".</summary>
    private sealed class EventWait : Future
    {
        internal EventWait(EventLoop loop)
            : base(loop)
        {
        }

        internal override string Describe() => "event";
    }
}
