using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace YieldLoop;

/// <summary>
/// Lets <c>async</c> code <c>await</c> a <see cref="Future{T}"/> or <see cref="LoopTask{T}"/> and get its result (from
/// <see cref="Async.FutureAwaitExtensions.GetAwaiter{T}(Future{T})"/>); not used directly.
/// </summary>
/// <typeparam name="T">The type of the result.</typeparam>
/// <remarks>Where the continuation runs and what the <c>await</c> throws are described on <see cref="FutureAwaiter"/>.</remarks>
public readonly struct FutureAwaiter<T> : ICriticalNotifyCompletion
{
    private readonly Future _future;

    internal FutureAwaiter(Future future)
    {
        _future = future;
    }

    /// <summary>Gets whether the future has completed (the <c>await</c> then continues synchronously).</summary>
    public bool IsCompleted => (Volatile.Read(ref _future._state) & Internal.StateBits.StateMask) != 0;

    /// <summary>Ends the <c>await</c>: returns the result when the future succeeded, otherwise throws its outcome.</summary>
    /// <returns>The future's result.</returns>
    /// <exception cref="OperationCanceledException">The future was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The loop was closed while the future was pending.</exception>
    /// <exception cref="InvalidOperationException">The future is still pending (called without awaiting).</exception>
    /// <remarks>When the future faulted, its own exception is rethrown (the same object).</remarks>
    public T GetResult()
    {
        Outcome.ThrowIfNotSucceeded(_future);
        return Outcome.ResultOf<T>(_future);
    }

    /// <summary>Schedules the continuation to run after the future completes, flowing the execution context.</summary>
    /// <param name="continuation">The continuation (see <see cref="FutureAwaiter"/> for where it runs).</param>
    /// <exception cref="ArgumentNullException"><paramref name="continuation"/> is null.</exception>
    public void OnCompleted(Action continuation) => ContinuationWatcher.Register(_future, continuation, flowExecutionContext: true);

    /// <summary>Schedules the continuation to run after the future completes, without flowing the execution context.</summary>
    /// <param name="continuation">The continuation (see <see cref="FutureAwaiter"/> for where it runs).</param>
    /// <exception cref="ArgumentNullException"><paramref name="continuation"/> is null.</exception>
    public void UnsafeOnCompleted(Action continuation) => ContinuationWatcher.Register(_future, continuation, flowExecutionContext: false);
}
