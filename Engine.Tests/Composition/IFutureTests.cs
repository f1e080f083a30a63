using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>IFuture&lt;T&gt;: the typed read side shared by Future&lt;T&gt; and LoopTask&lt;T&gt;.</summary>
[TestFixture]
public class IFutureTests
{
    [Test]
    public void FutureAndLoopTask_ExposeStateAndResultThroughIFuture()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var source = new FutureSource<string>(t.Loop);
        IFuture<string> future = source.Future;
        IFuture<int> task = t.Loop.Start<int>(SleepReturn(0, 3, log, "task"));

        source.SetResult("value");
        t.Tick(2);   // the task's first step, then the step after its zero sleep

        Assert.That(future.State, Is.EqualTo(FutureState.Succeeded));
        Assert.That(future.Result, Is.EqualTo("value"));
        Assert.That(task.State, Is.EqualTo(FutureState.Succeeded));
        Assert.That(task.Result, Is.EqualTo(3));
    }

    [Test]
    public void IFuture_IsCovariant_SoDifferentReferenceTypesMixInOneTypedCombinator()
    {
        var t = new TestLoop();
        var text = new FutureSource<string>(t.Loop);
        var list = new FutureSource<List<int>>(t.Loop);
        text.SetResult("a");
        list.SetResult(new List<int> { 1 });

        Future<object[]> all = Co.WhenAll<object>(text.Future, list.Future);

        Assert.That(all.Result[0], Is.EqualTo("a"));
        Assert.That(all.Result[1], Is.EqualTo(new List<int> { 1 }));
    }
}
