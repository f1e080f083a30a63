using System;

namespace YieldLoop.Demos.Rollback;

/// <summary>What one player holds down during one frame: the whole input of the rollback demo.</summary>
[Flags]
internal enum Buttons
{
    /// <summary>Nothing held.</summary>
    None = 0,

    /// <summary>Walk one cell left (and face left).</summary>
    Left = 1,

    /// <summary>Walk one cell right (and face right).</summary>
    Right = 2,

    /// <summary>Dash: two cells a frame for three frames, then a cooldown.</summary>
    Dash = 4,

    /// <summary>Fire a shot the way the player faces, if reloaded.</summary>
    Fire = 8,
}
