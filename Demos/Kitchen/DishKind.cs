namespace YieldLoop.Demos.Kitchen;

/// <summary>The three kinds of dish an order can hold; each goes to a station of its own.</summary>
internal enum DishKind
{
    /// <summary>The main course: it needs one of the ovens (the semaphore) while it cooks.</summary>
    Main,

    /// <summary>A side on the stove: no oven needed.</summary>
    Side,

    /// <summary>A drink: poured in a minute or two.</summary>
    Drink,
}
