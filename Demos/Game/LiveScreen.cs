using System;
using System.IO;

namespace YieldLoop.Demos.Game;

/// <summary>Redraws every frame in place with ANSI escapes: cursor home, then the whole frame in one write.</summary>
/// <remarks>Key presses show in the game's own HUD line, so <see cref="Report"/> prints nothing.</remarks>
internal sealed class LiveScreen : IGameScreen, IDisposable
{
    private const string Home = "\u001b[H";
    private const string ClearScreen = "\u001b[2J";
    private const string ClearToEndOfLine = "\u001b[K";
    private const string HideCursor = "\u001b[?25l";
    private const string ShowCursor = "\u001b[?25h";

    private readonly TextWriter _output;

    /// <summary>Clears the terminal and hides the cursor.</summary>
    /// <param name="output">The terminal.</param>
    public LiveScreen(TextWriter output)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _output.Write(HideCursor + ClearScreen);
    }

    /// <inheritdoc/>
    public void Show(int frame, TimeSpan time, string picture)
    {
        ArgumentNullException.ThrowIfNull(picture);

        // Each line clears what a longer line of the previous frame left behind.
        _output.Write(Home + picture.Replace("\n", ClearToEndOfLine + "\n", StringComparison.Ordinal));
        _output.Flush();
    }

    /// <inheritdoc/>
    public void Report(TimeSpan time, char key, string effect)
    {
    }

    /// <summary>Shows the cursor again, below the last frame.</summary>
    public void Dispose()
    {
        _output.Write(ShowCursor);
        _output.WriteLine();
    }
}
