using System;

namespace YieldLoop;

/// <summary>
/// The write side of a result-less <see cref="YieldLoop.Future"/>: whoever holds the source completes the future;
/// whoever holds only the future can wait for it but not complete it.
/// </summary>
/// <remarks>
/// A future completes once (R14): the throwing forms throw <see cref="InvalidOperationException"/> on a second
/// completion, the <c>Try</c> forms return <see langword="false"/>, and the first outcome stays. Completing never
/// runs waiters inline: they resume on the loop in the next tick (R4, R17). Complete from the loop's thread; from
/// another thread, hand the completion over with <see cref="EventLoop.Post"/>.
/// </remarks>
public sealed partial class FutureSource
{
    /// <summary>Creates a source and its pending future on <paramref name="loop"/>.</summary>
    /// <param name="loop">The loop the future belongs to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> is null.</exception>
    public FutureSource(EventLoop loop)
    {
        if (loop is null)
        {
            throw new ArgumentNullException(nameof(loop));
        }

        loop.ThrowIfClosed();
        Future = new Future(loop);
        if (loop.IsDebugMode)
        {
            _abandoned = new Internal.AbandonedSource(Future, loop.DescribeCreator());
        }
    }

    // Debug mode only: collected with this source, it fails the future's waiters if the source is dropped while they wait.
    private readonly Internal.AbandonedSource? _abandoned;

    /// <summary>Gets the future this source completes.</summary>
    public Future Future { get; }

    /// <summary>Completes the future successfully.</summary>
    /// <exception cref="InvalidOperationException">The future is already completed, or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void SetResult() => Sources.ThrowIfFailed(TrySetResult(), Future);

    /// <summary>Completes the future successfully unless it is already completed.</summary>
    /// <returns><see langword="true"/> if this call completed it; <see langword="false"/> if it was already completed or the loop is closed.</returns>
    /// <exception cref="InvalidOperationException">The call is made from another thread.</exception>
    public bool TrySetResult() => Sources.CanComplete(Future) && Future.TryComplete(FutureState.Succeeded, null);

    /// <summary>Completes the future with an exception.</summary>
    /// <param name="exception">The failure that waiters will see (the same object).</param>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The future is already completed, or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void SetException(Exception exception) => Sources.ThrowIfFailed(TrySetException(exception), Future);

    /// <summary>Completes the future with an exception unless it is already completed.</summary>
    /// <param name="exception">The failure that waiters will see (the same object).</param>
    /// <returns><see langword="true"/> if this call completed it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The call is made from another thread.</exception>
    public bool TrySetException(Exception exception)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        return Sources.CanComplete(Future) && Future.TryComplete(FutureState.Faulted, exception);
    }

    /// <summary>Completes the future as cancelled.</summary>
    /// <exception cref="InvalidOperationException">The future is already completed, or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void SetCanceled() => Sources.ThrowIfFailed(TrySetCanceled(), Future);

    /// <summary>Completes the future as cancelled unless it is already completed.</summary>
    /// <returns><see langword="true"/> if this call completed it.</returns>
    /// <exception cref="InvalidOperationException">The call is made from another thread.</exception>
    public bool TrySetCanceled() => Sources.CanComplete(Future) && Future.TryComplete(FutureState.Cancelled, Future.CancelledMarker);
}

/// <summary>Checks shared by <see cref="FutureSource"/> and <see cref="FutureSource{T}"/> (cold paths kept out of line).</summary>
internal static class Sources
{
    internal static bool CanComplete(Future future)
    {
        future._loop.CheckThread();
        return !future._loop.IsClosed;
    }

    internal static void ThrowIfFailed(bool completed, Future future)
    {
        if (completed)
        {
            return;
        }

        if (future._loop.IsClosed)
        {
            throw new ObjectDisposedException(nameof(EventLoop), future._loop.ClosedMessage());
        }

        throw new InvalidOperationException(
            $"The future is already completed ({future.State}); a future completes once. Use the Try form to ignore a late completion.");
    }
}
