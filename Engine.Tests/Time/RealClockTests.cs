using System;
using System.Diagnostics;
using NUnit.Framework;

namespace YieldLoop.Tests.Time;

/// <summary>The real clock: monotonic wall time from zero, the default clock of a loop.</summary>
[TestFixture]
[Category("Timing")]
public class RealClockTests
{
    [Test]
    public void NewClock_StartsNearZero()
    {
        var clock = new RealClock();
        Assert.That(clock.Now, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
        Assert.That(clock.Now, Is.LessThan(HangGuard.Limit / 2), "near zero, not the machine's uptime (gross: a loaded machine may pause this thread)");
    }

    [Test]
    public void Now_NeverGoesBackwards_R10()
    {
        var clock = new RealClock();
        TimeSpan previous = clock.Now;
        for (int i = 0; i < 100_000; i++)
        {
            TimeSpan now = clock.Now;
            Assert.That(now, Is.GreaterThanOrEqualTo(previous));
            previous = now;
        }
    }

    [Test]
    public void Now_FollowsTheStopwatch()
    {
        var watch = Stopwatch.StartNew();
        var clock = new RealClock();
        var spin = new System.Threading.SpinWait();
        while (clock.Now < TimeSpan.FromMilliseconds(20))
        {
            spin.SpinOnce();
        }

        watch.Stop();
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(20)));
        Assert.That(watch.Elapsed, Is.LessThan(HangGuard.Limit / 2), "gross: a loaded machine may pause this thread between the two reads");
    }

    [Test]
    public void Loop_WithoutAClock_UsesARealClock()
    {
        var loop = new EventLoop();
        Assert.That(loop.Clock, Is.TypeOf<RealClock>());
        Assert.That(loop.Name, Does.StartWith("loop-"));
        loop.Tick();
        TimeSpan first = loop.Time;
        var spin = new System.Threading.SpinWait();
        while (loop.Clock.Now <= first)
        {
            spin.SpinOnce();
        }

        loop.Tick();
        Assert.That(loop.Time, Is.GreaterThan(first));
    }
}
