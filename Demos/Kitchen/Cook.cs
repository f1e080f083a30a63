namespace YieldLoop.Demos.Kitchen;

/// <summary>A cook: one coroutine that takes tickets from the rail, one at a time.</summary>
internal sealed class Cook
{
    /// <summary>Creates an idle cook.</summary>
    /// <param name="name">The cook's name, as the board's column heading.</param>
    public Cook(string name)
    {
        Name = name;
    }

    /// <summary>Gets the cook's name.</summary>
    public string Name { get; }

    /// <summary>Gets or sets the ticket the cook works on; <see langword="null"/> while waiting for one.</summary>
    public Ticket? Ticket { get; set; }
}
