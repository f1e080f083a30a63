using System;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>A clock over <see cref="Stopwatch"/>: real, monotonic time starting at zero when it is created.</summary>
/// <remarks>Like every clock of the engine it stops at the end of time (see <see cref="ManualClock"/>), which it would
/// reach after about 14,600 years of uptime: the reading saturates there instead of wrapping (R10).</remarks>
public sealed class RealClock : IClock
{
    private static readonly double s_ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <inheritdoc/>
    public TimeSpan Now
    {
        get
        {
            // Compared as a double first: converting a double past long's range to a long is not defined on every
            // runtime this library targets.
            double ticks = (Stopwatch.GetTimestamp() - _origin) * s_ticksPerTimestamp;
            return new TimeSpan(ticks < TimeMath.EndOfTimeAsDouble ? (long)ticks : TimeMath.EndOfTime);
        }
    }
}
