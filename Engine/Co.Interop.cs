using System;
using System.Threading;
using System.Threading.Tasks;

namespace YieldLoop;

/// <summary>Offloading CPU work to the thread pool, and waiting on .NET tasks (R52).</summary>
public static partial class Co
{
    // ---- Offload (R52) ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Runs <paramref name="work"/> on the .NET thread pool and returns a future that completes, on the loop thread, when
    /// it returns: <c>yield return Co.Offload(() => Compress(data));</c>. The loop keeps running other work meanwhile.
    /// </summary>
    /// <param name="work">The work; it must not touch the loop (it runs on another thread).</param>
    /// <returns>A future of the current loop; it faults with the exception <paramref name="work"/> threw (the same
    /// object).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside a step or callback of a loop (there is no
    /// <see cref="EventLoop.Current"/>).</exception>
    /// <remarks>See <see cref="Offload{T}(Func{CancellationToken, T}, TaskScheduler)"/> for the full rules.</remarks>
    public static Future Offload(Action work)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        return OffloadWork<NoResult>.Start(CurrentLoop(nameof(Offload)), _ => { work(); return default; }, TaskScheduler.Default);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the .NET thread pool with a token that fires when the returned future is
    /// cancelled (for example because the waiting task was cancelled, R31).
    /// </summary>
    /// <param name="work">The work; it should return soon after its token fires.</param>
    /// <returns>A future of the current loop.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside a step or callback of a loop.</exception>
    /// <remarks>See <see cref="Offload{T}(Func{CancellationToken, T}, TaskScheduler)"/> for the full rules.</remarks>
    public static Future Offload(Action<CancellationToken> work) => Offload(work, TaskScheduler.Default);

    /// <summary>Runs <paramref name="work"/> on <paramref name="scheduler"/> with a cancellation token (see
    /// <see cref="Offload{T}(Func{CancellationToken, T}, TaskScheduler)"/>).</summary>
    /// <param name="work">The work.</param>
    /// <param name="scheduler">Where the work runs (for example a scheduler that limits concurrency).</param>
    /// <returns>A future of the current loop.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> or <paramref name="scheduler"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside a step or callback of a loop.</exception>
    public static Future Offload(Action<CancellationToken> work, TaskScheduler scheduler)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        if (scheduler is null)
        {
            throw new ArgumentNullException(nameof(scheduler));
        }

        return OffloadWork<NoResult>.Start(CurrentLoop(nameof(Offload)), token => { work(token); return default; }, scheduler);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the .NET thread pool and returns a future of its result, completed on the loop
    /// thread: <c>var hash = Co.Offload(() => Hash(file)); yield return hash; Use(hash.Result);</c>.
    /// </summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="work">The work; it must not touch the loop (it runs on another thread).</param>
    /// <returns>A future of the current loop.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside a step or callback of a loop.</exception>
    /// <remarks>See <see cref="Offload{T}(Func{CancellationToken, T}, TaskScheduler)"/> for the full rules.</remarks>
    public static Future<T> Offload<T>(Func<T> work)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        return OffloadWork<T>.Start(CurrentLoop(nameof(Offload)), _ => work(), TaskScheduler.Default);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the .NET thread pool with a token that fires when the returned future is
    /// cancelled, and returns a future of its result.
    /// </summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="work">The work; it should return soon after its token fires.</param>
    /// <returns>A future of the current loop.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside a step or callback of a loop.</exception>
    /// <remarks>See <see cref="Offload{T}(Func{CancellationToken, T}, TaskScheduler)"/> for the full rules.</remarks>
    public static Future<T> Offload<T>(Func<CancellationToken, T> work) => Offload(work, TaskScheduler.Default);

    /// <summary>
    /// Runs <paramref name="work"/> on <paramref name="scheduler"/> with a token that fires when the returned future is
    /// cancelled, and returns a future of its result, completed on the loop thread (R52).
    /// </summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="work">The work; it must not touch the loop, and should return soon after its token fires.</param>
    /// <param name="scheduler">Where the work runs; <see cref="TaskScheduler.Default"/> is the thread pool.</param>
    /// <returns>A future of the current loop.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> or <paramref name="scheduler"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside a step or callback of a loop.</exception>
    /// <remarks>
    /// <para><b>Outcome.</b> The work starts at once. When it returns, its result is handed to the loop through the
    /// inbox (R51) and the future completes on the loop thread; a coroutine that yielded the future resumes in the tick
    /// after that. If the work throws, the future faults with that exception object, and so does the waiting coroutine
    /// (R22), an <see cref="OperationCanceledException"/> included.</para>
    /// <para><b>Cancellation.</b> Cancelling the future (by hand, by <see cref="Timeout(Future, Duration)"/>, or by
    /// cancelling the task that waits on it, R31) completes it as cancelled at once and then cancels the work's token,
    /// from the thread pool. The work is not interrupted: it stops when it looks at its token. What it returns later is
    /// dropped; a failure other than a cancellation goes to <see cref="EventLoop.UnhandledExceptionHandler"/>. If the
    /// token fires before the scheduler started the work, the work never runs. <see cref="EventLoop.Close"/> cancels
    /// the token of work still running.</para>
    /// <para><b>After Close.</b> Work that ends once <see cref="EventLoop.Close"/> has begun has no loop left to take
    /// its outcome: a result is dropped, and a failure other than a cancellation goes to
    /// <see cref="EventLoop.UnhandledExceptionHandler"/> on the thread where the work ended (the scheduler's thread),
    /// never dropped (R23).</para>
    /// <para><b>No home-made pool.</b> The work runs as a <see cref="Task"/> on <paramref name="scheduler"/>, so the
    /// .NET thread pool (or the user's scheduler) decides the threads.</para>
    /// </remarks>
    public static Future<T> Offload<T>(Func<CancellationToken, T> work, TaskScheduler scheduler)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        if (scheduler is null)
        {
            throw new ArgumentNullException(nameof(scheduler));
        }

        return OffloadWork<T>.Start(CurrentLoop(nameof(Offload)), work, scheduler);
    }

    // ---- Task interop -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Returns a future of the current loop that completes like <paramref name="task"/>, for a coroutine to wait on:
    /// <c>yield return Co.Await(stream.FlushAsync());</c>. This is also the conversion from <see cref="Task"/> to
    /// <see cref="Future"/> (the other way is <see cref="FutureInteropExtensions.AsTask(Future)"/>).
    /// </summary>
    /// <param name="task">The task.</param>
    /// <returns>A future completed on the loop thread: succeeded; faulted with the task's single inner exception (the
    /// same object; a task with several keeps its <see cref="AggregateException"/>); or cancelled when the task was
    /// cancelled (the waiting coroutine is then cancelled too, R22). A task already complete gives a completed future,
    /// so the coroutine goes on in the same step (R19).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside a step or callback of a loop.</exception>
    /// <remarks>The task's continuation runs where the task completes (or on the thread pool), never on a captured
    /// context, and hands the outcome to the loop through the inbox (at once if it completes on the loop thread).
    /// Cancelling the future does not cancel the task (nothing can); use <see cref="Await(Func{CancellationToken, Task})"/>
    /// to start work that should stop with the coroutine. A failure of the task after the future was cancelled goes to
    /// <see cref="EventLoop.UnhandledExceptionHandler"/> unless it is a cancellation. So does a failure that arrives
    /// after <see cref="EventLoop.Close"/> began (or while it runs): the handler is then called on the thread where the
    /// task ended.</remarks>
    public static Future Await(Task task)
    {
        if (task is null)
        {
            throw new ArgumentNullException(nameof(task));
        }

        return TaskRelay<NoResult>.Start(CurrentLoop(nameof(Await)), task, null);
    }

    /// <summary>Returns a future that completes like <paramref name="task"/>, with its result (see <see cref="Await(Task)"/>).</summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="task">The task.</param>
    /// <returns>A future of the current loop.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside a step or callback of a loop.</exception>
    public static Future<T> Await<T>(Task<T> task)
    {
        if (task is null)
        {
            throw new ArgumentNullException(nameof(task));
        }

        return TaskRelay<T>.Start(CurrentLoop(nameof(Await)), task, null);
    }

    /// <summary>Returns a future that completes like <paramref name="task"/> (see <see cref="Await(Task)"/>).</summary>
    /// <param name="task">The value task; it is consumed (await a value task once).</param>
    /// <returns>A future of the current loop.</returns>
    /// <exception cref="InvalidOperationException">Called outside a step or callback of a loop.</exception>
    public static Future Await(ValueTask task)
    {
        EventLoop loop = CurrentLoop(nameof(Await));
        if (task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult();   // consumes a pooled IValueTaskSource, as an await would
            var done = new Future<NoResult>(loop);
            done.TrySetResult(default);
            return done;
        }

        return TaskRelay<NoResult>.Start(loop, task.AsTask(), null);
    }

    /// <summary>Returns a future that completes like <paramref name="task"/>, with its result (see <see cref="Await(Task)"/>).</summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="task">The value task; it is consumed (await a value task once).</param>
    /// <returns>A future of the current loop.</returns>
    /// <exception cref="InvalidOperationException">Called outside a step or callback of a loop.</exception>
    public static Future<T> Await<T>(ValueTask<T> task)
    {
        EventLoop loop = CurrentLoop(nameof(Await));
        if (task.IsCompletedSuccessfully)
        {
            var done = new Future<T>(loop);
            done.TrySetResult(task.Result);
            return done;
        }

        return TaskRelay<T>.Start(loop, task.AsTask(), null);
    }

    /// <summary>
    /// Starts async work with a token that fires when the returned future is cancelled, and returns a future that
    /// completes like it: <c>yield return Co.Await(ct => client.GetStringAsync(url, ct));</c> stops the download when the
    /// waiting coroutine is cancelled (R31).
    /// </summary>
    /// <param name="start">Starts the work; called at once, on the loop thread (its synchronous part runs there).</param>
    /// <returns>A future of the current loop (see <see cref="Await(Task)"/> for its outcome).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="start"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside a step or callback of a loop, or
    /// <paramref name="start"/> returned null.</exception>
    /// <remarks>The token is cancelled from the thread pool, after the future completed as cancelled. An exception
    /// thrown synchronously by <paramref name="start"/> propagates to the caller (it faults the calling coroutine).</remarks>
    public static Future Await(Func<CancellationToken, Task> start)
    {
        if (start is null)
        {
            throw new ArgumentNullException(nameof(start));
        }

        EventLoop loop = CurrentLoop(nameof(Await));
        var source = new CancellationTokenSource();
        Task task = start(source.Token) ?? throw NullTask();
        return TaskRelay<NoResult>.Start(loop, task, source);
    }

    /// <summary>
    /// Starts async work with a token that fires when the returned future is cancelled, and returns a future of its
    /// result (see <see cref="Await(Func{CancellationToken, Task})"/>).
    /// </summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="start">Starts the work; called at once, on the loop thread.</param>
    /// <returns>A future of the current loop.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="start"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside a step or callback of a loop, or
    /// <paramref name="start"/> returned null.</exception>
    public static Future<T> Await<T>(Func<CancellationToken, Task<T>> start)
    {
        if (start is null)
        {
            throw new ArgumentNullException(nameof(start));
        }

        EventLoop loop = CurrentLoop(nameof(Await));
        var source = new CancellationTokenSource();
        Task<T> task = start(source.Token) ?? throw NullTask();
        return TaskRelay<T>.Start(loop, task, source);
    }

    private static EventLoop CurrentLoop(string member) => EventLoop.Current ?? throw new InvalidOperationException(
        $"Co.{member} was called outside a step or callback of an event loop, so there is no loop to complete its future on. Call it from a coroutine (or a callback) running on the loop.");

    private static InvalidOperationException NullTask() => new(
        "The function passed to Co.Await returned null instead of a task. Return the task of the async work (for example 'ct => client.GetStringAsync(url, ct)').");
}
