using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests.Time;

/// <summary>
/// One rule for durations (<see cref="Duration"/>, docs/design.md "Public API decisions"): every duration parameter
/// takes seconds or a <see cref="TimeSpan"/>, with the same rounding, validation and saturation as before (R9, R10).
/// Table-driven over every method that takes a duration.
/// </summary>
public class DurationTests
{
    private static readonly TimeSpan EndOfTime = EventLoop.EndOfTime;

    // ---- delays: sleeps, CallLater, the timeouts of the condition waits (R7, R9) ------------------------------------

    /// <summary>A method that takes a delay: <see cref="Start"/> calls it and returns whether its wait has ended (the
    /// sleeping task completed, the callback ran, the condition wait timed out).</summary>
    public sealed record DelayMethod(string Name, string Parameter, Func<EventLoop, Duration, Func<bool>> Start)
    {
        public override string ToString() => Name;
    }

    private static Func<bool> Run(EventLoop loop, IAwaitable wait)
    {
        LoopTask task = loop.Start(Yield(wait));
        return () => task.IsCompleted;

        static IEnumerator<IAwaitable> Yield(IAwaitable awaitable)
        {
            yield return awaitable;
        }
    }

    private static Func<bool> CallLater(EventLoop loop, Duration delay)
    {
        bool ran = false;
        loop.CallLater(delay, () => ran = true);
        return () => ran;
    }

    public static IEnumerable<DelayMethod> DelayMethods()
    {
        yield return new DelayMethod("Co.Sleep", "duration", (l, d) => Run(l, Co.Sleep(d)));
        yield return new DelayMethod("Co.SleepRealtime", "duration", (l, d) => Run(l, Co.SleepRealtime(d)));
        yield return new DelayMethod("GameClock.Sleep", "duration", (l, d) => Run(l, new GameClock(l, "world").Sleep(d)));
        yield return new DelayMethod("EventLoop.CallLater", "delay", CallLater);
        yield return new DelayMethod("Co.WaitUntil", "timeout", (l, d) => Run(l, Co.WaitUntil(() => false, d)));
        yield return new DelayMethod("Co.WaitWhile", "timeout", (l, d) => Run(l, Co.WaitWhile(() => true, d)));
        yield return new DelayMethod("Co.WaitTicks", "timeout", (l, d) => Run(l, Co.WaitTicks(int.MaxValue, d)));
        yield return new DelayMethod("Co.WaitUntilChanged", "timeout", (l, d) => Run(l, Co.WaitUntilChanged(() => 1, d)));
    }

    /// <summary>The forms a caller writes: a double, an int and a float (seconds), and a TimeSpan.</summary>
    public static IEnumerable<TestCaseData> BothForms()
    {
        foreach (DelayMethod method in DelayMethods())
        {
            yield return new TestCaseData(method, (Duration)0.25, 0.25).SetArgDisplayNames(method.Name, "0.25");
            yield return new TestCaseData(method, (Duration)1, 1.0).SetArgDisplayNames(method.Name, "1 (an int)");
            yield return new TestCaseData(method, (Duration)0.5f, 0.5).SetArgDisplayNames(method.Name, "0.5f (a float)");
            yield return new TestCaseData(method, (Duration)TimeSpan.FromMilliseconds(250), 0.25).SetArgDisplayNames(method.Name, "TimeSpan 250 ms");
        }
    }

    [TestCaseSource(nameof(BothForms))]
    public void EveryDelay_TakesSecondsOrATimeSpan_AndEndsInTheFirstTickAtOrPastItsDeadline_R7(DelayMethod method, Duration delay, double expectedSeconds)
    {
        var t = new TestLoop(startSeconds: 10);
        Func<bool> ended = method.Start(t.Loop, delay);
        t.Tick();
        var endedAt = TimeSpan.Zero;
        for (int i = 0; i < 100 && !ended(); i++)
        {
            t.AdvanceAndTick(0.05);
            endedAt = t.Loop.Time;
        }

        Assert.That(ended(), Is.True);
        Assert.That(endedAt, Is.EqualTo(TimeSpan.FromSeconds(10 + expectedSeconds)), "never early, never a frame late");
    }

    private static IEnumerable<TestCaseData> BadSeconds()
    {
        foreach (DelayMethod method in DelayMethods())
        {
            foreach (double bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            {
                yield return new TestCaseData(method, bad).SetArgDisplayNames(method.Name, bad.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    [TestCaseSource(nameof(BadSeconds))]
    public void EveryDelay_RefusesNaNAndInfiniteSeconds_NamingItsParameterAndTheValue_R9(DelayMethod method, double bad)
    {
        var t = new TestLoop();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => method.Start(t.Loop, bad));
        Assert.That(ex!.ParamName, Is.EqualTo(method.Parameter));
        Assert.That(ex.ActualValue, Is.EqualTo(bad));
        Assert.That(ex.Message, Does.StartWith("A delay must be a finite number of seconds (NaN and infinity are rejected); zero or less means 'next tick'."));
        Assert.That((t.Loop.PendingTimerCount, t.Loop.PendingTaskCount), Is.EqualTo((0, 0)), "nothing was scheduled");
    }

    [TestCaseSource(nameof(DelayMethods))]
    public void EveryDelay_ZeroOrNegative_InBothForms_MeansTheNextTick_R9(DelayMethod method)
    {
        foreach (Duration delay in new Duration[] { 0, -3.5, double.MinValue, TimeSpan.Zero, TimeSpan.FromSeconds(-1), TimeSpan.MinValue })
        {
            var t = new TestLoop(startSeconds: 5);
            Func<bool> ended = method.Start(t.Loop, delay);
            t.Tick(3);
            Assert.That(ended(), Is.True, $"{method.Name}({delay}) with no time passing");
        }
    }

    [TestCaseSource(nameof(DelayMethods))]
    public void EveryDelay_PastTheEndOfTime_InBothForms_SaturatesThere_R10(DelayMethod method)
    {
        foreach (Duration delay in new Duration[] { double.MaxValue, 1e300, TimeSpan.MaxValue })
        {
            var t = new TestLoop();
            Func<bool> ended = method.Start(t.Loop, delay);
            t.Tick();
            t.Clock.Set(EndOfTime - TimeSpan.FromTicks(1));
            t.Tick(2);
            Assert.That(ended(), Is.False, $"{method.Name}({delay}) one tick before the end of time");
            t.Clock.Set(EndOfTime);
            t.Tick(2);
            Assert.That(ended(), Is.True, $"{method.Name}({delay}) comes due at the end of time");
        }
    }

    [Test]
    public void Seconds_AreRoundedToTheNearest100Ns_TheSameForEveryMethod()
    {
        // 1.5e-7 s is 1.5 ticks: rounded to 2 (to even), as before; 1.4e-7 s to 1.
        var clock = new ManualClock();
        clock.Advance(1.5e-7);
        Assert.That(clock.Now.Ticks, Is.EqualTo(2));
        clock.Advance(1.4e-7);
        Assert.That(clock.Now.Ticks, Is.EqualTo(3));
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.That(clock.Now.Ticks, Is.EqualTo(4));

        var steps = new FixedTimestep(1.0 / 3);
        Assert.That(steps.Step, Is.EqualTo(TimeSpan.FromTicks(3_333_333)));
        Assert.That(new FixedTimestep(TimeSpan.FromTicks(3_333_333)).Step, Is.EqualTo(steps.Step));
        Assert.That(Co.Every(1.5e-7).Period, Is.EqualTo(TimeSpan.FromTicks(2)));
    }

    // ---- periods: Co.Every, CallEvery (R11) --------------------------------------------------------------------------

    private static IEnumerable<TestCaseData> BadPeriods()
    {
        var cases = new (string Name, Action<EventLoop, Duration> Make)[]
        {
            ("Co.Every", (_, p) => Co.Every(p)),
            ("CallEvery", (l, p) => l.CallEvery(p, _ => { })),
            ("CallEvery(count)", (l, p) => l.CallEvery(p, _ => { }, 3)),
        };
        var bad = new (Duration Value, object Given)[]
        {
            (0, 0.0), (-1, -1.0), (1e-8, 1e-8), (double.NaN, double.NaN), (double.PositiveInfinity, double.PositiveInfinity),
            (TimeSpan.Zero, TimeSpan.Zero), (TimeSpan.FromTicks(-1), TimeSpan.FromTicks(-1)), (TimeSpan.MinValue, TimeSpan.MinValue),
        };
        foreach (var (name, make) in cases)
        {
            foreach (var (value, given) in bad)
            {
                yield return new TestCaseData(make, value, given).SetArgDisplayNames(name, value.ToString());
            }
        }
    }

    [TestCaseSource(nameof(BadPeriods))]
    public void EveryPeriod_InBothForms_MustBePositive_AndTheErrorNamesThePeriodAndTheValue_R9(Action<EventLoop, Duration> make, Duration period, object given)
    {
        var t = new TestLoop();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => make(t.Loop, period));
        Assert.That(ex!.ParamName, Is.EqualTo("period"));
        Assert.That(ex.ActualValue, Is.EqualTo(given));
        Assert.That(t.Loop.PendingTaskCount, Is.Zero, "nothing was started");
    }

    [Test]
    public void CallEvery_InBothForms_KeepsTheSameGrid_R11()
    {
        var t = new TestLoop();
        var seconds = new List<TimeSpan>();
        var span = new List<TimeSpan>();
        t.Loop.CallEvery(0.25, tick => seconds.Add(tick.Due), 4);
        t.Loop.CallEvery(TimeSpan.FromMilliseconds(250), tick => span.Add(tick.Due), 4);
        for (int i = 0; i < 30; i++)
        {
            t.AdvanceAndTick(0.05);
        }

        Assert.That(seconds, Is.EqualTo(new[] { TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.75), TimeSpan.FromSeconds(1) }));
        Assert.That(span, Is.EqualTo(seconds));
    }

    // ---- clock moves and frame budgets: ManualClock.Advance, FixedTimestep, Tick(budget) ---------------------------

    private static IEnumerable<TestCaseData> BadMoves()
    {
        var cases = new (string Name, string Parameter, Action<Duration> Call)[]
        {
            ("ManualClock.Advance", "delta", d => new ManualClock().Advance(d)),
            ("FixedTimestep.Advance", "frameDelta", d => new FixedTimestep(0.02).Advance(d)),
            ("EventLoop.Tick(budget)", "budget", d => new TestLoop().Loop.Tick(d)),
        };
        var bad = new (Duration Value, object Given)[]
        {
            (-1, -1.0), (-1e-7, -1e-7), (double.NaN, double.NaN), (double.PositiveInfinity, double.PositiveInfinity),
            (double.NegativeInfinity, double.NegativeInfinity), (TimeSpan.FromTicks(-1), TimeSpan.FromTicks(-1)), (TimeSpan.MinValue, TimeSpan.MinValue),
        };
        foreach (var (name, parameter, call) in cases)
        {
            foreach (var (value, given) in bad)
            {
                yield return new TestCaseData(call, parameter, value, given).SetArgDisplayNames(name, value.ToString());
            }
        }
    }

    [TestCaseSource(nameof(BadMoves))]
    public void EveryClockMoveOrBudget_InBothForms_RefusesNegativeOrNotFiniteValues_NamingTheParameterAndTheValue_R10(
        Action<Duration> call, string parameter, Duration value, object given)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => call(value));
        Assert.That(ex!.ParamName, Is.EqualTo(parameter));
        Assert.That(ex.ActualValue, Is.EqualTo(given));
    }

    [Test]
    public void ClockMoves_InBothForms_SaturateAtTheEndOfTime_R10()
    {
        var a = new ManualClock();
        a.Advance(double.MaxValue);
        var b = new ManualClock();
        b.Advance(TimeSpan.MaxValue);
        Assert.That((a.Now, b.Now), Is.EqualTo((EndOfTime, EndOfTime)));

        var steps = new FixedTimestep(1, maxStepsPerFrame: 3);
        Assert.That(steps.Advance(double.MaxValue), Is.EqualTo(3));
        Assert.That(steps.Advance(TimeSpan.MaxValue), Is.EqualTo(3));
    }

    [Test]
    public void FixedTimestep_InBothForms_RefusesAStepThatIsNotPositive_NamingTheStep()
    {
        foreach ((Duration step, object given) in new (Duration, object)[]
                 { (0, 0.0), (-0.5, -0.5), (1e-8, 1e-8), (double.NaN, double.NaN), (TimeSpan.Zero, TimeSpan.Zero), (TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(-1)) })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FixedTimestep(step), step.ToString());
            Assert.That(ex!.ParamName, Is.EqualTo("step"));
            Assert.That(ex.ActualValue, Is.EqualTo(given));
        }

        Assert.That(new FixedTimestep(1.0 / 50).Step, Is.EqualTo(new FixedTimestep(TimeSpan.FromSeconds(1.0 / 50)).Step));
    }

    [Test]
    public void TickBudget_InSeconds_IsMeasuredLikeATimeSpan()
    {
        var t = new TestLoop();
        for (int i = 0; i < 5; i++)
        {
            t.Loop.Start(Costly(t.Clock));
        }

        Assert.That(t.Loop.Tick(0.003, t.Clock), Is.EqualTo(3), "three 1 ms steps spend a 3 ms budget");
        Assert.That(t.Loop.Tick(TimeSpan.FromMilliseconds(3), t.Clock), Is.EqualTo(2), "the two deferred steps");

        static IEnumerator<IAwaitable> Costly(ManualClock clock)
        {
            clock.Advance(0.001);
            yield break;
        }
    }

    // ---- the type itself --------------------------------------------------------------------------------------------

    [Test]
    public void Duration_ShowsTheValueAsGiven_AndItsNamedFormsEqualTheConversions()
    {
        Assert.That(((Duration)0.5).ToString(), Is.EqualTo("0.5s"));
        Assert.That(((Duration)double.NaN).ToString(), Is.EqualTo("NaN" + "s"));
        Assert.That(((Duration)TimeSpan.FromMilliseconds(1500)).ToString(), Is.EqualTo("00:00:01.5000000"));
        Assert.That(Duration.FromSeconds(0.5).ToString(), Is.EqualTo(((Duration)0.5).ToString()));
        Assert.That(Duration.FromTimeSpan(TimeSpan.FromSeconds(2)).ToString(), Is.EqualTo(((Duration)TimeSpan.FromSeconds(2)).ToString()));
        Assert.That(default(Duration).ToString(), Is.EqualTo("00:00:00"), "the default is a zero TimeSpan: a zero delay");
    }

    [Test]
    public void EverySourceForm_Compiles_ThroughTheOneOverload()
    {
        // Overload resolution: an int or long widens to double, a float too; a TimeSpan converts; none is ambiguous.
        long longSeconds = 2;
        float floatSeconds = 0.5f;
        TimeSpan? maybe = TimeSpan.FromSeconds(1);
        IAwaitable[] waits =
        {
            Co.Sleep(1), Co.Sleep(0.5), Co.Sleep(floatSeconds), Co.Sleep(longSeconds), Co.Sleep(TimeSpan.FromSeconds(1)),
            Co.Sleep(maybe.Value), Co.Sleep(maybe ?? TimeSpan.Zero), Co.Sleep(Duration.FromSeconds(3)), Co.Sleep(default),
        };
        Assert.That(waits, Has.Length.EqualTo(9));
    }
}
