using System;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A reusable periodic wait made by <see cref="Co.Every"/>: the k-th resumption (k = 1, 2, ...) is due
/// at t0 + k * <see cref="Period"/>, where t0 is the time of the first yield (R11). Deadlines are computed
/// from t0 each time, never by adding the period repeatedly, so they do not drift. The time is the yielding task's
/// <see cref="GameClock"/> time when the task is bound to a clock (so a paused or slowed world pauses or slows its
/// periodic waits too), else loop time; the first yield fixes it for the interval's life.
/// </summary>
/// <remarks>
/// <para>If a tick comes several periods late, the coroutine resumes once; the missed deadlines are skipped and the next
/// one stays on the grid. <see cref="Skipped"/> tells how many were skipped at the last resumption.</para>
/// <para>One interval serves one coroutine at a time, because each yield advances its grid: two coroutines sharing one
/// would each resume at half the rate. The first task to yield it owns it; another task that yields it while the owner
/// is still pending faults with <see cref="InvalidOperationException"/> (the owner goes on unharmed). Once the owner has
/// completed, the next task to yield the interval takes it over: the grid stays where it was, and the new owner resumes
/// at the first grid point after its yield. Create one interval per coroutine with <see cref="Co.Every"/>.</para>
/// <para>The grid is absolute and exact (a period given as a <see cref="TimeSpan"/> is not shortened): a grid point past
/// the end of time (see <see cref="EventLoop.Time"/>, or a game clock's time, which ends at the same point) is never
/// reached, so the wait for it stays pending until the task is cancelled (R10).</para>
/// </remarks>
public sealed class Interval : IAwaitable
{
    internal readonly long _period;

    // The period in seconds when it was given in seconds (0 otherwise): deadlines are then t0 + round(k * p) from the
    // exact value, so a period such as 1/3 s, which is not a whole number of ticks, does not drift either (R11).
    internal readonly double _seconds;
    internal EventLoop? _loop;
    internal GameClock? _clock;   // the time base bound at the first yield: the yielding task's clock, or null (loop time)
    internal long _origin;
    internal long _k;          // the index of the deadline last waited for

    // The task that yields this interval (set at its first yield), so a second pending task cannot share it and halve
    // both rates: one reference compare per yield, no allocation. A completed owner is replaced by the next yielder.
    internal Future? _owner;

    internal Interval(long periodTicks, double seconds = 0)
    {
        _period = periodTicks;
        _seconds = seconds;
    }

    /// <summary>Gets the period.</summary>
    public TimeSpan Period => new(_period);

    /// <summary>
    /// Gets how many deadlines were skipped at the last resumption because the tick came late: read it after the
    /// coroutine resumed, before it yields again.
    /// </summary>
    public long Skipped
    {
        get
        {
            if (_loop is null || _k == 0)
            {
                return 0;
            }

            long behind = PassedAt(Now(_loop)) - _k;
            return behind > 0 ? behind : 0;
        }
    }

    bool IAwaitable.IsCompleted => false;

    void IAwaitable.OnCompleted(Action continuation) => throw new InvalidOperationException(
        "An Interval is consumed by the loop when a coroutine yields it; it cannot be awaited any other way.");

    /// <summary>Computes the next deadline on the grid for <paramref name="task"/>, skipping the ones already past (R11).</summary>
    /// <remarks>The first yield binds the interval to its loop and time base: the yielding task's
    /// <see cref="GameClock"/> (<paramref name="clock"/>) or, for an unbound task, loop time. The deadline is in that
    /// time base.</remarks>
    /// <exception cref="InvalidOperationException">The interval belongs to another loop, or another task that is still
    /// pending uses it (nothing changes then).</exception>
    internal long NextDeadline(EventLoop loop, Future task, GameClock? clock)
    {
        if (_loop is null)
        {
            _loop = loop;
            _clock = clock;
            _origin = Now(loop);
            _k = 0;
        }
        else if (!ReferenceEquals(_loop, loop))
        {
            throw new InvalidOperationException("This Interval is bound to another loop; create one interval per loop.");
        }

        if (!ReferenceEquals(_owner, task))
        {
            TakeOver(task);
        }

        _k = Math.Max(_k + 1, PassedAt(Now(loop)) + 1);   // skip the deadlines already past (R11)
        return DeadlineOf(_k);
    }

    /// <summary>A task other than the owner yielded the interval: it becomes the owner unless the owner is still
    /// pending (cold: once per task that starts using the interval).</summary>
    private void TakeOver(Future task)
    {
        if (_owner is { IsCompleted: false } owner)
        {
            throw new InvalidOperationException(
                $"Coroutine '{task.NodeName}' yielded an Interval that coroutine '{owner.NodeName}' is using; an Interval serves one coroutine at a time, because each yield advances its grid. Create one Interval per coroutine with Co.Every(...).");
        }

        if (_owner is not null)
        {
            _k = 0;   // the ended owner's pending deadline is nobody's now: the new owner waits for the next grid point
        }

        _owner = task;
    }

    private long Now(EventLoop loop) => _clock is null ? loop.NowTicks : _clock.LocalAt(loop.NowTicks);

    /// <summary>Grid point <paramref name="k"/> (k &gt;= 0): t0 + k * p, or <see cref="TimeMath.Never"/> when it lies past
    /// the end of time (R10: an absolute time past the end is never reached). Non-decreasing in k.</summary>
    internal long DeadlineOf(long k)
    {
        long room = TimeMath.EndOfTime - _origin;
        if (_seconds > 0)
        {
            double offset = Math.Round(k * _seconds * TimeSpan.TicksPerSecond);
            if (offset >= TimeMath.EndOfTimeAsDouble)
            {
                return TimeMath.Never;   // infinity too
            }

            long ticks = (long)offset;   // below 2^62: exact, and at most EndOfTime
            return ticks <= room ? _origin + ticks : TimeMath.Never;
        }

        // Both factors below 2^31: the product is below 2^62 and adds to _origin without overflow. Else divide (periods of
        // more than 214 s, or late grid points): never multiply into an overflow.
        if ((ulong)k < (1UL << 31) && _period < (1L << 31))
        {
            long offset = k * _period;
            return offset <= room ? _origin + offset : TimeMath.Never;
        }

        return k <= room / _period ? _origin + (k * _period) : TimeMath.Never;
    }

    /// <summary>How many deadlines lie at or before <paramref name="now"/>: the largest k with DeadlineOf(k) &lt;= now.</summary>
    /// <remarks>Never a walk of one k at a time: far from t0 the estimate can be off by many periods (a fractional period
    /// of 1.5 ticks estimated as 2 is off by 10^16 periods after 2^58 ticks), so the search is bounded: an exact division
    /// for a whole number of ticks; else an estimate checked with two calls (the common case), and a galloping search
    /// from it when it is off (at most about 3 * 63 calls, whatever the clock's time).</remarks>
    internal long PassedAt(long now)
    {
        if (now <= _origin)
        {
            return 0;
        }

        if (_seconds <= 0)
        {
            return (now - _origin) / _period;   // exact: DeadlineOf(k) = t0 + k * p, and k * p <= now - t0 does not overflow
        }

        // DeadlineOf rounds k * seconds: non-decreasing in k, DeadlineOf(0) = t0 <= now, and DeadlineOf(long.MaxValue) is
        // Never (a period rounds to at least one tick, so it is at least half a tick: 2^63 of them pass the end of time).
        double estimate = Math.Floor((now - _origin) / (_seconds * TimeSpan.TicksPerSecond));
        long k = estimate < 9.2e18 ? (long)estimate : long.MaxValue - 1;
        long lo;
        long hi;   // invariant: DeadlineOf(lo) <= now < DeadlineOf(hi)
        if (DeadlineOf(k) <= now)
        {
            if (DeadlineOf(k + 1) > now)
            {
                return k;
            }

            lo = k + 1;
            long step = 1;
            while (true)
            {
                hi = long.MaxValue - lo <= step ? long.MaxValue : lo + step;
                if (hi == long.MaxValue || DeadlineOf(hi) > now)
                {
                    break;
                }

                lo = hi;
                step = step < (1L << 61) ? step << 1 : step;
            }
        }
        else
        {
            hi = k;
            long step = 1;
            while (true)
            {
                lo = hi > step ? hi - step : 0;
                if (lo == 0 || DeadlineOf(lo) <= now)
                {
                    break;
                }

                hi = lo;
                step = step < (1L << 61) ? step << 1 : step;
            }
        }

        while (hi - lo > 1)
        {
            long mid = lo + ((hi - lo) / 2);
            if (DeadlineOf(mid) <= now)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
