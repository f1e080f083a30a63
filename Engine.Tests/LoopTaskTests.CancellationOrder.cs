using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>
/// R31 across tasks: cancelling a task that waits on another task unwinds innermost task first, whatever the shape of
/// the wait (the child yielded directly, through a combinator, through a task group), in one tick, and the waiter
/// completes after the tasks it waited on. <see cref="EventLoop.Close"/> unwinds the same way (R36).
/// </summary>
public partial class LoopTaskTests
{
    /// <summary>The ways a parent can wait on one child task.</summary>
    public enum WaitShape
    {
        /// <summary><c>yield return child;</c></summary>
        Direct,

        /// <summary><c>yield return Co.WhenAll(child);</c></summary>
        WhenAll,

        /// <summary><c>yield return Co.Race(child, never);</c></summary>
        Race,

        /// <summary><c>yield return Co.Timeout(child, 1000);</c></summary>
        Timeout,

        /// <summary><c>yield return Co.Settle(child);</c></summary>
        Settle,

        /// <summary>The child runs in a task group whose <c>WhenAll()</c> the parent yields.</summary>
        TaskGroup,
    }

    private static readonly WaitShape[] AllShapes = Enum.GetValues<WaitShape>();

    [TestCaseSource(nameof(AllShapes))]
    public void Cancel_OfATaskWaitingOnAChild_RunsTheChildsFinallyFirst_InTheSameTick_R31(WaitShape shape)
    {
        var t = new TestLoop();
        var log = new List<string>();
        var parentRef = new TaskRef();
        var childRef = new TaskRef();
        LoopTask parent = t.Loop.Start(Parent(t.Loop, shape, log, parentRef, childRef), "parent");
        parentRef.Task = parent;
        t.Tick(2);   // the parent started its child and parked; the child parked on its sleep

        parent.Cancel();
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "child finally (parent pending)", "parent finally (child completed)" }));
        Assert.That(childRef.Task!.IsCancelled, Is.True);
        Assert.That(parent.IsCancelled, Is.True, "both ended in the same tick, the parent after its child");
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
        Assert.That(t.Unhandled, Is.Empty);
    }

    [TestCaseSource(nameof(AllShapes))]
    public void Close_WithATaskWaitingOnAChild_RunsTheChildsFinallyFirst_R31_R36(WaitShape shape)
    {
        // The parent starts its child in its first step, so the loop's books list the parent first: the order must
        // come from the wait, not from the order of the books.
        var t = new TestLoop();
        var log = new List<string>();
        var parentRef = new TaskRef();
        var childRef = new TaskRef();
        LoopTask parent = t.Loop.Start(StartChildThenWait(t.Loop, shape, log, parentRef, childRef), "parent");
        parentRef.Task = parent;
        t.Tick(2);

        IReadOnlyList<Future> pending = t.Loop.Close();

        Assert.That(log, Is.EqualTo(new[] { "child finally (parent pending)", "parent finally (child completed)" }));
        Assert.That(parent.IsCancelled, Is.True);
        Assert.That(childRef.Task!.IsCancelled, Is.True);
        Assert.That(pending, Does.Contain(parent).And.Contain(childRef.Task));
        Assert.That(t.Unhandled, Is.Empty);
    }

    [TestCaseSource(nameof(AllShapes))]
    public void Close_RunsFinallyBlocksChildFirst_WhicheverTaskStartedFirst_R31_R36(WaitShape shape)
    {
        // The child is started before its parent here, so the loop's books list the child first.
        var t = new TestLoop();
        var log = new List<string>();
        var parentRef = new TaskRef();
        var childRef = new TaskRef();
        TaskGroup? group = StartChild(shape, t.Loop, log, parentRef, childRef);
        LoopTask parent = t.Loop.Start(ParentOf(shape, log, childRef, group), "parent");
        parentRef.Task = parent;
        t.Tick(2);

        t.Loop.Close();

        Assert.That(log, Is.EqualTo(new[] { "child finally (parent pending)", "parent finally (child completed)" }));
    }

    [Test]
    public void Cancel_OfAThreeLevelChain_RunsTheFinallyBlocksInnermostTaskFirst_InOneTick_R31()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var source = new FutureSource(t.Loop);
        LoopTask inner = t.Loop.Start(ParkAndLog(source.Future, log, "inner"), "inner");
        LoopTask middle = t.Loop.Start(ParkAndLog(inner, log, "middle"), "middle");
        LoopTask outer = t.Loop.Start(ParkAndLog(middle, log, "outer"), "outer");
        t.Tick();

        outer.Cancel();
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "inner finally", "middle finally", "outer finally" }));
        Assert.That(new[] { inner.State, middle.State, outer.State }, Is.All.EqualTo(FutureState.Cancelled));
        Assert.That(source.Future.IsCancelled, Is.True, "the future the innermost task waited on is cancelled with it");
    }

    [Test]
    public void Close_OfAThreeLevelChain_RunsTheFinallyBlocksInnermostTaskFirst_R31_R36()
    {
        // Started outermost first, so the loop's books list the outer task first.
        var t = new TestLoop();
        var log = new List<string>();
        var source = new FutureSource(t.Loop);
        var innerRef = new TaskRef();
        var middleRef = new TaskRef();
        LoopTask unrelated = t.Loop.Start(NextTickThen(log, "unrelated"), "unrelated");
        LoopTask outer = t.Loop.Start(ParkOnRefAndLog(middleRef, log, "outer"), "outer");
        Future middle = middleRef.Task = t.Loop.Start(ParkOnRefAndLog(innerRef, log, "middle"), "middle");
        Future inner = innerRef.Task = t.Loop.Start(ParkAndLog(source.Future, log, "inner"), "inner");
        t.Tick();
        log.Clear();

        t.Loop.Close();

        Assert.That(log, Has.Member("unrelated finally"));
        log.Remove("unrelated finally");
        Assert.That(log, Is.EqualTo(new[] { "inner finally", "middle finally", "outer finally" }));
        Assert.That(new[] { unrelated.State, outer.State, middle.State, inner.State }, Is.All.EqualTo(FutureState.Cancelled));
    }

    [Test]
    public void Cancel_OfTheMiddleOfAChain_UnwindsItAndWhatItWaitsOn_ButNotItsWaiter_R31()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var source = new FutureSource(t.Loop);
        LoopTask inner = t.Loop.Start(ParkAndLog(source.Future, log, "inner"), "inner");
        LoopTask middle = t.Loop.Start(ParkAndLog(inner, log, "middle"), "middle");
        LoopTask outer = t.Loop.Start(ParkAndLog(middle, log, "outer"), "outer");
        t.Tick();

        middle.Cancel();
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "inner finally", "middle finally" }));
        Assert.That(outer.State, Is.EqualTo(FutureState.Pending), "its waiter is woken by the cancellation, in the next tick");
        t.Tick();
        Assert.That(outer.IsCancelled, Is.True, "a task parked on a cancelled task is cancelled (R22)");
        Assert.That(log, Is.EqualTo(new[] { "inner finally", "middle finally", "outer finally" }));
    }

    [Test]
    public void Cancel_OfATaskOnAShieldedChild_UnwindsTheParentAlone_AndTheChildRunsOn_R31()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var source = new FutureSource(t.Loop);
        LoopTask child = t.Loop.Start(ParkAndLog(source.Future, log, "child"), "child");
        LoopTask parent = t.Loop.Start(ParkAndLog(Co.Shield(child), log, "parent"), "parent");
        t.Tick();

        parent.Cancel();
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "parent finally" }));
        Assert.That(parent.IsCancelled, Is.True);
        Assert.That(child.State, Is.EqualTo(FutureState.Pending), "the shield protected it");
        source.SetResult();
        t.Tick(2);
        Assert.That(child.IsSucceeded, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "parent finally", "child finally" }));
    }

    [Test]
    public void Cancel_OfATaskOnAChildWhoseFinallyThrows_TheParentFaultsWithThatException_R31_R35()
    {
        var t = new TestLoop();
        var boom = new InvalidOperationException("child finally threw");
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        LoopTask child = t.Loop.Start(ThrowingFinally(boom, ParkOn(source.Future, log)), "child");
        LoopTask parent = t.Loop.Start(ParkAndLog(child, log, "parent"), "parent");
        t.Tick();

        parent.Cancel();
        t.Tick();

        Assert.That(child.Exception, Is.SameAs(boom));
        Assert.That(parent.Exception, Is.SameAs(boom), "as a combinator's waiter does: the child's throwing finally is not lost");
        Assert.That(log, Is.EqualTo(new[] { "finally", "parent finally" }));
    }

    [Test]
    public void Cancel_OfATaskOnAChildWhoseFinallyThrows_IsReportedOnce_WhenNobodyReadsIt_R31_R35_R23()
    {
        var t = new TestLoop();
        var boom = new InvalidOperationException("child finally threw");
        var source = new FutureSource(t.Loop);
        LoopTask child = t.Loop.Start(ThrowingFinally(boom, ParkOn(source.Future, new List<string>())), "child");
        LoopTask parent = t.Loop.Start(ParkOn(child, new List<string>()), "parent");
        t.Tick();

        parent.Cancel();
        t.Tick();

        Assert.That(t.Unhandled, Is.EqualTo(new[] { boom }));
    }

    [Test]
    public void Cancel_OfALongChain_UnwindsInnermostFirst_WithoutStackOverflow_R31_R26()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        var chain = new List<LoopTask> { t.Loop.Start(ParkAndLog(source.Future, log, "0")) };
        for (int i = 1; i < 10000; i++)
        {
            chain.Add(t.Loop.Start(ParkAndLog(chain[i - 1], log, i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        t.Tick();
        chain[chain.Count - 1].Cancel();
        t.Tick();

        Assert.That(log, Has.Count.EqualTo(10000));
        for (int i = 0; i < log.Count; i++)
        {
            Assert.That(log[i], Is.EqualTo(i.ToString(System.Globalization.CultureInfo.InvariantCulture) + " finally"));
        }
    }

    /// <summary>Starts the child (in a task group for that shape) and returns the parent's coroutine.</summary>
    private static IEnumerator<IAwaitable> Parent(EventLoop loop, WaitShape shape, List<string> log, TaskRef self, TaskRef child)
    {
        TaskGroup? group = StartChild(shape, loop, log, self, child);
        return ParentOf(shape, log, child, group);
    }

    private static IEnumerator<IAwaitable> StartChildThenWait(EventLoop loop, WaitShape shape, List<string> log, TaskRef self, TaskRef child)
    {
        TaskGroup? group = StartChild(shape, loop, log, self, child);   // in the parent's first step
        yield return Co.Call(ParentOf(shape, log, child, group));
    }

    private static TaskGroup? StartChild(WaitShape shape, EventLoop loop, List<string> log, TaskRef parent, TaskRef child)
    {
        if (shape != WaitShape.TaskGroup)
        {
            child.Task = loop.Start(Child(log, parent), "child");
            return null;
        }

        var group = new TaskGroup(loop);
        child.Task = group.Start(Child(log, parent), "child");
        return group;
    }

    private static IEnumerator<IAwaitable> ParentOf(WaitShape shape, List<string> log, TaskRef child, TaskGroup? group)
    {
        try
        {
            EventLoop loop = child.Task!.Loop;
            switch (shape)
            {
                case WaitShape.Direct:
                    yield return child.Task;
                    break;
                case WaitShape.WhenAll:
                    yield return Co.WhenAll(child.Task);
                    break;
                case WaitShape.Race:
                    yield return Co.Race(child.Task, new FutureSource(loop).Future);
                    break;
                case WaitShape.Timeout:
                    yield return Co.Timeout(child.Task, 1000);
                    break;
                case WaitShape.Settle:
                    yield return Co.Settle(child.Task);
                    break;
                case WaitShape.TaskGroup:
                    yield return group!.WhenAll();
                    break;
            }

            log.Add("parent after the wait");
        }
        finally
        {
            log.Add("parent finally (child " + (child.Task!.IsCompleted ? "completed" : "pending") + ")");
        }
    }

    private static IEnumerator<IAwaitable> Child(List<string> log, TaskRef parent)
    {
        try
        {
            yield return Co.Sleep(1000);
        }
        finally
        {
            if (parent.Task is { IsCompleted: false } || parent.Task is null)
            {
                log.Add("child finally (parent pending)");
            }
            else
            {
                log.Add("child finally (parent completed)");
            }
        }
    }

    private static IEnumerator<IAwaitable> ParkAndLog(Future future, List<string> log, string name)
    {
        try
        {
            yield return future;
        }
        finally
        {
            log.Add(name + " finally");
        }
    }

    private static IEnumerator<IAwaitable> ParkOnRefAndLog(TaskRef target, List<string> log, string name)
    {
        try
        {
            yield return target.Task!;
        }
        finally
        {
            log.Add(name + " finally");
        }
    }

    private static IEnumerator<IAwaitable> NextTickThen(List<string> log, string name)
    {
        try
        {
            while (true)
            {
                yield return Co.NextTick;
            }
        }
        finally
        {
            log.Add(name + " finally");
        }
    }
}
