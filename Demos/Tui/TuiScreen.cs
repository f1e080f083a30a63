using System.Collections.Generic;

namespace YieldLoop.Demos.Tui;

/// <summary>What the widgets of the tui demo showed when its app stopped.</summary>
/// <param name="Text">The whole screen as text, drawn when the show finished (empty when the user quit).</param>
/// <param name="ProgressFraction">The progress bar's fraction, 0 to 1.</param>
/// <param name="Percent">The percent label beside the progress bar.</param>
/// <param name="Spinner">The spinner line.</param>
/// <param name="Track">The marker's track.</param>
/// <param name="PauseButton">The text of the Pause/Resume button.</param>
/// <param name="Log">The lines of the log list.</param>
internal sealed record TuiScreen(
    string Text,
    float ProgressFraction,
    string Percent,
    string Spinner,
    string Track,
    string PauseButton,
    IReadOnlyList<string> Log);
