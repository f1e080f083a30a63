using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

// Combinators (R40-R43): wait for all, settle all, wait for any, race, timeout. Each returns a future that a coroutine
// yields, or that the host runs with loop.RunUntilComplete; see Engine/Composition for the model.
//
// Items. Every combinator takes futures (and tasks, which are futures), and all but WhenAny take coroutines too, which
// it starts as tasks it owns (docs/design.md, "Combinators: items and loops"):
// - Futures carry their loop, so the future forms take no loop: they run on the loop of their items, which must all
//   be one loop (mixing loops throws ArgumentException, R61). Of no futures there is no item to name the loop, so
//   WhenAll() and SettleAll() of nothing use the loop that is ticking (a coroutine's), and outside a tick say so.
// - Coroutines carry no loop, so the coroutine forms take it first: Co.WhenAll(loop, A(), B()). The same call works in
//   a coroutine and in the host between ticks; there is deliberately no second, loop-inferring set of overloads.
// - The typed forms take Future<T> (a LoopTask<T> is one); C#'s overload resolution prefers them for typed arguments,
//   as Future<T>[] is more specific than Future[].
//
// Latency. A combinator is completed by the child completion that decides it, in the same instant (an
// engine watcher, no callback and no polling), so a coroutine parked on it resumes one tick later, as if it had waited
// on that child directly.
//
// Failures. A combinator that waits on a child counts as observing its failure (R23); it hands the failure
// on through its own future, whose unobserved failure is reported once at the end of the tick like any other. A
// failure that a combinator cannot hand on (its future was cancelled first, or a cancellation outcome cannot carry it)
// goes to EventLoop.UnhandledExceptionHandler. exception.GetFailures() lists every failure an outcome stands for.
//
// Cancellation. Cancelling a combinator's future (by hand, or because a task parked on it is cancelled,
// R31) completes it as cancelled at once (R16) and cancels the children it owns (all but WhenAny's);
// their finally blocks run at their turns (R30). When a combinator cancels a child that is itself a combinator's
// future, it drains it instead: the inner one cancels its own children and completes when they have all completed, so
// "waits for their finally blocks" holds through any nesting.
public static partial class Co
{
    // ---- WhenAll (R40) ----------------------------------------------------------------------------------------

    /// <summary>
    /// Waits for every future (R40): completes when all succeeded; on the first failure (a cancelled child counts as
    /// one) cancels the others, waits until they completed (their <c>finally</c> blocks ran), then fails with that first
    /// exception, or ends cancelled if the first failure was a cancellation.
    /// </summary>
    /// <param name="futures">The futures or tasks, all of one loop; the wait runs on that loop. Of none, the result is
    /// already complete, on the loop that is ticking.</param>
    /// <returns>A future to yield, or to run with <see cref="EventLoop.RunUntilComplete(Future)"/>. On failure it fails
    /// with the first exception (the same object); <see cref="CoroutineExceptionExtensions.GetFailures"/> on it lists
    /// that one and the later ones, in the order they happened. When the outcome is a cancellation, which carries no
    /// exception, later failures go to <see cref="EventLoop.UnhandledExceptionHandler"/>. Cancelling the returned future
    /// cancels every child.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">The futures belong to different loops.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or with no futures
    /// outside a tick (no loop to give the result to: use <see cref="WhenAll(EventLoop, IEnumerator{IAwaitable}[])"/>
    /// with the loop and no coroutines).</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future WhenAll(params Future[] futures)
    {
        Future[] children = CheckFutures(futures, nameof(futures), allowEmpty: true);
        var result = new Future(LoopOf(children, nameof(WhenAll)));
        new AllWatcher(result, children).Begin();
        return result;
    }

    /// <summary>
    /// Waits for every future and gives their results in argument order (R40); failures and cancellation as for
    /// <see cref="WhenAll(Future[])"/>.
    /// </summary>
    /// <typeparam name="T">The type of each result.</typeparam>
    /// <param name="futures">Typed futures or tasks (<see cref="Future{T}"/>, <see cref="LoopTask{T}"/>), all of one
    /// loop.</param>
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
    /// Starts each coroutine as a task on <paramref name="loop"/> and waits for all of them, as
    /// <see cref="WhenAll(Future[])"/> does. Works in a coroutine and in the host between ticks.
    /// </summary>
    /// <param name="loop">The loop to start the coroutines on.</param>
    /// <param name="coroutines">Fresh coroutine iterators. Of none, the result is already complete.</param>
    /// <returns>A future to yield or to run; cancelling it cancels the tasks.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/>, <paramref name="coroutines"/> or one of its
    /// elements is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or an iterator was
    /// started before (R27); no coroutine is started then.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future WhenAll(EventLoop loop, params IEnumerator<IAwaitable>[] coroutines)
    {
        Future[] children = StartAll<object>(loop, coroutines, allowEmpty: true, typed: false);
        var result = new Future(loop);
        new AllWatcher(result, children).Begin();
        return result;
    }

    /// <summary>
    /// Starts each coroutine as a task with a result on <paramref name="loop"/> and waits for all of them, giving their
    /// results in argument order, as <see cref="WhenAll{T}(Future{T}[])"/> does.
    /// </summary>
    /// <typeparam name="T">The type of the result each coroutine gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <param name="loop">The loop to start the coroutines on.</param>
    /// <param name="coroutines">Fresh coroutine iterators.</param>
    /// <returns>A future of the results, in argument order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/>, <paramref name="coroutines"/> or one of its
    /// elements is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or an iterator was
    /// started before (R27); no coroutine is started then.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<T[]> WhenAll<T>(EventLoop loop, params IEnumerator<IAwaitable>[] coroutines)
    {
        Future[] children = StartAll<T>(loop, coroutines, allowEmpty: true, typed: true);
        var result = new Future<T[]>(loop);
        new AllWatcher<T>(result, children).Begin();
        return result;
    }

    // ---- SettleAll (R41) --------------------------------------------------------------------------------------

    /// <summary>
    /// Waits until every future has completed, whatever happened to each (R41), and gives how each one ended; it never
    /// cancels them.
    /// </summary>
    /// <param name="futures">The futures or tasks, all of one loop. Of none, the result is already complete, on the loop
    /// that is ticking.</param>
    /// <returns>A future of one <see cref="Settled"/> per future, in argument order: its state and, when it faulted, its
    /// exception. It never fails because a child did: the children's failures count as observed (R23), the result
    /// hands them on. Cancelling the returned future cancels every child.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">The futures belong to different loops.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or with no futures
    /// outside a tick.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<Settled[]> SettleAll(params Future[] futures)
    {
        Future[] children = CheckFutures(futures, nameof(futures), allowEmpty: true);
        var result = new Future<Settled[]>(LoopOf(children, nameof(SettleAll)));
        new SettleWatcher(result, children).Begin();
        return result;
    }

    /// <summary>
    /// Waits until every typed future has completed (R41) and gives how each one ended, with the value of those that
    /// succeeded; otherwise as <see cref="SettleAll(Future[])"/>.
    /// </summary>
    /// <typeparam name="T">The type of each result.</typeparam>
    /// <param name="futures">Typed futures or tasks, all of one loop.</param>
    /// <returns>A future of one <see cref="Settled{T}"/> per future, in argument order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">The futures belong to different loops, or one is not an engine future.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or with no futures
    /// outside a tick.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<Settled<T>[]> SettleAll<T>(params Future<T>[] futures)
    {
        Future[] children = CheckTyped(futures, nameof(futures), allowEmpty: true);
        var result = new Future<Settled<T>[]>(LoopOf(children, nameof(SettleAll)));
        new SettleWatcher<T>(result, children).Begin();
        return result;
    }

    /// <summary>
    /// Starts each coroutine as a task on <paramref name="loop"/> and waits until all of them completed, as
    /// <see cref="SettleAll(Future[])"/> does.
    /// </summary>
    /// <param name="loop">The loop to start the coroutines on.</param>
    /// <param name="coroutines">Fresh coroutine iterators. Of none, the result is already complete.</param>
    /// <returns>A future of one <see cref="Settled"/> per coroutine, in argument order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/>, <paramref name="coroutines"/> or one of its
    /// elements is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or an iterator was
    /// started before (R27); no coroutine is started then.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<Settled[]> SettleAll(EventLoop loop, params IEnumerator<IAwaitable>[] coroutines)
    {
        Future[] children = StartAll<object>(loop, coroutines, allowEmpty: true, typed: false);
        var result = new Future<Settled[]>(loop);
        new SettleWatcher(result, children).Begin();
        return result;
    }

    /// <summary>
    /// Starts each coroutine as a task with a result on <paramref name="loop"/> and waits until all of them completed,
    /// as <see cref="SettleAll{T}(Future{T}[])"/> does.
    /// </summary>
    /// <typeparam name="T">The type of the result each coroutine gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <param name="loop">The loop to start the coroutines on.</param>
    /// <param name="coroutines">Fresh coroutine iterators.</param>
    /// <returns>A future of one <see cref="Settled{T}"/> per coroutine, in argument order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/>, <paramref name="coroutines"/> or one of its
    /// elements is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or an iterator was
    /// started before (R27); no coroutine is started then.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<Settled<T>[]> SettleAll<T>(EventLoop loop, params IEnumerator<IAwaitable>[] coroutines)
    {
        Future[] children = StartAll<T>(loop, coroutines, allowEmpty: true, typed: true);
        var result = new Future<Settled<T>[]>(loop);
        new SettleWatcher<T>(result, children).Begin();
        return result;
    }

    // ---- WhenAny (R42) ----------------------------------------------------------------------------------------

    /// <summary>
    /// Waits for the first future to complete, whatever its outcome, and gives its position (R42). It neither cancels
    /// nor waits for the others.
    /// </summary>
    /// <param name="futures">One or more futures or tasks, all of one loop.</param>
    /// <returns>A future of the position (0-based) of the first child to complete; when several are already complete,
    /// the first of them in argument order. The winner's failure counts as observed (R23): read it from the child.
    /// Cancelling the returned future does not cancel the children.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">No futures, or they belong to different loops.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    /// <remarks>There is no form that takes coroutines: the tasks it would start and leave running could not be reached
    /// by anyone (asyncio's <c>wait</c> stopped taking coroutines for that reason). Start them with
    /// <see cref="EventLoop.Start(IEnumerator{IAwaitable}, string?)"/> and pass the tasks, or use
    /// <see cref="Race(EventLoop, IEnumerator{IAwaitable}[])"/>, which cancels the losers.</remarks>
    public static Future<int> WhenAny(params Future[] futures)
    {
        Future[] children = CheckFutures(futures, nameof(futures), allowEmpty: false);
        var result = new Future<int>(LoopOf(children, nameof(WhenAny)));
        new AnyWatcher(result, children).Begin();
        return result;
    }

    // ---- Race (R42) -------------------------------------------------------------------------------------------

    /// <summary>
    /// Races the futures (R42): the first to complete wins, whatever its outcome; the others are cancelled, and the race
    /// completes once they all completed (their <c>finally</c> blocks ran).
    /// </summary>
    /// <param name="futures">One or more futures or tasks, all of one loop.</param>
    /// <returns>A future of the winner's position when it succeeded; otherwise it fails with the winner's exception (the
    /// same object) or ends cancelled. A loser that faults while being cancelled is listed after the winner's exception
    /// by <see cref="CoroutineExceptionExtensions.GetFailures"/>, or, when the winner did not fault, goes to
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
    /// <param name="futures">One or more typed futures or tasks, all of one loop.</param>
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

    /// <summary>
    /// Starts each coroutine as a task on <paramref name="loop"/> and races them, as <see cref="Race(Future[])"/>.
    /// </summary>
    /// <param name="loop">The loop to start the coroutines on.</param>
    /// <param name="coroutines">One or more fresh coroutine iterators.</param>
    /// <returns>A future of the winner's position.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/>, <paramref name="coroutines"/> or one of its
    /// elements is null.</exception>
    /// <exception cref="ArgumentException">No coroutines.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or an iterator was
    /// started before (R27); no coroutine is started then.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<int> Race(EventLoop loop, params IEnumerator<IAwaitable>[] coroutines)
    {
        Future[] children = StartAll<object>(loop, coroutines, allowEmpty: false, typed: false);
        var result = new Future<int>(loop);
        new RaceIndexWatcher(result, children).Begin();
        return result;
    }

    /// <summary>
    /// Starts each coroutine as a task with a result on <paramref name="loop"/> and races them, giving the winner's
    /// result, as <see cref="Race{T}(Future{T}[])"/>.
    /// </summary>
    /// <typeparam name="T">The type of the result each coroutine gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <param name="loop">The loop to start the coroutines on.</param>
    /// <param name="coroutines">One or more fresh coroutine iterators.</param>
    /// <returns>A future of the winner's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/>, <paramref name="coroutines"/> or one of its
    /// elements is null.</exception>
    /// <exception cref="ArgumentException">No coroutines.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or an iterator was
    /// started before (R27); no coroutine is started then.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<T> Race<T>(EventLoop loop, params IEnumerator<IAwaitable>[] coroutines)
    {
        Future[] children = StartAll<T>(loop, coroutines, allowEmpty: false, typed: true);
        var result = new Future<T>(loop);
        new RaceValueWatcher<T>(result, children).Begin();
        return result;
    }

    // ---- Timeout (R43) ----------------------------------------------------------------------------------------

    /// <summary>
    /// Gives <paramref name="future"/> a deadline of <paramref name="timeout"/> from now (R43). At the deadline it
    /// cancels the future (a task at its next turn), waits until it completed (its <c>finally</c> blocks ran), then fails
    /// with <see cref="TimeoutException"/>.
    /// </summary>
    /// <param name="future">The work: a future or task. The timeout runs on its loop.</param>
    /// <param name="timeout">The time allowed, in seconds or as a <see cref="TimeSpan"/> of loop time, counted from this
    /// call. Zero or less: work already done gives its result, other work is cancelled at once.</param>
    /// <returns>A future that completes like <paramref name="future"/> when it completes first (success, failure or
    /// cancellation from outside: never turned into a timeout); at the deadline it fails with
    /// <see cref="TimeoutException"/> naming the duration, or, if a <c>finally</c> threw during the cancellation, with
    /// that exception (R35). With nested timeouts expiring in the same tick, only the outermost times out; the inner ones
    /// end cancelled. Cancelling the returned future cancels the work.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is NaN or infinite seconds.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future Timeout(Future future, Duration timeout)
    {
        long ticks = timeout.ToDelayTicks(nameof(timeout));
        return TimeoutOf(CheckOne(future, nameof(future)), ticks, SecondsOf(timeout));
    }

    /// <summary>
    /// Gives a typed future (or task) a deadline (R43) and passes its result through; otherwise as
    /// <see cref="Timeout(Future, Duration)"/>.
    /// </summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="future">The work: a <see cref="Future{T}"/> or <see cref="LoopTask{T}"/>.</param>
    /// <param name="timeout">The time allowed, in seconds or as a <see cref="TimeSpan"/>, counted from this call.</param>
    /// <returns>A future of the work's result, or the timeout's outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is NaN or infinite seconds.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<T> Timeout<T>(Future<T> future, Duration timeout)
    {
        long ticks = timeout.ToDelayTicks(nameof(timeout));
        return TimeoutOf<T>(CheckOne(future, nameof(future)), ticks, SecondsOf(timeout));
    }

    /// <summary>
    /// Starts <paramref name="coroutine"/> as a task on <paramref name="loop"/> and gives it a deadline (R43), as
    /// <see cref="Timeout(Future, Duration)"/>. With a timeout of zero or less the coroutine never runs.
    /// </summary>
    /// <param name="loop">The loop to start the coroutine on.</param>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="timeout">The time allowed, in seconds or as a <see cref="TimeSpan"/>, counted from this call.</param>
    /// <returns>A future that completes when the coroutine ends, or with the timeout's outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> or <paramref name="coroutine"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is NaN or infinite seconds; the
    /// coroutine is not started.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or the iterator was
    /// started before (R27).</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future Timeout(EventLoop loop, IEnumerator<IAwaitable> coroutine, Duration timeout)
    {
        long ticks = timeout.ToDelayTicks(nameof(timeout));   // before starting anything
        return TimeoutOf(StartOne<object>(loop, coroutine, typed: false), ticks, SecondsOf(timeout));
    }

    /// <summary>
    /// Starts <paramref name="coroutine"/> as a task with a result on <paramref name="loop"/> and gives it a deadline
    /// (R43), as <see cref="Timeout{T}(Future{T}, Duration)"/>. With a timeout of zero or less the coroutine never runs.
    /// </summary>
    /// <typeparam name="T">The type of the result the coroutine gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <param name="loop">The loop to start the coroutine on.</param>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="timeout">The time allowed, in seconds or as a <see cref="TimeSpan"/>, counted from this call.</param>
    /// <returns>A future of the coroutine's result, or the timeout's outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> or <paramref name="coroutine"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is NaN or infinite seconds; the
    /// coroutine is not started.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or the iterator was
    /// started before (R27).</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<T> Timeout<T>(EventLoop loop, IEnumerator<IAwaitable> coroutine, Duration timeout)
    {
        long ticks = timeout.ToDelayTicks(nameof(timeout));
        return TimeoutOf<T>(StartOne<T>(loop, coroutine, typed: true), ticks, SecondsOf(timeout));
    }

    private static double SecondsOf(Duration timeout) => timeout.IsSeconds ? timeout.Seconds : timeout.Span.TotalSeconds;

    // ---- shared bodies ------------------------------------------------------------------------------------------

    private static Future TimeoutOf(Future inner, long ticks, double seconds)
    {
        var result = new Future(inner._loop);
        new TimeoutWatcher(result, inner, seconds).Begin(ticks);
        return result;
    }

    private static Future<T> TimeoutOf<T>(Future inner, long ticks, double seconds)
    {
        var result = new Future<T>(inner._loop);
        new TimeoutWatcher<T>(result, inner, seconds).Begin(ticks);
        return result;
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

    private static Future<T> AsFuture<T>(Future<T> future, string paramName, int index) =>
        future ?? throw new ArgumentNullException(paramName, $"The future at index {index} is null.");

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
            $"Co.{member} of no futures has no future to take the loop from, and no loop is ticking on this thread to give the (already complete) result to. Pass the loop: Co.{member}(loop) of no coroutines completes at once on it.");
    }

    private static Future StartOne<T>(EventLoop loop, IEnumerator<IAwaitable> coroutine, bool typed)
    {
        if (loop is null)
        {
            throw new ArgumentNullException(nameof(loop));
        }

        if (coroutine is null)
        {
            throw new ArgumentNullException(nameof(coroutine));
        }

        loop.CheckAccess();
        return typed ? loop.Start<T>(coroutine) : loop.Start(coroutine);
    }

    /// <summary>Starts coroutines as tasks on <paramref name="loop"/>, all or none: the arguments are checked first,
    /// and if one cannot start, those already started are cancelled before their first step (so they never run, R32)
    /// and the error is thrown.</summary>
    private static Future[] StartAll<T>(EventLoop loop, IEnumerator<IAwaitable>[] coroutines, bool allowEmpty, bool typed)
    {
        if (loop is null)
        {
            throw new ArgumentNullException(nameof(loop));
        }

        if (coroutines is null)
        {
            throw new ArgumentNullException(nameof(coroutines));
        }

        if (coroutines.Length == 0 && !allowEmpty)
        {
            throw new ArgumentException("At least one coroutine is needed: with none, the first to complete would never come.", nameof(coroutines));
        }

        for (int i = 0; i < coroutines.Length; i++)
        {
            if (coroutines[i] is null)
            {
                throw new ArgumentNullException(nameof(coroutines), $"The coroutine at index {i} is null.");
            }
        }

        loop.CheckAccess();   // also for no coroutines: the result is made on this loop
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
