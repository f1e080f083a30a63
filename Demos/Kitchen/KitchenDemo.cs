using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace YieldLoop.Demos.Kitchen;

/// <summary>
/// Producers and consumers in a kitchen: tickets go through a bounded channel to the cooks, mains queue for the ovens
/// at a semaphore, each order runs its dishes in a task group under a timeout, and the board shows, minute by minute,
/// who waits for what.
/// </summary>
internal sealed class KitchenDemo : IDemo
{
    /// <inheritdoc/>
    public string Name => "kitchen";

    /// <inheritdoc/>
    public string Description => "Orders through a channel to cooks; ovens, timeouts and task groups.";

    /// <inheritdoc/>
    public int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        KitchenScenario scenario = KitchenScenario.Default;
        var kitchen = new Kitchen(scenario);

        output.WriteLine("The kitchen: producers, consumers, and who waits for what");
        output.WriteLine();
        output.WriteLine($"{scenario.Orders.Count} orders, drawn from seed {scenario.Seed}. {Cooks(scenario)} share "
            + $"{Count(scenario.Ovens, "oven")}, and the");
        output.WriteLine($"rail between the waiters and the cooks holds {Count(scenario.RailCapacity, "ticket")}. An order that is not");
        output.WriteLine($"served within {Minutes(scenario.Patience)} of coming in is late: its timeout cancels it, and the");
        output.WriteLine("table eats on the house.");
        output.WriteLine();
        foreach (Order order in scenario.Orders)
        {
            output.WriteLine($"  #{order.Number,-2} {StatusBoard.Clock(order.Arrival)}  {Describe(order)}");
        }

        output.WriteLine();
        output.WriteLine("Each part is a coroutine on a YieldLoop EventLoop, on a simulated clock:");
        output.WriteLine("  waiter  yield return rail.Write(ticket);     parks while the rail is full");
        output.WriteLine("  cook    yield return rail.WaitToRead();      parks while it is empty");
        output.WriteLine("          yield return Co.Settle(Co.Timeout(loop, CookOrder(ticket), left));");
        output.WriteLine("  order   a TaskGroup with a task per dish: one that fails cancels the rest");
        output.WriteLine("  main    yield return ovens.Acquire();        parks while every oven is used");
        output.WriteLine();

        KitchenRun run = kitchen.Run();
        foreach (string line in run.Board)
        {
            output.WriteLine(line);
        }

        output.WriteLine();
        output.WriteLine("rail: tickets in the channel, waiting for a cook. door: tickets whose waiter");
        output.WriteLine("waits for room on the rail. Dishes: M main, S side, D drink; ? waits for an");
        output.WriteLine("oven, * cooking, + done, x burnt, - cancelled. A row is shown for each minute");
        output.WriteLine("in which something changed, with what happened in it below.");
        output.WriteLine();

        int utilisation = (int)Math.Round(100 * run.OvenUtilisation);
        output.WriteLine($"Orders served      {run.Served} of {scenario.Orders.Count}");
        output.WriteLine($"Timed out          {run.Late} (comped)");
        output.WriteLine($"Failed orders      {run.Failed} (a dish burnt; its group cancelled the rest)");
        output.WriteLine($"Average wait       {Minutes(run.AverageWaitForCook)} from coming in to a cook taking it");
        output.WriteLine($"Oven use           {utilisation}%: {Minutes(run.OvenTime)} of {Minutes(run.End * scenario.Ovens)} "
            + $"(closing at {StatusBoard.Clock(run.End)})");
        return 0;
    }

    private static string Describe(Order order)
    {
        var text = new StringBuilder();
        foreach (Dish dish in order.Dishes)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(dish.Noun).Append(' ').Append(dish.CookTime.TotalMinutes.ToString(CultureInfo.InvariantCulture));
            if (dish.BurnsAfter is TimeSpan burns)
            {
                text.Append(" (burns after ").Append(burns.TotalMinutes.ToString(CultureInfo.InvariantCulture)).Append(')');
            }
        }

        return text.Append(" min").ToString();
    }

    private static string Cooks(KitchenScenario scenario)
    {
        var names = new List<string>(scenario.Cooks);
        return names.Count == 1
            ? "One cook, " + names[0] + ","
            : $"{Count(names.Count, "cook")} ({string.Join(", ", names)})";
    }

    private static string Count(int count, string noun) => count + " " + (count == 1 ? noun : noun + "s");

    private static string Minutes(TimeSpan time) =>
        Math.Round(time.TotalMinutes, 1).ToString(CultureInfo.InvariantCulture) + " min";
}
