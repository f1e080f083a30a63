using System;

namespace YieldLoop;

/// <summary>
/// The source of time for an <see cref="EventLoop"/>. The loop reads it once per tick, so every timer due in a
/// tick sees the same "now".
/// </summary>
/// <remarks>
/// Time is a <see cref="TimeSpan"/> since an arbitrary origin, at the resolution of <see cref="TimeSpan.Ticks"/>
/// (100 ns). The loop never lets its own time move backwards: a clock that reports an earlier time than before
/// is treated as standing still. The engine ships <see cref="RealClock"/> (wall time) and
/// <see cref="ManualClock"/> (advanced by hand, for tests and fixed-step games).
/// </remarks>
public interface IClock
{
    /// <summary>Gets the current time of this clock.</summary>
    TimeSpan Now { get; }
}
