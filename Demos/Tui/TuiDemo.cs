using System;
using System.IO;

namespace YieldLoop.Demos.Tui;

/// <summary>
/// YieldLoop inside a host that owns the main loop: a Terminal.Gui application ticks an <see cref="EventLoop"/> from
/// a timeout, and four coroutines animate its widgets (a loading bar, a spinner, a sliding marker, a log) on the one
/// UI thread. P pauses and resumes them all through a <see cref="Scope"/>; Q or Esc quits. In a terminal the window
/// stays open once the show is over, until the user quits.
/// </summary>
/// <remarks>
/// Without a terminal (input or output redirected, or <c>output</c> is not the console, as in tests) the same app runs
/// headless: Terminal.Gui's ANSI driver draws into a buffer only, and the loop runs on simulated time, one
/// <see cref="SimulatedStep"/> per tick, so the run takes a fraction of a second, prints the same every time and
/// closes by itself when the show is over: nobody is there to press Q.
/// </remarks>
internal sealed class TuiDemo : IDemo
{
    /// <summary>How far simulated time moves between two ticks of a headless run.</summary>
    public static readonly TimeSpan SimulatedStep = TimeSpan.FromMilliseconds(50);

    /// <summary>The period of the timeout in a headless run: as fast as it goes, since the clock is simulated.</summary>
    public static readonly TimeSpan HeadlessTickPeriod = TimeSpan.FromMilliseconds(1);

    /// <summary>How many main-loop iterations a second Terminal.Gui may run headless (one tick each).</summary>
    public const ushort HeadlessIterationsPerSecond = 1000;

    /// <summary>A headless run that has not finished after this many ticks (over 8 minutes of simulated time) fails.</summary>
    public const int MaxHeadlessTicks = 10_000;

    /// <inheritdoc/>
    public string Name => "tui";

    /// <inheritdoc/>
    public string Description => "A Terminal.Gui app ticks the loop: coroutines animate its widgets.";

    /// <inheritdoc/>
    public int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsInputRedirected && !Console.IsOutputRedirected;
        return terminal ? RunInTerminal(output) : RunHeadless(output);
    }

    /// <summary>Runs the app in the terminal, in real time, until the user quits; then prints the summary once the
    /// screen is restored.</summary>
    private static int RunInTerminal(TextWriter output)
    {
        using var model = new TuiDemoModel(new RealClock(), closesWhenFinished: false);
        TuiApp.Run(model, new TuiAppOptions());
        return Report(output, model);
    }

    /// <summary>Runs the same app without a terminal, on simulated time, and prints its log and the summary.</summary>
    private static int RunHeadless(TextWriter output)
    {
        output.WriteLine("tui: no terminal, so the Terminal.Gui app runs headless on simulated time");
        output.WriteLine($"     (one tick every {SimulatedStep.TotalMilliseconds:0} ms of it); P, Q and Esc need a terminal.");
        var clock = new ManualClock();
        using var model = new TuiDemoModel(clock);
        try
        {
            TuiApp.Run(model, new TuiAppOptions
            {
                Headless = true,
                TickPeriod = HeadlessTickPeriod,
                IterationsPerSecond = HeadlessIterationsPerSecond,
                BeforeTick = () =>
                {
                    if (model.TickCount > 0)
                    {
                        clock.Advance(SimulatedStep);   // the first tick runs at time zero
                    }
                },
                MaxTicks = MaxHeadlessTicks,
            });
        }
        catch (Exception ex) when (model.TickCount == 0)
        {
            // Terminal.Gui could not start here; the coroutines have not moved yet, so drive the same model in a
            // plain loop instead: what the timeout would have done, without widgets.
            output.WriteLine($"tui: Terminal.Gui could not start ({ex.GetType().Name}: {ex.Message}); ticking in a plain loop.");
            while (!model.IsFinished && model.Failure is null && model.TickCount < MaxHeadlessTicks)
            {
                if (model.TickCount > 0)
                {
                    clock.Advance(SimulatedStep);
                }

                model.Tick();
            }
        }

        output.WriteLine();
        foreach (string line in model.Log)
        {
            output.WriteLine("  " + line);
        }

        output.WriteLine();
        if (!model.IsFinished && model.Failure is null)
        {
            output.WriteLine($"tui: the show did not finish within {MaxHeadlessTicks} ticks.");
            return 1;
        }

        return Report(output, model);
    }

    /// <summary>Prints the summary (or the failure) and returns the exit code.</summary>
    private static int Report(TextWriter output, TuiDemoModel model)
    {
        if (model.Failure is { } failure)
        {
            output.WriteLine($"tui: a coroutine failed: {failure}");
            return 1;
        }

        output.WriteLine(model.Summary);
        return 0;
    }
}
