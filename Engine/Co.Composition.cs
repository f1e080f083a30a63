using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

// Combinators (R40-R43): wait for all, settle all, wait for any, race, timeout. Each returns a future that a coroutine
// yields; see Engine/Composition for the model.
//
// Arguments. Futures and tasks of one loop (mixing loops throws ArgumentException); the
// combinator runs on that loop. Coroutine arguments are started as tasks on EventLoop.Current, so those
// overloads are called from a coroutine. The typed overloads take Future<T>, so
// Future<T>s and LoopTask<T>s mix; with a typed argument list the typed overload is
// chosen, and an empty argument list means no futures (overload priorities settle both).
//
// Latency. A combinator is completed by the child completion that decides it, in the same instant (an
// engine watcher, no callback and no polling), so a coroutine parked on it resumes one tick later, as if it had waited
// on that child directly.
//
// Failures. A combinator that waits on a child counts as observing its failure (R23); it hands the failure
// on through its own future, whose unobserved failure is reported once at the end of the tick like any other. A
// failure that a combinator cannot hand on (its future was cancelled first, or a cancellation outcome cannot carry it)
// goes to EventLoop.UnhandledExceptionHandler.
//
// Cancellation. Cancelling a combinator's future (by hand, or because a task parked on it is cancelled,
// R31) completes it as cancelled at once (R16) and cancels the children it owns (all but WhenAny's);
// their finally blocks run at their turns (R30). When a combinator cancels a child that is itself a combinator's
// future, it drains it instead: the inner one cancels its own children and completes when they have all completed, so
// "waits for their finally blocks" holds through any nesting.
public static partial class Co
{
    /// <summary>
    /// Waits for every future (R40): completes when all succeeded; on the first failure (a cancelled child counts as
    /// one) cancels the others, waits until they completed (their <c>finally</c> blocks ran), then fails with that first
    /// exception, or ends cancelled if the first failure was a cancellation.
    /// </summary>
    /// <param name="futures">The futures or tasks, of one loop. Of none, the result is already complete.</param>
    /// <returns>A future to yield. Later failures are attached to the first exception: read them with
    /// <see cref="CoroutineExceptionExtensions.GetSuppressedExceptions"/>, in the order they happened. When the outcome
    /// is a cancellation, which carries no exception, they go to <see cref="EventLoop.UnhandledExceptionHandler"/>.
    /// Cancelling the returned future cancels every child.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">The futures belong to different loops.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or with no futures
    /// outside a tick (no loop to give the result to).</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future WhenAll(params Future[] futures)
    {
        Future[] children = CheckFutures(futures, nameof(futures), allowEmpty: true);
        var result = new Future(LoopOf(children, nameof(WhenAll)));
        new AllWatcher(result, children, settle: false).Begin();
        return result;
    }

    /// <summary>
    /// Waits for every future and gives their results in argument order (R40); failures and cancellation as for
    /// <see cref="WhenAll(Future[])"/>.
    /// </summary>
    /// <typeparam name="T">The type of each result.</typeparam>
    /// <param name="futures">Typed futures or tasks (<see cref="Future{T}"/>, <see cref="LoopTask{T}"/>) of one loop.</param>
    /// <returns>A future of the results, in argument order; of no futures, an empty array at once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">The futures belong to different loops, or one is not an engine future.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or with no futures
    /// outside a tick.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<T[]> WhenAll<T>(params Future<T>[] futures)
    {
        Future[] children = CheckTyped(futures, nameof(futures), allowEmpty: true);
        var result = new Future<T[]>(LoopOf(children, nameof(WhenAll)));
        new AllWatcher<T>(result, children).Begin();
        return result;
    }

    /// <summary>
    /// Starts each coroutine as a task on the current loop and waits for all of them, as
    /// <see cref="WhenAll(Future[])"/> does.
    /// </summary>
    /// <param name="coroutines">Fresh coroutine iterators.</param>
    /// <returns>A future to yield; cancelling it cancels the tasks.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutines"/> or one of its elements is null.</exception>
    /// <exception cref="InvalidOperationException">No loop is ticking on this thread (call it from a coroutine), or an
    /// iterator was started before (R27).</exception>
    public static Future WhenAll(params IEnumerator<IAwaitable>[] coroutines) =>
        WhenAll(StartAll<object>(coroutines, nameof(WhenAll), typed: false));

    /// <summary>
    /// Starts each coroutine as a task with a result on the current loop and waits for all of them, giving their results
    /// in argument order, as <see cref="WhenAll{T}(Future{T}[])"/> does.
    /// </summary>
    /// <typeparam name="T">The type of the result each coroutine gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <param name="coroutines">Fresh coroutine iterators.</param>
    /// <returns>A future of the results, in argument order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutines"/> or one of its elements is null.</exception>
    /// <exception cref="InvalidOperationException">No loop is ticking on this thread (call it from a coroutine), or an
    /// iterator was started before (R27).</exception>
    public static Future<T[]> WhenAll<T>(params IEnumerator<IAwaitable>[] coroutines) =>
        WhenAll(Typed<T>(StartAll<T>(coroutines, nameof(WhenAll), typed: true)));

    /// <summary>
    /// Waits until every future has completed, whatever happened to each (R41); it never cancels them.
    /// </summary>
    /// <param name="futures">The futures or tasks, of one loop. Of none, the result is already complete.</param>
    /// <returns>A future that succeeds once all completed; read each outcome from the futures themselves. Their
    /// failures count as observed (R23). Cancelling the returned future cancels every child.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">The futures belong to different loops.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or with no futures
    /// outside a tick.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future SettleAll(params Future[] futures)
    {
        Future[] children = CheckFutures(futures, nameof(futures), allowEmpty: true);
        var result = new Future(LoopOf(children, nameof(SettleAll)));
        new AllWatcher(result, children, settle: true).Begin();
        return result;
    }

    /// <summary>
    /// Waits for the first future to complete, whatever its outcome, and gives its position (R42). It neither cancels
    /// nor waits for the others.
    /// </summary>
    /// <param name="futures">One or more futures or tasks, of one loop.</param>
    /// <returns>A future of the position (0-based) of the first child to complete; when several are already complete,
    /// the first of them in argument order. The winner's failure counts as observed (R23): read it from the child.
    /// Cancelling the returned future does not cancel the children.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">No futures, or they belong to different loops.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<int> WhenAny(params Future[] futures)
    {
        Future[] children = CheckFutures(futures, nameof(futures), allowEmpty: false);
        var result = new Future<int>(LoopOf(children, nameof(WhenAny)));
        new AnyWatcher(result, children).Begin();
        return result;
    }

    /// <summary>
    /// Races the futures (R42): the first to complete wins, whatever its outcome; the others are cancelled, and the race
    /// completes once they all completed (their <c>finally</c> blocks ran).
    /// </summary>
    /// <param name="futures">One or more futures or tasks, of one loop.</param>
    /// <returns>A future of the winner's position when it succeeded; otherwise it fails with the winner's exception (the
    /// same object) or ends cancelled. A loser that faults while being cancelled is attached to the winner's exception
    /// (<see cref="CoroutineExceptionExtensions.GetSuppressedExceptions"/>), or, when the winner did not fault, goes to
    /// <see cref="EventLoop.UnhandledExceptionHandler"/>. Cancelling the returned future cancels every child.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">No futures, or they belong to different loops.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<int> Race(params Future[] futures)
    {
        Future[] children = CheckFutures(futures, nameof(futures), allowEmpty: false);
        var result = new Future<int>(LoopOf(children, nameof(Race)));
        new RaceIndexWatcher(result, children).Begin();
        return result;
    }

    /// <summary>
    /// Races typed futures (R42) and gives the winner's result; otherwise as <see cref="Race(Future[])"/>.
    /// </summary>
    /// <typeparam name="T">The type of each result.</typeparam>
    /// <param name="futures">One or more typed futures or tasks, of one loop.</param>
    /// <returns>A future of the winner's result (or its failure, or cancelled).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">No futures, they belong to different loops, or one is not an engine future.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<T> Race<T>(params Future<T>[] futures)
    {
        Future[] children = CheckTyped(futures, nameof(futures), allowEmpty: false);
        var result = new Future<T>(LoopOf(children, nameof(Race)));
        new RaceValueWatcher<T>(result, children).Begin();
        return result;
    }

    /// <summary>Starts each coroutine as a task on the current loop and races them, as <see cref="Race(Future[])"/>.</summary>
    /// <param name="coroutines">One or more fresh coroutine iterators.</param>
    /// <returns>A future of the winner's position.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutines"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">No coroutines.</exception>
    /// <exception cref="InvalidOperationException">No loop is ticking on this thread (call it from a coroutine), or an
    /// iterator was started before (R27).</exception>
    public static Future<int> Race(params IEnumerator<IAwaitable>[] coroutines) =>
        Race(StartAll<object>(NonEmpty(coroutines), nameof(Race), typed: false));

    /// <summary>
    /// Starts each coroutine as a task with a result on the current loop and races them, giving the winner's result, as
    /// <see cref="Race{T}(Future{T}[])"/>.
    /// </summary>
    /// <typeparam name="T">The type of the result each coroutine gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <param name="coroutines">One or more fresh coroutine iterators.</param>
    /// <returns>A future of the winner's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutines"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">No coroutines.</exception>
    /// <exception cref="InvalidOperationException">No loop is ticking on this thread (call it from a coroutine), or an
    /// iterator was started before (R27).</exception>
    public static Future<T> Race<T>(params IEnumerator<IAwaitable>[] coroutines) =>
        Race(Typed<T>(StartAll<T>(NonEmpty(coroutines), nameof(Race), typed: true)));

    /// <summary>
    /// Gives <paramref name="future"/> a deadline of <paramref name="seconds"/> from now (R43). At the deadline it
    /// cancels the future (a task at its next turn), waits until it completed (its <c>finally</c> blocks ran), then fails
    /// with <see cref="TimeoutException"/>.
    /// </summary>
    /// <param name="future">The work: a future or task.</param>
    /// <param name="seconds">The time allowed, counted from this call. Zero or less: work already done gives its result,
    /// other work is cancelled at once.</param>
    /// <returns>A future that completes like <paramref name="future"/> when it completes first (success, failure or
    /// cancellation from outside: never turned into a timeout); at the deadline it fails with
    /// <see cref="TimeoutException"/> naming the duration, or, if a <c>finally</c> threw during the cancellation, with
    /// that exception (R35). With nested timeouts expiring in the same tick, only the outermost times out; the inner ones
    /// end cancelled. Cancelling the returned future cancels the work.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is NaN or infinite.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future Timeout(Future future, double seconds)
    {
        long ticks = TimeMath.CheckedSeconds(seconds, nameof(seconds));
        Future inner = CheckOne(future, nameof(future));
        var result = new Future(inner._loop);
        new TimeoutWatcher(result, inner, seconds).Begin(ticks);
        return result;
    }

    /// <summary>
    /// Gives a typed future a deadline (R43) and passes its result through; otherwise as
    /// <see cref="Timeout(Future, double)"/>.
    /// </summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="future">The work: a <see cref="Future{T}"/> or <see cref="LoopTask{T}"/>.</param>
    /// <param name="seconds">The time allowed, counted from this call.</param>
    /// <returns>A future of the work's result, or the timeout's outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="future"/> is not an engine future.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is NaN or infinite.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<T> Timeout<T>(Future<T> future, double seconds)
    {
        long ticks = TimeMath.CheckedSeconds(seconds, nameof(seconds));
        Future inner = CheckOne(AsFuture(future, nameof(future), 0), nameof(future));
        var result = new Future<T>(inner._loop);
        new TimeoutWatcher<T>(result, inner, seconds).Begin(ticks);
        return result;
    }

    /// <summary>
    /// Starts <paramref name="coroutine"/> as a task on the current loop and gives it a deadline (R43), as
    /// <see cref="Timeout(Future, double)"/>. With a timeout of zero or less the coroutine never runs.
    /// </summary>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="seconds">The time allowed, counted from this call.</param>
    /// <returns>A future that completes when the coroutine ends, or with the timeout's outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is NaN or infinite.</exception>
    /// <exception cref="InvalidOperationException">No loop is ticking on this thread (call it from a coroutine), or the
    /// iterator was started before (R27).</exception>
    public static Future Timeout(IEnumerator<IAwaitable> coroutine, double seconds)
    {
        TimeMath.CheckedSeconds(seconds, nameof(seconds));   // before starting anything
        return Timeout(StartAll<object>(new[] { coroutine }, nameof(Timeout), typed: false)[0], seconds);
    }

    /// <summary>
    /// Starts <paramref name="coroutine"/> as a task with a result on the current loop and gives it a deadline (R43), as
    /// <see cref="Timeout{T}(Future{T}, double)"/>.
    /// </summary>
    /// <typeparam name="T">The type of the result the coroutine gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="seconds">The time allowed, counted from this call.</param>
    /// <returns>A future of the coroutine's result, or the timeout's outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is NaN or infinite.</exception>
    /// <exception cref="InvalidOperationException">No loop is ticking on this thread (call it from a coroutine), or the
    /// iterator was started before (R27).</exception>
    public static Future<T> Timeout<T>(IEnumerator<IAwaitable> coroutine, double seconds)
    {
        TimeMath.CheckedSeconds(seconds, nameof(seconds));
        return Timeout((LoopTask<T>)StartAll<T>(new[] { coroutine }, nameof(Timeout), typed: true)[0], seconds);
    }

    // ---- argument checks ----------------------------------------------------------------------------------------

    private static Future[] CheckFutures(Future[] futures, string paramName, bool allowEmpty)
    {
        if (futures is null)
        {
            throw new ArgumentNullException(paramName);
        }

        if (futures.Length == 0 && !allowEmpty)
        {
            throw new ArgumentException("At least one future is needed: with none, the first to complete would never come.", paramName);
        }

        var children = new Future[futures.Length];
        for (int i = 0; i < futures.Length; i++)
        {
            children[i] = futures[i] ?? throw new ArgumentNullException(paramName, $"The future at index {i} is null.");
        }

        if (children.Length > 0)
        {
            CompositeWatcher.CheckSameLoop(children, paramName);
        }

        return children;   // a copy: the caller may reuse its params array
    }

    private static Future[] CheckTyped<T>(Future<T>[] futures, string paramName, bool allowEmpty)
    {
        if (futures is null)
        {
            throw new ArgumentNullException(paramName);
        }

        var children = new Future[futures.Length];
        for (int i = 0; i < futures.Length; i++)
        {
            children[i] = AsFuture(futures[i], paramName, i);
        }

        return CheckFutures(children, paramName, allowEmpty);
    }

    private static Future<T> AsFuture<T>(Future<T> future, string paramName, int index)
    {
        if (future is null)
        {
            throw new ArgumentNullException(paramName, $"The future at index {index} is null.");
        }

        return future;
    }

    private static Future CheckOne(Future future, string paramName)
    {
        if (future is null)
        {
            throw new ArgumentNullException(paramName);
        }

        future._loop.CheckAccess();
        return future;
    }

    private static EventLoop LoopOf(Future[] children, string member)
    {
        if (children.Length > 0)
        {
            return children[0]._loop;
        }

        return EventLoop.Current ?? throw new InvalidOperationException(
            $"Co.{member} of no futures needs the loop that runs the calling coroutine, but no loop is ticking on this thread. Call it from a coroutine.");
    }

    private static IEnumerator<IAwaitable>[] NonEmpty(IEnumerator<IAwaitable>[] coroutines)
    {
        if (coroutines is not null && coroutines.Length == 0)
        {
            throw new ArgumentException("At least one coroutine is needed: with none, the first to complete would never come.", nameof(coroutines));
        }

        return coroutines!;
    }

    private static Future<T>[] Typed<T>(Future[] tasks)
    {
        var typed = new Future<T>[tasks.Length];
        for (int i = 0; i < tasks.Length; i++)
        {
            typed[i] = (LoopTask<T>)tasks[i];
        }

        return typed;
    }

    /// <summary>Starts coroutines as tasks on the current loop, all or none: if one cannot start, those already
    /// started are cancelled before their first step (so they never run, R32) and the error is thrown.</summary>
    private static Future[] StartAll<T>(IEnumerator<IAwaitable>[] coroutines, string member, bool typed)
    {
        if (coroutines is null)
        {
            throw new ArgumentNullException(nameof(coroutines));
        }

        for (int i = 0; i < coroutines.Length; i++)
        {
            if (coroutines[i] is null)
            {
                throw new ArgumentNullException(nameof(coroutines), $"The coroutine at index {i} is null.");
            }
        }

        EventLoop loop = EventLoop.Current ?? throw new InvalidOperationException(
            $"Co.{member} of coroutines starts them on the loop that runs the calling coroutine, but no loop is ticking on this thread. Call it from a coroutine, or pass the loop: start them with loop.Start(...) and pass the tasks.");
        var tasks = new Future[coroutines.Length];
        int started = 0;
        try
        {
            for (; started < coroutines.Length; started++)
            {
                tasks[started] = typed ? loop.Start<T>(coroutines[started]) : loop.Start(coroutines[started]);
            }
        }
        catch
        {
            for (int i = 0; i < started; i++)
            {
                loop.RequestCancel(tasks[i]);
            }

            throw;
        }

        return tasks;
    }
}
