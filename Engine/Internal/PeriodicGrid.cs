using System;

namespace YieldLoop.Internal;

/// <summary>
/// The bookkeeping of <see cref="EventLoop.CallEvery(Duration, Action{PeriodicTick}, int)"/>: an
/// <see cref="Interval"/> (which keeps the exact grid t0 + k * p and is what the loop's timer waits on) plus the index
/// of the last grid point that fired.
/// </summary>
/// <remarks>
/// Invariant: <see cref="_last"/> is the grid index of the last firing (0 before the first); a firing always stands for
/// <c>PassedAt(now)</c>, the latest grid point at or before the loop time, so indices strictly increase and the grid
/// points in between are the skipped ones (R11). Before each wait the interval's own index is set to the point after
/// which to wait, so its <c>NextDeadline</c> (called by the loop at the yield) returns the next grid point after both
/// the last firing and the current time.
/// </remarks>
internal sealed class PeriodicGrid
{
    private readonly Interval _interval;
    private long _last;
    private long _fired;

    internal PeriodicGrid(Interval interval, EventLoop loop, long origin)
    {
        _interval = interval;
        interval._loop = loop;
        interval._origin = origin;
        interval._k = 0;
    }

    internal long Fired => _fired;

    /// <summary>The latest grid index at or before <paramref name="now"/> (0 before the first grid point).</summary>
    internal long PassedAt(long now) => _interval.PassedAt(now);

    /// <summary>Prepares the interval so that yielding it waits for the first grid point after <paramref name="now"/>
    /// and after the last firing.</summary>
    internal Interval WaitAfter(long now)
    {
        _interval._k = Math.Max(_last, _interval.PassedAt(now));
        return _interval;
    }

    /// <summary>Records a firing that stands for grid point <paramref name="index"/>.</summary>
    internal PeriodicTick Fire(long index)
    {
        System.Diagnostics.Debug.Assert(index > _last, "a firing stands for a grid point after the last one");
        long skipped = index - _last - 1;
        _last = index;
        _fired++;
        return new PeriodicTick(_fired, index, skipped, new TimeSpan(_interval.DeadlineOf(index)));
    }
}
