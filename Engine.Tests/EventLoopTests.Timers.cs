using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Runtime.CompilerServices;
using Moq;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>R7-R12 as seen through the loop: sleeps and delayed callbacks, the clock, cancelled timers.</summary>
public partial class EventLoopTests
{
    // ---- R7: never early, first tick at or past the deadline -----------------------------------------------------

    [TestCase(1e-7)]
    [TestCase(0.001)]
    [TestCase(1.0 / 3)]
    [TestCase(1.0)]
    [TestCase(3600.0)]
    [TestCase(86_400.0 * 365)]
    public void Sleep_NeverResumesBeforeItsDeadlineAndResumesInTheTickThatReachesIt_R7(double seconds)
    {
        var t = new TestLoop(startSeconds: 12.3456789);
        var log = new List<string>();
        long deadline = TimeSpan.FromSeconds(12.3456789).Ticks + (long)Math.Round(seconds * TimeSpan.TicksPerSecond);
        t.Loop.Start(SleepThenLog(Co.Sleep(seconds), log, "woke"));
        t.Tick();

        // Approach the deadline in shrinking steps; every tick before it must leave the sleeper asleep.
        while (t.Clock.Now.Ticks < deadline - 1)
        {
            t.Clock.Advance(TimeSpan.FromTicks(Math.Max(1, (deadline - 1 - t.Clock.Now.Ticks) / 2)));
            t.Tick();
            Assert.That(log, Is.Empty, $"woke early at {t.Clock.Now.Ticks}, deadline {deadline}");
        }

        t.Tick();
        Assert.That(log, Is.Empty);
        t.Clock.Advance(TimeSpan.FromTicks(1));
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "woke" }), "the first tick at the deadline runs it");
    }

    [Test]
    public void Timers_FireInTheFirstTickPastTheirDeadline_WhenTheClockJumps_R7()
    {
        var t = new TestLoop();
        var firedAt = new Dictionary<string, long>();
        EventLoop loop = t.Loop;
        loop.CallLater(0.25, () => firedAt["0.25"] = loop.TickCount);
        loop.CallLater(TimeSpan.FromSeconds(2), () => firedAt["2"] = loop.TickCount);
        loop.CallAt(TimeSpan.FromSeconds(7), () => firedAt["at 7"] = loop.TickCount);
        loop.Start(SleepThenLog(Co.Sleep(5), new List<string>(), "sleep")).AddCallback(_ => firedAt["sleep 5"] = -1);
        t.Tick();                        // tick 1 at 0: the sleep starts at 0
        t.AdvanceAndTick(0.1);           // tick 2 at 0.1: nothing
        t.AdvanceAndTick(10);            // tick 3 at 10.1: everything is past
        Assert.That(firedAt["0.25"], Is.EqualTo(3));
        Assert.That(firedAt["2"], Is.EqualTo(3));
        Assert.That(firedAt["at 7"], Is.EqualTo(3));
        Assert.That(loop.PendingTimerCount, Is.Zero);
    }

    // ---- R8: equal deadlines in scheduling order -----------------------------------------------------------------

    [Test]
    public void EqualDeadlines_FireInTheOrderTheyWereScheduled_R8()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var log = new List<string>();
        var expected = new List<string>();
        for (int i = 0; i < 300; i++)
        {
            string name = "n" + i;
            expected.Add(name);
            switch (i % 3)
            {
                case 0:
                    loop.Start(SleepThenLog(Co.Sleep(1), log, name));
                    break;
                case 1:
                    loop.Start(Run(() => loop.CallLater(1, () => log.Add(name))));
                    break;
                default:
                    loop.Start(SleepThenLog(Co.Sleep(TimeSpan.FromSeconds(1)), log, name));
                    break;
            }
        }

        t.Tick();
        t.AdvanceAndTick(1);
        Assert.That(log, Is.EqualTo(expected));
    }

    [Test]
    public void EqualDeadlines_ScheduledAtDifferentTimesAndDistances_FireInSchedulingOrder_R8()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var log = new List<string>();
        var hour = TimeSpan.FromHours(1);
        loop.CallLater(hour, () => log.Add("A: at 0, in 1 h"));
        loop.CallAt(hour, () => log.Add("B: at 0, at 1 h"));
        t.Clock.Set(hour - TimeSpan.FromMinutes(10));
        t.Tick();
        loop.CallLater(TimeSpan.FromMinutes(10), () => log.Add("C: 10 min before, in 10 min"));
        t.Clock.Set(hour - TimeSpan.FromSeconds(1));
        t.Tick();
        loop.Start(SleepThenLog(Co.Sleep(1), log, "D: 1 s before, sleeps 1 s"));
        t.Tick();
        t.Clock.Set(hour - TimeSpan.FromTicks(1));
        t.Tick();
        loop.CallLater(TimeSpan.FromTicks(1), () => log.Add("E: 100 ns before, in 100 ns"));
        loop.CallLater(TimeSpan.FromTicks(2), () => log.Add("F: one tick later"));
        Assert.That(log, Is.Empty);

        t.Clock.Set(hour);
        t.Tick();
        Assert.That(log, Is.EqualTo(new[]
        {
            "A: at 0, in 1 h", "B: at 0, at 1 h", "C: 10 min before, in 10 min", "D: 1 s before, sleeps 1 s", "E: 100 ns before, in 100 ns",
        }));
    }

    // ---- R9: zero and negative delays; NaN and infinity -----------------------------------------------------------

    private static IEnumerable<TestCaseData> SoonSleeps()
    {
        yield return new TestCaseData((Func<IAwaitable>)(() => Co.Sleep(0.0))).SetArgDisplayNames("Sleep(0)");
        yield return new TestCaseData((Func<IAwaitable>)(() => Co.Sleep(-1.0))).SetArgDisplayNames("Sleep(-1)");
        yield return new TestCaseData((Func<IAwaitable>)(() => Co.Sleep(-1e300))).SetArgDisplayNames("Sleep(-1e300)");
        yield return new TestCaseData((Func<IAwaitable>)(() => Co.Sleep(double.Epsilon))).SetArgDisplayNames("Sleep(epsilon)");
        yield return new TestCaseData((Func<IAwaitable>)(() => Co.Sleep(TimeSpan.Zero))).SetArgDisplayNames("Sleep(TimeSpan.Zero)");
        yield return new TestCaseData((Func<IAwaitable>)(() => Co.Sleep(TimeSpan.FromSeconds(-5)))).SetArgDisplayNames("Sleep(-5 s)");
        yield return new TestCaseData((Func<IAwaitable>)(() => Co.Sleep(TimeSpan.MinValue))).SetArgDisplayNames("Sleep(TimeSpan.MinValue)");
    }

    [TestCaseSource(nameof(SoonSleeps))]
    public void ZeroOrNegativeSleep_ResumesInTheNextTickNotTheSameOne_R9(Func<IAwaitable> sleep)
    {
        var t = new TestLoop(startSeconds: 100);
        EventLoop loop = t.Loop;
        var ticks = new List<long>();
        loop.Start(Body());
        t.Tick(4);
        Assert.That(ticks, Is.EqualTo(new long[] { 1, 2, 3 }), "one resume per tick, without moving the clock");

        IEnumerator<IAwaitable> Body()
        {
            ticks.Add(loop.TickCount);
            yield return sleep();
            ticks.Add(loop.TickCount);
            yield return sleep();
            ticks.Add(loop.TickCount);
        }
    }

    private static IEnumerable<TestCaseData> SoonCallbacks()
    {
        yield return new TestCaseData((Action<EventLoop, Action>)((l, a) => l.CallLater(0.0, a))).SetArgDisplayNames("CallLater(0)");
        yield return new TestCaseData((Action<EventLoop, Action>)((l, a) => l.CallLater(-3.5, a))).SetArgDisplayNames("CallLater(-3.5)");
        yield return new TestCaseData((Action<EventLoop, Action>)((l, a) => l.CallLater(TimeSpan.Zero, a))).SetArgDisplayNames("CallLater(TimeSpan.Zero)");
        yield return new TestCaseData((Action<EventLoop, Action>)((l, a) => l.CallLater(TimeSpan.MinValue, a))).SetArgDisplayNames("CallLater(TimeSpan.MinValue)");
        yield return new TestCaseData((Action<EventLoop, Action>)((l, a) => l.CallAt(l.Time, a))).SetArgDisplayNames("CallAt(now)");
        yield return new TestCaseData((Action<EventLoop, Action>)((l, a) => l.CallAt(TimeSpan.Zero, a))).SetArgDisplayNames("CallAt(past)");
        yield return new TestCaseData((Action<EventLoop, Action>)((l, a) => l.CallAt(TimeSpan.MinValue, a))).SetArgDisplayNames("CallAt(TimeSpan.MinValue)");
    }

    [TestCaseSource(nameof(SoonCallbacks))]
    public void ZeroOrNegativeDelayCallback_RunsInTheNextTick_R9(Action<EventLoop, Action> schedule)
    {
        var t = new TestLoop(startSeconds: 100);
        EventLoop loop = t.Loop;
        var ranIn = new List<long>();
        schedule(loop, () => ranIn.Add(loop.TickCount));
        t.Tick();
        Assert.That(ranIn, Is.EqualTo(new long[] { 1 }), "scheduled between ticks: the next tick");

        loop.Start(Run(() => schedule(loop, () => ranIn.Add(loop.TickCount))));
        t.Tick();
        Assert.That(ranIn, Is.EqualTo(new long[] { 1 }), "scheduled inside tick 2: not in tick 2");
        t.Tick();
        Assert.That(ranIn, Is.EqualTo(new long[] { 1, 3 }));
    }

    private static IEnumerable<TestCaseData> NonFiniteDelays()
    {
        foreach (double value in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            yield return new TestCaseData(value, (Action<EventLoop, double>)((_, s) => Co.Sleep(s)), "duration").SetArgDisplayNames("Co.Sleep", value.ToString());
            yield return new TestCaseData(value, (Action<EventLoop, double>)((l, s) => l.CallLater(s, () => { })), "delay").SetArgDisplayNames("CallLater", value.ToString());
            yield return new TestCaseData(value, (Action<EventLoop, double>)((_, s) => Co.Every(s)), "period").SetArgDisplayNames("Co.Every", value.ToString());
        }
    }

    [TestCaseSource(nameof(NonFiniteDelays))]
    public void NanOrInfiniteDelay_IsRejectedByTheCallThatCreatesTheWait_R9(double seconds, Action<EventLoop, double> create, string parameter)
    {
        var t = new TestLoop();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => create(t.Loop, seconds));
        Assert.That(ex!.ParamName, Is.EqualTo(parameter));
        Assert.That(ex.Message, Does.Contain("finite"));
        Assert.That(t.Loop.PendingTaskCount, Is.Zero, "nothing was scheduled");
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
    }

    // ---- R10: the clock ------------------------------------------------------------------------------------------

    [Test]
    public void MockedClockThatGoesBackwards_IsTreatedAsStandingStill_R10()
    {
        long now = TimeSpan.FromSeconds(10).Ticks;
        var clock = new Mock<IClock>(MockBehavior.Strict);
        clock.SetupGet(c => c.Now).Returns(() => new TimeSpan(now));
        var loop = new EventLoop(clock.Object, "mocked");
        var log = new List<string>();
        var seen = new List<TimeSpan>();
        loop.Start(SleepThenLog(Co.Sleep(5), log, "sleep 5 from 10"));
        loop.Tick();                                     // at 10: the sleep is due at 15

        now = TimeSpan.FromSeconds(3).Ticks;             // backwards
        loop.Start(Run(() => seen.Add(loop.Time)));
        loop.Start(SleepThenLog(Co.Sleep(1), log, "sleep 1 from the backwards tick"));
        loop.Tick();
        Assert.That(seen, Is.EqualTo(new[] { TimeSpan.FromSeconds(10) }), "a tick never sees time go backwards");
        Assert.That(loop.Time, Is.EqualTo(TimeSpan.FromSeconds(10)), "nor does a reader between ticks");

        now = TimeSpan.FromSeconds(11).Ticks - 1;
        loop.Tick();
        Assert.That(log, Is.Empty, "the sleep started in the backwards tick counts from 10, not 3");
        now = TimeSpan.FromSeconds(11).Ticks;
        loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { "sleep 1 from the backwards tick" }));

        now = TimeSpan.FromSeconds(15).Ticks - 1;
        loop.Tick();
        now = TimeSpan.FromSeconds(14).Ticks;            // backwards again, still before the deadline
        loop.Tick();
        Assert.That(log, Has.Count.EqualTo(1));
        now = TimeSpan.FromSeconds(15).Ticks;
        loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { "sleep 1 from the backwards tick", "sleep 5 from 10" }));
    }

    [Test]
    public void Tick_ReadsTheClockOncePerTick_R10()
    {
        long now = 0;
        var clock = new Mock<IClock>(MockBehavior.Strict);
        clock.SetupGet(c => c.Now).Returns(() => new TimeSpan(now));
        var loop = new EventLoop(clock.Object, "mocked");
        for (int i = 0; i < 20; i++)
        {
            loop.Start(Body());
        }

        loop.CallLater(0.5, () => { });
        clock.Invocations.Clear();
        for (int i = 1; i <= 10; i++)
        {
            now += TimeSpan.TicksPerSecond / 10;
            loop.Tick();
            clock.VerifyGet(c => c.Now, Times.Exactly(i));
        }

        IEnumerator<IAwaitable> Body()
        {
            while (true)
            {
                _ = loop.Time;
                yield return Co.Sleep(0.2);
                loop.CallLater(0.1, () => _ = loop.Time);
            }
        }
    }

    [Test]
    public void LoopTime_BetweenTicks_FollowsTheClockButNeverGoesBelowTheLastTick_R10()
    {
        long now = TimeSpan.FromSeconds(5).Ticks;
        var clock = new Mock<IClock>();
        clock.SetupGet(c => c.Now).Returns(() => new TimeSpan(now));
        var loop = new EventLoop(clock.Object);
        loop.Tick();
        now = TimeSpan.FromSeconds(7).Ticks;
        Assert.That(loop.Time, Is.EqualTo(TimeSpan.FromSeconds(7)));
        now = TimeSpan.FromSeconds(1).Ticks;
        Assert.That(loop.Time, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    // ---- R12: cancelled timers leave the books -------------------------------------------------------------------

    [Test]
    public void CancellingASleepingTask_RemovesItsTimerAtOnce_R12()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask sleeper = t.Loop.Start(SleepThenLog(Co.Sleep(10), log, "woke"));
        t.Tick();
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(1));
        sleeper.Cancel();
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
        t.AdvanceAndTick(20);
        Assert.That(sleeper.IsCancelled, Is.True);
        Assert.That(log, Is.Empty);
    }

    [Test]
    public void CancelledTimers_AtEveryDistance_AreReleasedByTheEndOfTheNextTick_R12([Values(false, true)] bool insideAStep)
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        const int Count = 10_000;
        var weak = new List<WeakReference>();
        var handles = new List<CallbackHandle>();
        var sleepers = new List<LoopTask>();
        bool ran = false;
        CreateTimers();
        t.Tick();   // the sleepers start sleeping
        Assert.That(loop.PendingTimerCount, Is.EqualTo(2 * Count));

        if (insideAStep)
        {
            loop.Start(Run(CancelAll));
            t.Tick();
        }
        else
        {
            CancelAll();
        }

        Assert.That(loop.PendingTimerCount, Is.Zero);
        t.Tick();
        ForceFullCollection();
        Assert.That(weak.Count(w => w.IsAlive), Is.Zero, "the loop keeps no cancelled timer after the next tick");
        Assert.That(loop.PendingTaskCount, Is.Zero);

        t.AdvanceAndTick(TimeSpan.FromDays(400).TotalSeconds);
        Assert.That(ran, Is.False);

        void CreateTimers()
        {
            // Deadlines from 100 ns to a year, so every level of the wheel holds some.
            for (int i = 0; i < Count; i++)
            {
                var delay = TimeSpan.FromTicks((long)Math.Pow(10, 0.0015 * i));
                CallbackHandle handle = loop.CallLater(delay, () => ran = true);
                weak.Add(new WeakReference(handle));
                handles.Add(handle);
                LoopTask sleeper = loop.Start(SleepThenLog(Co.Sleep(delay), new List<string>(), "never"));
                weak.Add(new WeakReference(sleeper));
                sleepers.Add(sleeper);
            }
        }

        void CancelAll()
        {
            foreach (CallbackHandle handle in handles)
            {
                handle.Cancel();
            }

            foreach (LoopTask sleeper in sleepers)
            {
                sleeper.Cancel();
            }

            handles.Clear();
            sleepers.Clear();
        }
    }

    [Test]
    [Category("Stress")]
    public void AMillionCancelledTimers_LeaveNoTimersAndReleaseTheirMemoryByTheEndOfTheNextTick_R12()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        const int Count = 1_000_000;
        long baseline = ForceFullCollection();
        List<WeakReference> sample = ScheduleAndCancel(loop, Count, out long loaded);
        Assert.That(loop.PendingTimerCount, Is.Zero, "a cancelled timer leaves the count at once");

        t.Tick();
        long after = ForceFullCollection();
        Assert.That(sample.Count(w => w.IsAlive), Is.Zero, "no cancelled timer is reachable after the next tick");
        Assert.That(loop.PendingTaskCount, Is.Zero);
        Assert.That(after - baseline, Is.LessThan((loaded - baseline) / 4),
            $"memory: baseline {baseline:N0}, with a million timers {loaded:N0}, after the tick {after:N0}");

        // Later ticks neither run nor revisit them.
        t.AdvanceAndTick(TimeSpan.FromDays(12).TotalSeconds);
        Assert.That(t.Unhandled, Is.Empty);
        Assert.That(loop.PendingTimerCount, Is.Zero);
    }

    // Not inlined, so no local of the test method keeps a handle alive in a Debug build.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> ScheduleAndCancel(EventLoop loop, int count, out long loaded)
    {
        Action callback = static () => throw new AssertionException("a cancelled timer ran");
        var sample = new List<WeakReference>();
        var handles = new CallbackHandle[count];
        for (int i = 0; i < count; i++)
        {
            // Deadlines spread from 1 ms to about 11 days.
            handles[i] = loop.CallLater(TimeSpan.FromMilliseconds(1 + ((i * 7919L) % 1_000_000_000)), callback);
            if (i % 1000 == 0)
            {
                sample.Add(new WeakReference(handles[i]));
            }
        }

        Assert.That(loop.PendingTimerCount, Is.EqualTo(count));
        loaded = ForceFullCollection();
        for (int i = 0; i < count; i++)
        {
            handles[i].Cancel();
        }

        return sample;
    }

    private static long ForceFullCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    // ---- the loop's timers against a reference model --------------------------------------------------------------

    /// <summary>
    /// Random timers through the public API (delayed callbacks, absolute callbacks and sleeping tasks, scheduled
    /// between ticks and from inside callbacks), random cancels and random clock jumps over scales from 100 ns to
    /// hours: each timer runs in the first tick whose time is at or past its deadline, in (deadline, scheduling)
    /// order, and a cancelled one never runs.
    /// </summary>
    [Test]
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded test driver.")]
    public void RandomTimers_RunWhenAndInTheOrderAReferenceModelSays_R7_R8_R12([Values(11, 22, 33)] int seed)
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var random = new Random(seed);
        var model = new List<ModelTimer>();   // pending, in scheduling order
        var fired = new List<int>();
        var timers = new List<ModelTimer>();
        long sequence = 0;

        for (int round = 0; round < 1500; round++)
        {
            int adds = random.Next(6);
            for (int i = 0; i < adds; i++)
            {
                Schedule(loop.Time.Ticks);
            }

            if (model.Count > 0 && random.Next(3) == 0)
            {
                ModelTimer victim = model[random.Next(model.Count)];
                Assert.That(victim.Handle!.Cancel(), Is.True);
                model.Remove(victim);
            }

            t.Clock.Advance(TimeSpan.FromTicks(RandomJump(model)));
            long now = t.Clock.Now.Ticks;
            List<ModelTimer> due = model.Where(m => m.Deadline <= now).OrderBy(m => m.Deadline).ThenBy(m => m.Sequence).ToList();
            model.RemoveAll(m => m.Deadline <= now);
            fired.Clear();
            t.Tick();
            Assert.That(fired, Is.EqualTo(due.Select(m => m.Id)), $"round {round}, now {now}");
            Assert.That(loop.PendingTimerCount, Is.EqualTo(model.Count));
        }

        Assert.That(timers.Count(m => m.Handle!.IsCancelled), Is.GreaterThan(100));
        Assert.That(timers.Count(m => m.Handle!.IsSucceeded), Is.GreaterThan(1000));

        void Schedule(long now)
        {
            long delay = RandomDelay();
            var m = new ModelTimer { Id = timers.Count };
            timers.Add(m);
            switch (random.Next(4))
            {
                case 0:
                    Add(m, now + Math.Max(0, delay));
                    m.Handle = loop.CallLater(TimeSpan.FromTicks(delay), () => Fire(m));
                    break;
                case 1:
                    Add(m, now + Math.Max(0, delay));
                    m.Handle = loop.CallAt(TimeSpan.FromTicks(now + delay), () => Fire(m));
                    break;
                case 2:
                    double seconds = delay / (double)TimeSpan.TicksPerSecond;
                    Add(m, now + Math.Max(0, (long)Math.Round(seconds * TimeSpan.TicksPerSecond)));
                    m.Handle = loop.CallLater(seconds, () => Fire(m));
                    break;
                default:
                    // A sleeping task schedules its timer at its first step, in the next tick.
                    m.Handle = loop.Start(Sleeper(m, delay));
                    break;
            }
        }

        void Add(ModelTimer m, long deadline)
        {
            m.Sequence = sequence++;
            m.Deadline = deadline;
            model.Add(m);
        }

        void Fire(ModelTimer m)
        {
            fired.Add(m.Id);
            if (random.Next(4) == 0)
            {
                Schedule(loop.Time.Ticks);   // scheduled inside a tick: it cannot run before the next one
            }
        }

        IEnumerator<IAwaitable> Sleeper(ModelTimer m, long delay)
        {
            Add(m, loop.Time.Ticks + Math.Max(0, delay));
            yield return Co.Sleep(TimeSpan.FromTicks(delay));
            Fire(m);
        }

        long RandomDelay()
        {
            int shape = random.Next(10);
            if (shape == 0)
            {
                return 0;
            }

            if (shape == 1)
            {
                return -random.Next(1000);
            }

            // Log-uniform from 100 ns to 10 hours.
            return (long)Math.Pow(10, random.NextDouble() * Math.Log10(TimeSpan.FromHours(10).Ticks));
        }

        long RandomJump(List<ModelTimer> pending)
        {
            int shape = random.Next(8);
            if (shape == 0)
            {
                return 0;
            }

            long now = t.Clock.Now.Ticks;
            if (shape <= 2 && pending.Count > 0)
            {
                // Exactly to, or one tick short of, a pending deadline.
                long deadline = pending[random.Next(pending.Count)].Deadline;
                if (deadline > now)
                {
                    return deadline - now - random.Next(2);
                }
            }

            return (long)Math.Pow(10, random.NextDouble() * Math.Log10(TimeSpan.FromHours(2).Ticks));
        }
    }

    private static IEnumerator<IAwaitable> SleepThenRun(TimeSpan delay, Action action)
    {
        yield return Co.Sleep(delay);
        action();
    }

    private sealed class ModelTimer
    {
        public int Id { get; set; }

        public long Sequence { get; set; }

        public long Deadline { get; set; }

        public Future? Handle { get; set; }
    }
}
