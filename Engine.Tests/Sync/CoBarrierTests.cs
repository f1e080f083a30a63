using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace YieldLoop.Tests.Sync;

/// <summary>CoBarrier: phases, arrival indices, and withdrawn arrivals.</summary>
public class CoBarrierTests : LoopFixture
{
    public CoBarrierTests()
        : base("sync")
    {
    }

    [Test]
    public void TheLastArrival_TripsThePhase_AndEveryoneGetsItsArrivalIndex()
    {
        var t = new TestLoop();
        var barrier = new CoBarrier(t.Loop, 3);
        var log = new List<string>();

        t.Loop.Start(Arrive(barrier, "A", log, 0));
        t.Loop.Start(Arrive(barrier, "B", log, 1));
        t.Loop.Start(Arrive(barrier, "C", log, 2));
        t.AdvanceAndTick(0);
        t.AdvanceAndTick(1);
        Assert.That(log, Is.Empty);
        Assert.That(barrier.ArrivedCount, Is.EqualTo(2));
        t.AdvanceAndTick(1);

        Assert.That(log, Is.EqualTo(new[] { "C #2 phase 1" }), "the last arrival goes on at once");
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "C #2 phase 1", "A #0 phase 1", "B #1 phase 1" }));
        Assert.That(barrier.Phase, Is.EqualTo(1));
        Assert.That(barrier.ArrivedCount, Is.Zero);
    }

    [Test]
    public void TheBarrier_IsReusableAcrossPhases()
    {
        var t = new TestLoop();
        var barrier = new CoBarrier(t.Loop, 2);
        var phases = new List<long>();
        t.Loop.Start(Rounds(barrier, phases, 3));
        t.Loop.Start(Rounds(barrier, phases, 3));

        t.Tick(10);

        Assert.That(barrier.Phase, Is.EqualTo(3));
        Assert.That(phases, Is.EqualTo(new long[] { 1, 1, 2, 2, 3, 3 }));
    }

    [Test]
    public void ACancelledArrival_IsWithdrawn_SoThePhaseWaitsForAReplacement()
    {
        var t = new TestLoop();
        var barrier = new CoBarrier(t.Loop, 2);
        var log = new List<string>();
        LoopTask a = t.Loop.Start(Arrive(barrier, "A", log, 0));
        t.Tick();
        a.Cancel();
        t.Tick();
        Assert.That(barrier.ArrivedCount, Is.Zero);

        t.Loop.Start(Arrive(barrier, "B", log, 0));
        t.Tick();
        Assert.That(log, Is.Empty, "B alone does not trip a barrier of two");
        t.Loop.Start(Arrive(barrier, "C", log, 0));
        t.Tick(4);

        Assert.That(log, Is.EqualTo(new[] { "C #1 phase 1", "B #0 phase 1" }));
    }

    [Test]
    public void AnArrivalFutureCancelledDirectly_IsWithdrawnToo()
    {
        var t = new TestLoop();
        var barrier = new CoBarrier(t.Loop, 2);
        Future<int> first = barrier.SignalAndWait();
        first.Cancel();

        Future<int> second = barrier.SignalAndWait();
        Future<int> third = barrier.SignalAndWait();

        Assert.That(second.Result, Is.Zero);
        Assert.That(third.Result, Is.EqualTo(1));
    }

    [Test]
    public void Constructor_RejectsFewerThanOneParticipant()
    {
        var t = new TestLoop();

        Assert.That(() => new CoBarrier(t.Loop, 0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(new CoBarrier(t.Loop, 1).SignalAndWait().Result, Is.Zero, "one participant trips at once");
    }

    private static IEnumerator<IAwaitable> Arrive(CoBarrier barrier, string name, List<string> log, double delay)
    {
        yield return Co.Sleep(delay);
        Future<int> arrival = barrier.SignalAndWait();
        yield return arrival;
        log.Add($"{name} #{arrival.Result} phase {barrier.Phase}");
    }

    private static IEnumerator<IAwaitable> Rounds(CoBarrier barrier, List<long> phases, int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            yield return barrier.SignalAndWait();
            phases.Add(barrier.Phase);
        }
    }

    // ---- scenarios: FIFO fairness and cancel safety ---------------------------------------------------------------

    [Test]
    public void Barrier_CancelledArrivalWithdrawn_PhaseWaitsForAnother()
    {
        var bar = new CoBarrier(_loop, 3);
        var indices = new Dictionary<string, int>();
        IEnumerator<IAwaitable> Arrive(string n)
        {
            var f = bar.SignalAndWait();
            yield return f;
            indices[n] = f.Result;
        }

        var a = _loop.Start(Arrive("a"));
        var b = _loop.Start(Arrive("b"));
        Ticks(2);
        b.Cancel();
        Ticks(1);
        Assert.That(bar.ArrivedCount, Is.EqualTo(1));
        _loop.Start(Arrive("c"));
        Ticks(2);
        Assert.That(bar.Phase, Is.EqualTo(0), "tripped one participant short");
        Assert.That(indices, Is.Empty);
        _loop.Start(Arrive("d"));
        Ticks(3);
        Assert.That(bar.Phase, Is.EqualTo(1));
        Assert.That(indices.Keys, Is.EquivalentTo(new[] { "a", "c", "d" }));
        Assert.That(indices.Values.OrderBy(v => v), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(a.IsSucceeded, Is.True);
    }
}
