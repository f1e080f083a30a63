using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;

namespace YieldLoop.Demos.Rollback;

/// <summary>
/// Plays a match from an <see cref="InputScript"/> on player 1's machine, where player 2's inputs arrive late: missing
/// inputs are predicted (the last one known, repeated), and when a late input differs from its prediction the loop is
/// restored to that frame's checkpoint and the frames since are simulated again with what is now known.
/// </summary>
/// <remarks>
/// <para>One <see cref="LoopCheckpoint"/> per frame of the window, in a ring of <see cref="RingSize"/>, each reused
/// (<c>loop.Checkpoint(ring[frame % RingSize])</c>): after the first lap a checkpoint allocates only for coroutines
/// born since. Each is taken at the start of its frame, before the frame's inputs are applied, so it is the state that
/// frame's (corrected) inputs are replayed on. The fighters and the arena implement <see cref="IRewindable"/>, so
/// the same capture holds the game's state too; every checkpoint tracks them (<see cref="LoopCheckpoint.Track"/>),
/// because a checkpoint reaches a game object only through the coroutines that refer to it, and once the match is over
/// none does.</para>
/// <para>An input is at most <see cref="InputScript.MaxDelay"/> frames late, so a rollback goes back at most that many
/// frames, and the ring holds the checkpoint it needs: the current frame's and the eight before it.</para>
/// </remarks>
internal static class RollbackSession
{
    /// <summary>The number of checkpoints kept: the current frame's and <see cref="InputScript.MaxDelay"/> before it.</summary>
    public const int RingSize = InputScript.MaxDelay + 1;

    private const int RollbacksDescribed = 4;

    /// <summary>Plays the match with every input known on time: the reference.</summary>
    /// <param name="script">The inputs.</param>
    /// <returns>The final state (no netcode counts).</returns>
    public static RollbackRun PlayWithoutDelay(InputScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var run = new RollbackRun();
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "reference");
        loop.UnhandledExceptionHandler = run.Failures.Add;
        var arena = new Arena(loop);
        run.History = new ArenaState[script.Frames];
        for (int frame = 0; frame < script.Frames; frame++)
        {
            arena.One.Input = script.Input(1, frame);
            arena.Two.Input = script.Input(2, frame);
            clock.Advance(Arena.FrameTime);
            loop.Tick();
            run.History[frame] = arena.State;
        }

        run.Final = arena.State;
        loop.Close();
        return run;
    }

    /// <summary>Plays the match with player 2's inputs arriving <see cref="InputScript.Delay"/> frames late.</summary>
    /// <param name="script">The inputs and their delays.</param>
    /// <returns>The final state, once the last input has arrived, and what the netcode did.</returns>
    public static RollbackRun PlayWithDelay(InputScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return new Session(script).Play();
    }

    private sealed class Session
    {
        private readonly InputScript _script;
        private readonly RollbackRun _run = new();
        private readonly ManualClock _clock = new();
        private readonly EventLoop _loop;
        private readonly Arena _arena;
        private readonly LoopCheckpoint[] _ring = new LoopCheckpoint[RingSize];
        private readonly Stopwatch _checkpointWatch = new();
        private readonly Stopwatch _restoreWatch = new();

        // Player 2's inputs that have arrived, and what each simulated frame took as player 2's input (the real one
        // once it has arrived, a prediction before).
        private readonly bool[] _known;
        private readonly Buttons[] _used;

        // The frames whose input arrives at each frame (index: the frame of arrival).
        private readonly List<int>[] _arrivals;

        public Session(InputScript script)
        {
            _script = script;
            _loop = new EventLoop(_clock, "rollback");
            _loop.UnhandledExceptionHandler = _run.Failures.Add;
            _arena = new Arena(_loop);
            for (int i = 0; i < RingSize; i++)
            {
                _ring[i] = new LoopCheckpoint();
                _ring[i].Track(_arena);
                _ring[i].Track(_arena.One);
                _ring[i].Track(_arena.Two);
            }

            _run.History = new ArenaState[script.Frames];
            _known = new bool[script.Frames];
            _used = new Buttons[script.Frames];
            _arrivals = new List<int>[script.Frames + InputScript.MaxDelay + 1];
            for (int i = 0; i < _arrivals.Length; i++)
            {
                _arrivals[i] = new List<int>();
            }

            for (int frame = 0; frame < script.Frames; frame++)
            {
                _arrivals[frame + script.Delay(frame)].Add(frame);
            }
        }

        public RollbackRun Play()
        {
            for (int frame = 0; frame < _script.Frames; frame++)
            {
                Receive(frame);
                Simulate(frame);
            }

            // The match is over, but the last inputs are still on their way: take them in as they arrive.
            for (int arrival = _script.Frames; arrival < _arrivals.Length; arrival++)
            {
                Receive(arrival);
            }

            _run.Final = _arena.State;
            _run.CheckpointTime = _checkpointWatch.Elapsed;
            _run.RestoreTime = _restoreWatch.Elapsed;
            _loop.Close();
            return _run;
        }

        // The inputs that arrive at frame `now` (before it is simulated): the earliest one that differs from what its
        // frame used is where the timeline went wrong; go back there and simulate up to now again.
        private void Receive(int now)
        {
            int present = Math.Min(now, _script.Frames);
            int wrongFrom = present;
            foreach (int frame in _arrivals[now])
            {
                _known[frame] = true;
                _run.LateInputs++;
                Buttons actual = _script.Input(2, frame);
                if (actual == _used[frame])
                {
                    _run.RightPredictions++;
                }
                else if (frame < wrongFrom)
                {
                    wrongFrom = frame;
                }
            }

            if (wrongFrom == present)
            {
                return;
            }

            int depth = present - wrongFrom;
            if (_run.FirstRollbacks.Count < RollbacksDescribed)
            {
                _run.FirstRollbacks.Add(string.Create(CultureInfo.InvariantCulture,
                    $"frame {now,3}: P2's input for frame {wrongFrom} was {_script.Input(2, wrongFrom)}, not {_used[wrongFrom]}: {depth} back"));
            }

            _restoreWatch.Start();
            _loop.Restore(_ring[wrongFrom % RingSize]);
            _restoreWatch.Stop();
            _run.Rollbacks++;
            _run.ResimulatedFrames += depth;
            _run.MaxDepth = Math.Max(_run.MaxDepth, depth);
            for (int frame = wrongFrom; frame < present; frame++)
            {
                Simulate(frame);
            }
        }

        private void Simulate(int frame)
        {
            _checkpointWatch.Start();
            _loop.Checkpoint(_ring[frame % RingSize]);
            _checkpointWatch.Stop();
            _run.Checkpoints++;

            Buttons two = _known[frame] ? _script.Input(2, frame) : Predict(frame);
            _used[frame] = two;
            _arena.One.Input = _script.Input(1, frame);
            _arena.Two.Input = two;
            _clock.Advance(Arena.FrameTime);
            _loop.Tick();
            _run.History[frame] = _arena.State;
        }

        // Repeat the last input known: the latest frame before this one whose input has arrived.
        private Buttons Predict(int frame)
        {
            for (int earlier = frame - 1; earlier >= 0; earlier--)
            {
                if (_known[earlier])
                {
                    return _script.Input(2, earlier);
                }
            }

            return Buttons.None;
        }
    }
}
