using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// <see cref="EventLoop.Tick(Duration, IClock)"/>, the frame budget (issue 6; EventLoop.GameLoop.cs, docs/design.md "Frame
/// budget"): ready work runs FIFO until the step that spends the budget; the rest stays at the front of the ready queue.
/// The budget is measured by the <see cref="ManualClock"/> passed as the tick's timer, which the steps advance, so every
/// count here is exact; without a timer it is real elapsed time.
/// </summary>
[TestFixture]
public class FrameBudgetTests
{
    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromTicks(milliseconds * TimeSpan.TicksPerMillisecond);

    /// <summary>Spends <paramref name="cost"/> of clock time and logs, once per tick, <paramref name="steps"/> times.</summary>
    private static IEnumerator<IAwaitable> Spin(ManualClock clock, List<string> log, string name, int steps, int cost = 1)
    {
        for (int i = 0; i < steps; i++)
        {
            clock.Advance(Ms(cost));
            log.Add(steps == 1 ? name : $"{name}{i}");
            yield return Co.NextTick;
        }
    }

    private static List<string> StartSpinners(TestLoop t, int steps, params string[] names)
    {
        var log = new List<string>();
        foreach (string name in names)
        {
            t.Loop.Start(Spin(t.Clock, log, name, steps), name);
        }

        return log;
    }

    [Test]
    public void TickWithBudget_ThreeMsBudget_OneMsSteps_RunsExactlyThreeEntries_AndReturnsTheStepsItRan()
    {
        // The step that reaches the budget is the last one: 1 + 1 + 1 >= 3. A ">" instead of ">=" would run four, a budget
        // counted in entries or ignored would run all five.
        var t = new TestLoop();
        List<string> log = StartSpinners(t, 1, "A", "B", "C", "D", "E");

        int ran = t.Loop.Tick(Ms(3), t.Clock);

        Assert.That(log, Is.EqualTo(new[] { "A", "B", "C" }));
        Assert.That(ran, Is.EqualTo(3));
        Assert.That(t.Loop.HasReadyWork, Is.True, "the deferred entries are still ready");
        Assert.That(t.Loop.TickCount, Is.EqualTo(1));
    }

    [Test]
    public void TickWithBudget_TimeIsReadAfterEachStep_StepsOfTwoMsUnderAThreeMsBudget_RunTwo()
    {
        var t = new TestLoop();
        var log = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            t.Loop.Start(Spin(t.Clock, log, "T" + i, 1, cost: 2));
        }

        Assert.That(t.Loop.Tick(Ms(3), t.Clock), Is.EqualTo(2));
        Assert.That(log, Is.EqualTo(new[] { "T0", "T1" }));
    }

    [Test]
    public void TickWithBudget_StepsThatTakeNoTime_AllRun_AndNothingIsDeferred()
    {
        // The budget is time, not a count of entries.
        var t = new TestLoop();
        var log = new List<string>();
        for (int i = 0; i < 100; i++)
        {
            t.Loop.Start(Spin(t.Clock, log, "T" + i, 1, cost: 0));
        }

        Assert.That(t.Loop.Tick(Ms(1), t.Clock), Is.EqualTo(100));
        Assert.That(log, Has.Count.EqualTo(100));
        Assert.That(t.Loop.HasReadyWork, Is.True, "each yielded NextTick");
        t.Tick();
        Assert.That(t.Loop.HasReadyWork, Is.False);
    }

    [Test]
    public void TickWithBudget_DeferredEntriesRunFirstAtTheNextTick_AheadOfNextTickYieldsTimersAndHandOvers()
    {
        // The deferred entries stay at the FRONT of the ready queue. Then come, as R1 says, what became ready during the
        // tick (the NextTick yields), the timers due at the next tick, and the hand-overs.
        var t = new TestLoop();
        List<string> log = StartSpinners(t, 2, "A", "B", "C", "D", "E");
        t.Loop.CallLater(Ms(2), () => log.Add("timer"));

        Assert.That(t.Loop.Tick(Ms(3), t.Clock), Is.EqualTo(3));
        Assert.That(log, Is.EqualTo(new[] { "A0", "B0", "C0" }));
        t.Loop.Post(() => log.Add("posted"));
        Assert.That(t.Clock.Now, Is.EqualTo(Ms(3)), "the timer is due at the next tick");

        Assert.That(t.Loop.Tick(Ms(100), t.Clock), Is.EqualTo(7), "five task steps, the timer's callback and the hand-over");
        Assert.That(log, Is.EqualTo(new[] { "A0", "B0", "C0", "D0", "E0", "A1", "B1", "C1", "timer", "posted" }));
    }

    [Test]
    public void TickWithBudget_RoundRobins_OverSeveralTicks()
    {
        // Five tasks that step forever, two steps per tick: the queue rotates, the oldest waiting first.
        var t = new TestLoop();
        List<string> log = StartSpinners(t, 100, "A", "B", "C", "D", "E");

        for (int i = 0; i < 5; i++)
        {
            Assert.That(t.Loop.Tick(Ms(2), t.Clock), Is.EqualTo(2));
        }

        Assert.That(log, Is.EqualTo(new[] { "A0", "B0", "C0", "D0", "E0", "A1", "B1", "C1", "D1", "E1" }));
    }

    [TestCase(10, 3)]
    [TestCase(25, 4)]
    [TestCase(7, 7)]
    [TestCase(6, 1)]
    [TestCase(3, 5)]
    public void TickWithBudget_NoTaskWaitsMoreThanCeilNOverKTicks_BetweenTwoOfItsSteps(int n, int k)
    {
        // Fairness: N tasks that each spend 1 ms per step and a k ms budget (k steps per tick). A deferral to the back of
        // the queue would starve the tail for ever; the bound ceil(N/k) is what "oldest first" gives.
        var t = new TestLoop();
        var fairness = new Fairness(t);
        for (int i = 0; i < n; i++)
        {
            fairness.StartSpinner();
        }

        for (int tick = 0; tick < 300; tick++)
        {
            int ready = fairness.Count;
            int ran = fairness.TotalSteps;
            int steps = t.Loop.Tick(Ms(k), t.Clock);
            Assert.That(fairness.TotalSteps - ran, Is.EqualTo(Math.Min(k, ready)), $"tick {tick}: k steps per tick");
            Assert.That(steps, Is.EqualTo(Math.Min(k, ready)), $"tick {tick}: the steps it ran");
            Assert.That(t.Loop.HasReadyWork, Is.True, $"tick {tick}: the deferred and the next steps");
        }

        fairness.AssertBound(k);
        Assert.That(fairness.MaxGap, Is.EqualTo(Ceil(n, k)), "the bound is tight for a full rotation");
    }

    [TestCase(4, 3)]
    [TestCase(1, 2)]
    [TestCase(10, 1)]
    public void TickWithBudget_NoTaskWaitsMoreThanCeilNOverKTicks_WhileNewTasksStartDuringTheRun(int initial, int k)
    {
        // The same bound while the queue grows: tasks started from inside steps and from the host between ticks; N is the
        // number of tasks when the waiting task steps again.
        var t = new TestLoop();
        var fairness = new Fairness(t) { SpawnEvery = 5, MaxTasks = 40 };
        for (int i = 0; i < initial; i++)
        {
            fairness.StartSpinner();
        }

        for (int tick = 0; tick < 400; tick++)
        {
            if (tick % 7 == 3 && fairness.Count < fairness.MaxTasks)
            {
                fairness.StartSpinner();
            }

            t.Loop.Tick(Ms(k), t.Clock);
        }

        Assert.That(fairness.Count, Is.EqualTo(fairness.MaxTasks), "the test grew the queue");
        fairness.AssertBound(k);
    }

    [Test]
    public void TickWithBudget_Zero_RunsExactlyOneEntryPerTick()
    {
        var t = new TestLoop();
        List<string> log = StartSpinners(t, 1, "A", "B", "C");

        Assert.That(t.Loop.Tick(TimeSpan.Zero), Is.EqualTo(1));
        Assert.That(log, Is.EqualTo(new[] { "A" }));
        Assert.That(t.Loop.Tick(0), Is.EqualTo(1), "B ran; C and A's end are left");
        Assert.That(log, Is.EqualTo(new[] { "A", "B" }));
    }

    [Test]
    public void TickWithBudget_AFirstStepThatOverrunsTheBudget_StillRuns()
    {
        // At least one entry runs per tick, or a step longer than the budget would block the loop for ever.
        var t = new TestLoop();
        var log = new List<string>();
        t.Loop.Start(Spin(t.Clock, log, "slow", 1, cost: 50));
        t.Loop.Start(Spin(t.Clock, log, "next", 1));

        Assert.That(t.Loop.Tick(Ms(3), t.Clock), Is.EqualTo(1));
        Assert.That(log, Is.EqualTo(new[] { "slow" }));
    }

    [Test]
    public void TickWithBudget_WithoutATimer_MeasuresRealTime_NotTheLoopsManualClock()
    {
        // The default timer is real elapsed time: steps that move the loop's manual clock by an hour each do not spend a
        // 30 s budget (a game that advances its clock once per frame still gets a real budget).
        var t = new TestLoop();
        var log = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            t.Loop.Start(Spin(t.Clock, log, "T" + i, 1, cost: 3_600_000));
        }

        Assert.That(t.Loop.Tick(TimeSpan.FromSeconds(30)), Is.EqualTo(5));
        Assert.That(log, Has.Count.EqualTo(5));
    }

    [Test]
    public void TickWithBudget_Negative_ThrowsArgumentOutOfRange_AndRunsNothing()
    {
        var t = new TestLoop();
        List<string> log = StartSpinners(t, 1, "A");

        Assert.That(() => t.Loop.Tick(TimeSpan.FromTicks(-1)), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property("ParamName").EqualTo("budget"));
        Assert.That(() => t.Loop.Tick(TimeSpan.MinValue), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => t.Loop.Tick(-0.001), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property("ParamName").EqualTo("budget").And.Property("ActualValue").EqualTo(-0.001));
        Assert.That(() => t.Loop.Tick(double.NaN), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property("ParamName").EqualTo("budget"));
        Assert.That(() => t.Loop.Tick(double.PositiveInfinity), Throws.TypeOf<ArgumentOutOfRangeException>());

        Assert.That(log, Is.Empty);
        Assert.That(t.Loop.TickCount, Is.Zero);
        Assert.That(t.Loop.HasReadyWork, Is.True);
        Assert.That(t.Loop.Tick(TimeSpan.Zero), Is.EqualTo(1));
        Assert.That(log, Is.EqualTo(new[] { "A" }));
    }

    [Test]
    public void TickWithBudget_AStepThatThrows_FaultsOnlyThatTask_AndTheBudgetGoesOn()
    {
        // R21 under a budget: the thrower's time counts, the others run or are deferred exactly as without the failure.
        var t = new TestLoop();
        var log = new List<string>();
        var error = new InvalidOperationException("boom");
        t.Loop.Start(Spin(t.Clock, log, "A", 2));
        LoopTask thrower = t.Loop.Start(Throw(), "thrower");
        t.Loop.Start(Spin(t.Clock, log, "C", 2));
        t.Loop.Start(Spin(t.Clock, log, "D", 2));
        t.Loop.Start(Spin(t.Clock, log, "E", 2));

        Assert.That(t.Loop.Tick(Ms(3), t.Clock), Is.EqualTo(3), "the thrower's step counts");

        Assert.That(log, Is.EqualTo(new[] { "A0", "C0" }));
        Assert.That(thrower.IsFaulted, Is.True);
        Assert.That(thrower.Exception, Is.SameAs(error));
        Assert.That(t.Unhandled, Is.EqualTo(new[] { error }), "R23: reported at the end of the tick in which it faulted");

        Assert.That(t.Loop.Tick(Ms(3), t.Clock), Is.EqualTo(3));
        Assert.That(log, Is.EqualTo(new[] { "A0", "C0", "D0", "E0", "A1" }));
        Assert.That(t.Unhandled, Has.Count.EqualTo(1));

        IEnumerator<IAwaitable> Throw()
        {
            t.Clock.Advance(Ms(1));
            if (error is not null)
            {
                throw error;
            }

            yield break;
        }
    }

    [Test]
    public void TickWithBudget_ATaskThatCancelsItself_IsDisposedInThatTick_AndTheDeferredEntriesAreUntouched()
    {
        // R33 under a budget, and R6: a cancel inside a budgeted step neither skips nor doubles a deferred entry.
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask? self = null;
        t.Loop.Start(Spin(t.Clock, log, "A", 2));
        self = t.Loop.Start(Body(), "self-canceller");
        t.Loop.Start(Spin(t.Clock, log, "C", 2));
        t.Loop.Start(Spin(t.Clock, log, "D", 2));

        Assert.That(t.Loop.Tick(Ms(2), t.Clock), Is.EqualTo(2));
        Assert.That(log, Is.EqualTo(new[] { "A0", "self", "self finally" }));
        Assert.That(self.IsCancelled, Is.True);

        Assert.That(t.Loop.Tick(Ms(100), t.Clock), Is.EqualTo(3));
        Assert.That(log[3..], Is.EqualTo(new[] { "C0", "D0", "A1" }));

        IEnumerator<IAwaitable> Body()
        {
            try
            {
                t.Clock.Advance(Ms(1));
                log.Add("self");
                self!.Cancel();
                yield return Co.NextTick;
                log.Add("never");
            }
            finally
            {
                log.Add("self finally");
            }
        }
    }

    [Test]
    public void Tick_FromInsideAStep_ThrowsInvalidOperation_WithOrWithoutABudget_AndTheLoopKeepsWorking()
    {
        // R5: a budgeted tick is a tick; neither form may nest in the other.
        var t = new TestLoop();
        var errors = new List<Exception>();
        var log = new List<string>();
        var phase = new LoopPhase(t.Loop, "FixedUpdate");
        t.Loop.Start(Nest(), "nester");
        t.Loop.Start(Spin(t.Clock, log, "other", 2));

        t.Loop.Tick(Ms(100), t.Clock);   // budgeted outer tick: Nest tries both forms
        t.Loop.Tick();           // plain outer tick: Nest tries both forms again
        phase.Run();             // phase run: both forms once more

        Assert.That(errors, Has.Count.EqualTo(6));
        Assert.That(errors, Has.All.TypeOf<InvalidOperationException>());
        Assert.That(errors[0].Message, Is.EqualTo(
            "Tick cannot be called from inside a step or callback of the same loop ('test-loop'): the loop is already " +
            "running it. Yield from the coroutine instead; the loop resumes it on a later tick."));
        Assert.That(log, Is.EqualTo(new[] { "other0", "other1", "nested done" }));
        Assert.That(t.Loop.TickCount, Is.EqualTo(2), "the refused calls ran no tick");
        Assert.That(t.Unhandled, Is.Empty);

        IEnumerator<IAwaitable> Nest()
        {
            TryTicks();
            yield return Co.NextTick;
            TryTicks();
            yield return phase;
            TryTicks();
            log.Add("nested done");
        }

        void TryTicks()
        {
            foreach (Action tick in new Action[] { () => t.Loop.Tick(Ms(5), t.Clock), () => t.Loop.Tick() })
            {
                try
                {
                    tick();
                }
                catch (InvalidOperationException ex)
                {
                    errors.Add(ex);
                }
            }
        }
    }

    [Test]
    public void PlainTick_AfterABudgetedOne_RunsEverythingThatWasDeferred_ThenWhatBecameReadySince()
    {
        var t = new TestLoop();
        List<string> log = StartSpinners(t, 2, "A", "B", "C", "D", "E", "F");
        Assert.That(t.Loop.Tick(Ms(2), t.Clock), Is.EqualTo(2));

        Assert.That(t.Loop.Tick(), Is.EqualTo(6), "the four deferred steps, then A's and B's second");

        Assert.That(log, Is.EqualTo(new[] { "A0", "B0", "C0", "D0", "E0", "F0", "A1", "B1" }));
        t.Tick();
        Assert.That(log, Has.Count.EqualTo(12));
        Assert.That(log[8..], Is.EqualTo(new[] { "C1", "D1", "E1", "F1" }));
    }

    [Test]
    public void HasReadyWork_IsTrueWhileDeferredWorkRemains_AndFalseOnceAllRan()
    {
        var t = new TestLoop();
        Assert.That(t.Loop.HasReadyWork, Is.False, "a new loop has nothing to do");
        List<string> log = StartSpinners(t, 1, "A", "B", "C", "D");

        Assert.That(t.Loop.HasReadyWork, Is.True);
        t.Loop.Tick(Ms(1), t.Clock);
        Assert.That(t.Loop.HasReadyWork, Is.True);
        t.Loop.Tick(Ms(2), t.Clock);
        Assert.That(t.Loop.HasReadyWork, Is.True, "D and the ends of A, B, C are ready");
        Assert.That(t.Loop.Tick(Ms(100), t.Clock), Is.EqualTo(4), "D, then the ends of A, B and C");
        Assert.That(log, Is.EqualTo(new[] { "A", "B", "C", "D" }));
        Assert.That(t.Loop.HasReadyWork, Is.True, "D's end");
        t.Tick();
        Assert.That(t.Loop.HasReadyWork, Is.False);
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
    }

    [Test]
    public void HasReadyWork_CountsHandOvers_ButNotTimers_WhichNextWakeTimeReports()
    {
        var t = new TestLoop();
        Assert.That(t.Loop.NextWakeTime, Is.Null, "no timer");
        t.Loop.CallLater(Ms(10), () => { });

        Assert.That(t.Loop.HasReadyWork, Is.False, "a pending timer is not ready work");
        Assert.That(t.Loop.NextWakeTime, Is.EqualTo(Ms(10)), "the earliest timer's time");
        t.Loop.Post(() => { });
        Assert.That(t.Loop.HasReadyWork, Is.True, "a hand-over is");
        t.Clock.Advance(Ms(10));
        t.Tick();
        Assert.That(t.Loop.HasReadyWork, Is.False);
        Assert.That(t.Loop.NextWakeTime, Is.Null);
    }

    [Test]
    public void TickWithBudget_BudgetsCallbacksLikeTasks_InOneFifoQueue()
    {
        // CallSoon callbacks are ready entries like task steps: they spend the budget and are deferred the same way.
        var t = new TestLoop();
        var log = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            string name = "cb" + i;
            t.Loop.CallSoon(() =>
            {
                t.Clock.Advance(Ms(1));
                log.Add(name);
                if (name == "cb0")
                {
                    t.Loop.CallSoon(() => log.Add("scheduled during the tick"));
                }
            });
            t.Loop.Start(Spin(t.Clock, log, "task" + i, 1));
        }

        Assert.That(t.Loop.Tick(Ms(3), t.Clock), Is.EqualTo(3));
        Assert.That(log, Is.EqualTo(new[] { "cb0", "task0", "cb1" }));

        Assert.That(t.Loop.Tick(Ms(2), t.Clock), Is.EqualTo(2));
        Assert.That(log[3..], Is.EqualTo(new[] { "task1", "cb2" }));

        Assert.That(t.Loop.Tick(Ms(100), t.Clock), Is.EqualTo(4), "task2, the callback, the ends of task0 and task1");
        Assert.That(log[5..], Is.EqualTo(new[] { "task2", "scheduled during the tick" }));
    }

    private static int Ceil(int n, int k) => (n + k - 1) / k;

    /// <summary>
    /// Tasks that spend 1 ms per step and record, per step, the tick it ran in and how many tasks existed then. A task
    /// with <see cref="SpawnEvery"/> set starts a new task every that many of its own steps.
    /// </summary>
    private sealed class Fairness
    {
        private readonly TestLoop _t;
        private readonly List<List<(long Tick, int Tasks)>> _steps = new();

        public Fairness(TestLoop t) => _t = t;

        public int SpawnEvery { get; init; }

        public int MaxTasks { get; init; } = int.MaxValue;

        public int Count => _steps.Count;

        public int TotalSteps { get; private set; }

        public long MaxGap { get; private set; }

        public void StartSpinner()
        {
            var steps = new List<(long Tick, int Tasks)>();
            _steps.Add(steps);
            // The spawn counts as a "step" at the last tick that ran: the first real step must come within the bound too.
            steps.Add((_t.Loop.TickCount, Count));
            _t.Loop.Start(Run(steps, Count - 1), "spinner" + (Count - 1));
        }

        public void AssertBound(int k)
        {
            for (int id = 0; id < _steps.Count; id++)
            {
                List<(long Tick, int Tasks)> steps = _steps[id];
                Assert.That(steps, Has.Count.GreaterThan(2), $"task {id} stepped");
                for (int i = 1; i < steps.Count; i++)
                {
                    long gap = steps[i].Tick - steps[i - 1].Tick;
                    MaxGap = Math.Max(MaxGap, gap);
                    Assert.That(gap, Is.InRange(1, Ceil(steps[i].Tasks, k)),
                        $"task {id}, step {i}: waited {gap} ticks with {steps[i].Tasks} tasks and {k} steps per tick");
                }
            }
        }

        private IEnumerator<IAwaitable> Run(List<(long Tick, int Tasks)> steps, int id)
        {
            for (int n = 1; ; n++)
            {
                _t.Clock.Advance(Ms(1));
                steps.Add((_t.Loop.TickCount, Count));
                TotalSteps++;
                if (SpawnEvery > 0 && id % 2 == 0 && n % SpawnEvery == 0 && Count < MaxTasks)
                {
                    StartSpinner();
                }

                yield return Co.NextTick;
            }
        }
    }
}
