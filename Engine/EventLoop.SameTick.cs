using System;
using YieldLoop.Internal;

namespace YieldLoop;

// Same-tick wake-ups (R1b), an option for game hosts, off by default.
//
// Model. With the option on, a plain tick runs its slice (the work that was ready when it began, R1) and then, behind
// it, the coroutine tasks woken while it ran: a task whose future completed (a child task ended, a lock was granted, a
// combinator settled, a hand-off was made) and the first step of a task started during the tick. Those run in waves:
// the tasks woken during a wave make the next wave, so a chain of tasks that wake one another settles in one tick, as
// Unity's `yield return StartCoroutine(...)` and UniTask continuations do.
//
// Invariants kept. A wake-up is still queued, never run inside the code that caused it (R4): it waits for its place
// in a wave. Waves run first in, first out, behind the work already queued (R3). Only wake-ups by completion and
// first steps join the tick: `Co.NextTick`/`null`, sleeps, timers, `CallSoon` and completion callbacks still wait for
// the next tick (R2), so a coroutine that yields `Co.NextTick` forever still lets the tick end. A cap,
// SameTickStepLimit (10,000 steps by default), bounds the extra steps a tick takes on: two tasks that hand a value
// back and forth through futures run at most that many extra steps per tick, and what passes the cap is queued, in
// order, for the next tick. Ticks with a frame budget (`Tick(budget)`), phases and Close do not take same-tick work:
// their wake-ups wait for the next tick as without the option.
//
// Mechanism. While a plain tick's slice runs with the option on, `_wavesOpen` is set and a wake-up of a coroutine task
// goes to the wave array instead of the ready queue (EnqueueWoken: one field test when the option is off). After the
// slice, RunWaves swaps the wave array out and runs it with the one run slice (RunEntries), again and again until no
// wave is left or the cap is reached.
//
// Rejected. Running the woken task inline at the completion (Unity's StartCoroutine runs the new coroutine inside the
// caller): it breaks R4 and turns chains into recursion. Putting same-tick wake-ups into the ready queue and extending
// the running slice: the ready queue's slice is fixed when the tick begins (R1 for everything else), and next-tick work
// queued during the slice would be mixed in. A cap in waves rather than steps: a single wave can be arbitrarily large,
// and a step cap bounds the time a frame takes more directly.
public sealed partial class EventLoop
{
    private const int DefaultSameTickStepLimit = 10_000;

    [Checkpoints.NotRewound]
    private bool _sameTickWakeUps;

    [Checkpoints.NotRewound]
    private int _sameTickStepLimit = DefaultSameTickStepLimit;

    // True while a plain tick with same-tick wake-ups runs its slice or a wave: coroutine wake-ups go to _wave.
    [Checkpoints.NotRewound]
    private bool _wavesOpen;

    [Checkpoints.NotRewound]
    private ReadyEntry[] _wave = Array.Empty<ReadyEntry>();

    [Checkpoints.NotRewound]
    private ReadyEntry[] _waveSpare = Array.Empty<ReadyEntry>();

    [Checkpoints.NotRewound]
    private int _waveCount;

    /// <summary>
    /// Gets or sets whether a coroutine task woken during a tick resumes later in that same tick instead of in the next
    /// one: a task whose awaited future, child task, lock or combinator completed, and the first step of a task started
    /// during the tick. Off by default (every hand-off then costs a tick, as in asyncio). Turn it on for game hosts
    /// where a chain of coroutines that wait on one another should settle within one frame, as Unity's
    /// <c>yield return StartCoroutine(...)</c> and UniTask do.
    /// </summary>
    /// <remarks>
    /// The woken tasks run behind the work already queued, first in, first out, never inside the code that woke them.
    /// <c>Co.NextTick</c>, sleeps, timers and callbacks still wait for their tick. At most
    /// <see cref="SameTickStepLimit"/> extra steps run in one tick; the rest run in the next tick. Ticks with a frame
    /// budget (<see cref="Tick(Duration, IClock)"/>) run wake-ups in the next tick, as without the option.
    /// </remarks>
    /// <exception cref="InvalidOperationException">Set from another thread.</exception>
    public bool SameTickWakeUps
    {
        get => _sameTickWakeUps;
        set
        {
            CheckAccess();
            _sameTickWakeUps = value;
        }
    }

    /// <summary>
    /// Gets or sets the most steps that same-tick wake-ups (<see cref="SameTickWakeUps"/>) add to one tick: 10,000 by
    /// default. What passes it runs in the next tick, in order, so a tick always ends even when two tasks hand values
    /// back and forth forever.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    /// <exception cref="InvalidOperationException">Set from another thread.</exception>
    public int SameTickStepLimit
    {
        get => _sameTickStepLimit;
        set
        {
            CheckAccess();
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    "SameTickStepLimit must be 0 or more (0 runs every wake-up in the next tick, as with SameTickWakeUps off).");
            }

            _sameTickStepLimit = value;
        }
    }

    /// <summary>
    /// Queues a node woken by a completion, or a task's first step: into the running tick's next wave when same-tick
    /// wake-ups are open and the node is a coroutine task, otherwise into the ready queue (R1b).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void EnqueueWoken(LoopNode node)
    {
        if (_wavesOpen && node.IsCoroutineTask)
        {
            AddToWave(node);
            return;
        }

        Enqueue(node);
    }

    private void AddToWave(LoopNode node)
    {
        if (_waveCount == _wave.Length)
        {
            Array.Resize(ref _wave, Math.Max(16, _waveCount * 2));
        }

        _wave[_waveCount++].Node = node;
    }

    /// <summary>
    /// After a plain tick's slice: runs the waves of same-tick wake-ups until none is left or the cap is reached; what
    /// passes the cap goes to the ready queue for the next tick, in order. Returns the steps run.
    /// </summary>
    private int RunWaves()
    {
        int ran = 0;
        int limit = _sameTickStepLimit;
        while (_waveCount != 0)
        {
            ReadyEntry[] wave = _wave;
            int count = _waveCount;
            int take = Math.Min(count, limit - ran);
            if (take <= 0)
            {
                break;
            }

            // Wake-ups during this wave make the next one.
            _wave = _waveSpare;
            _waveSpare = wave;
            _waveCount = 0;
            RunEntries(wave, 0, take, wave: true);
            ran += take;
            if (take < count)
            {
                // The cap: the rest of this wave first, then what it woke, all for the next tick.
                _wavesOpen = false;
                for (int i = take; i < count; i++)
                {
                    Enqueue(wave[i].Node);
                }

                Array.Clear(wave, 0, count);
                break;
            }

            Array.Clear(wave, 0, count);
        }

        _wavesOpen = false;
        if (_waveCount != 0)
        {
            for (int i = 0; i < _waveCount; i++)
            {
                Enqueue(_wave[i].Node);
            }

            Array.Clear(_wave, 0, _waveCount);
            _waveCount = 0;
        }

        return ran;
    }
}
