using System;
using System.Diagnostics;

namespace YieldLoop;

/// <summary>A clock over <see cref="Stopwatch"/>: real, monotonic time starting at zero when it is created.</summary>
public sealed class RealClock : IClock
{
    private static readonly double s_ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <inheritdoc/>
    public TimeSpan Now => new((long)((Stopwatch.GetTimestamp() - _origin) * s_ticksPerTimestamp));
}
