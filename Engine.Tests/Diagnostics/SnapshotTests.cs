using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;

namespace YieldLoop.Tests.Diagnostics;

/// <summary>Live snapshots and the dump (issue 7, item 2): every live task with its state, wait, frames and tree.</summary>
[TestFixture]
public class SnapshotTests
{
    private const string Here = "YieldLoop.Tests.Diagnostics.SnapshotTests.";

    private static IEnumerator<IAwaitable> Cook(Future order)
    {
        EventLoop loop = EventLoop.Current!;
        LoopTask boil = loop.Start(Boil());
        LoopTask take = loop.Start(Order(order));
        yield return Co.WhenAll(boil, take);
    }

    private static IEnumerator<IAwaitable> Boil()
    {
        yield return Co.Sleep(5);
    }

    private static IEnumerator<IAwaitable> Order(Future order)
    {
        yield return Co.Call(Take(order));
    }

    private static IEnumerator<IAwaitable> Take(Future order)
    {
        yield return order;
    }

    private static IEnumerator<IAwaitable> Holder(CoLock lck)
    {
        yield return lck.Acquire();
        try
        {
            yield return Co.Sleep(10);
        }
        finally
        {
            lck.Release();
        }
    }

    private static IEnumerator<IAwaitable> Waiter(CoLock lck)
    {
        yield return lck.Acquire();
        lck.Release();
    }

    private static IEnumerator<IAwaitable> Blink()
    {
        yield return Co.Sleep(3);
    }

    private static IEnumerator<IAwaitable> Spin()
    {
        while (true)
        {
            yield return Co.NextTick;
        }
    }

    private static IEnumerator<IAwaitable> WaitOn(Future future)
    {
        yield return future;
    }

    private static IEnumerator<IAwaitable> Snap(Action<LoopSnapshot> take)
    {
        take(EventLoop.Current!.Diagnostics.Snapshot());
        yield break;
    }

    [Test]
    public void Dump_ShowsAParentOverItsTwoChildren_OneSleepingOneWaitingOnAFuture()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "kitchen");
        loop.Diagnostics.Snapshot();   // from the first snapshot on, task start times are recorded
        var order = new FutureSource(loop);
        loop.Start(Cook(order.Future));
        loop.Tick();   // Cook starts Boil and Order and waits for both
        loop.Tick();   // Boil sleeps until 5 s, Order waits (inside Take) for the order
        clock.Advance(2);

        Assert.That(loop.Diagnostics.Dump(), Is.EqualTo(
            "Loop 'kitchen' at 00:00:02.000: 3 tasks (2 waiting, 1 sleeping)\n" +
            "- #1 'Cook' waiting on all of 2 tasks, age 2.000 s | " + Here + "Cook\n" +
            "  - #2 'Boil' sleeping on timer at 00:00:05.000 (in 3.000 s), age 2.000 s | " + Here + "Boil\n" +
            "  - #3 'Order' waiting on future (completed by: unknown), age 2.000 s | " + Here + "Order > " + Here + "Take"));
        loop.Close();
    }

    [Test]
    public void Dump_ShowsATaskWaitingForALock_OverTheTaskThatHoldsIt()
    {
        var loop = new EventLoop(new ManualClock(), "locks");
        loop.Diagnostics.Snapshot();
        var lck = new CoLock(loop);
        loop.Start(Holder(lck));
        loop.Start(Waiter(lck));
        loop.Tick();

        Assert.That(loop.Diagnostics.Dump(), Is.EqualTo(
            "Loop 'locks' at 00:00:00.000: 2 tasks (1 waiting, 1 sleeping)\n" +
            "- #2 'Waiter' waiting on lock held by task 'Holder', age 0.000 s | " + Here + "Waiter\n" +
            "  - #1 'Holder' sleeping on timer at 00:00:10.000 (in 10.000 s), age 0.000 s | " + Here + "Holder"));
        loop.Close();
    }

    [Test]
    public void Dump_ShowsTheTasksOfAPausedScopeAsPaused_WithTheirFrozenSleep()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "ui");
        loop.Diagnostics.Snapshot();
        var scope = new Scope(loop, "hud");
        scope.Start(Blink());
        scope.Start(Spin());
        loop.Tick();
        clock.Advance(1);
        scope.Pause();
        loop.Tick();   // Spin's next step comes while paused: it is held

        Assert.That(loop.Diagnostics.Dump(), Is.EqualTo(
            "Loop 'ui' at 00:00:01.000: 2 tasks (2 paused)\n" +
            "- #1 'Blink' paused on scope 'hud' (paused with 2.000 s of sleep left), age 1.000 s | " + Here + "Blink\n" +
            "- #2 'Spin' paused on scope 'hud' (paused), age 1.000 s | " + Here + "Spin"));
        scope.Dispose();
        loop.Close();
    }

    [Test]
    public void Snapshot_TellsReadySleepingWaitingAndCancellingTasksApart()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "states");
        loop.Diagnostics.Snapshot();
        var never = new FutureSource(loop);
        loop.Start(Blink(), "sleeper");
        LoopTask waiter = loop.Start(WaitOn(never.Future), "waiter");
        LoopTask doomed = loop.Start(WaitOn(new FutureSource(loop).Future), "doomed");
        loop.Tick();
        clock.Advance(1);
        loop.Start(Spin(), "fresh");
        doomed.Cancel();

        LoopSnapshot snapshot = loop.Diagnostics.Snapshot();

        Assert.That(snapshot.LoopName, Is.EqualTo("states"));
        Assert.That(snapshot.Time, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(snapshot.Tasks, Has.Count.EqualTo(4));
        TaskSnapshot sleeper = snapshot.Tasks[0];
        Assert.That((sleeper.Id, sleeper.Name, sleeper.State), Is.EqualTo((1, "sleeper", TaskActivity.Sleeping)));
        Assert.That(sleeper.Deadline, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(sleeper.WaitsOn, Is.EqualTo("timer at 00:00:03.000 (in 2.000 s)"));
        Assert.That(sleeper.Age, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(sleeper.Frames, Is.EqualTo(new[] { Here + "Blink" }));

        TaskSnapshot waiting = snapshot.Tasks[1];
        Assert.That((waiting.Name, waiting.State, waiting.WaitsOn), Is.EqualTo(("waiter", TaskActivity.Waiting, "future (completed by: unknown)")));
        Assert.That(waiting.Deadline, Is.Null);
        Assert.That(waiting.Children, Is.Empty, "a plain future is a leaf: the loop does not know who completes it");

        TaskSnapshot cancelling = snapshot.Tasks[2];
        Assert.That((cancelling.Name, cancelling.State, cancelling.WaitsOn), Is.EqualTo(("doomed", TaskActivity.Cancelling, string.Empty)));

        TaskSnapshot fresh = snapshot.Tasks[3];
        Assert.That((fresh.Id, fresh.Name, fresh.State, fresh.WaitsOn), Is.EqualTo((4, "fresh", TaskActivity.Ready, string.Empty)));
        Assert.That(fresh.Age, Is.EqualTo(TimeSpan.Zero));
        Assert.That(snapshot.Roots, Is.EqualTo(snapshot.Tasks), "nobody waits for any of them");
        Assert.That(waiter.IsCompleted, Is.False);
        loop.Close();
    }

    [Test]
    public void SnapshotTakenInsideAStep_ShowsThatTaskRunning()
    {
        var loop = new EventLoop(new ManualClock(), "inside");
        LoopSnapshot? seen = null;
        loop.Start(Spin(), "other");
        loop.RunUntilComplete(loop.Start(Snap(s => seen = s), "snapper"));

        Assert.That(seen!.Tasks, Has.Count.EqualTo(2));
        TaskSnapshot snapper = seen.Tasks[1];
        Assert.That((snapper.Name, snapper.State), Is.EqualTo(("snapper", TaskActivity.Running)));
        Assert.That(snapper.Age, Is.Null, "it started before the loop's diagnostics were first used");
        Assert.That(seen.Tasks[0].State, Is.EqualTo(TaskActivity.Ready));
        loop.Close();
    }

    [Test]
    public void Ids_AreStableForATask_AcrossSnapshots()
    {
        var loop = new EventLoop(new ManualClock(), "ids");
        LoopTask first = loop.Start(Spin(), "first");
        LoopTask second = loop.Start(Spin(), "second");
        Assert.That(IdsByName(loop.Diagnostics.Snapshot()), Is.EqualTo(new[] { "1 first", "2 second" }));

        first.Cancel();
        loop.Tick();
        loop.Start(Spin(), "third");
        Assert.That(IdsByName(loop.Diagnostics.Snapshot()), Is.EqualTo(new[] { "2 second", "3 third" }));
        Assert.That(second.IsCompleted, Is.False);
        loop.Close();
    }

    [Test]
    public void CombinatorsAShieldAndATaskGroup_LinkTheWaitingTaskToTheTasksTheyCover()
    {
        var loop = new EventLoop(new ManualClock(), "links");
        var never = new FutureSource(loop);
        LoopTask slow = loop.Start(WaitOn(never.Future), "slow");
        LoopTask inner = loop.Start(WaitOn(never.Future), "inner");
        LoopTask other = loop.Start(WaitOn(never.Future), "other");
        loop.Start(WaitOn(Co.Timeout(slow, 5)), "timed");
        loop.Start(WaitOn(Co.Shield(inner)), "shielded");
        loop.Start(WaitOn(Co.Race(Co.Timeout(other, 9), Co.Shield(slow))), "racer");
        var group = new TaskGroup(loop);
        group.Start(WaitOn(never.Future), "member");
        loop.Start(WaitOn(group.WhenAll()), "owner");
        loop.Tick();

        LoopSnapshot snapshot = loop.Diagnostics.Snapshot();

        Assert.That(Line(snapshot, "timed"), Is.EqualTo("waiting on timeout around task 'slow' -> slow"));
        Assert.That(Line(snapshot, "shielded"), Is.EqualTo("waiting on shield around task 'inner' -> inner"));
        Assert.That(Line(snapshot, "racer"), Is.EqualTo("waiting on race of 2 tasks -> slow, other"), "through nested combinators");
        Assert.That(Line(snapshot, "owner"), Is.EqualTo("waiting on task group of 1 task -> member"));
        Assert.That(Names(snapshot.Roots), Is.EqualTo(new[] { "timed", "shielded", "racer", "owner" }));
        loop.Close();
    }

    [Test]
    public void ASemaphoreWait_NamesEveryHolder()
    {
        var loop = new EventLoop(new ManualClock(), "permits");
        var ovens = new CoSemaphore(loop, 2);
        IEnumerator<IAwaitable> Bake()
        {
            yield return ovens.Acquire();
            try
            {
                yield return Co.Sleep(3);
            }
            finally
            {
                ovens.Release();
            }
        }

        loop.Start(Bake(), "first");
        loop.Start(Bake(), "second");
        loop.Start(Bake(), "third");
        loop.Tick();

        TaskSnapshot third = loop.Diagnostics.Snapshot().Tasks[2];
        Assert.That(third.WaitsOn, Is.EqualTo("semaphore held by task 'first', task 'second'"));
        Assert.That(Names(third.Children), Is.EqualTo(new[] { "first", "second" }));
        loop.Close();
    }

    [Test]
    public void ALockHandedToAWaiter_IsHeldByThatWaiter()
    {
        var loop = new EventLoop(new ManualClock(), "handover");
        var lck = new CoLock(loop);
        var gate = new FutureSource(loop);
        IEnumerator<IAwaitable> HoldUntil(Future until)
        {
            yield return lck.Acquire();
            yield return until;
            lck.Release();
        }

        LoopTask a = loop.Start(HoldUntil(gate.Future), "a");
        loop.Start(HoldUntil(new FutureSource(loop).Future), "b");
        loop.Tick();   // a holds the lock, b waits for it
        loop.Start(WaitOn(lck.Acquire()), "c");   // queued behind b
        gate.SetResult();
        loop.Tick();   // a releases: the lock goes to b, which has not resumed yet
        Assert.That(a.IsCompleted, Is.True);

        LoopSnapshot snapshot = loop.Diagnostics.Snapshot();
        Assert.That(Line(snapshot, "b"), Is.EqualTo("ready"));
        Assert.That(Line(snapshot, "c"), Is.EqualTo("waiting on lock held by task 'b' -> b"));
        loop.Close();
    }

    [Test]
    public void ALongChainOfWaitingTasks_Dumps_WithoutDeepRecursionOrQuadraticIndentation()
    {
        var loop = new EventLoop(new ManualClock(), "chain");
        var never = new FutureSource(loop);
        Future previous = never.Future;
        for (int i = 0; i < 20_000; i++)
        {
            previous = loop.Start(WaitOn(previous), "t" + i);
        }

        loop.Tick();
        LoopSnapshot snapshot = loop.Diagnostics.Snapshot();

        Assert.That(snapshot.Roots, Has.Count.EqualTo(1));
        Assert.That(snapshot.Roots[0].Name, Is.EqualTo("t19999"));
        string dump = snapshot.ToString();
        Assert.That(dump, Does.Contain("\n" + new string(' ', 2 * 40) + "- #19960 't19959' waiting on task 't19958' | " + Here + "WaitOn\n"));
        Assert.That(dump, Does.EndWith("\n" + new string(' ', 2 * 40) + "- [depth 19999] #1 't0' waiting on future (completed by: unknown) | " + Here + "WaitOn"));
        loop.Close();
    }

    [Test]
    public void Snapshot_FromAnotherThread_Throws()
    {
        var loop = new EventLoop(new ManualClock(), "owned");
        Exception? thrown = null;
        var other = new Thread(() =>   // a thread of its own: nothing here depends on a free thread-pool thread
        {
            try
            {
                loop.Diagnostics.Snapshot();
            }
            catch (Exception ex)
            {
                thrown = ex;
            }
        })
        { IsBackground = true };
        other.Start();
        Assert.That(other.Join(HangGuard.Limit), Is.True);

        Assert.That(thrown, Is.InstanceOf<InvalidOperationException>());
        Assert.That(thrown!.Message, Does.Contain("belongs to thread"));
        loop.Close();
    }

    private static string[] IdsByName(LoopSnapshot snapshot)
    {
        var lines = new string[snapshot.Tasks.Count];
        for (int i = 0; i < lines.Length; i++)
        {
            lines[i] = snapshot.Tasks[i].Id + " " + snapshot.Tasks[i].Name;
        }

        return lines;
    }

    private static string[] Names(IReadOnlyList<TaskSnapshot> tasks)
    {
        var names = new string[tasks.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = tasks[i].Name;
        }

        return names;
    }

    /// <summary>"waiting on X -> child, child" for the task named <paramref name="name"/>.</summary>
    private static string Line(LoopSnapshot snapshot, string name)
    {
        foreach (TaskSnapshot task in snapshot.Tasks)
        {
            if (task.Name == name)
            {
                return task.State.ToString().ToLowerInvariant()
                    + (task.WaitsOn.Length == 0 ? string.Empty : " on " + task.WaitsOn)
                    + (task.Children.Count == 0 ? string.Empty : " -> " + string.Join(", ", Names(task.Children)));
            }
        }

        throw new AssertionException("no task named " + name);
    }
}
