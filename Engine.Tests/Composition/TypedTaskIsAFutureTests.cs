using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>A typed task is a typed future: <c>LoopTask&lt;T&gt;</c> derives from <c>Future&lt;T&gt;</c>.</summary>
[TestFixture]
public class TypedTaskIsAFutureTests
{
    [Test]
    public void TypedTask_IsAFutureOfItsResultType_AndReadsTheSameResultThroughIt()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask<int> task = t.Loop.Start<int>(SleepReturn(0, 3, log, "task"));
        Future<int> asFuture = task;

        t.Tick(2);   // the task's first step, then the step after its zero sleep

        Assert.That(asFuture, Is.SameAs(task));
        Assert.That(asFuture.State, Is.EqualTo(FutureState.Succeeded));
        Assert.That(asFuture.Result, Is.EqualTo(3));
    }

    [Test]
    public void TypedTasksAndTypedFutures_MixInOneTypedCombinator_InArgumentOrder_R40()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var source = new FutureSource<int>(t.Loop);
        source.SetResult(1);
        LoopTask<int> task = t.Loop.Start<int>(SleepReturn(0, 2, log, "task"));

        Future<int[]> all = Co.WhenAll<int>(source.Future, task);
        t.Tick(3);

        Assert.That(all.Result, Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void FuturesOfDifferentResultTypes_MixInTheUntypedCombinator_AndKeepTheirTypedResults_R40()
    {
        var t = new TestLoop();
        var text = new FutureSource<string>(t.Loop);
        var list = new FutureSource<List<int>>(t.Loop);
        text.SetResult("a");
        list.SetResult(new List<int> { 1 });

        Future all = Co.WhenAll(text.Future, list.Future);

        Assert.That(all.IsSucceeded, Is.True);
        Assert.That(text.Future.Result, Is.EqualTo("a"));
        Assert.That(list.Future.Result, Is.EqualTo(new List<int> { 1 }));
    }
}
