using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Sync.SyncWork;

namespace YieldLoop.Tests.Sync;

/// <summary>CoLock: FIFO grants, ownership transfer, and cancel safety before and after a grant.</summary>
public class CoLockTests : LoopFixture
{
    public CoLockTests()
        : base("sync")
    {
    }

    private sealed class Probe
    {
        public List<string> Log { get; } = new();

        public int Inside { get; set; }

        public int MaxInside { get; set; }
    }

    [Test]
    public void Acquire_OnAFreeLock_IsGrantedAtOnceInTheSameStep()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);

        Future granted = lck.Acquire();

        Assert.That(granted.IsSucceeded, Is.True);
        Assert.That(lck.IsLocked, Is.True);
        Assert.That(lck.TryAcquire(), Is.False);
        lck.Release();
        Assert.That(lck.IsLocked, Is.False);
        Assert.That(lck.TryAcquire(), Is.True);
    }

    [Test]
    public void Release_WhenNotHeld_ThrowsAndSaysHowToPairIt()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);

        var ex = Assert.Throws<InvalidOperationException>(() => lck.Release());

        Assert.That(ex!.Message, Is.EqualTo(
            "The lock is not held, so it cannot be released. Call Release() once for each granted Acquire() or successful TryAcquire()."));
    }

    [Test]
    public void Waiters_AreGrantedInTheOrderTheyAsked_FifoFairness()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        var probe = new Probe();
        Assert.That(lck.TryAcquire(), Is.True);
        foreach (string name in new[] { "A", "B", "C", "D" })
        {
            t.Loop.Start(Critical(lck, name, probe, holdTicks: 2));
        }

        t.Tick();
        lck.Release();
        t.Tick(20);

        Assert.That(probe.Log, Is.EqualTo(new[] { "A in", "A out", "B in", "B out", "C in", "C out", "D in", "D out" }));
        Assert.That(probe.MaxInside, Is.EqualTo(1));
        Assert.That(lck.IsLocked, Is.False);
    }

    [Test]
    public void Release_HandsTheLockToTheWaiter_SoANewcomerCannotBargeIn()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        Assert.That(lck.TryAcquire(), Is.True);
        var probe = new Probe();
        t.Loop.Start(Critical(lck, "A", probe, holdTicks: 1));
        t.Tick();

        lck.Release();

        Assert.That(lck.IsLocked, Is.True, "granted to A, which resumes next tick");
        Assert.That(lck.TryAcquire(), Is.False);
        Assert.That(lck.Acquire().IsCompleted, Is.False, "a newcomer queues behind A");
    }

    [Test]
    public void AWaiterCancelledBeforeItsGrant_LeavesTheQueue_AndTheNextWaiterGetsTheLock()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        var probe = new Probe();
        Assert.That(lck.TryAcquire(), Is.True);
        LoopTask a = t.Loop.Start(Critical(lck, "A", probe, holdTicks: 1));
        t.Loop.Start(Critical(lck, "B", probe, holdTicks: 1));
        t.Tick();

        a.Cancel();
        t.Tick();
        lck.Release();
        t.Tick(5);

        Assert.That(a.IsCancelled, Is.True);
        Assert.That(probe.Log, Is.EqualTo(new[] { "B in", "B out" }));
        Assert.That(lck.IsLocked, Is.False);
    }

    [Test]
    public void AWaiterCancelledAfterItsGrantButBeforeItResumed_HandsTheTurnToTheNext_NoDoubleGrantNoHang()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        var probe = new Probe();
        Assert.That(lck.TryAcquire(), Is.True);
        LoopTask a = t.Loop.Start(Critical(lck, "A", probe, holdTicks: 1));
        LoopTask b = t.Loop.Start(Critical(lck, "B", probe, holdTicks: 1));
        LoopTask c = t.Loop.Start(Critical(lck, "C", probe, holdTicks: 1));
        t.Tick();

        lck.Release();                       // granted to A; A resumes only in the next tick
        Assert.That(a.Cancel(), Is.True);    // A never uses it: the turn goes to B
        t.Tick(10);

        Assert.That(a.IsCancelled, Is.True);
        Assert.That(b.IsSucceeded && c.IsSucceeded, Is.True);
        Assert.That(probe.Log, Is.EqualTo(new[] { "B in", "B out", "C in", "C out" }));
        Assert.That(probe.MaxInside, Is.EqualTo(1), "no double grant");
        Assert.That(lck.IsLocked, Is.False, "no turn lost");
    }

    [Test]
    public void AGrantedWaiterCancelledFromAnotherTaskInTheSameTick_HandsTheTurnOn()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        var probe = new Probe();
        LoopTask holder = t.Loop.Start(Critical(lck, "H", probe, holdTicks: 2));
        t.Tick();
        LoopTask a = t.Loop.Start(Critical(lck, "A", probe, holdTicks: 1));
        t.Loop.Start(Critical(lck, "B", probe, holdTicks: 1));
        t.Loop.Start(CancelAfterOneTick(a, lck, probe));   // runs in tick 3 right after H released to A
        t.Tick(10);

        Assert.That(holder.IsSucceeded, Is.True);
        Assert.That(a.IsCancelled, Is.True);
        Assert.That(probe.Log, Is.EqualTo(new[] { "H in", "H out", "granted, not resumed", "B in", "B out" }));
        Assert.That(lck.IsLocked, Is.False);
    }

    [Test]
    public void AWaitFutureCancelledDirectly_IsSkippedWhenGranting()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        Assert.That(lck.TryAcquire(), Is.True);
        Future first = lck.Acquire();
        Future second = lck.Acquire();

        Assert.That(first.Cancel(), Is.True);
        lck.Release();

        Assert.That(first.IsCancelled, Is.True);
        Assert.That(second.IsSucceeded, Is.True);
        lck.Release();
        Assert.That(lck.IsLocked, Is.False);
    }

    [Test]
    public void CancelledWaits_DoNotPileUp_WhenTheLockIsNeverReleased()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        Assert.That(lck.TryAcquire(), Is.True);

        for (int i = 0; i < 10_000; i++)
        {
            lck.Acquire().Cancel();
        }

        Assert.That(lck.ToString(), Is.EqualTo("CoLock (held, 0 waiting)"));
        Future live = lck.Acquire();
        lck.Release();
        Assert.That(live.IsSucceeded, Is.True);
    }

    [Test]
    public void Close_WithAGrantedButUnresumedWaiter_DoesNotThrowAndLeavesNoTaskPending()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        var probe = new Probe();
        Assert.That(lck.TryAcquire(), Is.True);
        t.Loop.Start(Critical(lck, "A", probe, holdTicks: 1));
        t.Loop.Start(Critical(lck, "B", probe, holdTicks: 1));
        t.Tick();
        lck.Release();

        IReadOnlyList<Future> pending = t.Loop.Close();

        Assert.That(pending, Has.Count.EqualTo(2));
        Assert.That(probe.Log, Is.Empty);
    }

    [Test]
    public void AParkedTask_DescribesItselfAsWaitingOnTheLock()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        Assert.That(lck.TryAcquire(), Is.True);
        LoopTask a = t.Loop.Start(Critical(lck, "A", new Probe(), holdTicks: 1), "A");
        t.Tick();

        Assert.That(a.ToString(), Does.Contain("waiting on lock"));
    }

    private static IEnumerator<IAwaitable> Critical(CoLock lck, string name, Probe probe, int holdTicks)
    {
        yield return lck.Acquire();
        try
        {
            probe.Inside++;
            probe.MaxInside = Math.Max(probe.MaxInside, probe.Inside);
            probe.Log.Add(name + " in");
            for (int i = 0; i < holdTicks; i++)
            {
                yield return Co.NextTick;
            }
        }
        finally
        {
            probe.Inside--;
            probe.Log.Add(name + " out");
            lck.Release();
        }
    }

    private static IEnumerator<IAwaitable> CancelAfterOneTick(LoopTask victim, CoLock lck, Probe probe)
    {
        yield return Co.NextTick;
        probe.Log.Add(lck.IsLocked && probe.Inside == 0 ? "granted, not resumed" : "unexpected");
        victim.Cancel();
    }

    // ---- scenarios: FIFO fairness and cancel safety ---------------------------------------------------------------

    [Test]
    public void Lock_GrantedInFifoOrder()
    {
        var lck = new CoLock(_loop);
        foreach (string n in new[] { "a", "b", "c", "d", "e" })
        {
            _loop.Start(UseLock(lck, 2, _log, n));
        }

        Ticks(40);
        Assert.That(_log, Is.EqualTo(new[] { "a in", "a out", "b in", "b out", "c in", "c out", "d in", "d out", "e in", "e out" }));
        Assert.That(lck.IsLocked, Is.False);
    }

    [Test]
    public void Lock_NoBarging_TryAcquireFailsWhileWaitersQueued()
    {
        var lck = new CoLock(_loop);
        Assert.That(lck.TryAcquire(), Is.True);
        _loop.Start(UseLock(lck, 0, _log, "w"));
        Ticks(1);
        lck.Release();
        Assert.That(lck.TryAcquire(), Is.False, "a newcomer barged in ahead of a queued waiter");
        Ticks(3);
        Assert.That(_log, Is.EqualTo(new[] { "w in", "w out" }));
        Assert.That(lck.IsLocked, Is.False);
    }

    [Test]
    public void Lock_WaiterCancelledBeforeGrant_LeavesQueue_OthersInOrder()
    {
        var lck = new CoLock(_loop);
        Assert.That(lck.TryAcquire(), Is.True);
        var a = _loop.Start(UseLock(lck, 1, _log, "a"));
        var b = _loop.Start(UseLock(lck, 1, _log, "b"));
        var c = _loop.Start(UseLock(lck, 1, _log, "c"));
        Ticks(2);
        b.Cancel();
        Ticks(1);
        lck.Release();
        Ticks(10);
        Assert.That(_log, Is.EqualTo(new[] { "a in", "a out", "c in", "c out" }));
        Assert.That(b.IsCancelled, Is.True);
        Assert.That(lck.IsLocked, Is.False);
        Assert.That(a.IsSucceeded && c.IsSucceeded, Is.True);
    }

    [Test]
    public void Lock_WaiterCancelledAfterGrantBeforeResume_PassesTheLockOn()
    {
        var lck = new CoLock(_loop);
        Assert.That(lck.TryAcquire(), Is.True);
        var b = _loop.Start(UseLock(lck, 1, _log, "b"));
        var c = _loop.Start(UseLock(lck, 1, _log, "c"));
        Ticks(2);
        lck.Release();   // granted to b, which resumes next tick
        b.Cancel();      // before b resumes
        Ticks(10);
        Assert.That(b.IsCancelled, Is.True);
        Assert.That(_log, Is.EqualTo(new[] { "c in", "c out" }));
        Assert.That(lck.IsLocked, Is.False, "the lock leaked or was granted twice");
        Assert.That(lck.TryAcquire(), Is.True);
    }

    [Test]
    public void Lock_CancelledInsideStepAfterGrant_LockNotLost()
    {
        var lck = new CoLock(_loop);
        LoopTask? b = null;
        IEnumerator<IAwaitable> Holder()
        {
            yield return lck.Acquire();
            yield return Co.NextTick;
            yield return Co.NextTick;
            lck.Release();   // grants to b
            b!.Cancel();     // inside a step, before b resumes
        }

        _loop.Start(Holder());
        Ticks(1);
        b = _loop.Start(UseLock(lck, 1, _log, "b"));
        var c = _loop.Start(UseLock(lck, 1, _log, "c"));
        Ticks(12);
        Assert.That(_log, Is.EqualTo(new[] { "c in", "c out" }));
        Assert.That(lck.IsLocked, Is.False);
        Assert.That(c.IsSucceeded, Is.True);
    }
}
