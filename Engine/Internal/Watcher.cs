namespace YieldLoop.Internal;

/// <summary>
/// An engine object that waits on futures and reacts the moment one completes, without the tick of delay that a
/// completion callback or a parked task has (a shield, and the combinators built on it).
/// </summary>
/// <remarks>
/// A watcher sits in a future's waiter slot like a parked task, so futures need one waking mechanism. Instead of
/// being queued, it is notified synchronously from <see cref="Future.TryComplete"/>: <see cref="OnCompleted"/> must
/// therefore run engine code only (never user code: R4), and may complete other futures; the loop drains such chains
/// iteratively. One watcher may wait on several futures; each notification names the one that completed.
/// </remarks>
internal abstract class Watcher : LoopNode
{
    protected Watcher(EventLoop loop)
        : base(loop, "watcher", StateBits.KindWatcher)
    {
    }

    internal override string Describe() => "watcher";

    /// <summary>
    /// Gets whether this watcher, parked on a future that faults, counts as observing the failure (R23). True for the
    /// combinators, which hand the failure on. A passive watcher (one that only reacts to completion, such as a
    /// <c>CancelWhen</c> registration or a task's cancellation token) returns false, so a failure nobody else waits
    /// for is still reported.
    /// </summary>
    internal virtual bool ObservesFailure => true;

    /// <summary>Called once for each watched future when it completes.</summary>
    internal abstract void OnCompleted(Future future);

    /// <summary>
    /// Called in the tick in which the watcher's timer (<see cref="EventLoop.StartTimer"/>) came due, as ready work in
    /// FIFO order with the rest. Engine code only: it must not run user code.
    /// </summary>
    internal virtual void OnTimer()
    {
    }
}

/// <summary>A watcher notification waiting to be delivered.</summary>
internal readonly struct Notification
{
    internal Notification(Watcher watcher, Future future)
    {
        Watcher = watcher;
        Future = future;
    }

    internal Watcher Watcher { get; }

    internal Future Future { get; }
}

/// <summary>Completes a shield like its inner future (see <see cref="Co.Shield"/>).</summary>
internal sealed class ShieldWatcher : Watcher
{
    private readonly Future _shield;

    internal ShieldWatcher(Future shield)
        : base(shield._loop)
    {
        _shield = shield;
    }

    /// <summary>The shield future this watcher completes (for the wait-for graph of diagnostics).</summary>
    internal Future Shield => _shield;

    internal override void OnCompleted(Future inner)
    {
        switch (inner.State)
        {
            case FutureState.Succeeded:
                _shield.TryComplete(FutureState.Succeeded, null);
                break;
            case FutureState.Faulted:
                System.Exception failure = inner.GetExceptionForRethrow();
                if (!_shield.TryComplete(FutureState.Faulted, failure))
                {
                    // The shield was cancelled, so nobody waits for the inner work any more: its failure would
                    // otherwise vanish (R23). A fresh faulted future with no waiter puts it on the loop's watch list,
                    // so it is reported at the end of the tick like any other unobserved failure (never inline, R4).
                    new Future(inner._loop).TryComplete(FutureState.Faulted, failure);
                }

                break;
            default:
                _shield.TryComplete(FutureState.Cancelled, Future.CancelledMarker);
                break;
        }
    }
}
