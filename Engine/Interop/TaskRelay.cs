using System;
using System.Threading;
using System.Threading.Tasks;

namespace YieldLoop;

/// <summary>
/// The engine side of <see cref="Co.Await(Task)"/>: completes a future like a <see cref="Task"/>, on the loop thread.
/// </summary>
/// <typeparam name="T">The result type (<see cref="NoResult"/> for a plain task).</typeparam>
/// <remarks>
/// <para>The task's continuation runs wherever the task completes (or on the pool), without the caller's context,
/// and hands the outcome to the loop: at once when that is the loop thread of an open loop, else through the inbox
/// (applied by <see cref="EventLoop.Close"/> if Close comes first). A faulted task faults the future with its single
/// inner exception (the same object; an aggregate of several stays an <see cref="AggregateException"/>); a cancelled
/// task cancels it. A task that faults once Close has begun finds the hand-over refused: its failure (unless a
/// cancellation) is reported at once, with <see cref="EventLoop.Report"/>, on the thread where the task ended.</para>
/// <para>When the relay owns a token source (<see cref="Co.Await(Func{CancellationToken, Task})"/>), it also sits in
/// the future's slot as a passive watcher and cancels the token when the future is cancelled (R31 from the waiting
/// task, a timeout, by hand), from the thread pool.</para>
/// </remarks>
internal sealed class TaskRelay<T> : InteropWatcher
{
    private readonly Future<T> _future;
    private readonly Task _task;
    private readonly CancellationTokenSource? _source;

    private TaskRelay(Future<T> future, Task task, CancellationTokenSource? source)
        : base(future._loop)
    {
        _future = future;
        _task = task;
        _source = source;
    }

    internal override bool ObservesFailure => false;

    internal override bool WakesLoop => true;

    /// <summary>A future of <paramref name="loop"/> that completes like <paramref name="task"/> (loop thread).</summary>
    internal static Future<T> Start(EventLoop loop, Task task, CancellationTokenSource? source)
    {
        var future = new Future<T>(loop);
        if (task.IsCompleted)
        {
            Outcome.Complete(future, task);   // R19: yielding it goes on in the same step
            return future;
        }

        // Attached even without a token source: the loop counts it as work in flight (an auto-jumping clock waits).
        var relay = new TaskRelay<T>(future, task, source);
        relay.AttachOnLoop(future);

        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(relay.OnTaskCompleted);
        return future;
    }

    /// <summary>Any thread.</summary>
    private void OnTaskCompleted()
    {
        if (_loop.CompleteFromAnyThread(() => Outcome.Complete(_future, _task)) || !_task.IsFaulted)
        {
            return;
        }

        // Refused: the loop is closing or closed, so no future can take the failure any more. It is never dropped
        // (R23), unless it is a cancellation: the loop's handler gets it here, on the thread where the task ended.
        Exception failure = Outcome.Unwrap(_task);
        if (failure is not OperationCanceledException)
        {
            _loop.Report(failure);
        }
    }

    protected override void OnFutureCompleted(Future future)
    {
        if (future.IsCancelled && _source is not null)
        {
            TokenSignal.CancelOffLoop(_source, _loop);
        }
    }

    protected override void OnLoopClosedPending(Future future)
    {
        if (_source is not null)
        {
            TokenSignal.CancelOffLoop(_source, _loop);
        }
    }
}
