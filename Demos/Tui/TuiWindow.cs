using System;
using System.Collections.ObjectModel;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace YieldLoop.Demos.Tui;

/// <summary>
/// The demo's window: a progress bar, a spinner line, a marker track, a log list, Pause and Quit buttons and a status
/// line, bound to a <see cref="TuiDemoModel"/> by <see cref="Refresh"/>.
/// </summary>
/// <remarks>
/// The widgets are only written by <see cref="Refresh"/> and by the button handlers, both on the UI thread; the
/// coroutines never touch a widget, they write the model, and the window copies the model after each tick.
/// </remarks>
internal sealed class TuiWindow : Window
{
    private readonly TuiDemoModel _model;
    private readonly ProgressBar _progress;
    private readonly Label _percent;
    private readonly Label _loading;
    private readonly Label _spinner;
    private readonly Label _track;
    private readonly ListView _logView;
    private readonly ObservableCollection<string> _logLines = [];
    private readonly Button _pause;
    private readonly Label _status;

    /// <summary>Creates the window for <paramref name="model"/>.</summary>
    /// <param name="model">The model the window shows.</param>
    /// <param name="quit">What the Quit button does: stop the app.</param>
    public TuiWindow(TuiDemoModel model, Action quit)
    {
        _model = model;
        Title = "YieldLoop inside Terminal.Gui: coroutines ticked from the UI main loop";

        var assets = new FrameView { Title = "Loading assets", X = 0, Y = 0, Width = Dim.Fill(), Height = 4 };
        _progress = new ProgressBar { X = 0, Y = 0, Width = Dim.Fill(6), Fraction = 0f };
        _percent = new Label { X = Pos.AnchorEnd(5), Y = 0, Width = 5, Text = "  0%" };
        _loading = new Label { X = 0, Y = 1, Width = Dim.Fill(), Text = model.LoadingText };
        assets.Add(_progress, _percent, _loading);

        _spinner = new Label { X = 1, Y = Pos.Bottom(assets), Width = Dim.Fill(), Text = model.SpinnerText };

        var slider = new FrameView
        {
            Title = "Marker",
            X = 0,
            Y = Pos.Bottom(_spinner),
            Width = TuiDemoModel.TrackWidth + 4,
            Height = 3,
        };
        _track = new Label { X = 1, Y = 0, Text = model.Track };
        slider.Add(_track);

        _pause = new Button { X = Pos.Right(slider) + 2, Y = Pos.Top(slider) + 1, Text = "_Pause" };
        _pause.Accepting += (_, e) =>
        {
            _model.TogglePause();
            Refresh();
            e.Handled = true;
        };
        var quitButton = new Button { X = Pos.Right(_pause) + 1, Y = Pos.Top(_pause), Text = "_Quit" };
        quitButton.Accepting += (_, e) =>
        {
            quit();
            e.Handled = true;
        };

        var log = new FrameView { Title = "Log", X = 0, Y = Pos.Bottom(slider), Width = Dim.Fill(), Height = Dim.Fill(1) };
        _logView = new ListView { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = false };
        _logView.SetSource(_logLines);
        log.Add(_logView);

        _status = new Label { X = 0, Y = Pos.AnchorEnd(1), Width = Dim.Fill(), Text = StatusLine() };

        Add(assets, _spinner, slider, _pause, quitButton, log, _status);
    }

    /// <summary>Copies the model into the widgets; the host calls it after every tick.</summary>
    public void Refresh()
    {
        _progress.Fraction = _model.Progress / 100f;
        _percent.Text = $"{_model.Progress,3}%";
        _loading.Text = _model.LoadingText;
        _spinner.Text = _model.SpinnerText;
        _track.Text = _model.Track;
        _pause.Text = _model.IsPaused ? "_Resume" : "_Pause";
        _status.Text = StatusLine();

        // The log only grows: append what is new, and keep the newest line in view.
        if (_logLines.Count < _model.Log.Count)
        {
            for (int i = _logLines.Count; i < _model.Log.Count; i++)
            {
                _logLines.Add(_model.Log[i]);
            }

            _logView.MoveEnd();
        }
    }

    /// <summary>Gets the progress bar's fraction, 0 to 1.</summary>
    public float ProgressFraction => _progress.Fraction;

    /// <summary>Gets the text of the percent label.</summary>
    public string PercentText => _percent.Text;

    /// <summary>Gets the text of the spinner line.</summary>
    public string SpinnerLine => _spinner.Text;

    /// <summary>Gets the text of the marker's track.</summary>
    public string TrackText => _track.Text;

    /// <summary>Gets the text of the Pause button.</summary>
    public string PauseButtonText => _pause.Text;

    /// <summary>Gets the lines of the log list.</summary>
    public ReadOnlyCollection<string> LogLines => new(_logLines);

    private string StatusLine() => $"P pause/resume · Q or Esc quit · {_model.StatusText}";
}
