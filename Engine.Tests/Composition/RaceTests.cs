using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>Co.Race: first outcome wins; the losers are cancelled and waited for (R42).</summary>
[TestFixture]
public class RaceTests : LoopFixture
{
    public RaceTests()
        : base("comp")
    {
    }

    [Test]
    public void Race_FirstToSucceedWins_LosersAreCancelled_AndTheirFinallyBlocksRunBeforeItCompletes_R42()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask slow = t.Loop.Start(Sleep(5, log, "slow"));
        LoopTask fast = t.Loop.Start(Sleep(1, log, "fast"));
        Future<int> race = Co.Race(slow, fast);
        t.Tick();

        t.AdvanceAndTick(1);
        Assert.That(race.State, Is.EqualTo(FutureState.Pending), "slow has not run its finally yet");
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "fast done", "fast finally", "slow finally" }));
        Assert.That(slow.IsCancelled, Is.True);
        Assert.That(race.Result, Is.EqualTo(1));
    }

    [Test]
    public void Race_Typed_GivesTheWinnersResult_R42()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask<string> slow = t.Loop.Start<string>(SleepReturn(5, "slow", log, "slow"));
        var source = new FutureSource<string>(t.Loop);
        Future<string> race = Co.Race(slow, source.Future);
        t.Tick();

        source.SetResult("source");
        t.Tick();

        Assert.That(race.Result, Is.EqualTo("source"));
    }

    [Test]
    public void Race_WinnerFaulted_FailsWithTheSameException_AfterTheLosersFinallyBlocks_R42()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("winner failed");
        LoopTask fails = t.Loop.Start(SleepThrow(1, boom, log, "fails"));
        LoopTask other = t.Loop.Start(Sleep(5, log, "other"));
        Future<int> race = Co.Race(fails, other);
        t.Tick();

        t.AdvanceAndTick(1);
        Assert.That(race.State, Is.EqualTo(FutureState.Pending));
        t.Tick();

        Assert.That(log[^1], Is.EqualTo("other finally"));
        Assert.That(race.Exception, Is.SameAs(boom));
    }

    [Test]
    public void Race_WinnerCancelled_EndsCancelled_R42()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var cancelled = new FutureSource(t.Loop);
        LoopTask other = t.Loop.Start(Sleep(5, log, "other"));
        Future<int> race = Co.Race(cancelled.Future, other);
        t.Tick();

        cancelled.SetCanceled();
        t.Tick();

        Assert.That(race.IsCancelled, Is.True);
        Assert.That(other.IsCancelled, Is.True);
    }

    [Test]
    public void Race_LoserWhoseFinallyThrows_IsAttachedToAFaultedWinner()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var boom = new FormatException("winner");
        var cleanup = new InvalidOperationException("loser cleanup");
        LoopTask fails = t.Loop.Start(SleepThrow(1, boom, log, "fails"));
        LoopTask loser = t.Loop.Start(SleepThrowInFinally(5, cleanup, log, "loser"));
        Future<int> race = Co.Race(fails, loser);
        t.Tick();

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(race.Exception, Is.SameAs(boom));
        Assert.That(boom.GetFailures(), Is.EqualTo(new Exception[] { boom, cleanup }));
    }

    [Test]
    public void Race_LoserWhoseFinallyThrows_GoesToTheHandlerWhenTheWinnerSucceeded_R23()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var cleanup = new InvalidOperationException("loser cleanup");
        LoopTask fast = t.Loop.Start(Sleep(1, log, "fast"));
        LoopTask loser = t.Loop.Start(SleepThrowInFinally(5, cleanup, log, "loser"));
        Future<int> race = Co.Race(fast, loser);
        t.Tick();

        t.AdvanceAndTick(1);
        t.Tick();

        Assert.That(race.Result, Is.EqualTo(0), "the winner's result is kept");
        Assert.That(t.Unhandled, Is.EqualTo(new[] { cleanup }));
    }

    [Test]
    public void Race_CancellingTheReturnedFuture_CancelsEveryChild()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask a = t.Loop.Start(Sleep(5, log, "a"));
        LoopTask b = t.Loop.Start(Sleep(5, log, "b"));
        Future<int> race = Co.Race(a, b);
        t.Tick();

        race.Cancel();
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "a finally", "b finally" }));
    }

    [Test]
    public void Race_OfCoroutines_StartsThemAsTasks_R42()
    {
        var t = new TestLoop();
        var log = new List<string>();

        string winner = t.Loop.RunUntilComplete<string>(RaceOwner(log));

        Assert.That(winner, Is.EqualTo("quick"));
        Assert.That(log, Is.EqualTo(new[] { "quick done", "quick finally", "never finally" }));
    }

    private static IEnumerator<IAwaitable> RaceOwner(List<string> log)
    {
        Future<string> race = Co.Race<string>(EventLoop.Current!, Forever(log, "never"), SleepReturn(0, "quick", log, "quick"));
        yield return race;
        yield return Co.Return(race.Result);
    }

    [Test]
    public void Race_OfNothing_ThrowsArgumentException()
    {
        var t = new TestLoop();

        Assert.Throws<ArgumentException>(() => Co.Race(Array.Empty<Future>()));
        Assert.Throws<ArgumentException>(() => Co.Race(t.Loop));
        Assert.Throws<ArgumentException>(() => Co.Race<int>(t.Loop));
    }

    // ---- scenarios written from docs/semantics.md ---------------------------------------------------------------

    [Test]
    public void Race_FirstOutcomeWins_OthersCancelledAndAwaited_R42()
    {
        var a = _loop.Start<int>(SleepReturn(5, 1, _log, "a"));
        var b = _loop.Start<int>(SleepReturn(1, 2, _log, "b"));
        var c = _loop.Start<int>(SleepReturn(5, 3, _log, "c"));
        Future<int> race = Co.Race<int>(a, b, c);
        var waiter = _loop.Start(SettleAndLog(race, _log, "waiter"));
        AdvanceAndTickUntil(waiter);
        Assert.That(race.Result, Is.EqualTo(2));
        Assert.That(a.IsCancelled && c.IsCancelled, Is.True);
        int w = _log.IndexOf("waiter resumed Succeeded");
        Assert.That(_log.IndexOf("a finally"), Is.InRange(0, w));
        Assert.That(_log.IndexOf("c finally"), Is.InRange(0, w));
        Assert.That(_log, Does.Not.Contain("a done").And.Not.Contain("c done"));
    }

    [Test]
    public void Race_RaceNotCompleteBeforeLosersDone_R42()
    {
        var a = _loop.Start<int>(SleepReturn(5, 1, _log, "a"));
        var b = _loop.Start<int>(SleepReturn(1, 2, _log, "b"));
        Future<int> race = Co.Race<int>(a, b);
        for (int i = 0; i < 20 && !race.IsCompleted; i++)
        {
            AdvanceAndTick(0.5);
        }

        Assert.That(race.IsCompleted, Is.True);
        Assert.That(a.IsCompleted, Is.True, "race completed before the loser completed");
        Assert.That(_log, Does.Contain("a finally"));
    }

    [Test]
    public void Race_Untyped_GivesWinnerIndex_R42()
    {
        var a = _loop.Start(SleepForever(_log, "a"));
        var b = _loop.Start<int>(SleepReturn(1, 2, _log, "b"));
        Future<int> race = Co.Race(a, b);
        AdvanceAndTickUntil(race);
        Assert.That(race.Result, Is.EqualTo(1));
        Assert.That(a.IsCancelled, Is.True);
    }

    [Test]
    public void Race_FailingWinner_RaceFailsWithSameException_LosersCancelled_R42()
    {
        var boom = new InvalidOperationException("boom");
        var a = _loop.Start(SleepForever(_log, "a"));
        var b = _loop.Start(SleepThrow(1, boom, _log, "b"));
        Future<int> race = Co.Race(a, b);
        AdvanceAndTickUntil(race);
        Assert.That(race.Exception, Is.SameAs(boom));
        Assert.That(a.IsCancelled, Is.True);
        Assert.That(_log, Does.Contain("a finally"));
    }

    [Test]
    public void Race_CancelledWinner_RaceEndsCancelled_R42()
    {
        var a = _loop.Start(SleepForever(_log, "a"));
        var b = _loop.Start(SleepForever(_log, "b"));
        Future<int> race = Co.Race(a, b);
        AdvanceAndTick(1);
        b.Cancel();
        AdvanceAndTickUntil(race);
        Assert.That(race.IsCancelled, Is.True);
        Assert.That(a.IsCancelled, Is.True);
    }

    [Test]
    public void Race_LoserFinallyThrows_AttachedToWinnersException_R42()
    {
        var boom = new InvalidOperationException("boom");
        var late = new ArgumentException("loser finally");
        var a = _loop.Start(SleepThrowFromFinally(100, late, _log, "a"));
        var b = _loop.Start(SleepThrow(1, boom, _log, "b"));
        Future<int> race = Co.Race(a, b);
        AdvanceAndTickUntil(race);
        Assert.That(race.Exception, Is.SameAs(boom));
        Assert.That(boom.GetFailures(), Is.EqualTo(new Exception[] { boom, late }));
    }

    [Test]
    public void Race_LoserFinallyThrows_WinnerSucceeded_GoesToHandler_R42()
    {
        var late = new ArgumentException("loser finally");
        var a = _loop.Start(SleepThrowFromFinally(100, late, _log, "a"));
        var b = _loop.Start<int>(SleepReturn(1, 7, _log, "b"));
        Future<int> race = Co.Race(a, b);
        AdvanceAndTickUntil(race);
        for (int i = 0; i < 3; i++)
        {
            _loop.Tick();
        }

        Assert.That(race.Result, Is.EqualTo(1));
        Assert.That(a.IsFaulted, Is.True);
        Assert.That(_unhandled, Does.Contain(late));
    }

    [Test]
    public void Race_OfCoroutines_CancellingWaiterCancelsAll_ChildrenFinallyFirst_R42()
    {
        IEnumerator<IAwaitable> Waiter()
        {
            try
            {
                yield return Co.Race(_loop, SleepForever(_log, "r1"), SleepForever(_log, "r2"));
            }
            finally
            {
                _log.Add("waiter finally");
            }
        }

        var w = _loop.Start(Waiter());
        AdvanceAndTick(1);
        AdvanceAndTick(1);
        w.Cancel();
        AdvanceAndTickUntil(w);
        int wf = _log.IndexOf("waiter finally");
        Assert.That(_log.IndexOf("r1 finally"), Is.InRange(0, wf));
        Assert.That(_log.IndexOf("r2 finally"), Is.InRange(0, wf));
    }
}
