using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Game;

/// <summary>Key presses at set frames: a headless session that plays the same way every time.</summary>
internal sealed class ScriptedInput : IGameInput
{
    private readonly IReadOnlyList<(int Frame, GameCommand Command)> _script;
    private int _next;

    /// <summary>Creates a script of commands at set frames, in frame order.</summary>
    /// <param name="script">The commands and the frames they come in.</param>
    public ScriptedInput(IReadOnlyList<(int Frame, GameCommand Command)> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        _script = script;
    }

    /// <summary>
    /// Gets the demo's session at <paramref name="framesPerSecond"/>: slow motion on at 2 s and off at 4 s, the world
    /// paused at 5 s and resumed at 6 s, quit at 8 s.
    /// </summary>
    /// <param name="framesPerSecond">The host's frame rate, to turn seconds into frames.</param>
    /// <returns>The script.</returns>
    public static ScriptedInput Session(double framesPerSecond)
    {
        int At(double seconds) => (int)Math.Round(seconds * framesPerSecond);
        return new ScriptedInput(new[]
        {
            (At(2), GameCommand.ToggleSlowMotion),
            (At(4), GameCommand.ToggleSlowMotion),
            (At(5), GameCommand.TogglePause),
            (At(6), GameCommand.TogglePause),
            (At(8), GameCommand.Quit),
        });
    }

    /// <inheritdoc/>
    public bool TryRead(int frame, out GameCommand command)
    {
        if (_next < _script.Count && _script[_next].Frame <= frame)
        {
            command = _script[_next++].Command;
            return true;
        }

        command = default;
        return false;
    }
}
