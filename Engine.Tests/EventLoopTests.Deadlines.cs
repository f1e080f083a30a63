using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// Scenarios for timers and time (docs/semantics.md R7-R12), including RunUntilIdle with an auto-jumping clock.
/// </summary>
public partial class EventLoopTests
{
    private static readonly long[] WheelDelays =
    {
        1, 2, 16383, 16384, 16385, TimeSpan.TicksPerMillisecond, 1048575, 1048576, 1048577,
        100 * TimeSpan.TicksPerMillisecond, 10 * TimeSpan.TicksPerSecond, 67108863, 67108864, 67108865,
        TimeSpan.TicksPerHour, TimeSpan.TicksPerDay, 30 * TimeSpan.TicksPerDay, 365 * TimeSpan.TicksPerDay,
        4294967295, 4294967296, 4294967297, 3 * 365 * TimeSpan.TicksPerDay, 274877906943, 274877906944, 274877906945,
    };

    private static IEnumerable<long> Delays() => WheelDelays;

    private static IEnumerable<long> Starts() => new long[] { 0, 1, 16383, 987654321, 5 * 365 * TimeSpan.TicksPerDay + 12345 };

    private static (ManualClock Clock, EventLoop Loop, List<Exception> Unhandled) NewLoop(long startTicks = 0)
    {
        var clock = new ManualClock(TimeSpan.FromTicks(startTicks));
        var loop = new EventLoop(clock, "timers");
        var unhandled = new List<Exception>();
        loop.UnhandledExceptionHandler = unhandled.Add;
        return (clock, loop, unhandled);
    }

    // ---- R7: never early, first tick at or past the deadline ----------------------------------------------------

    [Test]
    public void CallLater_FiresExactlyAtTheDeadlineAcrossWheelLevels_R7(
        [ValueSource(nameof(Delays))] long delay, [ValueSource(nameof(Starts))] long start)
    {
        var (clock, loop, _) = NewLoop(start);
        loop.Tick();
        int fired = 0;
        loop.CallLater(TimeSpan.FromTicks(delay), () => fired++);
        long deadline = start + delay;

        // Approach the deadline in a few uneven jumps, ticking each time.
        foreach (long at in new[] { start + (delay / 3), start + (delay / 2), deadline - 16384, deadline - 2, deadline - 1 })
        {
            if (at > clock.Now.Ticks && at < deadline)
            {
                clock.Set(TimeSpan.FromTicks(at));
                loop.Tick();
                Assert.That(fired, Is.EqualTo(0), $"fired early at {at} (deadline {deadline})");
            }
        }

        clock.Set(TimeSpan.FromTicks(deadline));
        loop.Tick();
        Assert.That(fired, Is.EqualTo(1));
        loop.Tick();
        Assert.That(fired, Is.EqualTo(1));
        Assert.That(loop.PendingTimerCount, Is.EqualTo(0));
    }

    [Test]
    public void CoSleep_ResumesInTheFirstTickAtOrPastTheDeadline_WithoutIntermediateTicks_R7(
        [ValueSource(nameof(Delays))] long delay)
    {
        var (clock, loop, _) = NewLoop(777);
        long resumedAt = -1;
        IEnumerator<IAwaitable> Body()
        {
            yield return Co.Sleep(TimeSpan.FromTicks(delay));
            resumedAt = loop.Time.Ticks;
        }

        loop.Start(Body());
        loop.Tick();   // sleeps from 777
        clock.Set(TimeSpan.FromTicks(777 + delay - 1));
        loop.Tick();
        Assert.That(resumedAt, Is.EqualTo(-1), "resumed before its deadline");
        clock.Advance(TimeSpan.FromTicks(5));
        loop.Tick();
        Assert.That(resumedAt, Is.EqualTo(777 + delay + 4));
    }

    [Test]
    public void TimerScheduledLongAfterTheLastTick_CountsFromTheClocksTimeAndIsNotEarly_R7()
    {
        var (clock, loop, _) = NewLoop();
        loop.Tick();
        clock.Advance(TimeSpan.FromDays(40));   // no tick for 40 days
        int fired = 0;
        loop.CallLater(1.0, () => fired++);
        loop.CallLater(TimeSpan.FromMilliseconds(1), () => fired += 10);
        loop.Tick();
        Assert.That(fired, Is.EqualTo(0));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        loop.Tick();
        Assert.That(fired, Is.EqualTo(10));
        clock.Advance(TimeSpan.FromMilliseconds(999) - TimeSpan.FromTicks(1));
        loop.Tick();
        Assert.That(fired, Is.EqualTo(10));
        clock.Advance(TimeSpan.FromTicks(1));
        loop.Tick();
        Assert.That(fired, Is.EqualTo(11));
    }

    [Test]
    public void AutoJump_RunUntilIdle_ReachesEachDeadlineExactly_R7()
    {
        var (clock, loop, _) = NewLoop(31);
        clock.AutoJump = true;
        var seen = new List<(string Name, long At)>();
        IEnumerator<IAwaitable> Sleeper(string name, TimeSpan d)
        {
            yield return Co.Sleep(d);
            seen.Add((name, loop.Time.Ticks));
        }

        loop.Start(Sleeper("30d", TimeSpan.FromDays(30)));
        loop.Start(Sleeper("1ms", TimeSpan.FromMilliseconds(1)));
        loop.Start(Sleeper("1h", TimeSpan.FromHours(1)));
        loop.Start(Sleeper("100ms", TimeSpan.FromMilliseconds(100)));
        loop.Start(Sleeper("10s", TimeSpan.FromSeconds(10)));
        loop.CallLater(TimeSpan.FromDays(365), () => seen.Add(("1y", loop.Time.Ticks)));
        loop.CallAt(TimeSpan.FromTicks(31 + 16384), () => seen.Add(("slot", loop.Time.Ticks)));
        loop.RunUntilIdle();
        Assert.That(seen, Is.EqualTo(new[]
        {
            ("1ms", 31 + TimeSpan.TicksPerMillisecond),
            ("slot", 31 + 16384L),
            ("100ms", 31 + (100 * TimeSpan.TicksPerMillisecond)),
            ("10s", 31 + (10 * TimeSpan.TicksPerSecond)),
            ("1h", 31 + TimeSpan.TicksPerHour),
            ("30d", 31 + (30 * TimeSpan.TicksPerDay)),
            ("1y", 31 + (365 * TimeSpan.TicksPerDay)),
        }));
        Assert.That(clock.Now.Ticks, Is.EqualTo(31 + (365 * TimeSpan.TicksPerDay)));
        Assert.That(loop.PendingTimerCount, Is.EqualTo(0));
    }

    [Test]
    public void AutoJump_AnHourOfSleepsRunsQuicklyAndLandsOnTheGrid_R7()
    {
        var (clock, loop, _) = NewLoop();
        clock.AutoJump = true;
        var times = new List<long>();
        IEnumerator<IAwaitable> Body()
        {
            for (int i = 0; i < 3600; i++)
            {
                yield return Co.Sleep(1.0);
                times.Add(loop.Time.Ticks);
            }
        }

        loop.Start(Body());
        loop.RunUntilIdle();

        // "Quickly" is counted, not timed: a tick per wake-up (the clock jumps straight to each deadline), so the run
        // costs the same on a loaded machine as on an idle one.
        Assert.That(loop.TickCount, Is.LessThanOrEqualTo(2 * (3600 + 1)), "a tick per wake-up, no spinning between them");
        Assert.That(times, Has.Count.EqualTo(3600));
        for (int i = 0; i < times.Count; i++)
        {
            Assert.That(times[i], Is.EqualTo((i + 1) * TimeSpan.TicksPerSecond));
        }

        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromHours(1)));
    }

    [Test]
    public void FarDeadlines_DoNotFireAfterAHugeJumpBelowThem_R7()
    {
        var (clock, loop, _) = NewLoop();
        int fired = 0;
        loop.CallLater(TimeSpan.FromDays(365), () => fired++);
        loop.CallLater(TimeSpan.MaxValue, () => fired += 100);
        loop.CallLater(1e300, () => fired += 1000);
        loop.CallAt(TimeSpan.MaxValue, () => fired += 10000);
        IEnumerator<IAwaitable> Body()
        {
            yield return Co.Sleep(TimeSpan.MaxValue);
            fired += 100000;
        }

        loop.Start(Body());
        loop.Tick();
        clock.Advance(TimeSpan.FromDays(364));
        loop.Tick();
        Assert.That(fired, Is.EqualTo(0));
        clock.Advance(TimeSpan.FromDays(1));
        loop.Tick();
        Assert.That(fired, Is.EqualTo(1));
        clock.Advance(TimeSpan.FromDays(365 * 500));
        loop.Tick();
        Assert.That(fired, Is.EqualTo(1), "a saturated 'forever' deadline fired after 500 years");
        Assert.That(loop.PendingTimerCount, Is.EqualTo(4));
    }

    // ---- R8: equal deadlines in scheduling order ----------------------------------------------------------------

    [Test]
    public void EqualDeadlines_MixedSleepCallLaterCallAt_ScheduledAtDifferentTimesAndLevels_R8([Values(0, 1, 2)] int tickPattern)
    {
        var (clock, loop, _) = NewLoop();
        var order = new List<string>();
        long due = TimeSpan.TicksPerHour;
        IEnumerator<IAwaitable> Sleeper(string name, long delay)
        {
            yield return Co.Sleep(TimeSpan.FromTicks(delay));
            order.Add(name);
        }

        void At(long t)
        {
            if (t > clock.Now.Ticks)
            {
                clock.Set(TimeSpan.FromTicks(t));
            }

            loop.Tick();
        }

        loop.CallLater(TimeSpan.FromHours(1), () => order.Add("A-calllater-1h"));          // t=0
        loop.Start(Sleeper("B-sleep-1h", due));                                              // step at t=0
        At(0);
        At(TimeSpan.TicksPerMinute * 50);
        loop.CallAt(TimeSpan.FromTicks(due), () => order.Add("C-callat"));                 // t=50min
        loop.Start(Sleeper("D-sleep-10min", due - clock.Now.Ticks));
        At(clock.Now.Ticks);                                                                  // D parks now
        if (tickPattern >= 1)
        {
            At(due - TimeSpan.TicksPerSecond);
        }

        if (tickPattern >= 2)
        {
            At(due - 16384);
            At(due - 100);
        }

        clock.Set(TimeSpan.FromTicks(Math.Max(clock.Now.Ticks, due - 1)));
        loop.CallLater(TimeSpan.FromTicks(due - clock.Now.Ticks), () => order.Add("E-calllater-short"));
        loop.CallAt(TimeSpan.FromTicks(due), () => order.Add("F-callat-late"));
        loop.Tick();
        Assert.That(order, Is.Empty);
        At(due);
        Assert.That(order, Is.EqualTo(new[]
        {
            "A-calllater-1h", "B-sleep-1h", "C-callat", "D-sleep-10min", "E-calllater-short", "F-callat-late",
        }));
    }

    [Test]
    public void ManyEqualDeadlines_KeepSchedulingOrder_InOneSlot_R8()
    {
        var (clock, loop, _) = NewLoop();
        var order = new List<int>();
        for (int i = 0; i < 500; i++)
        {
            int id = i;
            loop.CallLater(TimeSpan.FromSeconds(2), () => order.Add(id));
        }

        clock.Advance(1.0);
        loop.Tick();
        for (int i = 500; i < 1000; i++)
        {
            int id = i;
            loop.CallLater(TimeSpan.FromSeconds(1), () => order.Add(id));
        }

        clock.Advance(1.0);
        loop.Tick();
        Assert.That(order, Is.EqualTo(Enumerable.Range(0, 1000).ToList()));
    }

    // ---- R7/R8 model: a random schedule checked against a reference ---------------------------------------------

    private sealed class Rec
    {
        public int Id;
        public long Deadline;
        public long Seq;
        public long ScheduledAfterTick;   // eligible from the tick after this count
        public bool Fired;
        public bool Cancelled;
        public CallbackHandle? Handle;
        public LoopTask? Task;
    }

    private sealed class TaskBox
    {
        public LoopTask? Task;
    }

    private static long RandomDelay(Random rng)
    {
        long[] scales =
        {
            0, -5, 1, 100, 16383, 16384, 16385, TimeSpan.TicksPerMillisecond, 100 * TimeSpan.TicksPerMillisecond,
            TimeSpan.TicksPerSecond, 10 * TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour, 30 * TimeSpan.TicksPerDay,
            365 * TimeSpan.TicksPerDay,
        };
        long s = scales[rng.Next(scales.Length)];
        return rng.Next(4) switch
        {
            0 => s,
            1 => s + rng.Next(-2, 3),
            _ => s <= 0 ? s : (long)(rng.NextDouble() * s * 2),
        };
    }

    [Test]
    public void RandomScheduleMatchesTheReferenceModel_R7_R8([Range(1, 40)] int seed)
    {
        var rng = new Random(seed);
        long start = rng.Next(3) == 0 ? 0 : (long)(rng.NextDouble() * 10 * 365 * TimeSpan.TicksPerDay);
        var (clock, loop, unhandled) = NewLoop(start);
        var all = new List<Rec>();
        var firedThisTick = new List<int>();
        long seq = 0;

        Rec NewRec(long delay, bool absolute)
        {
            long now = loop.Time.Ticks;
            var r = new Rec
            {
                Id = all.Count,
                Deadline = absolute ? Math.Max(delay, now) : now + Math.Max(0, delay),
                Seq = ++seq,
                ScheduledAfterTick = loop.TickCount,
            };
            all.Add(r);
            return r;
        }

        void ScheduleCallback(long delay, bool absolute)
        {
            Rec r = NewRec(delay, absolute);
            Action cb = () =>
            {
                Assert.That(r.Cancelled, Is.False, "a cancelled callback ran");
                firedThisTick.Add(r.Id);
                if (rng.Next(3) == 0)
                {
                    ScheduleCallback(RandomDelay(rng), false);
                }
            };
            r.Handle = absolute ? loop.CallAt(TimeSpan.FromTicks(delay), cb) : loop.CallLater(TimeSpan.FromTicks(delay), cb);
        }

        IEnumerator<IAwaitable> Sleeper(TaskBox box)
        {
            while (true)
            {
                long d = RandomDelay(rng);
                Rec r = NewRec(d, false);
                r.Task = box.Task;
                yield return Co.Sleep(TimeSpan.FromTicks(d));
                Assert.That(r.Cancelled, Is.False, "a cancelled sleeper resumed");
                firedThisTick.Add(r.Id);
                if (rng.Next(2) == 0)
                {
                    yield break;
                }
            }
        }

        for (int op = 0; op < 400; op++)
        {
            int kind = rng.Next(10);
            if (kind <= 2)
            {
                ScheduleCallback(kind == 2 ? clock.Now.Ticks + RandomDelay(rng) : RandomDelay(rng), kind == 2);
            }
            else if (kind == 3)
            {
                var box = new TaskBox();
                box.Task = loop.Start(Sleeper(box));
            }
            else if (kind == 4)
            {
                var pending = all.Where(r => !r.Fired && !r.Cancelled).ToList();
                if (pending.Count > 0)
                {
                    Rec victim = pending[rng.Next(pending.Count)];
                    Future target = (Future?)victim.Handle ?? victim.Task!;
                    Assert.That(target.Cancel(), Is.True);
                    victim.Cancelled = true;
                }
            }
            else if (kind <= 6)
            {
                var pending = all.Where(r => !r.Fired && !r.Cancelled).Select(r => r.Deadline).ToList();
                long target = pending.Count > 0 && rng.Next(2) == 0 ? pending.Min() + rng.Next(-1, 1) : clock.Now.Ticks + RandomDelay(rng);
                if (target > clock.Now.Ticks)
                {
                    clock.Set(TimeSpan.FromTicks(target));
                }
            }
            else
            {
                long tickNo = loop.TickCount + 1;
                long now = clock.Now.Ticks;
                var expected = all
                    .Where(r => !r.Fired && !r.Cancelled && r.ScheduledAfterTick < tickNo && r.Deadline <= now)
                    .OrderBy(r => r.Deadline).ThenBy(r => r.Seq).Select(r => r.Id).ToList();
                firedThisTick.Clear();
                loop.Tick();
                Assert.That(firedThisTick, Is.EqualTo(expected), $"seed {seed}, op {op}, tick {tickNo} at {now}");
                foreach (int id in expected)
                {
                    all[id].Fired = true;
                }

                int pendingCount = all.Count(r => !r.Fired && !r.Cancelled);
                Assert.That(loop.PendingTimerCount, Is.EqualTo(pendingCount), $"seed {seed}, op {op}: PendingTimerCount");
            }
        }

        Assert.That(unhandled, Is.Empty);
    }

    // ---- R9: zero, negative, NaN, infinity ----------------------------------------------------------------------

    [Test]
    public void ZeroAndNegativeSleeps_ResumeInTheNextTick_R9()
    {
        var (clock, loop, _) = NewLoop();
        var world = new GameClock(loop, "world");
        var paused = new GameClock(loop, "paused");
        paused.Pause();
        var ticks = new List<long>();
        IEnumerator<IAwaitable> Body()
        {
            yield return Co.Sleep(0);
            ticks.Add(loop.TickCount);
            yield return Co.Sleep(-1);
            ticks.Add(loop.TickCount);
            yield return Co.Sleep(TimeSpan.Zero);
            ticks.Add(loop.TickCount);
            yield return Co.Sleep(TimeSpan.MinValue);
            ticks.Add(loop.TickCount);
            yield return Co.Sleep(-1e300);
            ticks.Add(loop.TickCount);
            yield return Co.SleepRealtime(0);
            ticks.Add(loop.TickCount);
            yield return Co.SleepRealtime(-3);
            ticks.Add(loop.TickCount);
            yield return Co.SleepRealtime(TimeSpan.FromSeconds(-3));
            ticks.Add(loop.TickCount);
            yield return world.Sleep(0);
            ticks.Add(loop.TickCount);
            yield return world.Sleep(-2.5);
            ticks.Add(loop.TickCount);
            yield return paused.Sleep(0);
            ticks.Add(loop.TickCount);
            yield return paused.Sleep(TimeSpan.FromSeconds(-1));
            ticks.Add(loop.TickCount);
            yield return Co.Sleep(double.Epsilon);   // rounds to zero ticks
            ticks.Add(loop.TickCount);
        }

        LoopTask t = loop.Start(Body());
        for (int i = 0; i < 20 && !t.IsCompleted; i++)
        {
            loop.Tick();   // the clock never moves
        }

        Assert.That(t.IsSucceeded, Is.True, t.Exception?.ToString());
        Assert.That(ticks, Is.EqualTo(Enumerable.Range(2, 13).Select(i => (long)i).ToList()));
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void ZeroAndNegativeSleeps_InATaskBoundToAPausedClock_ResumeInTheNextTick_R9()
    {
        var (_, loop, _) = NewLoop();
        var world = new GameClock(loop, "world");
        world.Pause();
        var ticks = new List<long>();
        IEnumerator<IAwaitable> Body()
        {
            yield return Co.Sleep(0);
            ticks.Add(loop.TickCount);
            yield return Co.Sleep(-4);
            ticks.Add(loop.TickCount);
        }

        LoopTask t = world.Start(Body());
        loop.Tick();
        loop.Tick();
        loop.Tick();
        Assert.That(ticks, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(t.IsSucceeded, Is.True);
    }

    [Test]
    public void ZeroAndNegativeCallbacks_RunInTheNextTick_FromOutsideAndInside_R9()
    {
        var (_, loop, _) = NewLoop(1000);
        var log = new List<string>();
        loop.CallLater(0, () => log.Add("later0@" + loop.TickCount));
        loop.CallLater(-5, () => log.Add("later-5@" + loop.TickCount));
        loop.CallLater(TimeSpan.MinValue, () => log.Add("laterMin@" + loop.TickCount));
        loop.CallAt(TimeSpan.Zero, () => log.Add("atPast@" + loop.TickCount));
        loop.CallAt(TimeSpan.MinValue, () => log.Add("atMin@" + loop.TickCount));
        loop.CallSoon(() =>
        {
            log.Add("soon@" + loop.TickCount);
            loop.CallLater(0, () => log.Add("inner0@" + loop.TickCount));
            loop.CallLater(-1e300, () => log.Add("innerNeg@" + loop.TickCount));
            loop.CallAt(TimeSpan.FromTicks(5), () => log.Add("innerAt@" + loop.TickCount));
        });
        loop.Tick();
        loop.Tick();
        loop.Tick();
        Assert.That(log, Is.EqualTo(new[]
        {
            "soon@1", "later0@1", "later-5@1", "laterMin@1", "atPast@1", "atMin@1", "inner0@2", "innerNeg@2", "innerAt@2",
        }));
    }

    [Test]
    public void ZeroPeriodsAreRejected_ForPeriodicApis_R9()
    {
        var (_, loop, _) = NewLoop();
        Assert.That(() => Co.Every(0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => Co.Every(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => Co.Every(TimeSpan.Zero), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => loop.CallEvery(0, _ => { }), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => loop.CallEvery(TimeSpan.FromTicks(-1), _ => { }), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(loop.PendingTaskCount, Is.EqualTo(0));
    }

    private static IEnumerable<double> BadDelays() => new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity };

    [Test]
    public void NaNAndInfinity_AreRejectedByEveryApiThatTakesADelay_R9([ValueSource(nameof(BadDelays))] double bad)
    {
        var (_, loop, _) = NewLoop();
        var world = new GameClock(loop, "world");
        var source = new FutureSource(loop);
        int ran = 0;
        IEnumerator<IAwaitable> Work()
        {
            ran++;
            yield break;
        }

        var errors = new List<string>();
        void Expect(string what, TestDelegate action)
        {
            try
            {
                action();
                errors.Add(what + ": no exception");
            }
            catch (ArgumentOutOfRangeException)
            {
            }
            catch (Exception ex)
            {
                errors.Add(what + ": " + ex.GetType().Name);
            }
        }

        Expect("Co.Sleep", () => Co.Sleep(bad));
        Expect("Co.SleepRealtime", () => Co.SleepRealtime(bad));
        Expect("GameClock.Sleep", () => world.Sleep(bad));
        Expect("CallLater", () => loop.CallLater(bad, () => ran++));
        Expect("Co.Every", () => Co.Every(bad));
        Expect("CallEvery", () => loop.CallEvery(bad, _ => ran++));
        Expect("CallEvery(count)", () => loop.CallEvery(bad, _ => ran++, 3));
        Expect("Co.Timeout(future)", () => Co.Timeout(source.Future, bad));
        Expect("Co.Timeout<T>(future)", () => Co.Timeout(new FutureSource<int>(loop).Future, bad));
        Expect("Co.WaitUntil", () => Co.WaitUntil(() => true, bad));
        Expect("Co.WaitWhile", () => Co.WaitWhile(() => false, bad));
        Expect("Co.WaitTicks", () => Co.WaitTicks(1, bad));
        Expect("Co.WaitUntilChanged", () => Co.WaitUntilChanged(() => 1, bad));

        // Inside a step, where the coroutine form of Timeout can start work.
        IEnumerator<IAwaitable> Inside()
        {
            Expect("Co.Timeout(coroutine)", () => Co.Timeout(loop, Work(), bad));
            Expect("Co.Timeout<T>(coroutine)", () => Co.Timeout<int>(loop, Work(), bad));
            Expect("Co.Sleep (in step)", () => Co.Sleep(bad));
            Expect("CallLater (in step)", () => loop.CallLater(bad, () => ran++));
            yield return Co.NextTick;
        }

        loop.Start(Inside());
        for (int i = 0; i < 4; i++)
        {
            loop.Tick();
        }

        Assert.That(errors, Is.Empty);
        Assert.That(ran, Is.EqualTo(0), "rejected work must never run");
        Assert.That(loop.PendingTimerCount, Is.EqualTo(0));
        Assert.That(loop.PendingTaskCount, Is.EqualTo(0));
    }

    [Test]
    public void TimeoutOfZeroOrLess_ResultOfDoneWork_OtherwiseCancelledAtOnce_R9([Values(0.0, -1.0)] double timeout)
    {
        var (_, loop, _) = NewLoop();
        int ran = 0;
        IEnumerator<IAwaitable> Work()
        {
            ran++;
            yield return Co.Return(5);
        }

        var done = new FutureSource<int>(loop);
        done.SetResult(3);
        var pending = new FutureSource<int>(loop);
        Future<int>? a = null, b = null, c = null;
        IEnumerator<IAwaitable> Body()
        {
            a = Co.Timeout<int>(done.Future, timeout);
            b = Co.Timeout<int>(pending.Future, timeout);
            c = Co.Timeout<int>(loop, Work(), timeout);
            yield return Co.Settle(a);
            yield return Co.Settle(b);
            yield return Co.Settle(c);
        }

        LoopTask t = loop.Start(Body());
        for (int i = 0; i < 10 && !t.IsCompleted; i++)
        {
            loop.Tick();
        }

        Assert.That(t.IsSucceeded, Is.True);
        Assert.That(a!.Result, Is.EqualTo(3));
        Assert.That(b!.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(pending.Future.IsCancelled, Is.True);
        Assert.That(c!.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(ran, Is.EqualTo(0), "an unstarted coroutine never runs under a zero timeout");
    }

    // ---- R10: time never goes backwards ---------------------------------------------------------------------------

    [Test]
    public void ManualClock_RejectsBackwardsAndNaNMoves_AndStaysUnchanged_R10()
    {
        var clock = new ManualClock(TimeSpan.FromSeconds(10));
        Assert.That(() => clock.Set(TimeSpan.FromSeconds(9.9999999)), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => clock.Advance(-1e-7), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => clock.Advance(-1.0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => clock.Advance(double.NaN), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => clock.Advance(double.NegativeInfinity), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => clock.Advance(double.PositiveInfinity), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => clock.Advance(TimeSpan.FromTicks(-1)), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => clock.Advance(TimeSpan.MinValue), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new ManualClock(TimeSpan.FromTicks(-1)), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(10)));
        clock.Set(TimeSpan.FromSeconds(10));   // the same time is fine
        clock.Advance(0);
        clock.Advance(TimeSpan.Zero);
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    private sealed class WobblyClock : IClock
    {
        public TimeSpan Value;

        public TimeSpan Now => Value;
    }

    [Test]
    public void ACustomClockThatGoesBackwards_LoopTimeNeverGoesBackAndTimersAreNotEarly_R10()
    {
        var clock = new WobblyClock { Value = TimeSpan.FromSeconds(10) };
        var loop = new EventLoop(clock, "wobbly");
        var world = new GameClock(loop, "world");
        var log = new List<string>();
        var times = new List<TimeSpan>();
        IEnumerator<IAwaitable> Body()
        {
            times.Add(loop.Time);
            yield return Co.Sleep(1.0);   // scheduled at loop time 10 -> due 11
            times.Add(loop.Time);
            log.Add("slept@" + loop.Time.TotalSeconds);
        }

        loop.Start(Body());
        loop.Tick();   // t = 10
        clock.Value = TimeSpan.FromSeconds(5);   // backwards
        Assert.That(loop.Time, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(world.Now, Is.EqualTo(TimeSpan.Zero).Or.GreaterThan(TimeSpan.Zero));
        TimeSpan worldBefore = world.Now;
        loop.CallLater(1.0, () => log.Add("cb@" + loop.Time.TotalSeconds));   // due 11, not 6
        loop.Tick();
        Assert.That(loop.Time, Is.EqualTo(TimeSpan.FromSeconds(10)));
        clock.Value = TimeSpan.FromSeconds(10.5);
        loop.Tick();
        Assert.That(log, Is.Empty);
        Assert.That(world.Now, Is.GreaterThanOrEqualTo(worldBefore));
        clock.Value = TimeSpan.FromSeconds(3);
        loop.Tick();
        Assert.That(loop.Time, Is.EqualTo(TimeSpan.FromSeconds(10.5)));
        clock.Value = TimeSpan.FromSeconds(11);
        loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { "slept@11", "cb@11" }));
        Assert.That(times, Is.EqualTo(new[] { TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11) }));
        loop.Close();
    }

    [Test]
    public void BackwardsCustomClock_InsideAStepTheTickTimeIsUsed_R10()
    {
        var clock = new WobblyClock { Value = TimeSpan.FromSeconds(100) };
        var loop = new EventLoop(clock, "wobbly");
        var seen = new List<TimeSpan>();
        IEnumerator<IAwaitable> Body()
        {
            while (true)
            {
                seen.Add(loop.Time);
                yield return Co.NextTick;
            }
        }

        loop.Start(Body());
        foreach (double t in new[] { 100, 50, 120, 119.9, 0, 130 })
        {
            clock.Value = TimeSpan.FromSeconds(t);
            loop.Tick();
        }

        Assert.That(seen.Select(s => s.TotalSeconds), Is.EqualTo(new double[] { 100, 100, 120, 120, 120, 130 }));
        loop.Close();
    }

    // ---- R11: periodic waits do not drift ---------------------------------------------------------------------------

    private static IEnumerable<double> Periods() => new[] { 1.0 / 3, 0.1, 1.0 / 60, 0.7 };

    [Test]
    public void CoEvery_KthResumptionAtT0PlusKP_Over10000Periods_R11([ValueSource(nameof(Periods))] double p)
    {
        var (clock, loop, _) = NewLoop(12345);
        clock.AutoJump = true;
        const int n = 10000;
        var times = new long[n];
        var skipped = new long[n];
        long t0 = -1;
        IEnumerator<IAwaitable> Body()
        {
            Interval every = Co.Every(p);
            t0 = loop.Time.Ticks;
            for (int k = 0; k < n; k++)
            {
                yield return every;
                times[k] = loop.Time.Ticks;
                skipped[k] = every.Skipped;
            }
        }

        loop.Start(Body());
        loop.RunUntilIdle();
        for (int k = 1; k <= n; k++)
        {
            long expected = t0 + (long)Math.Round(k * (decimal)p * TimeSpan.TicksPerSecond, MidpointRounding.ToEven);
            Assert.That(times[k - 1], Is.EqualTo(expected).Within(0), $"k={k}");
            Assert.That(skipped[k - 1], Is.EqualTo(0));
        }
    }

    [Test]
    public void CallEvery_KthFiringAtT0PlusKP_Over10000Periods_R11([ValueSource(nameof(Periods))] double p)
    {
        var (clock, loop, _) = NewLoop(999);
        clock.AutoJump = true;
        var ticks = new List<PeriodicTick>();
        var at = new List<long>();
        long t0 = loop.Time.Ticks;
        LoopTask handle = loop.CallEvery(p, tick =>
        {
            ticks.Add(tick);
            at.Add(loop.Time.Ticks);
        }, 10000);
        loop.RunUntilIdle();
        Assert.That(handle.IsSucceeded, Is.True);
        Assert.That(ticks, Has.Count.EqualTo(10000));
        for (int k = 1; k <= 10000; k++)
        {
            long expected = t0 + (long)Math.Round(k * (decimal)p * TimeSpan.TicksPerSecond, MidpointRounding.ToEven);
            PeriodicTick tick = ticks[k - 1];
            Assert.That(at[k - 1], Is.EqualTo(expected), $"k={k}");
            Assert.That(tick.Due.Ticks, Is.EqualTo(expected), $"k={k}");
            Assert.That(tick.Index, Is.EqualTo(k));
            Assert.That(tick.Count, Is.EqualTo(k));
            Assert.That(tick.Skipped, Is.EqualTo(0));
        }
    }

    [Test]
    public void CoEvery_OnAFrameClock_ResumesAtTheFirstFrameAtOrAfterEachGridPoint_R11()
    {
        var (clock, loop, _) = NewLoop();
        var resumed = new List<long>();
        IEnumerator<IAwaitable> Body()
        {
            Interval every = Co.Every(0.1);
            while (true)
            {
                yield return every;
                resumed.Add(loop.Time.Ticks);
            }
        }

        loop.Start(Body());
        loop.Tick();   // t0 = 0
        var frames = new List<long>();
        for (int f = 0; f < 60 * 1000; f++)
        {
            clock.Advance(1.0 / 60);
            frames.Add(clock.Now.Ticks);
            loop.Tick();
        }

        // Expected: for each grid point k*0.1 s up to the last frame, the first frame at or after it (one resume per
        // frame at most).
        var expected = new List<long>();
        long k = 1;
        foreach (long f in frames)
        {
            if (f >= k * 1_000_000)
            {
                expected.Add(f);
                while (k * 1_000_000 <= f)
                {
                    k++;
                }
            }
        }

        Assert.That(resumed, Is.EqualTo(expected));
        Assert.That(resumed, Has.Count.EqualTo(10000));
    }

    [Test]
    public void LateTick_FiresOnceSkipsAndStaysOnTheGrid_CoEvery_R11()
    {
        var (clock, loop, _) = NewLoop();
        var log = new List<(double T, long Skipped)>();
        IEnumerator<IAwaitable> Body()
        {
            Interval every = Co.Every(1.0);
            while (true)
            {
                yield return every;
                log.Add((loop.Time.TotalSeconds, every.Skipped));
            }
        }

        loop.Start(Body());
        loop.Tick();                     // t0 = 0
        clock.Set(TimeSpan.FromSeconds(3.5));
        loop.Tick();                     // late: deadlines 1, 2, 3 passed -> one resume, 2 skipped
        clock.Set(TimeSpan.FromSeconds(3.9999999));
        loop.Tick();                     // not yet
        clock.Set(TimeSpan.FromSeconds(4));
        loop.Tick();                     // on the grid at 4
        clock.Set(TimeSpan.FromSeconds(5));
        loop.Tick();
        clock.Set(TimeSpan.FromSeconds(9));
        loop.Tick();                     // 6, 7, 8, 9 passed -> resume once, 3 skipped
        clock.Set(TimeSpan.FromSeconds(10));
        loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { (3.5, 2L), (4.0, 0L), (5.0, 0L), (9.0, 3L), (10.0, 0L) }));
    }

    [Test]
    public void LateTick_FiresOnceSkipsAndStaysOnTheGrid_CallEvery_R11()
    {
        var (clock, loop, _) = NewLoop();
        clock.Advance(0.25);
        var log = new List<PeriodicTick>();
        var at = new List<double>();
        loop.CallEvery(TimeSpan.FromSeconds(1), t =>
        {
            log.Add(t);
            at.Add(loop.Time.TotalSeconds);
        });
        loop.Tick();                       // t = 0.25 = t0
        clock.Set(TimeSpan.FromSeconds(3.75));
        loop.Tick();                       // 1.25, 2.25, 3.25 passed
        clock.Set(TimeSpan.FromSeconds(4.2499999));
        loop.Tick();
        clock.Set(TimeSpan.FromSeconds(4.25));
        loop.Tick();
        Assert.That(at, Is.EqualTo(new[] { 3.75, 4.25 }));
        Assert.That(log[0].Index, Is.EqualTo(3));
        Assert.That(log[0].Skipped, Is.EqualTo(2));
        Assert.That(log[0].Count, Is.EqualTo(1));
        Assert.That(log[0].Due, Is.EqualTo(TimeSpan.FromSeconds(3.25)));
        Assert.That(log[1].Index, Is.EqualTo(4));
        Assert.That(log[1].Skipped, Is.EqualTo(0));
        Assert.That(log[1].Due, Is.EqualTo(TimeSpan.FromSeconds(4.25)));
    }

    [Test]
    public void CoEvery_ABodyThatOverrunsResumesAtTheNextGridPoint_R11()
    {
        var (clock, loop, _) = NewLoop();
        clock.AutoJump = true;
        var at = new List<double>();
        IEnumerator<IAwaitable> Body()
        {
            Interval every = Co.Every(1.0);
            yield return every;
            at.Add(loop.Time.TotalSeconds);
            yield return Co.Sleep(2.5);      // overrun: 2 and 3 pass
            yield return every;
            at.Add(loop.Time.TotalSeconds);
            yield return every;
            at.Add(loop.Time.TotalSeconds);
        }

        loop.Start(Body());
        loop.RunUntilIdle();
        Assert.That(at, Is.EqualTo(new[] { 1.0, 4.0, 5.0 }));
    }

    [Test]
    public void CallEveryGridStartsAtTheCallNotAtTheFirstTick_R11()
    {
        var (clock, loop, _) = NewLoop();
        var at = new List<double>();
        loop.CallEvery(0.5, _ => at.Add(loop.Time.TotalSeconds), 3);
        clock.Advance(0.3);
        loop.Tick();
        clock.Advance(0.2);
        loop.Tick();
        clock.Advance(0.5);
        loop.Tick();
        clock.Advance(0.5);
        loop.Tick();
        clock.Advance(0.5);
        loop.Tick();
        Assert.That(at, Is.EqualTo(new[] { 0.5, 1.0, 1.5 }));
    }

    // ---- R12: cancelled timers leave the books ----------------------------------------------------------------------

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ScheduleMany(EventLoop loop, Random rng, CallbackHandle[] handles, List<WeakReference> weak)
    {
        for (int i = 0; i < handles.Length; i++)
        {
            var payload = new object();
            if (i % 10_000 == 0)
            {
                weak.Add(new WeakReference(payload));
            }

            long delay = (long)(rng.NextDouble() * 30 * TimeSpan.TicksPerDay);
            handles[i] = loop.CallLater(TimeSpan.FromTicks(delay), () => GC.KeepAlive(payload));
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void CancelAll(Future[] futures)
    {
        foreach (Future f in futures)
        {
            f.Cancel();
        }

        Array.Clear(futures);
    }

    [Test]
    public void AMillionCancelledCallbacks_LeaveCountMemoryAndTicksFast_R12()
    {
        var (clock, loop, _) = NewLoop();
        const int n = 1_000_000;
        var rng = new Random(7);
        var handles = new CallbackHandle[n];
        var weak = new List<WeakReference>();
        ScheduleMany(loop, rng, handles, weak);

        int ran = 0;
        loop.CallLater(TimeSpan.FromDays(31), () => ran++);
        Assert.That(loop.PendingTimerCount, Is.EqualTo(n + 1));
        CancelAll(handles);
        var sw = Stopwatch.StartNew();
        loop.Tick();
        TimeSpan purge = sw.Elapsed;
        Assert.That(loop.PendingTimerCount, Is.EqualTo(1));
        Assert.That(loop.NextWakeTime, Is.EqualTo(TimeSpan.FromDays(31)));
        // The pending count above and the released callbacks below are the direct measures of the purge; the times here
        // and after the ticks are gross checks only (a loaded machine can stretch milliseconds to seconds), catching a
        // purge or a tick that got stuck rather than one that got slower.
        Assert.That(purge, Is.LessThan(HangGuard.Limit / 2));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.That(string.Join(",", weak.Select((w, i) => w.IsAlive ? i : -1).Where(i => i >= 0)), Is.EqualTo(""), "cancelled callbacks are still referenced");

        sw.Restart();
        for (int i = 0; i < 1000; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            loop.Tick();
        }

        Assert.That(sw.Elapsed, Is.LessThan(HangGuard.Limit / 2), "ticks after the purge must stay fast");
        clock.AutoJump = true;
        loop.RunUntilIdle();
        Assert.That(ran, Is.EqualTo(1));
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromDays(31)));
    }

    [Test]
    public void CancelledSleepingTasks_LeaveTheBooksByTheEndOfTheNextTick_AndAutoJumpIgnoresThem_R12()
    {
        var (clock, loop, _) = NewLoop();
        const int n = 200_000;
        var tasks = new LoopTask[n];
        var weak = new List<WeakReference>();
        int finallies = 0;
        IEnumerator<IAwaitable> Sleeper(double d, object payload)
        {
            try
            {
                yield return Co.Sleep(d);
                GC.KeepAlive(payload);
            }
            finally
            {
                finallies++;
            }
        }

        for (int i = 0; i < n; i++)
        {
            var payload = new object();
            if (i % 2000 == 0)
            {
                weak.Add(new WeakReference(payload));
            }

            tasks[i] = loop.Start(Sleeper(1 + (i % 5000), payload));
        }

        loop.Tick();
        Assert.That(loop.PendingTimerCount, Is.EqualTo(n));
        foreach (LoopTask t in tasks)
        {
            t.Cancel();
        }

        loop.Tick();
        Assert.That(finallies, Is.EqualTo(n));
        Assert.That(loop.PendingTimerCount, Is.EqualTo(0));
        Assert.That(loop.NextWakeTime, Is.Null);
        Array.Clear(tasks);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.That(weak.Count(w => w.IsAlive), Is.EqualTo(0), "cancelled sleeping tasks are still referenced");
        clock.AutoJump = true;
        loop.RunUntilIdle();
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.Zero), "auto-jump followed a cancelled timer");
    }

    [Test]
    public void CancelAndRescheduleChurn_DoesNotGrowTheBooks_R12()
    {
        var (clock, loop, _) = NewLoop();
        int fired = 0;
        for (int round = 0; round < 200; round++)
        {
            var hs = new List<CallbackHandle>();
            for (int i = 0; i < 5000; i++)
            {
                hs.Add(loop.CallLater(TimeSpan.FromSeconds(1 + i), () => fired++));
            }

            foreach (CallbackHandle h in hs)
            {
                h.Cancel();
            }

            clock.Advance(TimeSpan.FromMilliseconds(10));
            loop.Tick();
            Assert.That(loop.PendingTimerCount, Is.EqualTo(0));
        }

        clock.Advance(TimeSpan.FromDays(1));
        loop.Tick();
        Assert.That(fired, Is.EqualTo(0));
        Assert.That(loop.NextWakeTime, Is.Null);
    }
}
