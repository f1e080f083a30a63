using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
    public void Main_runs_a_task_and_an_inline_child_side_by_side()
    {
        string breakfast = FromAsyncioSnippets.Run(_clock, _log);

        Assert.That(breakfast, Is.EqualTo("coffee after 2 min, tea after 3 min"));
        Assert.That(Printed, Is.EqualTo(new[] { "coffee after 2 min, tea after 3 min" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromMinutes(3)), "the two ran at the same time");
    }

    [Test]
    public void Gather_gives_results_in_argument_order_and_SettleAll_keeps_every_outcome()
    {
        Run(FromAsyncioSnippets.Gather(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[]
        {
            "tea after 3 min; coffee after 2 min",
            "toast: Succeeded, eggs: Faulted (The eggs burnt.)",
        }));
    }

    [Test]
    public void A_timeout_cancels_the_work_waits_for_its_finally_then_fails()
    {
        Run(FromAsyncioSnippets.Soup(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "soup: stove off", "gave up on the soup" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromMinutes(10)));
    }

    [Test]
    public void A_shielded_save_goes_on_after_its_waiter_timed_out()
    {
        Run(FromAsyncioSnippets.SaveWithDeadline(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "stopped waiting: TimeoutException", "file written", "saved" }));
    }

    [Test]
    public void WhenAny_leaves_the_others_running_and_Race_cancels_them()
    {
        Run(FromAsyncioSnippets.FirstDrink(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "first: coffee after 2 min; tea: Pending", "race: water after 1 min" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromMinutes(3)));
        Assert.That(_loop.PendingTaskCount, Is.EqualTo(0), "the juice was cancelled when the water won (and the tea ended at 3 min)");
    }

    [Test]
    public void Repeated_WhenAny_gives_the_tasks_in_the_order_they_complete()
    {
        Run(FromAsyncioSnippets.AsCompleted(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "water after 1 min", "coffee after 2 min", "tea after 3 min" }));
    }

    [Test]
    public void A_task_group_waits_for_all_its_children()
    {
        Run(FromAsyncioSnippets.TeaAndToast(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "tea after 3 min; toast after 2 min" }));
    }

    [Test]
    public void A_task_group_fails_with_every_failure_and_WhenAll_with_the_first_and_the_rest_attached()
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
    public void A_lock_serves_its_waiters_one_after_the_other()
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
    public void A_cancelled_holder_releases_the_lock_in_its_finally()
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
    public void A_bounded_channel_serves_the_orders_in_order_and_ends_after_Complete()
    {
        Run(FromAsyncioSnippets.Orders(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "serving tea", "serving toast", "serving eggs" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromSeconds(90)));
    }

    [Test]
    public void Callbacks_run_soon_at_and_later_and_a_cancelled_one_never()
    {
        FromAsyncioSnippets.Callbacks(_clock, _log);

        Assert.That(Printed, Is.EqualTo(new[] { "0 s: soon", "1 s: at", "2 s: later" }));
    }

    [Test]
    public void Offloaded_work_and_a_NET_task_complete_on_the_loop()
    {
        Run(FromAsyncioSnippets.Checksums(new byte[] { 1, 2, 3 }, _log));

        Assert.That(Printed, Is.EqualTo(new[] { $"checksum {(((1 * 31) + 2) * 31) + 3}", "answer 42" }));
    }

    [Test]
    public void A_waiter_resumes_in_the_tick_after_the_future_completes()
    {
        string reply = FromAsyncioSnippets.Future(_clock, _log);

        Assert.That(reply, Is.EqualTo("pong"));
        Assert.That(Printed, Is.EqualTo(new[] { "tick 2: set_result", "tick 3: the waiter has pong" }));
    }

    [Test]
    public void A_cancelled_task_runs_its_finally_and_ends_Cancelled()
    {
        Run(FromAsyncioSnippets.NoTea(_loop, _log));

        Assert.That(Printed, Is.EqualTo(new[] { "tea bag out", "tea: Cancelled" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromMinutes(1)));
    }

    [Test]
    public void Debug_mode_reports_the_call_never_yielded_and_Dump_shows_the_task()
    {
        FromAsyncioSnippets.Debug(new ManualClock(), _log);
        TestContext.Out.WriteLine(_log.ToString());

        Assert.That(_log.ToString(), Does.StartWith("Coroutine 'forgetful' made Co.Call(Brew) in a step but never yielded it, so the child coroutine never ran."));
        Assert.That(_log.ToString(), Does.Contain("'forgetful' sleeping on timer"));
        Assert.That(ConceptsSnippetTests.OutputBlock(Doc, "from-asyncio-debug"), Is.EqualTo(DocSnippets.Normalize(_log.ToString())));
    }
}
