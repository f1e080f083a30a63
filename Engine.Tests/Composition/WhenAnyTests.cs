using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>Co.WhenAny: the first child to complete and its index; no cancelling, no waiting (R42).</summary>
[TestFixture]
public class WhenAnyTests : LoopFixture
{
    public WhenAnyTests()
        : base("comp")
    {
    }

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

    // ---- scenarios written from docs/semantics.md ---------------------------------------------------------------

    [Test]
    public void WhenAny_GivesIndexOfFirst_DoesNotCancelOthers_R42()
    {
        var a = _loop.Start<int>(SleepReturn(3, 1, _log, "a"));
        var b = _loop.Start<int>(SleepReturn(1, 2, _log, "b"));
        var c = _loop.Start<int>(SleepReturn(2, 3, _log, "c"));
        var any = Co.WhenAny(a, b, c);
        AdvanceAndTickUntil(any);
        Assert.That(any.Result, Is.EqualTo(1));
        Assert.That(a.IsCompleted || c.IsCompleted, Is.False, "WhenAny must not wait for the others");
        AdvanceAndTickUntil(a);
        AdvanceAndTickUntil(c);
        Assert.That(a.Result, Is.EqualTo(1));
        Assert.That(c.Result, Is.EqualTo(3));
        Assert.That(_log, Does.Contain("a done").And.Contain("c done"));
    }

    [Test]
    public void WhenAny_FailingFirstChild_WinsWithItsIndex_WaitSucceeds_R42()
    {
        var boom = new InvalidOperationException("boom");
        var a = _loop.Start<int>(SleepReturn(5, 1, _log, "a"));
        var b = _loop.Start(SleepThrow(1, boom, _log, "b"));
        var any = Co.WhenAny(a, b);
        AdvanceAndTickUntil(any);
        Assert.That(any.IsSucceeded, Is.True);
        Assert.That(any.Result, Is.EqualTo(1));
        Assert.That(a.IsCompleted, Is.False);
        Assert.That(_unhandled, Is.Empty, "the winner's failure counts as observed");
        AdvanceAndTickUntil(a);
        Assert.That(a.IsSucceeded, Is.True);
    }

    [Test]
    public void WhenAny_CancelledFirstChild_Wins_R42()
    {
        var a = _loop.Start<int>(SleepReturn(5, 1, _log, "a"));
        var b = _loop.Start(SleepForever(_log, "b"));
        var any = Co.WhenAny(a, b);
        AdvanceAndTick(1);
        b.Cancel();
        AdvanceAndTickUntil(any);
        Assert.That(any.Result, Is.EqualTo(1));
        Assert.That(a.IsCompleted, Is.False);
    }

    [Test]
    public void WhenAny_AlreadyComplete_FirstInArgumentOrder_R42()
    {
        var s1 = new FutureSource(_loop);
        var s2 = new FutureSource(_loop);
        var s3 = new FutureSource(_loop);
        s3.SetResult();
        s2.SetResult();
        var any = Co.WhenAny(s1.Future, s2.Future, s3.Future);
        AdvanceAndTickUntil(any);
        Assert.That(any.Result, Is.EqualTo(1));
    }

    [Test]
    public void WhenAny_CancellingTheWait_DoesNotCancelChildren_R42()
    {
        var a = _loop.Start(SleepForever(_log, "a"));
        var b = _loop.Start(SleepForever(_log, "b"));
        var any = Co.WhenAny(a, b);
        AdvanceAndTick(1);
        Assert.That(any.Cancel(), Is.True);
        AdvanceAndTick(1);
        AdvanceAndTick(1);
        Assert.That(a.IsCompleted || b.IsCompleted, Is.False);
        Assert.That(_log, Is.Empty);
    }

    [Test]
    public void WhenAny_LoserFailingLater_IsNotObserved_ReportedOnce_R42()
    {
        var boom = new InvalidOperationException("loser");
        var a = _loop.Start<int>(SleepReturn(1, 1, _log, "a"));
        var b = _loop.Start(SleepThrow(3, boom, _log, "b"));
        var any = Co.WhenAny(a, b);
        var waiter = _loop.Start(SettleAndLog(any, _log, "waiter"));
        AdvanceAndTickUntil(waiter);
        Assert.That(any.Result, Is.EqualTo(0));
        AdvanceAndTickUntil(b);
        _loop.Tick();
        Assert.That(_unhandled.FindAll(e => ReferenceEquals(e, boom)), Has.Count.EqualTo(1));
    }
}
