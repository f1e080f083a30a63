using System;
using Terminal.Gui.App;

namespace YieldLoop.Demos.Tui;

/// <summary>How <see cref="TuiApp"/> runs: in the terminal, or headless for tests and redirected input.</summary>
internal sealed class TuiAppOptions
{
    /// <summary>Gets whether the app runs without a terminal: the ANSI driver draws into its buffer only.</summary>
    public bool Headless { get; init; }

    /// <summary>Gets the period of the Terminal.Gui timeout that ticks the loop.</summary>
    public TimeSpan TickPeriod { get; init; } = TuiApp.TickPeriod;

    /// <summary>
    /// Gets how many main-loop iterations a second Terminal.Gui may run; the timeout runs at most once per iteration.
    /// </summary>
    /// <remarks>Terminal.Gui's default, 25, would run a 16 ms timeout only every 40 ms. (A zero period is no way round
    /// it: a timeout that is always due runs over and over inside one iteration, which then never draws nor stops.)</remarks>
    public ushort IterationsPerSecond { get; init; } = 60;

    /// <summary>Gets what runs in the timeout just before each tick: headless, it moves a manual clock one step on.</summary>
    public Action? BeforeTick { get; init; }

    /// <summary>Gets what runs in the timeout after each tick and redraw of the widgets (tests inject keys here).</summary>
    public Action<IApplication, TuiWindow>? AfterTick { get; init; }

    /// <summary>Gets a guard against a run that never ends: the app stops after this many calls of the timeout (one
    /// tick each until the show is over); 0 means no limit.</summary>
    public long MaxTicks { get; init; }
}
