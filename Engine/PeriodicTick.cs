using System;
using System.Globalization;

namespace YieldLoop;

/// <summary>
/// What a periodic callback learns about the current firing (<see cref="EventLoop.CallEvery(Duration, Action{PeriodicTick})"/>):
/// which firing it is, which grid point it stands for, and how many grid points were skipped before it (R11).
/// </summary>
/// <remarks>
/// The grid of a period p started at t0 is t0 + k * p for k = 1, 2, ... (computed from t0 each time, so it does not
/// drift). Each firing stands for the latest grid point at or before the loop time; the grid points between it and
/// the previous firing were skipped (a late tick). So
/// <see cref="Index"/> = <see cref="Count"/> + (all skipped so far), and the next firing is due at grid point
/// <see cref="Index"/> + 1 at the earliest.
/// </remarks>
public readonly struct PeriodicTick : IEquatable<PeriodicTick>
{
    internal PeriodicTick(long count, long index, long skipped, TimeSpan due)
    {
        Count = count;
        Index = index;
        Skipped = skipped;
        Due = due;
    }

    /// <summary>Gets the number of this firing: 1 for the first call, 2 for the second, ...</summary>
    public long Count { get; }

    /// <summary>Gets k, the index of the grid point this firing stands for (due at t0 + k * p).</summary>
    public long Index { get; }

    /// <summary>Gets how many grid points were skipped since the previous firing (0 when this one is on time).</summary>
    public long Skipped { get; }

    /// <summary>Gets the loop time of the grid point this firing stands for, t0 + <see cref="Index"/> * p; the loop's
    /// <see cref="EventLoop.Time"/> is at or past it (later when the tick came late).</summary>
    public TimeSpan Due { get; }

    /// <summary>Compares two firings field by field.</summary>
    /// <param name="left">The first firing.</param>
    /// <param name="right">The second firing.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(PeriodicTick left, PeriodicTick right) => left.Equals(right);

    /// <summary>Compares two firings field by field.</summary>
    /// <param name="left">The first firing.</param>
    /// <param name="right">The second firing.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(PeriodicTick left, PeriodicTick right) => !left.Equals(right);

    /// <summary>Compares with another firing field by field.</summary>
    /// <param name="other">The other firing.</param>
    /// <returns>Whether all fields are equal.</returns>
    public bool Equals(PeriodicTick other) =>
        Count == other.Count && Index == other.Index && Skipped == other.Skipped && Due == other.Due;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PeriodicTick other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Count, Index, Skipped, Due);

    /// <summary>Describes the firing, for example "firing 3 (grid point 5 due at 2.5s, 1 skipped)".</summary>
    /// <returns>The description.</returns>
    public override string ToString() => string.Format(
        CultureInfo.InvariantCulture, "firing {0} (grid point {1} due at {2}, {3} skipped)",
        Count, Index, Internal.TimeMath.Format(Due.Ticks), Skipped);
}
