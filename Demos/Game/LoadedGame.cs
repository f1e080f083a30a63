using System;

namespace YieldLoop.Demos.Game;

/// <summary>A game read from a save (<see cref="GameSave.Read"/>).</summary>
/// <param name="Loop">The new loop, with the saved coroutines.</param>
/// <param name="World">The world, with its entities and its loop objects.</param>
/// <param name="FixedStep">The host's fixed timestep as it was.</param>
/// <param name="Stats">The measurements so far.</param>
/// <param name="Frame">The last frame played before the save.</param>
/// <param name="Start">The host's time when the session began.</param>
internal sealed record LoadedGame(EventLoop Loop, World World, FixedTimestep FixedStep, GameStats Stats, int Frame, TimeSpan Start);
