using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace YieldLoop.Tests.Time;

/// <summary>Scenarios for scaled and paused game time (docs/semantics.md R13) and game clocks with R7-R12.</summary>
public partial class GameClockTests
{
    private ManualClock _clock = null!;
    private EventLoop _loop = null!;
    private List<Exception> _unhandled = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualClock();
        _loop = new EventLoop(_clock, "game");
        _unhandled = new List<Exception>();
        _loop.UnhandledExceptionHandler = _unhandled.Add;
    }

    [TearDown]
    public void TearDown()
    {
        if (!_loop.IsClosed)
        {
            _loop.Close();
        }

        Assert.That(_unhandled, Is.Empty);
    }

    private void TickAt(double seconds)
    {
        _clock.Set(TimeSpan.FromSeconds(seconds));
        _loop.Tick();
    }

    private void TickAtTicks(long ticks)
    {
        _clock.Set(TimeSpan.FromTicks(ticks));
        _loop.Tick();
    }

    private (LoopTask Task, Func<double> ResumedAt) SleepOn(GameClock clock, double seconds, bool viaClockSleep = false)
    {
        double resumed = -1;
        IEnumerator<IAwaitable> Body()
        {
            yield return viaClockSleep ? clock.Sleep(seconds) : Co.Sleep(seconds);
            resumed = _loop.Time.TotalSeconds;
        }

        LoopTask t = viaClockSleep ? _loop.Start(Body()) : clock.Start(Body());
        return (t, () => resumed);
    }

    [Test]
    public void HalfScale_SleepOfOneSecondTakesTwoRealSeconds_R13([Values] bool viaClockSleep)
    {
        var world = new GameClock(_loop, "world") { Scale = 0.5 };
        var (_, resumedAt) = SleepOn(world, 1.0, viaClockSleep);
        _loop.Tick();
        TickAtTicks((2 * TimeSpan.TicksPerSecond) - 1);
        Assert.That(resumedAt(), Is.EqualTo(-1));
        TickAt(2.0);
        Assert.That(resumedAt(), Is.EqualTo(2.0));
    }

    [Test]
    public void ScaleChangeBetweenTicks_RescalesOnlyTheRemainingPart_R13([Values(0.5, 2.0, 0.1, 3.0)] double newScale)
    {
        var world = new GameClock(_loop, "world");
        var (_, resumedAt) = SleepOn(world, 10.0);
        _loop.Tick();                           // sleeps from 0 at scale 1
        _clock.Set(TimeSpan.FromSeconds(4));    // 4 s of game time accrued, no tick yet
        world.Scale = newScale;                 // applies from real 4
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(4)));
        long due = (4 * TimeSpan.TicksPerSecond) + (long)Math.Round(6 * TimeSpan.TicksPerSecond / newScale);
        TickAtTicks(due - 1);
        Assert.That(resumedAt(), Is.EqualTo(-1), "resumed early");
        TickAtTicks(due);
        Assert.That(resumedAt(), Is.EqualTo(due / (double)TimeSpan.TicksPerSecond));
    }

    [Test]
    public void ScaleChangeFromInsideAStep_AppliesFromTheTicksTime_R13()
    {
        var world = new GameClock(_loop, "world");
        var (_, resumedAt) = SleepOn(world, 10.0);
        IEnumerator<IAwaitable> Director()
        {
            yield return Co.SleepRealtime(4.0);
            world.Scale = 0.5;
        }

        _loop.Start(Director());
        _loop.Tick();
        _clock.Set(TimeSpan.FromSeconds(4));
        _loop.Tick();                   // director sets the scale at tick time 4
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(4)));
        TickAt(15.9999999);
        Assert.That(resumedAt(), Is.EqualTo(-1));
        TickAt(16);
        Assert.That(resumedAt(), Is.EqualTo(16));
    }

    [Test]
    public void SeveralScaleChanges_KeepAccruedTime_R13()
    {
        var world = new GameClock(_loop, "world");
        var (_, resumedAt) = SleepOn(world, 10.0);
        _loop.Tick();
        _clock.Set(TimeSpan.FromSeconds(4));
        world.Scale = 0.5;                     // local 4
        _clock.Set(TimeSpan.FromSeconds(8));
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(6)));
        world.Scale = 4;                       // local 6, 4 left -> 1 real second
        TickAt(8.9999999);
        Assert.That(resumedAt(), Is.EqualTo(-1));
        TickAt(9);
        Assert.That(resumedAt(), Is.EqualTo(9));
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void PauseAndResume_StopTheWaitAndKeepTheRest_R13()
    {
        var world = new GameClock(_loop, "world");
        var (_, resumedAt) = SleepOn(world, 10.0);
        _loop.Tick();
        _clock.Set(TimeSpan.FromSeconds(4));
        world.Pause();
        Assert.That(world.IsPaused, Is.True);
        Assert.That(world.EffectiveScale, Is.EqualTo(0));
        for (int i = 5; i < 100; i += 7)
        {
            TickAt(i);
        }

        Assert.That(resumedAt(), Is.EqualTo(-1));
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(4)));
        _clock.Set(TimeSpan.FromSeconds(100));
        world.Resume();
        TickAt(105.9999999);
        Assert.That(resumedAt(), Is.EqualTo(-1));
        TickAt(106);
        Assert.That(resumedAt(), Is.EqualTo(106));
        Assert.That(world.Scale, Is.EqualTo(1.0));
    }

    [Test]
    public void ScaleZeroStopsTheClockLikePause_R13()
    {
        var world = new GameClock(_loop, "world");
        var (_, resumedAt) = SleepOn(world, 1.0);
        _loop.Tick();
        _clock.Set(TimeSpan.FromSeconds(0.5));
        world.Scale = 0;
        TickAt(1000);
        Assert.That(resumedAt(), Is.EqualTo(-1));
        world.Scale = 1;
        TickAt(1000.4999999);
        Assert.That(resumedAt(), Is.EqualTo(-1));
        TickAt(1000.5);
        Assert.That(resumedAt(), Is.EqualTo(1000.5));
    }

    [Test]
    public void RealtimeWaitsAreUnaffectedByScaleAndPause_R13()
    {
        var world = new GameClock(_loop, "world") { Scale = 0.1 };
        double realResumed = -1, laterFired = -1;
        IEnumerator<IAwaitable> Menu()
        {
            yield return Co.SleepRealtime(1.0);
            realResumed = _loop.Time.TotalSeconds;
            world.Pause();
            yield return Co.SleepRealtime(TimeSpan.FromSeconds(2));
            realResumed = _loop.Time.TotalSeconds;
        }

        world.Start(Menu());
        _loop.CallLater(3.5, () => laterFired = _loop.Time.TotalSeconds);
        _loop.Tick();
        TickAt(0.9999999);
        Assert.That(realResumed, Is.EqualTo(-1));
        TickAt(1);
        Assert.That(realResumed, Is.EqualTo(1));
        TickAt(2.9999999);
        Assert.That(realResumed, Is.EqualTo(1));
        TickAt(3);
        Assert.That(realResumed, Is.EqualTo(3));
        TickAt(3.5);
        Assert.That(laterFired, Is.EqualTo(3.5));
    }

    [Test]
    public void NestedClocks_RatesMultiply_AndParentPauseStopsChildren_R13()
    {
        var world = new GameClock(_loop, "world") { Scale = 0.5 };
        GameClock hero = world.CreateChild("hero");
        hero.Scale = 2;
        GameClock slow = world.CreateChild("slow");
        slow.Scale = 0.5;
        Assert.That(hero.EffectiveScale, Is.EqualTo(1.0));
        Assert.That(slow.EffectiveScale, Is.EqualTo(0.25));
        Assert.That(hero.Parent, Is.SameAs(world));
        var (_, heroAt) = SleepOn(hero, 3.0);
        var (_, slowAt) = SleepOn(slow, 1.0);
        _loop.Tick();
        TickAt(3);
        Assert.That(heroAt(), Is.EqualTo(3));
        Assert.That(slowAt(), Is.EqualTo(-1));
        _clock.Set(TimeSpan.FromSeconds(3));   // slow has 0.75 local; 0.25 left
        world.Pause();
        Assert.That(slow.EffectiveScale, Is.EqualTo(0));
        Assert.That(slow.IsPaused, Is.False);
        TickAt(50);
        Assert.That(slowAt(), Is.EqualTo(-1));
        world.Resume();
        TickAt(50.9999999);
        Assert.That(slowAt(), Is.EqualTo(-1));
        TickAt(51);
        Assert.That(slowAt(), Is.EqualTo(51));
    }

    [Test]
    public void ParentScaleChangeMidWait_RescalesTheRestOfAChildsWait_R13()
    {
        var world = new GameClock(_loop, "world");
        GameClock hero = world.CreateChild("hero");
        hero.Scale = 2;                          // rate 2
        var (_, heroAt) = SleepOn(hero, 8.0);   // due real 4
        _loop.Tick();
        _clock.Set(TimeSpan.FromSeconds(1));     // hero local 2
        world.Scale = 0.25;                      // hero rate 0.5: 6 local left -> 12 real -> due 13
        Assert.That(hero.Now, Is.EqualTo(TimeSpan.FromSeconds(2)));
        TickAt(4);
        TickAt(12.9999999);
        Assert.That(heroAt(), Is.EqualTo(-1));
        TickAt(13);
        Assert.That(heroAt(), Is.EqualTo(13));
    }

    [Test]
    public void ClockTimeStartsAtZeroAndAccruesExactly_R13()
    {
        _clock.Set(TimeSpan.FromSeconds(100));
        var world = new GameClock(_loop, "world");
        Assert.That(world.Now, Is.EqualTo(TimeSpan.Zero));
        _clock.Advance(3);
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(3)));
        world.Scale = 1.0 / 3;
        _clock.Advance(3);
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(4)));
        world.Pause();
        _clock.Advance(10);
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(4)));
        world.Resume();
        world.Scale = 0.3;
        _clock.Advance(1);
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(4.3)));
    }

    [Test]
    public void InvalidScalesAreRejectedAndLeaveTheClockUnchanged_R13()
    {
        var world = new GameClock(_loop, "world") { Scale = 0.5 };
        foreach (double bad in new[] { -0.1, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            Assert.That(() => world.Scale = bad, Throws.TypeOf<ArgumentOutOfRangeException>());
        }

        Assert.That(world.Scale, Is.EqualTo(0.5));
    }

    [Test]
    public void ScopeWithAClock_SleepsInThatClock_AndRealtimeStaysReal_R13()
    {
        var world = new GameClock(_loop, "world") { Scale = 0.25 };
        using var level = new Scope(_loop, "level", world);
        var log = new List<string>();
        IEnumerator<IAwaitable> Body()
        {
            yield return Co.Sleep(1.0);
            log.Add("game@" + _loop.Time.TotalSeconds);
            yield return Co.SleepRealtime(1.0);
            log.Add("real@" + _loop.Time.TotalSeconds);
        }

        level.Start(Body());
        _loop.Tick();
        TickAt(3.9999999);
        TickAt(4);
        TickAt(4.9999999);
        TickAt(5);
        Assert.That(log, Is.EqualTo(new[] { "game@4", "real@5" }));
    }

    [Test]
    public void CoEveryInABoundTask_KeepsItsGridInClockTime_AcrossAScaleChange_R13()
    {
        var world = new GameClock(_loop, "world") { Scale = 0.5 };
        var at = new List<double>();
        IEnumerator<IAwaitable> Body()
        {
            Interval every = Co.Every(1.0);
            while (true)
            {
                yield return every;
                at.Add(_loop.Time.TotalSeconds);
            }
        }

        world.Start(Body());
        _loop.Tick();
        for (int i = 1; i <= 10; i++)
        {
            TickAt(i * 0.5);
            if (i == 10)
            {
                break;
            }
        }

        // real 2 -> local 1, real 4 -> local 2; at real 5 (local 2.5) go to scale 1.
        _clock.Set(TimeSpan.FromSeconds(5));
        world.Scale = 1.0;
        TickAt(5.5);
        TickAt(6.5);
        Assert.That(at, Is.EqualTo(new[] { 2.0, 4.0, 5.5, 6.5 }));
    }

    [Test]
    public void OnlyTimeStops_APausedClocksTaskStillRunsOnNextTick_R13()
    {
        var world = new GameClock(_loop, "world");
        world.Pause();
        int steps = 0;
        IEnumerator<IAwaitable> Body()
        {
            while (true)
            {
                steps++;
                yield return Co.NextTick;
            }
        }

        world.Start(Body());
        _loop.Tick();
        _loop.Tick();
        _loop.Tick();
        Assert.That(steps, Is.EqualTo(3));
    }

    [Test]
    public void AutoJump_WithScaledClocks_LandsExactly_R13()
    {
        _clock.AutoJump = true;
        var world = new GameClock(_loop, "world") { Scale = 1.0 / 3 };
        GameClock fast = world.CreateChild("fast");
        fast.Scale = 6;   // rate 2
        var log = new List<(string, long)>();
        IEnumerator<IAwaitable> Sleeper(string name, GameClock c, double s)
        {
            yield return c.Sleep(s);
            log.Add((name, _loop.Time.Ticks));
        }

        _loop.Start(Sleeper("world-1", world, 1));          // real 3
        _loop.Start(Sleeper("fast-1", fast, 1));            // real 0.5
        _loop.Start(Sleeper("world-30d", world, 30 * 86400)); // real 90 days
        _loop.RunUntilIdle();
        Assert.That(log, Is.EqualTo(new[]
        {
            ("fast-1", TimeSpan.TicksPerSecond / 2),
            ("world-1", 3 * TimeSpan.TicksPerSecond),
            ("world-30d", 90 * TimeSpan.TicksPerDay),
        }));
        Assert.That(_loop.PendingTimerCount, Is.EqualTo(0));
    }

    [Test]
    public void EqualDeadlinesOnOneClock_InSchedulingOrder_R8()
    {
        var world = new GameClock(_loop, "world") { Scale = 0.5 };
        var order = new List<string>();
        IEnumerator<IAwaitable> Sleeper(string name, double s)
        {
            yield return Co.Sleep(s);
            order.Add(name);
        }

        world.Start(Sleeper("a", 2));     // local 2
        _loop.Tick();
        _clock.Set(TimeSpan.FromSeconds(2));   // local 1
        world.Start(Sleeper("b", 1));     // local 2
        _loop.Tick();
        world.Start(Sleeper("c", 1));     // starts at the next tick, local 1 -> local 2
        _loop.Tick();
        TickAt(10);
        Assert.That(order, Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void PausedScopeOnAClock_KeepsTheRemainingLocalTime_AcrossAScaleChange_R13()
    {
        var world = new GameClock(_loop, "world");
        using var level = new Scope(_loop, "level", world);
        double resumed = -1;
        IEnumerator<IAwaitable> Body()
        {
            yield return Co.Sleep(10.0);
            resumed = _loop.Time.TotalSeconds;
        }

        level.Start(Body());
        _loop.Tick();
        _clock.Set(TimeSpan.FromSeconds(4));
        level.Pause();                 // 6 local seconds left
        TickAt(20);
        world.Scale = 2;
        level.Resume();                // the rest runs at scale 2: 3 real seconds
        TickAt(22.9999999);
        Assert.That(resumed, Is.EqualTo(-1));
        TickAt(23);
        Assert.That(resumed, Is.EqualTo(23));
    }

    [Test]
    public void AutoJump_DoesNotJumpForAPausedClocksWaits()
    {
        var world = new GameClock(_loop, "world");
        var (_, resumedAt) = SleepOn(world, 5.0);
        double realAt = -1;
        IEnumerator<IAwaitable> Real()
        {
            yield return Co.Sleep(2.0);
            realAt = _loop.Time.TotalSeconds;
        }

        _loop.Start(Real());
        _loop.Tick();
        world.Pause();
        _clock.AutoJump = true;
        _loop.RunUntilIdle();
        Assert.That(realAt, Is.EqualTo(2));
        Assert.That(resumedAt(), Is.EqualTo(-1));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(world.PendingTimerCount, Is.EqualTo(1));
        world.Resume();   // paused at real 0: all 5 local seconds are left from real 2
        _loop.RunUntilIdle();
        Assert.That(resumedAt(), Is.EqualTo(7));
    }

    [Test]
    public void CancelledCallEvery_LeavesTheBooks_R12()
    {
        int calls = 0;
        LoopTask every = _loop.CallEvery(0.1, _ => calls++);
        _loop.Tick();
        _clock.Advance(0.1);
        _loop.Tick();
        Assert.That(calls, Is.EqualTo(1));
        Assert.That(_loop.PendingTimerCount, Is.EqualTo(1));
        every.Cancel();
        _loop.Tick();
        Assert.That(_loop.PendingTimerCount, Is.EqualTo(0));
        Assert.That(every.IsCancelled, Is.True);
        _clock.Advance(10);
        _loop.Tick();
        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public void CancelledClockWaits_LeaveTheBooks_AndAutoJumpIgnoresThem_R12()
    {
        var world = new GameClock(_loop, "world") { Scale = 0.5 };
        GameClock child = world.CreateChild();
        var tasks = new List<LoopTask>();
        IEnumerator<IAwaitable> Sleeper(double s)
        {
            yield return Co.Sleep(s);
        }

        for (int i = 0; i < 50_000; i++)
        {
            tasks.Add((i % 2 == 0 ? world : child).Start(Sleeper(1 + (i % 1000))));
        }

        _loop.Tick();
        Assert.That(world.PendingTimerCount + child.PendingTimerCount, Is.EqualTo(50_000));
        Assert.That(_loop.PendingTimerCount, Is.EqualTo(50_000));
        foreach (LoopTask t in tasks)
        {
            t.Cancel();
        }

        _loop.Tick();
        Assert.That(tasks.All(t => t.IsCancelled), Is.True);
        Assert.That(world.PendingTimerCount, Is.EqualTo(0));
        Assert.That(child.PendingTimerCount, Is.EqualTo(0));
        Assert.That(_loop.PendingTimerCount, Is.EqualTo(0));
        Assert.That(_loop.NextWakeTime, Is.Null);
        _clock.AutoJump = true;
        _loop.RunUntilIdle();
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void ClockWaitNeverEarly_AtAwkwardScales_R7([Values(0.3, 1.0 / 3, 0.7, 1.1, 7.0, 0.001)] double scale)
    {
        var world = new GameClock(_loop, "world") { Scale = scale };
        var (_, resumedAt) = SleepOn(world, 0.3);
        _loop.Tick();
        // Walk real time in 1-tick steps around the expected deadline; at resume, the clock must be at/past 0.3.
        long expected = (long)Math.Ceiling(0.3 * TimeSpan.TicksPerSecond / scale);
        for (long t = Math.Max(1, expected - 3); t <= expected + 3; t++)
        {
            TickAtTicks(t);
            if (resumedAt() >= 0)
            {
                break;
            }

            Assert.That(world.Now, Is.LessThan(TimeSpan.FromSeconds(0.3)), $"clock reached its deadline at {t} but the wait did not end");
        }

        Assert.That(resumedAt(), Is.GreaterThanOrEqualTo(0));
        Assert.That(world.Now, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.3)));
    }
}
