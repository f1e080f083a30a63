using System;
using System.IO;
using System.Text.RegularExpressions;
using NUnit.Framework;
using YieldLoop.Demos.Kitchen;

namespace YieldLoop.Tests.Demos;

[TestFixture]
public class KitchenDemoTests
{
    // The demo's evening, seed 1438, worked out by hand. Two cooks (Ann, Bob), one oven, room for two tickets on the
    // rail, 20 minutes before an order is late. Times are minutes after 18:00.
    //
    //   #1  0  main 8, drink 1         Ann takes it at 0; oven 0-8; served at 8.
    //   #2  2  main 5, drink 2         Bob takes it at 2; the main waits for the oven until 8; oven 8-13; served at 13.
    //   #3  3  main 4                  on the rail from 3; Ann takes it at 8 (waited 5); oven 13-17; served at 17.
    //   #4  5  main 6, side 6          on the rail from 5; Bob takes it at 13 (waited 8); oven 17-23; served at 23.
    //   #5  7  main 7, side 5          rail full (#3, #4): its waiter waits at the door until Ann takes #3 at 8;
    //                                  Ann takes it at 17 (waited 10), due at 27; the oven is free at 23, so the main
    //                                  cooks 23-27 and is cancelled in the oven when the timeout expires at 27: late.
    //   #6  8  main 5, side 6 (burns   at the door behind #5 until Bob takes #4 at 13; Bob takes it at 23 (waited 15),
    //           after 1), drink 2      due at 28; the main waits for the oven (#5 has it), the side burns at 24, so the
    //                                  group cancels the main (still waiting) and the drink (still pouring): failed.
    //
    // Served 4 (#1-#4), late 1 (#5), failed 1 (#6). Waits 0+0+5+8+10+15 = 38 min over 6 orders: 6.3 min. The last order
    // ends at 27 (18:27); the oven is in use 8+5+4+6+4 = 27 of those 27 minutes: 100%.
    private static (int ExitCode, string Output) RunDemo()
    {
        using var output = new StringWriter();
        int exitCode = new KitchenDemo().Run(output);
        return (exitCode, output.ToString());
    }

    private static Dish MainDish(int minutes) => new(DishKind.Main, TimeSpan.FromMinutes(minutes), null);

    private static Dish SideDish(int minutes, int? burnsAfter = null) =>
        new(DishKind.Side, TimeSpan.FromMinutes(minutes), burnsAfter is int burns ? TimeSpan.FromMinutes(burns) : null);

    private static Order Order(int number, int arrival, params Dish[] dishes) =>
        new(number, TimeSpan.FromMinutes(arrival), dishes);

    [Test]
    public void TheDemo_EndsByItself_WithExitCode0()
    {
        (int exitCode, string output) = RunDemo();

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output, Does.StartWith("The kitchen: producers, consumers, and who waits for what"));
    }

    [Test]
    public void TheDemo_IsListedInTheCatalog()
    {
        Assert.That(YieldLoop.Demos.DemoCatalog.Find("kitchen"), Is.InstanceOf<KitchenDemo>());
    }

    [Test]
    public void EveryLine_FitsAn80ColumnTerminal()
    {
        (_, string output) = RunDemo();

        foreach (string line in output.Split('\n'))
        {
            Assert.That(line.TrimEnd('\r').Length, Is.LessThanOrEqualTo(80), line);
        }
    }

    [Test]
    public void TheSeed_GivesTheOrdersWorkedOutInTheTests()
    {
        (_, string output) = RunDemo();

        string[] orders =
        {
            "  #1  18:00  main 8, drink 1 min",
            "  #2  18:02  main 5, drink 2 min",
            "  #3  18:03  main 4 min",
            "  #4  18:05  main 6, side 6 min",
            "  #5  18:07  main 7, side 5 min",
            "  #6  18:08  main 5, side 6 (burns after 1), drink 2 min",
        };
        foreach (string order in orders)
        {
            Assert.That(output, Does.Match("(?m)^" + Regex.Escape(order) + @"\r?$"));
        }
    }

    [Test]
    public void TheSummary_MatchesTheEveningWorkedOutByHand()
    {
        (_, string output) = RunDemo();

        Assert.That(output, Does.Match(@"(?m)^Orders served +4 of 6\r?$"));
        Assert.That(output, Does.Match(@"(?m)^Timed out +1 \(comped\)\r?$"));
        Assert.That(output, Does.Match(@"(?m)^Failed orders +1 \("));
        Assert.That(output, Does.Match(@"(?m)^Average wait +6\.3 min "));
        Assert.That(output, Does.Match(@"(?m)^Oven use +100%: 27 min of 27 min \(closing at 18:27\)\r?$"));
    }

    [Test]
    public void TheRun_KeepsTheTimesWorkedOutByHand()
    {
        KitchenRun run = new Kitchen(KitchenScenario.Default).Run();

        int[] taken = { 0, 2, 8, 13, 17, 23 };
        int[] ended = { 8, 13, 17, 23, 27, 24 };
        OrderOutcome[] outcomes =
        {
            OrderOutcome.Served, OrderOutcome.Served, OrderOutcome.Served, OrderOutcome.Served, OrderOutcome.Late,
            OrderOutcome.Failed,
        };
        for (int i = 0; i < run.Tickets.Count; i++)
        {
            Ticket ticket = run.Tickets[i];
            Assert.That(ticket.TakenAt, Is.EqualTo(TimeSpan.FromMinutes(taken[i])), $"#{ticket.Number} taken");
            Assert.That(ticket.EndedAt, Is.EqualTo(TimeSpan.FromMinutes(ended[i])), $"#{ticket.Number} ended");
            Assert.That(ticket.Outcome, Is.EqualTo(outcomes[i]), $"#{ticket.Number}");
        }

        Assert.That(run.End, Is.EqualTo(TimeSpan.FromMinutes(27)));
        Assert.That(run.OvenTime, Is.EqualTo(TimeSpan.FromMinutes(27)));
        Assert.That(run.AverageWaitForCook, Is.EqualTo(TimeSpan.FromMinutes(38.0 / 6)));
    }

    [Test]
    public void ALateOrder_IsCancelledByItsTimeout_WithItsMainInTheOven()
    {
        (_, string output) = RunDemo();

        Assert.That(output, Does.Match(@"(?m)^18:27  .*\| idle +idle +\| 0/1  \|   4    1    1\r?$"));
        Assert.That(output, Does.Contain("       #5 times out (M- S+): main cancelled; comped"));
    }

    [Test]
    public void ABurntDish_MakesItsGroupCancelTheOtherDishes()
    {
        (_, string output) = RunDemo();

        // At 18:23 #6's main waits for the oven and its drink is being poured; at 18:24 the side burns.
        Assert.That(output, Does.Match(@"(?m)^18:23 .*#6 M\? S\* D\* "));
        Assert.That(output, Does.Contain("       #6's side burns: its task fails"));
        Assert.That(output, Does.Contain("       #6 fails (M- Sx D-): its group cancelled the main and drink"));
    }

    [Test]
    public void AWaiter_WaitsAtTheDoor_WhileTheRailIsFull()
    {
        (_, string output) = RunDemo();

        Assert.That(output, Does.Match(@"(?m)^18:07  #3 #4    #5       \| "));
        Assert.That(output, Does.Contain("       #5 comes in; the rail is full, so its waiter waits"));
        Assert.That(output, Does.Match(@"(?m)^18:08  #4 #5    #6       \| #3 M\? "));
    }

    [Test]
    public void MoreTicksPerMinute_ChangeNothing()
    {
        // Every hand-over between coroutines settles within the minute's ticks: four times as many give the same board.
        KitchenRun usual = new Kitchen(KitchenScenario.Default).Run();
        KitchenRun more = new Kitchen(KitchenScenario.Default, settleTicks: 4 * Kitchen.SettleTicks).Run();

        Assert.That(more.Board, Is.EqualTo(usual.Board));
    }

    [Test]
    public void AnOrderTakenAfterItsDeadline_IsDroppedBeforeItStarts()
    {
        // One cook, patience 5. #1's main needs 8, so its timeout cancels it in the oven at 5. Only then does the cook
        // take #2, with no time left: the timeout cancels it before its coroutine runs.
        var scenario = new KitchenScenario(0, new[] { Order(1, 0, MainDish(8)), Order(2, 0, MainDish(2)) },
            new[] { "Cy" }, ovens: 1, railCapacity: 2, TimeSpan.FromMinutes(5));

        KitchenRun run = new Kitchen(scenario).Run();

        Assert.That(run.Late, Is.EqualTo(2));
        Assert.That(run.Board, Has.Some.EqualTo("       #1 times out (M-): main cancelled; comped"));
        Assert.That(run.Board, Has.Some.EqualTo("       #2 times out before it starts: dropped, and comped"));
        Assert.That(run.Tickets[1].Dishes[0].Status, Is.EqualTo(DishStatus.Waiting), "the dropped main never ran");
        Assert.That(run.End, Is.EqualTo(TimeSpan.FromMinutes(5)));
        Assert.That(run.OvenTime, Is.EqualTo(TimeSpan.FromMinutes(5)));
    }

    [Test]
    public void AMainCancelledWhileWaitingForTheOven_DoesNotKeepAPermit()
    {
        // #1 holds the oven 0-5. #2's main waits for it; #2's side burns at 1, so the group cancels the waiting main.
        // #3 (taken at 2) must get the oven at 5, when #1 gives it back: the cancelled waiter neither kept nor lost it.
        var scenario = new KitchenScenario(0,
            new[] { Order(1, 0, MainDish(5)), Order(2, 0, MainDish(3), SideDish(4, burnsAfter: 1)), Order(3, 2, MainDish(2)) },
            new[] { "Ann", "Bob" }, ovens: 1, railCapacity: 2, TimeSpan.FromMinutes(30));

        KitchenRun run = new Kitchen(scenario).Run();

        Assert.That(run.Tickets[1].Outcome, Is.EqualTo(OrderOutcome.Failed));
        Assert.That(run.Tickets[1].Cells, Is.EqualTo("M- Sx"));
        Assert.That(run.Tickets[2].TakenAt, Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(run.Tickets[2].EndedAt, Is.EqualTo(TimeSpan.FromMinutes(7)));
        Assert.That(run.Served, Is.EqualTo(2));
        Assert.That(run.OvenTime, Is.EqualTo(TimeSpan.FromMinutes(7)));
        Assert.That(run.OvenUtilisation, Is.EqualTo(1.0));
    }

    [Test]
    public void AScenarioWithTimesThatAreNotWholeMinutes_IsRejected()
    {
        Assert.That(
            () => new KitchenScenario(0, Array.Empty<Order>(), new[] { "Ann" }, 1, 1, TimeSpan.FromSeconds(90)),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("patience"));
    }

    [Test]
    public void TheBoard_ShowsEveryCook_AndItsHeadingFitsTheRows()
    {
        KitchenRun run = new Kitchen(KitchenScenario.Default).Run();

        Assert.That(run.Board[0], Is.EqualTo(" time  rail     door     | Ann          Bob          | oven | srv late fail"));
        foreach (string line in run.Board)
        {
            if (Regex.IsMatch(line, @"^\d\d:\d\d"))
            {
                Assert.That(line, Has.Length.EqualTo(run.Board[0].Length), line);
            }
        }
    }
}
