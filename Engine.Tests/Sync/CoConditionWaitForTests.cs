using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests.Sync;

/// <summary>CoCondition.WaitFor: asyncio's Condition.wait_for, a wait until a predicate holds.</summary>
public class CoConditionWaitForTests : LoopFixture
{
    public CoConditionWaitForTests()
        : base("sync")
    {
    }

    [Test]
    public void WaitFor_PredicateAlreadyTrue_ContinuesInTheSameStepWithoutReleasingTheLock_R19()
    {
        var lck = new CoLock(_loop);
        var cond = new CoCondition(lck);
        var locks = new List<bool>();
        LoopTask task = _loop.Start(WaitForThen(cond, () => true, locks));

        Tick();

        Assert.That(task.IsSucceeded, Is.True, "no tick needed");
        Assert.That(locks, Is.EqualTo(new[] { true }));
        Assert.That(lck.IsLocked, Is.False, "released by the coroutine's finally");
    }

    [Test]
    public void WaitFor_WaitsThroughNotificationsUntilThePredicateHolds_ReacquiringTheLock()
    {
        var lck = new CoLock(_loop);
        var cond = new CoCondition(lck);
        int items = 0, checks = 0;
        var locks = new List<bool>();
        LoopTask task = _loop.Start(WaitForThen(cond, () => { checks++; return items >= 2; }, locks));
        Tick(2);
        Assert.That(lck.IsLocked, Is.False, "the waiter released the lock");

        _loop.Start(Produce(lck, cond, () => items++));
        Tick(5);
        Assert.That(task.IsCompleted, Is.False, "one item: the predicate is still false, the waiter waits again");
        _loop.Start(Produce(lck, cond, () => items++));
        Tick(5);

        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(locks, Is.EqualTo(new[] { true }), "woke holding the lock");
        Assert.That(checks, Is.EqualTo(3), "checked first, then once per notification");
    }

    [Test]
    public void WaitFor_WithoutTheLock_OrANullPredicate_Throws()
    {
        var cond = new CoCondition(new CoLock(_loop));

        var error = Assert.Throws<InvalidOperationException>(() => cond.WaitFor(() => true));

        Assert.That(error!.Message, Does.StartWith("CoCondition.WaitFor() needs the condition's lock to be held"));
        Assert.Throws<ArgumentNullException>(() => cond.WaitFor(null!));
    }

    [Test]
    public void WaitFor_APredicateThatThrows_FaultsTheWaiter_WithTheLockHeldForItsFinally_R21()
    {
        var lck = new CoLock(_loop);
        var cond = new CoCondition(lck);
        var boom = new FormatException("bad state");
        var locks = new List<bool>();
        LoopTask task = _loop.Start(WaitForThen(cond, () => throw boom, locks));
        Future observed = task;

        Tick();

        Assert.That(observed.Exception, Is.SameAs(boom));
        Assert.That(lck.IsLocked, Is.False, "the finally released it");
    }

    private static IEnumerator<IAwaitable> WaitForThen(CoCondition cond, Func<bool> predicate, List<bool> locks)
    {
        yield return cond.Lock.Acquire();
        try
        {
            yield return cond.WaitFor(predicate);
            locks.Add(cond.Lock.IsLocked);
        }
        finally
        {
            cond.Lock.Release();
        }
    }

    private static IEnumerator<IAwaitable> Produce(CoLock lck, CoCondition cond, Action change)
    {
        yield return lck.Acquire();
        try
        {
            change();
            cond.NotifyAll();
        }
        finally
        {
            lck.Release();
        }
    }
}
