using System;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;

namespace YieldLoop.Demos.Tui;

/// <summary>
/// Runs a <see cref="TuiDemoModel"/> as a Terminal.Gui application: the embedding pattern for a host that owns its
/// main loop.
/// </summary>
/// <remarks>
/// <para><b>The host owns the loop.</b> Terminal.Gui runs its own main loop (input, layout, drawing) and YieldLoop
/// does not run one of its own: it is ticked from the host's timer hook, a repeating
/// <see cref="IApplication.AddTimeout"/> callback. Each callback runs one <see cref="EventLoop.Tick()"/>, in which the
/// coroutines that are due take their steps and write the model, then copies the model into the widgets.</para>
/// <para><b>One thread, no locks.</b> Terminal.Gui calls timeouts and key handlers on its UI thread, the thread that
/// called <see cref="IApplication.Run(IRunnable, Func{Exception, bool})"/>; the model and its loop were created on
/// that thread, and a loop belongs to the thread that created it (R50). So coroutines, button handlers and drawing
/// never overlap, and no widget or model field needs a lock. (Work from another thread would come in through
/// <see cref="EventLoop.Post"/>, which is thread-safe, never by touching a widget.)</para>
/// <para>Rejected: running <see cref="EventLoop.RunForever"/> on a second thread and marshalling every widget update
/// with <c>Invoke</c>: every coroutine line that touches the screen would need the hop, and pausing from
/// a key handler would race the loop.</para>
/// </remarks>
internal static class TuiApp
{
    /// <summary>How often the Terminal.Gui timeout ticks the loop in a terminal: about 60 times a second.</summary>
    public static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(16);

    // Terminal.Gui reads it to skip real terminal detection: set while a headless app runs, so that the ANSI driver
    // neither reads the keyboard nor writes to the controlling terminal (it draws into its buffer only).
    private const string DisableRealDriverIO = "DisableRealDriverIO";

    /// <summary>
    /// Runs the app until the user quits (Q, Esc), a coroutine fails, or the model finishes if it
    /// <see cref="TuiDemoModel.ClosesWhenFinished"/>; a model that does not stays on screen, finished, until the user
    /// quits.
    /// </summary>
    /// <param name="model">The model; created on this thread, not yet ticked.</param>
    /// <param name="options">How to run: in the terminal, or headless on a fixed step of simulated time.</param>
    /// <returns>What the widgets showed at the end.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="options"/> is null.</exception>
    public static TuiScreen Run(TuiDemoModel model, TuiAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);

        string? oldDisable = Environment.GetEnvironmentVariable(DisableRealDriverIO);
        ushort oldRate = Application.MaximumIterationsPerSecond;
        if (options.Headless)
        {
            Environment.SetEnvironmentVariable(DisableRealDriverIO, "1");
        }

        try
        {
            Application.MaximumIterationsPerSecond = options.IterationsPerSecond;
            using IApplication app = Application.Create().Init(options.Headless ? DriverRegistry.Names.ANSI : null);
            using var window = new TuiWindow(model, () => app.RequestStop());
            string screen = string.Empty;

            // P and Q at the application level, before any view sees them, whatever has the focus (the Pause
            // button's own hot key changes to R while it reads Resume). Esc is Terminal.Gui's quit key already.
            app.Keyboard.KeyDown += (_, key) =>
            {
                if (key.NoShift == Key.P)
                {
                    model.TogglePause();
                    window.Refresh();
                    key.Handled = true;
                }
                else if (key.NoShift == Key.Q)
                {
                    app.RequestStop();
                    key.Handled = true;
                }
            };

            // The timer hook: the only place the loop is ticked, on the UI thread (see the remarks above). Once a show
            // that waits for the user is over, the hook stops ticking (nothing is left to run, and the summary's
            // figures stay those of the show) but keeps running, so that a test's AfterTick can still press Q.
            long calls = 0;
            app.AddTimeout(options.TickPeriod, () =>
            {
                if (!model.IsFinished)
                {
                    options.BeforeTick?.Invoke();
                    model.Tick();
                    window.Refresh();
                }

                options.AfterTick?.Invoke(app, window);
                bool timedOut = options.MaxTicks > 0 && ++calls >= options.MaxTicks;
                if ((model.IsFinished && model.ClosesWhenFinished) || model.Failure is not null || timedOut)
                {
                    app.LayoutAndDraw(forceRedraw: true);
                    screen = app.Driver?.ToString() ?? string.Empty;
                    app.RequestStop();
                    return false;
                }

                return true;
            });

            app.Run(window);
            return new TuiScreen(
                screen,
                window.ProgressFraction,
                window.PercentText,
                window.SpinnerLine,
                window.TrackText,
                window.PauseButtonText,
                window.LogLines);
        }
        finally
        {
            Application.MaximumIterationsPerSecond = oldRate;
            Environment.SetEnvironmentVariable(DisableRealDriverIO, oldDisable);
        }
    }
}
