using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests.Sync;

/// <summary>CoEvent: set wakes every waiter in order; cancelled waiters affect nobody.</summary>
public class CoEventTests : LoopFixture
{
    public CoEventTests()
        : base("sync")
    {
    }

    [Test]
    public void Wait_OnASetEvent_CompletesAtOnce_AndOnAClearOneParks()
    {
        var t = new TestLoop();
        var ev = new CoEvent(t.Loop);

        Assert.That(ev.Wait().IsCompleted, Is.False);
        ev.Set();
        Assert.That(ev.IsSet, Is.True);
        Assert.That(ev.Wait().IsSucceeded, Is.True);
        ev.Clear();
        Assert.That(ev.IsSet, Is.False);
        Assert.That(ev.Wait().IsCompleted, Is.False);
    }

    [Test]
    public void Set_WakesEveryWaiterInTheOrderTheyBeganWaiting_InTheNextTick()
    {
        var t = new TestLoop();
        var ev = new CoEvent(t.Loop);
        var log = new List<string>();
        foreach (string name in new[] { "A", "B", "C" })
        {
            t.Loop.Start(WaitAndLog(ev, name, log));
        }

        t.Tick();
        ev.Set();
        ev.Clear();   // a wake-up already given is not taken back
        Assert.That(log, Is.Empty, "R4: nothing runs inside Set");
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "A", "B", "C" }));
    }

    [Test]
    public void ACancelledWaiter_DoesNotCancelOrDelayTheOthers()
    {
        var t = new TestLoop();
        var ev = new CoEvent(t.Loop);
        var log = new List<string>();
        t.Loop.Start(WaitAndLog(ev, "A", log));
        LoopTask b = t.Loop.Start(WaitAndLog(ev, "B", log));
        t.Loop.Start(WaitAndLog(ev, "C", log));
        t.Tick();

        b.Cancel();
        t.Tick();
        ev.Set();
        t.Tick();

        Assert.That(b.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "A", "C" }));
    }

    [Test]
    public void AWaiterCancelledAfterSetButBeforeItResumed_TakesNothingFromTheOthers()
    {
        var t = new TestLoop();
        var ev = new CoEvent(t.Loop);
        var log = new List<string>();
        LoopTask a = t.Loop.Start(WaitAndLog(ev, "A", log));
        t.Loop.Start(WaitAndLog(ev, "B", log));
        t.Tick();

        ev.Set();
        a.Cancel();
        t.Tick();

        Assert.That(a.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "B" }));
    }

    [Test]
    public void Members_CheckTheLoopsThreadAndState()
    {
        var t = new TestLoop();
        var ev = new CoEvent(t.Loop);
        t.Loop.Close();

        Assert.That(() => ev.Set(), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(ev.IsSet, Is.False, "state stays readable after Close");
        Assert.That(() => new CoEvent(null!), Throws.TypeOf<ArgumentNullException>());
    }

    private static IEnumerator<IAwaitable> WaitAndLog(CoEvent ev, string name, List<string> log)
    {
        yield return ev.Wait();
        log.Add(name);
    }

    // ---- scenarios: FIFO fairness and cancel safety ---------------------------------------------------------------

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
}
