using System;
using System.Collections.Generic;
using System.Globalization;

namespace YieldLoop.Demos.Tui;

/// <summary>
/// What the tui demo shows, without any user interface: an <see cref="EventLoop"/>, a <see cref="Scope"/> and four
/// coroutines that load assets, spin a spinner, slide a marker and close the show. The coroutines write only to this
/// model's properties; a host reads them after each <see cref="Tick"/> and draws them.
/// </summary>
/// <remarks>
/// <para>The model knows nothing of Terminal.Gui. The app (<see cref="TuiApp"/>) calls <see cref="Tick"/> from a
/// Terminal.Gui timeout on the UI thread and copies the properties into widgets; a test calls <see cref="Tick"/>
/// itself on a <see cref="ManualClock"/>. Everything (ticks, key handlers, drawing) happens on that one thread, so the
/// properties need no locks.</para>
/// <para>The timeline, in unpaused time from the first tick: the loader adds <see cref="ProgressStep"/> % every
/// <see cref="LoadStep"/> and finishes an asset every second (5 s in all); the spinner turns every
/// <see cref="SpinnerPeriod"/> and the marker moves one cell every <see cref="MarkerPeriod"/>, bouncing at the ends,
/// until the loader is done; then the show counts down <see cref="ClosingPause"/> and the model is finished. A model
/// that does not close when finished (<see cref="ClosesWhenFinished"/>, for a person at a terminal) skips the
/// countdown: it is finished when the others are, and the app stays open until the person quits.</para>
/// </remarks>
internal sealed class TuiDemoModel : IDisposable
{
    /// <summary>The assets the loader loads, in order.</summary>
    public static readonly IReadOnlyList<string> Assets = ["textures", "sounds", "fonts", "maps", "scripts"];

    /// <summary>How many progress steps load one asset.</summary>
    public const int StepsPerAsset = 4;

    /// <summary>How many percent one loading step adds: 20 steps make 100 %.</summary>
    public const int ProgressStep = 5;

    /// <summary>How many cells the marker's track has.</summary>
    public const int TrackWidth = 24;

    /// <summary>How many coroutines the model runs: the loader, the spinner, the marker and the show.</summary>
    public const int CoroutineCount = 4;

    /// <summary>How long one loading step sleeps.</summary>
    public static readonly TimeSpan LoadStep = TimeSpan.FromMilliseconds(250);

    /// <summary>The period of the spinner's frames.</summary>
    public static readonly TimeSpan SpinnerPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the marker sleeps between two moves of one cell.</summary>
    public static readonly TimeSpan MarkerPeriod = TimeSpan.FromMilliseconds(50);

    /// <summary>How long the show waits, counting down, between the end of loading and the end of the demo.</summary>
    public static readonly TimeSpan ClosingPause = TimeSpan.FromSeconds(2);

    private const string SpinnerFrames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

    private readonly EventLoop _loop;
    private readonly Scope _animations;
    private readonly IClock _clock;
    private TimeSpan _start;
    private readonly List<string> _log = [];
    private readonly List<Exception> _failures = [];

    // Set by the loader when the last asset is in; the spinner and the marker end at their next step after it.
    private bool _loaded;
    private int _markerDirection = 1;

    /// <summary>Creates the model and starts its coroutines; they take their first step in the first <see cref="Tick"/>.</summary>
    /// <param name="clock">The clock of the loop: a <see cref="RealClock"/> in the app, a <see cref="ManualClock"/> in tests.</param>
    /// <param name="closesWhenFinished">Whether the host closes the app when the show is over (headless runs, which
    /// nobody watches); false for a person at a terminal, who quits with Q or Esc.</param>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <remarks>The loop belongs to the calling thread (R50): create the model on the thread that will tick it.</remarks>
    public TuiDemoModel(IClock clock, bool closesWhenFinished = true)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ClosesWhenFinished = closesWhenFinished;
        _clock = clock;
        _start = clock.Now;
        _loop = new EventLoop(clock, "tui");

        // A coroutine that throws must not vanish (R23): keep it, and the host stops and reports it.
        _loop.UnhandledExceptionHandler = _failures.Add;

        // All four run in one scope, so one Pause() freezes the whole show: sleeps keep the time they had left.
        _animations = new Scope(_loop, "animations");
        LoopTask loader = _animations.Start(Load(), "loader");
        LoopTask spinner = _animations.Start(Spin(), "spinner");
        LoopTask marker = _animations.Start(Slide(), "marker");
        _animations.Start(Show(loader, spinner, marker), "show");
    }

    /// <summary>Gets the loading progress in percent, 0 to 100.</summary>
    public int Progress { get; private set; }

    /// <summary>Gets what the loader is doing, for the line beside the progress bar.</summary>
    public string LoadingText { get; private set; } = "starting";

    /// <summary>Gets the spinner line: a turning frame while loading, a check mark after.</summary>
    public string SpinnerText { get; private set; } = SpinnerFrames[0] + " starting";

    /// <summary>Gets the marker's cell on its track, 0 to <see cref="TrackWidth"/> - 1.</summary>
    public int MarkerPosition { get; private set; }

    /// <summary>Gets how many times the marker turned at an end of its track.</summary>
    public int Bounces { get; private set; }

    /// <summary>Gets the seconds left before the demo closes, once loading is done; 0 before that.</summary>
    public int ClosingIn { get; private set; }

    /// <summary>Gets the lines the coroutines logged, oldest first, each stamped with <see cref="Elapsed"/>.</summary>
    public IReadOnlyList<string> Log => _log;

    /// <summary>Gets whether the animations are paused (see <see cref="TogglePause"/>).</summary>
    public bool IsPaused => _animations.IsPaused;

    /// <summary>Gets whether the show has ended: loaded, counted down (if the app closes by itself), done. A host
    /// whose model <see cref="ClosesWhenFinished"/> stops when it turns true.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>Gets whether the host closes the app when the show is over; otherwise it stays open until the user
    /// quits.</summary>
    public bool ClosesWhenFinished { get; }

    /// <summary>Gets the first failure of a coroutine, if one failed; the host stops and reports it.</summary>
    public Exception? Failure => _failures.Count > 0 ? _failures[0] : null;

    /// <summary>Gets how many ticks the loop has run.</summary>
    public long TickCount => _loop.TickCount;

    /// <summary>Gets the loop time since the first tick (paused time included).</summary>
    public TimeSpan Elapsed => _loop.Time - _start;

    /// <summary>Gets the track with the marker on it, for example <c>·····●··················</c>.</summary>
    public string Track => new string('·', MarkerPosition) + "●" + new string('·', TrackWidth - 1 - MarkerPosition);

    /// <summary>Gets one line that says what the demo is doing now.</summary>
    public string StatusText =>
        IsFinished ? (ClosesWhenFinished ? "done" : "done: press Q or Esc to quit") :
        IsPaused ? "paused: press P to resume" :
        ClosingIn > 0 ? $"all done: closing in {ClosingIn} s" :
        $"{CoroutineCount} coroutines on one thread, tick {TickCount}";

    /// <summary>Gets the line the demo prints at its end.</summary>
    public string Summary =>
        (IsFinished ? $"tui: loaded {Progress}%" : $"tui: stopped at {Progress}%")
        + $", {CoroutineCount} coroutines, {TickCount} ticks, {Seconds(Elapsed)} s";

    /// <summary>Runs one tick of the loop: every coroutine that is due takes its step and updates the properties.</summary>
    /// <remarks>Call it from the thread that created the model: the host's timer hook, or a test.</remarks>
    public void Tick()
    {
        if (_loop.TickCount == 0)
        {
            // Time is counted from the first tick, where the coroutines take their first step, not from the
            // construction: a host may take a while to start (Terminal.Gui sets up the terminal first).
            _start = _clock.Now;
        }

        _loop.Tick();
    }

    /// <summary>Pauses the animations, or resumes them if they are paused: what the P key and the Pause button do.</summary>
    /// <remarks>
    /// Called from a key handler between two ticks, on the loop's thread. <see cref="Scope.Pause"/> freezes each
    /// sleep with the time it had left, so nothing moves, and resuming continues where it stopped.
    /// </remarks>
    public void TogglePause()
    {
        if (IsFinished || _animations.IsDisposed)
        {
            return;
        }

        if (_animations.IsPaused)
        {
            _animations.Resume();
            Append("you: resumed");
        }
        else
        {
            _animations.Pause();
            Append($"you: paused at {Progress}%");
        }
    }

    /// <summary>Cancels what still runs and closes the loop. Disposing twice does nothing.</summary>
    public void Dispose()
    {
        if (_loop.IsClosed)
        {
            return;
        }

        _animations.Dispose();
        _loop.Close();
    }

    /// <summary>The loader: fills the progress bar in steps, one asset after the other.</summary>
    private IEnumerator<IAwaitable> Load()
    {
        foreach (string asset in Assets)
        {
            LoadingText = "loading " + asset;
            for (int step = 0; step < StepsPerAsset; step++)
            {
                yield return Co.Sleep(LoadStep);
                Progress += ProgressStep;
            }

            Append($"loader: {asset} loaded ({Progress}%)");
        }

        LoadingText = "all assets loaded";
        _loaded = true;
    }

    /// <summary>The spinner: a new frame every period, on a grid that does not drift, until loading is done.</summary>
    private IEnumerator<IAwaitable> Spin()
    {
        Interval frame = Co.Every(SpinnerPeriod);
        int frames = 0;
        while (!_loaded)
        {
            yield return frame;
            frames++;
            SpinnerText = $"{SpinnerFrames[frames % SpinnerFrames.Length]} working for {Seconds(Elapsed)} s";
        }

        SpinnerText = "✓ loaded in " + Seconds(Elapsed) + " s";
        Append($"spinner: stopped after {frames} frames");
    }

    /// <summary>The marker: one cell per sleep, turning at the ends of the track, until loading is done.</summary>
    private IEnumerator<IAwaitable> Slide()
    {
        while (!_loaded)
        {
            yield return Co.Sleep(MarkerPeriod);
            MarkerPosition += _markerDirection;
            if (MarkerPosition == 0 || MarkerPosition == TrackWidth - 1)
            {
                _markerDirection = -_markerDirection;
                Bounces++;
                Append($"marker: bounced at the {(MarkerPosition == 0 ? "left" : "right")} end");
            }
        }

        Append($"marker: parked after {Bounces} bounces");
    }

    /// <summary>The show: waits for the three others, counts down the closing pause, and finishes the model.</summary>
    private IEnumerator<IAwaitable> Show(LoopTask loader, LoopTask spinner, LoopTask marker)
    {
        yield return loader;
        yield return Co.WhenAll(spinner, marker);
        if (!ClosesWhenFinished)
        {
            Append("show: all coroutines finished; Q or Esc quits");
            IsFinished = true;
            yield break;
        }

        Append($"show: all coroutines finished; closing in {ClosingPause.TotalSeconds:0} s");
        for (ClosingIn = (int)ClosingPause.TotalSeconds; ClosingIn > 0; ClosingIn--)
        {
            yield return Co.Sleep(TimeSpan.FromSeconds(1));
        }

        IsFinished = true;
    }

    private void Append(string line) => _log.Add($"{Seconds(Elapsed),5} s  {line}");

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
