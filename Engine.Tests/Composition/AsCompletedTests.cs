using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>Co.AsCompleted: futures handed out in the order they complete (asyncio's as_completed).</summary>
[TestFixture]
public class AsCompletedTests : LoopFixture
{
    public AsCompletedTests()
        : base("as-completed")
    {
    }

    [Test]
    public void AsCompleted_HandsOutTasksInCompletionOrder_WithTheirTypes()
    {
        LoopTask<string> tea = _loop.Start<string>(SleepReturn(3, "tea", _log, "tea"));
        LoopTask<string> coffee = _loop.Start<string>(SleepReturn(2, "coffee", _log, "coffee"));
        LoopTask<string> water = _loop.Start<string>(SleepReturn(1, "water", _log, "water"));
        var order = new List<string>();
        LoopTask reader = _loop.Start(Read(Co.AsCompleted(tea, coffee, water), order));

        AdvanceAndTickUntil(reader);

        Assert.That(order, Is.EqualTo(new[] { "water", "coffee", "tea" }));
        Assert.That(reader.IsSucceeded, Is.True);
    }

    [Test]
    public void AsCompleted_AlreadyCompleteFirstInArgumentOrder_ThenTiesOfOneTickInCompletionOrder()
    {
        var a = new FutureSource<string>(_loop);
        var b = new FutureSource<string>(_loop);
        var c = new FutureSource<string>(_loop);
        var d = new FutureSource<string>(_loop);
        d.SetResult("d");
        b.SetResult("b");
        CompletionOrder<Future<string>> each = Co.AsCompleted(a.Future, b.Future, c.Future, d.Future);

        c.SetResult("c");   // same instant, c before a
        a.SetResult("a");
        var taken = new List<string>();
        while (each.HasNext)
        {
            Future<Future<string>> next = each.Next();
            Assert.That(next.IsCompleted, Is.True, "all were complete: Next completes at once");
            Assert.That(each.Current, Is.SameAs(next.Result));
            taken.Add(next.Result.Result);
        }

        Assert.That(taken, Is.EqualTo(new[] { "b", "d", "c", "a" }));
        Assert.That(each.Remaining, Is.Zero);
    }

    [Test]
    public void AsCompleted_AFaultedFutureIsHandedOutNotThrown_AndCountsAsObserved_R23()
    {
        var boom = new FormatException("burnt");
        LoopTask fails = _loop.Start(SleepThrow(1, boom, _log, "fails"));
        LoopTask fine = _loop.Start(Sleep(2, _log, "fine"));
        CompletionOrder<LoopTask> each = Co.AsCompleted(fails, fine);
        var seen = new List<FutureState>();
        LoopTask reader = _loop.Start(ReadStates(each, seen));

        AdvanceAndTickUntil(reader);

        Assert.That(seen, Is.EqualTo(new[] { FutureState.Faulted, FutureState.Succeeded }));
        Assert.That(reader.IsSucceeded, Is.True);
        Assert.That(_unhandled, Is.Empty, "the failure was handed on, so it is not reported");
    }

    [Test]
    public void AsCompleted_ParkedReaderResumesOneTickAfterTheCompletion_R1()
    {
        var a = new FutureSource(_loop);
        CompletionOrder<Future> each = Co.AsCompleted(a.Future);
        Future<Future> next = each.Next();
        LoopTask waiter = _loop.Start(TestCoroutines.Wait(next));
        Tick();

        a.SetResult();
        Assert.That(next.IsCompleted, Is.True, "decided inside the completion");
        Assert.That(waiter.IsCompleted, Is.False);
        Tick();

        Assert.That(waiter.IsSucceeded, Is.True);
    }

    [Test]
    public void AsCompleted_CancelledNextGivesItsTurnBack()
    {
        var a = new FutureSource(_loop);
        var b = new FutureSource(_loop);
        CompletionOrder<Future> each = Co.AsCompleted(a.Future, b.Future);
        Future<Future> first = each.Next();
        Assert.That(each.Remaining, Is.EqualTo(1));

        first.Cancel();
        Assert.That(each.Remaining, Is.EqualTo(2), "the cancelled wait gave its turn back");
        a.SetResult();
        Future<Future> again = each.Next();

        Assert.That(again.Result, Is.SameAs(a.Future));
        Assert.That(each.Remaining, Is.EqualTo(1));
    }

    [Test]
    public void AsCompleted_NextAfterEveryFutureWasAskedFor_ThrowsSayingToLoopOnHasNext()
    {
        var a = new FutureSource(_loop);
        CompletionOrder<Future> each = Co.AsCompleted(a.Future);
        each.Next();

        var error = Assert.Throws<InvalidOperationException>(() => each.Next());

        Assert.That(error!.Message, Does.Contain("after all 1 futures were asked for").And.Contain("HasNext"));
    }

    [Test]
    public void AsCompleted_OfNoFuturesOrOfTwoLoops_ThrowsArgumentException_R61()
    {
        var other = new TestLoop(name: "other");
        var mine = new FutureSource(_loop);
        var theirs = new FutureSource(other.Loop);

        Assert.Throws<ArgumentException>(() => Co.AsCompleted<Future>());
        var error = Assert.Throws<ArgumentException>(() => Co.AsCompleted(mine.Future, theirs.Future));
        Assert.That(error!.Message, Does.Contain("'other'"));
        other.Loop.Close();
    }

    [Test]
    public void AsCompleted_CurrentBeforeAnythingWasHandedOut_Throws()
    {
        var a = new FutureSource(_loop);
        CompletionOrder<Future> each = Co.AsCompleted(a.Future);

        Assert.Throws<InvalidOperationException>(() => _ = each.Current);
    }

    private static IEnumerator<IAwaitable> Read(CompletionOrder<LoopTask<string>> each, List<string> order)
    {
        while (each.HasNext)
        {
            yield return each.Next();
            order.Add(each.Current.Result);
        }
    }

    private static IEnumerator<IAwaitable> ReadStates(CompletionOrder<LoopTask> each, List<FutureState> seen)
    {
        while (each.HasNext)
        {
            yield return each.Next();
            seen.Add(each.Current.State);
        }
    }
}
