using System.Globalization;

namespace YieldLoop.Demos.Rollback;

/// <summary>One fighter's state as a value: what <see cref="Fighter"/> captures for a checkpoint and what two runs
/// compare.</summary>
/// <param name="Position">The cell the fighter stands on.</param>
/// <param name="Facing">-1 facing left, +1 facing right.</param>
/// <param name="Health">Hit points left.</param>
/// <param name="DashReady">Whether the dash's cooldown is over.</param>
/// <param name="ShotReady">Whether the gun is reloaded.</param>
/// <param name="Shots">Shots fired.</param>
/// <param name="Hits">Shots that hit the other fighter.</param>
internal readonly record struct FighterState(
    int Position, int Facing, int Health, bool DashReady, bool ShotReady, int Shots, int Hits)
{
    /// <summary>Describes the fighter in one short line.</summary>
    /// <returns>Position, health, shots and hits.</returns>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"x={Position,2} {(Facing < 0 ? '<' : '>')} hp={Health,2} shots={Shots,2} hits={Hits,2}");
}
