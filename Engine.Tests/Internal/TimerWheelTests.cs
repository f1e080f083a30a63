using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using NUnit.Framework;
using YieldLoop.Internal;

namespace YieldLoop.Tests.Internal;

/// <summary>
/// The timer wheel on its own (R7, R8, R12), checked against a reference model: a plain list of pending timers fired
/// in (deadline, insertion) order. The wheel hands due nodes to a loop's ready queue; here the nodes are callback
/// handles of a sink loop whose next tick runs them, so the order they run in is the order the wheel fired them.
/// </summary>
[TestFixture]
public class TimerWheelTests
{
    private const long Hour = TimeSpan.TicksPerHour;

    private sealed class Harness
    {
        public Harness()
        {
            Sink = new EventLoop(new ManualClock(), "sink");
        }

        public EventLoop Sink { get; }

        public TimerWheel Wheel { get; } = new();

        public List<int> Fired { get; } = new();

        public CallbackHandle Node(int id) => new(Sink, () => Fired.Add(id));

        /// <summary>Advances the wheel to <paramref name="now"/> and returns the ids it fired, in order.</summary>
        public List<int> Advance(long now)
        {
            Fired.Clear();
            Wheel.Advance(now, Sink);
            Sink.Tick();
            return Fired.ToList();
        }
    }

    [Test]
    public void Insert_ThenAdvance_FiresNothingBeforeTheDeadlineAndEverythingAtIt_R7()
    {
        var h = new Harness();
        long[] deadlines = { 1, 2, 1023, 1024, 1025, 16_383, 16_384, 16_385, 10_000_000, Hour, 1L << 40, 1L << 58 };
        for (int i = 0; i < deadlines.Length; i++)
        {
            h.Wheel.Insert(h.Node(i), deadlines[i]);
        }

        Assert.That(h.Wheel.Count, Is.EqualTo(deadlines.Length));
        for (int i = 0; i < deadlines.Length; i++)
        {
            Assert.That(h.Advance(deadlines[i] - 1), Is.Empty, $"nothing fires before {deadlines[i]}");
            Assert.That(h.Advance(deadlines[i]), Is.EqualTo(new[] { i }), $"the timer at {deadlines[i]} fires at it");
            Assert.That(h.Wheel.Count, Is.EqualTo(deadlines.Length - i - 1));
        }

        Assert.That(h.Wheel.NextWakeTime(), Is.EqualTo(long.MaxValue));
    }

    [Test]
    public void EqualDeadlines_FireInInsertionOrder_EvenWhenInsertedFromDifferentDistances_R8()
    {
        var h = new Harness();
        long deadline = (3 * Hour) + 12_345;
        var expected = new List<int>();
        int id = 0;
        long now = 0;

        // Insert some timers for the same deadline at each of a series of ever closer times.
        foreach (long before in new[] { 3 * Hour, Hour, 60 * TimeSpan.TicksPerSecond, TimeSpan.TicksPerSecond, 100_000, 1000, 10, 1 })
        {
            long at = deadline - before;
            if (at > now)
            {
                Assert.That(h.Advance(at), Is.Empty);
                now = at;
            }

            for (int i = 0; i < 3; i++)
            {
                h.Wheel.Insert(h.Node(id), deadline);
                expected.Add(id++);
            }

            h.Wheel.Insert(h.Node(1000 + id), deadline + 1);   // a later neighbour, which must come after
        }

        Assert.That(h.Advance(deadline), Is.EqualTo(expected));
        Assert.That(h.Advance(deadline + 1), Has.Count.EqualTo(8));
    }

    [Test]
    public void ManyDeadlinesInOneSlot_FireSortedByDeadlineThenInsertion_R7_R8()
    {
        var h = new Harness();
        var random = new Random(5);
        var model = new List<(long Deadline, int Id)>();
        for (int i = 0; i < 500; i++)
        {
            long deadline = 1_000_000 + Next(random, 3000);   // a few hundred per level-0 slot, unsorted
            h.Wheel.Insert(h.Node(i), deadline);
            model.Add((deadline, i));
        }

        List<int> fired = h.Advance(1_000_000 + 3000);
        Assert.That(fired, Is.EqualTo(model.OrderBy(m => m.Deadline).ThenBy(m => m.Id).Select(m => m.Id)));
    }

    [Test]
    public void ADeadlineInThePast_FiresAtTheNextAdvance_R9()
    {
        var h = new Harness();
        Assert.That(h.Advance(5000), Is.Empty);
        h.Wheel.Insert(h.Node(1), 10);
        h.Wheel.Insert(h.Node(2), 5000);
        h.Wheel.Insert(h.Node(3), 4000);
        Assert.That(h.Wheel.NextWakeTime(), Is.LessThanOrEqualTo(5000));
        Assert.That(h.Advance(5000), Is.EqualTo(new[] { 1, 2, 3 }), "past deadlines count as now: insertion order");
    }

    [Test]
    public void Cancel_RemovesTheTimerFromTheCountAtOnceAndItNeverFires_R12()
    {
        var h = new Harness();
        var nodes = Enumerable.Range(0, 10).Select(h.Node).ToList();
        for (int i = 0; i < nodes.Count; i++)
        {
            h.Wheel.Insert(nodes[i], (i + 1) * 1000L);
        }

        h.Wheel.Cancel(nodes[3]);
        h.Wheel.Cancel(nodes[3]);   // twice is harmless
        h.Wheel.Cancel(nodes[7]);
        Assert.That(h.Wheel.Count, Is.EqualTo(8));
        Assert.That(h.Wheel.HasDirty, Is.True);
        h.Wheel.Purge();
        Assert.That(h.Wheel.HasDirty, Is.False);
        Assert.That(h.Advance(1_000_000), Is.EqualTo(new[] { 0, 1, 2, 4, 5, 6, 8, 9 }));
        Assert.That(h.Wheel.Count, Is.Zero);
    }

    [Test]
    public void Purge_UnlinksCancelledNodesSoTheWheelKeepsNoReferenceToThem_R12()
    {
        var h = new Harness();
        var weak = new List<WeakReference>();
        AddAndCancel(h, weak);
        h.Wheel.Purge();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.That(weak.Count(w => w.IsAlive), Is.Zero);
        Assert.That(h.Wheel.Count, Is.Zero);
        Assert.That(h.Wheel.NextWakeTime(), Is.EqualTo(long.MaxValue), "an empty wheel has nothing to wake for");

        static void AddAndCancel(Harness h, List<WeakReference> weak)
        {
            for (int i = 0; i < 2000; i++)
            {
                CallbackHandle node = h.Node(i);
                h.Wheel.Insert(node, (long)Math.Pow(10, i / 120.0));   // 1 tick .. beyond a year: every level
                h.Wheel.Cancel(node);
                weak.Add(new WeakReference(node));
            }
        }
    }

    [Test]
    public void NextWakeTime_IsNeverLaterThanTheEarliestDeadline_AndFollowingItReachesADeadlineInFewSteps_R53()
    {
        foreach (long deadline in new[] { 1L, 777, 20_000, 1_234_567, Hour, 24 * Hour, 1L << 50 })
        {
            var h = new Harness();
            h.Wheel.Insert(h.Node(1), deadline);
            int steps = 0;
            var fired = new List<int>();
            while (fired.Count == 0)
            {
                long wake = h.Wheel.NextWakeTime();
                Assert.That(wake, Is.LessThanOrEqualTo(deadline));
                fired = h.Advance(wake);
                Assert.That(fired.Count == 0 || wake == deadline, Is.True, "fired only at its deadline");
                steps++;
                Assert.That(steps, Is.LessThan(20), $"an idle loop following NextWakeTime to {deadline} would wake too often");
            }
        }
    }

    [Test]
    public void Clear_DropsEverything()
    {
        var h = new Harness();
        for (int i = 0; i < 100; i++)
        {
            h.Wheel.Insert(h.Node(i), i * 1_000_003L);
        }

        h.Wheel.Clear();
        Assert.That(h.Wheel.Count, Is.Zero);
        Assert.That(h.Wheel.NextWakeTime(), Is.EqualTo(long.MaxValue));
        Assert.That(h.Advance(long.MaxValue / 4), Is.Empty);
    }

    /// <summary>
    /// Thousands of timers with random deadlines over every scale from 100 ns to hours (and a few near the longest
    /// delay), random cancels, purges at random moments, random clock jumps (zero, exactly to a deadline, one tick
    /// short of one, to <see cref="TimerWheel.NextWakeTime"/>, log-uniform up to days): every advance fires exactly
    /// the timers the model says are due, in (deadline, insertion) order; the count matches; the next wake time is
    /// never after the earliest pending deadline, nor (once purged) at or before now.
    /// </summary>
    [Test]
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded test driver.")]
    public void RandomTimers_FireExactlyAsTheReferenceModelSays_R7_R8_R12([Values(1, 2, 3, 4, 5)] int seed)
    {
        var h = new Harness();
        var random = new Random(seed);
        var pending = new List<ModelTimer>();
        var nodes = new Dictionary<int, CallbackHandle>();
        long now = 0;
        int nextId = 0;
        long sequence = 0;
        int totalFired = 0;
        int totalCancelled = 0;
        bool dirty = false;

        for (int round = 0; round < 4000; round++)
        {
            int inserts = random.Next(8);
            for (int i = 0; i < inserts; i++)
            {
                long deadline = RandomDeadline();
                var m = new ModelTimer(nextId++, Math.Max(deadline, now), sequence++);
                CallbackHandle node = h.Node(m.Id);
                nodes[m.Id] = node;
                h.Wheel.Insert(node, deadline);
                pending.Add(m);
            }

            int cancels = pending.Count > 0 && random.Next(3) == 0 ? random.Next(1, 4) : 0;
            for (int i = 0; i < cancels && pending.Count > 0; i++)
            {
                ModelTimer victim = pending[random.Next(pending.Count)];
                h.Wheel.Cancel(nodes[victim.Id]);
                pending.Remove(victim);
                nodes.Remove(victim.Id);
                totalCancelled++;
                dirty = true;
            }

            if (dirty && random.Next(2) == 0)
            {
                h.Wheel.Purge();
                dirty = false;
            }

            Assert.That(h.Wheel.Count, Is.EqualTo(pending.Count), $"round {round}: count");
            if (pending.Count > 0)
            {
                long earliest = pending.Min(m => m.Deadline);
                long wake = h.Wheel.NextWakeTime();
                Assert.That(wake, Is.LessThanOrEqualTo(earliest), $"round {round}: an idle loop would sleep past a deadline");
                if (!dirty && earliest > now)
                {
                    Assert.That(wake, Is.GreaterThan(now), $"round {round}: an idle loop would spin");
                }
            }

            now += RandomJump();
            List<int> expected = pending.Where(m => m.Deadline <= now)
                .OrderBy(m => m.Deadline).ThenBy(m => m.Sequence).Select(m => m.Id).ToList();
            pending.RemoveAll(m => m.Deadline <= now);
            foreach (int id in expected)
            {
                nodes.Remove(id);
            }

            List<int> fired = h.Advance(now);
            Assert.That(fired, Is.EqualTo(expected), $"round {round}: fired at {now}");
            totalFired += fired.Count;
        }

        Assert.That(totalFired, Is.GreaterThan(5000), "the run exercised firing");
        Assert.That(totalCancelled, Is.GreaterThan(500), "the run exercised cancels");

        long RandomDeadline()
        {
            int shape = random.Next(20);
            if (shape == 0)
            {
                return now - random.Next(100_000);                        // in the past: counts as now
            }

            if (shape == 1)
            {
                return now;
            }

            if (shape == 2 && pending.Count > 0)
            {
                return pending[random.Next(pending.Count)].Deadline;      // a tie with a pending timer
            }

            if (shape == 3)
            {
                return now + (1L << 58) - random.Next(1000);              // near the longest delay the loop keeps
            }

            // Log-uniform from 100 ns to 10 hours.
            return now + (long)Math.Pow(10, random.NextDouble() * Math.Log10(10.0 * Hour));
        }

        long RandomJump()
        {
            int shape = random.Next(10);
            if (shape == 0)
            {
                return 0;
            }

            List<ModelTimer> reachable = pending.Where(m => m.Deadline < now + (1L << 50)).ToList();
            if (shape <= 2 && reachable.Count > 0)
            {
                long target = reachable[random.Next(reachable.Count)].Deadline - random.Next(2);
                return Math.Max(0, target - now);
            }

            if (shape == 3)
            {
                long wake = h.Wheel.NextWakeTime();
                return wake == long.MaxValue || wake - now > (1L << 50) ? 0 : Math.Max(0, wake - now);
            }

            double maxJump = shape == 4 ? 3 * 24.0 * Hour : 2.0 * Hour;
            return (long)Math.Pow(10, random.NextDouble() * Math.Log10(maxJump));
        }
    }

    private static long Next(Random random, int max)
    {
#pragma warning disable CA5394 // A seeded test driver.
        return random.Next(max);
#pragma warning restore CA5394
    }

    private sealed record ModelTimer(int Id, long Deadline, long Sequence);
}
