using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// An untyped task keeps what its coroutine returns: <c>Start</c> and <c>Start&lt;T&gt;</c> follow one rule, as a
/// <c>Task&lt;T&gt;</c> seen as a <c>Task</c> does: no returned value is dropped (docs/semantics.md R20).
/// </summary>
public partial class LoopTaskTests
{
    [Test]
    public void UntypedTask_KeepsTheValueItsCoroutineReturned_AsItsUntypedResult_R20()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Answer());

        t.Tick(2);

        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(task.Result, Is.EqualTo(42));
    }

    [Test]
    public void UntypedTask_WhoseCoroutineReturnsNothing_HasANullResult_R20()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Plain());

        t.Tick(2);

        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(task.Result, Is.Null);
    }

    [Test]
    public void UntypedTask_ThatReturnsNull_HasANullResult_R20()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(ReturnsNull());

        t.Tick();

        Assert.That(task.Result, Is.Null);
    }

    [Test]
    public void UntypedResult_OfAPendingTask_ThrowsLikeAnyPendingResult_R15()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Answer());

        Assert.That(() => task.Result, Throws.InvalidOperationException.With.Message.Contains("still pending"));
    }

    [Test]
    public void UntypedResult_OfAFaultedTask_RethrowsItsException_AndOfACancelledOne_ThrowsCancelled_R15()
    {
        var t = new TestLoop();
        var boom = new InvalidOperationException("boom");
        LoopTask faulted = t.Loop.Start(Throwing(boom));
        LoopTask cancelled = t.Loop.Start(Answer());
        cancelled.Cancel();

        t.Tick();

        Assert.That(() => faulted.Result, Throws.Exception.SameAs(boom));
        Assert.That(() => cancelled.Result, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void UntypedResult_IsReadableByAWaiterThatWakesOnTheCompletion_R20()
    {
        var t = new TestLoop();
        LoopTask producer = t.Loop.Start(Answer());
        object? seen = "unset";
        t.Loop.Start(ReadWhenDone(producer, v => seen = v));

        t.Tick(3);

        Assert.That(seen, Is.EqualTo(42));
    }

    [Test]
    public void UntypedResult_SurvivesTheFinallyBlocksThatRunWhenTheCoroutineReturns_R20_R21()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(ReturnInsideTry(log));

        t.Tick();

        Assert.That(task.Result, Is.EqualTo(5));
        Assert.That(log, Is.EqualTo(new[] { "body", "finally" }));
    }

    private static IEnumerator<IAwaitable> Plain()
    {
        yield return Co.NextTick;
    }

    private static IEnumerator<IAwaitable> ReturnsNull()
    {
        yield return Co.Return<string?>(null);
    }

    private static IEnumerator<IAwaitable> Throwing(Exception exception)
    {
        throw exception;
#pragma warning disable CS0162 // an iterator needs a yield
        yield break;
#pragma warning restore CS0162
    }

    private static IEnumerator<IAwaitable> ReadWhenDone(LoopTask task, Action<object?> seen)
    {
        yield return task;
        seen(task.Result);
    }
}
