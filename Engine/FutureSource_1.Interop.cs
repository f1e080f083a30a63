using System;

namespace YieldLoop;

/// <summary>Thread-safe completion (R51); the rules are those of <see cref="FutureSource"/>'s <c>Post*</c> members.</summary>
public sealed partial class FutureSource<T>
{
    /// <summary>Completes the future with <paramref name="result"/>, from any thread (see <see cref="FutureSource.PostResult"/>).</summary>
    /// <param name="result">The result.</param>
    /// <exception cref="ObjectDisposedException">The loop is closed or closing; the completion was not accepted.</exception>
    public void PostResult(T result) => ThrowIfRefused(TryPostResult(result));

    /// <summary>Completes the future with <paramref name="result"/>, from any thread, unless the loop is closed.</summary>
    /// <param name="result">The result.</param>
    /// <returns><see langword="true"/> if the completion was accepted (it is applied on the loop thread, unless the future
    /// is complete by then); <see langword="false"/> if the loop is closed or closing.</returns>
    public bool TryPostResult(T result) => Future._loop.TryPostHandOver(() => Future.TrySetResult(result));

    /// <summary>Completes the future with an exception, from any thread.</summary>
    /// <param name="exception">The failure that waiters will see (the same object).</param>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed or closing; the completion was not accepted.</exception>
    public void PostException(Exception exception) => ThrowIfRefused(TryPostException(exception));

    /// <summary>Completes the future with an exception, from any thread, unless the loop is closed.</summary>
    /// <param name="exception">The failure that waiters will see (the same object).</param>
    /// <returns><see langword="true"/> if the completion was accepted; <see langword="false"/> if the loop is closed or closing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public bool TryPostException(Exception exception)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        return Future._loop.TryPostHandOver(() => Outcome.FaultOrReport(Future, exception));
    }

    /// <summary>Completes the future as cancelled, from any thread.</summary>
    /// <exception cref="ObjectDisposedException">The loop is closed or closing; the completion was not accepted.</exception>
    public void PostCanceled() => ThrowIfRefused(TryPostCanceled());

    /// <summary>Completes the future as cancelled, from any thread, unless the loop is closed.</summary>
    /// <returns><see langword="true"/> if the completion was accepted; <see langword="false"/> if the loop is closed or closing.</returns>
    public bool TryPostCanceled() =>
        Future._loop.TryPostHandOver(() => Future.TryComplete(FutureState.Cancelled, YieldLoop.Future.CancelledMarker));

    private void ThrowIfRefused(bool accepted)
    {
        if (!accepted)
        {
            throw new ObjectDisposedException(nameof(EventLoop), Future._loop.ClosedMessage());
        }
    }
}
