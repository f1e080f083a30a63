// Snippet of docs/embedding.md, section "MonoGame". Compiled against the fakes in FakeHosts.cs, with nullable
// reference types off as in the MonoGame templates.
#nullable disable

// <snippet:monogame-game>
using System;
using Microsoft.Xna.Framework;
using YieldLoop;

namespace MyGame;

public sealed class Game1 : Game
{
    private readonly ManualClock _clock = new();
    private readonly FixedTimestep _physics = new(TimeSpan.FromSeconds(1.0 / 60), maxStepsPerFrame: 5);
    private readonly PhysicsWorld _world = new();   // your simulation
    private EventLoop _loop;

    public Game1() => IsFixedTimeStep = false;      // one Update per drawn frame, with the real elapsed time

    public LoopPhase FixedUpdate { get; private set; }
    public LoopPhase EndOfFrame { get; private set; }

    protected override void Initialize()
    {
        _loop = new EventLoop(_clock, "monogame");
        FixedUpdate = new LoopPhase(_loop, "FixedUpdate");
        EndOfFrame = new LoopPhase(_loop, "EndOfFrame");
        base.Initialize();
    }

    // </snippet:monogame-game>

    // <snippet:monogame-game-frame>
    protected override void Update(GameTime gameTime)
    {
        for (int steps = _physics.Advance(gameTime.ElapsedGameTime); steps > 0; steps--)
        {
            _world.Step(_physics.Step);
            FixedUpdate.Run();
        }

        _clock.Advance(gameTime.ElapsedGameTime);
        _loop.Tick();
        base.Update(gameTime);
    }

    protected override void Draw(GameTime gameTime)
    {
        _world.Draw(_physics.Alpha);                // interpolate between the last two physics states
        base.Draw(gameTime);
        EndOfFrame.Run();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _loop?.Close();
        }

        base.Dispose(disposing);
    }
}
// </snippet:monogame-game-frame>

/// <summary>The game's own simulation in the snippet above (not part of the doc): it records what it was asked.</summary>
public sealed class PhysicsWorld
{
    public int Steps { get; private set; }

    public TimeSpan Simulated { get; private set; }

    public double LastAlpha { get; private set; }

    public void Step(TimeSpan step)
    {
        Steps++;
        Simulated += step;
    }

    public void Draw(double alpha) => LastAlpha = alpha;
}
