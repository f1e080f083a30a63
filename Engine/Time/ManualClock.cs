using System;
using System.Threading;

namespace YieldLoop;

/// <summary>
/// A clock that moves only when told to: for deterministic tests, headless simulation and fixed-step games.
/// </summary>
/// <remarks>
/// Time never moves backwards (SEMANTICS R10): a negative, NaN or infinite step, or a <see cref="Set"/> to an
/// earlier time, throws <see cref="ArgumentOutOfRangeException"/> and leaves the clock unchanged. Reading
/// <see cref="Now"/> is safe from any thread; an idle <see cref="EventLoop.RunUntilComplete(Future)"/> on a manual
/// clock does not notice a move made from another thread until something is posted to the loop (R53).
/// </remarks>
public sealed class ManualClock : IClock
{
    private long _ticks;

    /// <summary>Creates a manual clock that starts at <paramref name="start"/> (zero by default).</summary>
    /// <param name="start">The initial time; must not be negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative.</exception>
    public ManualClock(TimeSpan start = default)
    {
        if (start < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "A manual clock cannot start before zero.");
        }

        _ticks = start.Ticks;
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

    /// <summary>Moves the clock forward by <paramref name="delta"/>.</summary>
    /// <param name="delta">How far to move; zero is allowed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative.</exception>
    public void Advance(TimeSpan delta)
    {
        if (delta < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta,
                "Time never moves backwards: a manual clock can only be advanced by zero or more.");
        }

        Interlocked.Add(ref _ticks, delta.Ticks);
    }

    /// <summary>Moves the clock forward by <paramref name="seconds"/> seconds (rounded to 100 ns).</summary>
    /// <param name="seconds">How far to move, in seconds; zero is allowed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is negative, NaN or infinite.</exception>
    public void Advance(double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds,
                "Time never moves backwards: advance a manual clock by a finite, non-negative number of seconds.");
        }

        Interlocked.Add(ref _ticks, Internal.TimeMath.SecondsToTicks(seconds));
    }

    /// <summary>Sets the clock to <paramref name="now"/>, which must not be earlier than the current time.</summary>
    /// <param name="now">The new time.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="now"/> is earlier than <see cref="Now"/>.</exception>
    public void Set(TimeSpan now)
    {
        long current = Volatile.Read(ref _ticks);
        if (now.Ticks < current)
        {
            throw new ArgumentOutOfRangeException(nameof(now), now,
                $"Time never moves backwards: the clock is at {new TimeSpan(current)}, so it cannot be set to {now}.");
        }

        Volatile.Write(ref _ticks, now.Ticks);
    }
}
