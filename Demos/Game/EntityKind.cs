namespace YieldLoop.Demos.Game;

/// <summary>What an entity on the playfield is; it decides the clock the entity lives on.</summary>
internal enum EntityKind
{
    /// <summary>An enemy: it lives on the enemies clock, so slow motion and the world's pause both reach it.</summary>
    Enemy,

    /// <summary>The comet: it lives on the world clock, so slow motion of the enemies does not reach it.</summary>
    Comet,

    /// <summary>The herald of the cutscene: it walks its path on the world clock, a cell at a time.</summary>
    Herald,
}
