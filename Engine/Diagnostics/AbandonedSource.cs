using System;

namespace YieldLoop.Internal;

/// <summary>
/// Debug mode's guard against a future that can never complete because its write side is gone: a
/// <see cref="FutureSource"/> created in debug mode owns one of these, and nothing else refers to it. When the source is
/// garbage-collected with its future still pending, this object is collected with it, and its finalizer hands the loop
/// a completion that fails the future's waiters with an error naming the future, instead of leaving them parked forever.
/// </summary>
/// <remarks>
/// Only in debug mode: a finalizable object makes an allocation several times slower, which the hot paths must not pay
/// (W3 allocates a future per hand-off). A future nobody waits on is left alone (nothing hangs on it). The finalizer runs
/// engine code only and reaches the loop through the thread-safe hand-over; on a closed loop it does nothing.
/// </remarks>
internal sealed class AbandonedSource
{
    private readonly Future _future;
    private readonly string _createdBy;

    internal AbandonedSource(Future future, string createdBy)
    {
        _future = future;
        _createdBy = createdBy;
    }

    ~AbandonedSource()
    {
        if (_future.IsCompleted)
        {
            return;
        }

        Future future = _future;
        string createdBy = _createdBy;
        future._loop.TryPostHandOver(() =>
        {
            if (!future.IsCompleted && future._slot is not null)
            {
                future.TryComplete(FutureState.Faulted, new InvalidOperationException(
                    $"The {future.Describe()} can never complete: its FutureSource (created {createdBy}) was garbage-collected " +
                    "while the future was pending and awaited. Keep the source until you complete it, or complete it " +
                    "(SetResult, SetException, SetCanceled) before dropping it."));
            }
        });
    }
}
