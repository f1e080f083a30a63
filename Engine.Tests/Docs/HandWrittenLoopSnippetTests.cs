using System;
using System.Collections.Generic;
using MyGame;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>Runs the hand-written loop of docs/embedding.md (ConsoleGame) on a manual clock.</summary>
public class HandWrittenLoopSnippetTests
{
    private static IEnumerator<IAwaitable> CountPhysics(LoopPhase fixedUpdate, List<long> seen)
    {
        while (true)
        {
            yield return fixedUpdate;
            seen.Add(fixedUpdate.RunCount);
        }
    }

    [Test]
    public void FramesOfOne60th_Give50PhysicsStepsASecond_AndTheFixedPhaseRunsInEach()
    {
        var clock = new ManualClock();
        var game = new ConsoleGame(clock);
        var seen = new List<long>();
        game.Loop.Start(CountPhysics(game.FixedUpdate, seen));

        for (int frame = 0; frame < 120; frame++)
        {
            clock.Advance(1.0 / 60);
            game.RunFrame();
        }

        Assert.That(game.PhysicsSteps, Is.EqualTo(100));
        Assert.That(game.FixedUpdate.RunCount, Is.EqualTo(100));
        Assert.That(seen, Is.Ordered.And.Unique);
        Assert.That(seen[^1], Is.EqualTo(100));
        Assert.That(game.Alphas, Has.All.InRange(0.0, 0.9999999));
    }

    [Test]
    public void TheFrameBudget_DefersWorkPast4MsToTheNextFrame_AndEveryTaskFinishes()
    {
        var clock = new ManualClock();
        var game = new ConsoleGame(clock);
        var stepsPerFrame = new Dictionary<int, int>();
        var tasks = new List<LoopTask>();
        for (int i = 0; i < 10; i++)
        {
            tasks.Add(game.Loop.Start(Heavy(clock, game, stepsPerFrame)));
        }

        // 40 steps, 30 of them 3 ms long: two of those fit a 4 ms budget, so about 20 frames. The budget is real time,
        // so on a loaded machine (a 3 ms step stretched past 4 ms) a frame may fit only one: run frames until every task
        // is done, with a cap far above what any machine needs, instead of a fixed 30.
        for (int frame = 0; frame < 1000 && !tasks.TrueForAll(t => t.IsCompleted); frame++)
        {
            clock.Advance(1.0 / 60);
            game.RunFrame();
        }

        Assert.That(tasks.TrueForAll(t => t.State == FutureState.Succeeded), Is.True);
        Assert.That(stepsPerFrame.Values, Has.All.LessThanOrEqualTo(2), "3 ms steps: the second one spends the 4 ms");

        static IEnumerator<IAwaitable> Heavy(ManualClock clock, ConsoleGame game, Dictionary<int, int> stepsPerFrame)
        {
            for (int i = 0; i < 3; i++)
            {
                stepsPerFrame[game.Frames] = stepsPerFrame.GetValueOrDefault(game.Frames) + 1;
                var work = System.Diagnostics.Stopwatch.StartNew();
                while (work.Elapsed < TimeSpan.FromMilliseconds(3))
                {
                    // 3 ms of real work: the budget is real elapsed time, whatever clock the loop reads
                }

                yield return Co.NextTick;
            }
        }
    }

    [Test]
    public void Run_SleepsUntilTheNextTimerInsteadOfSpinning_WhenIdle()
    {
        var clock = new ManualClock();
        var game = new ConsoleGame(clock);
        TimeSpan done = TimeSpan.Zero;
        LoopTask reminder = game.Loop.Start(TwoReminders(game.Loop, t => done = t));
        game.QuitWhen = () => reminder.IsCompleted;
        game.Idle = d => clock.Advance(d);     // the test's "wait for input": nothing comes, the time passes

        game.Run();

        Assert.That(done, Is.EqualTo(TimeSpan.FromSeconds(3)), "woken exactly at its deadline");
        Assert.That(game.Frames, Is.LessThanOrEqualTo(40), "about one frame per 100 ms of idle time, not thousands");
        Assert.That(game.Waits, Has.All.LessThanOrEqualTo(TimeSpan.FromMilliseconds(100)));
        Assert.That(game.Waits, Does.Contain(TimeSpan.FromMilliseconds(100)));

        static IEnumerator<IAwaitable> TwoReminders(EventLoop loop, Action<TimeSpan> finished)
        {
            yield return Co.Sleep(1.05);
            yield return Co.Sleep(1.95);
            finished(loop.Time);
        }
    }

    [Test]
    public void ATaskWaitingForTheFixedPhase_KeepsTheFramesComing()
    {
        var clock = new ManualClock();
        var game = new ConsoleGame(clock);
        var seen = new List<long>();
        game.Loop.Start(CountPhysics(game.FixedUpdate, seen));
        game.QuitWhen = () => game.Frames > 60;
        game.Rendering = () => clock.Advance(1.0 / 60);

        game.Run();

        Assert.That(game.Waits, Is.Empty, "it never sleeps while a task waits for physics");
        Assert.That(seen, Is.Not.Empty);
    }
}
