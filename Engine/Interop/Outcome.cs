using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// Reads a future's outcome for .NET code that may run on any thread (awaiters, <c>AsTask</c>), and maps a
/// <see cref="Task"/>'s outcome onto a future.
/// </summary>
/// <remarks>
/// On the loop thread the future's own members are used (they mark a failure observed, R23). On another thread the
/// outcome is only read, never written: the loop thread may change the future's engine flags at the same moment, so a
/// read-modify-write from here could lose one of them. Such readers come after the completion was published through a
/// queue (thread pool, inbox lock), which orders the loop's writes before these reads.
/// </remarks>
internal static class Outcome
{
    internal static void ThrowIfNotSucceeded(Future future)
    {
        int state = Volatile.Read(ref future._state) & StateBits.StateMask;
        if (state == 0)
        {
            if (future._loop.IsClosed)
            {
                throw InteropWatcher.Closed(future);
            }

            throw new InvalidOperationException(
                $"The {future.Describe()} is still pending, so it has no result yet. Await it, or check IsCompleted first.");
        }

        if (future._loop.IsLoopThread)
        {
            future.ThrowIfNotSucceeded();
            return;
        }

        switch ((FutureState)state)
        {
            case FutureState.Faulted:
                ExceptionDispatchInfo.Capture((Exception)Volatile.Read(ref future._slot)!).Throw();
                return;
            case FutureState.Cancelled:
                throw Volatile.Read(ref future._slot) as OperationCanceledException
                    ?? new OperationCanceledException($"The {future.Describe()} was cancelled.");
            default:
                return;
        }
    }

    /// <summary>The exception of a faulted future (marks it observed on the loop thread).</summary>
    internal static Exception FailureOf(Future future) =>
        future._loop.IsLoopThread ? future.GetExceptionForRethrow() : (Exception)Volatile.Read(ref future._slot)!;

    /// <summary>The result of a succeeded future: a typed future (or task) keeps it in <c>Future&lt;T&gt;._result</c>.</summary>
    internal static T ResultOf<T>(Future future) => future switch
    {
        Future<T> typed => typed._result,
        _ => default!,
    };

    /// <summary>The failure a faulted task stands for: its single inner exception (the same object), else the aggregate.</summary>
    internal static Exception Unwrap(Task task)
    {
        AggregateException aggregate = task.Exception!;
        return aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate;
    }

    /// <summary>
    /// Completes <paramref name="future"/> like the completed <paramref name="task"/> (loop thread, engine code only).
    /// A failure that arrives after the future was cancelled has nobody left to tell: it is re-raised on a fresh future
    /// with no waiter, so the loop reports it at the end of the tick (R23), unless it is itself a cancellation.
    /// </summary>
    internal static void Complete<T>(Future<T> future, Task task)
    {
        switch (task.Status)
        {
            case TaskStatus.RanToCompletion:
                future.TrySetResult(task is Task<T> typed ? typed.Result : default!);
                break;
            case TaskStatus.Canceled:
                future.TryComplete(FutureState.Cancelled, Future.CancelledMarker);
                break;
            default:
                Fault(future, Unwrap(task));
                break;
        }
    }

    /// <summary>Faults <paramref name="future"/>, or reports the failure if the future was already cancelled (a
    /// cancellation arriving late is no news and is not reported).</summary>
    internal static void Fault(Future future, Exception failure)
    {
        if (!future.TryComplete(FutureState.Faulted, failure) && failure is not OperationCanceledException)
        {
            ReportLost(future._loop, failure);
        }
    }

    /// <summary>
    /// Faults <paramref name="future"/>, or, when it is already complete, reports <paramref name="failure"/> (R51: a
    /// thread-safe completion that loses the race changes nothing, but a losing exception is never dropped).
    /// </summary>
    internal static void FaultOrReport(Future future, Exception failure)
    {
        if (!future.TryComplete(FutureState.Faulted, failure))
        {
            ReportLost(future._loop, failure);
        }
    }

    /// <summary>Reports a failure that no future can take any more: it is raised on a fresh future nobody waits on, so
    /// the loop reports it at the end of the tick (or during Close) like any unobserved failure, once (R23).</summary>
    private static void ReportLost(EventLoop loop, Exception failure) =>
        new Future(loop).TryComplete(FutureState.Faulted, failure);
}
