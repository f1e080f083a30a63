// Snippets of docs/embedding.md, section "Tests and headless simulation". These snippets are NUnit tests themselves:
// running them is what checks them.
using System;
using System.Collections.Generic;
using NUnit.Framework;
using YieldLoop;

namespace YieldLoop.Tests.Docs.Snippets;

public class HeadlessSnippets
{
    // <snippet:headless-frames>
    [Test]
    public void ADoor_OpensInOneSecondOfFrames()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "test");
        var fixedUpdate = new LoopPhase(loop, "FixedUpdate");
        double opened = 0;
        loop.Start(OpenDoor(fixedUpdate, step: 1.0 / 60, progress => opened = progress));
        loop.Tick();                                 // its first step: now it waits for FixedUpdate

        for (int frame = 0; frame < 60; frame++)     // one second at 60 frames per second
        {
            fixedUpdate.Run();
            clock.Advance(1.0 / 60);
            loop.Tick();
        }

        Assert.That(opened, Is.EqualTo(1.0).Within(1e-9));
    }

    private static IEnumerator<IAwaitable> OpenDoor(LoopPhase fixedUpdate, double step, Action<double> show)
    {
        for (double progress = 0; progress < 1 - 1e-9; )
        {
            yield return fixedUpdate;
            progress = Math.Min(1, progress + step);   // fully open after one second of physics steps
            show(progress);
        }
    }
    // </snippet:headless-frames>

    // <snippet:headless-hour>
    [Test]
    public void AFarm_RunsAnHourOfGameTimeInMilliseconds()
    {
        var clock = new ManualClock { AutoJump = true };      // jumps to the next timer instead of waiting
        var loop = new EventLoop(clock, "simulation");
        var world = new GameClock(loop, "world") { Scale = 2 };   // the game runs at double speed
        var farm = new Scope(loop, "farm", world);
        int harvests = 0;
        farm.Start(Farm(() => harvests++));

        loop.RunUntilIdle();                                  // runs until no task waits for anything

        Assert.That(harvests, Is.EqualTo(120));
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromHours(2)));   // game time
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromHours(1)));   // real time, simulated
        Assert.That(loop.TickCount, Is.LessThanOrEqualTo(121));      // a tick per wake-up: no waiting, no spinning
    }

    private static IEnumerator<IAwaitable> Farm(Action harvest)
    {
        for (int crop = 0; crop < 120; crop++)
        {
            yield return Co.Sleep(60);                        // a minute of world time per crop
            harvest();
        }
    }
    // </snippet:headless-hour>
}
