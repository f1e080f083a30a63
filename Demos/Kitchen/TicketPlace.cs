namespace YieldLoop.Demos.Kitchen;

/// <summary>Where a ticket is on its way from the table to a cook.</summary>
internal enum TicketPlace
{
    /// <summary>The table has not ordered yet.</summary>
    NotYet,

    /// <summary>The waiter stands at the pass with it: the rail is full, and the write waits for room.</summary>
    AtTheDoor,

    /// <summary>On the rail (in the channel), waiting for a free cook.</summary>
    OnTheRail,

    /// <summary>A cook took it.</summary>
    Taken,
}
