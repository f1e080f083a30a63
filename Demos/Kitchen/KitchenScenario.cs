using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Kitchen;

/// <summary>
/// One evening in the kitchen: the orders (drawn from a seed, so every run is the same), the cooks, the ovens, the
/// room on the ticket rail, and how long a table waits before its order is too late.
/// </summary>
internal sealed class KitchenScenario
{
    /// <summary>Creates a scenario; every time is a whole number of minutes (the demo's clock moves by minutes).</summary>
    /// <param name="seed">The seed the orders were drawn from, for the header.</param>
    /// <param name="orders">The orders, by arrival time.</param>
    /// <param name="cooks">The cooks' names, 1 to 3 of them.</param>
    /// <param name="ovens">How many ovens (the semaphore's permits), at least 1.</param>
    /// <param name="railCapacity">How many tickets the rail holds (the channel's capacity), at least 1.</param>
    /// <param name="patience">How long after arrival an order must be served; then it is late.</param>
    public KitchenScenario(
        int seed, IReadOnlyList<Order> orders, IReadOnlyList<string> cooks, int ovens, int railCapacity, TimeSpan patience)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(cooks);
        ArgumentOutOfRangeException.ThrowIfLessThan(cooks.Count, 1, nameof(cooks));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cooks.Count, 3, nameof(cooks));
        ArgumentOutOfRangeException.ThrowIfLessThan(ovens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(railCapacity, 1);
        CheckWholeMinutes(patience, nameof(patience));
        foreach (Order order in orders)
        {
            CheckWholeMinutes(order.Arrival, nameof(orders));
            foreach (Dish dish in order.Dishes)
            {
                CheckWholeMinutes(dish.CookTime, nameof(orders));
                if (dish.BurnsAfter is TimeSpan burns)
                {
                    CheckWholeMinutes(burns, nameof(orders));
                }
            }
        }

        Seed = seed;
        Orders = orders;
        Cooks = cooks;
        Ovens = ovens;
        RailCapacity = railCapacity;
        Patience = patience;
    }

    private static readonly string[] DefaultCooks = { "Ann", "Bob" };

    /// <summary>
    /// Gets the evening the demo shows: 6 orders from seed 1438, 2 cooks, 1 oven, room for 2 tickets. Chosen because it
    /// has a bit of everything: waiters waiting at a full rail, mains queueing for the oven, an order that times out
    /// with its main in the oven, and a burnt side whose group cancels a main still waiting for the oven.
    /// </summary>
    public static KitchenScenario Default { get; } = Seeded(1438, 6);

    /// <summary>Gets the seed the orders were drawn from.</summary>
    public int Seed { get; }

    /// <summary>Gets the orders, by arrival time.</summary>
    public IReadOnlyList<Order> Orders { get; }

    /// <summary>Gets the cooks' names.</summary>
    public IReadOnlyList<string> Cooks { get; }

    /// <summary>Gets how many ovens there are.</summary>
    public int Ovens { get; }

    /// <summary>Gets how many tickets fit on the rail between the waiters and the cooks.</summary>
    public int RailCapacity { get; }

    /// <summary>Gets how long after its arrival an order must be served.</summary>
    public TimeSpan Patience { get; }

    /// <summary>
    /// Draws <paramref name="orderCount"/> orders from <paramref name="seed"/>: one every 1 to 5 minutes; each has a
    /// main (4 to 8 minutes in an oven), a side (3 to 6 minutes) one time in two, a drink (1 to 2 minutes) two times in
    /// three; a main or a side goes wrong one time in eight, partway through. Two cooks, one oven, room for two tickets,
    /// and 20 minutes before an order is late.
    /// </summary>
    /// <param name="seed">The seed: the same seed gives the same evening.</param>
    /// <param name="orderCount">How many orders, 1 or more.</param>
    /// <returns>The scenario.</returns>
    public static KitchenScenario Seeded(int seed, int orderCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(orderCount, 1);
        var random = new Random(seed);
        var orders = new List<Order>(orderCount);
        int arrival = 0;
        for (int number = 1; number <= orderCount; number++)
        {
            var dishes = new List<Dish> { Draw(random, DishKind.Main, 4, 8) };
            if (random.Next(2) == 0)
            {
                dishes.Add(Draw(random, DishKind.Side, 3, 6));
            }

            if (random.Next(3) != 0)
            {
                dishes.Add(new Dish(DishKind.Drink, Minutes(random.Next(1, 3)), null));
            }

            orders.Add(new Order(number, Minutes(arrival), dishes));
            arrival += random.Next(1, 6);
        }

        return new KitchenScenario(seed, orders, DefaultCooks, ovens: 1, railCapacity: 2, Minutes(20));
    }

    /// <summary>Returns <paramref name="minutes"/> as a <see cref="TimeSpan"/>.</summary>
    /// <param name="minutes">A number of minutes.</param>
    /// <returns>The time span.</returns>
    public static TimeSpan Minutes(int minutes) => TimeSpan.FromMinutes(minutes);

    private static Dish Draw(Random random, DishKind kind, int shortest, int longest)
    {
        int cook = random.Next(shortest, longest + 1);
        TimeSpan? burns = random.Next(8) == 0 ? Minutes(random.Next(1, cook)) : null;
        return new Dish(kind, Minutes(cook), burns);
    }

    private static void CheckWholeMinutes(TimeSpan time, string name)
    {
        if (time < TimeSpan.Zero || time.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentOutOfRangeException(name, time,
                "The kitchen's clock moves by whole minutes; give every time as a whole number of minutes, 0 or more.");
        }
    }
}
