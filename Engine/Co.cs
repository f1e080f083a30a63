using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// What a coroutine yields. Each member means one documented thing to the loop (the yield table in the README).
/// </summary>
/// <remarks>
/// <para>The waits returned by <see cref="Sleep(Duration)"/>, <see cref="Call(IEnumerator{IAwaitable})"/>,
/// <see cref="Return{T}(T)"/> and <see cref="Settle"/> are one-shot objects taken from a per-thread pool and given
/// back as soon as the loop has read them, so yielding them allocates nothing in steady state. Yield each one once,
/// straight away (<c>yield return Co.Sleep(0.5);</c>); yielding the same object twice faults the task with a message
/// saying so. To reuse a period, keep an <see cref="Interval"/> from <see cref="Every"/>.</para>
/// </remarks>
public static partial class Co
{
    /// <summary>
    /// Resumes the coroutine in the next tick (never the same one, R2). <c>yield return null;</c> means the same.
    /// </summary>
    public static IAwaitable NextTick { get; } = new NextTickAwaitable();

    /// <summary>Sleeps for <paramref name="duration"/> of the task's time: its <see cref="GameClock"/>'s when it is
    /// bound to one (started by <see cref="GameClock.Start"/> or a <see cref="Scope"/> with a clock), else loop time.</summary>
    /// <param name="duration">The delay, in seconds (<c>Co.Sleep(0.5)</c>) or as a <see cref="TimeSpan"/>; zero or less
    /// means "next tick" (R9). Seconds are rounded to 100 ns; a delay past the end of time saturates there (R10).</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is a NaN or infinite number of
    /// seconds.</exception>
    /// <remarks>The coroutine resumes in the first tick whose time is at or past the deadline, never before (R7);
    /// sleeps with equal deadlines resume in the order they were started (R8).</remarks>
    public static IAwaitable Sleep(Duration duration) => SleepRequest.Rent(duration.ToDelayTicks(nameof(duration)));

    /// <summary>
    /// Sleeps for <paramref name="duration"/> of the loop's real (unscaled) time, even in a task bound to a
    /// <see cref="GameClock"/>: a scaled or paused clock does not stretch it (R13). For menus, UI and network timeouts.
    /// </summary>
    /// <param name="duration">The delay, in seconds or as a <see cref="TimeSpan"/>; zero or less means "next tick"
    /// (R9).</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is a NaN or infinite number of
    /// seconds.</exception>
    public static IAwaitable SleepRealtime(Duration duration) =>
        SleepRequest.Rent(duration.ToDelayTicks(nameof(duration)), null, realtime: true);

    /// <summary>
    /// Runs <paramref name="coroutine"/> inline, as part of the same task: the caller resumes when the child ends,
    /// in the same step (R24). A failure in the child fails the caller too, like an exception through a call.
    /// </summary>
    /// <param name="coroutine">A fresh coroutine iterator (an iterator runs once, R27).</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    public static IAwaitable Call(IEnumerator<IAwaitable> coroutine)
    {
        UntypedCall call = UntypedCall.Rent(coroutine ?? throw new ArgumentNullException(nameof(coroutine)));
        if (UnyieldedCalls.s_active != 0)
        {
            UnyieldedCalls.Note(call);   // debug mode: a call never yielded is reported at the end of the step
        }

        return call;
    }

    /// <summary>
    /// Runs <paramref name="coroutine"/> inline and receives the value it produces with <see cref="Return{T}(T)"/>.
    /// </summary>
    /// <typeparam name="T">The type of the child's result.</typeparam>
    /// <param name="coroutine">A fresh coroutine iterator (an iterator runs once, R27).</param>
    /// <returns>A one-shot call to yield once; read <see cref="Call{T}.Result"/> after the yield.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    public static Call<T> Call<T>(IEnumerator<IAwaitable> coroutine)
    {
        Call<T> call = YieldLoop.Call<T>.Rent(coroutine ?? throw new ArgumentNullException(nameof(coroutine)));
        if (UnyieldedCalls.s_active != 0)
        {
            UnyieldedCalls.Note(call);
        }

        return call;
    }

    /// <summary>
    /// Ends the coroutine with a result: for a task started with <c>Start&lt;T&gt;</c>, or a caller that used
    /// <see cref="Call{T}(IEnumerator{IAwaitable})"/>. The coroutine's pending <c>finally</c> blocks run.
    /// </summary>
    /// <typeparam name="T">The type of the result: the caller's type, or one assignable to it without a conversion (a
    /// <c>string</c> for <c>Start&lt;object&gt;</c>, a <c>List&lt;int&gt;</c> for <c>Co.Call&lt;IReadOnlyList&lt;int&gt;&gt;</c>),
    /// as a C# <c>return</c> would accept; a value that needs a conversion (an <c>int</c> for a <c>long</c>) faults the task
    /// with a message naming both types.</typeparam>
    /// <param name="value">The result.</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    public static IAwaitable Return<T>(T value) => ReturnRequest<T>.Rent(value);

    /// <summary>
    /// Waits for <paramref name="future"/> to complete in any way without failing when it faults or is cancelled;
    /// afterwards inspect <see cref="Future.State"/> and <see cref="Future.Exception"/>. The failure counts as
    /// observed (R22, R23).
    /// </summary>
    /// <param name="future">The future to wait for.</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    public static IAwaitable Settle(Future future) =>
        SettleRequest.Rent(future ?? throw new ArgumentNullException(nameof(future)));

    /// <summary>
    /// Returns a future that completes like <paramref name="future"/>, but whose cancellation does not cancel
    /// <paramref name="future"/>: a task parked on the shield can be cancelled while the inner work goes on (R31).
    /// </summary>
    /// <param name="future">The future to protect.</param>
    /// <returns>The shield; it completes together with <paramref name="future"/>. If the shield was cancelled and the
    /// inner work later faults, that failure goes to <see cref="EventLoop.UnhandledExceptionHandler"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    public static Future Shield(Future future)
    {
        if (future is null)
        {
            throw new ArgumentNullException(nameof(future));
        }

        future._loop.CheckAccess();
        var shield = new Future(future._loop);
        var watcher = new ShieldWatcher(shield);
        if (future.IsCompleted)
        {
            watcher.OnCompleted(future);
        }
        else
        {
            future.AddWaiter(watcher);
        }

        return shield;
    }

    /// <summary>
    /// Creates a reusable periodic wait: yielding it resumes the coroutine at t0 + k * period for k = 1, 2, ...,
    /// where t0 is the loop time of its first yield, without drift (R11).
    /// </summary>
    /// <param name="period">The period, in seconds or as a <see cref="TimeSpan"/>; must be positive (at least 100 ns once
    /// rounded). A period in seconds that is not a whole number of 100 ns ticks (1/3 s) keeps its exact grid
    /// t0 + round(k * p); a <see cref="TimeSpan"/> is exact.</param>
    /// <returns>The interval; yield it each time round the loop.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive, or is a NaN or infinite
    /// number of seconds.</exception>
    /// <remarks>The grid is exact and absolute: a grid point past the end of time (see <see cref="EventLoop.Time"/>)
    /// is never reached, so the wait for it stays pending until cancelled.</remarks>
    public static Interval Every(Duration period) => ToInterval(period, nameof(period));

    /// <summary>The interval of a period (<see cref="Every"/>, <see cref="EventLoop.CallEvery(Duration, Action{PeriodicTick})"/>):
    /// seconds checked and kept for the exact grid, a <see cref="TimeSpan"/> exact and not saturated.</summary>
    internal static Interval ToInterval(Duration period, string paramName)
    {
        if (period.IsSeconds)
        {
            double seconds = period.Seconds;
            long ticks = TimeMath.CheckedSeconds(seconds, paramName);
            if (ticks <= 0)
            {
                throw new ArgumentOutOfRangeException(paramName, seconds, "A period must be positive (at least 100 ns).");
            }

            return new Interval(ticks, seconds);
        }

        TimeSpan span = period.Span;
        if (span <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, span, "A period must be positive (at least 100 ns).");
        }

        return new Interval(span.Ticks);   // exact, not saturated: grid points past the end of time are never (R10)
    }
}
