using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace YieldLoop.Internal;

/// <summary>Conversions between user-facing durations and the loop's integer time (100 ns ticks), and the end of time.</summary>
/// <remarks>
/// <para>The loop keeps time as a 64-bit count of <see cref="TimeSpan"/> ticks so that periodic deadlines are exact
/// (t0 + k * p, R11) and timers compare without rounding. Seconds are rounded to the nearest tick, the same way
/// everywhere (sleeps and <see cref="ManualClock.Advance"/>), so a 1 ms sleep on a clock advanced by 1 ms
/// is due after exactly one advance.</para>
/// <para><b>Time at its limits (R10; docs/design.md, "Time at its limits").</b> Every time the engine reads or keeps —
/// the loop's time, a <see cref="ManualClock"/>'s, a <see cref="GameClock"/>'s local time — lies in
/// [0, <see cref="EndOfTime"/>]: clocks saturate there, no step wraps. A deadline is either a time in that range or
/// <see cref="Never"/>:</para>
/// <list type="bullet">
/// <item>a deadline computed from a delay (a sleep, <c>CallLater</c>, a timeout) saturates at the end of time
/// (<see cref="After"/>), so it comes due once the clock reads the end of time, never earlier (R7);</item>
/// <item>an absolute time past the end of time (<c>CallAt</c>, a periodic grid point t0 + k * p) is never reached:
/// <see cref="Never"/>. So is a game clock's wait that its line reaches only after the loop's end of time, or never
/// (rate 0): its driver is simply not armed until a change of scale makes it reachable.</item>
/// </list>
/// <para>A <see cref="Never"/> timer stays in its wheel, pending and cancellable; the loop reads a wake-up time past the
/// end of time as "none", so a host does not sleep for it and an auto-jumping clock does not jump to it.</para>
/// </remarks>
internal static class TimeMath
{
    /// <summary>
    /// The end of time: 2^62 - 1 ticks of 100 ns (<c>TimeSpan.FromTicks(4611686018427387903)</c>, 5,337,599.56 days: about
    /// 14,600 years). The last time any clock of the engine reads, and the latest finite deadline.
    /// </summary>
    /// <remarks>
    /// Why this value: it is the last tick of the first slot of the timer wheel's top level (a slot of 2^62 ticks), so every
    /// time a clock can read and every finite deadline share that slot and no deadline is ever a full rotation away;
    /// <see cref="Never"/> sits alone in the next slot, which the wheel never reaches. And two times up to it add without
    /// overflow (2 * (2^62 - 1) &lt; 2^63), so a saturating add is an add and one compare (<see cref="After"/>), no
    /// overflow check or division on the hot path. Rejected: <see cref="long.MaxValue"/> (every add needs an overflow check,
    /// and "never" needs a value past the end); 2^58 as before (a game clock's time ended at its anchor plus 2^58, so the
    /// loop and its clocks had different ends, and a loop near 2^63 wrapped).
    /// </remarks>
    internal const long EndOfTime = long.MaxValue / 2;

    /// <summary>A deadline that is never reached: past <see cref="EndOfTime"/>, the largest time a timer can hold.</summary>
    internal const long Never = long.MaxValue;

    // 2^62 as a double: a double below it converts to a long of at most EndOfTime exactly; at or above it (infinity too)
    // it lies past the end of time.
    internal const double EndOfTimeAsDouble = 4611686018427387904.0;

    internal static long SecondsToTicks(double seconds)
    {
        double ticks = Math.Round(seconds * TimeSpan.TicksPerSecond);
        if (ticks >= EndOfTimeAsDouble)
        {
            return EndOfTime;
        }

        return ticks <= -EndOfTimeAsDouble ? -EndOfTime : (long)ticks;
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

    /// <summary>A delay in ticks, saturated to [-<see cref="EndOfTime"/>, <see cref="EndOfTime"/>].</summary>
    internal static long Saturate(long ticks)
    {
        if (ticks > EndOfTime)
        {
            return EndOfTime;
        }

        return ticks < -EndOfTime ? -EndOfTime : ticks;
    }

    /// <summary>A clock reading saturated at the end of time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long ClampToEnd(long ticks) => ticks < EndOfTime ? ticks : EndOfTime;

    /// <summary>The time <paramref name="delay"/> after <paramref name="time"/>, saturated at the end of time: the
    /// deadline of a wait computed from a delay.</summary>
    /// <remarks>The hot path of every sleep: both terms are at most <see cref="EndOfTime"/> = 2^62 - 1 (a time, and a
    /// delay saturated by <see cref="SecondsToTicks"/> or <see cref="Saturate"/>), so the sum cannot overflow and one
    /// compare saturates it.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long After(long time, long delay)
    {
        Debug.Assert(time <= EndOfTime && delay <= EndOfTime, "a time and a delay are at most the end of time");
        long deadline = time + delay;
        return deadline < EndOfTime ? deadline : EndOfTime;
    }

    /// <summary>The time a frozen timer has left (a paused scope): <see cref="Never"/> stays never.</summary>
    internal static long Remaining(long deadline, long now) => deadline == Never ? Never : Math.Max(0, deadline - now);

    /// <summary>The deadline of a frozen timer put back at <paramref name="now"/> (<see cref="Remaining"/>'s inverse).</summary>
    internal static long Resume(long now, long remaining) => remaining == Never ? Never : After(now, remaining);

    internal static string Format(long ticks) =>
        (ticks / (double)TimeSpan.TicksPerSecond).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) + "s";
}
