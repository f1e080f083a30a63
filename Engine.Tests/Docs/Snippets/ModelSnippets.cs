// Snippets of docs/embedding.md, section "The model". The region between the markers is printed in the doc verbatim.
using System;
using System.Collections.Generic;
using YieldLoop;

namespace MyGame;

/// <summary>The frame skeleton of the doc, as a class the tests drive.</summary>
public sealed class FrameSkeleton
{
    private readonly ManualClock _clock = new();

    public FrameSkeleton()
    {
        Loop = new EventLoop(_clock, "skeleton");
        FixedUpdate = new LoopPhase(Loop, "FixedUpdate");
        LateUpdate = new LoopPhase(Loop, "LateUpdate");
        EndOfFrame = new LoopPhase(Loop, "EndOfFrame");
    }

    public EventLoop Loop { get; }

    public LoopPhase FixedUpdate { get; }

    public LoopPhase LateUpdate { get; }

    public LoopPhase EndOfFrame { get; }

    public List<string> Log { get; } = new();

    // <snippet:model-frame>
    // One frame of the host, in this order.
    public void Frame(TimeSpan frameDelta, int fixedSteps)
    {
        for (int i = 0; i < fixedSteps; i++)
        {
            FixedUpdate.Run();       // tasks that yielded FixedUpdate, once per physics step
        }

        _clock.Advance(frameDelta);  // the loop's clock: real (unscaled) time
        Loop.Tick();                 // due timers, hand-overs from other threads, ready tasks
        LateUpdate.Run();            // tasks that yielded LateUpdate
        // ... the host renders the frame ...
        EndOfFrame.Run();            // tasks that yielded EndOfFrame
    }
    // </snippet:model-frame>

    // <snippet:model-one-frame>
    public IEnumerator<IAwaitable> OneFrameTour()
    {
        yield return FixedUpdate;    // resumes in the next physics step
        Log.Add("fixed");
        yield return Co.NextTick;    // made ready by a phase: runs in this frame's Tick
        Log.Add("update");
        yield return LateUpdate;     // later in the same frame
        Log.Add("late");
        yield return EndOfFrame;     // after rendering, still the same frame
        Log.Add("end of frame");
    }
    // </snippet:model-one-frame>
}

/// <summary>The clocks snippet of the doc.</summary>
public static class ClockSnippet
{
    public static (GameClock World, GameClock Hero, Scope Level) Build(EventLoop loop)
    {
        // <snippet:model-clocks>
        var world = new GameClock(loop, "world");     // a root clock: real time x world.Scale
        GameClock hero = world.CreateChild("hero");   // runs at hero.Scale x the world's time
        var level = new Scope(loop, "level", world);  // Co.Sleep in the level's tasks counts world time

        world.Scale = 0.5;                            // slow motion from now on
        hero.Scale = 2;                               // the hero alone keeps real speed
        // world.Pause() stops every wait of the world and the hero; a separate root clock (menus) keeps running.
        // Co.SleepRealtime(1) waits one real second whatever clock the task is bound to.
        // </snippet:model-clocks>
        return (world, hero, level);
    }
}
