using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// The ready queue as a ring (EventLoop.cs, docs/design.md "The ready queue"): FIFO order holds when the ring wraps
/// round its end and when it grows while a tick's slice is running, in plain and budgeted ticks (R1, R3).
/// </summary>
[TestFixture]
public class ReadyQueueTests : LoopFixture
{
    public ReadyQueueTests()
        : base("ready")
    {
    }

    private static IEnumerator<IAwaitable> Steps(List<string> log, string name, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            log.Add(name);
            yield return Co.NextTick;
        }
    }

    /// <summary>Logs, then starts <paramref name="children"/> tasks (each logs once), then ends.</summary>
    private static IEnumerator<IAwaitable> Spawner(EventLoop loop, List<string> log, string name, int children)
    {
        log.Add(name);
        for (int c = 0; c < children; c++)
        {
            loop.Start(Steps(log, $"{name}.{c}", 1));
        }

        yield break;
    }

    [Test]
    public void ReadyQueue_WrapsRoundItsEnd_EveryTickRunsTheTasksInTheSameOrder_R1_R3()
    {
        // 150 tasks that requeue each tick move the ring's head by 150 slots per tick: it wraps round a 256-slot ring
        // in the second tick, and the order must not change.
        var log = new List<string>();
        var names = new List<string>();
        for (int i = 0; i < 150; i++)
        {
            names.Add("T" + i);
            _loop.Start(Steps(log, "T" + i, 6));
        }

        for (int tick = 0; tick < 6; tick++)
        {
            log.Clear();
            _loop.Tick();
            Assert.That(log, Is.EqualTo(names), $"tick {tick + 1}");
        }
    }

    [Test]
    public void ReadyQueue_GrowsWhileASliceRuns_TheSliceFinishesInOrder_AndTheNewWorkRunsNextTickInOrder_R1_R3()
    {
        // 100 tasks each start 10 more during the tick: 1,000 new entries overflow the ring while the slice is running.
        var log = new List<string>();
        var spawners = new List<string>();
        var children = new List<string>();
        for (int i = 0; i < 100; i++)
        {
            spawners.Add("S" + i);
            for (int c = 0; c < 10; c++)
            {
                children.Add($"S{i}.{c}");
            }

            _loop.Start(Spawner(_loop, log, "S" + i, 10));
        }

        Assert.That(_loop.Tick(), Is.EqualTo(100));
        Assert.That(log, Is.EqualTo(spawners), "the slice ran to its end, in order, out of the old array");
        log.Clear();

        Assert.That(_loop.Tick(), Is.EqualTo(1_000));
        Assert.That(log, Is.EqualTo(children), "what became ready during the tick runs next, in the order it became ready");
        _loop.Tick();
        Assert.That(_loop.PendingTaskCount, Is.Zero);
    }

    [Test]
    public void ReadyQueue_BudgetedTickDefersEntriesAfterTheRingGrew_TheDeferredRunFirstThenTheNewWork_R1_R3()
    {
        // Each spawner spends 1 ms of the budget clock and starts 100 tasks: the ring grows during the slice, and the
        // budget stops the slice after three spawners. The two deferred spawners must run before the 300 children.
        var log = new List<string>();
        var budget = new ManualClock();
        for (int i = 0; i < 5; i++)
        {
            _loop.Start(TimedSpawner(_loop, budget, log, "S" + i, 100));
        }

        int ran = _loop.Tick(TimeSpan.FromMilliseconds(3), budget);

        Assert.That(ran, Is.EqualTo(3));
        Assert.That(log, Is.EqualTo(new[] { "S0", "S1", "S2" }));
        log.Clear();
        _loop.Tick();
        Assert.That(log.GetRange(0, 2), Is.EqualTo(new[] { "S3", "S4" }), "the deferred entries go first");
        Assert.That(log[2], Is.EqualTo("S0.0"), "then the work made ready in the budgeted tick, in order");
        Assert.That(log[301], Is.EqualTo("S2.99"));
        Assert.That(log.Count, Is.EqualTo(302), "the children of S3 and S4 wait for the next tick");
    }

    [Test]
    public void ReadyQueue_BudgetedTickDefersEntriesInAWrappedRing_TheyRunFirstInOrder_R1_R3()
    {
        // The ring wraps (head near its end) and the budget defers part of the slice: the deferred part straddles the end.
        var log = new List<string>();
        var budget = new ManualClock();
        for (int i = 0; i < 200; i++)
        {
            _loop.Start(Steps(log, "W" + i, 0));
        }

        _loop.Tick();   // 200 tasks end at their first step: the ring's head moves to slot 200 of 256
        for (int i = 0; i < 100; i++)
        {
            _loop.Start(TimedSteps(budget, log, "B" + i, 2, i == 49 ? 3 : 0));
        }

        int ran = _loop.Tick(TimeSpan.FromMilliseconds(3), budget);

        Assert.That(ran, Is.EqualTo(50), "the 50th step spent the budget");
        log.Clear();
        _loop.Tick();
        var expected = new List<string>();
        for (int i = 50; i < 100; i++)
        {
            expected.Add("B" + i);
        }

        for (int i = 0; i < 50; i++)
        {
            expected.Add("B" + i);
        }

        Assert.That(log, Is.EqualTo(expected), "the 50 deferred first steps, then the second steps of the 50 that ran");
    }

    private static IEnumerator<IAwaitable> TimedSpawner(EventLoop loop, ManualClock budget, List<string> log, string name, int children)
    {
        budget.Advance(TimeSpan.FromMilliseconds(1));
        log.Add(name);
        for (int c = 0; c < children; c++)
        {
            loop.Start(Steps(log, $"{name}.{c}", 1));
        }

        yield break;
    }

    private static IEnumerator<IAwaitable> TimedSteps(ManualClock budget, List<string> log, string name, int steps, int costMs)
    {
        for (int i = 0; i < steps; i++)
        {
            budget.Advance(TimeSpan.FromMilliseconds(i == 0 ? costMs : 0));
            log.Add(name);
            yield return Co.NextTick;
        }
    }
}
