using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace YieldLoop.Tests.Acceptance;

/// <summary>Acceptance scenarios for the coordination primitives: FIFO fairness, cancel safety, channel capacity and close.</summary>
[TestFixture]
public sealed class CompositionSyncAcceptanceTests : LoopFixture
{
    public CompositionSyncAcceptanceTests()
        : base("sync")
    {
    }

    private List<string> _log = null!;

    [SetUp]
    public void SetUp()
    {
        _log = new List<string>();
    }

    private void Ticks(int n)
    {
        for (int i = 0; i < n; i++)
        {
            _clock.Advance(0.1);
            _loop.Tick();
        }
    }

    private IEnumerator<IAwaitable> UseLock(CoLock lck, string name, int holdTicks)
    {
        yield return lck.Acquire();
        try
        {
            _log.Add(name + " in");
            for (int i = 0; i < holdTicks; i++)
            {
                yield return Co.NextTick;
            }

            _log.Add(name + " out");
        }
        finally
        {
            lck.Release();
        }
    }

    [Test]
    public void Lock_GrantedInFifoOrder()
    {
        var lck = new CoLock(_loop);
        foreach (string n in new[] { "a", "b", "c", "d", "e" })
        {
            _loop.Start(UseLock(lck, n, 2));
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
        _loop.Start(UseLock(lck, "w", 0));
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
        var a = _loop.Start(UseLock(lck, "a", 1));
        var b = _loop.Start(UseLock(lck, "b", 1));
        var c = _loop.Start(UseLock(lck, "c", 1));
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
        var b = _loop.Start(UseLock(lck, "b", 1));
        var c = _loop.Start(UseLock(lck, "c", 1));
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
        b = _loop.Start(UseLock(lck, "b", 1));
        var c = _loop.Start(UseLock(lck, "c", 1));
        Ticks(12);
        Assert.That(_log, Is.EqualTo(new[] { "c in", "c out" }));
        Assert.That(lck.IsLocked, Is.False);
        Assert.That(c.IsSucceeded, Is.True);
    }

    private IEnumerator<IAwaitable> UseSem(CoSemaphore sem, string name, int holdTicks)
    {
        yield return sem.Acquire();
        try
        {
            _log.Add(name + " in");
            for (int i = 0; i < holdTicks; i++)
            {
                yield return Co.NextTick;
            }
        }
        finally
        {
            _log.Add(name + " out");
            sem.Release();
        }
    }

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
        var a = _loop.Start(UseSem(sem, "a", 1));
        var b = _loop.Start(UseSem(sem, "b", 1));
        var c = _loop.Start(UseSem(sem, "c", 1));
        Ticks(2);
        sem.Release(2);   // a and b granted
        a.Cancel();       // before a resumes: its permit goes to c
        Ticks(10);
        Assert.That(a.IsCancelled, Is.True);
        Assert.That(_log.Where(l => l.EndsWith(" in", StringComparison.Ordinal)), Is.EqualTo(new[] { "b in", "c in" }));
        Assert.That(sem.CurrentCount, Is.EqualTo(2), "permits lost or duplicated");
    }

    [Test]
    public void Semaphore_ReleasePastMax_Throws_NothingReleased()
    {
        var sem = new CoSemaphore(_loop, 1, 2);
        Assert.Throws<InvalidOperationException>(() => sem.Release(2));
        Assert.That(sem.CurrentCount, Is.EqualTo(1));
    }

    [Test]
    public void Event_SetWakesEveryWaiterInOrder_CancelledWaiterDoesNotAffectOthers()
    {
        var ev = new CoEvent(_loop);
        var tasks = new List<LoopTask>();
        IEnumerator<IAwaitable> Waiter(string n)
        {
            yield return ev.Wait();
            _log.Add(n);
        }

        foreach (string n in new[] { "a", "b", "c", "d" })
        {
            tasks.Add(_loop.Start(Waiter(n)));
        }

        Ticks(2);
        tasks[1].Cancel();
        Ticks(1);
        ev.Set();
        Ticks(3);
        Assert.That(_log, Is.EqualTo(new[] { "a", "c", "d" }));
        Assert.That(tasks[1].IsCancelled, Is.True);
    }

    [Test]
    public void Event_SetThenClearInSameTick_WakeUpNotTakenBack()
    {
        var ev = new CoEvent(_loop);
        IEnumerator<IAwaitable> Waiter()
        {
            yield return ev.Wait();
            _log.Add("woke");
        }

        _loop.Start(Waiter());
        Ticks(1);
        ev.Set();
        ev.Clear();
        Ticks(2);
        Assert.That(_log, Is.EqualTo(new[] { "woke" }));
    }

    [Test]
    public void Condition_NotifyWakesInOrder_CancelledAfterNotifyHandsItOn()
    {
        var lck = new CoLock(_loop);
        var cond = new CoCondition(lck);
        var tasks = new Dictionary<string, LoopTask>();
        IEnumerator<IAwaitable> Waiter(string n)
        {
            yield return lck.Acquire();
            try
            {
                yield return cond.Wait();
                _log.Add(n + " notified");
            }
            finally
            {
                lck.Release();
            }
        }

        foreach (string n in new[] { "a", "b", "c" })
        {
            tasks[n] = _loop.Start(Waiter(n));
        }

        Ticks(5);
        Assert.That(lck.TryAcquire(), Is.True);
        cond.Notify(1);   // a is notified
        tasks["a"].Cancel();   // before it resumes: the notification goes to b
        lck.Release();
        Ticks(10);
        Assert.That(_log, Is.EqualTo(new[] { "b notified" }));
        Assert.That(tasks["a"].IsCancelled, Is.True);
        Assert.That(tasks["c"].IsCompleted, Is.False);
        Assert.That(lck.IsLocked, Is.False, "the lock leaked");
        Assert.That(lck.TryAcquire(), Is.True);
        cond.NotifyAll();
        lck.Release();
        Ticks(5);
        Assert.That(_log, Is.EqualTo(new[] { "b notified", "c notified" }));
        Assert.That(lck.IsLocked, Is.False);
    }

    [Test]
    public void Condition_NotifyWithoutLock_Throws()
    {
        var cond = new CoCondition(new CoLock(_loop));
        Assert.Throws<InvalidOperationException>(() => cond.Notify());
        Assert.Throws<InvalidOperationException>(() => cond.NotifyAll());
    }

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

    [Test]
    public void Channel_Bounded_WriterParksAtCapacity_ReaderGetsFifo()
    {
        var ch = CoChannel.Bounded<int>(_loop, 2);
        int written = 0;
        IEnumerator<IAwaitable> Producer()
        {
            for (int i = 0; i < 6; i++)
            {
                yield return ch.Write(i);
                written++;
            }

            ch.Complete();
        }

        _loop.Start(Producer());
        Ticks(5);
        Assert.That(ch.Count, Is.EqualTo(2));
        Assert.That(written, Is.EqualTo(2), "the third write must park while the channel is full");
        var got = new List<int>();
        IEnumerator<IAwaitable> Consumer()
        {
            while (true)
            {
                var more = ch.WaitToRead();
                yield return more;
                if (!more.Result)
                {
                    yield break;
                }

                while (ch.TryRead(out int x))
                {
                    got.Add(x);
                    Assert.That(ch.Count, Is.LessThanOrEqualTo(2));
                }
            }
        }

        var c = _loop.Start(Consumer());
        Ticks(30);
        Assert.That(c.IsSucceeded, Is.True, c.Exception?.ToString());
        Assert.That(got, Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void Channel_TryWriteFalseWhenFull()
    {
        var ch = CoChannel.Bounded<int>(_loop, 1);
        Assert.That(ch.TryWrite(1), Is.True);
        Assert.That(ch.TryWrite(2), Is.False);
        Assert.That(ch.Count, Is.EqualTo(1));
    }

    [Test]
    public void Channel_Complete_ParkedWriterFails_ReadersDrainThenFail()
    {
        var ch = CoChannel.Bounded<string>(_loop, 1);
        Assert.That(ch.TryWrite("x"), Is.True);
        Future? parked = null;
        IEnumerator<IAwaitable> Writer()
        {
            parked = ch.Write("y");
            yield return Co.Settle(parked);
        }

        _loop.Start(Writer());
        Ticks(2);
        ch.Complete();
        Ticks(2);
        Assert.That(parked!.Exception, Is.InstanceOf<InvalidOperationException>());
        Assert.Throws<InvalidOperationException>(() => ch.Write("z"));
        Assert.That(ch.TryWrite("z"), Is.False);
        Assert.That(ch.TryRead(out string? first), Is.True);
        Assert.That(first, Is.EqualTo("x"));
        Future<string> r = ch.Read();
        Ticks(1);
        Assert.That(r.Exception, Is.InstanceOf<InvalidOperationException>());
        Future<bool> w = ch.WaitToRead();
        Ticks(1);
        Assert.That(w.Result, Is.False);
    }

    [Test]
    public void Channel_CompleteWithError_ReadersSeeSameObject_ParkedReaderToo()
    {
        var ch = CoChannel.Unbounded<int>(_loop);
        var err = new FormatException("producer broke");
        Future<int>? read = null;
        IEnumerator<IAwaitable> Reader()
        {
            read = ch.Read();
            yield return Co.Settle(read);
        }

        _loop.Start(Reader());
        Ticks(2);
        ch.Complete(err);
        Ticks(2);
        Assert.That(read!.Exception, Is.SameAs(err));
        var wait = ch.WaitToRead();
        Ticks(1);
        Assert.That(wait.Exception, Is.SameAs(err));
        Assert.That(ch.TryComplete(), Is.False);
        Assert.Throws<InvalidOperationException>(() => ch.Complete());
    }

    [Test]
    public void Channel_ReaderCancelledAfterDelivery_ItemGoesToNextReader_NoLossNoDuplicate()
    {
        var ch = CoChannel.Unbounded<int>(_loop);
        var got = new List<string>();
        IEnumerator<IAwaitable> Reader(string n)
        {
            var r = ch.Read();
            yield return r;
            got.Add(n + ":" + r.Result);
        }

        var a = _loop.Start(Reader("a"));
        var b = _loop.Start(Reader("b"));
        Ticks(2);
        Assert.That(ch.TryWrite(1), Is.True);   // delivered to a
        a.Cancel();                              // before a resumes
        Ticks(3);
        Assert.That(ch.TryWrite(2), Is.True);
        Ticks(3);
        Assert.That(got, Is.EqualTo(new[] { "b:1" }));
        Assert.That(ch.TryRead(out int left), Is.True);
        Assert.That(left, Is.EqualTo(2));
        Assert.That(ch.Count, Is.EqualTo(0));
    }

    [Test]
    public void Channel_WriterCancelledWhileParked_ItemNotWritten()
    {
        var ch = CoChannel.Bounded<int>(_loop, 1);
        Assert.That(ch.TryWrite(1), Is.True);
        IEnumerator<IAwaitable> Writer(int v)
        {
            yield return ch.Write(v);
        }

        var w2 = _loop.Start(Writer(2));
        var w3 = _loop.Start(Writer(3));
        Ticks(2);
        w2.Cancel();
        Ticks(2);
        var items = new List<int>();
        while (ch.TryRead(out int x))
        {
            items.Add(x);
            Ticks(2);
        }

        Assert.That(items, Is.EqualTo(new[] { 1, 3 }));
        Assert.That(w3.IsSucceeded, Is.True);
    }

    [Test]
    public void Channel_ReadersServedFifo()
    {
        var ch = CoChannel.Unbounded<int>(_loop);
        var got = new List<string>();
        IEnumerator<IAwaitable> Reader(string n)
        {
            var r = ch.Read();
            yield return r;
            got.Add(n + ":" + r.Result);
        }

        foreach (string n in new[] { "a", "b", "c" })
        {
            _loop.Start(Reader(n));
        }

        Ticks(2);
        ch.TryWrite(10);
        ch.TryWrite(20);
        ch.TryWrite(30);
        Ticks(3);
        Assert.That(got, Is.EqualTo(new[] { "a:10", "b:20", "c:30" }));
    }

    [Test]
    public void Channel_BadCapacity_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CoChannel.Bounded<int>(_loop, 0));
    }

    [Test]
    public void Condition_WaiterCancelledWhileAnotherHoldsTheLock_HolderUndisturbed_LockFreedAfter()
    {
        var lck = new CoLock(_loop);
        var cond = new CoCondition(lck);
        IEnumerator<IAwaitable> Waiter()
        {
            yield return lck.Acquire();
            try
            {
                yield return cond.Wait();
                _log.Add("waiter notified");
            }
            finally
            {
                lck.Release();
                _log.Add("waiter finally");
            }
        }

        var w = _loop.Start(Waiter());
        Ticks(3);
        Assert.That(lck.IsLocked, Is.False, "Wait must release the lock");
        Assert.That(lck.TryAcquire(), Is.True);   // someone else holds it now
        w.Cancel();
        Ticks(2);
        Assert.That(w.IsCancelled, Is.True, w.Exception?.ToString());
        Assert.That(_log, Is.EqualTo(new[] { "waiter finally" }));
        Assert.That(lck.IsLocked, Is.True, "the cancelled waiter's release took the lock from its holder");
        lck.Release();
        Assert.That(lck.IsLocked, Is.False);
        Assert.That(lck.TryAcquire(), Is.True);
        lck.Release();
    }

    [Test]
    public void Semaphore_CancelledBeforeGrant_NewcomerStillBehindLiveWaiters()
    {
        var sem = new CoSemaphore(_loop, 0);
        var a = _loop.Start(UseSem(sem, "a", 0));
        var b = _loop.Start(UseSem(sem, "b", 0));
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
