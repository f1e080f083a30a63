using System;
using System.Threading;
using System.Threading.Tasks;

namespace YieldLoop;

/// <summary>
/// Bridges between YieldLoop futures and .NET's <see cref="Task"/>, <c>async</c>/<c>await</c> and
/// <see cref="CancellationToken"/>: convert a future to a task (<c>async</c> code awaits a future with
/// <c>await future.AsTask()</c>), cancel it with a token, or get a token that fires when it is cancelled. The other
/// direction (a coroutine waiting on a <see cref="Task"/>) is <see cref="Co.Await(Task)"/>. Futures have no
/// <c>GetAwaiter</c> on purpose (docs/design.md, "Public API decisions"): with one, every plain
/// <c>loop.Start(...);</c> in an <c>async</c> method would raise warning CS4014.
/// </summary>
/// <remarks>
/// Nothing here runs .NET code inline inside a completion on the loop thread (R4): continuations, task completions and
/// token callbacks are queued (a captured context, the thread pool, or the loop's next tick).
/// </remarks>
public static class FutureInteropExtensions
{
    /// <summary>
    /// Returns a <see cref="Task"/> that completes like <paramref name="future"/>: succeeded, faulted with the same
    /// exception object, or cancelled (awaiting it then throws <see cref="TaskCanceledException"/>). Safe from any thread.
    /// </summary>
    /// <param name="future">The future or loop task.</param>
    /// <returns>The task. Its continuations never run inline on the loop thread: it is created with
    /// <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>. If the loop is closed while the future is
    /// pending (a plain future nobody completed), the task faults with <see cref="ObjectDisposedException"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    /// <remarks>The task takes over the failure: a future that faults counts as observed (R23) when the task was asked
    /// for before the fault, as with any waiter.</remarks>
    public static Task AsTask(this Future future) => TaskCompletionWatcher<NoResult>.Start(future ?? throw new ArgumentNullException(nameof(future)));

    /// <summary>Returns a <see cref="Task{TResult}"/> that completes like <paramref name="future"/> (see <see cref="AsTask(Future)"/>).</summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="future">The future.</param>
    /// <returns>The task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    public static Task<T> AsTask<T>(this Future<T> future) => TaskCompletionWatcher<T>.Start(future ?? throw new ArgumentNullException(nameof(future)));

    /// <summary>
    /// Cancels <paramref name="future"/> (a task: at its next turn, R30) when <paramref name="token"/> fires. The token's
    /// callback hands the cancel to the loop thread through the inbox (or cancels at once when the token fires on the
    /// loop thread); the registration is removed when the future completes, so a long-lived token does not collect
    /// registrations.
    /// </summary>
    /// <typeparam name="TFuture">The type of the future, returned as is for chaining:
    /// <c>var task = loop.Start(Work()).CancelWhen(token);</c>.</typeparam>
    /// <param name="future">The future or task to cancel.</param>
    /// <param name="token">The token. If it has already fired, the future is cancelled now (a task started in this
    /// tick then never runs its body, R32).</param>
    /// <returns><paramref name="future"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static TFuture CancelWhen<TFuture>(this TFuture future, CancellationToken token)
        where TFuture : Future
    {
        if (future is null)
        {
            throw new ArgumentNullException(nameof(future));
        }

        future._loop.CheckAccess();
        if (!token.CanBeCanceled || future.IsCompleted)
        {
            return future;
        }

        if (token.IsCancellationRequested)
        {
            future._loop.RequestCancel(future);
            return future;
        }

        CancelWhenWatcher.Start(future, token);
        return future;
    }

    /// <summary>
    /// Gets a token that fires when <paramref name="future"/> (typically a <see cref="LoopTask"/>) completes as
    /// cancelled, for handing to <c>async</c> .NET APIs that the task starts: <c>yield return
    /// Co.Await(client.GetAsync(url, task.GetCancellationToken()));</c>.
    /// </summary>
    /// <param name="future">The future or task.</param>
    /// <returns>A token that fires when the future is cancelled (for a task: when it completes as cancelled, after its
    /// <c>finally</c> blocks ran, including when <see cref="EventLoop.Close"/> cancels it, even if the token was asked for
    /// while Close runs, from a <c>finally</c> block it runs). An already cancelled future
    /// gives a cancelled token; one that already succeeded or faulted gives <see cref="CancellationToken.None"/>; a future
    /// that ends in another way never fires its token.</returns>
    /// <remarks>Created lazily (one <see cref="CancellationTokenSource"/> per future, on first request; nothing when
    /// unused). The token is cancelled from the thread pool, never inline on the loop thread, so its callbacks (user
    /// code) never run inside the loop's work; register with <c>useSynchronizationContext: true</c> under an
    /// installed <see cref="EventLoopSynchronizationContext"/> to get back to the loop thread. Exceptions thrown by
    /// token callbacks go to <see cref="EventLoop.UnhandledExceptionHandler"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    public static CancellationToken GetCancellationToken(this Future future)
    {
        if (future is null)
        {
            throw new ArgumentNullException(nameof(future));
        }

        future._loop.CheckThread();
        if (future.IsCancelled)
        {
            return new CancellationToken(canceled: true);
        }

        return future.IsCompleted ? CancellationToken.None : TokenWatcher.For(future).Token;
    }
}
