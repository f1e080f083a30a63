using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// Same-tick wake-ups, the game-host option (R1b; EventLoop.SameTick.cs): a coroutine task woken during a tick by a
/// completion, and a task started during the tick, run later in that tick behind the queued work, in waves, up to
/// <see cref="EventLoop.SameTickStepLimit"/> extra steps; everything else of R1-R6 holds. Tests that take a bool run
/// with the option off and on.
/// </summary>
[TestFixture]
public class SameTickWakeUpsTests
{
    private static TestLoop NewLoop(bool sameTick)
    {
        var t = new TestLoop();
        t.Loop.SameTickWakeUps = sameTick;
        return t;
    }

    /// <summary>Task <paramref name="index"/> of a chain: waits for the next one (already started), then ends.</summary>
    private static IEnumerator<IAwaitable> Link(List<string> log, string name, Future? next)
    {
        if (next is not null)
        {
            yield return next;
        }

        log.Add(name);
    }

    private static IEnumerator<IAwaitable> LinkTo(List<string> log, LoopTask[] tasks, int index)
    {
        if (index + 1 < tasks.Length)
        {
            yield return tasks[index + 1];   // started after this one: pending when this one parks
        }

        log.Add("T" + index);
    }

    [TestCase(false, 10)]
    [TestCase(true, 1)]
    public void Chain_OfTenTasksEachAwaitingTheNext_CompletesInOneTickWithTheOption_AndInTenWithout_R1b(bool sameTick, int ticks)
    {
        var t = NewLoop(sameTick);
        var log = new List<string>();
        var tasks = new LoopTask[10];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = t.Loop.Start(LinkTo(log, tasks, i));
        }

        int ran = 0;
        while (!tasks[0].IsCompleted && ran < 50)
        {
            t.Loop.Tick();
            ran++;
        }

        Assert.That(ran, Is.EqualTo(ticks));
        Assert.That(log, Is.EqualTo(new[] { "T9", "T8", "T7", "T6", "T5", "T4", "T3", "T2", "T1", "T0" }));
    }

    private static IEnumerator<IAwaitable> StartsAndAwaits(EventLoop loop, List<string> log, int depth)
    {
        log.Add("enter " + depth);
        if (depth > 0)
        {
            yield return loop.Start(StartsAndAwaits(loop, log, depth - 1));
        }

        log.Add("leave " + depth);
    }

    [Test]
    public void StartedTasks_TakeTheirFirstStepInTheSameTick_SoNestedStartAndAwaitSettlesInOneTick_R1b()
    {
        // Unity's `yield return StartCoroutine(Child())`, five deep, settles in one frame.
        var t = NewLoop(sameTick: true);
        var log = new List<string>();
        LoopTask root = t.Loop.Start(StartsAndAwaits(t.Loop, log, 5));

        t.Loop.Tick();

        Assert.That(root.IsSucceeded, Is.True);
        Assert.That(log, Is.EqualTo(new[]
        {
            "enter 5", "enter 4", "enter 3", "enter 2", "enter 1", "enter 0",
            "leave 0", "leave 1", "leave 2", "leave 3", "leave 4", "leave 5",
        }));
    }

    private static IEnumerator<IAwaitable> Logs(List<string> log, string name, int steps, IAwaitable? wait = null)
    {
        for (int i = 0; i < steps; i++)
        {
            log.Add($"{name}{i}");
            yield return wait ?? Co.NextTick;
        }
    }

    [Test]
    public void NextTickNullAndSleeps_StillWaitForTheirTick_WithTheOption_R1b_R2()
    {
        var t = NewLoop(sameTick: true);
        var log = new List<string>();
        t.Loop.Start(Logs(log, "n", 3));
        t.Loop.Start(YieldsNull(log));
        t.Loop.Start(Sleeps(log));

        t.Loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { "n0", "null0", "sleep0" }), "one step each: a next-tick yield never joins the tick");
        t.Loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { "n0", "null0", "sleep0", "n1", "null1" }), "the sleep waits for its time");
        t.Clock.Advance(TimeSpan.FromSeconds(1));
        t.Loop.Tick();
        Assert.That(log[^1], Is.EqualTo("sleep1"));
    }

    private static IEnumerator<IAwaitable> YieldsNull(List<string> log)
    {
        log.Add("null0");
        yield return null!;
        log.Add("null1");
        yield return null!;
    }

    private static IEnumerator<IAwaitable> Sleeps(List<string> log)
    {
        log.Add("sleep0");
        yield return Co.Sleep(1);
        log.Add("sleep1");
    }

    private static IEnumerator<IAwaitable> Waits(List<string> log, string name, Future future)
    {
        yield return future;
        log.Add(name);
    }

    private static IEnumerator<IAwaitable> Completes(List<string> log, params FutureSource[] sources)
    {
        foreach (FutureSource source in sources)
        {
            source.SetResult();
        }

        log.Add("completer done");   // R4: no waiter ran inside SetResult
        yield break;
    }

    [Test]
    public void WokenTasks_RunBehindTheWorkAlreadyQueued_InTheOrderTheyWereWoken_NeverInline_R1b_R3_R4()
    {
        var t = NewLoop(sameTick: true);
        var log = new List<string>();
        var a = new FutureSource(t.Loop);
        var b = new FutureSource(t.Loop);
        var c = new FutureSource(t.Loop);
        t.Loop.Start(Waits(log, "A", a.Future));
        t.Loop.Start(Waits(log, "B", b.Future));
        t.Loop.Start(Waits(log, "C", c.Future));
        t.Loop.Tick();   // all three park

        t.Loop.Start(Completes(log, a, c, b));
        t.Loop.Start(Logs(log, "queued", 1));
        t.Loop.Tick();

        Assert.That(log, Is.EqualTo(new[] { "completer done", "queued0", "A", "C", "B" }));
    }

    private static IEnumerator<IAwaitable> Ping(FutureSource<int>[] box, EventLoop loop, int rounds, int side, List<int> seen)
    {
        for (int i = 0; i < rounds; i++)
        {
            Future<int> mine = box[side].Future;
            yield return mine;
            seen.Add(mine.Result);
            box[side] = new FutureSource<int>(loop);
            box[1 - side].SetResult(mine.Result + 1);
        }
    }

    [Test]
    public void PingPongThroughFutures_IsBoundedPerTickBySameTickStepLimit_AndGoesOnInTheNextTick_R1b()
    {
        var t = NewLoop(sameTick: true);
        t.Loop.SameTickStepLimit = 100;
        var box = new[] { new FutureSource<int>(t.Loop), new FutureSource<int>(t.Loop) };
        var seen = new List<int>();
        LoopTask left = t.Loop.Start(Ping(box, t.Loop, 1_000, 0, seen));
        LoopTask right = t.Loop.Start(Ping(box, t.Loop, 1_000, 1, seen));
        t.Loop.Tick();   // both park
        box[0].SetResult(0);

        int steps = t.Loop.Tick();

        Assert.That(steps, Is.EqualTo(1 + 100), "the woken task, then at most the cap of same-tick steps");
        Assert.That(seen.Count, Is.EqualTo(101));
        Assert.That(t.Loop.Tick(), Is.EqualTo(1 + 100), "what passed the cap ran first in the next tick, then the cap again");
        t.Loop.RunUntilComplete(left);
        Assert.That(right.IsCompleted || seen.Count >= 1_999, Is.True);
        for (int i = 0; i < seen.Count; i++)
        {
            Assert.That(seen[i], Is.EqualTo(i), "every hand-off once, in order");
        }
    }

    [Test]
    public void SameTickStepLimitOfZero_RunsEveryWakeUpInTheNextTick_R1b()
    {
        var t = NewLoop(sameTick: true);
        t.Loop.SameTickStepLimit = 0;
        var log = new List<string>();
        var source = new FutureSource(t.Loop);
        t.Loop.Start(Waits(log, "woken", source.Future));
        t.Loop.Tick();
        t.Loop.Start(Completes(log, source));

        t.Loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { "completer done" }));
        t.Loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { "completer done", "woken" }));
    }

    [Test]
    public void CallbacksAndCompletionCallbacks_StillWaitForTheNextTick_WithTheOption_R1b()
    {
        var t = NewLoop(sameTick: true);
        var log = new List<string>();
        var source = new FutureSource(t.Loop);
        source.Future.AddCallback(_ => log.Add("completion callback"));
        t.Loop.Start(CallsSoonAndCompletes(t.Loop, log, source));

        t.Loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { "step" }));
        t.Loop.Tick();
        Assert.That(log, Is.EquivalentTo(new[] { "step", "completion callback", "call soon" }));
    }

    private static IEnumerator<IAwaitable> CallsSoonAndCompletes(EventLoop loop, List<string> log, FutureSource source)
    {
        loop.CallSoon(() => log.Add("call soon"));
        source.SetResult();
        log.Add("step");
        yield break;
    }

    private static IEnumerator<IAwaitable> HoldsThenReleases(CoLock gate, List<string> log)
    {
        yield return gate.Acquire();
        log.Add("first holds");
        yield return Co.NextTick;
        gate.Release();
        log.Add("first released");
    }

    private static IEnumerator<IAwaitable> Acquires(CoLock gate, List<string> log)
    {
        yield return gate.Acquire();
        log.Add("second holds");
        gate.Release();
    }

    [TestCase(false, 3)]
    [TestCase(true, 2)]
    public void ALockGrantedDuringATick_ResumesItsWaiterInThatTickWithTheOption_R1b(bool sameTick, int ticks)
    {
        var t = NewLoop(sameTick);
        var gate = new CoLock(t.Loop);
        var log = new List<string>();
        t.Loop.Start(HoldsThenReleases(gate, log));
        LoopTask second = t.Loop.Start(Acquires(gate, log));

        t.Tick(ticks);

        Assert.That(second.IsSucceeded, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "first holds", "first released", "second holds" }));
    }

    private static IEnumerator<IAwaitable> AwaitsAll(EventLoop loop, List<string> log)
    {
        yield return Co.WhenAll(loop, Link(log, "x", null), Link(log, "y", null));
        log.Add("all done");
    }

    [Test]
    public void WhenAllOverTasksStartedInAStep_SettlesInTheSameTick_R1b()
    {
        var t = NewLoop(sameTick: true);
        var log = new List<string>();
        LoopTask task = t.Loop.Start(AwaitsAll(t.Loop, log));

        t.Loop.Tick();

        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "x", "y", "all done" }));
    }

    private static IEnumerator<IAwaitable> Throws()
    {
        throw new InvalidOperationException("wave step failed");
#pragma warning disable CS0162 // an iterator needs a yield
        yield break;
#pragma warning restore CS0162
    }

    private static IEnumerator<IAwaitable> StartsThrowingAndFine(EventLoop loop, List<LoopTask> started)
    {
        started.Add(loop.Start(Throws()));
        started.Add(loop.Start(Logs(new List<string>(), "fine", 1)));
        yield break;
    }

    [Test]
    public void AStepThatThrowsInAWave_FaultsOnlyItsTask_AndTheWaveGoesOn_R1b_R21()
    {
        var t = NewLoop(sameTick: true);
        var started = new List<LoopTask>();
        t.Loop.Start(StartsThrowingAndFine(t.Loop, started));

        t.Loop.Tick();

        Assert.That(started[0].IsFaulted, Is.True);
        Assert.That(started[0].Exception!.Message, Is.EqualTo("wave step failed"));
        Assert.That(started[1].IsCompleted, Is.False, "its first step ran in the wave, and it waits for the next tick");
        t.Loop.Tick();
        Assert.That(started[1].IsSucceeded, Is.True);
    }

    private static IEnumerator<IAwaitable> TicksInside(EventLoop loop, List<Exception> caught)
    {
        try
        {
            loop.Tick();
        }
        catch (InvalidOperationException ex)
        {
            caught.Add(ex);
        }

        yield break;
    }

    private static IEnumerator<IAwaitable> StartsTicker(EventLoop loop, List<Exception> caught)
    {
        yield return loop.Start(TicksInside(loop, caught));
    }

    [Test]
    public void TickFromAStepOfAWave_Throws_AndTheLoopStaysIntact_R1b_R5()
    {
        var t = NewLoop(sameTick: true);
        var caught = new List<Exception>();
        LoopTask task = t.Loop.Start(StartsTicker(t.Loop, caught));

        t.Loop.Tick();

        Assert.That(caught, Has.Count.EqualTo(1));
        Assert.That(task.IsSucceeded, Is.True);
    }

    private static IEnumerator<IAwaitable> Fans(EventLoop loop, int width, int depth, int[] count)
    {
        count[0]++;
        if (depth == 0)
        {
            yield break;
        }

        var children = new Future[width];
        for (int i = 0; i < width; i++)
        {
            children[i] = loop.Start(Fans(loop, width, depth - 1, count));
        }

        yield return Co.WhenAll(children);
    }

    [Test]
    public void ThousandsOfTasksStartedAndCompletedInWaves_RunOnceEach_NoneSkippedOrDoubled_R1b_R6()
    {
        // 1 + 10 + 100 + 1,000 + 10,000 tasks start and finish in waves (the cap raised to let them all in one tick).
        var t = NewLoop(sameTick: true);
        t.Loop.SameTickStepLimit = 100_000;
        var count = new int[1];
        LoopTask root = t.Loop.Start(Fans(t.Loop, 10, 4, count));

        t.Loop.Tick();

        Assert.That(count[0], Is.EqualTo(11_111));
        Assert.That(root.IsSucceeded, Is.True);
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
    }

    [Test]
    public void ABudgetedTick_RunsWakeUpsInTheNextTick_AsWithoutTheOption_R1b()
    {
        var t = NewLoop(sameTick: true);
        var log = new List<string>();
        var source = new FutureSource(t.Loop);
        t.Loop.Start(Waits(log, "woken", source.Future));
        t.Loop.Tick();
        t.Loop.Start(Completes(log, source));

        t.Loop.Tick(TimeSpan.FromSeconds(10), new ManualClock());
        Assert.That(log, Is.EqualTo(new[] { "completer done" }));
        t.Loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { "completer done", "woken" }));
    }

    [Test]
    public void SameTickStepLimit_Negative_ThrowsArgumentOutOfRange_AndSettingsFromAnotherThreadThrow_R1b_R61()
    {
        var t = NewLoop(sameTick: false);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => t.Loop.SameTickStepLimit = -1);
        Assert.That(ex!.Message, Does.Contain("SameTickStepLimit must be 0 or more"));
        Assert.That(t.Loop.SameTickStepLimit, Is.EqualTo(10_000), "the documented default, unchanged");

        Exception? fromThread = null;
        var thread = new Thread(() =>
        {
            try
            {
                t.Loop.SameTickWakeUps = true;
            }
            catch (Exception e)
            {
                fromThread = e;
            }
        });
        thread.Start();
        Assert.That(thread.Join(HangGuard.Limit), Is.True);
        Assert.That(fromThread, Is.TypeOf<InvalidOperationException>());
        Assert.That(t.Loop.SameTickWakeUps, Is.False);
    }
}
