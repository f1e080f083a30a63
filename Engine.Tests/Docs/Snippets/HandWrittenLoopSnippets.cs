// Snippets of docs/embedding.md, section "A hand-written loop". The regions are printed in the doc verbatim; the rest of
// the class (the game's own input, physics and drawing) is at the end of the file, where the tests can watch it.
using System;
using System.Collections.Generic;
using YieldLoop;

namespace MyGame;

// <snippet:handwritten-frame>
public sealed partial class ConsoleGame
{
    private static readonly TimeSpan CoroutineBudget = TimeSpan.FromMilliseconds(4);
    private readonly IClock _clock;   // new RealClock() in the game (it reads Stopwatch); a ManualClock in tests
    private readonly EventLoop _loop;
    private readonly FixedTimestep _timestep = new(TimeSpan.FromSeconds(1.0 / 50), maxStepsPerFrame: 5);
    private TimeSpan _lastFrame;

    public ConsoleGame(IClock clock)
    {
        _clock = clock;
        _loop = new EventLoop(clock, "game");   // the loop reads the same clock in every Tick
        FixedUpdate = new LoopPhase(_loop, "FixedUpdate");
        EndOfFrame = new LoopPhase(_loop, "EndOfFrame");
        _lastFrame = clock.Now;
    }

    public LoopPhase FixedUpdate { get; }
    public LoopPhase EndOfFrame { get; }

    public void RunFrame()
    {
        TimeSpan now = _clock.Now;
        TimeSpan delta = now - _lastFrame;
        _lastFrame = now;

        ReadInput();
        for (int steps = _timestep.Advance(delta); steps > 0; steps--)
        {
            StepPhysics(_timestep.Step);
            FixedUpdate.Run();
        }

        _loop.Tick(CoroutineBudget);   // stops after the step that uses up 4 ms; the rest runs next frame
        Render(_timestep.Alpha);
        EndOfFrame.Run();
    }
    // </snippet:handwritten-frame>

    // <snippet:handwritten-idle>
    private static readonly TimeSpan MaxIdle = TimeSpan.FromMilliseconds(100);

    public void Run()
    {
        while (!_quit)
        {
            RunFrame();
            bool animating = _loop.HasReadyWork || FixedUpdate.WaitingCount > 0;
            if (!animating)
            {
                // Nothing to do before the next timer: sleep until then (or until input comes, at most MaxIdle).
                TimeSpan wait = _loop.NextWakeTime is TimeSpan wake ? wake - _clock.Now : MaxIdle;
                WaitForInput(TimeSpan.FromTicks(Math.Clamp(wait.Ticks, 0, MaxIdle.Ticks)));
            }
        }
    }
    // </snippet:handwritten-idle>
}

/// <summary>The game's own parts of <see cref="ConsoleGame"/> (not printed in the doc), recording what they are asked.</summary>
public sealed partial class ConsoleGame
{
    private bool _quit;

    public EventLoop Loop => _loop;

    public FixedTimestep Timestep => _timestep;

    /// <summary>Test hook: what the game does each frame before anything else (reads input, may ask to quit).</summary>
    public Func<bool>? QuitWhen { get; set; }

    /// <summary>Test hook: how the game waits for input for at most the given time (SDL_WaitEventTimeout, say).</summary>
    public Action<TimeSpan>? Idle { get; set; }

    /// <summary>Test hook: time one frame's drawing takes.</summary>
    public Action? Rendering { get; set; }

    public int Frames { get; private set; }

    public int PhysicsSteps { get; private set; }

    public List<double> Alphas { get; } = new();

    public List<TimeSpan> Waits { get; } = new();

    private void ReadInput()
    {
        Frames++;
        _quit = QuitWhen?.Invoke() ?? false;
    }

    private void StepPhysics(TimeSpan step) => PhysicsSteps++;

    private void Render(double alpha)
    {
        Alphas.Add(alpha);
        Rendering?.Invoke();
    }

    private void WaitForInput(TimeSpan timeout)
    {
        Waits.Add(timeout);
        Idle?.Invoke(timeout);
    }
}
