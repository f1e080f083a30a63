using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>The coroutine form of the periodic helpers (R11): <see cref="RunEvery(double, Func{IEnumerator{IAwaitable}})"/>.</summary>
/// <remarks>
/// <para><b>Model.</b> <c>RunEvery</c> is an engine coroutine run inline in the yielding task. It keeps the grid
/// t0 + k * p (t0 = the loop time of the yield; k = 1, 2, ...; computed from t0 each time, no drift) and runs the
/// body inline (as <see cref="Call(IEnumerator{IAwaitable})"/>) once per firing. The first run is at t0 + p, like
/// <see cref="Every(double)"/>. A run starts in the first tick at or past its grid point; a late tick runs the body
/// once and skips the grid points it passed.</para>
/// <para><b>A body that overruns.</b> The body may wait (sleep, yield futures, ...). When it ends, the next run starts
/// at the first grid point at or after its end: if it ended exactly on a grid point (a body that takes exactly one
/// period), the next run starts at once, in the same step; if it ended after one or more grid points, those are
/// skipped and the next run waits for the next grid point. The grid never moves. Skipped grid points, from late ticks
/// and overruns alike, are in <see cref="PeriodicTick.Skipped"/>.</para>
/// <para><b>Ending.</b> After <c>count</c> runs the yielding coroutine continues. Cancelling the task that yielded
/// it stops the repetition (the running body's <c>finally</c> blocks run, R30); to stop a repetition on its own,
/// yield it from a task of its own and cancel that task. A body that throws fails the yielding coroutine with that
/// exception, like any inline call (R21): a coroutine cannot catch around a yield, so unlike
/// <see cref="EventLoop.CallEvery(double, Action{PeriodicTick}, int)"/>, whose callbacks are reported and the repetition
/// goes on, a failing body ends the repetition.</para>
/// </remarks>
public static partial class Co
{
    /// <summary>
    /// Runs <paramref name="body"/> inline every <paramref name="seconds"/> seconds of loop time, at t0 + k * p
    /// (t0 = the time of the yield), until the yielding task is cancelled (R11). See the remarks on <c>Co.Periodic.cs</c>.
    /// </summary>
    /// <param name="seconds">The period in seconds; must be positive and finite.</param>
    /// <param name="body">Makes a fresh coroutine for each run.</param>
    /// <returns>A one-shot wait to yield at once; it repeats until the task is cancelled or a run fails.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is not positive and finite.</exception>
    public static IAwaitable RunEvery(double seconds, Func<IEnumerator<IAwaitable>> body) => RunEvery(seconds, body, -1);

    /// <summary>
    /// Runs <paramref name="body"/> inline every <paramref name="seconds"/> seconds, passing it the firing's
    /// <see cref="PeriodicTick"/>, until the yielding task is cancelled (R11).
    /// </summary>
    /// <param name="seconds">The period in seconds; must be positive and finite.</param>
    /// <param name="body">Makes a fresh coroutine for each run from the firing's number, grid point and skipped count.</param>
    /// <returns>A one-shot wait to yield at once; it repeats until the task is cancelled or a run fails.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is not positive and finite.</exception>
    public static IAwaitable RunEvery(double seconds, Func<PeriodicTick, IEnumerator<IAwaitable>> body) => RunEvery(seconds, body, -1);

    /// <summary>
    /// Runs <paramref name="body"/> inline every <paramref name="seconds"/> seconds of loop time, at t0 + k * p
    /// (t0 = the time of the yield), <paramref name="count"/> times or until the yielding task is cancelled (R11).
    /// </summary>
    /// <param name="seconds">The period in seconds; must be positive and finite.</param>
    /// <param name="body">Makes a fresh coroutine for each run.</param>
    /// <param name="count">How many runs; -1 repeats until the task is cancelled; 0 continues at once.</param>
    /// <returns>A one-shot wait to yield at once; the coroutine continues after the last run.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is not positive and finite, or
    /// <paramref name="count"/> is less than -1.</exception>
    /// <remarks>See the remarks on <c>Co.Periodic.cs</c>: a body that overruns its period makes the next run start at
    /// the next grid point (at once if it ended exactly on one); a body that throws ends the repetition and fails the
    /// yielding coroutine; a body that returns null fails it with <see cref="InvalidOperationException"/>.</remarks>
    public static IAwaitable RunEvery(double seconds, Func<IEnumerator<IAwaitable>> body, int count)
    {
        if (body is null)
        {
            throw new ArgumentNullException(nameof(body));
        }

        EventLoop.CheckCount(count);
        return Call(RunPeriodically(Every(seconds), body, count));
    }

    /// <summary>
    /// Runs <paramref name="body"/> inline every <paramref name="seconds"/> seconds, passing it the firing's
    /// <see cref="PeriodicTick"/> (see <see cref="RunEvery(double, Func{IEnumerator{IAwaitable}})"/>).
    /// </summary>
    /// <param name="seconds">The period in seconds; must be positive and finite.</param>
    /// <param name="body">Makes a fresh coroutine for each run from the firing's number, grid point and skipped count.</param>
    /// <param name="count">How many runs; -1 repeats until the task is cancelled; 0 continues at once.</param>
    /// <returns>A one-shot wait to yield at once; the coroutine continues after the last run.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is not positive and finite, or
    /// <paramref name="count"/> is less than -1.</exception>
    public static IAwaitable RunEvery(double seconds, Func<PeriodicTick, IEnumerator<IAwaitable>> body, int count)
    {
        if (body is null)
        {
            throw new ArgumentNullException(nameof(body));
        }

        EventLoop.CheckCount(count);
        return Call(RunPeriodically(Every(seconds), body, count));
    }

    // body is a Func<IEnumerator<IAwaitable>> or a Func<PeriodicTick, IEnumerator<IAwaitable>> (no adapter closure).
    private static IEnumerator<IAwaitable> RunPeriodically(Interval interval, Delegate body, int count)
    {
        EventLoop loop = RequireLoop();
        var grid = new PeriodicGrid(interval, loop, loop.NowTicks);   // t0: the yield
        while (count < 0 || grid.Fired < count)
        {
            long now = loop.NowTicks;
            long passed = grid.PassedAt(now);
            if (!grid.UnfiredPointIsAt(now))
            {
                // Wait for the first grid point after now (and after the last run). The exception: the body ended
                // exactly on a grid point that has not run yet, which is "at or after its end": it runs at once.
                yield return grid.WaitAfter(now);
                passed = grid.PassedAt(loop.NowTicks);
            }

            PeriodicTick tick = grid.Fire(passed);
            IEnumerator<IAwaitable>? run = body is Func<PeriodicTick, IEnumerator<IAwaitable>> withTick
                ? withTick(tick)
                : ((Func<IEnumerator<IAwaitable>>)body)();
            if (run is null)
            {
                throw new InvalidOperationException(
                    $"The body of Co.RunEvery returned null for {tick}; it must return a fresh coroutine iterator for each run.");
            }

            yield return Call(run);
        }
    }
}
