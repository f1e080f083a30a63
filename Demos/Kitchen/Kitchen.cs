using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;

namespace YieldLoop.Demos.Kitchen;

/// <summary>
/// The kitchen on an <see cref="EventLoop"/>: a waiter task per order writes its ticket to the rail (a bounded
/// <see cref="CoChannel{T}"/>), cook tasks read tickets from it, each order runs its dishes in a <see cref="TaskGroup"/>
/// under a <see cref="Co.Timeout(EventLoop, IEnumerator{IAwaitable}, TimeSpan)"/>, and every main holds an oven (a
/// <see cref="CoSemaphore"/>) while it cooks. <see cref="Run"/> plays one evening, minute by minute.
/// </summary>
/// <remarks>
/// <para><b>Time.</b> The loop runs on a <see cref="ManualClock"/> that the kitchen moves on by one minute at a time.
/// Before it moves, the loop ticks <see cref="SettleTicks"/> times at the same minute. Every hand-over between
/// coroutines (a ticket written, a permit granted, a group's wait completed) resumes the waiter one tick later (R1),
/// not one minute later, so with enough ticks per minute all of them happen "in" the minute, as they would in a
/// kitchen, and the times come out as a person works them out by hand. Sleeps end in the first tick of their minute
/// (R7). The longest chains are a ticket handed to a cook (the cook resumes, takes it, starts the order under its
/// timeout, the order starts its dishes) and a dish failure (the dish faults, its siblings are cancelled at their next
/// turn, the group's wait fails, the order's task and its timeout fail, the cook resumes): the demo's evening comes
/// out the same from five ticks a minute up.</para>
/// <para>Why a fixed number of ticks: the loop does not say whether it has work ready, so a host cannot tick "until
/// nothing is left to do at this time". Sixteen leaves room, and the tests check that more change nothing; with too
/// few, the board catches a ticket between the rail and a cook (the assertion in <see cref="Run"/>).</para>
/// </remarks>
internal sealed class Kitchen
{
    /// <summary>The number of ticks the loop runs at each simulated minute before the clock moves on.</summary>
    public const int SettleTicks = 16;

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly KitchenScenario _scenario;
    private readonly int _settleTicks;
    private readonly ManualClock _clock = new();
    private readonly EventLoop _loop;
    private readonly CoChannel<Ticket> _rail;
    private readonly CoSemaphore _ovens;
    private readonly Cook[] _cooks;
    private readonly Ticket[] _tickets;
    private readonly StatusBoard _board;
    private readonly List<Exception> _unhandled = new();

    // What happened in the current minute, in the order it happened; printed under the minute's row of the board.
    private readonly List<string> _events = new();

    // Oven-minutes used: each main adds the time it held its permit, when it gives it back (in its finally block).
    private TimeSpan _ovenTime;

    /// <summary>Sets up the kitchen for <paramref name="scenario"/>; nothing runs until <see cref="Run"/>.</summary>
    /// <param name="scenario">The evening to play.</param>
    /// <param name="settleTicks">How many ticks the loop runs at each minute (see the remarks on the class).</param>
    public Kitchen(KitchenScenario scenario, int settleTicks = SettleTicks)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentOutOfRangeException.ThrowIfLessThan(settleTicks, 1);
        _scenario = scenario;
        _settleTicks = settleTicks;
        _loop = new EventLoop(_clock, "kitchen");
        _loop.UnhandledExceptionHandler = _unhandled.Add;
        _rail = CoChannel.Bounded<Ticket>(_loop, scenario.RailCapacity);
        _ovens = new CoSemaphore(_loop, scenario.Ovens, scenario.Ovens);
        _cooks = new Cook[scenario.Cooks.Count];
        for (int i = 0; i < _cooks.Length; i++)
        {
            _cooks[i] = new Cook(scenario.Cooks[i]);
        }

        _tickets = new Ticket[scenario.Orders.Count];
        for (int i = 0; i < _tickets.Length; i++)
        {
            _tickets[i] = new Ticket(scenario.Orders[i]);
        }

        _board = new StatusBoard(_cooks, _tickets, _ovens);
    }

    /// <summary>
    /// Plays the evening: ticks the loop minute by minute until every order has ended and the cooks have gone home,
    /// writing a row of the board for every minute in which something changed.
    /// </summary>
    /// <param name="maxMinutes">A guard against an evening that never ends.</param>
    /// <returns>The board (its heading first) and the figures.</returns>
    /// <exception cref="InvalidOperationException">The evening did not end within <paramref name="maxMinutes"/>, a task
    /// failed, or a failure reached the loop's unhandled-exception handler.</exception>
    public KitchenRun Run(int maxMinutes = 24 * 60)
    {
        var tasks = new List<LoopTask> { _loop.Start(FrontOfHouse(), "front of house") };
        foreach (Cook cook in _cooks)
        {
            tasks.Add(_loop.Start(CookLoop(cook), "cook " + cook.Name));
        }

        var lines = new List<string> { _board.Heading };
        string lastRow = string.Empty;
        for (int minute = 0; ; minute++)
        {
            for (int i = 0; i < _settleTicks; i++)
            {
                _loop.Tick();
            }

            // Once the minute has settled, the tickets the board shows on the rail are exactly those in the channel.
            Debug.Assert(_board.RailCount == _rail.Count, "the board's rail shows what the channel holds");
            string row = _board.Row();
            if (row != lastRow || _events.Count > 0)
            {
                lines.Add(StatusBoard.Clock(_loop.Time) + row);
                foreach (string note in _events)
                {
                    lines.Add("       " + note);
                }

                _events.Clear();
                lastRow = row;
            }

            if (AllCompleted(tasks))
            {
                break;
            }

            if (minute == maxMinutes)
            {
                throw new InvalidOperationException($"The kitchen was still busy after {maxMinutes} minutes.");
            }

            _clock.Advance(Minute);
        }

        TimeSpan end = _loop.Time;
        _loop.Close();
        foreach (LoopTask task in tasks)
        {
            task.GetResult();   // a failed task fails the demo, with its own exception
        }

        if (_unhandled.Count > 0)
        {
            throw new InvalidOperationException("A failure reached the loop's unhandled-exception handler.", _unhandled[0]);
        }

        if (_ovens.CurrentCount != _scenario.Ovens)
        {
            throw new InvalidOperationException(
                $"Only {_ovens.CurrentCount} of {_scenario.Ovens} ovens are free at closing time: a permit was lost.");
        }

        return new KitchenRun(_scenario, _tickets, lines, end, _ovenTime);
    }

    // The waiters: each order's ticket comes in at its time and goes to the rail in a task of its own, so a waiter
    // stuck at a full rail does not hold back the next table. When every ticket is on the rail, the rail is completed:
    // that is how the cooks learn that the evening is over.
    private IEnumerator<IAwaitable> FrontOfHouse()
    {
        var waiters = new List<Future>();
        foreach (Ticket ticket in _tickets)
        {
            TimeSpan untilArrival = ticket.Order.Arrival - _loop.Time;
            if (untilArrival > TimeSpan.Zero)
            {
                yield return Co.Sleep(untilArrival);
            }

            waiters.Add(_loop.Start(BringTicket(ticket), $"waiter #{ticket.Number}"));
        }

        yield return Co.WhenAll(waiters.ToArray());
        _rail.Complete();
    }

    // One waiter: writes the ticket, and parks at the door while the rail is full.
    private IEnumerator<IAwaitable> BringTicket(Ticket ticket)
    {
        ticket.Place = TicketPlace.AtTheDoor;
        Future written = _rail.Write(ticket);
        if (!written.IsCompleted)
        {
            Note($"#{ticket.Number} comes in; the rail is full, so its waiter waits");
            yield return written;
        }
        else
        {
            Note($"#{ticket.Number} comes in and goes on the rail");
        }

        // A cook may have taken the ticket already, in the tick before this waiter resumed.
        if (ticket.Place == TicketPlace.AtTheDoor)
        {
            ticket.Place = TicketPlace.OnTheRail;
        }
    }

    // A cook: takes tickets one at a time until the rail is completed and empty, and cooks each under the order's
    // deadline. The cook's own task never fails: Co.Settle waits for the order without taking on its failure.
    private IEnumerator<IAwaitable> CookLoop(Cook cook)
    {
        while (true)
        {
            Future<bool> ready = _rail.WaitToRead();
            yield return ready;
            if (!ready.Result)
            {
                yield break;   // the rail is completed and empty: the evening is over
            }

            if (!_rail.TryRead(out Ticket? ticket))
            {
                continue;      // the other cook woke for the same ticket and was first
            }

            ticket.Place = TicketPlace.Taken;
            ticket.TakenAt = _loop.Time;
            cook.Ticket = ticket;
            TimeSpan left = ticket.DueAt(_scenario.Patience) - _loop.Time;
            Note(left > TimeSpan.Zero
                ? $"{cook.Name} takes #{ticket.Number} after {Minutes(ticket.WaitForCook)}; it is due in {Minutes(left)}"
                : $"{cook.Name} takes #{ticket.Number} after {Minutes(ticket.WaitForCook)}: too late to start");

            Future order = Co.Timeout(_loop, CookOrder(ticket), left);
            yield return Co.Settle(order);

            ticket.EndedAt = _loop.Time;
            cook.Ticket = null;
            switch (order.Exception)
            {
                case null:
                    ticket.Outcome = OrderOutcome.Served;
                    Note($"#{ticket.Number} is served, {Minutes(ticket.EndedAt - ticket.Order.Arrival)} after it came in");
                    break;
                case TimeoutException:
                    ticket.Outcome = OrderOutcome.Late;
                    string cancelled = ticket.DishesThatAre(DishStatus.Cancelled);
                    Note(cancelled.Length == 0
                        ? $"#{ticket.Number} times out before it starts: dropped, and comped"
                        : $"#{ticket.Number} times out ({ticket.Cells}): {cancelled} cancelled; comped");
                    break;
                default:
                    ticket.Outcome = OrderOutcome.Failed;
                    string siblings = ticket.DishesThatAre(DishStatus.Cancelled);
                    Note(siblings.Length == 0
                        ? $"#{ticket.Number} fails ({ticket.Cells}): the {ticket.DishesThatAre(DishStatus.Burnt)} burnt"
                        : $"#{ticket.Number} fails ({ticket.Cells}): its group cancelled the {siblings}");
                    break;
            }
        }
    }

    // An order: one task per dish in a task group, so the dishes cook in parallel and a dish that fails cancels the
    // others. The timeout around this coroutine cancels it at the deadline; the group's Dispose (the end of the using,
    // which runs on cancellation too) then cancels the dishes still cooking.
    private IEnumerator<IAwaitable> CookOrder(Ticket ticket)
    {
        using var group = new TaskGroup(_loop);
        foreach (DishProgress dish in ticket.Dishes)
        {
            group.Start(CookDish(ticket, dish), $"#{ticket.Number} {dish.Dish.Noun}");
        }

        yield return group.WhenAll();
    }

    // A dish. A main first parks on the ovens' semaphore; once it holds a permit, the finally block gives it back,
    // whether the dish is done, burns, or is cancelled (by its group or by the order's timeout). A main cancelled while
    // still waiting never entered the try, so it gives back nothing: the semaphore takes care of a permit granted to a
    // waiter that was cancelled before it resumed.
    private IEnumerator<IAwaitable> CookDish(Ticket ticket, DishProgress dish)
    {
        bool holdsOven = false;
        TimeSpan ovenSince = TimeSpan.Zero;
        try
        {
            if (dish.Dish.NeedsOven)
            {
                dish.Status = DishStatus.WaitingForOven;
                yield return _ovens.Acquire();
                holdsOven = true;
                ovenSince = _loop.Time;
            }

            dish.Status = DishStatus.Cooking;
            if (dish.Dish.BurnsAfter is TimeSpan burns)
            {
                yield return Co.Sleep(burns);
                dish.Status = DishStatus.Burnt;
                Note($"#{ticket.Number}'s {dish.Dish.Noun} burns: its task fails");
                throw new InvalidOperationException($"The {dish.Dish.Noun} of order #{ticket.Number} burnt.");
            }

            yield return Co.Sleep(dish.Dish.CookTime);
            dish.Status = DishStatus.Done;
        }
        finally
        {
            if (holdsOven)
            {
                _ovens.Release();
                _ovenTime += _loop.Time - ovenSince;
            }

            if (dish.Status is DishStatus.WaitingForOven or DishStatus.Cooking)
            {
                dish.Status = DishStatus.Cancelled;
            }
        }
    }

    private void Note(string text) => _events.Add(text);

    private static string Minutes(TimeSpan time) =>
        time.TotalMinutes.ToString(CultureInfo.InvariantCulture) + " min";

    private static bool AllCompleted(List<LoopTask> tasks)
    {
        foreach (LoopTask task in tasks)
        {
            if (!task.IsCompleted)
            {
                return false;
            }
        }

        return true;
    }
}
