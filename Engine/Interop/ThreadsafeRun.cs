using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace YieldLoop;

/// <summary>
/// The engine side of <see cref="EventLoop.RunCoroutineThreadsafeAsync{T}(Func{IEnumerator{IAwaitable}}, CancellationToken)"/>
/// (asyncio's <c>run_coroutine_threadsafe</c>): posted to the loop from any thread, it makes the coroutine on the loop
/// thread, starts it as a task, and completes a .NET task like it.
/// </summary>
/// <remarks>
/// <para>The .NET task's source is created with <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>, so
/// completing it on the loop thread never runs the caller's continuation inline (R4). Whatever happens on the loop (the
/// coroutine factory throws, the loop is closing when the post runs), the .NET task completes: it is never left
/// pending.</para>
/// <para><b>Cancellation.</b> The token is linked to the loop task with <see cref="FutureInteropExtensions.CancelWhen{TFuture}"/>
/// (the cancel is handed over to the loop thread, R51, and delivered at the task's next turn, R30, so its
/// <c>finally</c> blocks run); the .NET task then ends cancelled, carrying the caller's token when it was that token
/// that fired. A token that fires before the post runs cancels without making the coroutine.</para>
/// </remarks>
/// <typeparam name="T">The result type (<see cref="NoResult"/> for an untyped run).</typeparam>
internal sealed class ThreadsafeRun<T> : InteropWatcher
{
    private readonly Func<IEnumerator<IAwaitable>> _coroutine;
    private readonly TaskCompletionSource<T> _source = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationToken _token;
    private readonly bool _typed;

    private ThreadsafeRun(EventLoop loop, Func<IEnumerator<IAwaitable>> coroutine, bool typed, CancellationToken token)
        : base(loop)
    {
        _coroutine = coroutine;
        _token = token;
        _typed = typed;
    }

    /// <summary>Posts the run to <paramref name="loop"/> (any thread) and returns its .NET task.</summary>
    internal static Task<T> Post(EventLoop loop, Func<IEnumerator<IAwaitable>> coroutine, bool typed, CancellationToken token)
    {
        var run = new ThreadsafeRun<T>(loop, coroutine, typed, token);
        if (token.IsCancellationRequested)
        {
            run._source.TrySetCanceled(token);
            return run._source.Task;
        }

        loop.Post(run.StartOnLoop);   // throws ObjectDisposedException when the loop is closed or closing
        if (loop.IsDebugMode)
        {
            loop.Diagnostics.NoteInteropWait(run._source.Task, $"the coroutine made by '{YieldLoop.Internal.Names.OfDelegate(coroutine)}'", "RunCoroutineThreadsafeAsync");
        }

        return run._source.Task;
    }

    // Loop thread: a posted callback's turn (or Close, which runs accepted posts before it cancels anything, R51).
    private void StartOnLoop()
    {
        if (_token.IsCancellationRequested)
        {
            _source.TrySetCanceled(_token);
            return;
        }

        Future task;
        try
        {
            IEnumerator<IAwaitable> coroutine = _coroutine() ?? throw new InvalidOperationException(
                "The function passed to RunCoroutineThreadsafeAsync returned null instead of a coroutine. Return a fresh iterator: '() => Work()'.");
            task = _typed ? _loop.Start<T>(coroutine) : (Future)_loop.Start(coroutine);
        }
        catch (Exception failure)
        {
            _source.TrySetException(failure);   // the factory threw, the iterator was started before, or the loop is closing
            return;
        }

        task.CancelWhen(_token);
        AttachOnLoop(task);
    }

    // The .NET task takes the failure over (whoever awaits it sees it), so this watcher observes it (R23).
    protected override void OnFutureCompleted(Future future)
    {
        switch (future.State)
        {
            case FutureState.Succeeded:
                _source.TrySetResult(_typed ? Outcome.ResultOf<T>(future) : default!);
                break;
            case FutureState.Faulted:
                _source.TrySetException(Outcome.FailureOf(future));
                break;
            default:
                if (_token.IsCancellationRequested)
                {
                    _source.TrySetCanceled(_token);
                }
                else
                {
                    _source.TrySetCanceled();
                }

                break;
        }
    }

    protected override void OnLoopClosedPending(Future future) => _source.TrySetException(Closed(future));
}
