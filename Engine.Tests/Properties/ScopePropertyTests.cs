using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using NUnit.Framework;

namespace YieldLoop.Tests.Properties;

/// <summary>
/// Property: the pause rule of <see cref="Scope"/> under random pause / resume / cancel / advance-time / tick with
/// sleeping and ticking tasks: no scoped task steps while paused; a ticking task steps once in every tick in which its
/// scope is running; a sleep lasts its full duration of unpaused time and ends in the first running tick after that;
/// a cancelled task is disposed at its turn even while paused, and never steps again (R30).
/// </summary>
/// <remarks>
/// The model keeps, per sleeping task, the unpaused time accumulated since its sleep began (time moves only when the
/// clock is advanced while the scope runs). Times are multiples of 0.25 s, exact in ticks.
/// </remarks>
public class ScopePropertyTests
{
    private const double Quarter = 0.25;

    private enum OpKind
    {
        Pause,
        Resume,
        Advance,
        Tick,
        SpawnSleeper,
        SpawnTicker,
        Cancel,
        CancelAll,
    }

    private readonly record struct Op(OpKind Kind, int Arg)
    {
        public override string ToString() => Kind switch
        {
            OpKind.Advance => $"Advance({Arg * Quarter}s)",
            OpKind.SpawnSleeper => $"SpawnSleeper({Arg * Quarter}s)",
            OpKind.Cancel => $"Cancel(task #{Arg})",
            _ => Kind.ToString(),
        };
    }

    private static readonly Gen<Op[]> Scenarios =
        Gen.Frequency(
            (2, Gen.Const(new Op(OpKind.Pause, 0))),
            (2, Gen.Const(new Op(OpKind.Resume, 0))),
            (4, Gen.Int[1, 4].Select(q => new Op(OpKind.Advance, q))),
            (4, Gen.Const(new Op(OpKind.Tick, 0))),
            (2, Gen.Int[1, 8].Select(q => new Op(OpKind.SpawnSleeper, q))),
            (1, Gen.Const(new Op(OpKind.SpawnTicker, 0))),
            (1, Gen.Int[0, 7].Select(k => new Op(OpKind.Cancel, k))),
            (1, Gen.Int[0, 9].Select(k => new Op(k == 0 ? OpKind.CancelAll : OpKind.Tick, 0)))).Array[0, 40];

    [Test]
    public void Scope_PausesStepsAndSleepsExactly_UnderRandomPauseResumeCancelAndTime() =>
        PropertyRunner.Run(Scenarios, RunScenario, iterations: 5000, seed: 44_0001UL, print: PropertyRunner.Lines);

    [Test]
    [Category("Stress")]
    public void Scope_PausesStepsAndSleepsExactly_ManyMoreSamples() =>
        PropertyRunner.Run(Scenarios, RunScenario, iterations: 30_000, seed: 44_0002UL, print: PropertyRunner.Lines);

    private sealed class TaskLog
    {
        public int Steps;
        public bool SteppedWhilePaused;
        public bool FinallyRan;
    }

    private static IEnumerator<IAwaitable> Sleeper(double seconds, Scope scope, TaskLog log)
    {
        try
        {
            while (true)
            {
                log.Steps++;
                log.SteppedWhilePaused |= scope.IsPaused;
                yield return Co.Sleep(seconds);
            }
        }
        finally
        {
            log.FinallyRan = true;
        }
    }

    private static IEnumerator<IAwaitable> Ticker(Scope scope, TaskLog log)
    {
        try
        {
            while (true)
            {
                log.Steps++;
                log.SteppedWhilePaused |= scope.IsPaused;
                yield return Co.NextTick;
            }
        }
        finally
        {
            log.FinallyRan = true;
        }
    }

    private sealed class ModelTask
    {
        public long Sleep;         // 0 for a ticker
        public bool Started;
        public long Accumulated;   // unpaused time since the sleep began
        public int Steps;
        public bool Cancelled;
    }

    private static void RunScenario(Op[] ops)
    {
        var t = new TestLoop();
        var scope = new Scope(t.Loop, "prop");
        var tasks = new List<(LoopTask Task, TaskLog Log)>();
        var model = new List<ModelTask>();
        bool paused = false;

        for (int i = 0; i < ops.Length; i++)
        {
            Op op = ops[i];
            switch (op.Kind)
            {
                case OpKind.Pause:
                    scope.Pause();
                    paused = true;
                    break;
                case OpKind.Resume:
                    scope.Resume();
                    paused = false;
                    break;
                case OpKind.Advance:
                    t.Clock.Advance(op.Arg * Quarter);
                    long dt = TimeSpan.FromSeconds(op.Arg * Quarter).Ticks;
                    foreach (ModelTask m in model.Where(m => !paused && m.Started && !m.Cancelled && m.Sleep > 0))
                    {
                        m.Accumulated += dt;
                    }

                    break;
                case OpKind.Tick:
                    t.Tick();
                    foreach (ModelTask m in model.Where(m => !paused && !m.Cancelled))
                    {
                        if (!m.Started)
                        {
                            m.Started = true;   // first step: in the first tick the scope runs
                            m.Steps++;
                        }
                        else if (m.Sleep == 0 || m.Accumulated >= m.Sleep)
                        {
                            m.Steps++;          // a ticker every running tick; a sleeper when its unpaused time is up
                            m.Accumulated = 0;
                        }
                    }

                    break;
                case OpKind.SpawnSleeper:
                case OpKind.SpawnTicker:
                    var log = new TaskLog();
                    bool sleeper = op.Kind == OpKind.SpawnSleeper;
                    LoopTask task = scope.Start(sleeper ? Sleeper(op.Arg * Quarter, scope, log) : Ticker(scope, log));
                    tasks.Add((task, log));
                    model.Add(new ModelTask { Sleep = sleeper ? TimeSpan.FromSeconds(op.Arg * Quarter).Ticks : 0 });
                    break;
                case OpKind.Cancel when tasks.Count > 0:
                    int k = op.Arg % tasks.Count;
                    Prop.That(tasks[k].Task.Cancel(), Is.EqualTo(!model[k].Cancelled), $"Cancel of task #{k} at op {i}");
                    model[k].Cancelled = true;
                    break;
                case OpKind.CancelAll:
                    Prop.That(scope.CancelAll(), Is.EqualTo(model.Count(m => !m.Cancelled)), $"CancelAll at op {i}");
                    model.ForEach(m => m.Cancelled = true);
                    break;
            }

            Verify(tasks, model, op.Kind == OpKind.Tick, $"after op {i}: {op}");
        }

        Prop.That(t.Unhandled, Is.Empty, "nothing reported");
    }

    private static void Verify(List<(LoopTask Task, TaskLog Log)> tasks, List<ModelTask> model, bool ticked, string when)
    {
        for (int k = 0; k < tasks.Count; k++)
        {
            (LoopTask task, TaskLog log) = tasks[k];
            ModelTask m = model[k];
            Prop.That(log.SteppedWhilePaused, Is.False, $"task #{k} stepped while its scope was paused {when}");
            Prop.That(log.Steps, Is.EqualTo(m.Steps), $"steps of task #{k} ({(m.Sleep == 0 ? "ticker" : $"sleeper {TimeSpan.FromTicks(m.Sleep).TotalSeconds}s, unpaused time {TimeSpan.FromTicks(m.Accumulated).TotalSeconds}s")}) {when}");
            if (ticked && m.Cancelled)
            {
                Prop.That(task.State, Is.EqualTo(FutureState.Cancelled), $"task #{k} is disposed at its turn, paused or not (R30) {when}");
                Prop.That(log.FinallyRan, Is.EqualTo(m.Started), $"task #{k}'s finally ran iff it had started {when}");
            }
        }
    }
}
