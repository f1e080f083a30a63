using System;

namespace YieldLoop.Internal;

/// <summary>Conversions between user-facing durations and the loop's integer time (100 ns ticks).</summary>
/// <remarks>
/// The loop keeps time as a 64-bit count of <see cref="TimeSpan"/> ticks so that periodic deadlines are exact
/// (t0 + k * p, R11) and timers compare without rounding. Seconds are rounded to the nearest tick, the same way
/// everywhere (sleeps and <see cref="ManualClock.Advance(double)"/>), so a 1 ms sleep on a clock advanced by 1 ms
/// is due after exactly one advance.
/// </remarks>
internal static class TimeMath
{
    /// <summary>The largest delay the loop keeps exactly (about 900 years); longer ones saturate. Kept below the
    /// span of the timer wheel's top level so a deadline is never a full rotation away.</summary>
    internal const long MaxDelayTicks = 1L << 58;

    internal static long SecondsToTicks(double seconds)
    {
        double ticks = Math.Round(seconds * TimeSpan.TicksPerSecond);
        if (ticks >= MaxDelayTicks)
        {
            return MaxDelayTicks;
        }

        return ticks <= -MaxDelayTicks ? -MaxDelayTicks : (long)ticks;
    }

    internal static long CheckedSeconds(double seconds, string paramName)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds))
        {
            throw new ArgumentOutOfRangeException(paramName, seconds,
                "A delay must be a finite number of seconds (NaN and infinity are rejected); zero or less means 'next tick'.");
        }

        return SecondsToTicks(seconds);
    }

    internal static long Saturate(long ticks)
    {
        if (ticks > MaxDelayTicks)
        {
            return MaxDelayTicks;
        }

        return ticks < -MaxDelayTicks ? -MaxDelayTicks : ticks;
    }

    internal static string Format(long ticks) =>
        (ticks / (double)TimeSpan.TicksPerSecond).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) + "s";
}
