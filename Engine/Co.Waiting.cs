using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

// asyncio's other ways of waiting on several futures: as_completed (CompletionOrder), wait with done/pending sets
// (WaitResult), and a timeout whose deadline moves (TimeoutScope). Like WhenAny, AsCompleted and Wait do not own the
// futures: they cancel nothing, and take no coroutines (tasks they started would run on with nobody to reach them).
// TimeoutScope owns its work as Co.Timeout does, and takes a coroutine too. See docs/design.md, "Public API decisions".
public static partial class Co
{
    // ---- AsCompleted ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Hands the futures out in the order they complete (asyncio's <c>as_completed</c>): loop
    /// <c>while (each.HasNext) { yield return each.Next(); var done = each.Current; ... }</c>.
    /// </summary>
    /// <typeparam name="TFuture">The futures' type, kept as passed (a <see cref="LoopTask{T}"/> comes back as one).</typeparam>
    /// <param name="futures">One or more futures or tasks, all of one loop.</param>
    /// <returns>The order object; see <see cref="CompletionOrder{TFuture}"/> for the rules (futures already complete
    /// first, in argument order; then in completion order). It cancels nothing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">No futures, or they belong to different loops.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static CompletionOrder<TFuture> AsCompleted<TFuture>(params TFuture[] futures)
        where TFuture : Future
    {
        TFuture[] items = CheckItems(futures, nameof(futures), nameof(AsCompleted));
        return new CompletionOrder<TFuture>(items[0]._loop, items);
    }

    // ---- Wait ----------------------------------------------------------------------------------------------------

    /// <summary>
    /// Waits until <paramref name="mode"/>'s condition holds and gives the futures that are done and those still
    /// pending (asyncio's <c>wait</c>). It cancels nothing and never fails because a future did.
    /// </summary>
    /// <typeparam name="TFuture">The futures' type, kept as passed.</typeparam>
    /// <param name="futures">One or more futures or tasks, all of one loop.</param>
    /// <param name="mode">When to stop waiting: all completed, the first completed, or the first faulted.</param>
    /// <returns>A future of the <see cref="WaitResult{TFuture}"/>, decided in the instant the condition holds (already
    /// complete when it holds at the call). The futures in <see cref="WaitResult{TFuture}.Done"/> count as observed
    /// (R23). Cancelling the returned future stops the wait and nothing else.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">No futures, or they belong to different loops.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a <see cref="WaitMode"/> value.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<WaitResult<TFuture>> Wait<TFuture>(IEnumerable<TFuture> futures, WaitMode mode)
        where TFuture : Future =>
        WaitCore(futures, mode, TimeMath.Never);

    /// <summary>
    /// Waits until <paramref name="mode"/>'s condition holds or <paramref name="timeout"/> has passed, and gives the
    /// futures that are done and those still pending (asyncio's <c>wait(..., timeout=...)</c>). The timeout does not
    /// cancel anything: the pending futures go on.
    /// </summary>
    /// <typeparam name="TFuture">The futures' type, kept as passed.</typeparam>
    /// <param name="futures">One or more futures or tasks, all of one loop.</param>
    /// <param name="mode">When to stop waiting before the timeout.</param>
    /// <param name="timeout">The longest wait, in seconds or as a <see cref="TimeSpan"/> of loop time, counted from this
    /// call; zero or less gives what is done now, at once.</param>
    /// <returns>A future of the <see cref="WaitResult{TFuture}"/> (see <see cref="Wait{TFuture}(IEnumerable{TFuture}, WaitMode)"/>);
    /// at the timeout it succeeds too, with what is done by then.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">No futures, or they belong to different loops.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a <see cref="WaitMode"/> value, or
    /// <paramref name="timeout"/> is a NaN or infinite number of seconds (R9); for no timeout, use the overload without
    /// one.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<WaitResult<TFuture>> Wait<TFuture>(IEnumerable<TFuture> futures, WaitMode mode, Duration timeout)
        where TFuture : Future =>
        WaitCore(futures, mode, Math.Max(0, timeout.ToDelayTicks(nameof(timeout))));

    private static Future<WaitResult<TFuture>> WaitCore<TFuture>(IEnumerable<TFuture> futures, WaitMode mode, long timeoutTicks)
        where TFuture : Future
    {
        if (futures is null)
        {
            throw new ArgumentNullException(nameof(futures));
        }

        if (mode is not (WaitMode.AllCompleted or WaitMode.FirstCompleted or WaitMode.FirstException))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Use WaitMode.AllCompleted, WaitMode.FirstCompleted or WaitMode.FirstException.");
        }

        TFuture[] items = CheckItems(new List<TFuture>(futures).ToArray(), nameof(futures), nameof(Wait));
        var result = new Future<WaitResult<TFuture>>(items[0]._loop);
        new WaitWatcher<TFuture>(result, items, mode).Begin(timeoutTicks);
        return result;
    }

    // ---- TimeoutScope --------------------------------------------------------------------------------------------

    /// <summary>
    /// Gives <paramref name="future"/> a deadline of <paramref name="timeout"/> from now that can be read, moved and
    /// cleared while it runs (asyncio's <c>asyncio.timeout(delay)</c>); see <see cref="YieldLoop.TimeoutScope"/>.
    /// </summary>
    /// <param name="future">The work: a future or task. The scope runs on its loop, and owns it as
    /// <see cref="Timeout(Future, Duration)"/> does.</param>
    /// <param name="timeout">The time allowed, in seconds or as a <see cref="TimeSpan"/> of loop time, counted from this
    /// call. Zero or less: work already done gives its result, other work is cancelled at once.</param>
    /// <returns>The scope; yield its <see cref="YieldLoop.TimeoutScope.Future"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is NaN or infinite seconds.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static TimeoutScope TimeoutScope(Future future, Duration timeout)
    {
        long ticks = timeout.ToDelayTicks(nameof(timeout));
        Future work = CheckOne(future, nameof(future));
        return new TimeoutScope(new Future(work._loop), work, DueAfter(work._loop, ticks));
    }

    /// <summary>
    /// Puts <paramref name="future"/> under a timeout scope with no deadline yet (asyncio's
    /// <c>asyncio.timeout(None)</c>): set one later with <see cref="YieldLoop.TimeoutScope.Reschedule"/>.
    /// </summary>
    /// <param name="future">The work: a future or task.</param>
    /// <returns>The scope; yield its <see cref="YieldLoop.TimeoutScope.Future"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static TimeoutScope TimeoutScope(Future future)
    {
        Future work = CheckOne(future, nameof(future));
        return new TimeoutScope(new Future(work._loop), work, null);
    }

    /// <summary>
    /// Starts <paramref name="coroutine"/> as a task on <paramref name="loop"/> under a timeout scope with a deadline of
    /// <paramref name="timeout"/> from now (see <see cref="TimeoutScope(Future, Duration)"/>). With a timeout of zero
    /// or less the coroutine never runs.
    /// </summary>
    /// <param name="loop">The loop to start the coroutine on.</param>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="timeout">The time allowed, in seconds or as a <see cref="TimeSpan"/>, counted from this call.</param>
    /// <returns>The scope; yield its <see cref="YieldLoop.TimeoutScope.Future"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> or <paramref name="coroutine"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is NaN or infinite seconds; the
    /// coroutine is not started.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or the iterator was
    /// started before (R27).</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static TimeoutScope TimeoutScope(EventLoop loop, IEnumerator<IAwaitable> coroutine, Duration timeout)
    {
        long ticks = timeout.ToDelayTicks(nameof(timeout));   // before starting anything
        Future work = StartOne<object>(loop, coroutine, typed: false);
        return new TimeoutScope(new Future(loop), work, DueAfter(loop, ticks));
    }

    /// <summary>
    /// Starts <paramref name="coroutine"/> as a task on <paramref name="loop"/> under a timeout scope with no deadline
    /// yet (see <see cref="TimeoutScope(Future)"/>).
    /// </summary>
    /// <param name="loop">The loop to start the coroutine on.</param>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <returns>The scope; yield its <see cref="YieldLoop.TimeoutScope.Future"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> or <paramref name="coroutine"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or the iterator was
    /// started before (R27).</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static TimeoutScope TimeoutScope(EventLoop loop, IEnumerator<IAwaitable> coroutine)
    {
        Future work = StartOne<object>(loop, coroutine, typed: false);
        return new TimeoutScope(new Future(loop), work, null);
    }

    // A relative timeout as an absolute deadline; zero or less is "now", which expires at once (R43).
    private static long DueAfter(EventLoop loop, long ticks)
    {
        long now = loop.NowTicks;
        return ticks <= 0 ? now : TimeMath.After(now, ticks);
    }

    /// <summary>Checks a non-empty array of futures of one loop; returns a copy (the caller may reuse its array).</summary>
    private static TFuture[] CheckItems<TFuture>(TFuture[] futures, string paramName, string member)
        where TFuture : Future
    {
        if (futures is null)
        {
            throw new ArgumentNullException(paramName);
        }

        if (futures.Length == 0)
        {
            throw new ArgumentException(
                $"Co.{member} needs at least one future: with none there is nothing to wait for. Check the count before calling it.", paramName);
        }

        var items = new TFuture[futures.Length];
        var children = new Future[futures.Length];
        for (int i = 0; i < futures.Length; i++)
        {
            items[i] = futures[i] ?? throw new ArgumentNullException(paramName, $"The future at index {i} is null.");
            children[i] = items[i];
        }

        CompositeWatcher.CheckSameLoop(children, paramName);
        return items;
    }
}
