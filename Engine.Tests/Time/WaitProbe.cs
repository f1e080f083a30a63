using System;
using System.Collections.Generic;

namespace YieldLoop.Tests;

/// <summary>What a timed wait saw: the loop time and the clock's time when it woke, and whether its finally ran.</summary>
internal sealed class WaitProbe
{
    public TimeSpan? Real;
    public TimeSpan? Local;
    public bool FinallyRan;

    public bool Woke => Real.HasValue;

    /// <summary>Yields <paramref name="wait"/>'s awaitable once and records into <paramref name="probe"/>.</summary>
    public static IEnumerator<IAwaitable> Record(EventLoop loop, GameClock? clock, Func<IAwaitable> wait, WaitProbe probe)
    {
        try
        {
            yield return wait();
            probe.Real = loop.Time;
            probe.Local = clock?.Now;
        }
        finally
        {
            probe.FinallyRan = true;
        }
    }
}
