using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace YieldLoop.Demos.Game;

/// <summary>
/// The host's hand-written frame loop. The host owns the loop and the frame; YieldLoop is its guest, called at two
/// points of every frame: the fixed-update phase, once per fixed step, then one tick.
/// </summary>
/// <remarks>
/// <para>A frame: measure the time since the last frame; read the keys; run <c>fixedUpdate.Run()</c> as many times
/// as <see cref="FixedTimestep.Advance(TimeSpan)"/> says (the bodies move); <c>loop.Tick()</c> (timers: spawns, turns,
/// lifetimes, the HUD); draw; then, in real time, sleep the rest of the frame.</para>
/// <para>On a <see cref="ManualClock"/> the host moves the clock by exactly <see cref="FrameTime"/> at the start of
/// every frame and never sleeps: the session runs as fast as the machine goes and plays the same every time.</para>
/// <para>Save games: with <see cref="SaveAtFrame"/> the host writes a save (<see cref="GameSave"/>) after that frame
/// and stops; with <see cref="LoadFrom"/> it plays on from a save instead of starting a new world. The keys of the
/// frames before the save were applied already, so the input skips them.</para>
/// </remarks>
internal sealed class GameHost
{
    /// <summary>The frames per second the host aims at.</summary>
    public const int FramesPerSecond = 30;

    /// <summary>The most fixed steps one frame may run; a longer hitch drops the rest.</summary>
    public const int MaxStepsPerFrame = 5;

    /// <summary>The time of one frame: 1/30 s, in whole 100 ns ticks.</summary>
    public static readonly TimeSpan FrameTime = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / FramesPerSecond);

    /// <summary>The time one fixed step stands for; the same as a frame, so a steady frame runs one step.</summary>
    public static readonly TimeSpan FixedStep = FrameTime;

    private readonly IClock _clock;
    private readonly IGameInput _input;
    private readonly IGameScreen _screen;
    private readonly TimeSpan _timeLimit;
    private readonly int _seed;

    /// <summary>Creates a host.</summary>
    /// <param name="clock">Real time: a <see cref="RealClock"/>, or a <see cref="ManualClock"/> the host moves itself.</param>
    /// <param name="input">Where the keys come from.</param>
    /// <param name="screen">Where the frames go.</param>
    /// <param name="timeLimit">The session ends by itself after this much real time.</param>
    /// <param name="seed">The world's random seed.</param>
    public GameHost(IClock clock, IGameInput input, IGameScreen screen, TimeSpan timeLimit, int seed)
    {
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _input = input ?? throw new ArgumentNullException(nameof(input));
        _screen = screen ?? throw new ArgumentNullException(nameof(screen));
        _timeLimit = timeLimit;
        _seed = seed;
    }

    /// <summary>Gets or sets the frame after which the host writes a save to <see cref="SaveTo"/> and stops; 0 for none.</summary>
    public int SaveAtFrame { get; init; }

    /// <summary>Gets or sets where the save of <see cref="SaveAtFrame"/> goes.</summary>
    public Stream? SaveTo { get; init; }

    /// <summary>Gets or sets a save to play on from, or null to start a new world. Give the host a new
    /// <see cref="ManualClock"/>: the load sets it to the saved time.</summary>
    public Stream? LoadFrom { get; init; }

    /// <summary>Plays one session until Q, the time limit, or a coroutine failure; then closes the loop.</summary>
    /// <returns>What the session did.</returns>
    public GameResult Run()
    {
        EventLoop loop;
        LoopPhase fixedUpdate;
        FixedTimestep fixedStep;
        World world;
        TimeSpan start;
        GameStats stats;
        int frame;
        if (LoadFrom is null)
        {
            loop = new EventLoop(_clock, "game");
            fixedUpdate = new LoopPhase(loop, "FixedUpdate");
            fixedStep = new FixedTimestep(FixedStep, MaxStepsPerFrame);

            // Half a step in the accumulator from the start: frames come every step, give or take the jitter of a
            // sleep, so the accumulator stays near half a step and a steady frame runs exactly one step. Started at
            // zero, it would sit on a step boundary, and the jitter would make frames of 0 and 2 steps.
            fixedStep.Advance(FixedStep / 2);
            world = new World(loop, fixedUpdate, FixedStep, _seed);
            start = _clock.Now;
            stats = new GameStats(world, FixedStep, start);
            frame = 0;
        }
        else
        {
            LoadedGame loaded = GameSave.Read(LoadFrom, _clock);
            (loop, world, fixedStep, stats, frame, start) = (loaded.Loop, loaded.World, loaded.FixedStep, loaded.Stats, loaded.Frame, loaded.Start);
            fixedUpdate = world.FixedUpdate;
            for (int skipped = 1; skipped <= frame; skipped++)
            {
                while (_input.TryRead(skipped, out _))
                {
                    // applied before the save
                }
            }
        }

        var failures = new List<Exception>();
        loop.UnhandledExceptionHandler = failures.Add;   // a coroutine that throws ends the game after its frame
        ManualClock? simulated = _clock as ManualClock;
        TimeSpan last = _clock.Now;
        TimeSpan nextFrame = last;
        bool saved = false;
        bool quit = false;
        bool timeUp = false;
        while (!quit && !timeUp && !saved && failures.Count == 0)
        {
            frame++;
            simulated?.Advance(FrameTime);
            TimeSpan now = _clock.Now;
            TimeSpan delta = now - last;
            last = now;

            // 1. Input. Clock changes happen here, between steps, so they apply from this frame's fixed steps on. The
            //    statistics close their interval just before each change, under the mode that held until then.
            while (_input.TryRead(frame, out GameCommand command))
            {
                stats.Add(world, _clock.Now);
                quit |= Apply(command, world, now - start);
                stats.Observe(world);
            }

            timeUp = now - start >= _timeLimit;

            // 2. Fixed update: the bodies move, once per step the frame's time is worth.
            int steps = fixedStep.Advance(delta);
            if (frame == SaveAtFrame && SaveTo is not null)
            {
                world.LiftBodies();   // a save follows this frame, and cannot hold tasks parked on the phase
            }

            for (int i = 0; i < steps; i++)
            {
                world.StepRestartingBodies();   // after a load, until the bodies park on the phase again
                fixedUpdate.Run();
            }

            // 3. Update: one tick runs the timers that came due (spawns, turns, lifetimes, the HUD) and whatever the
            //    steps made ready.
            loop.Tick();

            // 4. Draw.
            _screen.Show(frame, now - start, Renderer.Render(world, steps));

            // 5. Save, between two frames (the loop between two ticks), and stop: a second run loads it.
            if (frame == SaveAtFrame && SaveTo is not null)
            {
                GameSave.Write(SaveTo, loop, world, fixedStep, stats, frame, start);
                saved = true;
                continue;
            }

            // 6. Real time only: sleep until the next frame is due, so the game runs at 30 fps, not flat out. Frames
            //    are due on a fixed grid (a sleep that overshoots makes the next one shorter); a host that fell more
            //    than a frame behind starts a new grid rather than rushing frames to catch up.
            if (simulated is null)
            {
                nextFrame += FrameTime;
                TimeSpan left = nextFrame - _clock.Now;
                if (left > TimeSpan.Zero)
                {
                    Thread.Sleep(left);
                }
                else if (left < -FrameTime)
                {
                    nextFrame = _clock.Now;
                }
            }
        }

        if (!saved)
        {
            stats.Add(world, _clock.Now);   // up to the end, the last frame's steps included
        }

        var result = new GameResult(frame, fixedStep.TotalSteps, fixedStep.DroppedSteps, _clock.Now - start, quit,
            world.Spawned, world.Died, world.EnemyCount, stats, failures)
        {
            Saved = saved,
            FinalWorld = new List<string>(world.Describe()),
            Cutscene = world.DescribeCutscene(),
        };
        world.Dispose();
        loop.Close();   // cancels what is left; the enemies' finally blocks take them off the field
        return result;
    }

    /// <summary>Carries out a key press; returns whether it ends the game.</summary>
    private bool Apply(GameCommand command, World world, TimeSpan time)
    {
        switch (command)
        {
            case GameCommand.TogglePause:
                _screen.Report(time, 'P', world.TogglePause());
                return false;
            case GameCommand.ToggleSlowMotion:
                _screen.Report(time, 'S', world.ToggleSlowMotion());
                return false;
            default:
                _screen.Report(time, 'Q', "quit");
                return true;
        }
    }
}
