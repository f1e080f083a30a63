using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>Co.WhenAny: the first child to complete and its index; no cancelling, no waiting (R42).</summary>
[TestFixture]
public class WhenAnyTests
{
    [Test]
    public void WhenAny_CompletesWithTheIndexOfTheFirstChildToComplete_R42()
    {
        var t = new TestLoop();
        var a = new FutureSource(t.Loop);
        var b = new FutureSource(t.Loop);
        var c = new FutureSource(t.Loop);
        Future<int> any = Co.WhenAny(a.Future, b.Future, c.Future);

        c.SetResult();
        b.SetResult();

        Assert.That(any.Result, Is.EqualTo(2), "decided in the same instant as the first child, by it");
    }

    [Test]
    public void WhenAny_FirstChildFaulted_StillSucceedsWithItsIndex_AndTheFailureCountsAsObserved_R42_R23()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("first, but failed");
        LoopTask fails = t.Loop.Start(SleepThrow(1, boom, log, "fails"));
        LoopTask slow = t.Loop.Start(Sleep(5, log, "slow"));
        Future<int> any = Co.WhenAny(slow, fails);
        t.Tick();

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(any.Result, Is.EqualTo(1));
        Assert.That(fails.Exception, Is.SameAs(boom));
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void WhenAny_NeitherCancelsNorWaitsForTheOthers_R42()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask fast = t.Loop.Start(Sleep(1, log, "fast"));
        LoopTask slow = t.Loop.Start(Sleep(3, log, "slow"));
        Future<int> any = Co.WhenAny(fast, slow);
        t.Tick();

        t.AdvanceAndTick(1);
        Assert.That(any.Result, Is.EqualTo(0), "complete without waiting for slow");
        Assert.That(slow.State, Is.EqualTo(FutureState.Pending));
        t.AdvanceAndTick(2);

        Assert.That(log, Is.EqualTo(new[] { "fast done", "fast finally", "slow done", "slow finally" }), "slow ran to its end");
    }

    [Test]
    public void WhenAny_ALoserThatFailsLater_IsNotObservedByIt_AndIsReported_R23()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var late = new FormatException("after the race was decided");
        LoopTask fast = t.Loop.Start(Sleep(1, log, "fast"));
        LoopTask loser = t.Loop.Start(SleepThrow(2, late, log, "loser"));
        Co.WhenAny(fast, loser);
        t.Tick();

        t.AdvanceAndTick(1);
        t.AdvanceAndTick(1);

        Assert.That(t.Unhandled, Is.EqualTo(new[] { late }));
    }

    [Test]
    public void WhenAny_OfAlreadyCompletedChildren_GivesTheFirstInArgumentOrder()
    {
        var t = new TestLoop();
        var pending = new FutureSource(t.Loop);
        var done1 = new FutureSource(t.Loop);
        var done2 = new FutureSource(t.Loop);
        done2.SetResult();
        done1.SetCanceled();

        Assert.That(Co.WhenAny(pending.Future, done1.Future, done2.Future).Result, Is.EqualTo(1));
    }

    [Test]
    public void WhenAny_Cancelled_DoesNotCancelTheChildren_R42()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask a = t.Loop.Start(Sleep(1, log, "a"));
        Future<int> any = Co.WhenAny(a);
        t.Tick();

        any.Cancel();
        t.AdvanceAndTick(1);

        Assert.That(a.IsSucceeded, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "a done", "a finally" }));
    }

    [Test]
    public void WhenAny_OfNothing_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => Co.WhenAny());

        Assert.That(ex!.Message, Is.EqualTo(
            "At least one future is needed: with none, the first to complete would never come. (Parameter 'futures')"));
    }
}
