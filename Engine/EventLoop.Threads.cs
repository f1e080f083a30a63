using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>The loop's side of .NET interop: hand-overs that complete futures, and the synchronization context.</summary>
public sealed partial class EventLoop
{
    // Interop watchers (awaiters, AsTask, CancelWhen, offloads) parked on a future of this loop. Close tells each one
    // whose future stayed pending (a plain future nobody completed), so an awaiting async method or Task ends with
    // ObjectDisposedException instead of hanging forever. Loop thread only; null until first used (no cost when unused).
    [Checkpoints.NotRewound]
    private HashSet<InteropWatcher>? _interopWatchers;

    /// <summary>
    /// Installs an <see cref="EventLoopSynchronizationContext"/> for this loop as the current
    /// <see cref="SynchronizationContext"/> of the loop's thread, so <c>async</c> methods called from coroutines,
    /// callbacks or the host continue on the loop thread, in FIFO order with the loop's other work.
    /// </summary>
    /// <returns>A handle whose <see cref="IDisposable.Dispose"/> restores the context that was current before, if this
    /// loop's context is still the current one of the calling thread (otherwise it does nothing, so it never clobbers a
    /// context someone installed later, and never touches another thread).</returns>
    /// <remarks>Install it once, on the loop's thread, before running the loop (the host owns its thread and so its
    /// context; the tick does not switch contexts). See <see cref="EventLoopSynchronizationContext"/> for where posts
    /// run.</remarks>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public IDisposable InstallSynchronizationContext()
    {
        CheckAccess();
        SynchronizationContext? previous = SynchronizationContext.Current;
        var context = new EventLoopSynchronizationContext(this);
        SynchronizationContext.SetSynchronizationContext(context);
        return new SynchronizationContextRestorer(previous, context);
    }

    /// <summary>
    /// Runs a coroutine on this loop from any thread and returns a .NET <see cref="Task{TResult}"/> of its result
    /// (asyncio's <c>run_coroutine_threadsafe</c>). The coroutine is made and started as a task on the loop thread, in
    /// the tick that takes the hand-over (R51); the returned task completes with its result, faults with its exception
    /// (the same object), or ends cancelled.
    /// </summary>
    /// <typeparam name="T">The type of the result the coroutine gives with <see cref="Co.Return{T}(T)"/>.</typeparam>
    /// <param name="coroutine">Makes the coroutine: called once, on the loop thread (<c>() =&gt; Work(args)</c>), so the
    /// iterator is created where it runs. If it throws, the returned task faults with that exception.</param>
    /// <param name="token">Cancels the run from any thread: the loop task is cancelled (its <c>finally</c> blocks run at
    /// its next turn, R30), and the returned task then ends cancelled with this token. Already cancelled: the returned
    /// task is cancelled at once and nothing is posted.</param>
    /// <returns>The .NET task. Its continuations never run inline on the loop thread
    /// (<see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>). Do not block the loop's own thread on it: the
    /// loop must tick for it to complete.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed or closing (as for <see cref="Post"/>).</exception>
    /// <remarks>A run accepted before <see cref="Close"/> is not lost: Close runs the hand-over, then cancels the task
    /// it started, so the returned task ends cancelled (R36, R51).</remarks>
    public Task<T> RunCoroutineThreadsafeAsync<T>(Func<IEnumerator<IAwaitable>> coroutine, CancellationToken token = default) =>
        ThreadsafeRun<T>.Post(this, coroutine ?? throw new ArgumentNullException(nameof(coroutine)), typed: true, token);

    /// <summary>
    /// Runs a coroutine on this loop from any thread and returns a .NET <see cref="Task"/> that completes when it ends
    /// (asyncio's <c>run_coroutine_threadsafe</c>); see
    /// <see cref="RunCoroutineThreadsafeAsync{T}(Func{IEnumerator{IAwaitable}}, CancellationToken)"/>.
    /// </summary>
    /// <param name="coroutine">Makes the coroutine: called once, on the loop thread.</param>
    /// <param name="token">Cancels the run from any thread (the loop task, then the returned task).</param>
    /// <returns>The .NET task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed or closing.</exception>
    public Task RunCoroutineThreadsafeAsync(Func<IEnumerator<IAwaitable>> coroutine, CancellationToken token = default) =>
        ThreadsafeRun<NoResult>.Post(this, coroutine ?? throw new ArgumentNullException(nameof(coroutine)), typed: false, token);

    /// <summary>Gets the managed id of the loop's thread (for messages of the interop types).</summary>
    internal int OwnerThreadId => _threadId;

    /// <summary>Whether the calling thread may run engine code on this loop now: the loop thread, loop not closing.</summary>
    internal bool CanRunHereNow => Environment.CurrentManagedThreadId == _threadId && !_closing && !_closed;

    /// <summary>
    /// Hands <paramref name="apply"/> to the loop from any thread, as a completion: it runs in the next tick in posting
    /// order like <see cref="Post"/>, and if <see cref="Close"/> comes first, Close runs it before it cancels the
    /// pending tasks instead of cancelling it (R51: a completion accepted is never lost).
    /// </summary>
    /// <param name="apply">Engine code only: completes a future, never calls user code.</param>
    /// <returns>False when the loop is closing or closed (nothing was queued).</returns>
    internal bool TryPostHandOver(Action apply)
    {
        var handle = new CallbackHandle(this, apply);
        handle._state |= StateBits.HandOver;
        return TryPostHandle(handle);
    }

    /// <summary>
    /// Runs <paramref name="apply"/> (engine code that completes a future) at once when called on the loop thread of an
    /// open loop, else hands it over with <see cref="TryPostHandOver"/>.
    /// </summary>
    /// <returns>False when the loop is closing or closed and it did not run.</returns>
    internal bool CompleteFromAnyThread(Action apply)
    {
        if (CanRunHereNow)
        {
            apply();
            return true;
        }

        return TryPostHandOver(apply);
    }

    internal void TrackInteropWatcher(InteropWatcher watcher)
    {
        if ((_interopWatchers ??= new HashSet<InteropWatcher>(ReferenceComparer.Instance)).Add(watcher) && watcher.WakesLoop)
        {
            ExternalWorkStarted();
        }
    }

    internal void ForgetInteropWatcher(InteropWatcher watcher)
    {
        if (_interopWatchers is not null && _interopWatchers.Remove(watcher) && watcher.WakesLoop)
        {
            ExternalWorkEnded();
        }
    }

    /// <summary>
    /// Close, after every task was cancelled: interop watchers whose future is still pending (a plain future that
    /// nobody completed) are told the loop closed, so awaiting async code ends with ObjectDisposedException.
    /// </summary>
    private void ReleaseInteropWatchersOnClose()
    {
        if (_interopWatchers is null || _interopWatchers.Count == 0)
        {
            return;
        }

        var left = new List<InteropWatcher>(_interopWatchers);
        _interopWatchers.Clear();
        foreach (InteropWatcher watcher in left)
        {
            watcher.OnLoopClosed();
        }
    }
}
