using System;

namespace YieldLoop;

/// <summary>
/// The write side of a <see cref="Future{T}"/>: whoever holds the source completes the future; whoever holds
/// only the future can wait for it but not complete it.
/// </summary>
/// <typeparam name="T">The type of the result.</typeparam>
/// <remarks>The rules are those of <see cref="FutureSource"/>.</remarks>
public sealed partial class FutureSource<T>
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
        Future = new Future<T>(loop);
        if (loop.IsDebugMode)
        {
            _abandoned = new Internal.AbandonedSource(Future, loop.DescribeCreator());
        }
    }

    // Debug mode only: collected with this source, it fails the future's waiters if the source is dropped while they wait.
    private readonly Internal.AbandonedSource? _abandoned;

    /// <summary>Gets the future this source completes.</summary>
    public Future<T> Future { get; }

    /// <summary>Completes the future with <paramref name="result"/>.</summary>
    /// <param name="result">The result.</param>
    /// <exception cref="InvalidOperationException">The future is already completed, or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void SetResult(T result) => Sources.ThrowIfFailed(TrySetResult(result), Future);

    /// <summary>Completes the future with <paramref name="result"/> unless it is already completed.</summary>
    /// <param name="result">The result.</param>
    /// <returns><see langword="true"/> if this call completed it; <see langword="false"/> if it was already completed or the loop is closed.</returns>
    /// <exception cref="InvalidOperationException">The call is made from another thread.</exception>
    public bool TrySetResult(T result) => Sources.CanComplete(Future) && Future.TrySetResult(result);

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
    public bool TrySetCanceled() => Sources.CanComplete(Future) && Future.TryComplete(FutureState.Cancelled, YieldLoop.Future.CancelledMarker);
}
