using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>UniTask's shapes: Co.WhenAll of futures of different types gives a tuple (R40); Co.WhenAnyValue gives the
/// winner's index and value (R42).</summary>
[TestFixture]
public class WhenAllTupleTests : LoopFixture
{
    public WhenAllTupleTests()
        : base("tuples")
    {
    }

    [Test]
    public void WhenAll_OfTwoTypes_GivesATupleInArgumentOrder_R40()
    {
        LoopTask<int> count = _loop.Start<int>(SleepReturn(2, 42, _log, "count"));
        LoopTask<string> name = _loop.Start<string>(SleepReturn(1, "tea", _log, "name"));

        Future<(int, string)> both = Co.WhenAll(count, name);
        AdvanceAndTickUntil(both);

        Assert.That(both.Result, Is.EqualTo((42, "tea")));
    }

    [Test]
    public void WhenAll_OfThreeAndFourTypes_GivesTuples_R40()
    {
        var a = new FutureSource<int>(_loop);
        var b = new FutureSource<string>(_loop);
        var c = new FutureSource<double>(_loop);
        var d = new FutureSource<bool>(_loop);

        Future<(int, string, double)> three = Co.WhenAll(a.Future, b.Future, c.Future);
        Future<(int, string, double, bool)> four = Co.WhenAll(a.Future, b.Future, c.Future, d.Future);
        d.SetResult(true);
        c.SetResult(0.5);
        b.SetResult("b");
        a.SetResult(1);

        Assert.That(three.Result, Is.EqualTo((1, "b", 0.5)));
        Assert.That(four.Result, Is.EqualTo((1, "b", 0.5, true)));
    }

    [Test]
    public void WhenAll_OfCoroutinesWithNamedTypes_StartsThemAndGivesATuple_R40()
    {
        Future<(int, string)> both = Co.WhenAll<int, string>(_loop, SleepReturn(1, 7, _log, "n"), SleepReturn(2, "s", _log, "s"));

        AdvanceAndTickUntil(both);

        Assert.That(both.Result, Is.EqualTo((7, "s")));
    }

    [Test]
    public void WhenAll_TupleOnTheFirstFailure_CancelsTheOthers_WaitsForThem_AndFailsWithThatException_R40()
    {
        var boom = new FormatException("first");
        Future<(int, string)> both = Co.WhenAll<int, string>(_loop, SleepThrow(1, boom, _log, "fails"), SleepReturn(5, "s", _log, "slow"));

        AdvanceAndTickUntil(both);

        Assert.That(both.Exception, Is.SameAs(boom));
        Assert.That(_log, Is.EqualTo(new[] { "fails throws", "fails finally", "slow finally" }));
    }

    [Test]
    public void WhenAll_TupleCoroutineFormWithAStartedIterator_StartsNone_R27()
    {
        IEnumerator<IAwaitable> used = SleepReturn(1, 1, _log, "used");
        _loop.Start(used);
        IEnumerator<IAwaitable> fresh = SleepReturn(1, "x", _log, "fresh");

        Assert.Throws<InvalidOperationException>(() => Co.WhenAll<string, int>(_loop, fresh, used));
        AdvanceAndTick(2);

        Assert.That(_log, Does.Not.Contain("fresh done"), "the one started first was cancelled before its first step");
    }

    [Test]
    public void WhenAll_OfTwoFuturesOfOneType_PicksTheTuple_AndTheNamedTypeGivesTheArray()
    {
        var a = new FutureSource<int>(_loop);
        var b = new FutureSource<int>(_loop);
        a.SetResult(1);
        b.SetResult(2);

        Future<(int, int)> tuple = Co.WhenAll(a.Future, b.Future);
        Future<int[]> array = Co.WhenAll<int>(a.Future, b.Future);

        Assert.That(tuple.Result, Is.EqualTo((1, 2)));
        Assert.That(array.Result, Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void WhenAnyValue_GivesTheWinnersIndexAndValue_AndLeavesTheOthersRunning_R42()
    {
        LoopTask<string> slow = _loop.Start<string>(SleepReturn(3, "slow", _log, "slow"));
        LoopTask<string> fast = _loop.Start<string>(SleepReturn(1, "fast", _log, "fast"));

        Future<(int Index, string Value)> first = Co.WhenAnyValue(slow, fast);
        AdvanceAndTickUntil(first);

        Assert.That(first.Result.Index, Is.EqualTo(1));
        Assert.That(first.Result.Value, Is.EqualTo("fast"));
        Assert.That(slow.State, Is.EqualTo(FutureState.Pending));
    }

    [Test]
    public void WhenAnyValue_AFaultedWinner_FailsItWithTheSameException_R22()
    {
        var a = new FutureSource<int>(_loop);
        var b = new FutureSource<int>(_loop);
        Future<(int Index, int Value)> first = Co.WhenAnyValue(a.Future, b.Future);
        var boom = new FormatException("winner failed");

        b.SetException(boom);

        Assert.That(first.Exception, Is.SameAs(boom));
    }

    [Test]
    public void WhenAnyValue_AlreadyComplete_TheFirstInArgumentOrderWinsAtOnce()
    {
        var a = new FutureSource<int>(_loop);
        var b = new FutureSource<int>(_loop);
        var c = new FutureSource<int>(_loop);
        c.SetResult(3);
        b.SetResult(2);

        Future<(int Index, int Value)> first = Co.WhenAnyValue(a.Future, b.Future, c.Future);

        Assert.That(first.Result, Is.EqualTo((1, 2)));
    }

    [Test]
    public void WhenAny_OnTypedFuturesStillGivesTheIndex()
    {
        var a = new FutureSource<int>(_loop);
        var b = new FutureSource<int>(_loop);
        Future<int> first = Co.WhenAny(a.Future, b.Future);

        b.SetResult(5);

        Assert.That(first.Result, Is.EqualTo(1));
    }
}
