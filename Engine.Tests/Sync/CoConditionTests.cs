using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests.Sync;

/// <summary>CoCondition: notify order, re-acquiring the lock, and cancellation during a wait.</summary>
public class CoConditionTests : LoopFixture
{
    public CoConditionTests()
        : base("sync")
    {
    }

    [Test]
    public void Notify_WakesTheFirstWaiter_WhichResumesHoldingTheLock()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        var cond = new CoCondition(lck);
        var log = new List<string>();
        foreach (string name in new[] { "A", "B", "C" })
        {
            t.Loop.Start(WaitOnce(cond, name, log));
        }

        t.Tick(2);
        Assert.That(lck.IsLocked, Is.False, "every waiter released the lock while it waits");

        Assert.That(lck.TryAcquire(), Is.True);
        cond.Notify();
        t.Tick(2);
        Assert.That(log, Is.Empty, "the notified waiter needs the lock back first");
        lck.Release();
        t.Tick(3);

        Assert.That(log, Is.EqualTo(new[] { "A woke, lock held: True" }));
        Assert.That(lck.IsLocked, Is.False);
    }

    [Test]
    public void NotifyAll_WakesEveryWaiterInOrder_OneAtATimeThroughTheLock()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        var cond = new CoCondition(lck);
        var log = new List<string>();
        foreach (string name in new[] { "A", "B", "C" })
        {
            t.Loop.Start(WaitOnce(cond, name, log));
        }

        t.Tick(2);
        Assert.That(lck.TryAcquire(), Is.True);
        cond.NotifyAll();
        lck.Release();
        t.Tick(10);

        Assert.That(log, Is.EqualTo(new[] { "A woke, lock held: True", "B woke, lock held: True", "C woke, lock held: True" }));
    }

    [Test]
    public void Notify_WithACount_WakesThatMany()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        var cond = new CoCondition(lck);
        var log = new List<string>();
        foreach (string name in new[] { "A", "B", "C" })
        {
            t.Loop.Start(WaitOnce(cond, name, log));
        }

        t.Tick(2);
        Assert.That(lck.TryAcquire(), Is.True);
        cond.Notify(2);
        lck.Release();
        t.Tick(10);

        Assert.That(log, Is.EqualTo(new[] { "A woke, lock held: True", "B woke, lock held: True" }));
    }

    [Test]
    public void AWaiterCancelledAfterItWasNotified_HandsTheNotificationToTheNextWaiter()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        var cond = new CoCondition(lck);
        var log = new List<string>();
        LoopTask a = t.Loop.Start(WaitOnce(cond, "A", log));
        t.Loop.Start(WaitOnce(cond, "B", log));
        t.Tick(2);

        Assert.That(lck.TryAcquire(), Is.True);
        cond.Notify();   // to A, which has not resumed yet
        a.Cancel();
        lck.Release();
        t.Tick(5);

        Assert.That(a.IsCancelled, Is.True, "cancelled, not faulted: its finally's Release found the lock");
        Assert.That(log, Is.EqualTo(new[] { "A finally", "B woke, lock held: True" }),
            "A's wake-up from Notify was queued before B's");
        Assert.That(lck.IsLocked, Is.False);
    }

    [Test]
    public void AWaiterCancelledWhileAnotherHoldsTheLock_ReleasesInItsFinallyWithoutFreeingTheHoldersLock()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        var cond = new CoCondition(lck);
        var log = new List<string>();
        LoopTask a = t.Loop.Start(WaitOnce(cond, "A", log));
        t.Tick(2);
        Assert.That(lck.TryAcquire(), Is.True);   // the test holds the lock now

        a.Cancel();
        t.Tick();

        Assert.That(a.IsCancelled, Is.True);
        Assert.That(t.Unhandled, Is.Empty);
        Assert.That(lck.IsLocked, Is.True, "still held by the test");
        lck.Release();
        Assert.That(lck.IsLocked, Is.False);
        Assert.That(() => lck.Release(), Throws.InvalidOperationException, "no hold left over");
    }

    [Test]
    public void AWaiterCancelledWhileWaitingToReacquire_PassesAGrantedLockOn()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        var cond = new CoCondition(lck);
        var log = new List<string>();
        LoopTask a = t.Loop.Start(WaitOnce(cond, "A", log));
        t.Tick(2);
        Assert.That(lck.TryAcquire(), Is.True);
        cond.Notify();
        t.Tick(2);                      // A was notified and now waits for the lock
        Future other = lck.Acquire();   // queued behind A

        lck.Release();                  // granted to A, which has not resumed
        a.Cancel();
        t.Tick();

        Assert.That(a.IsCancelled, Is.True);
        Assert.That(other.IsSucceeded, Is.True, "A's turn went on");
        Assert.That(lck.IsLocked, Is.True);
        lck.Release();
        Assert.That(lck.IsLocked, Is.False);
    }

    [Test]
    public void WaitAndNotify_WithoutTheLock_Throw()
    {
        var t = new TestLoop();
        var cond = new CoCondition(new CoLock(t.Loop));

        var ex = Assert.Throws<InvalidOperationException>(() => cond.Wait());

        Assert.That(ex!.Message, Is.EqualTo(
            "CoCondition.Wait() needs the condition's lock to be held: acquire it first (yield return lck.Acquire();)."));
        Assert.That(() => cond.Notify(), Throws.InvalidOperationException);
        Assert.That(() => cond.NotifyAll(), Throws.InvalidOperationException);
    }

    [Test]
    public void ProducerConsumer_WithAConditionLoop_HandsOverEveryItem()
    {
        var t = new TestLoop();
        var lck = new CoLock(t.Loop);
        var cond = new CoCondition(lck);
        var queue = new Queue<int>();
        var got = new List<int>();
        t.Loop.Start(Consumer(lck, cond, queue, got, 5));
        t.Loop.Start(Consumer(lck, cond, queue, got, 5));
        LoopTask producer = t.Loop.Start(Producer(lck, cond, queue, 10));

        for (int i = 0; i < 50; i++)
        {
            t.AdvanceAndTick(0.1);
        }

        Assert.That(producer.IsSucceeded, Is.True);
        Assert.That(got, Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }));
    }

    private static IEnumerator<IAwaitable> WaitOnce(CoCondition cond, string name, List<string> log)
    {
        yield return cond.Lock.Acquire();
        try
        {
            yield return cond.Wait();
            log.Add($"{name} woke, lock held: {cond.Lock.IsLocked}");
        }
        finally
        {
            if (!log.Contains(name + " woke, lock held: True"))
            {
                log.Add(name + " finally");
            }

            cond.Lock.Release();
        }
    }

    private static IEnumerator<IAwaitable> Consumer(CoLock lck, CoCondition cond, Queue<int> queue, List<int> got, int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return lck.Acquire();
            try
            {
                while (queue.Count == 0)
                {
                    yield return cond.Wait();
                }

                got.Add(queue.Dequeue());
            }
            finally
            {
                lck.Release();
            }
        }
    }

    private static IEnumerator<IAwaitable> Producer(CoLock lck, CoCondition cond, Queue<int> queue, int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return Co.Sleep(0.2);
            yield return lck.Acquire();
            try
            {
                queue.Enqueue(i);
                cond.Notify();
            }
            finally
            {
                lck.Release();
            }
        }
    }

    // ---- scenarios: FIFO fairness and cancel safety ---------------------------------------------------------------

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
}
