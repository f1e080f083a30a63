using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Kitchen;

/// <summary>The outcome of one evening in the kitchen: the board, minute by minute, and the figures.</summary>
internal sealed class KitchenRun
{
    /// <summary>Creates the outcome.</summary>
    /// <param name="scenario">The evening that was played.</param>
    /// <param name="tickets">Every ticket, ended.</param>
    /// <param name="board">The heading of the board, then its rows and the notes under them.</param>
    /// <param name="end">When the last order ended and the cooks went home.</param>
    /// <param name="ovenTime">The oven-minutes used, by mains that were done, burnt or cancelled.</param>
    public KitchenRun(KitchenScenario scenario, IReadOnlyList<Ticket> tickets, IReadOnlyList<string> board, TimeSpan end, TimeSpan ovenTime)
    {
        Scenario = scenario;
        Tickets = tickets;
        Board = board;
        End = end;
        OvenTime = ovenTime;
    }

    /// <summary>Gets the evening that was played.</summary>
    public KitchenScenario Scenario { get; }

    /// <summary>Gets every ticket, with its outcome and times.</summary>
    public IReadOnlyList<Ticket> Tickets { get; }

    /// <summary>Gets the board: its heading, then a row for every minute in which something changed, each followed by its notes.</summary>
    public IReadOnlyList<string> Board { get; }

    /// <summary>Gets when the kitchen closed: the minute the last order ended.</summary>
    public TimeSpan End { get; }

    /// <summary>Gets the oven-minutes used.</summary>
    public TimeSpan OvenTime { get; }

    /// <summary>Gets how many orders were served.</summary>
    public int Served => Count(OrderOutcome.Served);

    /// <summary>Gets how many orders timed out (cancelled and comped).</summary>
    public int Late => Count(OrderOutcome.Late);

    /// <summary>Gets how many orders failed because a dish went wrong.</summary>
    public int Failed => Count(OrderOutcome.Failed);

    /// <summary>Gets the average time an order waited for a cook, from its arrival until a cook took it.</summary>
    public TimeSpan AverageWaitForCook
    {
        get
        {
            TimeSpan total = TimeSpan.Zero;
            foreach (Ticket ticket in Tickets)
            {
                total += ticket.WaitForCook;
            }

            return total / Tickets.Count;
        }
    }

    /// <summary>Gets the share of the oven time available until closing that was used, from 0 to 1.</summary>
    public double OvenUtilisation => End == TimeSpan.Zero ? 0 : OvenTime / (End * Scenario.Ovens);

    private int Count(OrderOutcome outcome)
    {
        int count = 0;
        foreach (Ticket ticket in Tickets)
        {
            if (ticket.Outcome == outcome)
            {
                count++;
            }
        }

        return count;
    }
}
