using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>Co.Race: first outcome wins; the losers are cancelled and waited for (R42).</summary>
[TestFixture]
public class RaceTests
{
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
}
