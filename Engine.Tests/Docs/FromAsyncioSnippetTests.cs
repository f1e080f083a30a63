using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DocExamples.FromAsyncio;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>Runs the snippets of docs/from-asyncio.md on a manual clock that jumps to the next timer.</summary>
public class FromAsyncioSnippetTests
{
    private ManualClock _clock = null!;
    private EventLoop _loop = null!;
    private StringWriter _log = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualClock { AutoJump = true };
        _loop = new EventLoop(_clock, "main");
        _log = new StringWriter();
    }

    [TearDown]
    public void TearDown()
    {
        _loop.Close();
        _log.Dispose();
    }

    private static string Doc => File.ReadAllText(Path.Combine(DocSnippets.RepositoryRoot(), "docs", "from-asyncio.md"));

    private string[] Printed => _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToArray();

    private void Run(IEnumerator<IAwaitable> coroutine)
    {
        _loop.RunUntilComplete(coroutine);
        TestContext.Out.WriteLine(_log.ToString());
    }

    [Test]
    public void Main_RunsATaskAndAnInlineChildSideBySide()
    {
        string breakfast = FromAsyncioSnippets.Run(_clock, _log);

        Assert.That(breakfast, Is.EqualTo("coffee after 2 min, tea after 3 min"));
        Assert.That(Printed, Is.EqualTo(new[] { "coffee after 2 min, tea after 3 min" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromMinutes(3)), "the two ran at the same time");
    }

    [Test]
    public void Gather_GivesResultsInArgumentOrder_AndSettleAllKeepsEveryOutcome()
    {
        Run(FromAsyncioSnippets.Gather(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[]
        {
            "tea after 3 min; coffee after 2 min",
            "toast: Succeeded, eggs: Faulted (The eggs burnt.)",
        }));
    }

    [Test]
    public void ATimeout_CancelsTheWork_WaitsForItsFinally_ThenFails()
    {
        Run(FromAsyncioSnippets.Soup(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "soup: stove off", "gave up on the soup" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromMinutes(10)));
    }

    [Test]
    public void AShieldedSave_GoesOn_AfterItsWaiterTimedOut()
    {
        Run(FromAsyncioSnippets.SaveWithDeadline(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "stopped waiting: TimeoutException", "file written", "saved" }));
    }

    [Test]
    public void WhenAny_LeavesTheOthersRunning_AndRaceCancelsThem()
    {
        Run(FromAsyncioSnippets.FirstDrink(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "first: coffee after 2 min; tea: Pending", "race: water after 1 min" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromMinutes(3)));
        Assert.That(_loop.PendingTaskCount, Is.EqualTo(0), "the juice was cancelled when the water won (and the tea ended at 3 min)");
    }

    [Test]
    public void AsCompleted_GivesTheTasksInTheOrderTheyComplete()
    {
        Run(FromAsyncioSnippets.AsCompleted(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "water after 1 min", "coffee after 2 min", "tea after 3 min" }));
    }

    [Test]
    public void Wait_WithATimeout_GivesDoneAndPending_AndCancelsNothing()
    {
        Run(FromAsyncioSnippets.WaitSets(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "done: coffee after 2 min; pending: 1", "tea after 3 min" }));
    }

    [Test]
    public void TimeoutScope_RescheduledBeforeItsDeadline_LetsTheWorkFinish()
    {
        Run(FromAsyncioSnippets.Stew(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "stew: stove off", "stew: Succeeded, expired: False" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromMinutes(40)));
    }

    [Test]
    public void ConditionWaitFor_WakesWhenThePredicateHolds()
    {
        Run(FromAsyncioSnippets.Toast(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "2 slices" }));
    }

    [Test]
    public void QueueJoin_WaitsUntilEveryOrderWasHandled()
    {
        Run(FromAsyncioSnippets.Kitchen(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "served tea", "served toast", "all orders served" }));
    }

    [Test]
    public void RunCoroutineThreadsafe_GivesTheResultToAsyncCode()
    {
        Task<string> order = FromAsyncioSnippets.OrderFromAWorker(_loop, CancellationToken.None);
        _loop.RunUntilIdle();

        Assert.That(order.Wait(HangGuard.Limit), Is.True, "the awaiting method did not finish");
        Assert.That(order.Result, Is.EqualTo("tea after 3 min"));
    }

    [Test]
    public void ATaskGroup_WaitsForAllItsChildren()
    {
        Run(FromAsyncioSnippets.TeaAndToast(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "tea after 3 min; toast after 2 min" }));
    }

    [Test]
    public void ATaskGroup_FailsWithEveryFailure_AndWhenAllWithTheFirstAndTheRestAttached()
    {
        Run(FromAsyncioSnippets.BurntBreakfast(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[]
        {
            "group: The toast burnt.",
            "group: The eggs stuck to the pan.",
            "WhenAll: The toast burnt.",
            "  also: The eggs stuck to the pan.",
        }));
        Assert.That(ConceptsSnippetTests.OutputBlock(Doc, "from-asyncio-failures"), Is.EqualTo(DocSnippets.Normalize(_log.ToString())));
    }

    [Test]
    public void ALock_ServesItsWaitersOneAfterTheOther()
    {
        var kettle = new CoLock(_loop);
        _loop.Start(FromAsyncioSnippets.BoilWater(kettle, "Ann", _log));
        LoopTask bob = _loop.Start(FromAsyncioSnippets.BoilWater(kettle, "Bob", _log));

        _loop.RunUntilComplete(bob);

        Assert.That(Printed, Is.EqualTo(new[] { "Ann boils water", "Bob boils water" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromMinutes(2)), "Bob waited for Ann's minute, then boiled his");
        Assert.That(kettle.IsLocked, Is.False);
    }

    [Test]
    public void ACancelledHolder_ReleasesTheLockInItsFinally()
    {
        var kettle = new CoLock(_loop);
        LoopTask ann = _loop.Start(FromAsyncioSnippets.BoilWater(kettle, "Ann", _log));
        _loop.Tick();
        Assert.That(kettle.IsLocked, Is.True);

        ann.Cancel();
        _loop.Tick();

        Assert.That(ann.IsCancelled, Is.True);
        Assert.That(kettle.IsLocked, Is.False);
    }

    [Test]
    public void ABoundedChannel_ServesTheOrdersInOrder_AndEndsAfterComplete()
    {
        Run(FromAsyncioSnippets.Orders(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "serving tea", "serving toast", "serving eggs" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromSeconds(90)));
    }

    [Test]
    public void Callbacks_RunSoonAtAndLater_AndACancelledOneNever()
    {
        FromAsyncioSnippets.Callbacks(_clock, _log);

        Assert.That(Printed, Is.EqualTo(new[] { "0 s: soon", "1 s: at", "2 s: later" }));
    }

    [Test]
    public void OffloadedWorkAndANETTask_CompleteOnTheLoop()
    {
        Run(FromAsyncioSnippets.Checksums(new byte[] { 1, 2, 3 }, _log));

        Assert.That(Printed, Is.EqualTo(new[] { $"checksum {(((1 * 31) + 2) * 31) + 3}", "answer 42" }));
    }

    [Test]
    public void AWaiter_ResumesInTheTickAfterTheFutureCompletes()
    {
        string reply = FromAsyncioSnippets.Future(_clock, _log);

        Assert.That(reply, Is.EqualTo("pong"));
        Assert.That(Printed, Is.EqualTo(new[] { "tick 2: set_result", "tick 3: the waiter has pong" }));
    }

    [Test]
    public void ACancelledTask_RunsItsFinally_AndEndsCancelled()
    {
        Run(FromAsyncioSnippets.NoTea(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "tea bag out", "tea: Cancelled" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromMinutes(1)));
    }

    [Test]
    public void DebugMode_ReportsTheCallNeverYielded_AndDumpShowsTheTask()
    {
        FromAsyncioSnippets.Debug(new ManualClock(), _log);
        TestContext.Out.WriteLine(_log.ToString());

        Assert.That(_log.ToString(), Does.StartWith("Coroutine 'forgetful' made Co.Call(Brew) in a step but never yielded it, so the child coroutine never ran."));
        Assert.That(_log.ToString(), Does.Contain("'forgetful' sleeping on timer"));
        Assert.That(ConceptsSnippetTests.OutputBlock(Doc, "from-asyncio-debug"), Is.EqualTo(DocSnippets.Normalize(_log.ToString())));
    }
}
