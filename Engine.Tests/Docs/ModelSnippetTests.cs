using System;
using System.Collections.Generic;
using MyGame;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>Runs the model snippets of docs/embedding.md and checks the rules the doc states in prose.</summary>
public class ModelSnippetTests
{
    private static readonly TimeSpan Frame60 = TimeSpan.FromTicks(166_667);

    [Test]
    public void ACoroutine_VisitsFixedUpdateLateAndEndOfFrame_InOneFrame()
    {
        var host = new FrameSkeleton();
        host.Loop.Start(host.OneFrameTour());

        host.Frame(Frame60, fixedSteps: 1);    // its first step, in the Tick: it now waits for FixedUpdate
        Assert.That(host.Log, Is.Empty);

        host.Frame(Frame60, fixedSteps: 1);
        Assert.That(host.Log, Is.EqualTo(new[] { "fixed", "update", "late", "end of frame" }));
    }

    [Test]
    public void Phases_AreOneShot_AndAFrameWithoutAFixedStepLeavesTheWaiterParked()
    {
        var host = new FrameSkeleton();
        host.Loop.Start(host.OneFrameTour());
        host.Frame(Frame60, fixedSteps: 1);

        host.Frame(Frame60, fixedSteps: 0);
        Assert.That(host.Log, Is.Empty);
        Assert.That(host.FixedUpdate.WaitingCount, Is.EqualTo(1));

        host.Frame(Frame60, fixedSteps: 2);    // runs it in the first of the two steps only
        Assert.That(host.Log, Is.EqualTo(new[] { "fixed", "update", "late", "end of frame" }));
    }

    private static IEnumerator<IAwaitable> Mark(Func<IAwaitable> wait, EventLoop loop, List<TimeSpan> marks)
    {
        yield return wait();
        marks.Add(loop.Time);
    }

    [Test]
    public void TheClocksOfTheSnippet_RunAtTheStatedSpeeds()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "clocks");
        (GameClock world, GameClock hero, Scope level) = ClockSnippet.Build(loop);
        var menu = new GameClock(loop, "menu");
        var marks = new Dictionary<string, List<TimeSpan>>
        {
            ["level"] = new(), ["hero"] = new(), ["realtime"] = new(), ["menu"] = new(),
        };
        level.Start(Mark(() => Co.Sleep(1), loop, marks["level"]));
        hero.Start(Mark(() => Co.Sleep(1), loop, marks["hero"]));
        level.Start(Mark(() => Co.SleepRealtime(1), loop, marks["realtime"]));
        menu.Start(Mark(() => Co.Sleep(1), loop, marks["menu"]));
        loop.Tick();                           // the first steps, at time 0

        for (int i = 0; i < 25; i++)
        {
            clock.Advance(0.1);
            loop.Tick();
        }

        Assert.That(hero.EffectiveScale, Is.EqualTo(1.0));
        Assert.That(marks["hero"], Is.EqualTo(new[] { TimeSpan.FromSeconds(1) }));
        Assert.That(marks["realtime"], Is.EqualTo(new[] { TimeSpan.FromSeconds(1) }));
        Assert.That(marks["menu"], Is.EqualTo(new[] { TimeSpan.FromSeconds(1) }));
        Assert.That(marks["level"], Is.EqualTo(new[] { TimeSpan.FromSeconds(2) }));
    }

    [Test]
    public void PausingTheWorld_StopsTheWaitsOfTheWorldAndTheHero_ButNotASeparateRoot()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "clocks");
        (GameClock world, GameClock hero, Scope level) = ClockSnippet.Build(loop);
        var menu = new GameClock(loop, "menu");
        var heroMarks = new List<TimeSpan>();
        var menuMarks = new List<TimeSpan>();
        hero.Start(Mark(() => Co.Sleep(1), loop, heroMarks));
        menu.Start(Mark(() => Co.Sleep(1), loop, menuMarks));
        loop.Tick();

        world.Pause();
        clock.Advance(5);
        loop.Tick();
        Assert.That(heroMarks, Is.Empty);
        Assert.That(menuMarks, Is.EqualTo(new[] { TimeSpan.FromSeconds(5) }));

        world.Resume();
        clock.Advance(1);
        loop.Tick();
        Assert.That(heroMarks, Is.EqualTo(new[] { TimeSpan.FromSeconds(6) }));
        level.Dispose();
    }

    [Test]
    public void AClockAtRate0_StopsWaits_NotTasks()
    {
        var loop = new EventLoop(new ManualClock(), "rate0");
        var world = new GameClock(loop, "world") { Scale = 0 };
        int ticks = 0;
        world.Start(Count());

        for (int i = 0; i < 5; i++)
        {
            loop.Tick();
        }

        Assert.That(ticks, Is.EqualTo(5));

        IEnumerator<IAwaitable> Count()
        {
            while (true)
            {
                ticks++;
                yield return Co.NextTick;
            }
        }
    }

    [Test]
    public void NextWakeTime_IncludesWaitsOfGameClocks_AndHasReadyWorkOnlyReadyWork()
    {
        var loop = new EventLoop(new ManualClock(), "wake");
        var world = new GameClock(loop, "world") { Scale = 0.5 };
        world.Start(Sleep());
        Assert.That(loop.HasReadyWork, Is.True);

        loop.Tick();

        Assert.That(loop.HasReadyWork, Is.False);
        // 1 s at scale 0.5 is 2 s of real time; NextWakeTime is never later, and may be earlier (the wheel's slot).
        Assert.That(loop.NextWakeTime, Is.GreaterThan(TimeSpan.FromSeconds(1)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(2)));

        static IEnumerator<IAwaitable> Sleep()
        {
            yield return Co.Sleep(1);
        }
    }

    [Test]
    public void ABudgetMeasuredOnAManualClockThatStandsStillDuringTheTick_NeverRunsOut()
    {
        var loop = new EventLoop(new ManualClock(), "budget");
        for (int i = 0; i < 10; i++)
        {
            loop.Start(Once());
        }

        // The budget is measured on the loop's own manual clock, passed as the tick's timer. Without a timer it would
        // be real time, and a loaded machine can stall this thread past 4 ms in the middle of the tick.
        Assert.That(loop.Tick(TimeSpan.FromMilliseconds(4), loop.Clock), Is.EqualTo(10), "all ten ran: nothing deferred");
        Assert.That(loop.PendingTaskCount, Is.EqualTo(0));

        static IEnumerator<IAwaitable> Once()
        {
            yield break;
        }
    }

    [Test]
    public void Tick_FromInsideACoroutine_Throws_R5()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        LoopTask task = loop.Start(TickInside(loop));
        loop.UnhandledExceptionHandler = _ => { };

        loop.Tick();

        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(task.Exception!.Message, Is.EqualTo(
            "Tick cannot be called from inside a step or callback of the same loop ('main'): the loop is already running it. Yield from the coroutine instead; the loop resumes it on a later tick."));

        static IEnumerator<IAwaitable> TickInside(EventLoop loop)
        {
            loop.Tick();
            yield break;
        }
    }
}
