using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>TaskGroup: structured concurrency (R44).</summary>
[TestFixture]
public partial class TaskGroupTests : LoopFixture
{
    public TaskGroupTests()
        : base("comp")
    {
    }

    // ---- waiting -----------------------------------------------------------------------------------------------

    [Test]
    public void TaskGroup_WaitCompletesOnlyWhenEveryChildCompleted_R44()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask owner = t.Loop.Start(Owner(t.Loop, log, g =>
        {
            g.Start(Sleep(1, log, "a"));
            g.Start(Sleep(3, log, "b"));
        }));
        t.Tick(2);

        t.AdvanceAndTick(1);
        Assert.That(owner.State, Is.EqualTo(FutureState.Pending));
        t.AdvanceAndTick(2);
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "a done", "a finally", "b done", "b finally", "owner: Succeeded", "owner finally" }));
        Assert.That(owner.IsSucceeded, Is.True);
    }

    [Test]
    public void TaskGroup_ChildrenStartedWhileWaiting_AreWaitedFor_R44()
    {
        var t = new TestLoop();
        var log = new List<string>();
        TaskGroup? group = null;
        LoopTask owner = t.Loop.Start(Owner(t.Loop, log, g =>
        {
            group = g;
            g.Start(Sleep(1, log, "a"));
        }));
        t.Tick(2);

        group!.Start(Sleep(1, log, "late"));   // its first step is in the next tick, at t = 1: due at t = 2
        t.AdvanceAndTick(1);
        t.Tick();
        Assert.That(owner.State, Is.EqualTo(FutureState.Pending), "late is still running");
        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(owner.IsSucceeded, Is.True);
        Assert.That(log, Does.Contain("late done"));
    }

    [Test]
    public void TaskGroup_WithNoChildren_WaitCompletesAtOnce()
    {
        var t = new TestLoop();
        var group = new TaskGroup(t.Loop);

        Future wait = group.WhenAll();

        Assert.That(wait.IsSucceeded, Is.True);
        Assert.That(group.WhenAll(), Is.SameAs(wait), "the same future on every call");
    }

    [Test]
    public void TaskGroup_TypedChild_GivesItsResult()
    {
        var t = new TestLoop();
        var log = new List<string>();
        using var group = new TaskGroup(t.Loop);
        LoopTask<int> child = group.Start<int>(SleepReturn(0, 5, log, "child"), "five");

        t.Loop.RunUntilComplete(group.WhenAll());

        Assert.That(child.Result, Is.EqualTo(5));
        Assert.That(child.Name, Is.EqualTo("five"));
    }

    // ---- failures ----------------------------------------------------------------------------------------------

    [Test]
    public void TaskGroup_ThreeChildrenOneFails_SiblingsAreCancelled_AndTheWaitFailsAfterThemWithAnAggregate_R44()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("child b failed");
        Future? wait = null;
        LoopTask owner = t.Loop.Start(Owner(t.Loop, log, g =>
        {
            g.Start(Sleep(5, log, "a"));
            g.Start(SleepThrow(1, boom, log, "b"));
            g.Start(Sleep(5, log, "c"));
            wait = g.WhenAll();
        }));
        t.Tick(2);

        t.AdvanceAndTick(1);
        Assert.That(wait!.State, Is.EqualTo(FutureState.Pending), "a and c have not run their finally blocks yet");
        t.Tick(2);

        Assert.That(log, Is.EqualTo(new[] { "b throws", "b finally", "a finally", "c finally", "owner: Faulted", "owner finally" }));
        var aggregate = (AggregateException)wait.Exception!;
        Assert.That(aggregate.InnerExceptions, Is.EqualTo(new[] { boom }));
        Assert.That(aggregate.Message, Does.StartWith(
            "1 child task(s) of a task group failed; InnerExceptions holds each failure in the order they happened."));
        Assert.That(t.Unhandled, Has.Count.EqualTo(1), "the owner observed the wait; only its own failure (the same aggregate), which nobody awaited, is reported");
        Assert.That(t.Unhandled[0], Is.SameAs(aggregate));
    }

    [Test]
    public void TaskGroup_FailsWithEveryChildFailure_InTheOrderTheyHappened_R44()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var first = new FormatException("first");
        var second = new InvalidOperationException("second, while cancelled");
        var third = new ArgumentException("third, from a later child");
        var group = new TaskGroup(t.Loop);
        group.Start(SleepThrowInFinally(9, second, log, "x"));
        group.Start(SleepThrow(1, first, log, "y"));
        Future wait = group.WhenAll();
        t.Tick();

        t.AdvanceAndTick(1);
        LoopTask late = group.Start(SleepThrow(0, third, log, "late"));
        t.Tick();

        Assert.That(late.IsCancelled, Is.True, "started after a failure: cancelled before its body ran (R32)");
        Assert.That(((AggregateException)wait.Exception!).InnerExceptions, Is.EqualTo(new Exception[] { first, second }));
        Assert.That(log, Does.Not.Contain("late throws"));
    }

    [Test]
    public void TaskGroup_ChildCancelledFromOutside_IsNotAFailure()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var group = new TaskGroup(t.Loop);
        LoopTask a = group.Start(Sleep(5, log, "a"));
        LoopTask b = group.Start(Sleep(1, log, "b"));
        Future wait = group.WhenAll();
        t.Tick();

        a.Cancel();
        t.AdvanceAndTick(1);

        Assert.That(b.IsSucceeded, Is.True, "the sibling was not cancelled");
        Assert.That(wait.IsSucceeded, Is.True);
    }

    [Test]
    public void TaskGroup_FailureNobodyWaitedFor_IsReportedWhenTheGroupIsDisposed_R23()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("nobody waited");
        var group = new TaskGroup(t.Loop);
        group.Start(SleepThrow(1, boom, log, "a"));
        t.Tick();
        t.AdvanceAndTick(1);
        Assert.That(t.Unhandled, Is.Empty, "the group holds it until someone waits or the group ends");

        group.Dispose();
        t.Tick();

        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(((AggregateException)t.Unhandled[0]).InnerExceptions, Is.EqualTo(new[] { boom }));
    }

    // ---- the owner ---------------------------------------------------------------------------------------------

    [Test]
    public void TaskGroup_OwnerCancelledWhileWaiting_CancelsTheChildren_R44_R31()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask owner = t.Loop.Start(Owner(t.Loop, log, g =>
        {
            g.Start(Sleep(5, log, "a"));
            g.Start(Sleep(5, log, "b"));
        }));
        t.Tick(2);

        owner.Cancel();
        t.Tick();

        // In one tick, the children first (Trio's nursery, asyncio's TaskGroup), then the owner.
        Assert.That(log, Is.EqualTo(new[] { "a finally", "b finally", "owner finally" }));
        Assert.That(owner.IsCancelled, Is.True);
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void TaskGroup_OwnerCancelledBeforeWaiting_DisposeCancelsTheChildren_R44()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask owner = t.Loop.Start(OwnerThatSleepsFirst(t.Loop, log));
        t.Tick(2);

        owner.Cancel();
        t.Tick(2);   // the owner's turn disposes the group; the child's cancellation turn follows (R30)

        Assert.That(log, Is.EqualTo(new[] { "owner finally", "child finally" }));
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
    }

    private static IEnumerator<IAwaitable> OwnerThatSleepsFirst(EventLoop loop, List<string> log)
    {
        try
        {
            using var group = new TaskGroup(loop);
            group.Start(Forever(log, "child"));
            yield return Co.Sleep(10);
            yield return group.WhenAll();
        }
        finally
        {
            log.Add("owner finally");
        }
    }

    [Test]
    public void TaskGroup_OwnerThrows_DisposeCancelsTheChildren_AndTheOwnerFailsWithItsOwnException_R44()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("owner failed");
        LoopTask owner = t.Loop.Start(OwnerThatThrows(t.Loop, log, boom));
        t.Tick(2);

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(owner.Exception, Is.SameAs(boom));
        Assert.That(log, Is.EqualTo(new[] { "child finally" }));
        Assert.That(t.Loop.PendingTaskCount, Is.Zero, "no child outlives its group");
        Assert.That(t.Unhandled, Is.EqualTo(new[] { boom }), "only the owner's own failure, which nobody awaited");
    }

    private static IEnumerator<IAwaitable> OwnerThatThrows(EventLoop loop, List<string> log, Exception boom)
    {
        using var group = new TaskGroup(loop);
        group.Start(Forever(log, "child"));
        yield return Co.Sleep(1);
        throw boom;
    }

    [Test]
    public void TaskGroup_NoChildOutlivesItsBlock_AChildStillRunningAtTheEndIsCancelled_R44()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask? child = null;
        t.Loop.Start(OwnerThatLeavesEarly(t.Loop, log, c => child = c));
        t.Tick(2);
        t.Tick();

        Assert.That(child!.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "owner left the block", "child finally" }));
    }

    private static IEnumerator<IAwaitable> OwnerThatLeavesEarly(EventLoop loop, List<string> log, Action<LoopTask> keep)
    {
        using (var group = new TaskGroup(loop))
        {
            keep(group.Start(Forever(log, "child")));
            yield return Co.NextTick;
        }

        log.Add("owner left the block");
    }

    // ---- misuse ------------------------------------------------------------------------------------------------

    [Test]
    public void TaskGroup_StartAfterDispose_ThrowsWithAClearMessage()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var group = new TaskGroup(t.Loop);
        group.Dispose();
        group.Dispose();   // a second dispose is a no-op

        var ex = Assert.Throws<InvalidOperationException>(() => group.Start(Body(log, "x")));

        Assert.That(ex!.Message, Is.EqualTo(
            "This TaskGroup is disposed, so it cannot start more children: no child may outlive its group. Start children inside the group's using block, before it ends."));
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
    }

    [Test]
    public void TaskGroup_DisposeFromAnotherThread_ThrowsAndLeavesTheGroupOpen_SoDisposeOnTheLoopThreadStillCancels_R50()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var group = new TaskGroup(t.Loop);
        LoopTask child = group.Start(Forever(log, "child"));
        t.Tick();
        Exception? wrongThread = null;
        var thread = new Thread(() =>
        {
            try
            {
                group.Dispose();
            }
            catch (Exception ex)
            {
                wrongThread = ex;
            }
        });
        thread.Start();
        Assert.That(thread.Join(TimeSpan.FromSeconds(30)), Is.True, "the other thread did not end");

        Assert.That(wrongThread, Is.InstanceOf<InvalidOperationException>());
        Assert.That(group.ToString(), Does.StartWith("TaskGroup (open, 1 pending"), "the refused Dispose changed nothing");

        group.Dispose();
        t.Tick();

        Assert.That(child.IsCancelled, Is.True, "the Dispose on the loop thread cancelled the child");
        Assert.That(log, Does.Contain("child finally"));
    }

    [Test]
    public void TaskGroup_StartAfterTheWaitCompleted_ThrowsWithAClearMessage()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var group = new TaskGroup(t.Loop);
        group.WhenAll();

        var ex = Assert.Throws<InvalidOperationException>(() => group.Start(Body(log, "x")));

        Assert.That(ex!.Message, Is.EqualTo(
            "This TaskGroup has finished (its wait completed or was cancelled), so it cannot start more children. Start them before the wait completes, or open a new TaskGroup."));
    }

    [Test]
    public void TaskGroup_CreatedOutsideATickWithoutALoop_ThrowsNamingTheFix()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => _ = new TaskGroup());

        Assert.That(ex!.Message, Is.EqualTo(
            "new TaskGroup() needs the loop that runs the calling coroutine, but no loop is ticking on this thread. Call it from a coroutine, or pass the loop: new TaskGroup(loop)."));
    }

    [Test]
    public void TaskGroup_CreatedInACoroutineWithoutALoop_UsesTheCurrentLoop()
    {
        var t = new TestLoop();
        var seen = new List<EventLoop>();

        t.Loop.RunUntilComplete(UsesCurrent(seen));

        Assert.That(seen, Is.EqualTo(new[] { t.Loop }));
    }

    private static IEnumerator<IAwaitable> UsesCurrent(List<EventLoop> seen)
    {
        using var group = new TaskGroup();
        seen.Add(group.Loop);
        yield return group.WhenAll();
    }

    // ---- composition and scale ---------------------------------------------------------------------------------

    [Test]
    public void TaskGroup_WaitUnderATimeout_CancelsTheChildrenAndWaitsForThem_R43_R44()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var group = new TaskGroup(t.Loop);
        group.Start(Sleep(5, log, "a"));
        Future timed = Co.Timeout(group.WhenAll(), 1);
        t.Tick();

        t.AdvanceAndTick(1);
        Assert.That(timed.State, Is.EqualTo(FutureState.Pending));
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "a finally" }));
        Assert.That(timed.Exception, Is.TypeOf<TimeoutException>());
    }

    [Test]
    public void TaskGroup_DescribesItself()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var group = new TaskGroup(t.Loop);
        group.Start(Sleep(1, log, "a"));

        Assert.That(group.ToString(), Is.EqualTo("TaskGroup (open, 1 pending, 0 failed)"));
        group.Dispose();
        Assert.That(group.ToString(), Is.EqualTo("TaskGroup (disposed, 1 pending, 0 failed)"));
    }

    [Test]
    [Category("Stress")]
    public void TaskGroup_TenThousandChildren_AllWaitedFor_R44()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var group = new TaskGroup(t.Loop);
        for (int i = 0; i < 10_000; i++)
        {
            group.Start(Sleep(1 + (i % 7), log, "c"));
        }

        Future wait = group.WhenAll();
        t.Tick();
        for (int s = 0; s < 7; s++)
        {
            Assert.That(wait.State, Is.EqualTo(FutureState.Pending));
            t.AdvanceAndTick(1);
        }

        Assert.That(wait.IsSucceeded, Is.True);
        Assert.That(log.FindAll(s => s == "c done"), Has.Count.EqualTo(10_000));
        Assert.That(group.PendingCount, Is.Zero);
    }

    [Test]
    [Category("Stress")]
    public void TaskGroup_TenThousandChildren_OneFails_AllOthersCancelled_R44()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("one");
        var group = new TaskGroup(t.Loop);
        for (int i = 0; i < 10_000; i++)
        {
            group.Start(i == 9_999 ? SleepThrow(1, boom, log, "bad") : Forever(log, "c"));
        }

        Future wait = group.WhenAll();
        t.Tick();
        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(((AggregateException)wait.Exception!).InnerExceptions, Is.EqualTo(new[] { boom }));
        Assert.That(log.FindAll(s => s == "c finally"), Has.Count.EqualTo(9_999));
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static IEnumerator<IAwaitable> Owner(EventLoop loop, List<string> log, Action<TaskGroup> body)
    {
        try
        {
            using var group = new TaskGroup(loop);
            body(group);
            Future wait = group.WhenAll();
            yield return Co.Settle(wait);
            log.Add("owner: " + wait.State);
            wait.GetResult();
        }
        finally
        {
            log.Add("owner finally");
        }
    }
}
