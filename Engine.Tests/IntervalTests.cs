using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>R11: <see cref="Co.Every(double)"/> and <see cref="Interval"/>: deadlines on the grid t0 + k * p, no drift.</summary>
[TestFixture]
public class IntervalTests
{
    /// <summary>Yields <paramref name="interval"/> forever and records the tick time and Skipped at each resumption.</summary>
    private static IEnumerator<IAwaitable> Periodic(EventLoop loop, Interval interval, List<(long Time, long Skipped)> log)
    {
        while (true)
        {
            yield return interval;
            log.Add((loop.Time.Ticks, interval.Skipped));
        }
    }

    [Test]
    public void Every_FirstResumptionIsOnePeriodAfterTheFirstYield_R11()
    {
        var t = new TestLoop(startSeconds: 5);
        var log = new List<(long Time, long Skipped)>();
        t.Tick();
        t.Clock.Advance(0.25);
        t.Loop.Start(Periodic(t.Loop, Co.Every(1), log));
        t.Tick();                       // t0 = 5.25, the loop time of the first yield
        t.AdvanceAndTick(0.9999999);
        Assert.That(log, Is.Empty, "never early (R7)");
        t.AdvanceAndTick(0.0000001);
        Assert.That(log, Is.EqualTo(new[] { (TimeSpan.FromSeconds(6.25).Ticks, 0L) }));
    }

    [TestCase(1.0 / 3, TestName = "Every_OneThirdSecond_HitsEveryDeadlineExactlyFor10000Periods_R11")]
    [TestCase(0.1, TestName = "Every_OneTenthSecond_HitsEveryDeadlineExactlyFor10000Periods_R11")]
    [TestCase(1.0 / 60, TestName = "Every_OneSixtiethSecond_HitsEveryDeadlineExactlyFor10000Periods_R11")]
    public void Every_HitsEveryDeadlineOnTheGridWithoutDrift_R11(double seconds)
    {
        const int Periods = 10_000;
        var t = new TestLoop(startSeconds: 7.1234567);
        Interval interval = Co.Every(seconds);
        long period = interval.Period.Ticks;
        Assert.That(period, Is.EqualTo((long)Math.Round(seconds * TimeSpan.TicksPerSecond)), "the period is the nearest 100 ns");
        var log = new List<(long Time, long Skipped)>();
        t.Loop.Start(Periodic(t.Loop, interval, log));
        t.Tick();
        long t0 = t.Loop.Time.Ticks;

        for (int k = 1; k <= Periods; k++)
        {
            // The k-th deadline is t0 + k * p rounded once to 100 ns, from the exact period: no accumulated rounding.
            long deadline = t0 + (long)Math.Round(k * seconds * TimeSpan.TicksPerSecond);
            t.Clock.Set(new TimeSpan(deadline - 1));
            t.Tick();
            Assert.That(log, Has.Count.EqualTo(k - 1), $"deadline {k} fired 100 ns early");
            t.Clock.Set(new TimeSpan(deadline));
            t.Tick();
            Assert.That(log, Has.Count.EqualTo(k), $"deadline {k} did not fire at t0 + k * p");
            Assert.That(log[k - 1], Is.EqualTo((deadline, 0L)));
        }
    }

    [TestCase(0.1)]
    [TestCase(1.0 / 3)]
    public void Every_DrivenByAClockAdvancedOnePeriodAtATime_FiresOncePerAdvanceAndEndsExactlyOnTheGrid_R11(double seconds)
    {
        const int Periods = 10_000;
        var t = new TestLoop();
        var log = new List<(long Time, long Skipped)>();
        Interval interval = Co.Every(seconds);
        t.Loop.Start(Periodic(t.Loop, interval, log));
        t.Tick();
        for (int k = 1; k <= Periods; k++)
        {
            // The host keeps exact time (k periods since the start), as a fixed-step game does.
            t.Clock.Set(TimeSpan.FromTicks((long)Math.Round(k * seconds * TimeSpan.TicksPerSecond)));
            t.Tick();
            Assert.That(log, Has.Count.EqualTo(k));
        }

        Assert.That(log.TrueForAll(e => e.Skipped == 0), Is.True);
        Assert.That(log[^1].Time, Is.EqualTo((long)Math.Round(Periods * seconds * TimeSpan.TicksPerSecond)));
    }

    [Test]
    public void Every_OneTenthSecond_After10000PeriodsIsExactly1000Seconds_R11()
    {
        var t = new TestLoop();
        var log = new List<(long Time, long Skipped)>();
        t.Loop.Start(Periodic(t.Loop, Co.Every(0.1), log));
        t.Tick();
        while (log.Count < 10_000)
        {
            t.AdvanceAndTick(0.0375);   // frames that never line up with the period
        }

        Assert.That(log[9_999].Time, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1000).Ticks));
        Assert.That(log[9_999].Time, Is.LessThan(TimeSpan.FromSeconds(1000.0375).Ticks), "the 10,000th firing is in the first frame at or past 1000 s");
    }

    /// <summary>
    /// Random frame lengths (shorter and longer than the period, seeded): every resumption happens in the first tick
    /// at or past the next grid deadline, Skipped counts the grid points the late tick passed, and the grid never moves.
    /// </summary>
    [Test]
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded test driver.")]
    public void Every_WithRandomFrameLengths_StaysOnTheGridAndCountsSkippedPeriods_R11([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        var t = new TestLoop(startSeconds: 3);
        var log = new List<(long Time, long Skipped)>();
        Interval interval = Co.Every(1.0 / 3);
        t.Loop.Start(Periodic(t.Loop, interval, log));
        t.Tick();
        long t0 = t.Loop.Time.Ticks;
        long Deadline(long k) => t0 + (long)Math.Round(k * (1.0 / 3) * TimeSpan.TicksPerSecond);
        long nextIndex = 1;       // the model: index of the next grid deadline to wait for
        int expectedCount = 0;
        long totalSkipped = 0;

        while (expectedCount < 10_000)
        {
            double frame = random.Next(10) == 0 ? random.NextDouble() * 2 : random.NextDouble() * 0.2;
            t.AdvanceAndTick(frame);
            long now = t.Loop.Time.Ticks;
            if (now >= Deadline(nextIndex))
            {
                long passed = nextIndex;               // grid points at or before now
                while (Deadline(passed + 1) <= now)
                {
                    passed++;
                }

                long skipped = passed - nextIndex;
                expectedCount++;
                totalSkipped += skipped;
                Assert.That(log, Has.Count.EqualTo(expectedCount), $"one resumption for the tick at {now}");
                Assert.That(log[^1], Is.EqualTo((now, skipped)));
                nextIndex = passed + 1;
            }
            else
            {
                Assert.That(log, Has.Count.EqualTo(expectedCount), $"resumed early at {now}");
            }
        }

        Assert.That(totalSkipped, Is.GreaterThan(0), "the random frames did include late ticks");
    }

    [Test]
    public void Every_ALateTickFiresOnceReportsTheSkippedPeriodsAndStaysOnTheGrid_R11()
    {
        var t = new TestLoop();
        var log = new List<(long Time, long Skipped)>();
        t.Loop.Start(Periodic(t.Loop, Co.Every(1), log));
        t.Tick();                                  // t0 = 0: deadlines 1, 2, 3, ...
        t.AdvanceAndTick(1);                       // on time
        t.AdvanceAndTick(3.5);                     // at 4.5: deadline 2 is late, 3 and 4 are skipped
        t.AdvanceAndTick(0.4);                     // at 4.9: nothing
        t.AdvanceAndTick(0.1);                     // at 5: on the grid again
        t.AdvanceAndTick(1);                       // at 6
        long s = TimeSpan.TicksPerSecond;
        Assert.That(log, Is.EqualTo(new[] { (1 * s, 0L), ((45 * s) / 10, 2L), (5 * s, 0L), (6 * s, 0L) }));
    }

    [Test]
    public void Every_ATickExactlyOnALaterGridPoint_CountsTheDeadlinesBeforeItAsSkipped_R11()
    {
        var t = new TestLoop();
        var log = new List<(long Time, long Skipped)>();
        t.Loop.Start(Periodic(t.Loop, Co.Every(TimeSpan.FromSeconds(2)), log));
        t.Tick();
        t.AdvanceAndTick(8);                       // at 8: deadlines 2, 4, 6, 8 have all come; one resumption
        t.AdvanceAndTick(1.9999999);
        t.AdvanceAndTick(0.0000001);               // at 10
        long s = TimeSpan.TicksPerSecond;
        Assert.That(log, Is.EqualTo(new[] { (8 * s, 3L), (10 * s, 0L) }));
    }

    [Test]
    public void Every_TimeSpentBetweenYieldsDoesNotShiftTheGrid_R11()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var times = new List<long>();
        loop.Start(Body());
        t.Tick();
        for (int i = 0; i < 40; i++)
        {
            t.AdvanceAndTick(0.25);
        }

        long s = TimeSpan.TicksPerSecond;
        Assert.That(times, Is.EqualTo(new[] { 1 * s, 2 * s, 3 * s, 4 * s, 5 * s, 6 * s, 7 * s, 8 * s, 9 * s, 10 * s }));

        IEnumerator<IAwaitable> Body()
        {
            Interval every = Co.Every(1);
            while (true)
            {
                yield return every;
                times.Add(loop.Time.Ticks);
                yield return Co.Sleep(0.5);            // work that takes loop time between the yields
            }
        }
    }

    [Test]
    public void Every_SkippedIsZeroBeforeTheFirstResumption()
    {
        Interval interval = Co.Every(1);
        Assert.That(interval.Skipped, Is.Zero);
        Assert.That(interval.Period, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(1e-9)]
    public void Every_OfANonPositivePeriod_Throws(double seconds)
    {
        Assert.That(() => Co.Every(seconds), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Every_OfANonPositiveTimeSpan_Throws()
    {
        Assert.That(() => Co.Every(TimeSpan.Zero), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("period"));
        Assert.That(() => Co.Every(TimeSpan.FromTicks(-1)), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(Co.Every(TimeSpan.FromTicks(1)).Period, Is.EqualTo(TimeSpan.FromTicks(1)));
    }

    [Test]
    public void Every_YieldedByASecondCoroutineWhileTheFirstUsesIt_FaultsTheSecond_AndTheFirstKeepsItsRate_R11()
    {
        var t = new TestLoop();
        Interval shared = Co.Every(1);
        var first = new List<(long Time, long Skipped)>();
        var second = new List<(long Time, long Skipped)>();
        LoopTask a = t.Loop.Start(Periodic(t.Loop, shared, first), "A");
        LoopTask b = t.Loop.Start(Periodic(t.Loop, shared, second), "B");
        t.Tick();   // A yields the interval first and keeps it; B's yield of it is refused

        Assert.That(b.IsFaulted, Is.True);
        Assert.That(b.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(b.Exception!.Message, Is.EqualTo(
            "Coroutine 'B' yielded an Interval that coroutine 'A' is using; an Interval serves one coroutine at a time, because each yield advances its grid. Create one Interval per coroutine with Co.Every(...)."));
        Assert.That(t.Unhandled, Is.EqualTo(new[] { b.Exception }), "nobody waited on B: its failure is reported (R23)");

        for (int k = 0; k < 3; k++)
        {
            t.AdvanceAndTick(1);
        }

        Assert.That(first, Is.EqualTo(new[] { (Sec(1), 0L), (Sec(2), 0L), (Sec(3), 0L) }), "A still resumes once a period");
        Assert.That(second, Is.Empty);

        // Once its coroutine has ended, another may take the interval over; the grid goes on where it was.
        a.Cancel();
        t.Tick();
        var third = new List<(long Time, long Skipped)>();
        LoopTask c = t.Loop.Start(Periodic(t.Loop, shared, third), "C");
        t.Tick();
        t.AdvanceAndTick(1);

        Assert.That(c.IsCompleted, Is.False);
        Assert.That(third, Is.EqualTo(new[] { (Sec(4), 0L) }));

        static long Sec(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;
    }

    [Test]
    public void Interval_AwaitedOutsideTheLoop_Throws()
    {
        IAwaitable interval = Co.Every(1);
        Assert.That(interval.IsCompleted, Is.False);
        Assert.That(() => interval.OnCompleted(() => { }), Throws.InvalidOperationException);
    }

    [Test]
    public void CancellingATaskWaitingOnAnInterval_RemovesItsTimer_R12()
    {
        var t = new TestLoop();
        var log = new List<(long Time, long Skipped)>();
        LoopTask task = t.Loop.Start(Periodic(t.Loop, Co.Every(1), log));
        t.Tick();
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(1));
        task.Cancel();
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
        t.AdvanceAndTick(5);
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.Empty);
    }

    [Test]
    public void Every_OneThirdSecond_AfterADayOfPeriodsIsStillOnTheExactGrid_R11()
    {
        // 1/3 s is not a whole number of 100 ns ticks; rounding the period once would drift by k/3 ticks.
        var t = new TestLoop();
        var log = new List<(long Time, long Skipped)>();
        t.Loop.Start(Periodic(t.Loop, Co.Every(1.0 / 3), log));
        t.Tick();
        const long Periods = 3 * 86_400;   // one day
        t.Clock.Set(TimeSpan.FromTicks(86_400L * TimeSpan.TicksPerSecond - 1));
        t.Tick();
        Assert.That(log, Has.Count.EqualTo(1), "one late resumption for all the periods that passed");
        Assert.That(log[0].Skipped, Is.EqualTo(Periods - 2), "the deadline at exactly one day has not come yet");
        t.Clock.Set(TimeSpan.FromDays(1));
        t.Tick();
        Assert.That(log, Has.Count.EqualTo(2));
        Assert.That(log[1].Time, Is.EqualTo(TimeSpan.FromDays(1).Ticks), "deadline k = 259,200 is exactly one day after t0");
    }
}
