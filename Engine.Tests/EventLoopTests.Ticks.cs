using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>R1-R6: what a tick runs, in which order, and what may happen inside a step.</summary>
public partial class EventLoopTests
{
    // ---- R1: a tick runs exactly what was ready when it began ---------------------------------------------------

    [Test]
    public void Tick_RunsWorkMadeReadyDuringTheTickInTheNextTick_R1()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var log = new List<string>();
        var source = new FutureSource(loop);
        loop.Start(WaitThenLog(source.Future, log, "waiter"));
        t.Tick();   // the waiter parks

        loop.Start(Run(() =>
        {
            log.Add("A@" + loop.TickCount);
            loop.Start(Run(() => log.Add("started@" + loop.TickCount)));
            loop.CallSoon(() => log.Add("callback@" + loop.TickCount));
            source.SetResult();
        }));
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "A@2" }), "nothing made ready in tick 2 runs in tick 2");

        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "A@2", "started@3", "callback@3", "waiter" }));
    }

    [TestCase(false, TestName = "Tick_EndsWhenACoroutineYieldsNullForever_R1")]
    [TestCase(true, TestName = "Tick_EndsWhenACoroutineYieldsNextTickForever_R1")]
    public void Tick_EndsWhenACoroutineYieldsForever_R1(bool nextTick)
    {
        var t = new TestLoop();
        int steps = 0;
        t.Loop.Start(Spin());
        t.Tick(1000);
        Assert.That(steps, Is.EqualTo(1000), "one step per tick");

        IEnumerator<IAwaitable> Spin()
        {
            while (true)
            {
                steps++;
                yield return nextTick ? Co.NextTick : null!;
            }
        }
    }

    [Test]
    public void Tick_AppendsDueTimersAndPostsBehindWorkThatWasAlreadyReady_R1()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var log = new List<string>();
        loop.CallLater(0.7, () => log.Add("timer 0.7"));
        loop.CallLater(0.5, () => log.Add("timer 0.5"));
        loop.Start(Forever(log, "ready"));
        t.Tick();                       // "ready" runs and queues itself for tick 2
        log.Clear();

        loop.Post(() => log.Add("post"));
        t.AdvanceAndTick(1);

        Assert.That(log, Has.Count.EqualTo(4));
        Assert.That(log[0], Is.EqualTo("ready"), "work ready before the tick runs before the tick's timers and posts");
        Assert.That(log.IndexOf("timer 0.5"), Is.LessThan(log.IndexOf("timer 0.7")), "due timers in deadline order");
        Assert.That(log, Does.Contain("post"));
    }

    [Test]
    public void Tick_EveryStepOfATickSeesTheTimeReadAtItsStart_R1()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var times = new List<TimeSpan>();
        var log = new List<string>();
        loop.CallLater(5, () => log.Add("timer"));
        loop.Start(Run(() =>
        {
            times.Add(loop.Time);
            t.Clock.Advance(10);    // the clock moves in the middle of the tick
        }));
        loop.Start(Run(() => times.Add(loop.Time)));

        t.Tick();
        Assert.That(times, Is.EqualTo(new[] { TimeSpan.Zero, TimeSpan.Zero }));
        Assert.That(log, Is.Empty, "a timer due after the tick's start waits for the next tick");

        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "timer" }));
        Assert.That(loop.Time, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void Waiter_ResumesOneTickAfterTheTaskItWaitsOnEnds_R1()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var endedAt = new long[5];
        LoopTask? previous = null;
        for (int i = 0; i < endedAt.Length; i++)
        {
            previous = loop.Start(Link(previous, i));
        }

        t.Tick(10);
        Assert.That(endedAt, Is.EqualTo(new long[] { 2, 3, 4, 5, 6 }), "each link of the chain ends one tick after the one before");

        IEnumerator<IAwaitable> Link(LoopTask? before, int index)
        {
            // Every link parks in tick 1; the first one ends in tick 2.
            yield return before ?? Co.NextTick;
            endedAt[index] = loop.TickCount;
        }
    }

    [Test]
    public void Waiter_ResumesInTheNextTickWhenTheFutureCompletesBetweenTicks_R1()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var source = new FutureSource(t.Loop);
        t.Loop.Start(WaitThenLog(source.Future, log, "resumed"));
        t.Tick(3);
        source.SetResult();
        Assert.That(log, Is.Empty, "completing a future never runs its waiter inline");
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "resumed" }));
    }

    // ---- R2: null and Co.NextTick -------------------------------------------------------------------------------

    [TestCase(false, TestName = "YieldNull_ResumesInTheNextTickNeverTheSameOne_R2")]
    [TestCase(true, TestName = "YieldNextTick_ResumesInTheNextTickNeverTheSameOne_R2")]
    public void YieldNextTick_ResumesInTheNextTick_R2(bool named)
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var ticks = new List<long>();
        loop.Start(Body());
        t.Tick(5);
        Assert.That(ticks, Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));

        IEnumerator<IAwaitable> Body()
        {
            for (int i = 0; i < 5; i++)
            {
                ticks.Add(loop.TickCount);
                yield return named ? Co.NextTick : null!;
            }
        }
    }

    // ---- R3: FIFO -----------------------------------------------------------------------------------------------

    [Test]
    public void ReadyWork_RunsInTheOrderItWasWoken_R3()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var a = new FutureSource(t.Loop);
        var b = new FutureSource(t.Loop);
        var c = new FutureSource(t.Loop);
        t.Loop.Start(WaitThenLog(a.Future, log, "A"));
        t.Loop.Start(WaitThenLog(b.Future, log, "B"));
        t.Loop.Start(WaitThenLog(c.Future, log, "C"));
        t.Tick();

        c.SetResult();
        a.SetResult();
        b.SetResult();
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "C", "A", "B" }));
    }

    [Test]
    public void StartedTasks_TakeTheirFirstStepInStartOrder_R3()
    {
        var t = new TestLoop();
        var order = new List<int>();
        for (int i = 0; i < 1000; i++)
        {
            int id = i;
            t.Loop.Start(Run(() => order.Add(id)));
        }

        t.Tick();
        Assert.That(order, Is.EqualTo(Enumerable.Range(0, 1000)));
    }

    [Test]
    public void WaitersOnOneFuture_ResumeInTheOrderTheyParked_R3()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var source = new FutureSource(t.Loop);
        for (int i = 0; i < 50; i++)
        {
            t.Loop.Start(WaitThenLog(source.Future, log, "w" + i));
        }

        t.Tick();
        source.SetResult();
        t.Tick();
        Assert.That(log, Is.EqualTo(Enumerable.Range(0, 50).Select(i => "w" + i)));
    }

    [Test]
    public void ReadyWork_MixedKinds_RunInOneQueueInFifoOrder_R3()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var log = new List<string>();
        var source = new FutureSource(loop);
        loop.Start(WaitThenLog(source.Future, log, "waiter"));
        t.Tick();

        loop.CallSoon(() => log.Add("callback 1"));
        loop.Start(Run(() => log.Add("task")));
        source.SetResult();
        loop.CallSoon(() => log.Add("callback 2"));
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "callback 1", "task", "waiter", "callback 2" }));
    }

    // ---- R4: no nested steps ------------------------------------------------------------------------------------

    [Test]
    public void WorkQueuedInsideAStep_NeverRunsInsideIt_R4()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var log = new List<string>();
        int depth = 0;
        int maxDepth = 0;
        var parked = new FutureSource(loop);
        var completed = new FutureSource(loop);
        completed.SetResult();
        loop.Start(Tracked("waiter", WaitOn(parked.Future)));
        var never = new FutureSource(loop);
        LoopTask victim = loop.Start(Tracked("victim", WaitOn(never.Future)));
        t.Tick();
        log.Clear();

        loop.Start(Tracked("parent", Parent()));
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "parent enters", "parent leaves" }),
            "starting, completing, scheduling and cancelling inside a step only queue work");
        log.Clear();
        t.Tick();
        Assert.That(maxDepth, Is.EqualTo(1), "no step ever ran inside another");
        Assert.That(log, Is.EqualTo(new[]
        {
            "child enters", "child leaves", "waiter enters", "waiter leaves", "callback", "future callback",
        }));
        Assert.That(victim.IsCancelled, Is.True);

        IEnumerator<IAwaitable> Parent()
        {
            loop.Start(Tracked("child", Empty()));
            parked.SetResult();
            loop.CallSoon(() => Enter("callback"));
            completed.Future.AddCallback(_ => Enter("future callback"));
            victim.Cancel();
            yield break;
        }

        static IEnumerator<IAwaitable> WaitOn(Future future)
        {
            yield return future;
        }

        static IEnumerator<IAwaitable> Empty()
        {
            yield break;
        }

        void Enter(string name)
        {
            log.Add(name);
            maxDepth = Math.Max(maxDepth, depth + 1);
        }

        // Wraps each MoveNext of a coroutine in depth accounting.
        IEnumerator<IAwaitable> Tracked(string name, IEnumerator<IAwaitable> inner)
        {
            while (true)
            {
                depth++;
                maxDepth = Math.Max(maxDepth, depth);
                log.Add(name + " enters");
                bool more = inner.MoveNext();
                log.Add(name + " leaves");
                depth--;
                if (!more)
                {
                    yield break;
                }

                yield return inner.Current;
            }
        }
    }

    // ---- R5: no re-entrant Tick or run ---------------------------------------------------------------------------

    private static IEnumerable<TestCaseData> ReentrantCalls()
    {
        yield return Case("Tick", l => l.Tick());
        yield return Case("RunForever", l => l.RunForever());
        yield return Case("RunUntilComplete(Future)", l => l.RunUntilComplete(new FutureSource(l).Future));
        yield return Case("RunUntilComplete(Future<T>)", l => l.RunUntilComplete(new FutureSource<int>(l).Future));
        yield return Case("TryRunUntilComplete", l => l.TryRunUntilComplete(new FutureSource(l).Future));

        static TestCaseData Case(string name, Action<EventLoop> call) =>
            new TestCaseData(call).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(ReentrantCalls))]
    public void ReentrantRun_FromInsideAStep_ThrowsAndLeavesTheLoopUsable_R5(Action<EventLoop> call)
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var log = new List<string>();
        Exception? caught = null;
        LoopTask task = loop.Start(Body());
        loop.Start(Forever(log, "other"));

        t.Tick();
        Assert.That(caught, Is.TypeOf<InvalidOperationException>());
        Assert.That(caught!.Message, Does.Contain("cannot be called from inside a step or callback of the same loop ('test-loop')"));
        Assert.That(log, Is.EqualTo(new[] { "other" }), "the rest of the tick ran as usual");
        Assert.That(loop.TickCount, Is.EqualTo(1));

        t.Tick(2);
        Assert.That(task.IsSucceeded, Is.True, "the task that made the call goes on");
        Assert.That(log, Is.EqualTo(new[] { "other", "other", "other" }));
        Assert.That(loop.TickCount, Is.EqualTo(3));
        Assert.That(t.Unhandled, Is.Empty);

        IEnumerator<IAwaitable> Body()
        {
            try
            {
                call(loop);
            }
            catch (InvalidOperationException ex)
            {
                caught = ex;
            }

            yield return Co.NextTick;
        }
    }

    [TestCaseSource(nameof(ReentrantCalls))]
    public void ReentrantRun_FromInsideACallback_Throws_R5(Action<EventLoop> call)
    {
        var t = new TestLoop();
        Exception? caught = null;
        t.Loop.CallSoon(() => caught = Assert.Catch(() => call(t.Loop)));
        t.Tick();
        Assert.That(caught, Is.TypeOf<InvalidOperationException>());
        t.Tick();
        Assert.That(t.Loop.TickCount, Is.EqualTo(2));
    }

    [Test]
    public void ReentrantTick_ThatEscapesTheCoroutine_FaultsOnlyThatTask_R5()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask bad = t.Loop.Start(Run(() => t.Loop.Tick()));
        t.Loop.Start(Forever(log, "other"));
        t.Tick(3);
        Assert.That(bad.IsFaulted, Is.True);
        Assert.That(bad.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(log, Has.Count.EqualTo(3));
    }

    [TestCase(false, TestName = "RunUntilCompleteOfACoroutine_FromInsideAStep_ThrowsWithoutStartingIt_R5")]
    [TestCase(true, TestName = "RunUntilCompleteOfATypedCoroutine_FromInsideAStep_ThrowsWithoutStartingIt_R5")]
    public void RunUntilCompleteOfACoroutine_FromInsideAStep_ThrowsWithoutStartingIt_R5(bool typed)
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        bool ran = false;
        Exception? caught = null;
        int pendingBefore = -1;
        int pendingAfter = -1;
        loop.Start(Run(() =>
        {
            pendingBefore = loop.PendingTaskCount;
            caught = typed ? Assert.Catch(() => loop.RunUntilComplete<int>(Inner())) : Assert.Catch(() => loop.RunUntilComplete(Inner()));
            pendingAfter = loop.PendingTaskCount;
        }));
        t.Tick(3);
        Assert.That(caught, Is.TypeOf<InvalidOperationException>());
        Assert.That(pendingAfter, Is.EqualTo(pendingBefore), "a call that throws leaves no task behind");
        Assert.That(ran, Is.False);

        IEnumerator<IAwaitable> Inner()
        {
            ran = true;
            yield return Co.Return(1);
        }
    }

    [Test]
    public void Current_IsTheTickingLoopInsideAStepAndNullOutside()
    {
        var t = new TestLoop();
        var other = new EventLoop(new ManualClock(), "other");
        EventLoop? insideOther = null;
        EventLoop? afterOther = null;
        EventLoop? inside = null;
        other.Start(Run(() => insideOther = EventLoop.Current));
        t.Loop.Start(Run(() =>
        {
            inside = EventLoop.Current;
            other.Tick();   // another loop may tick inside a step: only re-entry into the same loop is refused
            afterOther = EventLoop.Current;
        }));
        t.Tick();
        Assert.That(inside, Is.SameAs(t.Loop));
        Assert.That(insideOther, Is.SameAs(other));
        Assert.That(afterOther, Is.SameAs(t.Loop));
        Assert.That(EventLoop.Current, Is.Null);
    }

    // ---- R6: starting, cancelling, completing inside a step at scale --------------------------------------------

    [Test]
    public void StartingTenThousandTasksInsideAStep_RunsEachExactlyOnceInTheNextTick_R6()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        const int Count = 10_000;
        var runs = new int[Count];
        var ranAt = new long[Count];
        loop.Start(Run(() =>
        {
            for (int i = 0; i < Count; i++)
            {
                int id = i;
                loop.Start(Run(() =>
                {
                    runs[id]++;
                    ranAt[id] = loop.TickCount;
                }));
            }
        }));
        t.Tick();
        Assert.That(runs, Is.All.EqualTo(0));
        t.Tick(2);
        Assert.That(runs, Is.All.EqualTo(1));
        Assert.That(ranAt, Is.All.EqualTo(2));
        Assert.That(loop.PendingTaskCount, Is.Zero);
    }

    [Test]
    public void CancellingTenThousandTasksInsideAStep_SkipsNoneAndDoublesNone_R6()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        const int Count = 10_000;
        var never = new FutureSource(loop);
        var finallies = new int[Count];
        var stepsAfterCancel = new int[Count];
        bool cancelled = false;
        var tasks = new LoopTask[Count];

        // Half of the workers are queued in tick 2 before the canceller, half after it; the rest sleep or wait.
        for (int i = 0; i < Count / 2; i++)
        {
            tasks[i] = loop.Start(Worker(i));
        }

        loop.Start(Canceller());
        for (int i = Count / 2; i < Count; i++)
        {
            tasks[i] = loop.Start(Worker(i));
        }

        t.Tick();
        Assert.That(loop.PendingTimerCount, Is.EqualTo(Enumerable.Range(0, Count).Count(i => i % 3 == 1)));
        t.Tick();
        t.Tick();
        Assert.That(tasks.Select(x => x.State), Is.All.EqualTo(FutureState.Cancelled));
        Assert.That(finallies, Is.All.EqualTo(1), "every finally ran exactly once");
        Assert.That(stepsAfterCancel, Is.All.EqualTo(0), "no task stepped after its cancellation");
        Assert.That(loop.PendingTaskCount, Is.Zero);
        Assert.That(loop.PendingTimerCount, Is.Zero);
        Assert.That(never.Future.IsCancelled, Is.True, "the future they waited on was cancelled with them (R31)");

        IEnumerator<IAwaitable> Worker(int id)
        {
            try
            {
                while (true)
                {
                    if (cancelled)
                    {
                        stepsAfterCancel[id]++;
                    }

                    switch (id % 3)
                    {
                        case 0:
                            yield return Co.NextTick;
                            break;
                        case 1:
                            yield return Co.Sleep(100);
                            break;
                        default:
                            yield return never.Future;
                            break;
                    }
                }
            }
            finally
            {
                finallies[id]++;
            }
        }

        IEnumerator<IAwaitable> Canceller()
        {
            yield return Co.NextTick;
            foreach (LoopTask task in tasks)
            {
                Assert.That(task.Cancel(), Is.True);
                Assert.That(task.Cancel(), Is.False, "a second cancel is a no-op");
            }

            cancelled = true;
        }
    }

    [Test]
    public void CompletingTenThousandFuturesInsideAStep_ResumesEachWaiterOnceInCompletionOrder_R6()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        const int Count = 10_000;
        var sources = new FutureSource[Count];
        var order = new List<int>(Count);
        for (int i = 0; i < Count; i++)
        {
            sources[i] = new FutureSource(loop);
            loop.Start(Waiter(i));
        }

        t.Tick();
        loop.Start(Run(() =>
        {
            for (int i = Count - 1; i >= 0; i--)
            {
                sources[i].SetResult();
            }
        }));
        t.Tick();
        Assert.That(order, Is.Empty);
        t.Tick(2);
        Assert.That(order, Is.EqualTo(Enumerable.Range(0, Count).Reverse()));

        IEnumerator<IAwaitable> Waiter(int id)
        {
            yield return sources[id].Future;
            order.Add(id);
        }
    }

    [Test]
    public void ATaskThatEndsWithTenThousandWaiters_WakesEachOnceInParkingOrder_R6()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        const int Count = 10_000;
        var order = new List<int>(Count);
        LoopTask target = loop.Start(Target());
        for (int i = 0; i < Count; i++)
        {
            int id = i;
            loop.Start(Waiter(id));
        }

        t.Tick(4);
        Assert.That(order, Is.EqualTo(Enumerable.Range(0, Count)));
        Assert.That(target.IsSucceeded, Is.True);

        static IEnumerator<IAwaitable> Target()
        {
            yield return Co.NextTick;
        }

        IEnumerator<IAwaitable> Waiter(int id)
        {
            yield return target;
            order.Add(id);
        }
    }

    /// <summary>
    /// A seeded random mix of starts, cancels, completions, sleeps and waits made from inside steps, over thousands of
    /// tasks: no task steps twice in a tick or after it completed, every finally runs once, the books balance.
    /// </summary>
    [Test]
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded test driver.")]
    public void RandomStartsCancelsAndCompletionsInsideSteps_KeepEveryTaskConsistent_R6([Values(1, 2, 3)] int seed)
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var random = new Random(seed);
        var workers = new List<Worker>();
        var sources = new List<FutureSource>();
        var violations = new List<string>();
        const int Initial = 5000;
        const int Limit = 20_000;
        for (int i = 0; i < 64; i++)
        {
            sources.Add(new FutureSource(loop));
        }

        for (int i = 0; i < Initial; i++)
        {
            StartWorker();
        }

        for (int tick = 0; tick < 60; tick++)
        {
            t.AdvanceAndTick(0.01);
        }

        foreach (Worker w in workers)
        {
            w.Task!.Cancel();
        }

        for (int i = 0; i < 10 && loop.PendingTaskCount > 0; i++)
        {
            t.Tick();
        }

        Assert.That(violations, Is.Empty);
        Assert.That(workers.Where(w => !w.Task!.IsCompleted), Is.Empty, "every task ended");
        Assert.That(workers.Where(w => w.Finallies != (w.Entered ? 1 : 0)).Select(w => w.Id), Is.Empty,
            "every finally of a task that entered its body ran exactly once, and none of one that never ran");
        Assert.That(loop.PendingTaskCount, Is.Zero);
        Assert.That(loop.PendingTimerCount, Is.Zero);
        Assert.That(t.Unhandled, Is.Empty);
        Assert.That(workers, Has.Count.GreaterThan(Initial), "the mix started tasks from inside steps");

        void StartWorker()
        {
            var w = new Worker { Id = workers.Count };
            workers.Add(w);
            w.Task = loop.Start(Body(w));
        }

        IEnumerator<IAwaitable> Body(Worker w)
        {
            w.Entered = true;
            try
            {
                while (true)
                {
                    // Only a yield of something already complete may continue in the same tick (R19).
                    if (w.LastTick == loop.TickCount && !w.YieldedCompleted)
                    {
                        violations.Add($"worker {w.Id} stepped twice in tick {loop.TickCount}");
                    }

                    if (w.Task is null || w.Task.IsCompleted)
                    {
                        violations.Add($"worker {w.Id} stepped while its task was {w.Task?.State}");
                    }

                    w.LastTick = loop.TickCount;
                    int action = random.Next(20);
                    if (action == 0 && workers.Count < Limit)
                    {
                        StartWorker();
                        StartWorker();
                    }
                    else if (action == 1)
                    {
                        Worker victim = workers[random.Next(workers.Count)];
                        victim.Task!.Cancel();  // may be itself: it then stops at its next yield (R33)
                    }
                    else if (action == 2)
                    {
                        int index = random.Next(sources.Count);
                        sources[index].TrySetResult();
                        sources[index] = new FutureSource(loop);
                    }
                    else if (action == 3)
                    {
                        yield break;
                    }

                    int wait = random.Next(4);
                    w.YieldedCompleted = false;
                    if (wait == 0)
                    {
                        Future future = sources[random.Next(sources.Count)].Future;
                        w.YieldedCompleted = future.IsCompleted;
                        yield return future;
                    }
                    else if (wait == 1)
                    {
                        yield return Co.Sleep(random.NextDouble() * 0.05);
                    }
                    else if (wait == 2)
                    {
                        Worker other = workers[random.Next(workers.Count)];
                        if (!ReferenceEquals(other, w))
                        {
                            w.YieldedCompleted = other.Task!.IsCompleted;
                            yield return Co.Settle(other.Task!);
                        }
                        else
                        {
                            yield return Co.NextTick;
                        }
                    }
                    else
                    {
                        yield return Co.NextTick;
                    }
                }
            }
            finally
            {
                w.Finallies++;
            }
        }
    }

    private sealed class Worker
    {
        public int Id { get; set; }

        public LoopTask? Task { get; set; }

        public bool Entered { get; set; }

        public int Finallies { get; set; }

        public long LastTick { get; set; } = -1;

        public bool YieldedCompleted { get; set; }
    }
}
