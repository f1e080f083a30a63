using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>
/// Scenarios written from docs/semantics.md R1-R6 (ticks, ordering, fairness, re-entrancy) and the game-loop
/// features (LoopPhase, Tick(budget)), as an outsider reads them.
/// </summary>
public partial class EventLoopTests
{
    private void Log(string what) => _log.Add(what + "@" + _loop.TickCount);

    // ---- R1 -----------------------------------------------------------------------------------------------------

    [Test]
    public void TaskStartedInsideAStep_RunsInTheNextTick_R1()
    {
        IEnumerator<IAwaitable> Child()
        {
            Log("child");
            yield break;
        }

        IEnumerator<IAwaitable> Parent()
        {
            Log("parent");
            _loop.Start(Child());
            Log("parent-after-start");
            yield break;
        }

        _loop.Start(Parent());
        Assert.That(_log, Is.Empty, "Start only queues (R4)");
        _loop.Tick();
        Assert.That(_log, Is.EqualTo(new[] { "parent@1", "parent-after-start@1" }));
        _loop.Tick();
        Assert.That(_log, Is.EqualTo(new[] { "parent@1", "parent-after-start@1", "child@2" }));
    }

    [Test]
    public void CallSoonFromAStepAndFromACallback_RunsInTheNextTick_R1()
    {
        IEnumerator<IAwaitable> Body()
        {
            _loop.CallSoon(() =>
            {
                Log("cb1");
                _loop.CallSoon(() => Log("cb2"));
            });
            Log("step");
            yield break;
        }

        _loop.Start(Body());
        _loop.Tick();
        _loop.Tick();
        _loop.Tick();
        _loop.Tick();
        Assert.That(_log, Is.EqualTo(new[] { "step@1", "cb1@2", "cb2@3" }));
    }

    [Test]
    public void TickAlwaysEnds_WithCoroutinesLoopingOnNextTickForever_R1()
    {
        int a = 0, b = 0;
        IEnumerator<IAwaitable> Spin(string name)
        {
            while (true)
            {
                if (name == "a")
                {
                    a++;
                }
                else
                {
                    b++;
                }

                Log(name);
                yield return Co.NextTick;
            }
        }

        IEnumerator<IAwaitable> SpinNull()
        {
            while (true)
            {
                Log("n");
                yield return null!;
            }
        }

        _loop.Start(Spin("a"));
        _loop.Start(Spin("b"));
        _loop.Start(SpinNull());
        for (int i = 0; i < 100; i++)
        {
            _loop.Tick();
        }

        Assert.That(a, Is.EqualTo(100));
        Assert.That(b, Is.EqualTo(100));
        Assert.That(_log.GetRange(0, 6), Is.EqualTo(new[] { "a@1", "b@1", "n@1", "a@2", "b@2", "n@2" }));
        Assert.That(_log, Has.Count.EqualTo(300));
    }

    [Test]
    public void WaiterResumesOneTickAfterCompletion_ByAnotherTask_R1()
    {
        var source = new FutureSource(_loop);
        long completedAt = -1, resumedAt = -1;
        IEnumerator<IAwaitable> Waiter()
        {
            yield return source.Future;
            resumedAt = _loop.TickCount;
        }

        IEnumerator<IAwaitable> Completer()
        {
            yield return Co.NextTick;
            yield return Co.NextTick;
            source.SetResult();
            completedAt = _loop.TickCount;
        }

        _loop.Start(Waiter());
        _loop.Start(Completer());
        for (int i = 0; i < 6; i++)
        {
            _loop.Tick();
        }

        Assert.That(completedAt, Is.EqualTo(3));
        Assert.That(resumedAt, Is.EqualTo(4));
    }

    [Test]
    public void WaiterResumesOneTickAfterCompletion_ByACallback_R1()
    {
        var source = new FutureSource<int>(_loop);
        long resumedAt = -1;
        int got = 0;
        IEnumerator<IAwaitable> Waiter()
        {
            yield return source.Future;
            got = source.Future.Result;
            resumedAt = _loop.TickCount;
        }

        _loop.Start(Waiter());
        _loop.Tick(); // tick 1: waiter parks
        _loop.CallSoon(() => source.SetResult(7));
        _loop.Tick(); // tick 2: callback completes
        Assert.That(resumedAt, Is.EqualTo(-1), "the waiter must not resume inside the completing tick");
        _loop.Tick(); // tick 3
        Assert.That(resumedAt, Is.EqualTo(3));
        Assert.That(got, Is.EqualTo(7));
    }

    [Test]
    public void WaiterResumesOneTickAfterCompletion_ByATimerCallback_R1()
    {
        var source = new FutureSource(_loop);
        long resumedAt = -1, firedAt = -1;
        IEnumerator<IAwaitable> Waiter()
        {
            yield return source.Future;
            resumedAt = _loop.TickCount;
        }

        _loop.Start(Waiter());
        _loop.CallLater(1.0, () =>
        {
            firedAt = _loop.TickCount;
            source.SetResult();
        });
        _loop.Tick();
        _clock.Advance(1.0);
        _loop.Tick();
        _loop.Tick();
        Assert.That(firedAt, Is.EqualTo(2));
        Assert.That(resumedAt, Is.EqualTo(3));
    }

    [Test]
    public void WaiterResumesOneTickAfterCompletion_FromAPostedCallback_R1()
    {
        var source = new FutureSource(_loop);
        long resumedAt = -1, postedRanAt = -1;
        IEnumerator<IAwaitable> Waiter()
        {
            yield return source.Future;
            resumedAt = _loop.TickCount;
        }

        _loop.Start(Waiter());
        _loop.Tick(); // 1: parks
        var thread = new Thread(() => _loop.Post(() =>
        {
            postedRanAt = _loop.TickCount;
            source.SetResult();
        }));
        thread.Start();
        Assert.That(thread.Join(HangGuard.Limit), Is.True);
        _loop.Tick(); // 2: the hand-over runs
        Assert.That(postedRanAt, Is.EqualTo(2));
        Assert.That(resumedAt, Is.EqualTo(-1));
        _loop.Tick(); // 3
        Assert.That(resumedAt, Is.EqualTo(3));
    }

    [Test]
    public void WaiterResumesOneTickAfterCompletion_FromPostResultOnAnotherThread_R1()
    {
        var source = new FutureSource<int>(_loop);
        long resumedAt = -1;
        long completedSeenAt = -1;
        IEnumerator<IAwaitable> Waiter()
        {
            yield return source.Future;
            resumedAt = _loop.TickCount;
        }

        IEnumerator<IAwaitable> Watcher()
        {
            while (!source.Future.IsCompleted)
            {
                yield return Co.NextTick;
            }

            completedSeenAt = _loop.TickCount;
        }

        _loop.Start(Waiter());
        _loop.Tick(); // 1: parks
        var thread = new Thread(() => source.PostResult(42));
        thread.Start();
        Assert.That(thread.Join(HangGuard.Limit), Is.True);
        _loop.Start(Watcher());
        _loop.Tick(); // 2: the hand-over completes the future
        Assert.That(source.Future.IsCompleted, Is.True);
        Assert.That(completedSeenAt, Is.EqualTo(-1), "the hand-over's work runs behind what was already ready (R1)");
        Assert.That(resumedAt, Is.EqualTo(-1), "the waiter resumes one tick after the completion");
        _loop.Tick(); // 3
        Assert.That(resumedAt, Is.EqualTo(3));
        Assert.That(completedSeenAt, Is.EqualTo(3));
        Assert.That(source.Future.Result, Is.EqualTo(42));
    }

    [Test]
    public void WaiterOnATaskResumesOneTickAfterThatTaskEnds_R1()
    {
        long endedAt = -1, resumedAt = -1;
        IEnumerator<IAwaitable> Sleeper()
        {
            yield return Co.Sleep(1.0);
            endedAt = _loop.TickCount;
        }

        LoopTask sleeper = _loop.Start(Sleeper());
        IEnumerator<IAwaitable> Waiter()
        {
            yield return sleeper;
            resumedAt = _loop.TickCount;
        }

        _loop.Start(Waiter());
        _loop.Tick();
        _loop.Tick();
        _clock.Advance(1.0);
        _loop.Tick(); // 3: sleeper ends
        _loop.Tick(); // 4: waiter resumes
        Assert.That(endedAt, Is.EqualTo(3));
        Assert.That(resumedAt, Is.EqualTo(4));
    }

    [Test]
    public void DueTimersAndHandOversAreAppendedBehindAlreadyReadyWork_R1()
    {
        IEnumerator<IAwaitable> Task()
        {
            Log("x1");
            _loop.CallLater(0, () => Log("timer"));
            _loop.Post(() => Log("post"));
            yield return Co.NextTick;
            Log("x2");
        }

        _loop.Start(Task());
        _loop.Tick();
        _loop.Tick();
        Assert.That(_log, Is.EqualTo(new[] { "x1@1", "x2@2", "timer@2", "post@2" }));
    }

    [Test]
    public void TimersDueAtOneTickFireInDeadlineOrderThenSchedulingOrder_R1()
    {
        _loop.CallLater(5.0, () => Log("a5"));
        _loop.CallLater(3.0, () => Log("b3"));
        _loop.CallLater(4.0, () => Log("c4"));
        _loop.CallLater(3.0, () => Log("d3"));
        _loop.CallAt(TimeSpan.FromSeconds(3), () => Log("e3"));
        _loop.CallLater(TimeSpan.FromSeconds(4), () => Log("f4"));
        _clock.Advance(10);
        _loop.Tick();
        Assert.That(_log, Is.EqualTo(new[] { "b3@1", "d3@1", "e3@1", "c4@1", "f4@1", "a5@1" }));
    }

    // ---- R2 -----------------------------------------------------------------------------------------------------

    [Test]
    public void NextTickAndNull_NeverResumeInTheSameTick_R2()
    {
        var steps = new List<long>();
        IEnumerator<IAwaitable> Body()
        {
            steps.Add(_loop.TickCount);
            yield return Co.NextTick;
            steps.Add(_loop.TickCount);
            yield return null!;
            steps.Add(_loop.TickCount);
            yield return Co.NextTick;
            steps.Add(_loop.TickCount);
        }

        LoopTask t = _loop.Start(Body());
        for (int i = 0; i < 10 && !t.IsCompleted; i++)
        {
            _loop.Tick();
        }

        Assert.That(steps, Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        Assert.That(t.IsSucceeded, Is.True);
    }

    [Test]
    public void NextTickOnAManualClockThatDoesNotMove_StillAdvancesOnePerTick_R2()
    {
        int runs = 0;
        IEnumerator<IAwaitable> Body()
        {
            for (int i = 0; i < 1000; i++)
            {
                runs++;
                yield return Co.NextTick;
            }
        }

        _loop.Start(Body());
        for (int i = 0; i < 500; i++)
        {
            _loop.Tick();
        }

        Assert.That(runs, Is.EqualTo(500));
    }

    // ---- R3 -----------------------------------------------------------------------------------------------------

    [Test]
    public void TasksWokenInOrderResumeInThatOrder_R3()
    {
        var sources = new[] { new FutureSource(_loop), new FutureSource(_loop), new FutureSource(_loop), new FutureSource(_loop) };
        IEnumerator<IAwaitable> Waiter(int i)
        {
            yield return sources[i].Future;
            Log("w" + i);
        }

        for (int i = 0; i < sources.Length; i++)
        {
            _loop.Start(Waiter(i));
        }

        _loop.Tick();
        sources[2].SetResult();
        sources[0].SetResult();
        sources[3].SetResult();
        sources[1].SetResult();
        _loop.Tick();
        Assert.That(_log, Is.EqualTo(new[] { "w2@2", "w0@2", "w3@2", "w1@2" }));
    }

    [Test]
    public void FifoUnderMixedSources_CallbacksStartedTasksWokenTasksAndTimers_R3()
    {
        var source = new FutureSource(_loop);
        IEnumerator<IAwaitable> Woken()
        {
            yield return source.Future;
            Log("woken");
        }

        IEnumerator<IAwaitable> Started()
        {
            Log("started");
            yield break;
        }

        IEnumerator<IAwaitable> Yielder()
        {
            yield return Co.NextTick;
            Log("yielder");
        }

        IEnumerator<IAwaitable> Driver()
        {
            yield return Co.NextTick;   // tick 2: make work ready in a known order
            _loop.CallLater(0, () => Log("timer0"));   // a timer: appended after the ready work of tick 3
            _loop.CallSoon(() => Log("cb1"));
            _loop.Start(Started());
            source.SetResult();
            _loop.Start(Yielder());
            _loop.CallSoon(() => Log("cb2"));
            Log("driver");
        }

        _loop.Start(Woken());
        _loop.Start(Driver());
        _loop.Tick();
        _loop.Tick();
        _loop.Tick();
        _loop.Tick();
        Assert.That(_log, Is.EqualTo(new[]
        {
            "driver@2", "cb1@3", "started@3", "woken@3", "cb2@3", "timer0@3", "yielder@4",
        }));
    }

    [Test]
    public void EqualSleepsResumeInTheOrderTheyWereStartedEvenWhenWokenByTheSameTick_R3()
    {
        IEnumerator<IAwaitable> Sleeper(int i, double delay)
        {
            yield return Co.Sleep(delay);
            Log("s" + i);
        }

        // Different delays started at different times, all due by one tick.
        _loop.Start(Sleeper(0, 2.0));
        _loop.Start(Sleeper(1, 1.0));
        _loop.Tick();
        _clock.Advance(1.0);
        _loop.Start(Sleeper(2, 0.5));   // due 1.5 (scheduled in tick 2 at time 1.0)
        _loop.Start(Sleeper(3, 1.0));   // due 2.0, after s0
        _loop.Tick();                   // s1 fires (due 1.0)
        _loop.Tick();                   // the two new tasks park
        _clock.Advance(5.0);
        _loop.Tick();
        Assert.That(_log, Is.EqualTo(new[] { "s1@2", "s2@4", "s0@4", "s3@4" }));
    }

    // ---- R4 -----------------------------------------------------------------------------------------------------

    [Test]
    public void CompletingAFutureAndAddingCallbacks_NeverRunUserCodeInline_R4()
    {
        var source = new FutureSource(_loop);
        IEnumerator<IAwaitable> Waiter()
        {
            yield return source.Future;
            Log("waiter");
        }

        IEnumerator<IAwaitable> Completer()
        {
            yield return Co.NextTick;
            Log("before");
            source.SetResult();
            source.Future.AddCallback(_ => Log("callback"));
            _loop.Start(Completer2());
            _loop.CallSoon(() => Log("soon"));
            Log("after");
        }

        IEnumerator<IAwaitable> Completer2()
        {
            Log("c2");
            yield break;
        }

        _loop.Start(Waiter());
        _loop.Start(Completer());
        _loop.Tick();
        _loop.Tick();
        Assert.That(_log, Is.EqualTo(new[] { "before@2", "after@2" }));
        _loop.Tick();
        Assert.That(_log.GetRange(0, 2), Is.EqualTo(new[] { "before@2", "after@2" }));
        Assert.That(_log.GetRange(2, _log.Count - 2), Is.EquivalentTo(new[] { "waiter@3", "callback@3", "c2@3", "soon@3" }));
    }

    [Test]
    public void AddCallbackOnACompletedFuture_RunsOnTheLoopOnce_R4()
    {
        var source = new FutureSource(_loop);
        source.SetResult();
        int calls = 0;
        source.Future.AddCallback(_ => calls++);
        Assert.That(calls, Is.EqualTo(0));
        _loop.Tick();
        _loop.Tick();
        Assert.That(calls, Is.EqualTo(1));
    }

    // ---- R5 -----------------------------------------------------------------------------------------------------

    private static IEnumerator<IAwaitable> Forever()
    {
        while (true)
        {
            yield return Co.NextTick;
        }
    }

    private Exception? Catch(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private List<Action> ReentrantDriverCalls(LoopPhase phase, LoopTask other) => new()
    {
        () => _loop.Tick(),
        () => _loop.Tick(TimeSpan.FromSeconds(1)),
        () => _loop.RunUntilComplete(other),
        () => _loop.TryRunUntilComplete(other),
        () => _loop.RunUntilComplete(Empty()),
        () => _loop.RunForever(),
        () => _loop.RunUntilIdle(),
        () => phase.Run(),
        () => _loop.Close(),
    };

    [Test]
    public void ReentrantDriversFromInsideAStep_ThrowAndLeaveTheLoopIntact_R5()
    {
        var phase = new LoopPhase(_loop, "phase");
        LoopTask other = _loop.Start(Forever(), "other");
        var results = new List<Exception?>();
        int afterCount = 0;
        IEnumerator<IAwaitable> Body()
        {
            foreach (Action call in ReentrantDriverCalls(phase, other))
            {
                results.Add(Catch(call));
            }

            yield return Co.NextTick;
            afterCount++;
            yield return Co.Sleep(1.0);
            afterCount++;
        }

        int bystander = 0;
        IEnumerator<IAwaitable> Bystander()
        {
            while (true)
            {
                bystander++;
                yield return Co.NextTick;
            }
        }

        LoopTask body = _loop.Start(Body());
        _loop.Start(Bystander());
        _loop.Tick();
        Assert.That(results, Has.Count.EqualTo(9));
        for (int i = 0; i < results.Count; i++)
        {
            Assert.That(results[i], Is.InstanceOf<InvalidOperationException>(), "call #" + i);
        }

        Assert.That(bystander, Is.EqualTo(1), "the rest of the tick ran");
        Assert.That(_loop.IsClosed, Is.False);
        _loop.Tick();
        Assert.That(afterCount, Is.EqualTo(1));
        _clock.Advance(1.0);
        _loop.Tick();
        Assert.That(afterCount, Is.EqualTo(2));
        Assert.That(body.IsSucceeded, Is.True);
        Assert.That(other.IsCompleted, Is.False);
        Assert.That(_unhandled, Is.Empty);
        Assert.That(bystander, Is.EqualTo(3));
    }

    [Test]
    public void ReentrantDriversFromInsideACallback_ThrowAndLeaveTheLoopIntact_R5()
    {
        var phase = new LoopPhase(_loop, "phase");
        LoopTask other = _loop.Start(Forever(), "other");
        var results = new List<Exception?>();
        _loop.CallSoon(() =>
        {
            foreach (Action call in ReentrantDriverCalls(phase, other))
            {
                results.Add(Catch(call));
            }
        });
        _loop.CallLater(0.5, () =>
        {
            results.Add(Catch(() => _loop.Tick()));
            results.Add(Catch(() => _loop.Close()));
        });
        _loop.Tick();
        _clock.Advance(0.5);
        _loop.Tick();
        Assert.That(results, Has.Count.EqualTo(11));
        for (int i = 0; i < results.Count; i++)
        {
            Assert.That(results[i], Is.InstanceOf<InvalidOperationException>(), "call #" + i);
        }

        int ran = 0;
        _loop.CallSoon(() => ran++);
        _loop.Tick();
        Assert.That(ran, Is.EqualTo(1));
        Assert.That(_loop.IsClosed, Is.False);
        Assert.That(other.IsCompleted, Is.False);
    }

    [Test]
    public void ReentrantDriversFromInsideAPhaseRun_Throw_R5()
    {
        var phase = new LoopPhase(_loop, "phase");
        var results = new List<Exception?>();
        IEnumerator<IAwaitable> Body()
        {
            yield return phase;
            results.Add(Catch(() => phase.Run()));
            results.Add(Catch(() => _loop.Tick()));
            results.Add(Catch(() => _loop.Close()));
            yield return Co.NextTick;
            Log("after");
        }

        _loop.Start(Body());
        _loop.Tick();
        Assert.That(phase.Run(), Is.EqualTo(1));
        Assert.That(results, Has.Count.EqualTo(3));
        Assert.That(results, Has.All.InstanceOf<InvalidOperationException>());
        _loop.Tick();
        Assert.That(_log, Is.EqualTo(new[] { "after@2" }));
    }

    [Test]
    public void RunUntilCompleteInsideAStepOfANestedCall_Throws_R5()
    {
        Exception? seen = null;
        IEnumerator<IAwaitable> Inner()
        {
            seen = Catch(() => _loop.RunUntilComplete(Empty()));
            yield return Co.Return(5);
        }

        IEnumerator<IAwaitable> Outer()
        {
            Call<int> c = Co.Call<int>(Inner());
            yield return c;
            yield return Co.Return(c.Result * 2);
        }

        int r = _loop.RunUntilComplete<int>(Outer());
        Assert.That(r, Is.EqualTo(10));
        Assert.That(seen, Is.InstanceOf<InvalidOperationException>());
    }

    // ---- R6 -----------------------------------------------------------------------------------------------------

    [Test]
    public void StartCancelAndCompleteThousandsFromInsideSteps_R6()
    {
        const int n = 5000;
        var steps = new int[n];
        var finallies = new int[n];
        var tasks = new LoopTask[n];
        var sources = new FutureSource[n];
        IEnumerator<IAwaitable> Child(int i)
        {
            try
            {
                steps[i]++;
                yield return sources[i].Future;
                steps[i]++;
                yield return Co.NextTick;
                steps[i]++;
            }
            finally
            {
                finallies[i]++;
            }
        }

        IEnumerator<IAwaitable> Root()
        {
            for (int i = 0; i < n; i++)
            {
                sources[i] = new FutureSource(_loop);
                tasks[i] = _loop.Start(Child(i));
            }

            yield return Co.NextTick;   // tick 2: children ran their first step
            for (int i = 0; i < n; i++)
            {
                if (i % 3 == 0)
                {
                    tasks[i].Cancel();
                }
                else
                {
                    sources[i].SetResult();
                }
            }

            // A second wave started while the first is being cancelled/woken.
            for (int i = 0; i < n; i++)
            {
                _loop.Start(Empty());
            }
        }

        _loop.Start(Root());
        for (int i = 0; i < 6; i++)
        {
            _loop.Tick();
        }

        for (int i = 0; i < n; i++)
        {
            Assert.That(finallies[i], Is.EqualTo(1), "finally of " + i);
            if (i % 3 == 0)
            {
                Assert.That(steps[i], Is.EqualTo(1), "cancelled child " + i);
                Assert.That(tasks[i].IsCancelled, Is.True);
            }
            else
            {
                Assert.That(steps[i], Is.EqualTo(3), "woken child " + i);
                Assert.That(tasks[i].IsSucceeded, Is.True);
            }
        }

        Assert.That(_loop.PendingTaskCount, Is.EqualTo(0));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void CancellingTasksLaterInTheSameTicksQueue_TheyDoNotRunTheirBody_R6()
    {
        const int n = 3000;
        var ran = new int[n];
        var tasks = new LoopTask[n];
        IEnumerator<IAwaitable> Member(int i)
        {
            while (true)
            {
                ran[i]++;
                if (i == 0)
                {
                    // From the first task's step in tick 2: cancel every odd task, which are still queued in this tick.
                    if (ran[i] == 2)
                    {
                        for (int j = 1; j < n; j += 2)
                        {
                            Assert.That(tasks[j].Cancel(), Is.True);
                        }
                    }
                }

                yield return Co.NextTick;
            }
        }

        for (int i = 0; i < n; i++)
        {
            tasks[i] = _loop.Start(Member(i));
        }

        _loop.Tick();
        _loop.Tick();
        _loop.Tick();
        for (int i = 0; i < n; i++)
        {
            if (i % 2 == 1)
            {
                Assert.That(ran[i], Is.EqualTo(1), "cancelled task " + i + " ran after its cancellation");
                Assert.That(tasks[i].IsCancelled, Is.True);
            }
            else
            {
                Assert.That(ran[i], Is.EqualTo(3), "task " + i);
            }
        }
    }

    [Test]
    public void TasksStartingTasksRecursivelyInsideSteps_NothingSkippedOrDoubled_R6()
    {
        int total = 0;
        var seen = new HashSet<int>();
        int next = 0;
        IEnumerator<IAwaitable> Node(int id, int depth)
        {
            Assert.That(seen.Add(id), Is.True, "task " + id + " ran twice");
            total++;
            if (depth < 12)
            {
                _loop.Start(Node(++next, depth + 1));
                _loop.Start(Node(++next, depth + 1));
            }

            yield break;
        }

        _loop.Start(Node(0, 0));
        for (int i = 0; i < 20; i++)
        {
            _loop.Tick();
        }

        Assert.That(total, Is.EqualTo((1 << 13) - 1));
        Assert.That(_loop.PendingTaskCount, Is.EqualTo(0));
    }

    // ---- LoopPhase ----------------------------------------------------------------------------------------------

    [Test]
    public void Phase_RunsParkedTasksInParkOrder_OneShot_AndMadeReadyWorkRunsAtNextTick()
    {
        var fixedUpdate = new LoopPhase(_loop, "FixedUpdate");
        var late = new LoopPhase(_loop, "LateUpdate");
        var source = new FutureSource(_loop);
        IEnumerator<IAwaitable> A()
        {
            yield return fixedUpdate;
            Log("A-fixed");
            source.SetResult();                // made ready in a phase: runs at the next Tick
            _loop.CallSoon(() => Log("cb"));
            yield return Co.NextTick;          // one-shot: an ordinary wait now
            Log("A-tick");
            yield return late;
            Log("A-late");
        }

        IEnumerator<IAwaitable> B()
        {
            yield return fixedUpdate;
            Log("B-fixed");
            yield return fixedUpdate;          // parks during the run: waits for the next run
            Log("B-fixed2");
        }

        IEnumerator<IAwaitable> W()
        {
            yield return source.Future;
            Log("W");
        }

        _loop.Start(B());
        _loop.Start(A());
        _loop.Start(W());
        _loop.Tick();                                  // 1: all park
        Assert.That(fixedUpdate.WaitingCount, Is.EqualTo(2));
        Assert.That(fixedUpdate.Run(), Is.EqualTo(2)); // B then A
        Assert.That(_log, Is.EqualTo(new[] { "B-fixed@1", "A-fixed@1" }));
        Assert.That(fixedUpdate.WaitingCount, Is.EqualTo(1));
        Assert.That(late.Run(), Is.EqualTo(0));
        _loop.Tick();                                  // 2: cb, W, A-tick (FIFO by when made ready)
        Assert.That(_log.GetRange(2, _log.Count - 2), Is.EqualTo(new[] { "W@2", "cb@2", "A-tick@2" }));
        Assert.That(late.Run(), Is.EqualTo(1));
        Assert.That(fixedUpdate.Run(), Is.EqualTo(1));
        Assert.That(_log.GetRange(5, _log.Count - 5), Is.EqualTo(new[] { "A-late@2", "B-fixed2@2" }));
        Assert.That(fixedUpdate.RunCount, Is.EqualTo(2));
    }

    [Test]
    public void Phase_FiresNoTimersButSeesCurrentTime()
    {
        var phase = new LoopPhase(_loop, "phase");
        TimeSpan seenTime = TimeSpan.Zero;
        bool timerFired = false;
        IEnumerator<IAwaitable> Body()
        {
            yield return phase;
            seenTime = _loop.Time;
        }

        _loop.Start(Body());
        _loop.CallLater(1.0, () => timerFired = true);
        _loop.Tick();
        _clock.Advance(2.0);
        phase.Run();
        Assert.That(seenTime, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(timerFired, Is.False);
        _loop.Tick();
        Assert.That(timerFired, Is.True);
    }

    [Test]
    public void Phase_CancelledTaskLeavesThePhaseAtOnce()
    {
        var phase = new LoopPhase(_loop, "phase");
        bool ranAfter = false;
        bool fin = false;
        IEnumerator<IAwaitable> Body()
        {
            try
            {
                yield return phase;
                ranAfter = true;
            }
            finally
            {
                fin = true;
            }
        }

        LoopTask t = _loop.Start(Body());
        _loop.Tick();
        t.Cancel();
        Assert.That(phase.WaitingCount, Is.EqualTo(0));
        Assert.That(phase.Run(), Is.EqualTo(0));
        _loop.Tick();
        Assert.That(ranAfter, Is.False);
        Assert.That(fin, Is.True);
        Assert.That(t.IsCancelled, Is.True);
    }

    [Test]
    public void Phase_SleepStartedInAPhaseCountsFromThePhasesTime()
    {
        var phase = new LoopPhase(_loop, "phase");
        double resumed = -1;
        IEnumerator<IAwaitable> Body()
        {
            yield return phase;
            yield return Co.Sleep(1.0);
            resumed = _loop.Time.TotalSeconds;
        }

        _loop.Start(Body());
        _loop.Tick();
        _clock.Set(TimeSpan.FromSeconds(5));
        phase.Run();
        _clock.Set(TimeSpan.FromSeconds(5.9999999));
        _loop.Tick();
        Assert.That(resumed, Is.EqualTo(-1));
        _clock.Set(TimeSpan.FromSeconds(6));
        _loop.Tick();
        Assert.That(resumed, Is.EqualTo(6));
    }

    // ---- Tick(budget) -------------------------------------------------------------------------------------------

    [Test]
    public void Budget_RoundRobinFifo_DeferredRunFirst_NoStarvation()
    {
        var budgetClock = new ManualClock();
        const int n = 10;
        var order = new List<int>();
        IEnumerator<IAwaitable> Worker(int i)
        {
            while (true)
            {
                order.Add(i);
                budgetClock.Advance(TimeSpan.FromMilliseconds(1));
                yield return Co.NextTick;
            }
        }

        for (int i = 0; i < n; i++)
        {
            _loop.Start(Worker(i));
        }

        var ran = new List<int>();
        for (int t = 0; t < 10; t++)
        {
            ran.Add(_loop.Tick(TimeSpan.FromMilliseconds(2.5), budgetClock));
        }

        // Each tick runs exactly three steps; the order is a perfect rotation.
        Assert.That(order, Has.Count.EqualTo(30));
        for (int k = 0; k < order.Count; k++)
        {
            Assert.That(order[k], Is.EqualTo(k % n), "step " + k);
        }

        Assert.That(ran, Has.Count.EqualTo(10).And.All.EqualTo(3), "each tick returns the steps it ran");
    }

    [Test]
    public void Budget_ZeroRunsOneEntry_AndNewWorkQueuesBehindDeferred()
    {
        var budgetClock = new ManualClock();
        IEnumerator<IAwaitable> Worker(string name, bool spawn)
        {
            Log(name);
            if (spawn)
            {
                _loop.Start(Worker(name + "+", false));
            }

            yield break;
        }

        _loop.Start(Worker("a", true));
        _loop.Start(Worker("b", false));
        _loop.Start(Worker("c", false));
        Assert.That(_loop.Tick(TimeSpan.Zero, budgetClock), Is.EqualTo(1));
        _loop.CallSoon(() => Log("soon"));
        Assert.That(_loop.Tick(TimeSpan.Zero, budgetClock), Is.EqualTo(1));
        Assert.That(_loop.Tick(TimeSpan.Zero, budgetClock), Is.EqualTo(1));
        Assert.That(_loop.Tick(TimeSpan.Zero, budgetClock), Is.EqualTo(1));
        Assert.That(_loop.Tick(TimeSpan.Zero, budgetClock), Is.EqualTo(1));
        Assert.That(_loop.HasReadyWork, Is.False, "nothing was deferred");
        Assert.That(_loop.Tick(TimeSpan.Zero, budgetClock), Is.EqualTo(0));
        Assert.That(_log, Is.EqualTo(new[] { "a@1", "b@2", "c@3", "a+@4", "soon@5" }));
    }

    [Test]
    public void Budget_DueTimersQueueBehindDeferredWork()
    {
        var budgetClock = new ManualClock();
        IEnumerator<IAwaitable> Worker(string name)
        {
            Log(name);
            budgetClock.Advance(TimeSpan.FromMilliseconds(10));
            yield break;
        }

        _loop.Start(Worker("a"));
        _loop.Start(Worker("b"));
        _loop.CallLater(1.0, () => Log("timer"));
        Assert.That(_loop.Tick(TimeSpan.FromMilliseconds(5), budgetClock), Is.EqualTo(1));
        _clock.Advance(1.0);
        Assert.That(_loop.Tick(TimeSpan.FromMilliseconds(5), budgetClock), Is.EqualTo(1), "b; the timer is deferred");
        Assert.That(_loop.Tick(TimeSpan.FromMilliseconds(5), budgetClock), Is.EqualTo(1), "the timer's callback");
        Assert.That(_loop.Tick(TimeSpan.FromMilliseconds(5), budgetClock), Is.EqualTo(0));
        Assert.That(_log, Is.EqualTo(new[] { "a@1", "b@2", "timer@3" }));
    }

    [Test]
    public void Budget_NegativeBudgetIsRejected()
    {
        Assert.That(() => _loop.Tick(TimeSpan.FromTicks(-1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
