using System;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A reusable periodic wait made by <see cref="Co.Every(double)"/>: the k-th resumption (k = 1, 2, ...) is due
/// at t0 + k * <see cref="Period"/>, where t0 is the loop time of the first yield (R11). Deadlines are computed
/// from t0 each time, never by adding the period repeatedly, so they do not drift.
/// </summary>
/// <remarks>
/// If a tick comes several periods late, the coroutine resumes once; the missed deadlines are skipped and the next
/// one stays on the grid. <see cref="Skipped"/> tells how many were skipped at the last resumption. One interval
/// serves one coroutine at a time.
/// </remarks>
public sealed class Interval : IAwaitable
{
    internal readonly long _period;
    internal EventLoop? _loop;
    internal long _origin;
    internal long _k;          // the index of the deadline last waited for

    internal Interval(long periodTicks)
    {
        _period = periodTicks;
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

            long behind = ((_loop.NowTicks - _origin) / _period) - _k;
            return behind > 0 ? behind : 0;
        }
    }

    bool IAwaitable.IsCompleted => false;

    void IAwaitable.OnCompleted(Action continuation) => throw new InvalidOperationException(
        "An Interval is consumed by the loop when a coroutine yields it; it cannot be awaited any other way.");

    /// <summary>Computes the next deadline on the grid, skipping the ones already past (R11).</summary>
    internal long NextDeadline(EventLoop loop)
    {
        long now = loop.NowTicks;
        if (_loop is null)
        {
            _loop = loop;
            _origin = now;
            _k = 0;
        }
        else if (!ReferenceEquals(_loop, loop))
        {
            throw new InvalidOperationException("This Interval is bound to another loop; create one interval per loop.");
        }

        long passed = (now - _origin) / _period;   // deadlines at or before now
        _k = Math.Max(_k + 1, passed + 1);
        return _origin + (_k * _period);
    }
}
