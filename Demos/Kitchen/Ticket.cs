using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Kitchen;

/// <summary>An order on its way through the kitchen: where its ticket is, and how each dish is doing.</summary>
internal sealed class Ticket
{
    /// <summary>Creates the ticket of <paramref name="order"/>.</summary>
    /// <param name="order">The order.</param>
    public Ticket(Order order)
    {
        Order = order;
        var dishes = new DishProgress[order.Dishes.Count];
        for (int i = 0; i < dishes.Length; i++)
        {
            dishes[i] = new DishProgress(order.Dishes[i]);
        }

        Dishes = dishes;
    }

    /// <summary>Gets the order.</summary>
    public Order Order { get; }

    /// <summary>Gets the ticket number.</summary>
    public int Number => Order.Number;

    /// <summary>Gets the dishes, in the order's order.</summary>
    public IReadOnlyList<DishProgress> Dishes { get; }

    /// <summary>Gets the dishes' cells for the board, for example "M* S+ D+".</summary>
    public string Cells
    {
        get
        {
            var cells = new string[Dishes.Count];
            for (int i = 0; i < cells.Length; i++)
            {
                cells[i] = Dishes[i].Cell;
            }

            return string.Join(' ', cells);
        }
    }

    /// <summary>Gets or sets where the ticket is.</summary>
    public TicketPlace Place { get; set; }

    /// <summary>Gets or sets how the order ended.</summary>
    public OrderOutcome Outcome { get; set; }

    /// <summary>Gets or sets when a cook took the ticket from the rail.</summary>
    public TimeSpan TakenAt { get; set; }

    /// <summary>Gets or sets when the order ended (served, late or failed).</summary>
    public TimeSpan EndedAt { get; set; }

    /// <summary>Gets how long the order waited for a cook: from its arrival until a cook took it.</summary>
    public TimeSpan WaitForCook => TakenAt - Order.Arrival;

    /// <summary>Gets the time by which the order must be served.</summary>
    /// <param name="patience">How long a table waits.</param>
    /// <returns>The arrival plus <paramref name="patience"/>.</returns>
    public TimeSpan DueAt(TimeSpan patience) => Order.Arrival + patience;

    /// <summary>Gets the nouns of the dishes that are in <paramref name="status"/>, joined with "and".</summary>
    /// <param name="status">The status to look for.</param>
    /// <returns>For example "side and drink"; empty when there is none.</returns>
    public string DishesThatAre(DishStatus status)
    {
        var nouns = new List<string>();
        foreach (DishProgress dish in Dishes)
        {
            if (dish.Status == status)
            {
                nouns.Add(dish.Dish.Noun);
            }
        }

        return nouns.Count switch
        {
            0 => string.Empty,
            1 => nouns[0],
            _ => string.Join(", ", nouns.GetRange(0, nouns.Count - 1)) + " and " + nouns[^1],
        };
    }
}
