namespace YieldLoop.Demos.Kitchen;

/// <summary>Where a dish is; the board shows it as one character after the dish's letter.</summary>
internal enum DishStatus
{
    /// <summary>On the ticket, not started yet (the board shows a space).</summary>
    Waiting,

    /// <summary>A main parked on the ovens' semaphore: every oven is in use (<c>?</c>).</summary>
    WaitingForOven,

    /// <summary>In the oven, on the stove or being poured (<c>*</c>).</summary>
    Cooking,

    /// <summary>Ready to go out (<c>+</c>).</summary>
    Done,

    /// <summary>It went wrong: the dish's task failed, and its group cancelled the others (<c>x</c>).</summary>
    Burnt,

    /// <summary>Cancelled before it was done, by its group or by the order's timeout (<c>-</c>).</summary>
    Cancelled,
}
