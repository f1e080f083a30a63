using System.Threading.Tasks;

namespace YieldLoop;

/// <summary>
/// Completes a <see cref="TaskCompletionSource{TResult}"/> like a future: the engine side of
/// <see cref="FutureInteropExtensions.AsTask(Future)"/> (<see cref="Start"/>), and of <see cref="LoopGroup.Start"/>, whose
/// task exists before the loop task does. The source must be created with
/// <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/> so nothing runs inline on the loop thread (R4).
/// </summary>
/// <typeparam name="T">The task's result type (<see cref="NoResult"/> for a plain task).</typeparam>
internal sealed class TaskCompletionWatcher<T> : InteropWatcher
{
    private readonly TaskCompletionSource<T> _source;

    internal TaskCompletionWatcher(EventLoop loop, TaskCompletionSource<T> source)
        : base(loop)
    {
        _source = source;
    }

    /// <summary>Creates the task for <paramref name="future"/>; any thread.</summary>
    internal static Task<T> Start(Future future)
    {
        var source = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        new TaskCompletionWatcher<T>(future._loop, source).Attach(future);
        if (future._loop.IsDebugMode)
        {
            future._loop.Diagnostics.NoteInteropWait(source.Task, LoopDiagnostics.DescribeFromAnyThread(future), "AsTask");
        }

        return source.Task;
    }

    // The task takes the failure over (whoever awaits it sees it), so this watcher observes it (R23).
    protected override void OnFutureCompleted(Future future)
    {
        switch (future.State)
        {
            case FutureState.Succeeded:
                _source.TrySetResult(Outcome.ResultOf<T>(future));
                break;
            case FutureState.Faulted:
                _source.TrySetException(Outcome.FailureOf(future));
                break;
            default:
                _source.TrySetCanceled();
                break;
        }
    }

    protected override void OnLoopClosedPending(Future future) => _source.TrySetException(Closed(future));
}
