using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// R11 for the periodic callbacks: <see cref="EventLoop.CallEvery(Duration, Action{PeriodicTick}, int)"/> (<c>EventLoop.Periodic.cs</c>)
/// (the coroutine form, <see cref="Co.Every"/>, is in IntervalTests): the k-th firing at t0 + k * p exactly, a late tick fires once and skips, counts, cancellation, failures.
/// </summary>
public partial class EventLoopTests
{
    private static long PeriodTicks(double seconds) => (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    /// <summary>Records each firing with the loop time at which it ran.</summary>
    private static Action<PeriodicTick> PeriodicRecorder(EventLoop loop, List<(long Time, PeriodicTick Tick)> log) =>
        tick => log.Add((loop.Time.Ticks, tick));

    // ---- CallEvery: the grid -------------------------------------------------------------------------------------

    [Test]
    public void CallEvery_FirstCallIsOnePeriodAfterTheCall_NeverEarly_R11()
    {
        var t = new TestLoop(startSeconds: 5);
        t.Tick();
        t.Clock.Advance(0.25);
        var log = new List<(long Time, PeriodicTick Tick)>();
        t.Loop.CallEvery(1, PeriodicRecorder(t.Loop, log));   // t0 = 5.25: the clock's time at the call, between ticks
        t.Tick();
        t.AdvanceAndTick(0.9999999);
        Assert.That(log, Is.Empty, "never early (R7)");

        t.AdvanceAndTick(0.0000001);

        Assert.That(log, Has.Count.EqualTo(1));
        Assert.That(log[0].Time, Is.EqualTo(PeriodTicks(6.25)));
        Assert.That(log[0].Tick, Is.EqualTo(new PeriodicTick(1, 1, 0, TimeSpan.FromTicks(PeriodTicks(6.25)))));
    }

    [TestCase(1.0 / 3, TestName = "CallEvery_OneThirdSecond_FiresOnEveryGridPointFor10000Periods_R11")]
    [TestCase(0.1, TestName = "CallEvery_OneTenthSecond_FiresOnEveryGridPointFor10000Periods_R11")]
    public void CallEvery_FiresExactlyAtEachGridPoint_WithoutDrift_R11(double seconds)
    {
        const int Periods = 10_000;
        var t = new TestLoop(startSeconds: 7.1234567);
        long t0 = t.Loop.Time.Ticks;
        var log = new List<(long Time, PeriodicTick Tick)>();
        t.Loop.CallEvery(seconds, PeriodicRecorder(t.Loop, log));
        t.Tick();

        for (int k = 1; k <= Periods; k++)
        {
            long deadline = t0 + PeriodTicks(k * seconds);   // rounded once from the exact period: no accumulated rounding
            t.Clock.Set(new TimeSpan(deadline - 1));
            t.Tick();
            Assert.That(log, Has.Count.EqualTo(k - 1), $"firing {k} came 100 ns early");
            t.Clock.Set(new TimeSpan(deadline));
            t.Tick();
            Assert.That(log, Has.Count.EqualTo(k), $"firing {k} was not at t0 + k * p");
            Assert.That(log[k - 1].Time, Is.EqualTo(deadline));
            Assert.That(log[k - 1].Tick, Is.EqualTo(new PeriodicTick(k, k, 0, new TimeSpan(deadline))));
        }
    }

    [Test]
    public void CallEvery_ThreeTimesPerSecondFor10000Periods_EndsExactlyAtT0Plus3333AndAThirdSeconds_R11()
    {
        var t = new TestLoop();
        var log = new List<(long Time, PeriodicTick Tick)>();
        t.Loop.CallEvery(1.0 / 3, PeriodicRecorder(t.Loop, log), count: 10_000);
        LoopTask done = t.Loop.CallEvery(TimeSpan.FromSeconds(1), _ => { }, count: 1);
        while (log.Count < 10_000)
        {
            t.AdvanceAndTick(0.0125);   // frames that never line up with the period
        }

        Assert.That(log[^1].Tick.Due, Is.EqualTo(TimeSpan.FromTicks(PeriodTicks(10_000.0 / 3))));
        Assert.That(log[^1].Time - log[^1].Tick.Due.Ticks, Is.LessThan(PeriodTicks(0.0125)), "in the first frame at or past it");
        Assert.That(log.TrueForAll(e => e.Tick.Skipped == 0), Is.True, "frames shorter than the period skip nothing");
        Assert.That(done.IsSucceeded, Is.True);
    }

    [Test]
    public void CallEvery_ALateTick_FiresOnce_CountsTheSkippedPeriods_AndStaysOnTheGrid_R11()
    {
        var t = new TestLoop();
        var log = new List<(long Time, PeriodicTick Tick)>();
        t.Loop.CallEvery(0.5, PeriodicRecorder(t.Loop, log));
        t.Tick();
        t.AdvanceAndTick(0.5);     // grid point 1, on time
        t.AdvanceAndTick(1.75);    // t = 2.25: grid points 2, 3, 4 passed: one call for 4, 2 and 3 skipped
        t.AdvanceAndTick(0.2);     // t = 2.45: nothing due
        t.AdvanceAndTick(0.05);    // t = 2.5: grid point 5, on the grid

        Assert.That(log.ConvertAll(e => e.Tick), Is.EqualTo(new[]
        {
            new PeriodicTick(1, 1, 0, TimeSpan.FromSeconds(0.5)),
            new PeriodicTick(2, 4, 2, TimeSpan.FromSeconds(2)),
            new PeriodicTick(3, 5, 0, TimeSpan.FromSeconds(2.5)),
        }));
        Assert.That(log.ConvertAll(e => e.Time), Is.EqualTo(new[] { PeriodTicks(0.5), PeriodTicks(2.25), PeriodTicks(2.5) }));
    }

    [Test]
    public void CallEvery_WhenTheFirstTickIsAlreadyPastSeveralGridPoints_CallsOnceInThatTick_R11()
    {
        var t = new TestLoop();
        var log = new List<(long Time, PeriodicTick Tick)>();
        t.Loop.CallEvery(TimeSpan.FromSeconds(1), PeriodicRecorder(t.Loop, log));
        t.AdvanceAndTick(3.5);   // the first step: grid points 1, 2, 3 have passed
        t.AdvanceAndTick(0.5);   // t = 4: grid point 4

        Assert.That(log.ConvertAll(e => e.Tick), Is.EqualTo(new[]
        {
            new PeriodicTick(1, 3, 2, TimeSpan.FromSeconds(3)),
            new PeriodicTick(2, 4, 0, TimeSpan.FromSeconds(4)),
        }));
    }

    [Test]
    public void CallEvery_WithRandomFrames_MatchesTheGridModel_R11([Values(1, 2)] int seed)
    {
#pragma warning disable CA5394 // a seeded test driver
        var random = new Random(seed);
        var t = new TestLoop(startSeconds: 3);
        long t0 = t.Loop.Time.Ticks;
        var log = new List<(long Time, PeriodicTick Tick)>();
        t.Loop.CallEvery(0.1, PeriodicRecorder(t.Loop, log));
        long last = 0;
        int count = 0;
        while (count < 3_000)
        {
            t.AdvanceAndTick(random.Next(8) == 0 ? random.NextDouble() * 0.7 : random.NextDouble() * 0.05);
            long now = t.Loop.Time.Ticks;
            long passed = (now - t0) / PeriodTicks(0.1);
            if (passed > last)
            {
                count++;
                Assert.That(log, Has.Count.EqualTo(count));
                Assert.That(log[^1].Tick, Is.EqualTo(new PeriodicTick(count, passed, passed - last - 1, new TimeSpan(t0 + (passed * PeriodTicks(0.1))))));
                last = passed;
            }
            else
            {
                Assert.That(log, Has.Count.EqualTo(count), "no call between grid points");
            }
        }
#pragma warning restore CA5394
    }

    // ---- CallEvery: count, cancel, failures ----------------------------------------------------------------------

    [Test]
    public void CallEvery_WithACount_CallsThatManyTimes_ThenItsTaskSucceeds_SkippedPeriodsDoNotCount()
    {
        var t = new TestLoop();
        var log = new List<(long Time, PeriodicTick Tick)>();
        LoopTask handle = t.Loop.CallEvery(1, PeriodicRecorder(t.Loop, log), count: 3);
        t.Tick();
        t.AdvanceAndTick(1);
        t.AdvanceAndTick(5);   // one call for grid point 6 (4 skipped)
        Assert.That(handle.IsCompleted, Is.False);
        t.AdvanceAndTick(1);
        Assert.That(handle.IsSucceeded, Is.True);
        t.AdvanceAndTick(10);

        Assert.That(log.ConvertAll(e => e.Tick.Index), Is.EqualTo(new long[] { 1, 6, 7 }));
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
    }

    [TestCase(-1)]
    [TestCase(int.MinValue)]
    public void CallEvery_ANegativeCount_IsRefused_MinusOneIsNoLongerUntilCancelled(int count)
    {
        var t = new TestLoop();
        int calls = 0;

        Assert.That(() => t.Loop.CallEvery(0.1, _ => calls++, count), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property(nameof(ArgumentOutOfRangeException.ParamName)).EqualTo("count")
            .And.Property(nameof(ArgumentOutOfRangeException.ActualValue)).EqualTo(count));
        Assert.That(() => t.Loop.CallEvery(TimeSpan.FromSeconds(0.1), _ => calls++, count), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(t.Loop.PendingTaskCount, Is.Zero, "nothing was started");
    }

    [Test]
    public void CallEvery_WithoutACount_RepeatsUntilCancelled_R11()
    {
        var t = new TestLoop();
        int calls = 0;
        LoopTask handle = t.Loop.CallEvery(TimeSpan.FromSeconds(0.1), _ => calls++);
        for (int i = 0; i < 1_000; i++)
        {
            t.AdvanceAndTick(0.1);
        }

        Assert.That(calls, Is.EqualTo(1_000));
        Assert.That(handle.IsCompleted, Is.False);
        handle.Cancel();
        t.Tick();
        Assert.That(handle.IsCancelled, Is.True);
    }

    [Test]
    public void CallEvery_CountZero_MakesNoCall_AndCompletes()
    {
        var t = new TestLoop();
        int calls = 0;
        LoopTask handle = t.Loop.CallEvery(0.1, _ => calls++, 0);
        t.AdvanceAndTick(1);

        Assert.That(handle.IsSucceeded, Is.True);
        Assert.That(calls, Is.Zero);
    }

    [Test]
    public void CallEvery_Cancelled_StopsTheRepetition_AndItsTimerLeavesTheLoop_R12()
    {
        var t = new TestLoop();
        int calls = 0;
        LoopTask handle = t.Loop.CallEvery(1, _ => calls++);
        t.Tick();
        t.AdvanceAndTick(1);
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(1));

        Assert.That(handle.Cancel(), Is.True);
        t.Tick();
        t.AdvanceAndTick(10);

        Assert.That(calls, Is.EqualTo(1));
        Assert.That(handle.IsCancelled, Is.True);
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
    }

    [Test]
    public void CallEvery_CancelledFromInsideItsCallback_MakesNoFurtherCall_R33()
    {
        var t = new TestLoop();
        var calls = new List<long>();
        LoopTask? handle = null;
        handle = t.Loop.CallEvery(1, tick =>
        {
            calls.Add(tick.Count);
            if (tick.Count == 2)
            {
                handle!.Cancel();
            }
        });
        t.Tick();
        for (int i = 0; i < 5; i++)
        {
            t.AdvanceAndTick(1);
        }

        Assert.That(calls, Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(handle.IsCancelled, Is.True);
    }

    [Test]
    public void CallEvery_ACallbackThatThrows_GoesToTheHandler_AndTheRepetitionContinues_R18()
    {
        var t = new TestLoop();
        var failures = new List<Exception>();
        int calls = 0;
        LoopTask handle = t.Loop.CallEvery(1, tick =>
        {
            calls++;
            if (tick.Count % 2 == 1)
            {
                var failure = new InvalidOperationException("call " + tick.Count);
                failures.Add(failure);
                throw failure;
            }
        });
        t.Tick();
        for (int i = 0; i < 4; i++)
        {
            t.AdvanceAndTick(1);
        }

        Assert.That(calls, Is.EqualTo(4));
        Assert.That(t.Unhandled, Is.EqualTo(failures), "each failure once, the same objects, in order");
        Assert.That(handle.IsCompleted, Is.False);
    }

    [Test]
    public void CallEvery_RunsInFifoOrderWithOtherTimersDueInTheSameTick_R1()
    {
        var t = new TestLoop();
        var log = new List<string>();
        t.Loop.CallEvery(1, _ => log.Add("every"));
        t.Tick();
        t.Loop.CallLater(1, () => log.Add("later"));
        t.AdvanceAndTick(1);

        Assert.That(log, Is.EqualTo(new[] { "every", "later" }), "equal deadlines: in the order scheduled (R8)");
    }

    [Test]
    public void CallEvery_PendingAtClose_IsCancelled_R36()
    {
        var t = new TestLoop();
        LoopTask handle = t.Loop.CallEvery(1, _ => { });
        t.Tick();

        IReadOnlyList<Future> pending = t.Loop.Close();

        Assert.That(pending, Does.Contain(handle));
        Assert.That(handle.IsCancelled, Is.True);
    }

    [Test]
    public void CallEvery_IsNamedAfterItsPeriod()
    {
        var t = new TestLoop();
        Assert.That(t.Loop.CallEvery(0.25, _ => { }).Name, Is.EqualTo("CallEvery(0.25s)"));
    }

    [Test]
    public void CallEvery_BadArguments_Throw()
    {
        var t = new TestLoop();
        Assert.That(() => t.Loop.CallEvery(1, null!), Throws.ArgumentNullException);
        Assert.That(() => t.Loop.CallEvery(TimeSpan.FromSeconds(1), null!, 2), Throws.ArgumentNullException);
        Assert.That(() => t.Loop.CallEvery(0, _ => { }), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => t.Loop.CallEvery(double.NaN, _ => { }), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => t.Loop.CallEvery(TimeSpan.Zero, _ => { }), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => t.Loop.CallEvery(1, _ => { }, -2), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Message.StartsWith("A repeat count must be zero or more; to repeat until cancelled, call CallEvery(period, callback) without a count.")
            .And.Property(nameof(ArgumentOutOfRangeException.ParamName)).EqualTo("count")
            .And.Property(nameof(ArgumentOutOfRangeException.ActualValue)).EqualTo(-2));
        Assert.That(t.Loop.PendingTaskCount, Is.Zero, "nothing was started");
        t.Loop.Close();
        Assert.That(() => t.Loop.CallEvery(1, _ => { }), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void CallEvery_WaitingAndFiring_AllocatesNothingPerCall()
    {
        var t = new TestLoop();
        long calls = 0;
        for (int i = 0; i < 1_000; i++)
        {
            t.Loop.CallEvery(0.010 + (i % 7) * 0.001, _ => calls++);
        }

        void Run(int ticks)
        {
            for (int i = 0; i < ticks; i++)
            {
                t.AdvanceAndTick(0.020);   // every repetition fires once per tick
            }
        }

        Run(50);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long callsBefore = calls;
        Run(100);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(calls - callsBefore, Is.EqualTo(100_000));
        Assert.That(bytes, Is.LessThanOrEqualTo(256));
    }

    // ---- PeriodicTick --------------------------------------------------------------------------------------------

    [Test]
    public void PeriodicTick_EqualityAndToString()
    {
        var a = new PeriodicTick(3, 5, 1, TimeSpan.FromSeconds(2.5));
        var b = new PeriodicTick(3, 5, 1, TimeSpan.FromSeconds(2.5));
        var c = new PeriodicTick(3, 5, 0, TimeSpan.FromSeconds(2.5));

        Assert.That(a == b && a.Equals((object)b) && a.GetHashCode() == b.GetHashCode(), Is.True);
        Assert.That(a != c, Is.True);
        Assert.That(a.ToString(), Is.EqualTo("firing 3 (grid point 5 due at 2.5s, 1 skipped)"));
    }
}
