using System;
using System.Threading;
using System.Threading.Tasks;

namespace YieldLoop;

/// <summary>
/// The engine side of <see cref="Co.Offload{T}(Func{CancellationToken, T})"/>: runs the work on a
/// <see cref="TaskScheduler"/> (the thread pool by default), hands its outcome to the loop, and cancels the work's token
/// when the future is cancelled.
/// </summary>
/// <typeparam name="T">The result type (<see cref="NoResult"/> for an <see cref="Action"/>).</typeparam>
/// <remarks>
/// <para><b>Invariants.</b> The future is completed on the loop thread only (a hand-over from the worker; applied by
/// <see cref="EventLoop.Close"/> if Close comes first). The watcher sits in the future's own waiter slot to hear of a
/// cancellation (by hand, by a timeout, or by the R31 cascade from the waiting task); it is passive, so an offload
/// that faults with no real waiter is still reported (R23).</para>
/// <para><b>Cancellation is cooperative.</b> The future completes as cancelled at once (R16); the token is cancelled
/// from the thread pool (its callbacks are user code, never run inside the loop's work); the work goes on until it
/// looks at its token, and whatever it produces afterwards is dropped, except a failure other than a cancellation,
/// which is reported. Work not started yet when the token fires never starts (the token is the task's own).</para>
/// <para><b>After Close.</b> A failure (other than a cancellation) of work that ends once Close has begun finds the
/// hand-over refused; it is reported at once, with <see cref="EventLoop.Report"/>, on the thread where the work ended.</para>
/// </remarks>
internal sealed class OffloadWork<T> : InteropWatcher
{
    private static readonly Action<object?> s_run = static s => ((OffloadWork<T>)s!).Run();

    private readonly Func<CancellationToken, T> _work;
    private readonly CancellationTokenSource _source = new();

    private OffloadWork(EventLoop loop, Func<CancellationToken, T> work)
        : base(loop)
    {
        _work = work;
        Future = new Future<T>(loop);
    }

    internal Future<T> Future { get; }

    internal override bool WakesLoop => true;

    // Passive: the user's waiters observe a failure, not this watcher (R23).
    internal override bool ObservesFailure => false;

    /// <summary>Starts the work (loop thread, inside a step or callback).</summary>
    internal static Future<T> Start(EventLoop loop, Func<CancellationToken, T> work, TaskScheduler scheduler)
    {
        var offload = new OffloadWork<T>(loop, work);
        offload.AttachOnLoop(offload.Future);

        // The task is only a carrier: Run catches everything and reports through the loop, so the task itself never
        // faults, and nobody needs to observe it.
        _ = Task.Factory.StartNew(s_run, offload, offload._source.Token, TaskCreationOptions.DenyChildAttach, scheduler);
        return offload.Future;
    }

    protected override void OnFutureCompleted(Future future)
    {
        if (future.IsCancelled)
        {
            TokenSignal.CancelOffLoop(_source, _loop);
        }
    }

    // The loop closed with the work still running: nobody can receive its outcome, so ask it to stop.
    protected override void OnLoopClosedPending(Future future) => TokenSignal.CancelOffLoop(_source, _loop);

    /// <summary>On the scheduler's thread.</summary>
    private void Run()
    {
        T result;
        try
        {
            result = _work(_source.Token);
        }
        catch (Exception ex)
        {
            if (!_loop.CompleteFromAnyThread(() => Outcome.Fault(Future, ex)) && ex is not OperationCanceledException)
            {
                // Refused: the loop is closing or closed, so no future can take the failure any more. It is never
                // dropped (R23): the loop's handler gets it here, on the thread where the work ended.
                _loop.Report(ex);
            }

            return;
        }

        _loop.CompleteFromAnyThread(() => Future.TrySetResult(result));
    }
}
