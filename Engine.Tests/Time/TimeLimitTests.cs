using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CsCheck;
using Moq;
using NUnit.Framework;
using YieldLoop.Internal;
using YieldLoop.Tests.Properties;

namespace YieldLoop.Tests.Time;

/// <summary>
/// Time at its limits (R10, with R7, R9, R11, R13; docs/design.md, "Time at its limits"): one end of time shared by the
/// loop, manual clocks and game clocks; clocks saturate there instead of wrapping; a deadline computed from a delay
/// saturates at the end of time and comes due once the clock reads it; an absolute time past the end (a grid point, a
/// <see cref="EventLoop.CallAt"/>, a game clock's wait that its line reaches only after the end of real time) is "never":
/// the wait stays pending and cancellable; and no deadline computation loops without bound, whatever the clock's scale.
/// </summary>
/// <remarks>Scenarios that could hang on a broken engine run on a thread of their own under a 30 s guard
/// (<see cref="WithinHangGuard"/>); the guard is only a guard: every scenario is driven by a manual clock and takes
/// milliseconds.</remarks>
[TestFixture]
public class TimeLimitTests
{
    // The documented end of time (ManualClock, GameClock, EventLoop.Time): 2^62 - 1 ticks of 100 ns, about 14,613 years.
    // The tests use the number the docs promise, not the engine's constant, so a change to either shows.
    private const long End = (1L << 62) - 1;
    private const long Second = TimeSpan.TicksPerSecond;
    private static readonly TimeSpan EndOfTime = TimeSpan.FromTicks(End);
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    /// <summary>The kinds of wait whose deadline is computed from a delay (a one-shot wait): they saturate.</summary>
    public enum DelayedWait
    {
        Sleep,
        SleepTimeSpan,
        SleepRealtime,
        CallLater,
        CallLaterTimeSpan,
        Timeout,
        WaitUntilWithTimeout,
    }

    /// <summary>What a waiting task saw.</summary>
    // ---- the end of time -----------------------------------------------------------------------------------------

    [Test]
    public void EndOfTime_Is2Pow62MinusOneTicks_AboutFourteenThousandSixHundredYears_SharedByTheEngine_R10()
    {
        Assert.That(TimeMath.EndOfTime, Is.EqualTo(End), "the engine's constant is the documented one");
        Assert.That(EventLoop.EndOfTime, Is.EqualTo(EndOfTime), "and the public one says the same");
        Assert.That(new ManualClock(TimeSpan.MaxValue).Now, Is.EqualTo(EndOfTime), "a manual clock starts no later than the end of time");
        Assert.That(EndOfTime.TotalDays / 365.25, Is.EqualTo(14_613).Within(1), "the docs say 'about 14,600 years'");
    }

    [Test]
    public void TimerWheel_HoldsDeadlinesUpToTheEndOfTime_AndNeverReachesTheNeverSlot_R7_R10()
    {
        // The end of time is the last tick of the top level's first slot: every time a clock can read and every deadline
        // up to it share that slot, so no deadline is ever a full rotation away; "never" sits alone in the next slot.
        var sink = new EventLoop(new ManualClock(), "sink");
        var wheel = new TimerWheel();
        var fired = new List<int>();
        long[] deadlines = { End - Second, End - 1, End, TimeMath.Never };
        for (int i = 0; i < deadlines.Length; i++)
        {
            int id = i;
            wheel.Insert(new CallbackHandle(sink, () => fired.Add(id)), deadlines[i]);
        }

        List<int> AdvanceTo(long now)
        {
            fired.Clear();
            wheel.Advance(now, sink);
            sink.Tick();
            return new List<int>(fired);
        }

        Assert.That(AdvanceTo(1L << 40), Is.Empty);
        Assert.That(wheel.NextWakeTime(), Is.EqualTo(End - Second));
        Assert.That(AdvanceTo(End - Second - 1), Is.Empty, "R7: nothing before its deadline");
        Assert.That(AdvanceTo(End - Second), Is.EqualTo(new[] { 0 }));
        Assert.That(AdvanceTo(End - 2), Is.Empty);
        Assert.That(AdvanceTo(End), Is.EqualTo(new[] { 1, 2 }), "both remaining finite deadlines are due at the end of time");
        Assert.That(AdvanceTo(End), Is.Empty, "the 'never' node stays where it is");
        Assert.That(wheel.Count, Is.EqualTo(1));
        Assert.That(wheel.NextWakeTime(), Is.GreaterThan(End), "the loop reads a wake-up past the end of time as 'none'");
    }

    // ---- ManualClock: saturate, never wrap -----------------------------------------------------------------------

    [Test]
    public void ManualClock_AdvancedByTimeSpanMaxValueThenOneSecond_SaturatesAtTheEndOfTimeInsteadOfWrapping_R10()
    {
        var clock = new ManualClock();
        clock.Advance(TimeSpan.MaxValue);
        Assert.That(clock.Now, Is.EqualTo(EndOfTime));
        clock.Advance(OneSecond);
        Assert.That(clock.Now, Is.EqualTo(EndOfTime), "a step from the end of time stays there; it never wraps to a negative time");
    }

    [Test]
    public void ManualClock_AdvancedByDoubleMaxValueFortyTimes_SaturatesAtTheEndOfTimeInsteadOfWrapping_R10()
    {
        var clock = new ManualClock();
        TimeSpan previous = clock.Now;
        for (int i = 0; i < 40; i++)
        {
            clock.Advance(double.MaxValue);
            Assert.That(clock.Now, Is.GreaterThanOrEqualTo(previous), $"time went backwards at step {i}");
            Assert.That(clock.Now, Is.LessThanOrEqualTo(EndOfTime), $"time passed the end at step {i}");
            previous = clock.Now;
        }

        Assert.That(clock.Now, Is.EqualTo(EndOfTime));
    }

    [Test]
    public void ManualClock_AdvancedByATimeSpanAtOrJustBeforeTheEndOfTime_StopsAtTheEndWithoutThrowing_R10(
        [Values(0L, 1L, Second)] long startBeforeEnd,
        [Values(1L, 2L, Second, long.MaxValue)] long step)
    {
        var clock = new ManualClock(TimeSpan.FromTicks(End - startBeforeEnd));
        clock.Advance(TimeSpan.FromTicks(step));
        Assert.That(clock.Now.Ticks, Is.EqualTo(step >= startBeforeEnd ? End : End - startBeforeEnd + step));
        clock.Advance(TimeSpan.MaxValue);
        Assert.That(clock.Now, Is.EqualTo(EndOfTime));
    }

    [Test]
    public void ManualClock_AdvancedBySecondsAtTheEndOfTime_StaysAtTheEndWithoutThrowing_R10(
        [Values(0.0, 1e-7, 1.0, 1e300, double.MaxValue)] double seconds)
    {
        var clock = new ManualClock(EndOfTime - OneSecond);
        clock.Advance(1.0);
        Assert.That(clock.Now, Is.EqualTo(EndOfTime));
        clock.Advance(seconds);
        Assert.That(clock.Now, Is.EqualTo(EndOfTime));
    }

    [Test]
    public void ManualClock_AtTheEndOfTime_StillRejectsABackwardsOrNotFiniteStep_R10(
        [Values(-1.0, -1e-7, double.NaN, double.PositiveInfinity, double.NegativeInfinity)] double seconds)
    {
        var clock = new ManualClock(EndOfTime);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(seconds));
        Assert.That(ex!.Message, Does.Contain("Time never moves backwards"));
        Assert.That(clock.Now, Is.EqualTo(EndOfTime));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
        Assert.That(clock.Now, Is.EqualTo(EndOfTime));
    }

    [Test]
    public void ManualClock_SetPastTheEndOfTime_SetsTheEnd_R10([Values(End + 1, long.MaxValue)] long ticks)
    {
        var clock = new ManualClock();
        clock.Set(TimeSpan.FromTicks(ticks));
        Assert.That(clock.Now, Is.EqualTo(EndOfTime));
        clock.Set(TimeSpan.MaxValue);
        Assert.That(clock.Now, Is.EqualTo(EndOfTime), "a later time is not a backwards move, even from the end");
    }

    [Test]
    public void ManualClock_SetBackwardsFromTheEndOfTime_ThrowsAndLeavesTheClockAtTheEnd_R10()
    {
        var clock = new ManualClock();
        clock.Set(TimeSpan.MaxValue);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => clock.Set(EndOfTime - OneTick));
        Assert.That(ex!.ParamName, Is.EqualTo("now"));
        Assert.That(ex.Message, Does.Contain("Time never moves backwards"));
        Assert.That(clock.Now, Is.EqualTo(EndOfTime));
    }

    [Test]
    public void ManualClock_StartedPastTheEndOfTime_StartsAtTheEnd_AndBeforeZeroStillThrows_R10()
    {
        Assert.That(new ManualClock(EndOfTime + OneTick).Now, Is.EqualTo(EndOfTime));
        Assert.That(new ManualClock(EndOfTime).Now, Is.EqualTo(EndOfTime));
        Assert.That(new ManualClock(EndOfTime - OneTick).Now, Is.EqualTo(EndOfTime - OneTick));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ManualClock(TimeSpan.FromTicks(-1)));
    }

    [Test]
    public void ManualClock_AdvancedFromSeveralThreadsAcrossTheEndOfTime_SaturatesAndNeverGoesBackwards_R10()
    {
        var clock = new ManualClock(EndOfTime - TimeSpan.FromSeconds(1000));
        const int Threads = 4;
        const int Steps = 2000;   // 4 x 2000 x 0.5 s = 4000 s: far across the end
        int violations = 0;
        using var start = new Barrier(Threads);
        var threads = new List<Thread>();
        for (int n = 0; n < Threads; n++)
        {
            int id = n;
            threads.Add(new Thread(() =>
            {
                start.SignalAndWait();
                TimeSpan seen = clock.Now;
                for (int i = 0; i < Steps; i++)
                {
                    if (id % 2 == 0)
                    {
                        clock.Advance(TimeSpan.FromSeconds(0.5));
                    }
                    else
                    {
                        clock.Advance(0.5);
                    }

                    TimeSpan now = clock.Now;
                    if (now < seen || now > EndOfTime)
                    {
                        Interlocked.Increment(ref violations);
                    }

                    seen = now;
                }
            }));
        }

        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.That(violations, Is.Zero, "every thread saw time move forward and stay at or before the end");
        Assert.That(clock.Now, Is.EqualTo(EndOfTime));
    }

    // ---- the loop's time -----------------------------------------------------------------------------------------

    [Test]
    public void EventLoop_OnAClockThatReadsPastTheEndOfTime_ReadsTheEndOfTime_AndItsSleepsComeDue_R10()
    {
        var clock = new Mock<IClock>();
        clock.Setup(c => c.Now).Returns(TimeSpan.MaxValue);
        var loop = new EventLoop(clock.Object);
        Assert.That(loop.Time, Is.EqualTo(EndOfTime));
        var probe = new WaitProbe();
        loop.Start(WaitProbe.Record(loop, null, () => Co.Sleep(10.0), probe));
        loop.Tick();
        Assert.That(loop.Time, Is.EqualTo(EndOfTime));
        loop.Tick();
        Assert.That(probe.Real, Is.EqualTo(EndOfTime), "a 10 s sleep begun at the end of time is due at once (next tick)");
    }

    [Test]
    public void A10sWaitOneSecondBeforeTheEndOfTime_SaturatesAndComesDueInTheFirstTickThatReadsTheEnd_R7_R10([Values] DelayedWait kind)
    {
        var t = new TestLoop();
        t.Clock.Set(EndOfTime - OneSecond);
        Func<bool> due = StartTenSecondWait(t, kind);
        t.Tick();   // the tasks' first steps: every wait begins at End - 1 s
        t.Clock.Advance(OneSecond - OneTick);
        t.Tick(2);
        Assert.That(due(), Is.False, "nothing comes due before the clock reads the end of time (R7)");
        t.Clock.Advance(OneTick);
        t.Tick();
        Assert.That(t.Loop.Time, Is.EqualTo(EndOfTime));
        Assert.That(due(), Is.True, "a deadline computed from a finite delay saturates at the end of time, and is due once the clock reads it");
    }

    [Test]
    public void A10sWaitBegunAtTheEndOfTime_ComesDueInTheNextTick_R9_R10([Values] DelayedWait kind)
    {
        var t = new TestLoop();
        t.Clock.Set(EndOfTime);
        Func<bool> due = StartTenSecondWait(t, kind);
        t.Tick(2);
        Assert.That(due(), Is.True, "at the end of time the saturated deadline is now: next tick, as a zero delay (R9)");
        Assert.That(t.Loop.Time, Is.EqualTo(EndOfTime));
    }

    [Test]
    public void SleepsInALoopAtTheEndOfTime_EachComeDueInTheNextTick_AndTheLoopKeepsRunning_R10()
    {
        var t = new TestLoop();
        t.Clock.Set(EndOfTime);
        int rounds = 0;
        IEnumerator<IAwaitable> Body()
        {
            while (true)
            {
                yield return Co.Sleep(TimeSpan.MaxValue);
                rounds++;
            }
        }

        t.Loop.Start(Body());
        t.Tick(11);
        Assert.That(rounds, Is.EqualTo(10));
    }

    [Test]
    public void CallAt_AfterTheEndOfTime_NeverRunsButStaysPendingAndCancellable_R10()
    {
        var t = new TestLoop();
        bool ranLate = false;
        bool ranAtEnd = false;
        CallbackHandle late = t.Loop.CallAt(EndOfTime + OneTick, () => ranLate = true);
        CallbackHandle max = t.Loop.CallAt(TimeSpan.MaxValue, () => ranLate = true);
        t.Loop.CallAt(EndOfTime, () => ranAtEnd = true);
        t.Clock.Advance(TimeSpan.MaxValue);
        t.Tick(3);
        Assert.That(ranAtEnd, Is.True, "a time at the end of time is reached");
        Assert.That(ranLate, Is.False, "a time after the end of time is never reached");
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(2));
        Assert.That(t.Loop.NextWakeTime, Is.Null, "nothing will ever come due: a host may sleep until woken");
        Assert.That(late.Cancel(), Is.True);
        Assert.That(max.Cancel(), Is.True);
        t.Tick();
        Assert.That(late.IsCancelled && max.IsCancelled, Is.True);
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
    }

    [Test]
    public void RunUntilIdle_WithAutoJump_JumpsToTheEndOfTimeForASaturatedSleep_AndReturnsWithANeverWaitPending_R10()
    {
        WithinHangGuard("RunUntilIdle with a saturated sleep and a 'never' wait", () =>
        {
            var clock = new ManualClock { AutoJump = true };
            var loop = new EventLoop(clock);
            var probe = new WaitProbe();
            loop.Start(WaitProbe.Record(loop, null, () => Co.Sleep(TimeSpan.MaxValue), probe));
            bool never = false;
            loop.CallAt(TimeSpan.MaxValue, () => never = true);
            loop.RunUntilIdle();
            Assert.That(probe.Real, Is.EqualTo(EndOfTime), "the saturated sleep is due at the end of time, and the jump lands there exactly");
            Assert.That(never, Is.False);
            Assert.That(clock.Now, Is.EqualTo(EndOfTime), "the jump never passes the end of time");
            Assert.That(loop.PendingTimerCount, Is.EqualTo(1), "the 'never' wait does not keep an idle run going, and is still there");
        });
    }

    // ---- periodic waits: grid points past the end are never --------------------------------------------------------

    [Test]
    public void CoEvery_NearTheEndOfTime_KeepsItsGridAndNeverFiresForAGridPointPastTheEnd_R11_R10([Values] bool periodInSeconds)
    {
        var t = new TestLoop();
        t.Clock.Set(EndOfTime - TimeSpan.FromSeconds(2.5));
        var fired = new List<TimeSpan>();
        var probe = new WaitProbe();
        LoopTask task = t.Loop.Start(Periodic(t.Loop, null, () => periodInSeconds ? Co.Every(1.0) : Co.Every(OneSecond), fired, probe));
        t.Tick();   // the first yield fixes t0 = End - 2.5 s
        t.Clock.Advance(1.0);
        t.Tick();
        t.Clock.Advance(1.0);
        t.Tick();
        t.Clock.Advance(TimeSpan.MaxValue);
        t.Tick(3);
        Assert.That(fired, Is.EqualTo(new[] { EndOfTime - TimeSpan.FromSeconds(1.5), EndOfTime - TimeSpan.FromSeconds(0.5) }));
        Assert.That(t.Clock.Now, Is.EqualTo(EndOfTime));
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(1), "the wait for End + 0.5 s is pending: never due");
        Assert.That(t.Loop.NextWakeTime, Is.Null);
        AssertCancelsCleanly(t.Loop, task, probe);
    }

    [Test]
    public void CoEvery_WithAPeriodPastTheEndOfTime_NeverFires_ButStaysCancellable_R11_R10([Values] bool periodInSeconds)
    {
        WithinHangGuard("an interval whose period is past the end of time", () =>
        {
            var t = new TestLoop();
            var fired = new List<TimeSpan>();
            var probe = new WaitProbe();
            LoopTask task = t.Loop.Start(Periodic(t.Loop, null, () => periodInSeconds ? Co.Every(1e300) : Co.Every(TimeSpan.MaxValue), fired, probe));
            t.Tick();
            t.Clock.Advance(TimeSpan.FromDays(365.25 * 1000));
            t.Tick();
            t.Clock.Advance(TimeSpan.MaxValue);
            t.Tick(3);
            Assert.That(fired, Is.Empty, "t0 + period lies past the end of time: never");
            AssertCancelsCleanly(t.Loop, task, probe);
        });
    }

    [Test]
    public void CoEvery_WithAPeriodOfTenThousandYears_FiresAtTenThousandYearsAndThenNever_R11_R10()
    {
        WithinHangGuard("an interval of 10,000 years", () =>
        {
            var t = new TestLoop();
            var period = TimeSpan.FromDays(3_652_500);
            var fired = new List<TimeSpan>();
            var probe = new WaitProbe();
            LoopTask task = t.Loop.Start(Periodic(t.Loop, null, () => Co.Every(period), fired, probe));
            t.Tick();
            t.Clock.Advance(period - OneTick);
            t.Tick();
            Assert.That(fired, Is.Empty, "R7");
            t.Clock.Advance(OneTick);
            t.Tick();
            Assert.That(fired, Is.EqualTo(new[] { period }), "the grid is exact: no period saturates below the end of time");
            t.Clock.Advance(TimeSpan.MaxValue);
            t.Tick(3);
            Assert.That(fired, Has.Count.EqualTo(1), "20,000 years lies past the end of time");
            AssertCancelsCleanly(t.Loop, task, probe);
        });
    }

    [Test]
    public void CoEvery_WithAFractionalPeriodAfterAVeryLongStretch_FindsItsNextGridPointInBoundedTime_R11_R10()
    {
        WithinHangGuard("an interval of 0.15 us after 2^58 ticks", () =>
        {
            var t = new TestLoop();
            Interval every = Co.Every(1.5e-7);   // 1.5 ticks: not a whole number of ticks, so the grid is computed in seconds
            var resumedAt = new List<TimeSpan>();
            var skipped = new List<long>();
            IEnumerator<IAwaitable> Body()
            {
                while (true)
                {
                    yield return every;
                    resumedAt.Add(t.Loop.Time);
                    skipped.Add(every.Skipped);
                }
            }

            t.Loop.Start(Body());
            t.Tick();
            t.Clock.Advance(TimeSpan.FromTicks(1L << 58));
            t.Tick();
            Assert.That(resumedAt, Has.Count.EqualTo(1), "a late tick resumes once (R11)");
            double passed = (1L << 58) / 1.5;
            Assert.That((double)skipped[0], Is.EqualTo(passed - 1).Within(passed * 1e-12), "and skips the grid points it missed");
            t.Clock.Advance(TimeSpan.FromMilliseconds(1));
            t.Tick();
            Assert.That(resumedAt, Has.Count.EqualTo(2), "the next grid point lies within a millisecond");
        });
    }

    [Test]
    public void Scope_PausedAndResumedAroundAWaitThatIsNever_KeepsItNever_R10([Values] bool onAGameClock)
    {
        WithinHangGuard("pausing and resuming a scope around a 'never' wait", () =>
        {
            var t = new TestLoop();
            GameClock? clock = null;
            if (onAGameClock)
            {
                clock = new GameClock(t.Loop, "fast") { Scale = 1e12 };   // its time reaches the end within a real second
            }
            else
            {
                t.Clock.Set(EndOfTime - TimeSpan.FromSeconds(1.5));
            }

            var scope = new Scope(t.Loop, "world", clock);
            var fired = new List<TimeSpan>();
            var probe = new WaitProbe();
            LoopTask task = scope.Start(Periodic(t.Loop, clock, () => Co.Every(1.0), fired, probe));
            t.Tick();   // t0: loop End - 1.5 s, or the game clock's 0
            t.Clock.Advance(1.0);
            t.Tick();   // loop End - 0.5 s (one grid point); or the clock reaches its end of time
            Assert.That(fired, Has.Count.EqualTo(1));
            scope.Pause();
            t.Clock.Advance(0.25);
            t.Tick();
            scope.Resume();
            t.Clock.Advance(TimeSpan.MaxValue);
            t.Tick(3);
            Assert.That(fired, Has.Count.EqualTo(1), "the next grid point lies past the end of time: pausing and resuming keeps it 'never'");
            AssertCancelsCleanly(t.Loop, task, probe);
        });
    }

    // ---- game clocks ---------------------------------------------------------------------------------------------

    [Test]
    public void GameClock_AtScale1e12_OnItsFirstOneSecondFrame_TickEnds_AndItsSleepComesDueAtTheEndOfItsTime_R10()
    {
        WithinHangGuard("the first 1 s frame of a clock at scale 1e12", () =>
        {
            var clock = new ManualClock();
            var loop = new EventLoop(clock);
            var g = new GameClock(loop, "fast") { Scale = 1e12 };
            var probe = new WaitProbe();
            g.Start(WaitProbe.Record(loop, g, () => Co.Sleep(5), probe));
            clock.Advance(1);
            loop.Tick();   // the first step, at real 1 s: the clock's time is at its end, so the 5 s sleep saturates there
            Assert.That(g.Now, Is.EqualTo(EndOfTime), "a game clock's time saturates at the same end of time");
            loop.Tick();
            Assert.That(probe.Local, Is.EqualTo(EndOfTime), "due at the end of time, which the clock reads: next tick");
            Assert.That(probe.Real, Is.EqualTo(OneSecond));
        });
    }

    [Test]
    public void GameClock_AtScale1e12_ASleepBegunAtZeroStillWakesExactlyOnTime_R7_R13()
    {
        var t = new TestLoop();
        var g = new GameClock(t.Loop, "fast") { Scale = 1e12 };
        var probe = new WaitProbe();
        g.Start(WaitProbe.Record(t.Loop, g, () => Co.Sleep(5), probe));
        t.Tick();   // the sleep begins at local 0: due at local 5 s, real 5e7 / 1e12 ticks, so the first real tick
        t.Clock.Advance(TimeSpan.FromTicks(1));
        t.Tick();
        Assert.That(probe.Real, Is.EqualTo(OneTick));
        Assert.That(probe.Local, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public void GameClock_WhoseSleepIsReachedOnlyAfterTheEndOfRealTime_NeverWakes_ButStaysCancellable_R10(
        [Values(0.0, 1e-12, 0.5, 1.0)] double scale,
        [Values] bool paused)
    {
        var t = new TestLoop();
        t.Clock.Set(EndOfTime - OneSecond);
        var g = new GameClock(t.Loop, "world") { Scale = scale };
        if (paused)
        {
            g.Pause();
        }

        var probe = new WaitProbe();
        LoopTask task = g.Start(WaitProbe.Record(t.Loop, g, () => Co.Sleep(10), probe));
        t.Tick();
        Assert.That(t.Loop.NextWakeTime, Is.Null, "the clock reaches 10 s only after the end of real time (or never): nothing to wake for");
        t.Clock.Advance(TimeSpan.MaxValue);
        t.Tick(3);
        Assert.That(probe.Woke, Is.False);
        Assert.That(g.Now, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(g.PendingTimerCount, Is.EqualTo(1));
        AssertCancelsCleanly(t.Loop, task, probe);
        Assert.That(g.PendingTimerCount, Is.Zero);
    }

    [Test]
    public void GameClock_AtScale1eMinus17_ASleepOfOneTick_ComputesItsRealDeadlineInBoundedTime_R7_R10()
    {
        WithinHangGuard("a one-tick sleep at scale 1e-17", () =>
        {
            var t = new TestLoop();
            var g = new GameClock(t.Loop, "slow") { Scale = 1e-17 };
            var probe = new WaitProbe();
            g.Start(WaitProbe.Record(t.Loop, g, () => Co.Sleep(OneTick), probe));
            t.Tick();
            TimeSpan? due = t.Loop.NextWakeTime;
            Assert.That(due, Is.Not.Null, "one local tick is reached within the end of real time");
            t.Clock.Set(due!.Value - OneTick);
            t.Tick();
            Assert.That(probe.Woke, Is.False, "R7: one real tick before the clock reaches the deadline");
            Assert.That(g.Now, Is.LessThan(OneTick));
            t.Clock.Set(due.Value);
            t.Tick();
            Assert.That(probe.Local, Is.EqualTo(OneTick), "the first real tick at which the clock reads the deadline");
        });
    }

    [Test]
    public void GameClock_AtScale1e12_AnIntervalReachesTheEndOfItsTime_ThenNeverFiresAgain_R11_R10()
    {
        WithinHangGuard("an interval on a clock at scale 1e12", () =>
        {
            var t = new TestLoop();
            var g = new GameClock(t.Loop, "fast") { Scale = 1e12 };
            var fired = new List<TimeSpan>();
            var probe = new WaitProbe();
            LoopTask task = g.Start(Periodic(t.Loop, g, () => Co.Every(1.0), fired, probe));
            t.Tick();
            t.Clock.Advance(1.0);
            t.Tick();
            Assert.That(fired, Has.Count.EqualTo(1), "a late tick resumes once");
            Assert.That(probe.Local, Is.EqualTo(EndOfTime));
            t.Clock.Advance(TimeSpan.MaxValue);
            t.Tick(3);
            Assert.That(fired, Has.Count.EqualTo(1), "the next grid point lies past the end of the clock's time");
            AssertCancelsCleanly(t.Loop, task, probe);
        });
    }

    [Test]
    public void GameClock_AtTheEndOfItsTime_ScaleChangesPauseAndResume_KeepItThere_R10_R13()
    {
        var t = new TestLoop();
        var g = new GameClock(t.Loop, "fast") { Scale = 1e12 };
        GameClock child = g.CreateChild("faster");
        child.Scale = 1e12;
        t.Clock.Advance(1.0);
        t.Tick();
        Assert.That(g.Now, Is.EqualTo(EndOfTime));
        Assert.That(child.Now, Is.EqualTo(EndOfTime));
        g.Scale = 0.5;
        g.Pause();
        t.Clock.Advance(1.0);
        g.Resume();
        g.Scale = 1e300;
        t.Clock.Advance(TimeSpan.MaxValue);
        t.Tick();
        Assert.That(g.Now, Is.EqualTo(EndOfTime));
        Assert.That(child.Now, Is.EqualTo(EndOfTime));
    }

    /// <summary>The matrix of the issue: scales 0, 1e-12, 1 and 1e12, loop start points 0, mid and End - 1 s, waits up to
    /// TimeSpan.MaxValue and double.MaxValue, frames up to TimeSpan.MaxValue.</summary>
    [Test]
    public void GameClock_AtExtremeScalesStartsAndDurations_TicksEnd_NoWaitWakesEarly_AndTimeNeverDecreases_R7_R10(
        [Values(0.0, 1e-12, 1.0, 1e12)] double scale,
        [Values(0L, End / 2, End - Second)] long start,
        [Values(1L, 10 * Second, long.MaxValue, -1L)] long duration)
    {
        // duration -1 stands for double.MaxValue seconds.
        var scenario = new Scenario(start, scale, duration < 0 ? new Duration(double.MaxValue) : new Duration(duration), PeriodTicks: Second, new[]
        {
            new Frame(new Duration(Second), null, false),
            new Frame(new Duration(TimeSpan.TicksPerDay), null, false),
            new Frame(new Duration(long.MaxValue), null, false),
            new Frame(new Duration(0L), null, false),
        });
        WithinHangGuard(scenario.ToString(), () => RunScenario(scenario, Assert.Fail));
    }

    // ---- the property --------------------------------------------------------------------------------------------

    /// <summary>A duration: ticks, or seconds (a double, rounded to 100 ns by the engine).</summary>
    private readonly record struct Duration(long Ticks, double? Seconds = null)
    {
        public Duration(double seconds)
            : this(0, seconds)
        {
        }

        /// <summary>The delay the engine keeps: rounded to 100 ns, saturated at the end of time.</summary>
        public long Saturated
        {
            get
            {
                if (Seconds is double s)
                {
                    double ticks = Math.Round(s * TimeSpan.TicksPerSecond);
                    return ticks >= End ? End : (long)ticks;
                }

                return Math.Min(Ticks, End);
            }
        }

        public IAwaitable Sleep() => Seconds is double s ? Co.Sleep(s) : Co.Sleep(TimeSpan.FromTicks(Ticks));

        public void Advance(ManualClock clock)
        {
            if (Seconds is double s)
            {
                clock.Advance(s);
            }
            else
            {
                clock.Advance(TimeSpan.FromTicks(Ticks));
            }
        }

        public override string ToString() => Seconds is double s
            ? s.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + " s"
            : Ticks == long.MaxValue ? "TimeSpan.MaxValue" : Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ticks";
    }

    /// <summary>One frame: advance the loop's clock, maybe change the game clock's scale or pause it, then tick.</summary>
    private sealed record Frame(Duration Advance, double? NewScale, bool TogglePause)
    {
        public override string ToString() =>
            $"advance {Advance}{(NewScale is double s ? ", scale " + s.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}{(TogglePause ? ", pause/resume" : string.Empty)}";
    }

    private sealed record Scenario(long Start, double Scale, Duration Sleep, long PeriodTicks, Frame[] Frames)
    {
        public override string ToString() =>
            $"loop starts at {Start} ticks, clock scale {Scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, sleep {Sleep}, "
            + $"interval {PeriodTicks} ticks, frames:{PropertyRunner.Lines(Frames)}";
    }

    private static readonly Gen<double> Scales = Gen.OneOf(
        Gen.Const(0.0),
        Gen.Const(1e-12),
        Gen.Double[-18, -1].Select(e => Math.Pow(10, e)),
        Gen.Const(1.0),
        Gen.Double[0.1, 10],
        Gen.Const(1e12),
        Gen.Double[1, 18].Select(e => Math.Pow(10, e)));

    private static readonly Gen<long> Starts = Gen.OneOf(
        Gen.Const(0L),
        Gen.Long[0, End],
        Gen.Const(End - Second),
        Gen.Long[End - (1000 * Second), End],
        Gen.Const(End));

    private static readonly Gen<Duration> Durations = Gen.OneOf(
        Gen.Long[0, 100 * Second].Select(t => new Duration(t)),
        Gen.Long[0, long.MaxValue].Select(t => new Duration(t)),
        Gen.Const(new Duration(long.MaxValue)),
        Gen.Double[0, 1e6].Select(s => new Duration(s)),
        Gen.Const(new Duration(1e300)),
        Gen.Const(new Duration(double.MaxValue)));

    private static readonly Gen<Frame> Frames =
        from advance in Durations
        from rescale in Gen.Frequency((3, Gen.Const(false)), (1, Gen.Const(true)))
        from scale in Scales
        from toggle in Gen.Frequency((5, Gen.Const(false)), (1, Gen.Const(true)))
        select new Frame(advance, rescale ? scale : null, toggle);

    private static readonly Gen<Scenario> Scenarios =
        from start in Starts
        from scale in Scales
        from sleep in Durations.Where(s => s.Saturated > 0)
        from period in Gen.OneOf(Gen.Long[1, 100 * Second], Gen.Long[1, long.MaxValue], Gen.Const(long.MaxValue))
        from frames in Frames.Array[1, 8]
        select new Scenario(start, scale, sleep, period, frames);

    [Test]
    public void Property_AtAnyStartScaleAndDuration_EveryTickEnds_NoWaitWakesBeforeItsDeadline_AndTimeNeverDecreases_R7_R10_R11_R13() =>
        RunProperty(iterations: 2000, seed: 10_0001UL);

    [Test]
    [Category("Stress")]
    public void Property_AtAnyStartScaleAndDuration_ManyMoreSamples_R7_R10_R11_R13() =>
        RunProperty(iterations: 30_000, seed: 10_0002UL);

    // Each sample runs under the hang guard; shrinking is kept short, since a sample that hangs costs the guard's 30 s.
    private static void RunProperty(int iterations, ulong seed) =>
        PropertyRunner.Run(
            Scenarios,
            sc => WithinHangGuard(sc.ToString(), () => RunScenario(sc, message => throw new PropertyFailedException(message))),
            iterations,
            seed,
            print: sc => sc.ToString(),
            shrinkIterations: 200);

    /// <summary>
    /// Runs a scenario: a loop at <see cref="Scenario.Start"/>, a game clock at <see cref="Scenario.Scale"/>, and three
    /// tasks begun in the first tick: a sleep in loop time, the same sleep in the clock's time, and an interval in the
    /// clock's time. After every tick: time has not decreased nor passed the end; each sleep has woken exactly when its
    /// time is at or past its (saturated) deadline, in a tick after the one it began in (R7: never before, and in the
    /// first tick at or past it; R9: a deadline already reached, as at the end of time, is the next tick); the interval
    /// has resumed exactly when its clock reached the next grid point t0 + k * p, and never for one past the end (R11).
    /// At the end, what still waits is cancelled and ends cancelled with its finally run.
    /// </summary>
    private static void RunScenario(Scenario sc, Action<string> fail)
    {
        var clock = new ManualClock(TimeSpan.FromTicks(sc.Start));
        var loop = new EventLoop(clock, "limits");
        var unhandled = new List<Exception>();
        loop.UnhandledExceptionHandler = unhandled.Add;
        var g = new GameClock(loop, "world") { Scale = sc.Scale };
        var realSleep = new WaitProbe();
        var localSleep = new WaitProbe();
        var every = new WaitProbe();
        var grid = new List<(long YieldedAt, long ResumedAt)>();
        long yieldedAt = -1;
        IEnumerator<IAwaitable> IntervalBody()
        {
            Interval interval = Co.Every(TimeSpan.FromTicks(sc.PeriodTicks));
            try
            {
                while (true)
                {
                    yieldedAt = g.Now.Ticks;
                    yield return interval;
                    grid.Add((yieldedAt, g.Now.Ticks));
                }
            }
            finally
            {
                every.FinallyRan = true;
            }
        }

        var tasks = new[]
        {
            loop.Start(WaitProbe.Record(loop, null, sc.Sleep.Sleep, realSleep), "real sleep"),
            g.Start(WaitProbe.Record(loop, g, sc.Sleep.Sleep, localSleep), "clock sleep"),
            g.Start(IntervalBody(), "interval"),
        };
        var probes = new[] { realSleep, localSleep, every };

        loop.Tick();   // every wait begins here
        long real0 = loop.Time.Ticks;
        long local0 = g.Now.Ticks;
        long delay = sc.Sleep.Saturated;
        long realDeadline = delay >= End - real0 ? End : real0 + delay;
        long localDeadline = delay >= End - local0 ? End : local0 + delay;
        long period = sc.PeriodTicks;   // a grid's period is exact: it never saturates
        long origin = local0;
        long waitedFor = 0;   // the grid index the interval waits for
        int resumes = 0;
        long lastReal = real0;
        long lastLocal = local0;
        long lastClock = clock.Now.Ticks;

        long PassedAt(long local) => (local - origin) / period;
        long NextIndex(long local) => Math.Max(waitedFor + 1, PassedAt(local) + 1);
        bool IsPastTheEnd(long k) => k > (End - origin) / period;
        waitedFor = NextIndex(local0);

        // A wait begun in a tick comes due in a later tick at the earliest (R1, R9): even a deadline already reached, as
        // at the end of time, where every saturated deadline is "now".
        bool begunThisTick = true;
        void Check(string when)
        {
            long real = loop.Time.Ticks;
            long local = g.Now.Ticks;
            long now = clock.Now.Ticks;
            if (real < lastReal || local < lastLocal || now < lastClock)
            {
                fail($"{when}: time went backwards (loop {lastReal} -> {real}, clock {lastLocal} -> {local}, manual {lastClock} -> {now}) (R10)");
            }

            if (real > End || local > End || now > End)
            {
                fail($"{when}: time passed the end of time (loop {real}, clock {local}, manual {now}) (R10)");
            }

            lastReal = real;
            lastLocal = local;
            lastClock = now;
            if (realSleep.Woke != (!begunThisTick && real >= realDeadline))
            {
                fail($"{when}: the loop-time sleep {(realSleep.Woke ? "woke" : "still sleeps")} at {real}; its deadline is {realDeadline} (R7)");
            }

            if (localSleep.Woke != (!begunThisTick && local >= localDeadline))
            {
                fail($"{when}: the clock-time sleep {(localSleep.Woke ? "woke" : "still sleeps")} at clock time {local}; its deadline is {localDeadline} (R7)");
            }

            // The interval resumes at most once per tick; when it did, the grid point it waited for must have come.
            bool due = !IsPastTheEnd(waitedFor) && local >= origin + (waitedFor * period);
            if (grid.Count > resumes)
            {
                if (!due)
                {
                    fail($"{when}: the interval resumed at clock time {local} before grid point {waitedFor} (R7, R11)");
                }

                resumes = grid.Count;
                waitedFor = NextIndex(grid[^1].ResumedAt);
            }
            else if (due)
            {
                fail($"{when}: the interval did not resume at clock time {local}, at or past grid point {waitedFor} (R7, R11)");
            }
        }

        Check("after the first tick");
        begunThisTick = false;
        bool paused = false;
        for (int i = 0; i < sc.Frames.Length; i++)
        {
            Frame frame = sc.Frames[i];
            frame.Advance.Advance(clock);
            if (frame.NewScale is double scale)
            {
                g.Scale = scale;
            }

            if (frame.TogglePause)
            {
                paused = !paused;
                if (paused)
                {
                    g.Pause();
                }
                else
                {
                    g.Resume();
                }
            }

            loop.Tick();
            Check($"after frame {i} ({frame})");
        }

        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i].Cancel();
        }

        loop.Tick();
        for (int i = 0; i < tasks.Length; i++)
        {
            if (!tasks[i].IsCompleted || (tasks[i].IsCancelled && !probes[i].FinallyRan))
            {
                fail($"task '{tasks[i].Name}' did not end cleanly when cancelled: {tasks[i]}, finally ran: {probes[i].FinallyRan} (R30)");
            }
        }

        loop.Tick();
        if (loop.PendingTimerCount != 0 || unhandled.Count != 0)
        {
            fail($"after cancelling: {loop.PendingTimerCount} timers left (R12), {unhandled.Count} unhandled: {string.Join("; ", unhandled)}");
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /// <summary>
    /// Runs <paramref name="scenario"/> (which creates its own loop: a loop belongs to its thread, R50) on a thread of its
    /// own, and fails if it has not ended within 30 s. Only a hang guard: the scenarios take milliseconds.
    /// </summary>
    private static void WithinHangGuard(string what, Action scenario)
    {
        var run = Task.Factory.StartNew(scenario, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (Task.WaitAny(new Task[] { run }, TimeSpan.FromSeconds(30)) < 0)
        {
            throw new PropertyFailedException($"Hung: {what} did not end within 30 s; a deadline computation loops without bound (R10).");
        }

        run.GetAwaiter().GetResult();
    }

    private static IEnumerator<IAwaitable> Periodic(EventLoop loop, GameClock? clock, Func<Interval> every, List<TimeSpan> fired, WaitProbe probe)
    {
        Interval interval = every();
        try
        {
            while (true)
            {
                yield return interval;
                fired.Add(clock?.Now ?? loop.Time);
                probe.Real = loop.Time;
                probe.Local = clock?.Now;
            }
        }
        finally
        {
            probe.FinallyRan = true;
        }
    }

    private static IEnumerator<IAwaitable> WaitUntilFalse(double timeoutSeconds)
    {
        yield return Co.WaitUntil(() => false, timeoutSeconds);
    }

    /// <summary>Starts a 10 s wait of <paramref name="kind"/> and returns whether it has come due.</summary>
    private static Func<bool> StartTenSecondWait(TestLoop t, DelayedWait kind)
    {
        EventLoop loop = t.Loop;
        var probe = new WaitProbe();
        switch (kind)
        {
            case DelayedWait.Sleep:
                loop.Start(WaitProbe.Record(loop, null, () => Co.Sleep(10.0), probe));
                return () => probe.Woke;
            case DelayedWait.SleepTimeSpan:
                loop.Start(WaitProbe.Record(loop, null, () => Co.Sleep(TimeSpan.FromSeconds(10)), probe));
                return () => probe.Woke;
            case DelayedWait.SleepRealtime:
                loop.Start(WaitProbe.Record(loop, null, () => Co.SleepRealtime(10.0), probe));
                return () => probe.Woke;
            case DelayedWait.CallLater:
            {
                bool ran = false;
                loop.CallLater(10.0, () => ran = true);
                return () => ran;
            }

            case DelayedWait.CallLaterTimeSpan:
            {
                bool ran = false;
                loop.CallLater(TimeSpan.FromSeconds(10), () => ran = true);
                return () => ran;
            }

            case DelayedWait.Timeout:
            {
                var work = new FutureSource(loop);
                Co.Timeout(work.Future, 10.0);
                return () => work.Future.IsCancelled;
            }

            case DelayedWait.WaitUntilWithTimeout:
            {
                LoopTask task = loop.Start(WaitUntilFalse(10.0));
                return () => task.IsFaulted;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "An unknown kind of wait.");
        }
    }

    /// <summary>Cancels a waiting task; it ends cancelled in the next tick with its finally run, and its timer is gone.</summary>
    private static void AssertCancelsCleanly(EventLoop loop, LoopTask task, WaitProbe probe)
    {
        Assert.That(task.IsCompleted, Is.False, "the wait is pending");
        Assert.That(task.Cancel(), Is.True);
        loop.Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(probe.FinallyRan, Is.True);
        loop.Tick();
        Assert.That(loop.PendingTimerCount, Is.Zero, "its timer left the loop (R12)");
    }
}
