namespace YieldLoop.Demos.Game;

/// <summary>What a key press asks the game to do.</summary>
internal enum GameCommand
{
    /// <summary>P: pause the world clock, or resume it.</summary>
    TogglePause,

    /// <summary>S: put the enemies in slow motion, or back to speed.</summary>
    ToggleSlowMotion,

    /// <summary>Q (or Esc, or Ctrl+C): end the game after this frame.</summary>
    Quit,
}
