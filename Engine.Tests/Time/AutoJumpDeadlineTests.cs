using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;

namespace YieldLoop.Tests.Time;

/// <summary>
/// How an auto-jumping <see cref="ManualClock"/> finds the next deadline among many timers (the timer wheel's open slot
/// and cached slot minimum, docs/design.md): it lands exactly on each live deadline in order, never on a cancelled one
/// nor on a point between deadlines, keeps first come, first served for equal deadlines, and scales to many sleepers.
/// Every run takes one tick per distinct deadline (plus the first), so a jump to anything but the next deadline shows
/// up as an extra tick: counted, not timed.
/// </summary>
[TestFixture]
public class AutoJumpDeadlineTests
{
    private const long Slot = 1L << 14;   // a level-0 slot of the wheel, in ticks
    private Timer? _watchdog;
    private int _watchdogFired;

    [TearDown]
    public void DisposeWatchdog()
    {
        _watchdog?.Dispose();
        _watchdog = null;
    }

    /// <summary>A loop on an auto-jumping clock, stopped by a watchdog after <see cref="HangGuard.Limit"/> so a run that
    /// never goes idle fails instead of hanging the suite.</summary>
    private (ManualClock Clock, EventLoop Loop) NewLoop()
    {
        var clock = new ManualClock { AutoJump = true };
        var loop = new EventLoop(clock, "jump-loop");
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
        return (clock, loop);
    }

    private void AssertNotStoppedByWatchdog() =>
        Assert.That(Volatile.Read(ref _watchdogFired), Is.Zero, "the run did not go idle before the hang guard stopped it");

    /// <summary>Deadlines in ticks near and far: several level-0 slots, each level's window edges (exactly on, one tick
    /// before and after), levels 1 to 4, and a share of repeats of earlier deadlines (equal deadlines).</summary>
    private static List<long> MixedDeadlines(int seed, int count)
    {
#pragma warning disable CA5394 // Seeded on purpose: the same deadlines every run.
        var random = new Random(seed);
        var deadlines = new List<long>();
        for (int level = 0; level < 5; level++)
        {
            long window = 1L << (20 + (6 * level));
            deadlines.Add(window - 1);
            deadlines.Add(window);
            deadlines.Add(window + 1);
            deadlines.Add((1L << (14 + (6 * level))) * 3);   // a slot boundary of this level
        }

        while (deadlines.Count < count)
        {
            int kind = random.Next(10);
            long deadline = kind switch
            {
                < 4 => 1 + random.Next((int)(4 * Slot)),                        // near: the first few level-0 slots
                < 6 => 1 + random.Next(100_000),                                // inside [0, 10) ms
                < 7 => 1 + (long)(random.NextDouble() * TimeSpan.TicksPerSecond * 10),      // level 1-2
                < 8 => 1 + (long)(random.NextDouble() * TimeSpan.TicksPerHour * 10),        // levels 3-4
                _ => deadlines[random.Next(deadlines.Count)],                   // an equal deadline, scheduled later
            };
            deadlines.Add(deadline);
        }
#pragma warning restore CA5394

        return deadlines;
    }

    /// <summary>Timer indices in firing order: by deadline, then by scheduling order (a stable sort).</summary>
    private static List<int> FiringOrder(IReadOnlyList<long> deadlines, Func<int, bool>? live = null)
    {
        var order = new List<int>();
        for (int i = 0; i < deadlines.Count; i++)
        {
            if (live is null || live(i))
            {
                order.Add(i);
            }
        }

        order.Sort((a, b) => deadlines[a] != deadlines[b] ? deadlines[a].CompareTo(deadlines[b]) : a.CompareTo(b));
        return order;
    }

    private static int Distinct(IEnumerable<long> values) => new HashSet<long>(values).Count;

    [Test]
    public void RunUntilIdle_ManyTimersAtMixedLevels_LandsExactlyOnEachDeadlineInOrder_EqualDeadlinesFirstComeFirstServed_R3_R7()
    {
        (ManualClock clock, EventLoop loop) = NewLoop();
        List<long> deadlines = MixedDeadlines(seed: 7, count: 3000);
        var fired = new List<int>();
        var firedAt = new List<long>();
        for (int i = 0; i < deadlines.Count; i++)
        {
            int id = i;
            loop.CallLater(TimeSpan.FromTicks(deadlines[i]), () =>
            {
                fired.Add(id);
                firedAt.Add(loop.Time.Ticks);
            });
        }

        loop.RunUntilIdle();

        AssertNotStoppedByWatchdog();
        List<int> expected = FiringOrder(deadlines);
        Assert.That(fired, Is.EqualTo(expected), "deadline order, and scheduling order for equal deadlines");
        for (int k = 0; k < fired.Count; k++)
        {
            Assert.That(firedAt[k], Is.EqualTo(deadlines[fired[k]]), $"timer {fired[k]} fires exactly at its deadline (R7: never early)");
        }

        Assert.That(loop.TickCount, Is.EqualTo(1 + Distinct(deadlines)), "one jump per distinct deadline, none to a slot or cascade point");
        Assert.That(clock.Now.Ticks, Is.EqualTo(deadlines[expected[^1]]), "the clock ends at the last deadline");
        Assert.That(loop.PendingTimerCount, Is.Zero);
    }

    [Test]
    public void RunUntilIdle_TimersScheduledWhileRunning_IntoTheSlotBeingFired_KeepDeadlineThenArrivalOrder_R3()
    {
        (_, EventLoop loop) = NewLoop();

        // Each first-round timer schedules a second one 100 to 500 ticks later, mostly in the same level-0 slot (the
        // one being fired), often on a deadline already pending there: the later arrival must fire after the earlier.
        var deadlines = new List<long>();
        var fired = new List<int>();
        var firedAt = new List<long>();
        void Schedule(long deadline, bool chain)
        {
            int id = deadlines.Count;
            deadlines.Add(deadline);
            loop.CallLater(TimeSpan.FromTicks(deadline - loop.Time.Ticks), () =>
            {
                fired.Add(id);
                firedAt.Add(loop.Time.Ticks);
                if (chain)
                {
                    Schedule(loop.Time.Ticks + ((((id * 37L) % 5) + 1) * 100), chain: false);   // on the same grid
                }
            });
        }

        for (int i = 0; i < 400; i++)
        {
            Schedule(1 + ((i * 7919L) % (3 * Slot / 100) * 100), chain: true);   // on a 100-tick grid, so deadlines repeat
        }

        loop.RunUntilIdle();

        AssertNotStoppedByWatchdog();
        Assert.That(fired, Has.Count.EqualTo(800));
        for (int k = 0; k < fired.Count; k++)
        {
            Assert.That(firedAt[k], Is.EqualTo(deadlines[fired[k]]), $"timer {fired[k]} fires exactly at its deadline");
            if (k > 0)
            {
                long previous = deadlines[fired[k - 1]];
                long current = deadlines[fired[k]];
                Assert.That(current, Is.GreaterThanOrEqualTo(previous), "deadline order");
                if (current == previous)
                {
                    Assert.That(fired[k], Is.GreaterThan(fired[k - 1]), $"equal deadlines at {current}: scheduling order");
                }
            }
        }

        Assert.That(loop.TickCount, Is.EqualTo(1 + Distinct(deadlines)), "one jump per distinct deadline");
    }

    [Test]
    public void RunUntilIdle_CancelledTimers_AreNeverJumpedTo_IncludingTheEarliest_AndOnesCancelledMidRun_R12()
    {
        (ManualClock clock, EventLoop loop) = NewLoop();

        // Distinct deadlines over several slots; every third is cancelled before the run (among them the earliest of
        // all), and every fifth one to fire cancels the next live timer in deadline order: the top of the slot being
        // fired, while it fires.
#pragma warning disable CA5394 // Seeded on purpose.
        var random = new Random(11);
#pragma warning restore CA5394
        var unique = new HashSet<long>();
        while (unique.Count < 1500)
        {
#pragma warning disable CA5394
            unique.Add(1 + random.Next((int)(40 * Slot)));
#pragma warning restore CA5394
        }

        var deadlines = new List<long>(unique);
        var handles = new CallbackHandle[deadlines.Count];
        List<int> byDeadline = FiringOrder(deadlines);
        var rank = new int[deadlines.Count];
        for (int r = 0; r < byDeadline.Count; r++)
        {
            rank[byDeadline[r]] = r;
        }

        var cancelled = new bool[deadlines.Count];
        int midRunCancels = 0;
        var fired = new List<int>();
        var firedAt = new List<long>();
        for (int i = 0; i < deadlines.Count; i++)
        {
            int id = i;
            handles[i] = loop.CallLater(TimeSpan.FromTicks(deadlines[i]), () =>
            {
                fired.Add(id);
                firedAt.Add(loop.Time.Ticks);
                if (fired.Count % 5 == 0)
                {
                    for (int r = rank[id] + 1; r < byDeadline.Count; r++)
                    {
                        int next = byDeadline[r];
                        if (!cancelled[next])
                        {
                            cancelled[next] = true;
                            handles[next].Cancel();
                            midRunCancels++;
                            break;
                        }
                    }
                }
            });
        }

        for (int r = 0; r < byDeadline.Count; r += 3)
        {
            cancelled[byDeadline[r]] = true;   // r = 0: the earliest timer of all
            handles[byDeadline[r]].Cancel();
        }

        Assert.That(loop.NextWakeTime, Is.EqualTo(TimeSpan.FromTicks(deadlines[byDeadline[1]])), "the cancelled earliest is not the next wake-up");
        loop.RunUntilIdle();

        AssertNotStoppedByWatchdog();
        List<int> expected = FiringOrder(deadlines, i => !cancelled[i]);
        Assert.That(fired, Is.EqualTo(expected), "exactly the live timers, in deadline order");
        for (int k = 0; k < fired.Count; k++)
        {
            Assert.That(firedAt[k], Is.EqualTo(deadlines[fired[k]]));
        }

        // A cancel from a callback queues the cancelled handle's turn, which runs in the next tick at the same time (R30):
        // one tick more per mid-run cancel, and none for the cancelled deadline itself.
        Assert.That(midRunCancels, Is.GreaterThan(100));
        Assert.That(loop.TickCount, Is.EqualTo(1 + fired.Count + midRunCancels), "one jump per live deadline: no jump to a cancelled one");
        Assert.That(clock.Now.Ticks, Is.EqualTo(deadlines[expected[^1]]));
        Assert.That(loop.PendingTimerCount, Is.Zero);
    }

    [Test]
    public void RunUntilIdle_ManySleepsOnScaledAndPausedGameClocks_LandOnTheirRealDeadlines_PausedOnesStayPending_R13()
    {
        (ManualClock clock, EventLoop loop) = NewLoop();
        var half = new GameClock(loop, "half") { Scale = 0.5 };
        var paused = new GameClock(loop, "paused");
        paused.Pause();

        // Loop-time sleeps on odd ticks and half-speed sleeps on even real ticks, so no real deadline is shared between
        // the two (equal real deadlines across clocks are grouped per clock, docs/design.md); within each, deadlines
        // repeat and keep their scheduling order.
        List<long> local = MixedDeadlines(seed: 3, count: 1200);
        var realDeadlines = new List<long>();
        var woke = new List<int>();
        var wokeAt = new List<long>();
        IEnumerator<IAwaitable> Sleeper(int id, long ticks)
        {
            yield return Co.Sleep(TimeSpan.FromTicks(ticks));
            woke.Add(id);
            wokeAt.Add(loop.Time.Ticks);
        }

        for (int i = 0; i < local.Count; i++)
        {
            if (i % 2 == 0)
            {
                long ticks = local[i] | 1;
                realDeadlines.Add(ticks);
                loop.Start(Sleeper(i, ticks), "real");
            }
            else
            {
                realDeadlines.Add(2 * local[i]);
                half.Start(Sleeper(i, local[i]), "half");
            }

            paused.Start(Sleeper(-1, local[i]), "paused");
        }

        loop.RunUntilIdle();

        AssertNotStoppedByWatchdog();
        Assert.That(woke, Does.Not.Contain(-1), "a paused clock's sleeps never come due");
        Assert.That(woke, Is.EqualTo(FiringOrder(realDeadlines)), "real-deadline order, scheduling order for equal ones");
        for (int k = 0; k < woke.Count; k++)
        {
            Assert.That(wokeAt[k], Is.EqualTo(realDeadlines[woke[k]]), $"sleeper {woke[k]} wakes exactly at its real deadline");
        }

        Assert.That(loop.TickCount, Is.EqualTo(1 + Distinct(realDeadlines)), "one jump per distinct real deadline");
        Assert.That(clock.Now.Ticks, Is.EqualTo(Max(realDeadlines)));
        Assert.That(loop.PendingTimerCount, Is.EqualTo(local.Count), "the paused clock's sleeps are still pending");
        Assert.That(loop.NextWakeTime, Is.Null, "a paused clock has no wake-up time");
    }

    [Test]
    [Category("Stress")]
    public void RunUntilIdle_TwentyThousandCoroutinesSleepingTwentyRandomTimes_Finish_WithTheClockAtTheLargestTotal()
    {
        const int count = 20_000;
        const int sleeps = 20;
        (ManualClock clock, EventLoop loop) = NewLoop();
#pragma warning disable CA5394 // Seeded on purpose.
        var random = new Random(20_241_129);
        var durations = new long[count * sleeps];
        for (int i = 0; i < durations.Length; i++)
        {
            durations[i] = (long)(random.NextDouble() * 10 * TimeSpan.TicksPerMillisecond);
        }
#pragma warning restore CA5394

        var done = new int[count];
        IEnumerator<IAwaitable> Sleeper(int id)
        {
            for (int k = 0; k < sleeps; k++)
            {
                yield return Co.Sleep(TimeSpan.FromTicks(durations[(id * sleeps) + k]));
                done[id]++;
            }
        }

        long largest = 0;
        for (int i = 0; i < count; i++)
        {
            long total = 0;
            for (int k = 0; k < sleeps; k++)
            {
                total += durations[(i * sleeps) + k];
            }

            largest = Math.Max(largest, total);
            loop.Start(Sleeper(i));
        }

        loop.RunUntilIdle();

        AssertNotStoppedByWatchdog();
        Assert.That(Array.TrueForAll(done, d => d == sleeps), Is.True, "every coroutine completed its 20 sleeps");
        Assert.That(loop.PendingTaskCount, Is.Zero);
        Assert.That(clock.Now.Ticks, Is.EqualTo(largest), "the clock ends at the largest total");
    }

    private static long Max(List<long> values)
    {
        long max = long.MinValue;
        foreach (long v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }
}
