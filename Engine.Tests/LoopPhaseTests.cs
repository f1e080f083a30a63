using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// <see cref="LoopPhase"/> (issue 6): one-shot waits that the host runs at its chosen points of the frame. Each test names
/// the rule it pins; the phase rules are those of the <see cref="LoopPhase"/> remarks and docs/design.md ("Phases"),
/// which carry R1, R3, R4, R5, R30 and R61 over from ticks to phase runs.
/// </summary>
[TestFixture]
public class LoopPhaseTests
{
    /// <summary>
    /// A host frame as a game engine runs it: <c>fixed.Run(); loop.Tick(); late.Run(); end.Run();</c>. <see cref="Where"/>
    /// names the call in progress ("3.fixed" is the fixed phase of frame 3), so a coroutine can log where it resumed.
    /// </summary>
    private sealed class HostFrame
    {
        public HostFrame(TestLoop t)
        {
            Loop = t.Loop;
            Fixed = new LoopPhase(t.Loop, "FixedUpdate");
            Late = new LoopPhase(t.Loop, "LateUpdate");
            End = new LoopPhase(t.Loop, "EndOfFrame");
        }

        public EventLoop Loop { get; }

        public LoopPhase Fixed { get; }

        public LoopPhase Late { get; }

        public LoopPhase End { get; }

        public int Number { get; private set; }

        public string Where { get; private set; } = "outside";

        /// <summary>What each call of the last frame returned: fixed, late and end-of-frame step counts.</summary>
        public (int Fixed, int Late, int End) Stepped { get; private set; }

        public void Run()
        {
            Number++;
            Where = $"{Number}.fixed";
            int f = Fixed.Run();
            Where = $"{Number}.tick";
            Loop.Tick();
            Where = $"{Number}.late";
            int l = Late.Run();
            Where = $"{Number}.end";
            int e = End.Run();
            Where = "outside";
            Stepped = (f, l, e);
        }
    }

    private static IEnumerator<IAwaitable> WaitThenLog(IAwaitable wait, List<string> log, string name)
    {
        yield return wait;
        log.Add(name);
    }

    private static IEnumerator<IAwaitable> TicksThenPhase(int ticks, LoopPhase phase, List<string> log, string name)
    {
        for (int i = 0; i < ticks; i++)
        {
            yield return Co.NextTick;
        }

        yield return phase;
        log.Add(name);
    }

    /// <summary>A "fixed-update coroutine": yields the phase each time round its loop.</summary>
    private static IEnumerator<IAwaitable> EveryRun(LoopPhase phase, List<string> log, string name)
    {
        for (int i = 0; ; i++)
        {
            yield return phase;
            log.Add($"{name}{i}");
        }
    }

    private static IEnumerator<IAwaitable> PhaseThenLogWithFinally(LoopPhase phase, List<string> log, string name)
    {
        try
        {
            yield return phase;
            log.Add(name);
        }
        finally
        {
            log.Add(name + " finally");
        }
    }

    private static IEnumerator<IAwaitable> PhaseThenThrow(LoopPhase phase, Exception error)
    {
        yield return phase;
        throw error;
    }

    // ---- order within a frame --------------------------------------------------------------------------------------

    [Test]
    public void Coroutine_SwitchingPhasesMidway_ResumesInExactlyTheRightCallsOfTheFrame()
    {
        // One-shot waits: each yield parks until exactly the call it names, and the next wait is ordinary again. A phase
        // that kept the task (not one-shot), a phase run that also ran ready work, or a tick that woke phase waiters
        // would each move an entry of this log.
        var t = new TestLoop();
        var frame = new HostFrame(t);
        var log = new List<string>();
        LoopTask task = t.Loop.Start(Switcher(frame, log), "switcher");

        for (int i = 0; i < 5; i++)
        {
            frame.Run();
        }

        Assert.That(log, Is.EqualTo(new[]
        {
            "start@1.tick",
            "fixed@2.fixed",
            "late@2.late",
            "next tick@3.tick",
            "fixed again@4.fixed",
            "end@4.end",
        }));
        Assert.That(task.IsSucceeded, Is.True);

        static IEnumerator<IAwaitable> Switcher(HostFrame f, List<string> log)
        {
            log.Add("start@" + f.Where);
            yield return f.Fixed;
            log.Add("fixed@" + f.Where);
            yield return f.Late;
            log.Add("late@" + f.Where);
            yield return Co.NextTick;
            log.Add("next tick@" + f.Where);
            yield return f.Fixed;
            log.Add("fixed again@" + f.Where);
            yield return f.End;
            log.Add("end@" + f.Where);
        }
    }

    [Test]
    public void Run_StepsParkedTasksInTheOrderTheyParked_NotTheOrderTheyStarted()
    {
        // R3 for phases: FIFO by park time. C parks in tick 1, A in tick 2, B in tick 3; a phase that ran in start order
        // (or LIFO) would log differently.
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "FixedUpdate");
        var log = new List<string>();
        t.Loop.Start(TicksThenPhase(1, phase, log, "A"));
        t.Loop.Start(TicksThenPhase(2, phase, log, "B"));
        t.Loop.Start(TicksThenPhase(0, phase, log, "C"));
        t.Tick(3);
        Assert.That(phase.WaitingCount, Is.EqualTo(3));

        Assert.That(phase.Run(), Is.EqualTo(3));

        Assert.That(log, Is.EqualTo(new[] { "C", "A", "B" }));
        Assert.That(phase.WaitingCount, Is.Zero);
    }

    [Test]
    public void Run_AFixedUpdateCoroutineThatYieldsThePhaseInALoop_StepsOncePerRun_NotForever()
    {
        // A task that parks on the phase during its run waits for the next run (R1 for phases). Without that rule the
        // first Run would never return; with a run that missed re-parked tasks, the second Run would step nothing.
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "FixedUpdate");
        var log = new List<string>();
        t.Loop.Start(EveryRun(phase, log, "physics"));
        t.Tick();

        Assert.That(phase.Run(), Is.EqualTo(1));
        Assert.That(log, Is.EqualTo(new[] { "physics0" }));
        Assert.That(phase.WaitingCount, Is.EqualTo(1), "it parked again, for the next run");

        Assert.That(phase.Run(), Is.EqualTo(1));
        Assert.That(phase.Run(), Is.EqualTo(1));
        t.Tick(3);   // ticks do not step a phase waiter
        Assert.That(log, Is.EqualTo(new[] { "physics0", "physics1", "physics2" }));
        Assert.That(phase.RunCount, Is.EqualTo(3));
    }

    [Test]
    public void Run_WithNothingParked_ReturnsZero_AndCountsTheRun()
    {
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "LateUpdate");

        Assert.That(phase.Run(), Is.Zero);
        Assert.That(phase.Run(), Is.Zero);

        Assert.That(phase.RunCount, Is.EqualTo(2));
        Assert.That(phase.WaitingCount, Is.Zero);
        Assert.That(phase.Name, Is.EqualTo("LateUpdate"));
        Assert.That(phase.Loop, Is.SameAs(t.Loop));
        Assert.That(phase.ToString(), Is.EqualTo("LoopPhase 'LateUpdate' (waiting: 0)"));
    }

    [Test]
    public void Run_WorkItMakesReady_RunsAtTheNextTick_NotInTheSameRun()
    {
        // R1/R4 for phases: a future completed, a task started and a callback scheduled by a phase step only queue work;
        // it runs at the next Tick, in the order it was made ready.
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "FixedUpdate");
        var log = new List<string>();
        var source = new FutureSource(t.Loop);
        t.Loop.Start(WaitThenLog(source.Future, log, "waiter"));
        t.Loop.Start(Completer());
        t.Loop.Start(WaitThenLog(phase, log, "second phase task"));
        t.Tick();
        Assert.That(log, Is.Empty);

        Assert.That(phase.Run(), Is.EqualTo(2));
        Assert.That(log, Is.EqualTo(new[] { "completer", "second phase task" }), "nothing the run made ready ran in it");
        Assert.That(t.Loop.HasReadyWork, Is.True);

        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "completer", "second phase task", "waiter", "child", "callback" }));

        IEnumerator<IAwaitable> Completer()
        {
            yield return phase;
            log.Add("completer");
            source.SetResult();
            t.Loop.Start(Child());
            t.Loop.CallSoon(() => log.Add("callback"));
        }

        IEnumerator<IAwaitable> Child()
        {
            log.Add("child");
            yield break;
        }
    }

    // ---- failures ----------------------------------------------------------------------------------------------------

    [Test]
    public void Run_ATaskThatThrows_Faults_ItsWaiterGetsTheSameException_AndTheOtherPhaseTasksStillRun()
    {
        // R21/R22 in a phase run: the run faults that task and goes on with the next.
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "FixedUpdate");
        var log = new List<string>();
        var error = new InvalidOperationException("boom in fixed update");
        t.Loop.Start(WaitThenLog(phase, log, "before"));
        LoopTask thrower = t.Loop.Start(PhaseThenThrow(phase, error), "thrower");
        t.Loop.Start(WaitThenLog(phase, log, "after"));
        Exception? seen = null;
        LoopTask waiter = t.Loop.Start(Waiter());
        t.Tick();

        Assert.That(phase.Run(), Is.EqualTo(3));

        Assert.That(log, Is.EqualTo(new[] { "before", "after" }));
        Assert.That(thrower.IsFaulted, Is.True);
        Assert.That(thrower.Exception, Is.SameAs(error));
        Assert.That(t.Unhandled, Is.Empty, "R23: the thrower's failure was observed by its waiter");
        t.Tick();
        Assert.That(waiter.IsFaulted, Is.True);
        Assert.That(waiter.Exception, Is.SameAs(error), "the waiter faults with the same object (R22)");
        Assert.That(seen, Is.Null, "the waiter did not resume normally");
        Assert.That(t.Unhandled, Is.EqualTo(new[] { error }), "R23: the waiter's own failure is unobserved: reported once");

        IEnumerator<IAwaitable> Waiter()
        {
            yield return thrower;
            seen = new InvalidOperationException("resumed");
        }
    }

    [Test]
    public void Run_AnUnobservedFailureInAPhaseStep_ReachesTheUnhandledHandlerOnce()
    {
        // R23: no failure is lost; a phase run ends like a tick, reporting what faulted in it.
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "FixedUpdate");
        var log = new List<string>();
        var error = new InvalidOperationException("nobody waits for me");
        t.Loop.Start(PhaseThenThrow(phase, error), "lonely");
        t.Loop.Start(WaitThenLog(phase, log, "other"));
        t.Tick();

        phase.Run();
        t.Tick(3);
        phase.Run();

        Assert.That(log, Is.EqualTo(new[] { "other" }));
        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(t.Unhandled[0], Is.SameAs(error));
    }

    // ---- cancellation ----------------------------------------------------------------------------------------------

    [Test]
    public void Cancel_ATaskParkedOnAPhase_LeavesAtOnce_RunDoesNotStepIt_AndItsFinallyRunsAtTheNextTick()
    {
        // The phase rule "a cancelled task leaves the phase at once", with R30: the task is disposed at its turn, which
        // is the next Tick (a phase run is not that turn), and stays pending until then.
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "FixedUpdate");
        var log = new List<string>();
        t.Loop.Start(PhaseThenLogWithFinally(phase, log, "A"));
        LoopTask b = t.Loop.Start(PhaseThenLogWithFinally(phase, log, "B"));
        t.Loop.Start(PhaseThenLogWithFinally(phase, log, "C"));
        t.Tick();
        Assert.That(phase.WaitingCount, Is.EqualTo(3));

        Assert.That(b.Cancel(), Is.True);
        Assert.That(phase.WaitingCount, Is.EqualTo(2), "it left the phase at once");

        Assert.That(phase.Run(), Is.EqualTo(2));
        Assert.That(log, Is.EqualTo(new[] { "A", "A finally", "C", "C finally" }));
        Assert.That(b.IsCompleted, Is.False, "R30: pending until its turn");

        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "A", "A finally", "C", "C finally", "B finally" }));
        Assert.That(b.IsCancelled, Is.True);
        Assert.That(phase.Run(), Is.Zero, "the stale entry is never stepped");
        Assert.That(log, Has.Count.EqualTo(5));
    }

    [Test]
    public void Run_ATaskThatCancelsItselfInAPhaseStep_StopsAtItsNextYield_AndIsDisposedInThatRun()
    {
        // R33 in a phase run: what it yields next is not awaited (the sleep never starts), and it ends cancelled at once.
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "FixedUpdate");
        var log = new List<string>();
        LoopTask? self = null;
        self = t.Loop.Start(Body(), "self-canceller");
        t.Loop.Start(WaitThenLog(phase, log, "next in the run"));
        t.Tick();

        Assert.That(phase.Run(), Is.EqualTo(2));

        Assert.That(log, Is.EqualTo(new[] { "stepped", "finally", "next in the run" }));
        Assert.That(self.IsCancelled, Is.True);
        Assert.That(self.Cancel(), Is.False, "a second cancel is a no-op");
        Assert.That(t.Loop.PendingTimerCount, Is.Zero, "the yielded sleep never started");
        t.Tick();
        Assert.That(log, Has.Count.EqualTo(3));

        IEnumerator<IAwaitable> Body()
        {
            try
            {
                yield return phase;
                log.Add("stepped");
                self!.Cancel();
                yield return Co.Sleep(1.0);
                log.Add("never");
            }
            finally
            {
                log.Add("finally");
            }
        }
    }

    [Test]
    public void Close_WithTasksParkedOnAPhase_CancelsThem_AndRunAfterCloseThrowsObjectDisposed()
    {
        // R36: closing cancels every pending task (phase waiters included); every other use of the closed loop throws.
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "FixedUpdate");
        var log = new List<string>();
        LoopTask task = t.Loop.Start(PhaseThenLogWithFinally(phase, log, "A"));
        t.Tick();

        IReadOnlyList<Future> pending = t.Loop.Close();

        Assert.That(pending, Is.EqualTo(new[] { task }));
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "A finally" }));
        Assert.That(phase.WaitingCount, Is.Zero);
        Assert.That(() => phase.Run(), Throws.TypeOf<ObjectDisposedException>()
            .With.Message.Contains("The event loop 'test-loop' is closed; create a new EventLoop to run more work."));
        Assert.That(phase.RunCount, Is.Zero);
    }

    // ---- scopes ------------------------------------------------------------------------------------------------------

    [Test]
    public void Run_ATaskOfAPausedScope_IsHeld_AndResumesAtTheTickAfterScopeResume()
    {
        // The pause rule for phases: a phase-woken task of a paused scope is held like any other wake-up; it is not lost,
        // not stepped while paused, and not stepped by a later phase run either: it steps in the tick after Resume.
        var t = new TestLoop();
        var frame = new HostFrame(t);
        var log = new List<string>();
        var scope = new Scope(t.Loop, "enemies");
        scope.Start(Logger(), "scoped");
        t.Loop.Start(EveryRun(frame.Fixed, log, "free"));
        frame.Run();   // both park on the fixed phase in the tick of frame 1
        scope.Pause();

        frame.Run();
        frame.Run();
        Assert.That(log, Is.EqualTo(new[] { "free0", "free1" }), "the scoped task did not step while paused");

        scope.Resume();
        frame.Run();
        Assert.That(log, Is.EqualTo(new[] { "free0", "free1", "free2", "scoped@4.tick" }));
        frame.Run();
        Assert.That(log, Has.Count.EqualTo(5), "stepped once: held, then resumed; not also by a later phase run");

        IEnumerator<IAwaitable> Logger()
        {
            yield return frame.Fixed;
            log.Add("scoped@" + frame.Where);
        }
    }

    [Test]
    public void Run_ATaskOfAScopePausedAndResumedBeforeTheRun_StepsInThatRun()
    {
        // Pausing alone does not take a task off its phase: resumed before the run, it resumes in the run as usual.
        var t = new TestLoop();
        var frame = new HostFrame(t);
        var log = new List<string>();
        var scope = new Scope(t.Loop, "enemies");
        scope.Start(Logger(), "scoped");
        frame.Run();
        scope.Pause();
        scope.Resume();

        frame.Run();

        Assert.That(log, Is.EqualTo(new[] { "scoped@2.fixed" }));

        IEnumerator<IAwaitable> Logger()
        {
            yield return frame.Fixed;
            log.Add("scoped@" + frame.Where);
        }
    }

    // ---- misuse ------------------------------------------------------------------------------------------------------

    [Test]
    public void Run_FromInsideAStep_ThrowsInvalidOperation_AndTheLoopKeepsWorking()
    {
        // R5: no re-entrant runs, whether from a tick's step, a callback, or another phase's step (the same phase too).
        var t = new TestLoop();
        var frame = new HostFrame(t);
        var log = new List<string>();
        var errors = new List<Exception>();
        t.Loop.Start(WaitThenLog(frame.Fixed, log, "parked before"));
        t.Loop.Start(Misbehave());
        t.Loop.CallSoon(() => TryRun(frame.Fixed));
        t.Tick();   // Misbehave calls Run from a tick step; the callback calls it from a callback

        Assert.That(errors, Has.Count.EqualTo(2));
        frame.Run();   // Misbehave calls Run of its own phase and of another from inside the fixed run

        Assert.That(errors, Has.Count.EqualTo(4));
        Assert.That(errors, Has.All.TypeOf<InvalidOperationException>());
        Assert.That(errors[0].Message, Is.EqualTo(
            "LoopPhase.Run ('FixedUpdate') cannot be called from inside a step or callback of the same loop ('test-loop'): " +
            "the loop is already running it. Yield from the coroutine instead; the loop resumes it on a later tick."));
        Assert.That(errors[3].Message, Does.StartWith("LoopPhase.Run ('LateUpdate') cannot be called from inside a step"));
        Assert.That(log, Is.EqualTo(new[] { "parked before", "misbehave resumed", "misbehave late" }), "the loop kept working");
        Assert.That(frame.Fixed.RunCount, Is.EqualTo(1), "the refused calls did not count as runs");
        Assert.That(frame.Late.RunCount, Is.EqualTo(1));
        Assert.That(t.Unhandled, Is.Empty);

        IEnumerator<IAwaitable> Misbehave()
        {
            TryRun(frame.Fixed);
            yield return frame.Fixed;
            log.Add("misbehave resumed");
            TryRun(frame.Fixed);
            TryRun(frame.Late);
            yield return frame.Late;
            log.Add("misbehave late");
        }

        void TryRun(LoopPhase phase)
        {
            try
            {
                phase.Run();
            }
            catch (InvalidOperationException ex)
            {
                errors.Add(ex);
            }
        }
    }

    [Test]
    public void Run_FromAnotherThread_ThrowsInvalidOperation_AndChangesNothing()
    {
        // R50: phases are loop-only.
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "FixedUpdate");
        var log = new List<string>();
        t.Loop.Start(WaitThenLog(phase, log, "A"));
        t.Tick();
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                phase.Run();
            }
            catch (InvalidOperationException ex)
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();

        Assert.That(error, Is.TypeOf<InvalidOperationException>());
        Assert.That(error!.Message, Does.Contain("Loop-only members run on the loop's thread"));
        Assert.That(phase.RunCount, Is.Zero);
        Assert.That(phase.WaitingCount, Is.EqualTo(1));
        Assert.That(phase.Run(), Is.EqualTo(1));
        Assert.That(log, Is.EqualTo(new[] { "A" }));
    }

    [Test]
    public void Yield_APhaseOfAnotherLoop_FaultsTheTask_WithAMessageNamingThePhaseAndBothLoops()
    {
        // R61 for phases: a task waits only for phases of its own loop.
        var t = new TestLoop();
        var other = new EventLoop(new ManualClock(), "other-loop");
        var foreign = new LoopPhase(other, "FixedUpdate");
        var log = new List<string>();
        LoopTask task = t.Loop.Start(WaitThenLog(foreign, log, "resumed"), "mover");
        LoopTask waiter = t.Loop.Start(WaitThenLog(task, log, "waiter"));
        t.Tick(2);

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(task.Exception!.Message, Is.EqualTo(
            "Coroutine 'mover' yielded phase 'FixedUpdate' of another loop ('other-loop'). A task waits only for phases of its own loop."));
        Assert.That(foreign.WaitingCount, Is.Zero, "it never parked on the foreign phase");
        Assert.That(foreign.Run(), Is.Zero);
        Assert.That(waiter.IsFaulted, Is.True);
        Assert.That(log, Is.Empty);
        other.Close();
    }

    [Test]
    public void New_WithNullLoopOrName_ThrowsArgumentNull()
    {
        var t = new TestLoop();
        Assert.That(() => new LoopPhase(null!, "x"), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("loop"));
        Assert.That(() => new LoopPhase(t.Loop, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("name"));
    }

    // ---- phases are not ticks --------------------------------------------------------------------------------------

    [Test]
    public void Run_FiresNoTimersAndTakesNoHandOvers_OnlyTickDoes()
    {
        // "A phase run fires no timers and takes no hand-overs": a due sleep, a due CallLater and a posted callback all
        // wait for the next Tick, even though the phase runs after the clock passed their time (and its steps see it).
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "FixedUpdate");
        var log = new List<string>();
        TimeSpan timeInPhase = TimeSpan.MinValue;
        t.Loop.Start(WaitThenLog(Co.Sleep(1.0), log, "sleeper"));
        t.Loop.Start(TimeThenLog());
        t.Tick();
        t.Loop.CallLater(TimeSpan.FromSeconds(0.5), () => log.Add("timer callback"));
        t.Loop.Post(() => log.Add("posted"));
        long ticks = t.Loop.TickCount;
        t.Clock.Advance(2.0);

        Assert.That(phase.Run(), Is.EqualTo(1));

        Assert.That(log, Is.EqualTo(new[] { "phase task" }));
        Assert.That(t.Loop.TickCount, Is.EqualTo(ticks), "a phase run is not a tick");
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(2));
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "phase task", "timer callback", "sleeper", "posted" }), "R1: timers by deadline, then hand-overs");
        Assert.That(timeInPhase, Is.EqualTo(TimeSpan.FromSeconds(2)), "a phase run reads the clock like a tick (Time is current)");

        IEnumerator<IAwaitable> TimeThenLog()
        {
            yield return phase;
            timeInPhase = t.Loop.Time;
            log.Add("phase task");
        }
    }

    // ---- many tasks ----------------------------------------------------------------------------------------------------

    [Test]
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded test driver.")]
    public void Run_TenThousandTasksParkedAndCancelledAtRandom_NoTaskRunsTwiceOrIsSkipped()
    {
        // R6 for phases: cancels from outside (between runs) and from inside phase steps (before or after the victim's
        // turn), at 10,000 tasks, with the phase's queue compacting stale entries as it grows. Every task alive when a run
        // begins and not cancelled before its turn steps exactly once in that run; none steps after its cancel; each
        // finally runs once.
        const int Count = 10_000;
        const int Rounds = 12;
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "FixedUpdate");
        var rng = new Random(6_0001);
        var tasks = new LoopTask[Count];
        var cancelledAt = new long[Count];
        var stepsThisRun = new int[Count];
        var finallyRuns = new int[Count];
        var violations = new List<string>();
        long clock = 0;
        bool inRun = false;
        Array.Fill(cancelledAt, long.MaxValue);

        for (int i = 0; i < Count; i++)
        {
            tasks[i] = t.Loop.Start(Body(i));
        }

        t.Tick();   // every task parks on the phase in its first step
        for (int round = 0; round < Rounds; round++)
        {
            for (int n = 0; n < Count / 20; n++)
            {
                CancelFromOutside(rng.Next(Count));
            }

            int alive = CountAlive();
            Assert.That(phase.WaitingCount, Is.EqualTo(alive), $"round {round}: cancelled tasks left the phase at once");
            Array.Clear(stepsThisRun);
            long runStart = ++clock;
            inRun = true;
            int stepped = phase.Run();
            inRun = false;

            Assert.That(stepped, Is.EqualTo(alive), $"round {round}");
            for (int i = 0; i < Count; i++)
            {
                int expected = cancelledAt[i] == long.MaxValue ? 1 : cancelledAt[i] < runStart ? 0 : -1;
                if (stepsThisRun[i] > 1 || (expected >= 0 && stepsThisRun[i] != expected))
                {
                    violations.Add($"round {round}: task {i} stepped {stepsThisRun[i]} times (expected {expected})");
                }
            }

            Assert.That(violations, Is.Empty);
            t.Tick();   // the cancelled tasks' turns
            for (int i = 0; i < Count; i++)
            {
                bool cancelled = cancelledAt[i] != long.MaxValue;
                if (finallyRuns[i] != (cancelled ? 1 : 0) || tasks[i].IsCancelled != cancelled)
                {
                    violations.Add($"round {round}: task {i} cancelled={cancelled}, finally ran {finallyRuns[i]} times, state {tasks[i].State}");
                }
            }

            Assert.That(violations, Is.Empty);
        }

        Assert.That(CountAlive(), Is.GreaterThan(Count / 10), "the test still had live tasks at the end");
        for (int i = 0; i < Count; i++)
        {
            CancelFromOutside(i);
        }

        t.Tick();
        Assert.That(finallyRuns, Is.All.EqualTo(1));
        Assert.That(phase.WaitingCount, Is.Zero);
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
        Assert.That(t.Unhandled, Is.Empty);

        IEnumerator<IAwaitable> Body(int id)
        {
            try
            {
                while (true)
                {
                    yield return phase;
                    clock++;
                    if (clock > cancelledAt[id])
                    {
                        violations.Add($"task {id} stepped after it was cancelled");
                    }

                    stepsThisRun[id]++;
                    if (inRun && rng.Next(40) == 0)
                    {
                        int victim = rng.Next(Count);
                        if (victim != id && tasks[victim].Cancel())
                        {
                            cancelledAt[victim] = ++clock;
                        }
                    }
                }
            }
            finally
            {
                finallyRuns[id]++;
            }
        }

        void CancelFromOutside(int id)
        {
            if (tasks[id].Cancel())
            {
                cancelledAt[id] = ++clock;
            }
        }

        int CountAlive()
        {
            int n = 0;
            foreach (long at in cancelledAt)
            {
                if (at == long.MaxValue)
                {
                    n++;
                }
            }

            return n;
        }
    }
}
