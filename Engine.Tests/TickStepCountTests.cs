using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// What <see cref="EventLoop.Tick()"/>, <see cref="EventLoop.Tick(Duration, IClock)"/> and <see cref="LoopPhase.Run"/>
/// return: the number of steps they ran, one per turn of the ready queue (a task step or a callback), the same count in
/// all three (docs/design.md, "Public API decisions").
/// </summary>
public class TickStepCountTests
{
    private static IEnumerator<IAwaitable> Steps(int count)
    {
        for (int i = 1; i < count; i++)
        {
            yield return Co.NextTick;
        }
    }

    [Test]
    public void Tick_OnAnIdleLoop_ReturnsZero()
    {
        var t = new TestLoop();

        Assert.That(t.Loop.Tick(), Is.Zero);
        Assert.That(t.Loop.Tick(TimeSpan.FromSeconds(1)), Is.Zero);
    }

    [Test]
    public void Tick_CountsEachTaskStep_OnceAndOnlyInTheTickItRuns_R1()
    {
        var t = new TestLoop();
        t.Loop.Start(Steps(3));
        t.Loop.Start(Steps(1));

        Assert.That(t.Loop.Tick(), Is.EqualTo(2), "both first steps");
        Assert.That(t.Loop.Tick(), Is.EqualTo(1), "the second step of the first task");
        Assert.That(t.Loop.Tick(), Is.EqualTo(1), "its last step, which ends it");
        Assert.That(t.Loop.Tick(), Is.Zero);
    }

    [Test]
    public void Tick_CountsCallbacks_LikeTaskSteps_CallSoonCallLaterCallAtPostAndCompletionCallbacks()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        t.Loop.CallSoon(() => { });
        t.Loop.CallLater(0.5, () => { });
        t.Loop.CallAt(TimeSpan.FromSeconds(0.5), () => { });
        t.Loop.Post(() => { });
        source.Future.AddCallback(_ => { });

        Assert.That(t.Loop.Tick(), Is.EqualTo(2), "CallSoon and the hand-over of Post");
        source.SetResult();
        Assert.That(t.Loop.Tick(), Is.EqualTo(1), "the completion callback");
        t.Clock.Advance(0.5);
        Assert.That(t.Loop.Tick(), Is.EqualTo(2), "the two timers' callbacks; firing a timer is not a step of its own");
        Assert.That(t.Loop.Tick(), Is.Zero);
    }

    [Test]
    public void Tick_CountsEachCallOfCallEvery_AndEachStepOfATaskWokenByATimer()
    {
        var t = new TestLoop();
        t.Loop.CallEvery(1, _ => { });
        t.Loop.Start(Sleeper());

        Assert.That(t.Loop.Tick(), Is.EqualTo(2), "the periodic task's first step (it parks) and the sleeper's");
        t.Clock.Advance(1);
        Assert.That(t.Loop.Tick(), Is.EqualTo(2), "one call and the sleeper's last step");

        static IEnumerator<IAwaitable> Sleeper()
        {
            yield return Co.Sleep(1);
        }
    }

    [Test]
    public void Tick_CountsTheTurnOfACancelledTask_ThatRunsItsFinallyBlocks_R30()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(Guarded());
        t.Loop.Tick();

        task.Cancel();

        Assert.That(t.Loop.Tick(), Is.EqualTo(1));
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
        Assert.That(task.IsCancelled, Is.True);

        IEnumerator<IAwaitable> Guarded()
        {
            try
            {
                yield return new FutureSource(t.Loop).Future;
            }
            finally
            {
                log.Add("finally");
            }
        }
    }

    [Test]
    public void TickWithABudget_AndPlainTick_CountTheSameSteps()
    {
        var budgeted = new TestLoop();
        var plain = new TestLoop();
        foreach (TestLoop t in new[] { budgeted, plain })
        {
            for (int i = 0; i < 4; i++)
            {
                t.Loop.Start(Steps(2));
                t.Loop.CallSoon(() => { });
            }
        }

        Assert.That(budgeted.Loop.Tick(TimeSpan.FromHours(1), budgeted.Clock), Is.EqualTo(8));
        Assert.That(plain.Loop.Tick(), Is.EqualTo(8));
        Assert.That(budgeted.Loop.Tick(3600, budgeted.Clock), Is.EqualTo(plain.Loop.Tick()));
    }

    [Test]
    public void PhaseRun_CountsTheStepsOfTheTasksParkedOnIt_LikeATick()
    {
        var t = new TestLoop();
        var phase = new LoopPhase(t.Loop, "late");
        for (int i = 0; i < 3; i++)
        {
            t.Loop.Start(Parked(phase));
        }

        Assert.That(t.Loop.Tick(), Is.EqualTo(3), "each task's first step parks it on the phase");
        Assert.That(phase.Run(), Is.EqualTo(3));
        Assert.That(phase.Run(), Is.Zero);

        static IEnumerator<IAwaitable> Parked(LoopPhase phase)
        {
            yield return phase;
        }
    }
}
