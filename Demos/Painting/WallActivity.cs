namespace YieldLoop.Demos.Painting;

/// <summary>What a wall is doing at a moment of the job.</summary>
internal enum WallActivity
{
    /// <summary>Nothing: not started, waiting for the painter, or finished.</summary>
    Idle,

    /// <summary>The painter is putting a coat on it.</summary>
    Painting,

    /// <summary>The last coat is drying; the next one cannot go on yet.</summary>
    Drying,
}
