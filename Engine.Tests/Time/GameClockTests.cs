using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;

namespace YieldLoop.Tests.Time;

/// <summary>
/// Game clocks (issue 6): scaled and paused time (R13), the clock tree, which clock a wait uses, order within a clock
/// (R7, R8), cancellation of clock timers (R12, R30, R31) and bad input. Time is driven by hand with a ManualClock;
/// every deadline is checked one 100 ns tick before (not woken) and at (woken) its exact real time.
/// </summary>
[TestFixture]
public partial class GameClockTests
{
    private const long TicksPerSecond = TimeSpan.TicksPerSecond;

    /// <summary>What a sleeping task saw when it woke, and whether its finally ran.</summary>
    /// <summary>Starts a task bound to <paramref name="clock"/> that yields Co.Sleep(<paramref name="seconds"/>).</summary>
    private static WaitProbe StartGameSleep(GameClock clock, double seconds, out LoopTask task)
    {
        var probe = new WaitProbe();
        task = clock.Start(WaitProbe.Record(clock.Loop, clock, () => Co.Sleep(seconds), probe), "sleeper");
        return probe;
    }

    private static WaitProbe StartGameSleep(GameClock clock, double seconds) => StartGameSleep(clock, seconds, out _);

    /// <summary>Sets the manual clock to exactly <paramref name="ticks"/> (100 ns units) and ticks once.</summary>
    private static void TickAt(TestLoop t, long ticks)
    {
        t.Clock.Set(TimeSpan.FromTicks(ticks));
        t.Loop.Tick();
    }

    private static long Ticks(double seconds) => (long)Math.Round(seconds * TicksPerSecond);

    /// <summary>Ticks one 100 ns tick before <paramref name="expectedTicks"/> (the sleep must not end), then at it (it must).</summary>
    private static void AssertWakesExactlyAt(TestLoop t, WaitProbe probe, long expectedTicks, string why)
    {
        TickAt(t, expectedTicks - 1);
        Assert.That(probe.Woke, Is.False, $"woke one 100 ns tick before real {TimeSpan.FromTicks(expectedTicks)} (R7): {why}");
        TickAt(t, expectedTicks);
        Assert.That(probe.Real, Is.EqualTo(TimeSpan.FromTicks(expectedTicks)), $"did not wake at real {TimeSpan.FromTicks(expectedTicks)}: {why}");
    }

    // ---- scale ---------------------------------------------------------------------------------------------------

    [Test]
    public void Sleep_AtScaleHalf_EndsAtRealFourSeconds_NotATickBefore_R13_R7()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        WaitProbe probe = StartGameSleep(world, 2);
        t.Tick();   // the sleep starts at real 0, local 0

        TickAt(t, 39_999_999);   // 3.9999999 s
        Assert.That(probe.Woke, Is.False, "2 s of a clock at 0.5 is 4 s of real time");
        Assert.That(world.Now, Is.LessThan(TimeSpan.FromSeconds(2)));
        TickAt(t, 40_000_000);
        Assert.That(probe.Real, Is.EqualTo(TimeSpan.FromSeconds(4)));
        Assert.That(probe.Local, Is.EqualTo(TimeSpan.FromSeconds(2)), "the clock reads exactly the deadline when the sleep ends");
    }

    [Test]
    public void Sleep_AtScaleTwo_EndsAtRealOneSecond_R13()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 2 };
        WaitProbe probe = StartGameSleep(world, 2);
        t.Tick();
        AssertWakesExactlyAt(t, probe, TicksPerSecond, "2 s at scale 2 is 1 s real");
        Assert.That(probe.Local, Is.EqualTo(TimeSpan.FromSeconds(2)));
    }

    [TestCase(20_000_000L, 3, 10, TestName = "Sleep2s_AtScale0_3_EndsAtTheFirstTickAtOrAfter6_6666667s")]
    [TestCase(3_000_000L, 3, 10, TestName = "Sleep0_3s_AtScale0_3_EndsAtExactly1s")]
    [TestCase(10_000_000L, 1, 3, TestName = "Sleep1s_AtScaleOneThird_EndsAtExactly3s")]
    [TestCase(7_000_000L, 1, 10, TestName = "Sleep0_7s_AtScale0_1_EndsAtExactly7s")]
    [TestCase(10_000_000L, 7, 10, TestName = "Sleep1s_AtScale0_7_EndsAtTheFirstTickAtOrAfter1_4285714s")]
    [TestCase(1L, 1, 3, TestName = "Sleep100ns_AtScaleOneThird_EndsAt300ns")]
    [TestCase(63_000_000L, 7, 10, TestName = "Sleep6_3s_AtScale0_7_EndsAtExactly9s_ThoughTheDoubleProductFallsShort")]
    [TestCase(119_000_000L, 7, 10, TestName = "Sleep11_9s_AtScale0_7_EndsAtExactly17s_ThoughTheDoubleProductFallsShort")]
    public void Sleep_AtAwkwardScales_EndsInTheFirstTickAtOrAfterTheExactRealTime_NeverBefore_R7_R13(long sleepTicks, int num, int den)
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = (double)num / den };
        WaitProbe probe = StartGameSleep(world, TimeSpan.FromTicks(sleepTicks).TotalSeconds);
        t.Tick();

        // The exact real time is sleep / scale = sleep * den / num; the first 100 ns tick at or after it is the ceiling.
        long exact = ((sleepTicks * den) + num - 1) / num;
        AssertWakesExactlyAt(t, probe, exact, $"{sleepTicks} ticks at scale {num}/{den}");
        Assert.That(probe.Local!.Value.Ticks, Is.GreaterThanOrEqualTo(sleepTicks), "the clock is at or past the deadline");
    }

    [TestCase(true, TestName = "Scale_SetBeforeTheSleepStarts_StretchesTheWholeSleep_R13")]
    [TestCase(false, TestName = "Scale_SetAfterTheSleepStartedButBeforeAnyTimePassed_StretchesTheWholeSleep_R13")]
    public void Scale_SetBeforeOrAfterTheSleepStarts_AtTheSameInstant_GivesTheSameDeadline(bool before)
    {
        var t = new TestLoop(startSeconds: 10);
        var world = new GameClock(t.Loop, "world");
        if (before)
        {
            world.Scale = 0.5;
        }

        WaitProbe probe = StartGameSleep(world, 2);
        t.Tick();   // the sleep starts at real 10
        if (!before)
        {
            world.Scale = 0.5;
        }

        AssertWakesExactlyAt(t, probe, Ticks(14), "2 s at 0.5 from real 10");
    }

    // ---- R13: a change applies from its moment -----------------------------------------------------------------

    [Test]
    public void Scale_ChangedMidSleep_KeepsTheAccruedTime_AndRunsTheRestAtTheNewRate_R13()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        WaitProbe probe = StartGameSleep(world, 4);
        t.Tick();
        TickAt(t, Ticks(1));
        world.Scale = 0.5;
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(1)), "the 1 s accrued at scale 1 is kept");

        TickAt(t, Ticks(3));
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(2)), "2 s real at 0.5 adds 1 s");
        Assert.That(probe.Woke, Is.False);
        AssertWakesExactlyAt(t, probe, Ticks(7), "1 s at scale 1, then the remaining 3 s at 0.5 take 6 s (not 8 s: accrued time is kept)");
        Assert.That(probe.Local, Is.EqualTo(TimeSpan.FromSeconds(4)));
    }

    [Test]
    public void Scale_ChangedSeveralTimesInARow_EachChangeAppliesFromItsMoment_R13()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        WaitProbe probe = StartGameSleep(world, 4);
        t.Tick();

        TickAt(t, Ticks(1));
        world.Scale = 2;      // local 1
        TickAt(t, Ticks(1.5));
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(2)));
        world.Scale = 0.25;   // local 2
        TickAt(t, Ticks(3.5));
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(2.5)));
        world.Scale = 3;      // two changes at one instant: only the last rate runs
        world.Scale = 1.5;    // local 2.5; the remaining 1.5 s take 1 s
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(2.5)), "changes at one instant accrue nothing");
        Assert.That(probe.Woke, Is.False);
        AssertWakesExactlyAt(t, probe, Ticks(4.5), "1 + 0.5*2 + 2*0.25 + 1*1.5 = 4 s of game time at real 4.5");
        Assert.That(probe.Local, Is.EqualTo(TimeSpan.FromSeconds(4)));
    }

    [Test]
    public void Scale_ChangedBetweenTicks_TakesEffectAtTheLoopClocksReadingThen_NotAtTheLastTick_R13()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        WaitProbe probe = StartGameSleep(world, 4);
        t.Tick();                                    // last tick at real 0
        t.Clock.Set(TimeSpan.FromSeconds(2));        // time moves, no tick yet
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(2)), "between ticks the clock reads the loop clock");
        world.Scale = 0.5;                           // the change is at real 2: 2 s accrued, 2 s left at 0.5
        t.Tick();
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(2)));
        AssertWakesExactlyAt(t, probe, Ticks(6), "anchored at real 2 (anchoring at the last tick, real 0, would end at 8)");
    }

    [Test]
    public void Scale_ChangedInsideAStep_TakesEffectAtThatTicksTime_EvenIfTheLoopClockMovedDuringTheStep_R13()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        WaitProbe probe = StartGameSleep(world, 4);
        TimeSpan? nowInStep = null;
        IEnumerator<IAwaitable> Controller()
        {
            yield return Co.Sleep(1);           // unbound: real time; wakes in the tick at real 1
            t.Clock.Advance(0.5);               // the step takes half a second of wall time
            nowInStep = world.Now;
            world.Scale = 0.5;                  // applies at the tick's time, real 1 (local 1)
        }

        t.Loop.Start(Controller(), "controller");
        t.Tick();
        TickAt(t, Ticks(1));
        Assert.That(nowInStep, Is.EqualTo(TimeSpan.FromSeconds(1)), "inside a step the clock reads the tick's time");
        AssertWakesExactlyAt(t, probe, Ticks(7), "3 s left at 0.5 from real 1 (anchoring at the clock's 1.5 would end at 6.5)");
    }

    // ---- scale 0 and Pause ---------------------------------------------------------------------------------------

    [TestCase(true, TestName = "Pause_StopsGameWaits_WhileRealTimeWaitsCallbacksUnboundIntervalsAndTimeoutsGoOn_R13")]
    [TestCase(false, TestName = "ScaleZero_StopsGameWaits_WhileRealTimeWaitsCallbacksUnboundIntervalsAndTimeoutsGoOn_R13")]
    public void StoppedClock_StopsGameWaitsOnly(bool pause)
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        WaitProbe game = StartGameSleep(world, 1);
        var realtime = new WaitProbe();
        world.Start(WaitProbe.Record(t.Loop, world, () => Co.SleepRealtime(1), realtime), "bound realtime");
        var unbound = new WaitProbe();
        t.Loop.Start(WaitProbe.Record(t.Loop, null, () => Co.Sleep(1), unbound), "unbound");
        TimeSpan? callback = null;
        t.Loop.CallLater(TimeSpan.FromSeconds(1), () => callback = t.Loop.Time);
        var periods = new List<TimeSpan>();
        IEnumerator<IAwaitable> Periodic()
        {
            Interval every = Co.Every(1);
            for (int i = 0; i < 3; i++)
            {
                yield return every;
                periods.Add(t.Loop.Time);
            }
        }

        t.Loop.Start(Periodic(), "unbound periodic");
        var calls = new List<TimeSpan>();
        IEnumerator<IAwaitable> StartsACallEvery()
        {
            t.Loop.CallEvery(1, tick => calls.Add(t.Loop.Time), 3);   // from a bound task: still loop-level, real time
            yield break;
        }

        world.Start(StartsACallEvery(), "bound, starts CallEvery");
        var never = new FutureSource(t.Loop);
        Future? timeout = null;
        TimeSpan? timedOutAt = null;
        IEnumerator<IAwaitable> WithTimeout()
        {
            timeout = Co.Timeout(never.Future, 2);
            yield return Co.Settle(timeout);
            timedOutAt = t.Loop.Time;
        }

        world.Start(WithTimeout(), "bound timeout");
        t.Tick();   // everything starts waiting at real 0
        if (pause)
        {
            world.Pause();
        }
        else
        {
            world.Scale = 0;
        }

        TickAt(t, Ticks(1));
        Assert.That(realtime.Real, Is.EqualTo(TimeSpan.FromSeconds(1)), "Co.SleepRealtime in a bound task ignores the clock");
        Assert.That(unbound.Real, Is.EqualTo(TimeSpan.FromSeconds(1)), "an unbound task's Co.Sleep is loop time");
        Assert.That(callback, Is.EqualTo(TimeSpan.FromSeconds(1)), "CallLater counts real time");
        TickAt(t, Ticks(2));
        TickAt(t, Ticks(3));
        var seconds = new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3) };
        Assert.That(periods, Is.EqualTo(seconds), "an unbound task's Co.Every counts real time");
        Assert.That(calls, Is.EqualTo(seconds), "CallEvery counts real time, even when started from a bound task");
        Assert.That(timedOutAt, Is.Not.Null.And.InRange(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)),
            "a timeout counts real time: it expires at real 2 (its failure reaches the waiter a tick or so later)");
        Assert.That(timeout!.Exception, Is.TypeOf<TimeoutException>());

        TickAt(t, Ticks(100));
        Assert.That(game.Woke, Is.False, "the game wait is stopped");
        Assert.That(world.Now, Is.EqualTo(TimeSpan.Zero), "a stopped clock's time stands still");
        Assert.That(world.EffectiveScale, Is.Zero);
        Assert.That(world.PendingTimerCount, Is.EqualTo(1));

        if (pause)
        {
            world.Resume();
        }
        else
        {
            world.Scale = 1;
        }

        AssertWakesExactlyAt(t, game, Ticks(101), "the full 1 s of game time runs once the clock runs again");
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void Resume_ContinuesWithExactlyTheRemainingTime_R13()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        WaitProbe probe = StartGameSleep(world, 3);
        t.Tick();
        TickAt(t, Ticks(2));      // local 1
        world.Pause();
        TickAt(t, Ticks(50));
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(1)));
        world.Resume();           // at real 50, local 1: 2 s left at 0.5 = 4 s real
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(1)), "resuming does not jump the clock");
        AssertWakesExactlyAt(t, probe, Ticks(54), "2 s of game time left at 0.5 after the resume at real 50");
    }

    [Test]
    public void Interval_YieldedByABoundTask_KeepsItsGridInClockTime_StopsWhileTheClockIsPaused_R11_R13()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        var log = new List<(TimeSpan Real, TimeSpan Local, long Skipped)>();
        IEnumerator<IAwaitable> Periodic()
        {
            Interval every = Co.Every(1);   // t0: local 0 at the first yield
            for (int i = 0; i < 4; i++)
            {
                yield return every;
                log.Add((t.Loop.Time, world.Now, every.Skipped));
            }
        }

        world.Start(Periodic(), "bound periodic");
        t.Tick();
        TickAt(t, Ticks(2) - 1);
        Assert.That(log, Is.Empty, "local 1 is real 2 at 0.5");
        TickAt(t, Ticks(2));
        TickAt(t, Ticks(4));
        world.Pause();
        TickAt(t, Ticks(100));
        Assert.That(log, Has.Count.EqualTo(2), "a paused clock stops its intervals");
        world.Resume();                    // real 100, local 2: the next grid point, local 3, is real 102
        TickAt(t, Ticks(102) - 1);
        Assert.That(log, Has.Count.EqualTo(2));
        TickAt(t, Ticks(102));
        world.Scale = 2;                   // local 3; the next grid point, local 4, is real 102.5
        TickAt(t, Ticks(110));             // local 19: late, so it resumes once and skips 15 grid points (R11)
        Assert.That(log, Is.EqualTo(new[]
        {
            (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 0L),
            (TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2), 0L),
            (TimeSpan.FromSeconds(102), TimeSpan.FromSeconds(3), 0L),
            (TimeSpan.FromSeconds(110), TimeSpan.FromSeconds(19), 15L),
        }));
    }

    [Test]
    public void Pause_KeepsTheScale_EffectiveScaleIsZeroUntilResume()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        world.Pause();
        world.Pause();   // twice does nothing
        Assert.That(world.IsPaused, Is.True);
        Assert.That(world.Scale, Is.EqualTo(0.5), "Pause keeps the scale");
        Assert.That(world.EffectiveScale, Is.Zero);
        world.Resume();
        Assert.That(world.IsPaused, Is.False);
        Assert.That(world.EffectiveScale, Is.EqualTo(0.5));
        world.Resume();   // resuming a running clock does nothing
        Assert.That(world.EffectiveScale, Is.EqualTo(0.5));
    }

    [Test]
    public void Scale_SetWhilePaused_IsKeptAndAppliesFromTheResume_R13()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        WaitProbe probe = StartGameSleep(world, 2);
        t.Tick();
        TickAt(t, Ticks(2));      // local 1
        world.Pause();
        world.Scale = 4;
        Assert.That(world.EffectiveScale, Is.Zero, "a paused clock stays stopped whatever its scale");
        TickAt(t, Ticks(10));
        Assert.That(probe.Woke, Is.False);
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(1)));
        world.Resume();           // real 10: 1 s left at 4 = 0.25 s
        Assert.That(world.EffectiveScale, Is.EqualTo(4));
        AssertWakesExactlyAt(t, probe, Ticks(10.25), "the scale set while paused applies after the resume");
    }

    [Test]
    public void PausedClock_ATaskWokenByAFutureOrNextTick_StillRuns_OnlyTimeStops()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        world.Pause();
        var source = new FutureSource(t.Loop);
        int steps = 0;
        TimeSpan? futureWoke = null;
        IEnumerator<IAwaitable> Ticker()
        {
            while (true)
            {
                steps++;
                yield return Co.NextTick;
            }
        }

        IEnumerator<IAwaitable> Waiter()
        {
            yield return source.Future;
            futureWoke = t.Loop.Time;
        }

        LoopTask ticker = world.Start(Ticker(), "ticker");
        world.Start(Waiter(), "waiter");
        t.Tick(3);
        Assert.That(steps, Is.EqualTo(3), "a task of a paused clock steps each tick on Co.NextTick");
        source.SetResult();
        t.Tick();
        Assert.That(futureWoke, Is.EqualTo(TimeSpan.Zero), "a task of a paused clock resumes when its future completes");
        ticker.Cancel();
        t.Tick();
        Assert.That(t.Unhandled, Is.Empty);
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    public void SleepZeroOrLess_OnAPausedClock_ResumesInTheNextTick_R9(double seconds)
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        world.Pause();
        var bound = new WaitProbe();
        world.Start(WaitProbe.Record(t.Loop, world, () => Co.Sleep(seconds), bound), "bound");
        var explicitClock = new WaitProbe();
        t.Loop.Start(WaitProbe.Record(t.Loop, world, () => world.Sleep(seconds), explicitClock), "explicit");
        var zeroScale = new GameClock(t.Loop, "frozen") { Scale = 0 };
        var scaledZero = new WaitProbe();
        zeroScale.Start(WaitProbe.Record(t.Loop, zeroScale, () => Co.Sleep(TimeSpan.FromSeconds(seconds)), scaledZero), "scale 0");

        t.Tick();   // the sleeps are yielded
        Assert.That(bound.Woke || explicitClock.Woke || scaledZero.Woke, Is.False, "never in the same tick (R2)");
        t.Tick();   // no time passes
        Assert.That(bound.Woke, Is.True, "Co.Sleep(<= 0) in a paused clock's task is the next tick");
        Assert.That(explicitClock.Woke, Is.True, "clock.Sleep(<= 0) on a paused clock is the next tick");
        Assert.That(scaledZero.Woke, Is.True, "Co.Sleep(<= 0) on a clock at scale 0 is the next tick");
    }

    [Test]
    public void Now_DoesNotMoveWhilePaused_AndGoesOnFromThereAfterResume()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 2 };
        t.Clock.Advance(1.5);
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(3)));
        world.Pause();
        t.Clock.Advance(10);
        t.Tick();
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(3)), "Now stands still while paused");
        world.Resume();
        t.Clock.Advance(0.25);
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(3.5)), "after the resume it runs on from where it stopped");
    }

    [Test]
    public void Now_StartsAtZeroWhenTheClockIsCreated_WhateverTheLoopsTime()
    {
        var t = new TestLoop(startSeconds: 100);
        var world = new GameClock(t.Loop, "world");
        Assert.That(world.Now, Is.EqualTo(TimeSpan.Zero));
        t.Clock.Advance(2);
        GameClock hero = world.CreateChild("hero");
        Assert.That(hero.Now, Is.EqualTo(TimeSpan.Zero), "a child starts at zero too");
        t.Clock.Advance(1);
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(hero.Now, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    // ---- the clock tree ------------------------------------------------------------------------------------------

    [Test]
    public void Child_AtScaleTwoUnderAParentAtHalf_RunsAtRealSpeed()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        GameClock hero = world.CreateChild("hero");
        hero.Scale = 2;
        Assert.That(hero.Parent, Is.SameAs(world));
        Assert.That(world.Parent, Is.Null);
        Assert.That(hero.EffectiveScale, Is.EqualTo(1.0));
        WaitProbe probe = StartGameSleep(hero, 3);
        t.Tick();
        AssertWakesExactlyAt(t, probe, Ticks(3), "0.5 * 2 = real speed");
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(1.5)));
        Assert.That(hero.Now, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public void PausingTheParent_StopsTheChildsWaits_AndResumingGivesTheChildItsRemainingTime()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        GameClock hero = world.CreateChild("hero");
        hero.Scale = 2;
        WaitProbe probe = StartGameSleep(hero, 4);
        t.Tick();
        TickAt(t, Ticks(1));   // hero local 2
        world.Pause();
        Assert.That(hero.IsPaused, Is.False, "the child itself is not paused");
        Assert.That(hero.EffectiveScale, Is.Zero, "but it stands still with its parent");
        TickAt(t, Ticks(20));
        Assert.That(probe.Woke, Is.False);
        Assert.That(hero.Now, Is.EqualTo(TimeSpan.FromSeconds(2)));
        world.Resume();
        Assert.That(hero.EffectiveScale, Is.EqualTo(2));
        AssertWakesExactlyAt(t, probe, Ticks(21), "2 s of hero time left at 2x after the resume at real 20");
    }

    [Test]
    public void ChangingTheParentsScale_RescalesTheChildsPendingWaits_RemainingPartOnly_R13()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        GameClock hero = world.CreateChild("hero");
        hero.Scale = 2;
        WaitProbe probe = StartGameSleep(hero, 4);
        t.Tick();
        TickAt(t, Ticks(0.5));   // hero local 1
        world.Scale = 0.25;      // hero now runs at 0.5: 3 s left = 6 s real
        Assert.That(hero.Now, Is.EqualTo(TimeSpan.FromSeconds(1)), "the child keeps its accrued time");
        Assert.That(hero.EffectiveScale, Is.EqualTo(0.5));
        Assert.That(hero.Scale, Is.EqualTo(2), "the child's own scale is unchanged");
        AssertWakesExactlyAt(t, probe, Ticks(6.5), "1 s at 2x, then 3 s at 0.25 * 2");
    }

    [Test]
    public void ASeparateRootClock_IsUnaffectedByAnotherRootsScaleAndPause()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        var menu = new GameClock(t.Loop, "menu");
        WaitProbe worldSleep = StartGameSleep(world, 1);
        WaitProbe menuSleep = StartGameSleep(menu, 1);
        t.Tick();
        world.Scale = 0.1;
        world.Pause();
        Assert.That(menu.EffectiveScale, Is.EqualTo(1.0));
        TickAt(t, Ticks(1));
        Assert.That(menuSleep.Real, Is.EqualTo(TimeSpan.FromSeconds(1)), "the menu keeps running while the world is paused");
        Assert.That(worldSleep.Woke, Is.False);
        Assert.That(menu.Now, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(world.Now, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void EffectiveScale_IsTheProductToTheRoot_AndZeroWhenAnythingOnThePathIsPaused_Grandchildren()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        GameClock hero = world.CreateChild("hero");
        hero.Scale = 4;
        GameClock sword = hero.CreateChild("sword");
        sword.Scale = 0.25;
        Assert.That(sword.Parent, Is.SameAs(hero));
        Assert.That((world.EffectiveScale, hero.EffectiveScale, sword.EffectiveScale), Is.EqualTo((0.5, 2.0, 0.5)));

        hero.Pause();
        Assert.That((world.EffectiveScale, hero.EffectiveScale, sword.EffectiveScale), Is.EqualTo((0.5, 0.0, 0.0)));
        GameClock bornPaused = hero.CreateChild("born under a paused parent");
        Assert.That(bornPaused.EffectiveScale, Is.Zero, "a child created under a paused clock stands still");
        hero.Resume();
        Assert.That(bornPaused.EffectiveScale, Is.EqualTo(2.0));
        world.Scale = 2;
        Assert.That((world.EffectiveScale, hero.EffectiveScale, sword.EffectiveScale), Is.EqualTo((2.0, 8.0, 2.0)));
        world.Scale = 0;
        Assert.That(sword.EffectiveScale, Is.Zero);
        Assert.That(world.IsPaused, Is.False, "scale 0 is not Pause");
    }

    [Test]
    public void Grandchild_SleepsInItsOwnTime_AndFollowsChangesAnywhereAboveIt_R13()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        GameClock hero = world.CreateChild("hero");
        hero.Scale = 4;
        GameClock sword = hero.CreateChild("sword");
        sword.Scale = 0.25;                 // effective 0.5
        WaitProbe probe = StartGameSleep(sword, 3);
        t.Tick();
        TickAt(t, Ticks(2));                // sword local 1
        hero.Pause();
        TickAt(t, Ticks(5));
        Assert.That(sword.Now, Is.EqualTo(TimeSpan.FromSeconds(1)), "pausing a middle clock stops its grandchild");
        hero.Resume();
        world.Scale = 2;                    // sword now runs at 2: 2 s left = 1 s real
        AssertWakesExactlyAt(t, probe, Ticks(6), "a grandchild follows its grandparent's scale");
        Assert.That(probe.Local, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    // ---- which clock a wait uses ---------------------------------------------------------------------------------

    [Test]
    public void Binding_BoundTasksScopesAndInlineChildrenFollowTheClock_StartedTasksAndRealtimeWaitsDoNot()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        var scope = new Scope(t.Loop, "enemies", world);
        Assert.That(scope.Clock, Is.SameAs(world));

        var viaClockStart = new WaitProbe();
        world.Start(WaitProbe.Record(t.Loop, world, () => Co.Sleep(1), viaClockStart), "clock.Start");
        var viaScope = new WaitProbe();
        scope.Start(WaitProbe.Record(t.Loop, world, () => Co.Sleep(TimeSpan.FromSeconds(1)), viaScope), "scope.Start");
        var viaTypedScope = new WaitProbe();
        IEnumerator<IAwaitable> Typed()
        {
            yield return Co.Call(WaitProbe.Record(t.Loop, world, () => Co.Sleep(1), viaTypedScope));
            yield return Co.Return(7);
        }

        LoopTask<int> typed = scope.Start<int>(Typed(), "scope.Start<T> with an inline child");
        var inlineChild = new WaitProbe();
        IEnumerator<IAwaitable> Parent()
        {
            yield return Co.Call(WaitProbe.Record(t.Loop, world, () => Co.Sleep(1), inlineChild));
        }

        world.Start(Parent(), "parent with an inline child");
        var startedInside = new WaitProbe();
        IEnumerator<IAwaitable> Starter()
        {
            t.Loop.Start(WaitProbe.Record(t.Loop, null, () => Co.Sleep(1), startedInside), "started from a bound task");
            yield break;
        }

        world.Start(Starter(), "starter");
        var explicitFromUnbound = new WaitProbe();
        t.Loop.Start(WaitProbe.Record(t.Loop, world, () => world.Sleep(1), explicitFromUnbound), "unbound, clock.Sleep");
        var explicitSpan = new WaitProbe();
        t.Loop.Start(WaitProbe.Record(t.Loop, world, () => world.Sleep(TimeSpan.FromSeconds(1)), explicitSpan), "unbound, clock.Sleep(TimeSpan)");
        var realtimeInBound = new WaitProbe();
        world.Start(WaitProbe.Record(t.Loop, world, () => Co.SleepRealtime(1), realtimeInBound), "bound, SleepRealtime");
        var realtimeSpan = new WaitProbe();
        scope.Start(WaitProbe.Record(t.Loop, world, () => Co.SleepRealtime(TimeSpan.FromSeconds(1)), realtimeSpan), "scoped, SleepRealtime(TimeSpan)");

        t.Tick(2);   // everything is sleeping from real 0 (the task started from inside starts one tick later, still at 0)
        TickAt(t, Ticks(1));
        Assert.That(startedInside.Real, Is.EqualTo(TimeSpan.FromSeconds(1)), "a task started with loop.Start from a bound task does not inherit the clock");
        Assert.That(realtimeInBound.Real, Is.EqualTo(TimeSpan.FromSeconds(1)), "Co.SleepRealtime ignores the clock");
        Assert.That(realtimeSpan.Real, Is.EqualTo(TimeSpan.FromSeconds(1)), "Co.SleepRealtime(TimeSpan) ignores the scope's clock");
        var bound = new[] { viaClockStart, viaScope, viaTypedScope, inlineChild, explicitFromUnbound, explicitSpan };
        Assert.That(Array.FindAll(bound, p => p.Woke), Is.Empty, "game sleeps at 0.5 are not over at real 1");

        TickAt(t, Ticks(2) - 1);
        Assert.That(Array.FindAll(bound, p => p.Woke), Is.Empty, "never a tick early (R7)");
        TickAt(t, Ticks(2));
        Assert.Multiple(() =>
        {
            Assert.That(viaClockStart.Real, Is.EqualTo(TimeSpan.FromSeconds(2)), "clock.Start binds the task");
            Assert.That(viaScope.Real, Is.EqualTo(TimeSpan.FromSeconds(2)), "a scope with a clock binds its tasks");
            Assert.That(viaTypedScope.Real, Is.EqualTo(TimeSpan.FromSeconds(2)), "Scope.Start<T> binds too");
            Assert.That(inlineChild.Real, Is.EqualTo(TimeSpan.FromSeconds(2)), "an inline child (Co.Call) is part of the bound task");
            Assert.That(explicitFromUnbound.Real, Is.EqualTo(TimeSpan.FromSeconds(2)), "clock.Sleep waits in that clock from any task");
            Assert.That(explicitSpan.Real, Is.EqualTo(TimeSpan.FromSeconds(2)));
        });
        t.Tick();
        Assert.That(typed.Result, Is.EqualTo(7));
    }

    [Test]
    public void ClockSleep_InATaskBoundToAnotherClock_WaitsInTheNamedClock()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        var fast = new GameClock(t.Loop, "fast") { Scale = 4 };
        var probe = new WaitProbe();
        world.Start(WaitProbe.Record(t.Loop, fast, () => fast.Sleep(2), probe), "world task sleeping on the fast clock");
        t.Tick();
        AssertWakesExactlyAt(t, probe, Ticks(0.5), "2 s of the fast clock at 4x, whatever the task's own clock");
    }

    // ---- order ---------------------------------------------------------------------------------------------------

    [Test]
    public void EqualGameDeadlines_ResumeInSchedulingOrder_EvenAfterAScaleChange_R8()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.3 };
        var log = new List<string>();
        IEnumerator<IAwaitable> Sleeper(string name, int delayTicks, double seconds)
        {
            for (int i = 0; i < delayTicks; i++)
            {
                yield return Co.NextTick;
            }

            yield return Co.Sleep(seconds);
            log.Add(name);
        }

        // Started E..A, but the sleeps are scheduled in the order C, A, E (tick 1), then D, B (tick 2): C, A, E sleep
        // 1 s from local 0, D and B sleep 1 s minus what has passed by their tick, so all five share local deadline 1 s.
        world.Start(Sleeper("E", 1, 1), "E");
        world.Start(Sleeper("D", 2, 0.7), "D");
        world.Start(Sleeper("C", 0, 1), "C");
        world.Start(Sleeper("B", 2, 0.7), "B");
        world.Start(Sleeper("A", 1, 1), "A");
        t.Tick();                  // C sleeps
        t.Tick();                  // E, A sleep
        TickAt(t, Ticks(1));       // local 0.3: D, B sleep 0.7 -> local 1
        world.Scale = 1.0 / 7;     // a change re-anchors; the order must survive it
        TickAt(t, Ticks(100));
        Assert.That(log, Is.EqualTo(new[] { "C", "E", "A", "D", "B" }));
    }

    [Test]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded test driver.")]
    public void ManyRandomGameSleeps_WithRandomScaleChanges_ResumeInDeadlineOrder_NeverEarly_NeverLate_R7_R8_R13(
        [Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        var resumed = new List<(long Deadline, int Seq)>();
        var failures = new List<string>();
        int seq = 0;
        long lastTickLocal = -1;   // the clock's time at the previous tick: a sleep due then should have ended then

        IEnumerator<IAwaitable> Sleeper(int id, int delay, long[] sleeps)
        {
            for (int i = 0; i < delay; i++)
            {
                yield return Co.NextTick;
            }

            foreach (long d in sleeps)
            {
                long deadline = world.Now.Ticks + d;
                int mySeq = seq++;
                yield return Co.Sleep(TimeSpan.FromTicks(d));
                long now = world.Now.Ticks;
                if (now < deadline)
                {
                    failures.Add($"task {id} woke early: local {now} < deadline {deadline} (R7)");
                }

                if (lastTickLocal >= deadline)
                {
                    failures.Add($"task {id} woke late: the previous tick was already at local {lastTickLocal} >= {deadline} (R7)");
                }

                resumed.Add((deadline, mySeq));
            }
        }

        const int Tasks = 1000;
        var tasks = new List<LoopTask>();
        int expectedWakes = 0;
        for (int i = 0; i < Tasks; i++)
        {
            var sleeps = new long[random.Next(1, 4)];
            for (int k = 0; k < sleeps.Length; k++)
            {
                // Mostly random ticks up to 3 s, some on a coarse grid so that deadlines often coincide (R8).
                sleeps[k] = random.Next(4) == 0 ? random.Next(1, 7) * 5_000_000L : random.Next(1, 30_000_000);
            }

            expectedWakes += sleeps.Length;
            tasks.Add(world.Start(Sleeper(i, random.Next(0, 40), sleeps), $"sleeper {i}"));
        }

        double[] scales = { 0.1, 0.3, 1.0 / 3, 0.5, 1, 1.7, 2, 3, 0 };
        for (int frame = 0; frame < 100_000 && resumed.Count < expectedWakes; frame++)
        {
            t.Clock.Advance(TimeSpan.FromTicks(random.Next(0, 2_000_000)));
            switch (random.Next(8))
            {
                case 0:
                    world.Scale = scales[random.Next(scales.Length)];
                    break;
                case 1:
                    if (world.IsPaused)
                    {
                        world.Resume();
                    }
                    else if (random.Next(3) == 0)
                    {
                        world.Pause();
                    }

                    break;
                case 2:
                    if (world.EffectiveScale == 0)
                    {
                        world.Resume();
                        world.Scale = 1;
                    }

                    break;
            }

            if (random.Next(4) == 0)
            {
                t.Clock.Advance(TimeSpan.FromTicks(random.Next(0, 500_000)));   // a change between ticks, then more time
            }

            t.Loop.Tick();
            lastTickLocal = world.Now.Ticks;
        }

        Assert.That(failures, Is.Empty);
        Assert.That(resumed, Has.Count.EqualTo(expectedWakes), "every sleep ended");
        for (int i = 1; i < resumed.Count; i++)
        {
            (long d0, int s0) = resumed[i - 1];
            (long d1, int s1) = resumed[i];
            Assert.That(d1 > d0 || (d1 == d0 && s1 > s0), Is.True,
                $"resume {i}: (deadline {d1}, seq {s1}) after (deadline {d0}, seq {s0}): not in (deadline, scheduling) order (R8)");
        }

        Assert.That(tasks.TrueForAll(task => task.IsSucceeded), Is.True);
        Assert.That(world.PendingTimerCount, Is.Zero);
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
    }

    // ---- cancellation --------------------------------------------------------------------------------------------

    [Test]
    public void Cancel_ATaskSleepingOnAClock_RemovesItsTimerByTheEndOfTheNextTick_AndRunsItsFinally_R12_R30_R31()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        WaitProbe probe = StartGameSleep(world, 10, out LoopTask task);
        t.Tick();
        Assert.That(world.PendingTimerCount, Is.EqualTo(1));
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(1), "the loop counts the clock's timers");

        Assert.That(task.Cancel(), Is.True);
        t.Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(probe.FinallyRan, Is.True);
        Assert.That(world.PendingTimerCount, Is.Zero);
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);

        TickAt(t, Ticks(25));   // past the old deadline (real 20): nothing fires
        Assert.That(probe.Woke, Is.False);
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void Cancel_AThousandTasksSleepingOnAClock_LeavesNoTimerAfterTheNextTick_R12()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        var tasks = new List<LoopTask>();
        for (int i = 0; i < 1000; i++)
        {
            StartGameSleep(world, 1 + (i % 17), out LoopTask task);
            tasks.Add(task);
        }

        WaitProbe survivor = StartGameSleep(world, 3);
        t.Tick();
        Assert.That(world.PendingTimerCount, Is.EqualTo(1001));
        foreach (LoopTask task in tasks)
        {
            task.Cancel();
        }

        t.Tick();
        Assert.That(world.PendingTimerCount, Is.EqualTo(1));
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(1));
        AssertWakesExactlyAt(t, survivor, Ticks(6), "the one timer left still fires on time");
    }

    [Test]
    public void Cancel_WhileTheClockIsPaused_RunsTheFinallyAndLeavesNoTimer_R12_R30()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        WaitProbe probe = StartGameSleep(world, 2, out LoopTask task);
        t.Tick();
        TickAt(t, Ticks(1));
        world.Pause();
        TickAt(t, Ticks(5));
        Assert.That(task.Cancel(), Is.True);
        t.Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(probe.FinallyRan, Is.True);
        Assert.That(world.PendingTimerCount, Is.Zero);
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);

        world.Resume();
        TickAt(t, Ticks(10));
        Assert.That(probe.Woke, Is.False);
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void ScopePause_FreezesAClockSleep_AndResumeRestoresTheRemainingClockTime()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        var scope = new Scope(t.Loop, "enemies", world);
        var probe = new WaitProbe();
        scope.Start(WaitProbe.Record(t.Loop, world, () => Co.Sleep(4), probe), "enemy");
        t.Tick();
        TickAt(t, Ticks(2));   // local 1: 3 s of clock time left
        scope.Pause();
        Assert.That(world.PendingTimerCount, Is.Zero, "a frozen timer leaves the clock's wheel");
        TickAt(t, Ticks(10));  // the clock itself keeps running (local 5), past the old deadline (local 4, real 8)
        Assert.That(probe.Woke, Is.False, "a paused scope's sleep is frozen");
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(5)), "pausing a scope does not pause its clock");
        scope.Resume();        // real 10, local 5: 3 s of clock time left, at 0.5 = 6 s
        Assert.That(world.PendingTimerCount, Is.EqualTo(1));
        AssertWakesExactlyAt(t, probe, Ticks(16), "the remaining 3 s of clock time from the resume");
        Assert.That(probe.Local, Is.EqualTo(TimeSpan.FromSeconds(8)));
    }

    [Test]
    public void ScopePause_WithTheClockRescaledMeanwhile_ResumesTheRemainingClockTimeAtTheNewRate()
    {
        // Observed and promised (Scope remarks: "Resume starts it again with that remaining time"; GameClock remarks:
        // the rest of every pending wait runs at the current rate): the frozen remainder is kept in clock time, and it
        // runs at whatever rate the clock has after the resume.
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        var scope = new Scope(t.Loop, "enemies", world);
        var probe = new WaitProbe();
        scope.Start(WaitProbe.Record(t.Loop, world, () => Co.Sleep(4), probe), "enemy");
        t.Tick();
        TickAt(t, Ticks(2));   // local 1: 3 s left
        scope.Pause();
        world.Scale = 2;
        TickAt(t, Ticks(10));
        world.Pause();         // the clock is paused too when the scope resumes
        scope.Resume();
        TickAt(t, Ticks(30));
        Assert.That(probe.Woke, Is.False, "resuming the scope does not wake a sleep whose clock is paused");
        world.Resume();        // real 30: 3 s left at 2x = 1.5 s
        AssertWakesExactlyAt(t, probe, Ticks(31.5), "the frozen 3 s of clock time, at the clock's rate after both resumed");
    }

    // ---- bad input -----------------------------------------------------------------------------------------------

    [TestCase(double.NaN)]
    [TestCase(-0.5)]
    [TestCase(-1e-300)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void Scale_NaNNegativeOrInfinite_ThrowsAndLeavesTheScaleUnchanged(double value)
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        WaitProbe probe = StartGameSleep(world, 1);
        t.Tick();
        Assert.That(() => world.Scale = value, Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Message.StartsWith("The scale of clock 'world' must be a finite number, zero or more (0 stops the clock; use Pause to keep the scale).")
            .And.Property(nameof(ArgumentOutOfRangeException.ParamName)).EqualTo("value"));
        Assert.That(world.Scale, Is.EqualTo(0.5));
        Assert.That(world.EffectiveScale, Is.EqualTo(0.5));
        AssertWakesExactlyAt(t, probe, Ticks(2), "the pending wait keeps its rate");
    }

    [Test]
    public void Scale_SetFromAnotherThread_ThrowsInvalidOperationException_AndLeavesTheClockUnchanged_R50()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        Exception? setError = null;
        Exception? pauseError = null;
        Exception? resumeError = null;
        Exception? childError = null;
        var thread = new Thread(() =>
        {
            setError = Capture(() => world.Scale = 2);
            pauseError = Capture(world.Pause);
            resumeError = Capture(world.Resume);
            childError = Capture(() => world.CreateChild("from elsewhere"));
        });
        thread.Start();
        thread.Join();
        Assert.That(setError, Is.TypeOf<InvalidOperationException>());
        Assert.That(pauseError, Is.TypeOf<InvalidOperationException>());
        Assert.That(resumeError, Is.TypeOf<InvalidOperationException>());
        Assert.That(childError, Is.TypeOf<InvalidOperationException>());
        Assert.That(world.Scale, Is.EqualTo(0.5));
        Assert.That(world.IsPaused, Is.False);
        Assert.That(world.EffectiveScale, Is.EqualTo(0.5));
    }

    [Test]
    public void NewGameClock_FromAnotherThreadOrWithoutALoop_Throws()
    {
        var t = new TestLoop();
        Exception? error = null;
        var thread = new Thread(() => error = Capture(() => _ = new GameClock(t.Loop, "elsewhere")));
        thread.Start();
        thread.Join();
        Assert.That(error, Is.TypeOf<InvalidOperationException>());
        Assert.That(() => new GameClock(null!, "x"), Throws.TypeOf<ArgumentNullException>().With.Property("ParamName").EqualTo("loop"));
    }

    [Test]
    public void Scope_WithAClockOfAnotherLoop_ThrowsArgumentException()
    {
        var t = new TestLoop();
        var other = new EventLoop(new ManualClock(), "other-loop");
        var foreign = new GameClock(other, "foreign");
        Assert.That(() => new Scope(t.Loop, "enemies", foreign), Throws.ArgumentException
            .With.Message.StartsWith("Clock 'foreign' belongs to loop 'other-loop', not to 'test-loop'; a scope's clock must be of the scope's loop.")
            .And.Property(nameof(ArgumentException.ParamName)).EqualTo("clock"));
        other.Close();
    }

    [Test]
    public void ATaskSleepingOnAnotherLoopsClock_FaultsWithAMessageNamingTheClock_R61()
    {
        var t = new TestLoop();
        var other = new EventLoop(new ManualClock(), "other-loop");
        var foreign = new GameClock(other, "foreign");
        var probe = new WaitProbe();
        LoopTask task = t.Loop.Start(WaitProbe.Record(t.Loop, foreign, () => foreign.Sleep(1), probe), "wanderer");
        t.Tick();
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(task.Exception!.Message, Is.EqualTo(
            "Coroutine 'wanderer' slept on clock 'foreign' of another loop ('other-loop'). A task sleeps only on clocks of its own loop ('test-loop')."));
        Assert.That(probe.FinallyRan, Is.True, "the faulted task's finally ran (R21)");
        Assert.That(foreign.PendingTimerCount, Is.Zero, "nothing was put on the foreign clock");
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
        other.Close();
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void Sleep_NaNOrInfinite_Throws_R9(double seconds)
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world");
        Assert.That(() => world.Sleep(seconds), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("duration"));
        Assert.That(() => Co.SleepRealtime(seconds), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("duration"));
    }

    [Test]
    public void ToString_ShowsNameScalePauseAndTime()
    {
        var t = new TestLoop();
        var world = new GameClock(t.Loop, "world") { Scale = 0.5 };
        t.Clock.Advance(4);
        Assert.That(world.ToString(), Is.EqualTo("GameClock 'world' (scale 0.5, now 00:00:02)"));
        world.Pause();
        Assert.That(world.ToString(), Is.EqualTo("GameClock 'world' (scale 0.5, paused, now 00:00:02)"));
        Assert.That(world.Name, Is.EqualTo("world"));
        Assert.That(world.Loop, Is.SameAs(t.Loop));
    }

    private static Exception? Capture(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    [Test]
    public void ALateTick_RunsClockWaitsAndLoopTimers_InRealDeadlineOrder_R1()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock);
        var world = new GameClock(loop, "world") { Scale = 0.5 };
        var order = new List<string>();
        IEnumerator<IAwaitable> Sleeper(string name, double seconds)
        {
            yield return Co.Sleep(seconds);
            order.Add(name);
        }

        world.Start(Sleeper("world, real 1", 0.5));
        world.Start(Sleeper("world, real 4", 2));
        loop.Start(Sleeper("loop, real 3", 3));
        loop.CallLater(2, () => order.Add("callback, real 2"));
        loop.Tick();

        clock.Set(TimeSpan.FromSeconds(10));   // one late tick: everything is due
        loop.Tick();
        loop.Tick();   // the callback ran in the late tick; the tasks resume there too (they were queued by the timers)

        Assert.That(order, Is.EqualTo(new[] { "world, real 1", "callback, real 2", "loop, real 3", "world, real 4" }));
    }
}
