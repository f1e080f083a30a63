using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>Co.Return accepts a value assignable to the expected type, as a C# return statement would (R26).</summary>
[TestFixture]
public class ReturnAssignabilityTests
{
    private static IEnumerator<IAwaitable> Returns<TValue>(TValue value)
    {
        yield return Co.NextTick;
        yield return Co.Return(value);
    }

    private static IEnumerator<IAwaitable> Caller<TExpected, TValue>(TValue value, List<TExpected> results)
    {
        Call<TExpected> call = Co.Call<TExpected>(Returns(value));
        yield return call;
        results.Add(call.Result);
    }

    [Test]
    public void ATaskStartedForABaseType_ReceivesADerivedValue()
    {
        var t = new TestLoop();
        LoopTask<object> task = t.Loop.Start<object>(Returns("text"));
        t.Tick(3);
        Assert.That(task.Result, Is.EqualTo("text"));

        var list = new List<int> { 1, 2 };
        LoopTask<IReadOnlyList<int>> listTask = t.Loop.Start<IReadOnlyList<int>>(Returns(list));
        t.Tick(3);
        Assert.That(listTask.Result, Is.SameAs(list));

        LoopTask<object> boxed = t.Loop.Start<object>(Returns(42));
        LoopTask<int?> nullable = t.Loop.Start<int?>(Returns(7));
        LoopTask<string?> nothing = t.Loop.Start<string?>(Returns<object?>(null));
        t.Tick(3);
        Assert.That(boxed.Result, Is.EqualTo(42));
        Assert.That(nullable.Result, Is.EqualTo(7));
        Assert.That(nothing.Result, Is.Null);
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void AnInlineCallForAnInterface_ReceivesTheImplementingValue()
    {
        var t = new TestLoop();
        var results = new List<IEnumerable<char>>();
        LoopTask task = t.Loop.Start(Caller<IEnumerable<char>, string>("abc", results));
        t.Tick(3);
        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(results, Is.EqualTo(new[] { "abc" }));
    }

    [Test]
    public void ValuesThatNeedAConversion_AreStillRefused_WithAClearMessage()
    {
        var t = new TestLoop();
        LoopTask<long> widened = t.Loop.Start<long>(Returns(5));            // int -> long needs a conversion
        LoopTask<int> nullForValue = t.Loop.Start<int>(Returns<string?>(null));
        LoopTask<string> wrong = t.Loop.Start<string>(Returns(3.5));
        t.Tick(3);

        Assert.That(widened.IsFaulted && nullForValue.IsFaulted && wrong.IsFaulted, Is.True);
        Assert.That(widened.Exception!.Message, Does.Contain("Int32").And.Contain("LoopTask<Int64>"));
        Assert.That(wrong.Exception!.Message, Does.Contain("Double").And.Contain("LoopTask<String>"));
    }
}
