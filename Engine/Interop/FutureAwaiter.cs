using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace YieldLoop;

/// <summary>
/// Lets <c>async</c> code <c>await</c> a <see cref="Future"/> or <see cref="LoopTask"/> (from
/// <see cref="Async.FutureAwaitExtensions.GetAwaiter(Future)"/>); not used directly.
/// </summary>
/// <remarks>
/// <para><b>Where the continuation runs.</b> Never inline on the loop thread inside the completion: it is queued to the
/// <see cref="SynchronizationContext"/> current when the <c>await</c> began (with the loop's
/// <see cref="EventLoopSynchronizationContext"/> installed, that is the loop thread, in a later tick, FIFO with the
/// loop's other work), else to the current non-default <see cref="System.Threading.Tasks.TaskScheduler"/>, else to the
/// thread pool.</para>
/// <para><b>Outcome.</b> The same as <c>yield return future</c>: the result; the future's own exception (the same
/// object) when it faulted; <see cref="OperationCanceledException"/> when it was cancelled. If the loop is closed
/// while the future is pending (a plain future nobody completed), the await ends with
/// <see cref="ObjectDisposedException"/> instead of hanging.</para>
/// <para><b>Threads.</b> Any thread may await. Off the loop thread the registration is handed to the loop through the
/// inbox, and reading the outcome does not mark a failure observed (only the loop thread may change a future); a
/// failure nobody else waited for may then also reach the loop's unhandled-exception handler.</para>
/// </remarks>
public readonly struct FutureAwaiter : ICriticalNotifyCompletion
{
    private readonly Future _future;

    internal FutureAwaiter(Future future)
    {
        _future = future;
    }

    /// <summary>Gets whether the future has completed (the <c>await</c> then continues synchronously).</summary>
    public bool IsCompleted => (Volatile.Read(ref _future._state) & Internal.StateBits.StateMask) != 0;

    /// <summary>Ends the <c>await</c>: returns when the future succeeded, otherwise throws its outcome.</summary>
    /// <exception cref="OperationCanceledException">The future was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The loop was closed while the future was pending.</exception>
    /// <exception cref="InvalidOperationException">The future is still pending (called without awaiting).</exception>
    /// <remarks>When the future faulted, its own exception is rethrown (the same object).</remarks>
    public void GetResult() => Outcome.ThrowIfNotSucceeded(_future);

    /// <summary>Schedules the continuation to run after the future completes, flowing the execution context.</summary>
    /// <param name="continuation">The continuation (see the remarks for where it runs).</param>
    /// <exception cref="ArgumentNullException"><paramref name="continuation"/> is null.</exception>
    public void OnCompleted(Action continuation) => ContinuationWatcher.Register(_future, continuation, flowExecutionContext: true);

    /// <summary>Schedules the continuation to run after the future completes, without flowing the execution context
    /// (the <c>async</c> method builder flows it itself).</summary>
    /// <param name="continuation">The continuation (see the remarks for where it runs).</param>
    /// <exception cref="ArgumentNullException"><paramref name="continuation"/> is null.</exception>
    public void UnsafeOnCompleted(Action continuation) => ContinuationWatcher.Register(_future, continuation, flowExecutionContext: false);
}
