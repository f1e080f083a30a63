using System;

namespace YieldLoop;

/// <summary>Thread-safe completion (R51): complete the future from any thread, marshalled to the loop thread.</summary>
/// <remarks>
/// <para><b>Model.</b> A <c>Post*</c> call hands the completion to the loop through its inbox, like
/// <see cref="EventLoop.Post"/>: it is applied on the loop thread in the next tick, in posting order with the other
/// hand-overs of the same thread, and the future's waiters resume in the tick after that (R17). Applying it is engine
/// code (it runs no user code), and first completion wins (R14): a result or a cancellation that arrives when the
/// future is already complete (set on the loop, cancelled, or an earlier post) changes nothing, which is what a race
/// between producers needs; an <i>exception</i> that arrives too late is not dropped: the loop reports it to its
/// <see cref="EventLoop.UnhandledExceptionHandler"/> at the end of the tick that applied it (R51). Of two racing
/// exceptions, the first wins and the second is reported.</para>
/// <para><b>Races with the loop.</b> The inbox lock orders every post against <see cref="EventLoop.Close"/>: a post
/// accepted before Close began is applied by Close itself, before it cancels the pending tasks, so the future keeps
/// that outcome (readable after Close, R36); a post after that is refused: the <c>TryPost*</c> forms return
/// <see langword="false"/>, the others throw <see cref="ObjectDisposedException"/>. <see cref="EventLoop.Stop"/> and
/// ticks never drop a post.</para>
/// <para><b>Rejected.</b> Completing directly from another thread under a lock (the loop mutates futures without locks
/// on the hot path, so every future would pay for it); a lock-free completion flag plus a loop-side scan (a cost per
/// tick for everyone); and returning from <c>TryPost*</c> whether the completion "won" (unknowable until the loop
/// applies it; a caller that needs to know can post a callback that calls <c>TrySetResult</c> and reads its result).</para>
/// </remarks>
public sealed partial class FutureSource
{
    /// <summary>Completes the future successfully, from any thread (see the remarks on thread-safe completion).</summary>
    /// <exception cref="ObjectDisposedException">The loop is closed or closing; the completion was not accepted.</exception>
    public void PostResult() => ThrowIfRefused(TryPostResult());

    /// <summary>Completes the future successfully, from any thread, unless the loop is closed.</summary>
    /// <returns><see langword="true"/> if the completion was accepted (it is applied on the loop thread, unless the future
    /// is complete by then); <see langword="false"/> if the loop is closed or closing.</returns>
    public bool TryPostResult() => Future._loop.TryPostHandOver(() => Future.TryComplete(FutureState.Succeeded, null));

    /// <summary>Completes the future with an exception, from any thread.</summary>
    /// <param name="exception">The failure that waiters will see (the same object).</param>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed or closing; the completion was not accepted.</exception>
    public void PostException(Exception exception) => ThrowIfRefused(TryPostException(exception));

    /// <summary>Completes the future with an exception, from any thread, unless the loop is closed.</summary>
    /// <param name="exception">The failure that waiters will see (the same object).</param>
    /// <returns><see langword="true"/> if the completion was accepted (it is applied on the loop thread; if the future is
    /// complete by then, the exception is reported to the loop's handler instead); <see langword="false"/> if the loop
    /// is closed or closing.</returns>
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
    public bool TryPostCanceled() => Future._loop.TryPostHandOver(() => Future.TryComplete(FutureState.Cancelled, Future.CancelledMarker));

    private void ThrowIfRefused(bool accepted)
    {
        if (!accepted)
        {
            throw new ObjectDisposedException(nameof(EventLoop), Future._loop.ClosedMessage());
        }
    }
}
