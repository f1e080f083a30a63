using System;
using System.Collections.Generic;
using CsCheck;
using NUnit.Framework;

namespace YieldLoop.Tests.Properties;

/// <summary>
/// Property: Co.Timeout around a task that sleeps for a random time, with a random timeout (zero and negative
/// included), created before or after the task's first step, a finally that may throw when cancelled, random clock
/// steps and a random cancel from outside (of the timeout or of the work), agrees tick by tick with a model of the
/// loop (R43, R1, R7, R8, R30-R32, R35, R23).
/// </summary>
/// <remarks>
/// <para>The model simulates what the rules fix: a tick runs the work queued before it, then the timers due at its
/// time in (deadline, scheduling) order; a cancellation outside a step takes the task off its sleep and queues its
/// turn, and its finally blocks run at that turn. So the timeout wins exactly when its timer comes first, the outcome
/// then waits for the work's finally blocks (TimeoutException, or the finally's exception), work done first wins, and
/// a cancel from outside is a cancellation. Times are multiples of 0.25 s, exact in ticks.</para>
/// </remarks>
public class TimeoutPropertyTests
{
    private const double Quarter = 0.25;

    private enum Target
    {
        None,
        Timeout,
        Work,
    }

    private sealed record Scenario(int Work, int Timeout, bool Early, bool PreDone, bool ThrowInFinally, int[] Steps, Target Cancel, int CancelAt)
    {
        public override string ToString() =>
            $"work {(PreDone ? "already done" : $"sleeps {Work * Quarter}s")}, timeout {Timeout * Quarter}s created {(Early ? "before" : "after")} the first tick, "
            + $"finally {(ThrowInFinally ? "throws" : "is quiet")} when cancelled, clock steps [{string.Join(", ", Array.ConvertAll(Steps, s => s * Quarter))}], "
            + (Cancel == Target.None ? "no outside cancel" : $"cancel the {Cancel} before step {CancelAt}");
    }

    private static readonly Gen<Scenario> Scenarios =
        from work in Gen.Int[0, 12]
        from timeout in Gen.Int[-4, 12]
        from early in Gen.Bool
        from preDone in Gen.Int[0, 5].Select(i => i == 0)
        from throwInFinally in Gen.Bool
        from steps in Gen.Int[0, 4].Array[1, 16]
        from cancel in Gen.Frequency((2, Gen.Const(Target.None)), (1, Gen.Const(Target.Timeout)), (1, Gen.Const(Target.Work)))
        from cancelAt in Gen.Int[0, 15]
        select new Scenario(work, timeout, early, preDone, throwInFinally, steps, cancel, cancelAt);

    [Test]
    public void Timeout_AgreesWithTheLoopModel_ForRandomDurationsDeadlinesAndCancels_R43() =>
        PropertyRunner.Run(Scenarios, RunScenario, iterations: 8000, seed: 43_0001UL, print: s => s.ToString());

    [Test]
    [Category("Stress")]
    public void Timeout_AgreesWithTheLoopModel_ManyMoreSamples_R43() =>
        PropertyRunner.Run(Scenarios, RunScenario, iterations: 60_000, seed: 43_0002UL, print: s => s.ToString());

    private sealed class WorkLog
    {
        public bool BodyRan;
        public bool FinallyRan;
        public readonly Exception FinallyError = new InvalidOperationException("finally threw during cancellation");
    }

    private static IEnumerator<IAwaitable> Work(double seconds, bool throwInFinally, WorkLog log)
    {
        log.BodyRan = true;
        bool done = false;
        try
        {
            yield return Co.Sleep(seconds);
            done = true;
            yield return Co.Return(42);
        }
        finally
        {
            log.FinallyRan = true;
            if (!done && throwInFinally)
            {
#pragma warning disable CA2219 // R35/R43 are about exactly this: a finally block that throws during cancellation.
                throw log.FinallyError;
#pragma warning restore CA2219
            }
        }
    }

    private static IEnumerator<IAwaitable> Observe(Future future)
    {
        yield return Co.Settle(future);   // a waiter: the timeout's failure is observed, as in real use (R23)
    }

    private static void RunScenario(Scenario sc)
    {
        var t = new TestLoop();
        var log = new WorkLog();
        var m = new Model(sc.Work * Quarter, sc.Timeout * Quarter, sc.ThrowInFinally);
        Future work;
        Future<int> typedWork;
        if (sc.PreDone)
        {
            var source = new FutureSource<int>(t.Loop);
            source.SetResult(42);
            work = source.Future;
            typedWork = source.Future;
            m.WorkAlreadyDone();
        }
        else
        {
            LoopTask<int> task = t.Loop.Start<int>(Work(sc.Work * Quarter, sc.ThrowInFinally, log));
            work = task;
            typedWork = task;
        }

        Future<int>? result = null;
        void Create()
        {
            result = Co.Timeout(typedWork, sc.Timeout * Quarter);
            t.Loop.Start(Observe(result));
            m.CreateTimeout();
            Verify(sc, t, log, result, m, "after creating the timeout");
        }

        if (sc.Early || sc.PreDone)
        {
            Create();
        }

        t.Tick();
        m.Tick(0);
        if (result is not null)
        {
            Verify(sc, t, log, result, m, "after the first tick");
        }
        else
        {
            Create();
        }

        double now = 0;
        for (int i = 0; i < sc.Steps.Length; i++)
        {
            if (sc.Cancel != Target.None && sc.CancelAt == i)
            {
                bool expected = sc.Cancel == Target.Timeout ? m.CancelResult() : m.CancelWork();
                bool actual = sc.Cancel == Target.Timeout ? result!.Cancel() : work.Cancel();
                Prop.That(actual, Is.EqualTo(expected), $"Cancel of the {sc.Cancel} before step {i} returns\n{sc}");
                Verify(sc, t, log, result!, m, $"after the cancel before step {i}");
            }

            now += sc.Steps[i] * Quarter;
            t.Clock.Advance(sc.Steps[i] * Quarter);
            t.Tick();
            m.Tick(now);
            Verify(sc, t, log, result!, m, $"after step {i} (time {now}s)");
        }
    }

    private static void Verify(Scenario sc, TestLoop t, WorkLog log, Future<int> result, Model m, string when)
    {
        string where = $"{when}\n{sc}";
        Prop.That(log.BodyRan, Is.EqualTo(m.BodyRan), $"the work's body ran (R32: a task cancelled before its first step never runs) {where}");
        Prop.That(log.FinallyRan, Is.EqualTo(m.BodyRan && m.WorkDone), $"the work's finally ran {where}");
        Prop.That(result.State, Is.EqualTo(m.Result), $"the timeout's state {where}");
        if (m.Result == FutureState.Succeeded)
        {
            Prop.That(result.Result, Is.EqualTo(42), $"the work's result {where}");
        }
        else if (m.Result == FutureState.Faulted)
        {
            Exception? error = result.Exception;
            if (m.TimedOutError)
            {
                Prop.That(error, Is.TypeOf<TimeoutException>(), $"a timeout fails with TimeoutException (R43) {where}");
            }
            else
            {
                Prop.That(error, Is.SameAs(log.FinallyError), $"a finally that throws during the cancellation is the outcome (R43, R35) {where}");
            }
        }

        Prop.That(t.Unhandled.Count, Is.EqualTo(m.Reported), $"failures reported to the handler (R23) {where}");
        foreach (Exception reported in t.Unhandled)
        {
            Prop.That(reported, Is.SameAs(log.FinallyError), $"only the orphaned finally failure is reported {where}");
        }
    }

    /// <summary>The loop, as far as one task, its sleep timer and one timeout timer go.</summary>
    private sealed class Model
    {
        private readonly long _work;
        private readonly long _timeout;
        private readonly bool _throwInFinally;
        private readonly List<Entry> _queue = new();
        private int _pos;
        private bool _inTick;
        private bool _carry = true;   // a started task is ready for the next tick
        private bool _cancelRequested;
        private bool _sleepArmed;
        private long _sleepDeadline;
        private int _sleepSeq;
        private bool _timerArmed;
        private long _timerDeadline;
        private int _timerSeq;
        private int _seq;
        private bool _timedOut;
        private bool _preDone;
        private FutureState _workState;
        private long _now;

        public Model(double work, double timeout, bool throwInFinally)
        {
            _work = TimeSpan.FromSeconds(work).Ticks;
            _timeout = TimeSpan.FromSeconds(timeout).Ticks;
            _throwInFinally = throwInFinally;
        }

        private enum Entry
        {
            Task,
            Timer,
        }

        public bool BodyRan { get; private set; }

        public bool WorkDone { get; private set; }

        public FutureState Result { get; private set; } = FutureState.Pending;

        public bool TimedOutError { get; private set; }

        public int Reported { get; private set; }

        public void WorkAlreadyDone()
        {
            _preDone = true;
            _carry = false;
            WorkDone = true;
            _workState = FutureState.Succeeded;
        }

        public void CreateTimeout()
        {
            if (WorkDone)
            {
                ChildCompleted();   // work already done wins, whatever the timeout (R43)
                return;
            }

            if (_timeout <= 0)
            {
                Expire();   // zero or less: cancel at once (R43)
                return;
            }

            _timerArmed = true;
            _timerDeadline = _now + _timeout;
            _timerSeq = _seq++;
        }

        public bool CancelResult()
        {
            if (Result != FutureState.Pending)
            {
                return false;
            }

            Result = FutureState.Cancelled;   // at once (R16); the work is cancelled with it
            _timerArmed = false;
            RequestCancelWork();
            return true;
        }

        public bool CancelWork() => !_preDone && RequestCancelWork();

        public void Tick(double now)
        {
            _now = TimeSpan.FromSeconds(now).Ticks;
            _queue.Clear();
            if (_carry)
            {
                _queue.Add(Entry.Task);
                _carry = false;
            }

            // Timers due at the tick's start, in deadline order, then scheduling order (R1, R7, R8).
            var due = new List<(long Deadline, int Seq, Entry Entry)>();
            if (_sleepArmed && _sleepDeadline <= _now)
            {
                _sleepArmed = false;
                due.Add((_sleepDeadline, _sleepSeq, Entry.Task));
            }

            if (_timerArmed && _timerDeadline <= _now)
            {
                due.Add((_timerDeadline, _timerSeq, Entry.Timer));
            }

            due.Sort();
            foreach (var d in due)
            {
                _queue.Add(d.Entry);
            }

            _inTick = true;
            for (_pos = 0; _pos < _queue.Count; _pos++)
            {
                if (_queue[_pos] == Entry.Task)
                {
                    RunTask();
                }
                else if (_timerArmed)
                {
                    _timerArmed = false;
                    if (Result == FutureState.Pending && !WorkDone)
                    {
                        Expire();
                    }
                }
            }

            _inTick = false;
        }

        private void RunTask()
        {
            if (WorkDone)
            {
                return;
            }

            if (_cancelRequested)
            {
                WorkDone = true;   // disposed at its turn (R30); its finally runs if the body started
                _workState = BodyRan && _throwInFinally ? FutureState.Faulted : FutureState.Cancelled;
                ChildCompleted();
            }
            else if (!BodyRan)
            {
                BodyRan = true;
                if (_work <= 0)
                {
                    _carry = true;   // Sleep(0): next tick (R9)
                }
                else
                {
                    _sleepArmed = true;
                    _sleepDeadline = _now + _work;
                    _sleepSeq = _seq++;
                }
            }
            else
            {
                WorkDone = true;
                _workState = FutureState.Succeeded;
                ChildCompleted();
            }
        }

        private void Expire()
        {
            _timedOut = true;
            RequestCancelWork();
        }

        private bool RequestCancelWork()
        {
            if (WorkDone || _cancelRequested)
            {
                return false;   // R33: a second cancel is a no-op
            }

            _cancelRequested = true;
            _sleepArmed = false;   // taken off its sleep (R31)
            bool queuedLater = _inTick && _queue.IndexOf(Entry.Task, _pos + 1) >= 0;
            if (!queuedLater)
            {
                _carry = true;     // its turn: the next tick
            }

            return true;
        }

        private void ChildCompleted()
        {
            _timerArmed = false;
            if (Result != FutureState.Pending)
            {
                if (_workState == FutureState.Faulted)
                {
                    Reported++;   // the timeout was cancelled first: the failure is an orphan (R23)
                }

                return;
            }

            switch (_workState)
            {
                case FutureState.Succeeded:
                    Result = FutureState.Succeeded;
                    break;
                case FutureState.Faulted:
                    Result = FutureState.Faulted;
                    break;
                default:
                    Result = _timedOut ? FutureState.Faulted : FutureState.Cancelled;
                    TimedOutError = _timedOut;
                    break;
            }
        }
    }
}
