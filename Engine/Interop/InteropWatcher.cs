using System;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// The engine side of one bridge between a future and the .NET world (an awaiter, <c>AsTask</c>, <c>CancelWhen</c>, a
/// task's cancellation token, an offload): an engine <see cref="Watcher"/> in the future's waiter slot, told
/// synchronously when the future completes.
/// </summary>
/// <remarks>
/// <para><b>Invariants.</b> <see cref="OnFutureCompleted"/> and <see cref="OnLoopClosed"/> run engine code only (R4):
/// they queue .NET work (thread pool, a <see cref="System.Threading.SynchronizationContext"/>, a
/// <see cref="System.Threading.Tasks.TaskCompletionSource{TResult}"/> created with <c>RunContinuationsAsynchronously</c>)
/// and never run a continuation inline. Exactly one of the two is called, once: a watcher is tracked by the loop
/// while it is parked, and <see cref="EventLoop.Close"/> releases the ones whose future stayed pending.</para>
/// <para><b>Any thread.</b> <see cref="Attach"/> may be called from any thread: off the loop thread it is handed over
/// as a completion (so <see cref="EventLoop.Close"/> applies it rather than dropping it); on a closed loop it
/// decides at once from the future's state.</para>
/// </remarks>
internal abstract class InteropWatcher : Watcher
{
    private Future? _watched;

    protected InteropWatcher(EventLoop loop)
        : base(loop)
    {
    }

    /// <summary>
    /// Gets whether the watched future is completed by work running outside the loop (an offload, a .NET task), which
    /// will wake the loop: an auto-jumping <see cref="ManualClock"/> waits for it instead of skipping time.
    /// </summary>
    internal virtual bool WakesLoop => false;

    /// <summary>The future it watches while that is pending, else null.</summary>
    internal Future? Watched => _watched;

    /// <summary>Starts watching <paramref name="future"/> (of this watcher's loop); any thread.</summary>
    internal void Attach(Future future)
    {
        EventLoop loop = future._loop;
        if (loop.CanRunHereNow)
        {
            AttachOnLoop(future);
            return;
        }

        if (!loop.TryPostHandOver(() => AttachOnLoop(future)))
        {
            // Closed (or closing on the loop thread): nothing will complete the future any more, so decide now.
            Finish(future);
        }
    }

    /// <summary>Starts watching on the loop thread (also from inside Close, for a hand-over applied there).</summary>
    internal void AttachOnLoop(Future future)
    {
        if (future.IsCompleted)
        {
            OnFutureCompleted(future);
            return;
        }

        _watched = future;
        future.AddWaiter(this);
        future._loop.TrackInteropWatcher(this);
    }

    internal sealed override void OnCompleted(Future future)
    {
        _watched = null;
        _loop.ForgetInteropWatcher(this);
        OnFutureCompleted(future);
    }

    /// <summary>Close: the watched future stayed pending and never will complete.</summary>
    internal void OnLoopClosed()
    {
        Future? future = _watched;
        _watched = null;
        if (future is not null)
        {
            Finish(future);
        }
    }

    /// <summary>The future completed (engine code only; on the loop thread, or on any thread once the loop is closed).</summary>
    protected abstract void OnFutureCompleted(Future future);

    /// <summary>The loop closed with the future still pending (engine code only, maybe off the loop thread).</summary>
    protected abstract void OnLoopClosedPending(Future future);

    private void Finish(Future future)
    {
        if (future.IsCompleted)
        {
            OnFutureCompleted(future);
        }
        else
        {
            OnLoopClosedPending(future);
        }
    }

    internal static ObjectDisposedException Closed(Future future) => new(
        nameof(EventLoop),
        $"The {future.Describe()} can never complete: its event loop '{future._loop.Name}' was closed while it was pending.");
}
