using System;

namespace YieldLoop;

/// <summary>
/// Waiting across loops: turns a future of one loop into a future of another, completed through the
/// other loop's thread-safe path, so a coroutine can wait on work of a loop running on another thread.
/// </summary>
/// <remarks>
/// A coroutine may only yield futures of its own loop (R61); <see cref="On(Future, EventLoop)"/> is the
/// way to wait on another loop's future: <c>yield return otherLoopsFuture.On(EventLoop.Current!);</c>.
/// </remarks>
public static class CrossLoopExtensions
{
    /// <summary>
    /// Returns a future of <paramref name="loop"/> that completes like <paramref name="future"/> (a future of any loop):
    /// succeeded, faulted with the same exception object, or cancelled. Safe from any thread.
    /// </summary>
    /// <param name="future">The future, of any loop.</param>
    /// <param name="loop">The loop whose coroutines will wait on the returned future.</param>
    /// <returns>A future of <paramref name="loop"/>. When <paramref name="future"/> completes (on its own loop's thread),
    /// its outcome is handed to <paramref name="loop"/> through its inbox (R51) and applied there in the next tick; a
    /// waiting coroutine resumes in the tick after. If the loop of <paramref name="future"/> is closed while it is
    /// still pending, the returned future faults with <see cref="ObjectDisposedException"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> or <paramref name="loop"/> is null.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="loop"/> is closed: nothing could ever complete the
    /// returned future.</exception>
    /// <remarks>Cancelling the returned future does not cancel <paramref name="future"/> (it belongs to another thread);
    /// post a cancel to its loop to do that. The returned future takes the failure over: a failure of
    /// <paramref name="future"/> counts as observed on its loop, and is reported on <paramref name="loop"/> if nobody
    /// observes it there (R23). No failure is lost on the way (R23, R51): if the returned future was cancelled before
    /// <paramref name="future"/> faulted, the failure goes to the <see cref="EventLoop.UnhandledExceptionHandler"/> of
    /// <paramref name="loop"/>; if <paramref name="loop"/> was closed before <paramref name="future"/> faulted, it goes
    /// to the handler of the loop of <paramref name="future"/> instead, at the end of that loop's tick (a result or a
    /// cancellation then has nobody left to receive it). Works for a future of <paramref name="loop"/> itself too (one
    /// tick later).</remarks>
    public static Future On(this Future future, EventLoop loop)
    {
        Check(future, loop);
        return CrossLoopRelay<NoResult>.Start(future, loop);
    }

    /// <summary>Returns a future of <paramref name="loop"/> that completes like <paramref name="future"/>, with its
    /// result (see <see cref="On(Future, EventLoop)"/>).</summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="future">The future, of any loop.</param>
    /// <param name="loop">The loop whose coroutines will wait on the returned future.</param>
    /// <returns>A future of <paramref name="loop"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> or <paramref name="loop"/> is null.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="loop"/> is closed.</exception>
    public static Future<T> On<T>(this Future<T> future, EventLoop loop)
    {
        Check(future, loop);
        return CrossLoopRelay<T>.Start(future, loop);
    }

    private static void Check(Future future, EventLoop loop)
    {
        if (future is null)
        {
            throw new ArgumentNullException(nameof(future));
        }

        if (loop is null)
        {
            throw new ArgumentNullException(nameof(loop));
        }

        // A closed loop never runs the hand-over that would complete the returned future: refuse it here (R36) rather
        // than return a future that stays pending and a failure that nobody hears of.
        loop.ThrowIfClosed();
    }
}
