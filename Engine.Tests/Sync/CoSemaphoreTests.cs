using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using static YieldLoop.Tests.Sync.SyncWork;

namespace YieldLoop.Tests.Sync;

/// <summary>CoSemaphore: FIFO permits, bounds, and conservation of permits under cancellation.</summary>
public class CoSemaphoreTests : LoopFixture
{
    public CoSemaphoreTests()
        : base("sync")
    {
    }

    [Test]
    public void Acquire_TakesFreePermitsAtOnce_ThenParks()
    {
        var t = new TestLoop();
        var sem = new CoSemaphore(t.Loop, 2);

        Assert.That(sem.Acquire().IsSucceeded, Is.True);
        Assert.That(sem.TryAcquire(), Is.True);
        Future third = sem.Acquire();

        Assert.That(third.IsCompleted, Is.False);
        Assert.That(sem.CurrentCount, Is.Zero);
        sem.Release();
        Assert.That(third.IsSucceeded, Is.True, "the permit went to the waiter, not to the count");
        Assert.That(sem.CurrentCount, Is.Zero);
    }

    [Test]
    public void Constructor_RejectsBadCounts()
    {
        var t = new TestLoop();

        Assert.That(() => new CoSemaphore(t.Loop, -1), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new CoSemaphore(t.Loop, 3, 2), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new CoSemaphore(t.Loop, 0, 0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new CoSemaphore(null!, 0), Throws.TypeOf<ArgumentNullException>());
    }

    [Test]
    public void Release_PastTheMaximum_ThrowsAndReleasesNothing()
    {
        var t = new TestLoop();
        var sem = new CoSemaphore(t.Loop, 1, 2);

        var ex = Assert.Throws<InvalidOperationException>(() => sem.Release(2));

        Assert.That(ex!.Message, Is.EqualTo(
            "Releasing 2 permit(s) would raise the semaphore's count past its maximum of 2 (it is 1). Release only permits that were acquired."));
        Assert.That(sem.CurrentCount, Is.EqualTo(1));
        Assert.That(() => sem.Release(0), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Release_OfSeveralPermits_WakesWaitersInFifoOrder_ThenRaisesTheCount()
    {
        var t = new TestLoop();
        var sem = new CoSemaphore(t.Loop, 0);
        var log = new List<string>();
        foreach (string name in new[] { "A", "B", "C" })
        {
            t.Loop.Start(TakeAndLog(sem, name, log));
        }

        t.Tick();
        sem.Release(4);
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "A", "B", "C" }));
        Assert.That(sem.CurrentCount, Is.EqualTo(1));
    }

    [Test]
    public void AWaiterCancelledAfterItsGrantButBeforeItResumed_GivesThePermitToTheNextWaiter()
    {
        var t = new TestLoop();
        var sem = new CoSemaphore(t.Loop, 0);
        var log = new List<string>();
        LoopTask a = t.Loop.Start(TakeAndLog(sem, "A", log));
        t.Loop.Start(TakeAndLog(sem, "B", log));
        t.Tick();

        sem.Release();
        a.Cancel();
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "B" }));
        Assert.That(sem.CurrentCount, Is.Zero);
    }

    [Test]
    public void AWaiterCancelledAfterItsGrant_WithNobodyElseWaiting_GivesThePermitBackToTheCount()
    {
        var t = new TestLoop();
        var sem = new CoSemaphore(t.Loop, 0, 1);
        var log = new List<string>();
        LoopTask a = t.Loop.Start(TakeAndLog(sem, "A", log));
        t.Tick();

        sem.Release();
        a.Cancel();
        t.Tick();

        Assert.That(log, Is.Empty);
        Assert.That(sem.CurrentCount, Is.EqualTo(1));
    }

    [Test]
    public void AWaiterCancelledBeforeItsGrant_IsSkipped()
    {
        var t = new TestLoop();
        var sem = new CoSemaphore(t.Loop, 0);
        var log = new List<string>();
        LoopTask a = t.Loop.Start(TakeAndLog(sem, "A", log));
        t.Loop.Start(TakeAndLog(sem, "B", log));
        t.Tick();
        a.Cancel();
        t.Tick();

        sem.Release();
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "B" }));
    }

    [Test]
    public void Randomized_ManyTasksAndCancellations_NeverHandOutMorePermitsThanExist()
    {
        const int Permits = 3;
        var rng = new Random(4242);
        var t = new TestLoop();
        var sem = new CoSemaphore(t.Loop, Permits, Permits);
        var state = new SemState();
        var tasks = new List<LoopTask>();
        for (int i = 0; i < 12; i++)
        {
            tasks.Add(t.Loop.Start(Worker(sem, state, rng.Next(1, 4))));
        }

        for (int step = 0; step < 3000; step++)
        {
            int op = rng.Next(10);
            if (op == 0 && tasks.Count > 0)
            {
                tasks[rng.Next(tasks.Count)].Cancel();
            }
            else if (op == 1)
            {
                tasks.Add(t.Loop.Start(Worker(sem, state, rng.Next(1, 4))));
            }

            t.AdvanceAndTick(rng.Next(3) * 0.25);
            tasks.RemoveAll(x => x.IsCompleted);
            Assert.That(state.Inside + sem.CurrentCount, Is.LessThanOrEqualTo(Permits), $"step {step}");
            Assert.That(state.MaxInside, Is.LessThanOrEqualTo(Permits));
        }

        foreach (LoopTask task in tasks)
        {
            task.Cancel();
        }

        t.Tick(3);
        Assert.That(state.Inside, Is.Zero);
        Assert.That(sem.CurrentCount, Is.EqualTo(Permits), "every permit came back");
        Assert.That(state.Entries, Is.GreaterThan(500), "the workers made progress (no hang)");
        Assert.That(t.Unhandled, Is.Empty);
    }

    private sealed class SemState
    {
        public int Inside { get; set; }

        public int MaxInside { get; set; }

        public int Entries { get; set; }
    }

    private static IEnumerator<IAwaitable> Worker(CoSemaphore sem, SemState state, int hold)
    {
        while (true)
        {
            yield return sem.Acquire();
            try
            {
                state.Inside++;
                state.Entries++;
                state.MaxInside = Math.Max(state.MaxInside, state.Inside);
                yield return Co.Sleep(hold * 0.25);
            }
            finally
            {
                state.Inside--;
                sem.Release();
            }
        }
    }

    private static IEnumerator<IAwaitable> TakeAndLog(CoSemaphore sem, string name, List<string> log)
    {
        yield return sem.Acquire();
        log.Add(name);
    }

    // ---- scenarios: FIFO fairness and cancel safety ---------------------------------------------------------------

    [Test]
    public void Semaphore_FifoAndBounded()
    {
        var sem = new CoSemaphore(_loop, 2);
        int inside = 0;
        int maxInside = 0;
        var order = new List<int>();
        IEnumerator<IAwaitable> Worker(int i)
        {
            yield return sem.Acquire();
            try
            {
                order.Add(i);
                inside++;
                maxInside = Math.Max(maxInside, inside);
                yield return Co.NextTick;
                yield return Co.NextTick;
                inside--;
            }
            finally
            {
                sem.Release();
            }
        }

        for (int i = 0; i < 8; i++)
        {
            _loop.Start(Worker(i));
        }

        Ticks(50);
        Assert.That(order, Is.EqualTo(Enumerable.Range(0, 8)));
        Assert.That(maxInside, Is.EqualTo(2));
        Assert.That(sem.CurrentCount, Is.EqualTo(2));
    }

    [Test]
    public void Semaphore_WaiterCancelledAfterGrant_GivesPermitBack_NoLossNoDuplicate()
    {
        var sem = new CoSemaphore(_loop, 0);
        var a = _loop.Start(UseSemaphore(sem, 1, _log, "a"));
        var b = _loop.Start(UseSemaphore(sem, 1, _log, "b"));
        var c = _loop.Start(UseSemaphore(sem, 1, _log, "c"));
        Ticks(2);
        sem.Release(2);   // a and b granted
        a.Cancel();       // before a resumes: its permit goes to c
        Ticks(10);
        Assert.That(a.IsCancelled, Is.True);
        Assert.That(_log.Where(l => l.EndsWith(" in", StringComparison.Ordinal)), Is.EqualTo(new[] { "b in", "c in" }));
        Assert.That(sem.CurrentCount, Is.EqualTo(2), "permits lost or duplicated");
    }

    [Test]
    public void Semaphore_CancelledBeforeGrant_NewcomerStillBehindLiveWaiters()
    {
        var sem = new CoSemaphore(_loop, 0);
        var a = _loop.Start(UseSemaphore(sem, 0, _log, "a"));
        var b = _loop.Start(UseSemaphore(sem, 0, _log, "b"));
        Ticks(2);
        a.Cancel();
        Ticks(1);
        sem.Release();
        Assert.That(sem.TryAcquire(), Is.False, "a newcomer overtook a live waiter");
        Ticks(3);
        Assert.That(_log, Is.EqualTo(new[] { "b in", "b out" }));
        Assert.That(sem.CurrentCount, Is.EqualTo(1));
    }
}
