using System;
using System.Collections.Generic;

namespace YieldLoop;

// UniTask's shapes: WhenAll over futures of different result types gives a tuple of their results, and WhenAnyValue
// gives the winner's position and value. Both keep the rules of the combinators they extend (R40, R42); see
// Co.Composition.cs and docs/design.md, "Public API decisions".
public static partial class Co
{
    // ---- WhenAll with a tuple of results (R40) ------------------------------------------------------------------

    /// <summary>
    /// Waits for 2 futures of possibly different result types and gives their results as a tuple, in argument order
    /// (UniTask's <c>WhenAll</c>); failures and cancellation as for <see cref="WhenAll(Future[])"/> (R40).
    /// </summary>
    /// <typeparam name="T1">The result type of <paramref name="a"/>.</typeparam>
    /// <typeparam name="T2">The result type of <paramref name="b"/>.</typeparam>
    /// <param name="a">The first future or task.</param>
    /// <param name="b">The second future or task.</param>
    /// <returns>A future of the tuple of results. On the first failure it cancels the others, waits for them, and fails
    /// with that exception (the same object); cancelling it cancels every future.</returns>
    /// <exception cref="ArgumentNullException">A future is null.</exception>
    /// <exception cref="ArgumentException">The futures belong to different loops.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    /// <remarks>With typed futures of one type, <c>Co.WhenAll(a, b)</c> picks this form too (C# prefers it to the
    /// <c>params</c> array); write <c>Co.WhenAll&lt;T&gt;(a, b)</c> for an array of results.</remarks>
    public static Future<(T1, T2)> WhenAll<T1, T2>(Future<T1> a, Future<T2> b)
    {
        Future[] children = CheckFutures(new Future[] { a ?? throw new ArgumentNullException(nameof(a)), b ?? throw new ArgumentNullException(nameof(b)) }, "futures", allowEmpty: false);
        var result = new Future<(T1, T2)>(children[0]._loop);
        new AllTupleWatcher<(T1, T2)>(result, children, static items => (((Future<T1>)items[0]).Result, ((Future<T2>)items[1]).Result)).Begin();
        return result;
    }

    /// <summary>
    /// Starts 2 coroutines as tasks on <paramref name="loop"/>, each with a result of its own type, and waits for all
    /// of them, giving the results as a tuple; otherwise as <see cref="WhenAll{T1, T2}(Future{T1}, Future{T2})"/>. Name the types:
    /// <c>Co.WhenAll&lt;int, string&gt;(loop, Count(), Name())</c>.
    /// </summary>
    /// <typeparam name="T1">The result type that <paramref name="a"/> gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <typeparam name="T2">The result type that <paramref name="b"/> gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <param name="loop">The loop to start the coroutines on.</param>
    /// <param name="a">The first fresh coroutine iterator.</param>
    /// <param name="b">The second fresh coroutine iterator.</param>
    /// <returns>A future of the tuple of results; cancelling it cancels the tasks.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> or a coroutine is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or an iterator was
    /// started before (R27); no coroutine is started then.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<(T1, T2)> WhenAll<T1, T2>(EventLoop loop, IEnumerator<IAwaitable> a, IEnumerator<IAwaitable> b)
    {
        Future[] children = StartTyped(loop, new[] { a, b }, new Func<EventLoop, IEnumerator<IAwaitable>, Future>[] { Starter<T1>.Start, Starter<T2>.Start });
        var result = new Future<(T1, T2)>(loop);
        new AllTupleWatcher<(T1, T2)>(result, children, static items => (((Future<T1>)items[0]).Result, ((Future<T2>)items[1]).Result)).Begin();
        return result;
    }

    /// <summary>
    /// Waits for 3 futures of possibly different result types and gives their results as a tuple, in argument order
    /// (UniTask's <c>WhenAll</c>); failures and cancellation as for <see cref="WhenAll(Future[])"/> (R40).
    /// </summary>
    /// <typeparam name="T1">The result type of <paramref name="a"/>.</typeparam>
    /// <typeparam name="T2">The result type of <paramref name="b"/>.</typeparam>
    /// <typeparam name="T3">The result type of <paramref name="c"/>.</typeparam>
    /// <param name="a">The first future or task.</param>
    /// <param name="b">The second future or task.</param>
    /// <param name="c">The third future or task.</param>
    /// <returns>A future of the tuple of results. On the first failure it cancels the others, waits for them, and fails
    /// with that exception (the same object); cancelling it cancels every future.</returns>
    /// <exception cref="ArgumentNullException">A future is null.</exception>
    /// <exception cref="ArgumentException">The futures belong to different loops.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    /// <remarks>With typed futures of one type, <c>Co.WhenAll(a, b)</c> picks this form too (C# prefers it to the
    /// <c>params</c> array); write <c>Co.WhenAll&lt;T&gt;(a, b)</c> for an array of results.</remarks>
    public static Future<(T1, T2, T3)> WhenAll<T1, T2, T3>(Future<T1> a, Future<T2> b, Future<T3> c)
    {
        Future[] children = CheckFutures(new Future[] { a ?? throw new ArgumentNullException(nameof(a)), b ?? throw new ArgumentNullException(nameof(b)), c ?? throw new ArgumentNullException(nameof(c)) }, "futures", allowEmpty: false);
        var result = new Future<(T1, T2, T3)>(children[0]._loop);
        new AllTupleWatcher<(T1, T2, T3)>(result, children, static items => (((Future<T1>)items[0]).Result, ((Future<T2>)items[1]).Result, ((Future<T3>)items[2]).Result)).Begin();
        return result;
    }

    /// <summary>
    /// Starts 3 coroutines as tasks on <paramref name="loop"/>, each with a result of its own type, and waits for all
    /// of them, giving the results as a tuple; otherwise as <see cref="WhenAll{T1, T2, T3}(Future{T1}, Future{T2}, Future{T3})"/>. Name the types:
    /// <c>Co.WhenAll&lt;int, string&gt;(loop, Count(), Name())</c>.
    /// </summary>
    /// <typeparam name="T1">The result type that <paramref name="a"/> gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <typeparam name="T2">The result type that <paramref name="b"/> gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <typeparam name="T3">The result type that <paramref name="c"/> gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <param name="loop">The loop to start the coroutines on.</param>
    /// <param name="a">The first fresh coroutine iterator.</param>
    /// <param name="b">The second fresh coroutine iterator.</param>
    /// <param name="c">The third fresh coroutine iterator.</param>
    /// <returns>A future of the tuple of results; cancelling it cancels the tasks.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> or a coroutine is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or an iterator was
    /// started before (R27); no coroutine is started then.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<(T1, T2, T3)> WhenAll<T1, T2, T3>(EventLoop loop, IEnumerator<IAwaitable> a, IEnumerator<IAwaitable> b, IEnumerator<IAwaitable> c)
    {
        Future[] children = StartTyped(loop, new[] { a, b, c }, new Func<EventLoop, IEnumerator<IAwaitable>, Future>[] { Starter<T1>.Start, Starter<T2>.Start, Starter<T3>.Start });
        var result = new Future<(T1, T2, T3)>(loop);
        new AllTupleWatcher<(T1, T2, T3)>(result, children, static items => (((Future<T1>)items[0]).Result, ((Future<T2>)items[1]).Result, ((Future<T3>)items[2]).Result)).Begin();
        return result;
    }

    /// <summary>
    /// Waits for 4 futures of possibly different result types and gives their results as a tuple, in argument order
    /// (UniTask's <c>WhenAll</c>); failures and cancellation as for <see cref="WhenAll(Future[])"/> (R40).
    /// </summary>
    /// <typeparam name="T1">The result type of <paramref name="a"/>.</typeparam>
    /// <typeparam name="T2">The result type of <paramref name="b"/>.</typeparam>
    /// <typeparam name="T3">The result type of <paramref name="c"/>.</typeparam>
    /// <typeparam name="T4">The result type of <paramref name="d"/>.</typeparam>
    /// <param name="a">The first future or task.</param>
    /// <param name="b">The second future or task.</param>
    /// <param name="c">The third future or task.</param>
    /// <param name="d">The fourth future or task.</param>
    /// <returns>A future of the tuple of results. On the first failure it cancels the others, waits for them, and fails
    /// with that exception (the same object); cancelling it cancels every future.</returns>
    /// <exception cref="ArgumentNullException">A future is null.</exception>
    /// <exception cref="ArgumentException">The futures belong to different loops.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    /// <remarks>With typed futures of one type, <c>Co.WhenAll(a, b)</c> picks this form too (C# prefers it to the
    /// <c>params</c> array); write <c>Co.WhenAll&lt;T&gt;(a, b)</c> for an array of results.</remarks>
    public static Future<(T1, T2, T3, T4)> WhenAll<T1, T2, T3, T4>(Future<T1> a, Future<T2> b, Future<T3> c, Future<T4> d)
    {
        Future[] children = CheckFutures(new Future[] { a ?? throw new ArgumentNullException(nameof(a)), b ?? throw new ArgumentNullException(nameof(b)), c ?? throw new ArgumentNullException(nameof(c)), d ?? throw new ArgumentNullException(nameof(d)) }, "futures", allowEmpty: false);
        var result = new Future<(T1, T2, T3, T4)>(children[0]._loop);
        new AllTupleWatcher<(T1, T2, T3, T4)>(result, children, static items => (((Future<T1>)items[0]).Result, ((Future<T2>)items[1]).Result, ((Future<T3>)items[2]).Result, ((Future<T4>)items[3]).Result)).Begin();
        return result;
    }

    /// <summary>
    /// Starts 4 coroutines as tasks on <paramref name="loop"/>, each with a result of its own type, and waits for all
    /// of them, giving the results as a tuple; otherwise as <see cref="WhenAll{T1, T2, T3, T4}(Future{T1}, Future{T2}, Future{T3}, Future{T4})"/>. Name the types:
    /// <c>Co.WhenAll&lt;int, string&gt;(loop, Count(), Name())</c>.
    /// </summary>
    /// <typeparam name="T1">The result type that <paramref name="a"/> gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <typeparam name="T2">The result type that <paramref name="b"/> gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <typeparam name="T3">The result type that <paramref name="c"/> gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <typeparam name="T4">The result type that <paramref name="d"/> gives with <see cref="Return{T}(T)"/>.</typeparam>
    /// <param name="loop">The loop to start the coroutines on.</param>
    /// <param name="a">The first fresh coroutine iterator.</param>
    /// <param name="b">The second fresh coroutine iterator.</param>
    /// <param name="c">The third fresh coroutine iterator.</param>
    /// <param name="d">The fourth fresh coroutine iterator.</param>
    /// <returns>A future of the tuple of results; cancelling it cancels the tasks.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> or a coroutine is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's, or an iterator was
    /// started before (R27); no coroutine is started then.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public static Future<(T1, T2, T3, T4)> WhenAll<T1, T2, T3, T4>(EventLoop loop, IEnumerator<IAwaitable> a, IEnumerator<IAwaitable> b, IEnumerator<IAwaitable> c, IEnumerator<IAwaitable> d)
    {
        Future[] children = StartTyped(loop, new[] { a, b, c, d }, new Func<EventLoop, IEnumerator<IAwaitable>, Future>[] { Starter<T1>.Start, Starter<T2>.Start, Starter<T3>.Start, Starter<T4>.Start });
        var result = new Future<(T1, T2, T3, T4)>(loop);
        new AllTupleWatcher<(T1, T2, T3, T4)>(result, children, static items => (((Future<T1>)items[0]).Result, ((Future<T2>)items[1]).Result, ((Future<T3>)items[2]).Result, ((Future<T4>)items[3]).Result)).Begin();
        return result;
    }

    // ---- WhenAnyValue (R42) -------------------------------------------------------------------------------------

    /// <summary>
    /// Waits for the first typed future to complete and gives its position and value (UniTask's <c>WhenAny</c>). It
    /// neither cancels nor waits for the others; <see cref="Race{T}(Future{T}[])"/> cancels them.
    /// </summary>
    /// <typeparam name="T">The type of each result.</typeparam>
    /// <param name="futures">One or more typed futures or tasks, all of one loop.</param>
    /// <returns>A future of the winner's position (0-based) and result; when several are already complete, the first of
    /// them in argument order. When the winner faulted, it fails with the winner's exception (the same object); when the
    /// winner was cancelled, it ends cancelled. Cancelling it does not cancel the futures.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="futures"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">No futures, or they belong to different loops.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    /// <remarks><see cref="WhenAny(Future[])"/> gives only the position, and succeeds whatever the winner's outcome;
    /// this form has its own name so that existing calls of <c>WhenAny</c> on typed futures keep their meaning.</remarks>
    public static Future<(int Index, T Value)> WhenAnyValue<T>(params Future<T>[] futures)
    {
        Future[] children = CheckTyped(futures, nameof(futures), allowEmpty: false);
        var result = new Future<(int Index, T Value)>(children[0]._loop);
        new AnyValueWatcher<T>(result, children).Begin();
        return result;
    }

    /// <summary>Starts coroutines as typed tasks, all or none (see <c>StartAll</c>); <paramref name="starters"/> starts
    /// each one with its result type.</summary>
    private static Future[] StartTyped(EventLoop loop, IEnumerator<IAwaitable>[] coroutines, Func<EventLoop, IEnumerator<IAwaitable>, Future>[] starters)
    {
        if (loop is null)
        {
            throw new ArgumentNullException(nameof(loop));
        }

        for (int i = 0; i < coroutines.Length; i++)
        {
            if (coroutines[i] is null)
            {
                throw new ArgumentNullException(nameof(coroutines), $"The coroutine at index {i} is null.");
            }
        }

        loop.CheckAccess();
        var tasks = new Future[coroutines.Length];
        int started = 0;
        try
        {
            for (; started < coroutines.Length; started++)
            {
                tasks[started] = starters[started](loop, coroutines[started]);
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

    /// <summary>Starts a coroutine as a task with a result of type <typeparamref name="T"/> (one cached delegate per type).</summary>
    private static class Starter<T>
    {
        internal static readonly Func<EventLoop, IEnumerator<IAwaitable>, Future> Start = static (loop, coroutine) => loop.Start<T>(coroutine);
    }
}
