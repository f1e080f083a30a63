using System;
using System.Collections.Generic;
using CsCheck;
using NUnit.Framework;
using YieldLoop.Tests.Properties;

namespace YieldLoop.Tests.Time;

/// <summary>
/// <see cref="FixedTimestep"/> (issue 6): variable frame deltas become a whole number of fixed steps, from an integer
/// (100 ns) accumulator, so the counts are exact and deterministic; at most <see cref="FixedTimestep.MaxStepsPerFrame"/>
/// per frame, the excess whole steps dropped and counted, the fraction kept.
/// </summary>
[TestFixture]
public class FixedTimestepTests
{
    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromTicks(milliseconds * TimeSpan.TicksPerMillisecond);

    private static int[] AdvanceAll(FixedTimestep timestep, IEnumerable<TimeSpan> deltas)
    {
        var counts = new List<int>();
        foreach (TimeSpan delta in deltas)
        {
            counts.Add(timestep.Advance(delta));
        }

        return counts.ToArray();
    }

    // ---- exact counts ------------------------------------------------------------------------------------------------

    [Test]
    public void Advance_TwentyMsStep_SixteenMsFrames_GivesZeroOneOne_AndKeepsTheRemainder()
    {
        var timestep = new FixedTimestep(Ms(20));
        var counts = new List<int>();
        var accumulated = new List<TimeSpan>();
        for (int i = 0; i < 3; i++)
        {
            counts.Add(timestep.Advance(Ms(16)));
            accumulated.Add(timestep.Accumulated);
        }

        Assert.That(counts, Is.EqualTo(new[] { 0, 1, 1 }));
        Assert.That(accumulated, Is.EqualTo(new[] { Ms(16), Ms(12), Ms(8) }));
        Assert.That(timestep.TotalSteps, Is.EqualTo(2));
        Assert.That(timestep.DroppedSteps, Is.Zero);
        Assert.That(timestep.Alpha, Is.EqualTo(0.4).Within(1e-15));
    }

    [Test]
    public void Advance_AHitchOf500Ms_WithAtMostThreeStepsPerFrame_GivesThree_AndDropsTwentyTwo()
    {
        // The spiral of death cut off: 25 whole steps are due, 3 run, 22 are dropped and counted.
        var timestep = new FixedTimestep(Ms(20), maxStepsPerFrame: 3);

        Assert.That(timestep.Advance(Ms(500)), Is.EqualTo(3));

        Assert.That(timestep.DroppedSteps, Is.EqualTo(22));
        Assert.That(timestep.TotalSteps, Is.EqualTo(3));
        Assert.That(timestep.Accumulated, Is.EqualTo(TimeSpan.Zero));
        Assert.That(timestep.MaxStepsPerFrame, Is.EqualTo(3));
    }

    [Test]
    public void Advance_AHitchWithAFraction_DropsOnlyWholeSteps_AndKeepsTheFractionForTheNextFrame()
    {
        var timestep = new FixedTimestep(Ms(20), maxStepsPerFrame: 3);

        Assert.That(timestep.Advance(Ms(510)), Is.EqualTo(3));
        Assert.That(timestep.DroppedSteps, Is.EqualTo(22));
        Assert.That(timestep.Accumulated, Is.EqualTo(Ms(10)), "the fraction is kept");

        Assert.That(timestep.Advance(Ms(16)), Is.EqualTo(1), "10 + 16 = 26 ms: one step");
        Assert.That(timestep.Accumulated, Is.EqualTo(Ms(6)));
        Assert.That(timestep.DroppedSteps, Is.EqualTo(22), "nothing more dropped");
        Assert.That(timestep.TotalSteps, Is.EqualTo(4));
    }

    [Test]
    public void Advance_AtTheStepBoundary_IsExactToOneTick()
    {
        var timestep = new FixedTimestep(Ms(20));

        Assert.That(timestep.Advance(Ms(20) - TimeSpan.FromTicks(1)), Is.Zero);
        Assert.That(timestep.Advance(TimeSpan.FromTicks(1)), Is.EqualTo(1));
        Assert.That(timestep.Accumulated, Is.EqualTo(TimeSpan.Zero));
        Assert.That(timestep.Advance(Ms(20)), Is.EqualTo(1));
        Assert.That(timestep.Advance(TimeSpan.Zero), Is.Zero);
        Assert.That(timestep.Advance(Ms(40)), Is.EqualTo(2));
        Assert.That(timestep.TotalSteps, Is.EqualTo(4));
    }

    [Test]
    public void New_KeepsItsArguments_AndDefaultsToEightStepsPerFrame()
    {
        var timestep = new FixedTimestep(TimeSpan.FromTicks(166_667));

        Assert.That(timestep.Step, Is.EqualTo(TimeSpan.FromTicks(166_667)));
        Assert.That(timestep.MaxStepsPerFrame, Is.EqualTo(8));
        Assert.That(timestep.Accumulated, Is.EqualTo(TimeSpan.Zero));
        Assert.That(timestep.Alpha, Is.Zero);
        Assert.That(timestep.TotalSteps, Is.Zero);
        Assert.That(timestep.DroppedSteps, Is.Zero);
        Assert.That(timestep.Advance(Ms(1000)), Is.EqualTo(8), "the default cap");
    }

    [Test]
    public void Advance_AHugeDelta_IsCappedWithoutOverflow()
    {
        var timestep = new FixedTimestep(TimeSpan.FromTicks(1));

        Assert.That(timestep.Advance(TimeSpan.MaxValue), Is.EqualTo(8));
        Assert.That(timestep.Advance(double.MaxValue), Is.EqualTo(8));

        Assert.That(timestep.Accumulated, Is.EqualTo(TimeSpan.Zero));
        Assert.That(timestep.DroppedSteps, Is.GreaterThan(0));
        Assert.That(timestep.TotalSteps, Is.EqualTo(16));
    }

    [Test]
    public void Advance_WithAStepNearTimeSpanMaxValue_NeverOverflowsTheAccumulator()
    {
        // The accumulator stays below Step; adding a (capped) delta to it must not wrap around to a negative count.
        var timestep = new FixedTimestep(TimeSpan.MaxValue, maxStepsPerFrame: 1);
        long total = 0;
        for (int frame = 0; frame < 40; frame++)
        {
            int steps = timestep.Advance(TimeSpan.MaxValue);
            Assert.That(steps, Is.InRange(0, 1), $"frame {frame}");
            Assert.That(timestep.Accumulated, Is.GreaterThanOrEqualTo(TimeSpan.Zero).And.LessThan(timestep.Step), $"frame {frame}");
            Assert.That(timestep.Alpha, Is.GreaterThanOrEqualTo(0.0).And.LessThan(1.0), $"frame {frame}");
            total += steps;
        }

        Assert.That(timestep.TotalSteps, Is.EqualTo(total));
        Assert.That(total, Is.GreaterThan(0), "40 capped deltas add up to more than one step of TimeSpan.MaxValue");
    }

    // ---- determinism -----------------------------------------------------------------------------------------------

    [Test]
    public void Advance_TheSameDeltasTwice_GiveTheSameCountsTwice_InTimeSpanAndInSeconds()
    {
        var deltas = new List<double>();
        for (int i = 0; i < 5000; i++)
        {
            // Frame times around 60 and 144 Hz, with hitches: none of these is exact in binary.
            deltas.Add((i % 3) switch
            {
                0 => 1.0 / 60,
                1 => 1.0 / 144,
                _ => (((i * 7919) % 1000) + 1) / 7000.0,
            });
        }

        int[] first = AdvanceSeconds(new FixedTimestep(TimeSpan.FromTicks(200_000), 4), deltas);
        int[] second = AdvanceSeconds(new FixedTimestep(TimeSpan.FromTicks(200_000), 4), deltas);

        Assert.That(second, Is.EqualTo(first));
        var rounded = new List<TimeSpan>();
        foreach (double seconds in deltas)
        {
            rounded.Add(TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)));
        }

        Assert.That(AdvanceAll(new FixedTimestep(TimeSpan.FromTicks(200_000), 4), rounded), Is.EqualTo(first),
            "seconds are rounded to the nearest 100 ns tick once, then counted as integers");

        static int[] AdvanceSeconds(FixedTimestep timestep, List<double> deltas)
        {
            var counts = new int[deltas.Count];
            for (int i = 0; i < deltas.Count; i++)
            {
                counts[i] = timestep.Advance(deltas[i]);
            }

            return counts;
        }
    }

    [Test]
    public void Advance_OneSixtiethOfASecond_WithAStepOfTheSameRoundedLength_GivesExactlyOneStepEveryFrame()
    {
        // 1/60 s is 166,666.67 ticks, rounded to 166,667. An accumulator in floating-point seconds drifts and sooner or
        // later gives a frame of 0 or 2 steps; the integer accumulator gives 1, 100,000 times over.
        var timestep = new FixedTimestep(TimeSpan.FromTicks(166_667));
        for (int frame = 0; frame < 100_000; frame++)
        {
            int steps = timestep.Advance(1.0 / 60);
            if (steps != 1)
            {
                Assert.Fail($"frame {frame} gave {steps} steps");
            }
        }

        Assert.That(timestep.TotalSteps, Is.EqualTo(100_000));
        Assert.That(timestep.Accumulated, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void Alpha_StaysInZeroToOne_AndEqualsAccumulatedOverStep_AndTotalStepsSumsTheCounts()
    {
        var timestep = new FixedTimestep(TimeSpan.FromTicks(333_333), 5);
        long sum = 0;
        for (int frame = 0; frame < 10_000; frame++)
        {
            sum += timestep.Advance(TimeSpan.FromTicks((frame * 104_729L) % 700_000));
            double alpha = timestep.Alpha;
            if (!(alpha >= 0 && alpha < 1) || Math.Abs(alpha - (timestep.Accumulated.TotalSeconds / timestep.Step.TotalSeconds)) > 1e-12)
            {
                Assert.Fail($"frame {frame}: Alpha {alpha}, Accumulated {timestep.Accumulated}, Step {timestep.Step}");
            }
        }

        Assert.That(timestep.TotalSteps, Is.EqualTo(sum));
    }

    // ---- bad input -------------------------------------------------------------------------------------------------

    [TestCase(0L)]
    [TestCase(-1L)]
    [TestCase(long.MinValue)]
    public void New_WithAStepOfZeroOrLess_ThrowsArgumentOutOfRange(long ticks)
    {
        Assert.That(() => new FixedTimestep(TimeSpan.FromTicks(ticks)), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property("ParamName").EqualTo("step"));
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(int.MinValue)]
    public void New_WithFewerThanOneStepPerFrame_ThrowsArgumentOutOfRange(int max)
    {
        Assert.That(() => new FixedTimestep(Ms(20), max), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property("ParamName").EqualTo("maxStepsPerFrame"));
    }

    [TestCase(-1e-7)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void Advance_WithBadSeconds_ThrowsArgumentOutOfRange_AndLeavesTheStateUnchanged(double seconds)
    {
        var timestep = new FixedTimestep(Ms(20), 2);
        timestep.Advance(Ms(500));   // some state: 2 steps, 23 dropped
        timestep.Advance(Ms(13));

        Assert.That(() => timestep.Advance(seconds), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property("ParamName").EqualTo("frameDelta"));

        AssertUnchanged(timestep);
    }

    [TestCase(-1L)]
    [TestCase(long.MinValue)]
    public void Advance_WithANegativeTimeSpan_ThrowsArgumentOutOfRange_AndLeavesTheStateUnchanged(long ticks)
    {
        var timestep = new FixedTimestep(Ms(20), 2);
        timestep.Advance(Ms(500));
        timestep.Advance(Ms(13));

        Assert.That(() => timestep.Advance(TimeSpan.FromTicks(ticks)), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property("ParamName").EqualTo("frameDelta"));

        AssertUnchanged(timestep);
    }

    private static void AssertUnchanged(FixedTimestep timestep)
    {
        Assert.That(timestep.Accumulated, Is.EqualTo(Ms(13)));
        Assert.That(timestep.TotalSteps, Is.EqualTo(2));
        Assert.That(timestep.DroppedSteps, Is.EqualTo(23));
        Assert.That(timestep.Advance(Ms(7)), Is.EqualTo(1), "the next frame goes on from where the good ones left it");
    }

    // ---- properties (CsCheck) ----------------------------------------------------------------------------------------

    private static readonly Gen<(long Step, long[] Deltas)> Sequences =
        Gen.Select(Gen.Long[1, 2_000_000], Gen.Long[0, 3_000_000].Array[0, 100]);

    [Test]
    public void Property_WithABigCap_TotalStepsIsTheFloorOfTheSumOverTheStep_AndEveryFrameGetsItsShare()
    {
        PropertyRunner.Run(Sequences, sample =>
        {
            (long step, long[] deltas) = sample;
            var timestep = new FixedTimestep(TimeSpan.FromTicks(step), int.MaxValue);
            long sum = 0;
            foreach (long delta in deltas)
            {
                long before = sum / step;
                sum += delta;
                Prop.That(timestep.Advance(TimeSpan.FromTicks(delta)), Is.EqualTo((sum / step) - before), "this frame's steps");
            }

            Prop.That(timestep.TotalSteps, Is.EqualTo(sum / step), "total steps = floor(sum / step)");
            Prop.That(timestep.Accumulated.Ticks, Is.EqualTo(sum % step), "the remainder");
            Prop.That(timestep.DroppedSteps, Is.Zero, "nothing dropped under a big cap");
        }, iterations: 3000, seed: 60_0001UL, print: Print);
    }

    [Test]
    public void Property_WithASmallCap_RunAndDroppedStepsAddUpToTheFloor_AndTheFractionIsKept()
    {
        Gen<(long Step, long[] Deltas, int Cap)> gen = Gen.Select(Sequences, Gen.Int[1, 4], (s, cap) => (s.Step, s.Deltas, cap));
        PropertyRunner.Run(gen, sample =>
        {
            (long step, long[] deltas, int cap) = sample;
            var timestep = new FixedTimestep(TimeSpan.FromTicks(step), cap);
            long sum = 0;
            foreach (long delta in deltas)
            {
                sum += delta;
                Prop.That(timestep.Advance(TimeSpan.FromTicks(delta)), Is.InRange(0, cap), "at most the cap per frame");
            }

            Prop.That(timestep.TotalSteps + timestep.DroppedSteps, Is.EqualTo(sum / step), "run + dropped = floor(sum / step)");
            Prop.That(timestep.Accumulated.Ticks, Is.EqualTo(sum % step), "only whole steps are dropped");
        }, iterations: 3000, seed: 60_0002UL, print: s => $"cap {s.Cap}, " + Print((s.Step, s.Deltas)));
    }

    private static string Print((long Step, long[] Deltas) sample) =>
        $"step {sample.Step} ticks, deltas [{string.Join(", ", sample.Deltas)}]";

    // ---- a host loop -----------------------------------------------------------------------------------------------

    [Test]
    public void HostLoop_FixedTimestepDrivingAFixedUpdatePhase_ThePhysicsCoroutineStepsExactlyTotalStepsTimes()
    {
        // The wiring of docs/design.md: per frame, advance the clock by the frame's delta, run the fixed phase as many
        // times as Advance says, then tick. A physics coroutine that yields the phase in its loop steps once per run, so
        // its step count is the timestep's, frame by frame.
        var t = new TestLoop();
        var fixedUpdate = new LoopPhase(t.Loop, "FixedUpdate");
        var timestep = new FixedTimestep(Ms(20), maxStepsPerFrame: 4);
        int physicsSteps = 0;
        int frames = 0;
        var simulated = TimeSpan.Zero;
        t.Loop.Start(Physics(), "physics");
        t.Loop.Start(Render(), "render");
        t.Tick();   // both coroutines take their first step and park

        int[] frameMs = { 16, 17, 16, 33, 5, 250, 16, 16, 0, 40, 19, 21, 1000, 16, 16, 16 };
        var expected = new List<int>();
        var actual = new List<int>();
        for (int round = 0; round < 20; round++)
        {
            foreach (int ms in frameMs)
            {
                t.Clock.Advance(Ms(ms));
                int steps = timestep.Advance(Ms(ms));
                int before = physicsSteps;
                for (int i = 0; i < steps; i++)
                {
                    Assert.That(fixedUpdate.Run(), Is.EqualTo(1));
                }

                t.Loop.Tick();
                expected.Add(steps);
                actual.Add(physicsSteps - before);
            }
        }

        Assert.That(actual, Is.EqualTo(expected), "frame by frame");
        Assert.That(physicsSteps, Is.EqualTo(timestep.TotalSteps));
        Assert.That(fixedUpdate.RunCount, Is.EqualTo(timestep.TotalSteps));
        Assert.That(simulated, Is.EqualTo(TimeSpan.FromTicks(timestep.Step.Ticks * timestep.TotalSteps)));
        Assert.That(timestep.DroppedSteps, Is.GreaterThan(0), "the hitches were cut off");
        Assert.That(frames, Is.EqualTo(20 * frameMs.Length));
        Assert.That(t.Unhandled, Is.Empty);

        IEnumerator<IAwaitable> Physics()
        {
            while (true)
            {
                yield return fixedUpdate;
                physicsSteps++;
                simulated += timestep.Step;
            }
        }

        IEnumerator<IAwaitable> Render()
        {
            while (true)
            {
                yield return Co.NextTick;
                frames++;
            }
        }
    }
}
