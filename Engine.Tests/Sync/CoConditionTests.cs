using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests.Sync;

/// <summary>CoCondition: notify order, re-acquiring the lock, and cancellation during a wait.</summary>
public class CoConditionTests
{
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
}
