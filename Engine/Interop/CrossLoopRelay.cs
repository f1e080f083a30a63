using System;

namespace YieldLoop;

/// <summary>
/// The engine side of <see cref="CrossLoopExtensions.On(Future, EventLoop)"/>: watches a future of one loop (on that
/// loop's thread) and hands its outcome to a future of another loop through that loop's inbox (R51).
/// </summary>
/// <typeparam name="T">The result type (<see cref="NoResult"/> for a plain future).</typeparam>
/// <remarks>
/// The relay is attached to the source future with <see cref="InteropWatcher.Attach"/> (any thread: off the source
/// loop's thread it is a hand-over). Its completion runs engine code only: it reads the outcome and posts a completion
/// of the target future to the target loop (<see cref="EventLoop.TryPostHandOver"/>), so no code of the target loop
/// ever runs on the source loop's thread. The relay observes a failure (it hands it on, R23); the target future is
/// reported on its own loop if nobody there observes it.
/// <para><b>No failure is lost</b> (R23, R51). A failure that reaches a target future already cancelled is reported on
/// the target loop (<see cref="Outcome.FaultOrReport"/>). A failure that finds the target loop closing or closed (the
/// hand-over is refused) is reported on the source loop instead (<see cref="ReportOnSource"/>). A result or a
/// cancellation in those cases has nobody left to tell and is let go.</para>
/// </remarks>
internal sealed class CrossLoopRelay<T> : InteropWatcher
{
    private readonly Future<T> _target;

    private CrossLoopRelay(Future source, Future<T> target)
        : base(source._loop)
    {
        _target = target;
    }

    /// <summary>A future of <paramref name="target"/> that completes like <paramref name="source"/>; any thread.</summary>
    internal static Future<T> Start(Future source, EventLoop target)
    {
        var future = new Future<T>(target);
        new CrossLoopRelay<T>(source, future).Attach(source);
        return future;
    }

    protected override void OnFutureCompleted(Future future)
    {
        Future<T> target = _target;
        switch (future.State)
        {
            case FutureState.Succeeded:
                T result = Outcome.ResultOf<T>(future);
                target._loop.TryPostHandOver(() => target.TrySetResult(result));
                break;
            case FutureState.Faulted:
                Exception failure = Outcome.FailureOf(future);
                if (!target._loop.TryPostHandOver(() => Outcome.FaultOrReport(target, failure)))
                {
                    ReportOnSource(failure);
                }

                break;
            default:
                target._loop.TryPostHandOver(() => target.TryComplete(FutureState.Cancelled, Future.CancelledMarker));
                break;
        }
    }

    /// <summary>
    /// The target loop refused the hand-over (it is closing or closed), so the failure is reported on the source loop.
    /// </summary>
    /// <remarks>
    /// This runs where <see cref="OnFutureCompleted"/> runs: on the source loop's thread while that loop is open or
    /// closing, where a fresh faulted future nobody waits on is reported at the end of the tick (or before Close
    /// returns), like any unobserved failure (R23); or, once the source loop is closed too, on whatever thread attached
    /// the relay (see <see cref="InteropWatcher.Attach"/>), where no tick will come: it is reported at once, on that
    /// thread.
    /// </remarks>
    private void ReportOnSource(Exception failure)
    {
        EventLoop source = _loop;
        if (source.IsLoopThread && !source.IsClosed)
        {
            new Future(source).TryComplete(FutureState.Faulted, failure);
        }
        else
        {
            source.Report(failure);
        }
    }

    protected override void OnLoopClosedPending(Future future)
    {
        Future<T> target = _target;
        ObjectDisposedException failure = Closed(future);
        target._loop.TryPostHandOver(() => target.TryComplete(FutureState.Faulted, failure));
    }
}
