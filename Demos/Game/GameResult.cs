using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Game;

/// <summary>What a game session did, for the summary.</summary>
/// <param name="Frames">How many frames the host ran.</param>
/// <param name="FixedSteps">How many fixed steps it ran.</param>
/// <param name="DroppedSteps">How many fixed steps it dropped because frames came too late.</param>
/// <param name="Duration">How much real time the session took.</param>
/// <param name="Quit">Whether a key ended it (otherwise the time limit did).</param>
/// <param name="Spawned">How many enemies were spawned.</param>
/// <param name="Died">How many enemies died of old age.</param>
/// <param name="Left">How many enemies were on the field at the end.</param>
/// <param name="Stats">The measurements by mode.</param>
/// <param name="Failures">What coroutines threw; empty when the game ran as it should.</param>
internal sealed record GameResult(
    int Frames,
    long FixedSteps,
    long DroppedSteps,
    TimeSpan Duration,
    bool Quit,
    int Spawned,
    int Died,
    int Left,
    GameStats Stats,
    IReadOnlyList<Exception> Failures)
{
    /// <summary>Gets whether the session stopped after writing a save (see <see cref="GameHost.SaveAtFrame"/>).</summary>
    public bool Saved { get; init; }

    /// <summary>Gets the world at the end, described in lines (see <see cref="World.Describe"/>).</summary>
    public IReadOnlyList<string> FinalWorld { get; init; } = Array.Empty<string>();

    /// <summary>Gets where the cutscene was at the end (see <see cref="World.DescribeCutscene"/>).</summary>
    public string Cutscene { get; init; } = string.Empty;
}
