using System;
using System.Threading;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A clock that moves only when told to: for deterministic tests, headless simulation and fixed-step games.
/// </summary>
/// <remarks>
/// <para>Time never moves backwards (docs/semantics.md R10): a negative, NaN or infinite step, or a <see cref="Set"/> to an
/// earlier time, throws <see cref="ArgumentOutOfRangeException"/> and leaves the clock unchanged. Reading
/// <see cref="Now"/> is safe from any thread, and so are <see cref="Advance"/>, <see cref="Advance"/>
/// and <see cref="Set"/> (each is one atomic move); an idle <see cref="EventLoop.RunUntilComplete(Future)"/> on a manual
/// clock does not notice a move made from another thread until something is posted to the loop (R53).</para>
/// <para><b>The end of time.</b> Time saturates at the end of time, 2^62 - 1 ticks of 100 ns
/// (<c>TimeSpan.FromTicks(4611686018427387903)</c>, 5,337,599.56 days: about 14,600 years), the same end as the loop's
/// (<see cref="EventLoop.Time"/>) and every <see cref="GameClock"/>'s. No step wraps: a start, an advance or a
/// <see cref="Set"/> past it stops the clock there, without an exception, and every later advance leaves it there.
/// Waits computed from a delay saturate there too, so they come due when the clock reads the end of time; a time past
/// it is never reached (docs/design.md, "Time at its limits").</para>
/// </remarks>
public sealed class ManualClock : IClock
{
    private long _ticks;   // in [0, TimeMath.EndOfTime]; changed only by compare-and-swap, so every move is atomic

    /// <summary>Creates a manual clock that starts at <paramref name="start"/> (zero by default).</summary>
    /// <param name="start">The initial time; must not be negative. A time past the end of time starts the clock at the
    /// end of time.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative.</exception>
    public ManualClock(TimeSpan start = default)
    {
        if (start < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "A manual clock cannot start before zero.");
        }

        _ticks = TimeMath.ClampToEnd(start.Ticks);
    }

    /// <inheritdoc/>
    public TimeSpan Now => new(Volatile.Read(ref _ticks));

    /// <summary>
    /// Gets or sets whether a loop running on this clock jumps it forward instead of waiting: when
    /// <see cref="EventLoop.RunUntilComplete(Future)"/>, <see cref="EventLoop.RunForever"/> or
    /// <see cref="EventLoop.RunUntilIdle"/> finds no ready work, no hand-over and no offload or awaited .NET task in
    /// flight, it sets the clock to the next timer's time (Trio's autojump). Off by default.
    /// </summary>
    /// <remarks>An hour of sleeps runs in milliseconds, and each wake-up sees the clock exactly at its deadline. Work
    /// handed over by threads the loop does not know about (a raw <see cref="EventLoop.Post"/> from a thread you
    /// started) is not waited for: time may jump past it, as it would in a real game that does not wait.</remarks>
    public bool AutoJump
    {
        get => Volatile.Read(ref _autoJump);
        set => Volatile.Write(ref _autoJump, value);
    }

    private bool _autoJump;

    /// <summary>Moves the clock to <paramref name="ticks"/> unless it is already there or later (a loop's auto-jump).</summary>
    internal void JumpTo(long ticks)
    {
        ticks = TimeMath.ClampToEnd(ticks);
        long current = Volatile.Read(ref _ticks);
        while (ticks > current)
        {
            long seen = Interlocked.CompareExchange(ref _ticks, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, stopping at the end of time (see the remarks).</summary>
    /// <param name="delta">How far to move, in seconds (rounded to 100 ns) or as a <see cref="TimeSpan"/>; zero is
    /// allowed, and so are <see cref="double.MaxValue"/> seconds and <see cref="TimeSpan.MaxValue"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative, or a NaN or infinite number
    /// of seconds; the clock does not move.</exception>
    public void Advance(Duration delta)
    {
        if (delta.IsSeconds)
        {
            double seconds = delta.Seconds;
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(delta), seconds,
                    "Time never moves backwards: advance a manual clock by a finite, non-negative number of seconds.");
            }

            AddSaturating(TimeMath.SecondsToTicks(seconds));
            return;
        }

        TimeSpan span = delta.Span;
        if (span < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), span,
                "Time never moves backwards: a manual clock can only be advanced by zero or more.");
        }

        AddSaturating(span.Ticks);
    }

    /// <summary>Sets the clock back (or forward) to <paramref name="ticks"/>: only <see cref="EventLoop.Restore"/> moves
    /// time back, to the time of the checkpoint it restores.</summary>
    internal void RewindTo(long ticks) => Volatile.Write(ref _ticks, TimeMath.ClampToEnd(ticks));

    /// <summary>Sets the clock to <paramref name="now"/>, which must not be earlier than the current time; a time past
    /// the end of time sets the end of time.</summary>
    /// <param name="now">The new time.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="now"/> is earlier than <see cref="Now"/>.</exception>
    public void Set(TimeSpan now)
    {
        long target = TimeMath.ClampToEnd(now.Ticks);
        long current = Volatile.Read(ref _ticks);
        while (true)
        {
            // Checked against the value the swap replaces: a concurrent advance that moved the clock past 'now' makes this
            // a backwards move, as if it had come after that advance.
            if (now.Ticks < current)
            {
                throw new ArgumentOutOfRangeException(nameof(now), now,
                    $"Time never moves backwards: the clock is at {new TimeSpan(current)}, so it cannot be set to {now}.");
            }

            long seen = Interlocked.CompareExchange(ref _ticks, target, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Adds a non-negative step, stopping at the end of time.</summary>
    /// <remarks>A compare-and-swap loop, not <see cref="Interlocked.Add(ref long, long)"/>: a sum that passed the end
    /// would be visible to other threads (wrapped, or past the end) before it could be corrected.</remarks>
    private void AddSaturating(long delta)
    {
        long current = Volatile.Read(ref _ticks);
        while (true)
        {
            // current <= EndOfTime and delta >= 0: compare before adding, so nothing overflows.
            long next = delta >= TimeMath.EndOfTime - current ? TimeMath.EndOfTime : current + delta;
            long seen = Interlocked.CompareExchange(ref _ticks, next, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
