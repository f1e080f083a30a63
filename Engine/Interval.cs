using System;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A reusable periodic wait made by <see cref="Co.Every(double)"/>: the k-th resumption (k = 1, 2, ...) is due
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
/// at the first grid point after its yield. Create one interval per coroutine with <see cref="Co.Every(double)"/>.</para>
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
    internal LoopTask? _owner;

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
    internal long NextDeadline(EventLoop loop, LoopTask task, GameClock? clock)
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
    private void TakeOver(LoopTask task)
    {
        if (_owner is { IsCompleted: false } owner)
        {
            throw new InvalidOperationException(
                $"Coroutine '{task.Name}' yielded an Interval that coroutine '{owner.Name}' is using; an Interval serves one coroutine at a time, because each yield advances its grid. Create one Interval per coroutine with Co.Every(...).");
        }

        if (_owner is not null)
        {
            _k = 0;   // the ended owner's pending deadline is nobody's now: the new owner waits for the next grid point
        }

        _owner = task;
    }

    private long Now(EventLoop loop) => _clock is null ? loop.NowTicks : _clock.LocalAt(loop.NowTicks);

    internal long DeadlineOf(long k) => _seconds > 0
        ? _origin + (long)Math.Round(k * _seconds * TimeSpan.TicksPerSecond)
        : _origin + (k * _period);

    /// <summary>How many deadlines lie at or before <paramref name="now"/>.</summary>
    internal long PassedAt(long now)
    {
        long k = (now - _origin) / _period;   // an estimate when the period is fractional: correct it either way
        while (k > 0 && DeadlineOf(k) > now)
        {
            k--;
        }

        while (DeadlineOf(k + 1) <= now)
        {
            k++;
        }

        return k;
    }
}
