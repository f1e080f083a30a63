namespace YieldLoop.Demos.Painting;

/// <summary>A wall to paint. The coroutines that paint it set <see cref="Activity"/>; the timeline reads it.</summary>
internal sealed class Wall
{
    /// <summary>Creates a wall.</summary>
    /// <param name="name">A letter that names the wall in the timeline.</param>
    public Wall(char name)
    {
        Name = name;
    }

    /// <summary>Gets the letter that names the wall.</summary>
    public char Name { get; }

    /// <summary>Gets or sets what the wall is doing now.</summary>
    public WallActivity Activity { get; set; }
}
