namespace YieldLoop.Demos.Rollback;

/// <summary>
/// A player in the arena: a game object that the coroutines of <see cref="Arena"/> read and write, and that rolls back
/// with the loop.
/// </summary>
/// <remarks>
/// <para>Why <see cref="IRewindable"/> rather than a ring of snapshots beside the ring of checkpoints: a checkpoint
/// keeps game objects by reference, so a fighter must be rolled back by the game; implemented here, the fighter's state
/// is captured by the same <c>loop.Checkpoint(ring[i])</c> call that captures the coroutines, into the same checkpoint
/// object, and put back by the same <c>loop.Restore</c>. One ring, one index, nothing to keep in step. The state box is
/// reused from capture to capture, so a checkpoint every frame allocates nothing for it.</para>
/// <para><see cref="Input"/> is not part of the state: the session sets it before every tick, from the confirmed or
/// predicted buttons of that frame.</para>
/// </remarks>
internal sealed class Fighter : IRewindable
{
    /// <summary>Creates a fighter at full health, reloaded and ready to dash.</summary>
    /// <param name="name">"P1" or "P2".</param>
    /// <param name="position">The starting cell.</param>
    /// <param name="facing">-1 facing left, +1 facing right.</param>
    /// <param name="health">The starting hit points.</param>
    public Fighter(string name, int position, int facing, int health)
    {
        Name = name;
        Position = position;
        Facing = facing;
        Health = health;
        DashReady = true;
        ShotReady = true;
    }

    /// <summary>Gets the fighter's name.</summary>
    public string Name { get; }

    /// <summary>Gets or sets the buttons held this frame; set by the session before each tick.</summary>
    public Buttons Input { get; set; }

    /// <summary>Gets or sets the cell the fighter stands on.</summary>
    public int Position { get; set; }

    /// <summary>Gets or sets the direction the fighter faces: -1 or +1.</summary>
    public int Facing { get; set; }

    /// <summary>Gets or sets the hit points left.</summary>
    public int Health { get; set; }

    /// <summary>Gets or sets whether the dash's cooldown is over.</summary>
    public bool DashReady { get; set; }

    /// <summary>Gets or sets whether the gun is reloaded.</summary>
    public bool ShotReady { get; set; }

    /// <summary>Gets or sets the number of shots fired.</summary>
    public int Shots { get; set; }

    /// <summary>Gets or sets the number of shots that hit.</summary>
    public int Hits { get; set; }

    /// <summary>Gets the fighter's state as a value.</summary>
    public FighterState State => new(Position, Facing, Health, DashReady, ShotReady, Shots, Hits);

    /// <inheritdoc/>
    public void Capture(ref object? state)
    {
        var box = state as Box ?? new Box();
        box.Value = State;
        state = box;
    }

    /// <inheritdoc/>
    public void Rewind(object? state)
    {
        FighterState value = ((Box)state!).Value;
        Position = value.Position;
        Facing = value.Facing;
        Health = value.Health;
        DashReady = value.DashReady;
        ShotReady = value.ShotReady;
        Shots = value.Shots;
        Hits = value.Hits;
    }

    // The captured state, reused by every later capture into the same checkpoint.
    private sealed class Box
    {
        public FighterState Value;
    }
}
