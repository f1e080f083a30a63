using System;
using System.Collections.Generic;
using System.Text;

namespace YieldLoop.Demos.Kitchen;

/// <summary>
/// The board on the kitchen wall: one row shows who waits for what at a minute. Tickets on the rail and at the door,
/// each cook's ticket with the state of every dish, the ovens in use, and the orders served, late and failed so far.
/// </summary>
internal sealed class StatusBoard
{
    private const int TicketsWidth = 9;
    private const int CookWidth = 13;

    private readonly IReadOnlyList<Cook> _cooks;
    private readonly IReadOnlyList<Ticket> _tickets;
    private readonly CoSemaphore _ovens;

    /// <summary>Creates the board of a kitchen.</summary>
    /// <param name="cooks">The cooks, one column each.</param>
    /// <param name="tickets">Every ticket of the evening.</param>
    /// <param name="ovens">The ovens' semaphore: the permits taken are the ovens in use.</param>
    public StatusBoard(IReadOnlyList<Cook> cooks, IReadOnlyList<Ticket> tickets, CoSemaphore ovens)
    {
        _cooks = cooks;
        _tickets = tickets;
        _ovens = ovens;
    }

    /// <summary>Gets the number of tickets the board shows on the rail.</summary>
    public int RailCount => Count(TicketPlace.OnTheRail);

    /// <summary>Gets the heading of the board's columns.</summary>
    public string Heading
    {
        get
        {
            var heading = new StringBuilder(" time  ");
            heading.Append("rail".PadRight(TicketsWidth)).Append("door".PadRight(TicketsWidth)).Append("| ");
            foreach (Cook cook in _cooks)
            {
                heading.Append(cook.Name.PadRight(CookWidth));
            }

            return heading.Append("| oven | srv late fail").ToString();
        }
    }

    /// <summary>Formats a time of the evening as a clock: the kitchen opens at 18:00.</summary>
    /// <param name="time">The time since the kitchen opened.</param>
    /// <returns>For example "18:07".</returns>
    public static string Clock(TimeSpan time)
    {
        TimeSpan clock = TimeSpan.FromHours(18) + time;
        return $"{(int)clock.TotalHours:00}:{clock.Minutes:00}";
    }

    /// <summary>Draws the row for now (without the time).</summary>
    /// <returns>The row; the same text as long as nothing changes.</returns>
    public string Row()
    {
        var row = new StringBuilder("  ");
        row.Append(Tickets(TicketPlace.OnTheRail)).Append(Tickets(TicketPlace.AtTheDoor)).Append("| ");
        foreach (Cook cook in _cooks)
        {
            row.Append(CookCell(cook).PadRight(CookWidth));
        }

        int served = Count(OrderOutcome.Served);
        int late = Count(OrderOutcome.Late);
        int failed = Count(OrderOutcome.Failed);
        row.Append($"| {_ovens.MaxCount - _ovens.CurrentCount}/{_ovens.MaxCount}  | {served,3} {late,4} {failed,4}");
        return row.ToString();
    }

    private static string CookCell(Cook cook)
    {
        if (cook.Ticket is not Ticket ticket)
        {
            return "idle";
        }

        return $"#{ticket.Number} {ticket.Cells}";
    }

    // The numbers of the tickets at a place, in order, cut to the column's width ("+" when more do not fit).
    private string Tickets(TicketPlace place)
    {
        var text = new StringBuilder();
        foreach (Ticket ticket in _tickets)
        {
            if (ticket.Place != place)
            {
                continue;
            }

            string number = "#" + ticket.Number;
            if (text.Length + number.Length + 2 > TicketsWidth)
            {
                text.Append('+');
                break;
            }

            text.Append(number).Append(' ');
        }

        return (text.Length == 0 ? "-" : text.ToString()).PadRight(TicketsWidth);
    }

    private int Count(TicketPlace place)
    {
        int count = 0;
        foreach (Ticket ticket in _tickets)
        {
            if (ticket.Place == place)
            {
                count++;
            }
        }

        return count;
    }

    private int Count(OrderOutcome outcome)
    {
        int count = 0;
        foreach (Ticket ticket in _tickets)
        {
            if (ticket.Outcome == outcome)
            {
                count++;
            }
        }

        return count;
    }
}
