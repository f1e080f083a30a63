using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace YieldLoop.Tests.Time;

/// <summary>
/// ManualClock.AutoJump, EventLoop.RunUntilIdle and EventLoop.NextWakeTime (issue 6, R53): an idle run on an
/// auto-jumping manual clock sets the clock to the next deadline instead of waiting, reaches every deadline exactly,
/// and never jumps past work running on other threads that the loop knows about (offloads, awaited .NET tasks).
/// </summary>
[TestFixture]
public class AutoJumpTests
{
    // Stops the test's loop from another thread after the hang guard's time, so a run that never goes idle (a broken
    // jump) fails the test instead of hanging the suite. Whether it fired is what the tests check, not wall time: on a
    // manual clock nothing but the jump moves time, so a run that waited instead of jumping would wait until this
    // watchdog stopped it, however fast or loaded the machine.
    private Timer? _watchdog;
    private int _watchdogFired;

    [TearDown]
    public void DisposeWatchdog()
    {
        _watchdog?.Dispose();
        _watchdog = null;
    }

    private (ManualClock Clock, EventLoop Loop, List<Exception> Unhandled) NewLoop(bool autoJump = true)
    {
        var clock = new ManualClock { AutoJump = autoJump };
        var loop = new EventLoop(clock, "jump-loop");
        var unhandled = new List<Exception>();
        loop.UnhandledExceptionHandler = unhandled.Add;
        _watchdog?.Dispose();
        _watchdogFired = 0;
        _watchdog = new Timer(
            _ =>
            {
                Interlocked.Exchange(ref _watchdogFired, 1);
                loop.Stop();
            },
            null,
            HangGuard.Limit,
            Timeout.InfiniteTimeSpan);
        return (clock, loop, unhandled);
    }

    /// <summary>The run did not wait in real time (the watchdog never had to stop it) and took no more than
    /// <paramref name="maxTicks"/> ticks (a tick per wake-up, not a spin): counted, not timed.</summary>
    private void AssertRanWithoutWaiting(EventLoop loop, long maxTicks, string because)
    {
        Assert.That(Volatile.Read(ref _watchdogFired), Is.Zero, because + ": the run waited until the watchdog stopped it");
        Assert.That(loop.TickCount, Is.LessThanOrEqualTo(maxTicks), because);
        TestContext.Out.WriteLine($"ticks: {loop.TickCount}");
    }

    /// <summary>Busy-waits (on a thread-pool thread) for some real milliseconds: work the loop must wait for.</summary>
    private static int SpinFor(int milliseconds, int result)
    {
        var watch = Stopwatch.StartNew();
        while (watch.ElapsedMilliseconds < milliseconds)
        {
            Thread.SpinWait(100);
        }

        return result;
    }

    [Test]
    public void AutoJumpOffByDefault()
    {
        Assert.That(new ManualClock().AutoJump, Is.False);
    }

    [Test]
    public void RunUntilComplete_AnHourOfOneMinuteSleeps_FinishesInMilliseconds_WithEveryWakeUpExactlyOnItsDeadline_R53()
    {
        (ManualClock clock, EventLoop loop, List<Exception> unhandled) = NewLoop();
        var wakes = new List<TimeSpan>();
        IEnumerator<IAwaitable> Hour()
        {
            for (int i = 0; i < 60; i++)
            {
                yield return Co.Sleep(60);
                wakes.Add(loop.Time);
            }
        }

        loop.RunUntilComplete(loop.Start(Hour(), "hour"));

        AssertRanWithoutWaiting(loop, 2 * (60 + 1), "the clock jumps instead of waiting");
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(3600)), "exactly an hour, not a tick more");
        var expected = new List<TimeSpan>();
        for (int i = 1; i <= 60; i++)
        {
            expected.Add(TimeSpan.FromMinutes(i));
        }

        Assert.That(wakes, Is.EqualTo(expected), "each wake-up sees the loop time exactly at its deadline");
        Assert.That(unhandled, Is.Empty);
    }

    [Test]
    public void RunUntilComplete_AnHourOfGameTimeOnAGameClock_EndsAtExactlyAnHour()
    {
        (ManualClock clock, EventLoop loop, _) = NewLoop();
        var world = new GameClock(loop, "world");
        var wakes = new List<TimeSpan>();
        IEnumerator<IAwaitable> Hour()
        {
            for (int i = 0; i < 60; i++)
            {
                yield return Co.Sleep(60);
                wakes.Add(world.Now);
            }
        }

        loop.RunUntilComplete(world.Start(Hour(), "hour"));
        AssertRanWithoutWaiting(loop, 2 * (60 + 1), "the clock jumps instead of waiting");
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(3600)));
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(3600)));
        Assert.That(wakes[^1], Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(wakes.TrueForAll(w => w.Ticks % TimeSpan.TicksPerMinute == 0), Is.True, "every wake-up on a whole minute: " + string.Join(", ", wakes));
    }

    [Test]
    public void RunUntilComplete_AwkwardDeadlines_AreReachedExactly_NotAtAWheelCascadePoint()
    {
        (ManualClock clock, EventLoop loop, _) = NewLoop();
        double[] sleeps = { 0.1, 1.0 / 3, 7.77, 1e-7, 12345.6789, 0.0000123, 86_400 };
        var deadlines = new List<long>();
        var wakes = new List<long>();
        IEnumerator<IAwaitable> Sleeper()
        {
            foreach (double s in sleeps)
            {
                deadlines.Add(loop.Time.Ticks + TimeSpan.FromSeconds(s).Ticks);
                yield return Co.Sleep(TimeSpan.FromSeconds(s));
                wakes.Add(loop.Time.Ticks);
            }
        }

        loop.RunUntilComplete(loop.Start(Sleeper(), "sleeper"));
        Assert.That(wakes, Is.EqualTo(deadlines));
        Assert.That(clock.Now.Ticks, Is.EqualTo(deadlines[^1]));
    }

    [Test]
    public void RunUntilComplete_GameClockAtHalf_ReachesEachDeadlineExactlyAtTwiceTheRealTime()
    {
        (ManualClock clock, EventLoop loop, _) = NewLoop();
        var world = new GameClock(loop, "world") { Scale = 0.5 };
        var wakes = new List<(TimeSpan Real, TimeSpan Local)>();
        IEnumerator<IAwaitable> Sleeper()
        {
            for (int i = 0; i < 10; i++)
            {
                yield return Co.Sleep(1.5);
                wakes.Add((loop.Time, world.Now));
            }
        }

        loop.RunUntilComplete(world.Start(Sleeper(), "sleeper"));
        var expected = new List<(TimeSpan, TimeSpan)>();
        for (int k = 1; k <= 10; k++)
        {
            expected.Add((TimeSpan.FromSeconds(3 * k), TimeSpan.FromSeconds(1.5 * k)));
        }

        Assert.That(wakes, Is.EqualTo(expected));
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void RunUntilComplete_AwkwardGameScale_WakesAtTheFirstTickAtOrAfterTheExactRealTime()
    {
        (ManualClock clock, EventLoop loop, _) = NewLoop();
        var world = new GameClock(loop, "world") { Scale = 0.3 };
        TimeSpan? woke = null;
        IEnumerator<IAwaitable> Sleeper()
        {
            yield return Co.Sleep(2);   // 6.666... s real
            woke = loop.Time;
        }

        loop.RunUntilComplete(world.Start(Sleeper(), "sleeper"));
        Assert.That(woke, Is.EqualTo(TimeSpan.FromTicks(66_666_667)), "ceil(20,000,000 / 0.3) ticks");
        Assert.That(world.Now, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromTicks(66_666_667)));
    }

    [Test]
    public void RunUntilComplete_AScaleChangeMadeByATaskMidRun_IsFollowedExactly_R13()
    {
        (ManualClock clock, EventLoop loop, _) = NewLoop();
        var world = new GameClock(loop, "world");
        TimeSpan? woke = null;
        IEnumerator<IAwaitable> Game()
        {
            yield return Co.Sleep(4);
            woke = loop.Time;
        }

        IEnumerator<IAwaitable> Director()
        {
            yield return Co.SleepRealtime(1);
            world.Scale = 0.5;
        }

        LoopTask game = world.Start(Game(), "game");
        loop.Start(Director(), "director");
        loop.RunUntilComplete(game);
        Assert.That(woke, Is.EqualTo(TimeSpan.FromSeconds(7)), "1 s at scale 1, then 3 s at 0.5");
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(7)));
    }

    [Test]
    public void RunUntilComplete_WaitsForAnOffloadInFlight_InsteadOfJumpingPastIt_R52()
    {
        (ManualClock clock, EventLoop loop, List<Exception> unhandled) = NewLoop();
        TimeSpan? arrivedAt = null;
        int result = 0;
        IEnumerator<IAwaitable> Worker()
        {
            Future<int> offload = Co.Offload(() => SpinFor(30, 42));
            yield return offload;
            arrivedAt = loop.Time;
            result = offload.Result;
        }

        TimeSpan? sleptUntil = null;
        IEnumerator<IAwaitable> Sleeper()
        {
            yield return Co.Sleep(10);
            sleptUntil = loop.Time;
        }

        LoopTask sleeper = loop.Start(Sleeper(), "sleeper");
        LoopTask worker = loop.Start(Worker(), "worker");
        loop.RunUntilComplete(worker);
        Assert.That(result, Is.EqualTo(42));
        Assert.That(arrivedAt, Is.LessThan(TimeSpan.FromSeconds(10)), "time did not jump to the sleep's deadline while the offload ran");
        Assert.That(arrivedAt, Is.EqualTo(TimeSpan.Zero));
        Assert.That(sleeper.IsCompleted, Is.False);

        loop.RunUntilComplete(sleeper);
        Assert.That(sleptUntil, Is.EqualTo(TimeSpan.FromSeconds(10)), "then the clock jumps to the deadline");
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(unhandled, Is.Empty);
    }

    [Test]
    public void RunUntilComplete_WaitsForAnOffloadThatCompletesAFutureThroughPost()
    {
        (ManualClock clock, EventLoop loop, List<Exception> unhandled) = NewLoop();
        var source = new FutureSource<int>(loop);
        TimeSpan? arrivedAt = null;
        IEnumerator<IAwaitable> Worker()
        {
            _ = Co.Offload(() =>
            {
                int value = SpinFor(30, 7);
                loop.Post(() => source.SetResult(value));   // handed over while the offload is still in flight
            });
            yield return source.Future;
            arrivedAt = loop.Time;
        }

        IEnumerator<IAwaitable> Sleeper()
        {
            yield return Co.Sleep(10);
        }

        loop.Start(Sleeper(), "sleeper");
        LoopTask worker = loop.Start(Worker(), "worker");
        loop.RunUntilComplete(worker);
        Assert.That(source.Future.Result, Is.EqualTo(7));
        Assert.That(arrivedAt, Is.EqualTo(TimeSpan.Zero), "the clock stayed below the 10 s deadline");
        Assert.That(clock.Now, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(unhandled, Is.Empty);
    }

    [Test]
    public void RunUntilComplete_WaitsForAnAwaitedDotNetTaskInFlight()
    {
        (ManualClock clock, EventLoop loop, _) = NewLoop();
        TimeSpan? arrivedAt = null;
        IEnumerator<IAwaitable> Worker()
        {
            Future<int> work = Co.Await(Task.Run(() => SpinFor(30, 5)));
            yield return work;
            arrivedAt = loop.Time;
        }

        IEnumerator<IAwaitable> Sleeper()
        {
            yield return Co.Sleep(10);
        }

        loop.Start(Sleeper(), "sleeper");
        LoopTask worker = loop.Start(Worker(), "worker");
        loop.RunUntilComplete(worker);
        Assert.That(arrivedAt, Is.EqualTo(TimeSpan.Zero));
        Assert.That(clock.Now, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void RunForever_JumpsToEachDeadline_AndStopsWhenATaskCallsStop()
    {
        (ManualClock clock, EventLoop loop, _) = NewLoop();
        IEnumerator<IAwaitable> Stopper()
        {
            yield return Co.Sleep(100);
            loop.Stop();
        }

        loop.Start(Stopper(), "stopper");
        loop.RunForever();
        AssertRanWithoutWaiting(loop, 4, "the clock jumps instead of waiting");
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(100)));
    }

    // ---- RunUntilIdle --------------------------------------------------------------------------------------------

    [Test]
    public void RunUntilIdle_WithAutoJump_ReturnsWithTheClockAtTheLastDeadlineAndNoTimerLeft()
    {
        (ManualClock clock, EventLoop loop, List<Exception> unhandled) = NewLoop();
        var world = new GameClock(loop, "world") { Scale = 0.5 };
        var log = new List<string>();
        IEnumerator<IAwaitable> Sleeper(string name, IAwaitable wait)
        {
            yield return wait;
            log.Add($"{name}@{loop.Time.TotalSeconds}");
        }

        loop.Start(Sleeper("real 5", Co.Sleep(5)), "a");
        loop.Start(Sleeper("real 1", Co.Sleep(1)), "b");
        world.Start(Sleeper("game 3", Co.Sleep(3)), "c");
        loop.CallLater(TimeSpan.FromSeconds(2.5), () => log.Add($"callback@{loop.Time.TotalSeconds}"));

        loop.RunUntilIdle();
        Assert.That(log, Is.EqualTo(new[] { "real 1@1", "callback@2.5", "real 5@5", "game 3@6" }));
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(6)), "the clock stops at the last deadline");
        Assert.That(loop.PendingTimerCount, Is.Zero);
        Assert.That(loop.PendingTaskCount, Is.Zero);
        Assert.That(loop.NextWakeTime, Is.Null);
        Assert.That(unhandled, Is.Empty);
    }

    [Test]
    public void RunUntilIdle_WithoutAutoJump_RunsReadyWork_ThenReturnsAtOnceLeavingTimersPending_R53()
    {
        (ManualClock clock, EventLoop loop, _) = NewLoop(autoJump: false);
        int steps = 0;
        bool woke = false;
        IEnumerator<IAwaitable> Worker()
        {
            for (int i = 0; i < 3; i++)
            {
                steps++;
                yield return Co.NextTick;
            }

            yield return Co.Sleep(5);
            woke = true;
        }

        LoopTask task = loop.Start(Worker(), "worker");
        loop.RunUntilIdle();
        AssertRanWithoutWaiting(loop, 6, "it does not wait for time that only moves by hand");
        Assert.That(steps, Is.EqualTo(3), "ready work ran until only the timer was left");
        Assert.That(woke, Is.False);
        Assert.That(task.IsCompleted, Is.False);
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.Zero), "time moves only by hand");
        Assert.That(loop.PendingTimerCount, Is.EqualTo(1));
        Assert.That(loop.NextWakeTime, Is.Not.Null.And.LessThanOrEqualTo(TimeSpan.FromSeconds(5)));

        clock.Advance(5);
        loop.RunUntilIdle();
        Assert.That(woke, Is.True);
        Assert.That(loop.PendingTimerCount, Is.Zero);
    }

    [Test]
    public void RunUntilIdle_APausedGameClockHoldingTheOnlyTimer_ReturnsWithNoWakeTime()
    {
        (ManualClock clock, EventLoop loop, _) = NewLoop();
        var world = new GameClock(loop, "world");
        bool woke = false;
        IEnumerator<IAwaitable> Sleeper()
        {
            yield return Co.Sleep(1);
            woke = true;
        }

        world.Start(Sleeper(), "sleeper");
        loop.Tick();
        world.Pause();
        loop.RunUntilIdle();
        AssertRanWithoutWaiting(loop, 4, "nothing can wake the paused clock's wait: idle");
        Assert.That(loop.NextWakeTime, Is.Null, "a paused clock has no wake-up time");
        Assert.That(world.PendingTimerCount, Is.EqualTo(1));
        Assert.That(loop.PendingTimerCount, Is.EqualTo(1), "the wait is still pending");
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.Zero), "the clock did not jump");
        Assert.That(woke, Is.False);

        world.Resume();
        Assert.That(loop.NextWakeTime, Is.Not.Null);
        loop.RunUntilIdle();
        Assert.That(woke, Is.True);
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [TestCase(true, TestName = "RunUntilIdle_AfterTheOnlyClockSleepWasCancelled_DoesNotJumpTheClock_R12")]
    [TestCase(false, TestName = "RunUntilIdle_AfterTheOnlyRealSleepWasCancelled_DoesNotJumpTheClock_R12")]
    public void RunUntilIdle_AfterTheOnlySleepWasCancelled_DoesNotJumpTheClock(bool onClock)
    {
        (ManualClock clock, EventLoop loop, _) = NewLoop();
        var world = new GameClock(loop, "world") { Scale = 0.5 };
        IEnumerator<IAwaitable> Sleeper()
        {
            yield return Co.Sleep(100);
        }

        LoopTask task = onClock ? world.Start(Sleeper(), "sleeper") : loop.Start(Sleeper(), "sleeper");
        loop.Tick();
        task.Cancel();
        loop.RunUntilIdle();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(loop.PendingTimerCount, Is.Zero);
        Assert.That(loop.NextWakeTime, Is.Null, "no timer is pending, so there is no wake-up time");
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.Zero), "nothing was waiting: the clock must not jump to the cancelled deadline");
    }

    [TestCase(true, TestName = "RunUntilIdle_WithTheOnlyClockSleepFrozenByAPausedScope_ReturnsWithoutJumping")]
    [TestCase(false, TestName = "RunUntilIdle_WithTheOnlyRealSleepFrozenByAPausedScope_ReturnsWithoutJumping")]
    public void RunUntilIdle_WithTheOnlySleepFrozenByAPausedScope_ReturnsWithoutJumping(bool onClock)
    {
        (ManualClock clock, EventLoop loop, _) = NewLoop();
        var world = new GameClock(loop, "world") { Scale = 0.5 };
        var scope = new Scope(loop, "enemies", onClock ? world : null);
        bool woke = false;
        IEnumerator<IAwaitable> Sleeper()
        {
            yield return Co.Sleep(100);
            woke = true;
        }

        scope.Start(Sleeper(), "sleeper");
        loop.Tick();
        clock.Advance(10);
        scope.Pause();
        loop.RunUntilIdle();
        Assert.That(loop.NextWakeTime, Is.Null, "a frozen sleep has no wake-up time");
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(10)), "the clock did not jump");
        Assert.That(woke, Is.False);

        scope.Resume();
        loop.RunUntilIdle();
        Assert.That(woke, Is.True);
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(onClock ? 200 : 100)), "the frozen remainder ran after the resume");
    }

    [Test]
    public void RunUntilIdle_LeavesTasksParkedOnFuturesNothingWillComplete()
    {
        (_, EventLoop loop, _) = NewLoop();
        var source = new FutureSource(loop);
        IEnumerator<IAwaitable> Waiter()
        {
            yield return source.Future;
        }

        LoopTask task = loop.Start(Waiter(), "waiter");
        loop.RunUntilIdle();
        Assert.That(task.IsCompleted, Is.False);
        Assert.That(loop.PendingTaskCount, Is.EqualTo(1));
    }

    [Test]
    public void NextWakeTime_IsNullWithoutTimers_AndNeverLaterThanTheNextDeadline()
    {
        (ManualClock clock, EventLoop loop, _) = NewLoop(autoJump: false);
        Assert.That(loop.NextWakeTime, Is.Null);
        var world = new GameClock(loop, "world") { Scale = 0.25 };
        IEnumerator<IAwaitable> Sleeper(IAwaitable wait)
        {
            yield return wait;
        }

        world.Start(Sleeper(Co.Sleep(1)), "game 1 s = real 4 s");
        loop.Start(Sleeper(Co.Sleep(3600)), "real hour");
        loop.Tick();
        Assert.That(loop.NextWakeTime, Is.Not.Null.And.LessThanOrEqualTo(TimeSpan.FromSeconds(4)));

        // Tick at each reported wake time: the game sleep ends at real 4 exactly, never earlier.
        int guard = 0;
        while (loop.PendingTimerCount == 2 && guard++ < 1000)
        {
            clock.Set(loop.NextWakeTime!.Value);
            loop.Tick();
        }

        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(4)));
        Assert.That(loop.NextWakeTime, Is.Not.Null.And.LessThanOrEqualTo(TimeSpan.FromSeconds(3600)));
    }
}
