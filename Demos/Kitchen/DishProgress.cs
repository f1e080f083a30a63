namespace YieldLoop.Demos.Kitchen;

/// <summary>A dish of a ticket on its way through the kitchen: the coroutine that cooks it sets the status.</summary>
internal sealed class DishProgress
{
    /// <summary>Creates the progress of <paramref name="dish"/>, not started.</summary>
    /// <param name="dish">The dish.</param>
    public DishProgress(Dish dish)
    {
        Dish = dish;
    }

    /// <summary>Gets the dish.</summary>
    public Dish Dish { get; }

    /// <summary>Gets or sets where the dish is.</summary>
    public DishStatus Status { get; set; }

    /// <summary>Gets the dish's cell on the board: its letter and one status character.</summary>
    public string Cell => Dish.Letter.ToString() + Status switch
    {
        DishStatus.WaitingForOven => '?',
        DishStatus.Cooking => '*',
        DishStatus.Done => '+',
        DishStatus.Burnt => 'x',
        DishStatus.Cancelled => '-',
        _ => ' ',
    };
}
