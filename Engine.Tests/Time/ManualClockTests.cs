using System;
using System.Linq;
using System.Threading;
using NUnit.Framework;

namespace YieldLoop.Tests.Time;

/// <summary>R10: a manual clock moves only forward, and only when told to.</summary>
[TestFixture]
public class ManualClockTests
{
    [Test]
    public void NewClock_StartsAtZeroOrAtTheGivenTime()
    {
        Assert.That(new ManualClock().Now, Is.EqualTo(TimeSpan.Zero));
        Assert.That(new ManualClock(TimeSpan.FromSeconds(42)).Now, Is.EqualTo(TimeSpan.FromSeconds(42)));
    }

    [Test]
    public void NewClock_BeforeZero_Throws()
    {
        Assert.That(() => new ManualClock(TimeSpan.FromTicks(-1)), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Advance_MovesForwardByExactlyTheGivenAmount()
    {
        var clock = new ManualClock();
        clock.Advance(TimeSpan.FromTicks(1));
        clock.Advance(1.5);
        clock.Advance(0.001);
        clock.Advance(1e-7);
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromTicks(1 + 15_000_000 + 10_000 + 1)));
    }

    [Test]
    public void Advance_ByZero_IsAllowed()
    {
        var clock = new ManualClock(TimeSpan.FromSeconds(1));
        clock.Advance(0.0);
        clock.Advance(TimeSpan.Zero);
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void Advance_ByAThirdOfASecondThreeThousandTimes_IsExactlyTheSumOfTheRoundedSteps()
    {
        var clock = new ManualClock();
        for (int i = 0; i < 3000; i++)
        {
            clock.Advance(1.0 / 3);
        }

        Assert.That(clock.Now.Ticks, Is.EqualTo(3000L * 3_333_333), "each step is rounded to 100 ns once; no floating-point drift accumulates");
    }

    [TestCase(-1.0)]
    [TestCase(-1e-7)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void Advance_BackwardsOrNotFiniteSeconds_ThrowsAndLeavesTheClockUnchanged_R10(double seconds)
    {
        var clock = new ManualClock(TimeSpan.FromSeconds(10));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(seconds));
        Assert.That(ex!.ParamName, Is.EqualTo("delta"));
        Assert.That(ex.Message, Does.Contain("Time never moves backwards"));
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void Advance_ByANegativeTimeSpan_ThrowsAndLeavesTheClockUnchanged_R10()
    {
        var clock = new ManualClock(TimeSpan.FromSeconds(10));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
        Assert.That(ex!.ParamName, Is.EqualTo("delta"));
        Assert.That(ex.Message, Does.Contain("Time never moves backwards"));
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void Set_ToAnEarlierTime_ThrowsAndLeavesTheClockUnchanged_R10()
    {
        var clock = new ManualClock(TimeSpan.FromSeconds(10));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => clock.Set(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1)));
        Assert.That(ex!.ParamName, Is.EqualTo("now"));
        Assert.That(ex.Message, Does.Contain("Time never moves backwards: the clock is at 00:00:10"));
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void Set_ToTheSameOrALaterTime_MovesTheClock()
    {
        var clock = new ManualClock(TimeSpan.FromSeconds(10));
        clock.Set(TimeSpan.FromSeconds(10));
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(10)));
        clock.Set(TimeSpan.FromHours(5));
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromHours(5)));
    }

    [Test]
    public void Advance_FromSeveralThreadsAtOnce_LosesNoStep()
    {
        var clock = new ManualClock();
        const int Threads = 4;
        const int Steps = 50_000;
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < Steps; i++)
            {
                clock.Advance(TimeSpan.FromTicks(1));
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.That(clock.Now.Ticks, Is.EqualTo(Threads * Steps));
    }

    [Test]
    public void LoopOnAManualClock_SeesTimeOnlyWhenTheClockMoves_R10()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock);
        for (int i = 0; i < 10; i++)
        {
            loop.Tick();
        }

        Assert.That(loop.Time, Is.EqualTo(TimeSpan.Zero));
        clock.Advance(2.5);
        loop.Tick();
        Assert.That(loop.Time, Is.EqualTo(TimeSpan.FromSeconds(2.5)));
    }
}
