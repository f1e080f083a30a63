using System.Threading.Tasks;

namespace YieldLoop;

/// <summary>
/// The engine side of <see cref="FutureInteropExtensions.AsTask(Future)"/>: completes a task source like the future.
/// The source runs its continuations asynchronously, so completing it from inside a completion on the loop thread
/// never runs .NET code inline (R4).
/// </summary>
/// <typeparam name="T">The task's result type (<see cref="NoResult"/> for a plain task).</typeparam>
internal sealed class TaskSourceWatcher<T> : InteropWatcher
{
    private readonly TaskCompletionSource<T> _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TaskSourceWatcher(EventLoop loop)
        : base(loop)
    {
    }

    /// <summary>Creates the task for <paramref name="future"/>; any thread.</summary>
    internal static Task<T> Start(Future future)
    {
        var watcher = new TaskSourceWatcher<T>(future._loop);
        watcher.Attach(future);
        return watcher._source.Task;
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
