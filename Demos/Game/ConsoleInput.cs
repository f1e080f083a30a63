using System;

namespace YieldLoop.Demos.Game;

/// <summary>Keys from the console, read without waiting: the host polls once per frame.</summary>
/// <remarks>Ctrl+C quits like Q, so the game ends through its own path and puts the cursor back.</remarks>
internal sealed class ConsoleInput : IGameInput, IDisposable
{
    // Set on the thread that delivers Ctrl+C, read on the game's thread.
    private volatile bool _interrupted;

    /// <summary>Creates the input and takes over Ctrl+C until it is disposed.</summary>
    public ConsoleInput() => Console.CancelKeyPress += OnCancelKeyPress;

    /// <inheritdoc/>
    public bool TryRead(int frame, out GameCommand command)
    {
        while (Console.KeyAvailable)
        {
            switch (Console.ReadKey(intercept: true).Key)
            {
                case ConsoleKey.P:
                    command = GameCommand.TogglePause;
                    return true;
                case ConsoleKey.S:
                    command = GameCommand.ToggleSlowMotion;
                    return true;
                case ConsoleKey.Q:
                case ConsoleKey.Escape:
                    command = GameCommand.Quit;
                    return true;
                default:
                    break;   // any other key does nothing
            }
        }

        command = GameCommand.Quit;
        if (_interrupted)
        {
            _interrupted = false;   // one Quit is enough: the host ends after this frame
            return true;
        }

        return false;
    }

    /// <summary>Gives Ctrl+C back to the console.</summary>
    public void Dispose() => Console.CancelKeyPress -= OnCancelKeyPress;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        _interrupted = true;
    }
}
