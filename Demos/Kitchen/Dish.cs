using System;

namespace YieldLoop.Demos.Kitchen;

/// <summary>One dish of an order, as the ticket asks for it.</summary>
/// <param name="Kind">What it is; only a <see cref="DishKind.Main"/> needs an oven.</param>
/// <param name="CookTime">How long it takes when all goes well.</param>
/// <param name="BurnsAfter">When it goes wrong instead (a burnt roast, a split sauce): how long after it starts
/// cooking the dish fails; <see langword="null"/> for a dish that turns out fine.</param>
internal sealed record Dish(DishKind Kind, TimeSpan CookTime, TimeSpan? BurnsAfter)
{
    /// <summary>Gets whether the dish needs an oven while it cooks.</summary>
    public bool NeedsOven => Kind == DishKind.Main;

    /// <summary>Gets the letter that stands for the dish on the board: M, S or D.</summary>
    public char Letter => Kind switch
    {
        DishKind.Main => 'M',
        DishKind.Side => 'S',
        _ => 'D',
    };

    /// <summary>Gets the dish's name in a sentence: "main", "side" or "drink".</summary>
    public string Noun => Kind.ToString().ToLowerInvariant();
}
