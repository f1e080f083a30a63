using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>The periodic callbacks of the loop (R11): <see cref="CallEvery(Duration, Action{PeriodicTick})"/>.</summary>
/// <remarks>
/// <para><b>Model.</b> A periodic callback is an engine coroutine task that waits on an <see cref="Interval"/>-backed
/// grid (<c>Internal/PeriodicGrid.cs</c>) and calls the callback at each grid point. The grid starts at the loop time
/// of the <c>CallEvery</c> call (t0); the k-th grid point is t0 + k * p, computed from t0 each time (no drift). A tick
/// at or past a grid point calls the callback once; a tick that comes several periods late calls it once, skips the
/// grid points it passed (<see cref="PeriodicTick.Skipped"/>) and the next call stays on the grid. This also holds for
/// the first call: if the first tick after <c>CallEvery</c> is already past t0 + p, the callback runs in that tick.</para>
/// <para><b>Why a task.</b> The handle is an ordinary <see cref="LoopTask"/>: <see cref="Future.Cancel"/> stops the
/// repetition (the timer leaves the loop, R12), <see cref="Close"/> cancels it, yielding it waits for the last call,
/// and calls run in FIFO order with other work (R3), in their own turn (R4). A waiting periodic callback costs one
/// timer and allocates nothing per call. A dedicated watcher was rejected: watchers may not run user code.</para>
/// <para><b>The periodic family.</b> Two entry points, one per style: <c>CallEvery</c> calls a callback (until cancelled,
/// or a given number of times), and <see cref="Co.Every"/> gives a coroutine a reusable wait to yield in its own loop.
/// No magic count: repeating until cancelled is the overload without a count (docs/design.md, "Public API
/// decisions").</para>
/// </remarks>
public sealed partial class EventLoop
{
    /// <summary>
    /// Calls <paramref name="callback"/> every <paramref name="period"/> of loop time until cancelled, at t0 + k * p for
    /// k = 1, 2, ... where t0 is the loop time of this call, without drift (R11).
    /// </summary>
    /// <param name="period">The period, in seconds or as a <see cref="TimeSpan"/>; must be positive (see
    /// <see cref="Co.Every"/>).</param>
    /// <param name="callback">The callback; it receives the firing's <see cref="PeriodicTick"/> (its number, its grid
    /// point and how many grid points a late tick skipped). If it throws, the exception goes to
    /// <see cref="UnhandledExceptionHandler"/> and the repetition continues.</param>
    /// <returns>A task that runs until cancelled; cancel it to stop the repetition, also from inside the callback.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive, or is a NaN or infinite
    /// number of seconds.</exception>
    /// <exception cref="InvalidOperationException">The call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public LoopTask CallEvery(Duration period, Action<PeriodicTick> callback) =>
        StartPeriodic(Co.ToInterval(period, nameof(period)), callback, UntilCancelled);

    /// <summary>
    /// Calls <paramref name="callback"/> every <paramref name="period"/> of loop time, <paramref name="count"/> times,
    /// on the same grid as <see cref="CallEvery(Duration, Action{PeriodicTick})"/>, then completes.
    /// </summary>
    /// <param name="period">The period, in seconds or as a <see cref="TimeSpan"/>; must be positive.</param>
    /// <param name="callback">The callback (see <see cref="CallEvery(Duration, Action{PeriodicTick})"/>).</param>
    /// <param name="count">How many calls to make: zero or more. Skipped grid points are not calls and do not count.
    /// 0 makes no call: the task completes successfully in its first turn (the next tick), so a computed count of zero
    /// needs no special case. To repeat until cancelled, use the overload without a count.</param>
    /// <returns>A task that completes (successfully) after the last call, or ends cancelled when cancelled first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive, or is a NaN or infinite
    /// number of seconds; or <paramref name="count"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public LoopTask CallEvery(Duration period, Action<PeriodicTick> callback, int count)
    {
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count,
                "A repeat count must be zero or more; to repeat until cancelled, call CallEvery(period, callback) without a count.");
        }

        return StartPeriodic(Co.ToInterval(period, nameof(period)), callback, count);
    }

    // The count of the overload without one; never a count a caller can pass (negative counts are refused).
    private const int UntilCancelled = -1;

    private LoopTask StartPeriodic(Interval interval, Action<PeriodicTick> callback, int count)
    {
        if (callback is null)
        {
            throw new ArgumentNullException(nameof(callback));
        }

        CheckAccess();
        var grid = new PeriodicGrid(interval, this, NowTicks);   // t0 is now, not the first step in the next tick
        return Start(CallPeriodically(grid, callback, count), "CallEvery(" + TimeMath.Format(interval._period) + ")");
    }

    private IEnumerator<IAwaitable> CallPeriodically(PeriodicGrid grid, Action<PeriodicTick> callback, int count)
    {
        while (count == UntilCancelled || grid.Fired < count)
        {
            long passed = grid.PassedAt(NowTicks);
            if (passed <= 0 || grid.Fired > 0)
            {
                // Wait for the next grid point. (Only the first step can find one already passed: a callback takes no
                // loop time, so after a call the loop time is still that call's grid point or later, already fired.)
                yield return grid.WaitAfter(NowTicks);
                passed = grid.PassedAt(NowTicks);
            }

            PeriodicTick tick = grid.Fire(passed);
            try
            {
                callback(tick);
            }
            catch (Exception ex)
            {
                // R18: a throwing callback does not stop the loop, nor this repetition; its exception goes to the handler.
                Report(ex);
            }
        }
    }
}
