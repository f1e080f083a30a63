namespace YieldLoop.Demos.Game;

/// <summary>The state of the game's clocks between two frames; the summary measures each apart.</summary>
internal enum GameMode
{
    /// <summary>Every clock at full speed.</summary>
    Normal,

    /// <summary>The enemies clock at <see cref="World.SlowMotionScale"/>, the world at full speed.</summary>
    SlowMotion,

    /// <summary>The world clock paused (and with it the enemies clock); the ui clock runs.</summary>
    Paused,
}
