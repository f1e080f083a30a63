using System;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A point of the host's frame — fixed update, late update, end of frame — that coroutines can wait for:
/// <c>yield return fixedUpdate;</c> resumes the coroutine the next time the host calls <see cref="Run"/> on that phase
/// (what Unity's <c>WaitForFixedUpdate</c> and UniTask's <c>PlayerLoopTiming</c> give).
/// </summary>
/// <remarks>
/// <para><b>Wiring.</b> The host calls <see cref="EventLoop.Tick()"/> once per frame (the update phase: timers,
/// hand-overs and ordinary wake-ups run there) and <see cref="Run"/> of each phase at its point of the frame, e.g.
/// <c>fixedUpdate.Run()</c> once per fixed step, then <c>Tick()</c>, then <c>lateUpdate.Run()</c>. See
/// docs/embedding.md.</para>
/// <para><b>Rules.</b> The wait is one-shot: after resuming in the phase, the coroutine's next wait is an ordinary one,
/// so a coroutine switches phase by yielding another phase, and a "fixed-update coroutine" yields the phase each time
/// round its loop. <see cref="Run"/> steps exactly the tasks parked on the phase when it began, in the order they
/// parked (R1, R3); a task that parks on the phase during the run waits for the next run. Work a phase run makes ready
/// (a future completed, a task started or woken) runs at the next <see cref="EventLoop.Tick()"/>. A phase run reads the
/// loop's clock like a tick (so <see cref="EventLoop.Time"/> and <see cref="GameClock.Now"/> are current inside it), but
/// fires no timers and takes no hand-overs. A cancelled task leaves the phase at once. A task of a paused
/// <see cref="Scope"/> is held when its phase runs and resumes in the tick after the scope resumes.</para>
/// <para>Loop-only; <see cref="Run"/> is not allowed inside a step (R5).</para>
/// </remarks>
[DebuggerDisplay("Phase '{Name,nq}' (waiting: {WaitingCount})")]
public sealed class LoopPhase : IAwaitable
{
    private ReadyEntry[] _parked = new ReadyEntry[16];
    private ReadyEntry[] _spare = new ReadyEntry[16];
    private int _count;
    private long _runCount;

    /// <summary>Creates a phase of <paramref name="loop"/>.</summary>
    /// <param name="loop">The loop whose tasks wait for the phase.</param>
    /// <param name="name">The phase's name, for diagnostics (for example "FixedUpdate").</param>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> or <paramref name="name"/> is null.</exception>
    public LoopPhase(EventLoop loop, string name)
    {
        Loop = loop ?? throw new ArgumentNullException(nameof(loop));
        loop.ThrowIfClosed();
        Name = name ?? throw new ArgumentNullException(nameof(name));
    }

    /// <summary>Gets the phase's name.</summary>
    public string Name { get; }

    /// <summary>Gets the loop the phase belongs to.</summary>
    public EventLoop Loop { get; }

    /// <summary>Gets how many times <see cref="Run"/> has run.</summary>
    public long RunCount => _runCount;

    /// <summary>Gets how many tasks wait for the next run (cancelled ones leave at once).</summary>
    public int WaitingCount
    {
        get
        {
            int n = 0;
            for (int i = 0; i < _count; i++)
            {
                if (ReferenceEquals(_parked[i].Node._link, this))
                {
                    n++;
                }
            }

            return n;
        }
    }

    bool IAwaitable.IsCompleted => false;

    /// <summary>Runs the tasks parked on this phase when the call began, in the order they parked.</summary>
    /// <returns>The number of steps it ran, counted as <see cref="EventLoop.Tick()"/> counts them: one per task parked
    /// here when the call began and still waiting (a phase queues no callbacks or engine notifications).</returns>
    /// <exception cref="InvalidOperationException">Called from inside a step or callback of the loop (R5), or from
    /// another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public int Run()
    {
        EventLoop loop = Loop;
        loop.CheckAccess();
        if (loop.InTick)
        {
            throw loop.ReentrantCall($"LoopPhase.Run ('{Name}')");
        }

        _runCount++;
        ReadyEntry[] run = _parked;
        int count = _count;
        _parked = _spare;
        _spare = run;
        _count = 0;

        // Keep the tasks still parked here; a cancelled one already left (its link was cleared).
        int live = 0;
        for (int i = 0; i < count; i++)
        {
            LoopNode task = run[i].Node;
            run[i].Node = null!;
            if (ReferenceEquals(task._link, this) && (task._state & StateBits.StateMask) == 0)
            {
                run[live++].Node = task;
            }
        }

        if (live != 0)
        {
            loop.RunPhase(run, live);
        }

        return live;
    }

    /// <summary>Describes the phase.</summary>
    /// <returns>The name and how many tasks wait for it.</returns>
    public override string ToString() => $"LoopPhase '{Name}' (waiting: {WaitingCount})";

    void IAwaitable.OnCompleted(Action continuation) => throw new InvalidOperationException(
        $"Phase '{Name}' is understood by the loop only; yield it from a coroutine of loop '{Loop.Name}'.");

    /// <summary>A task yielded this phase (loop thread, inside its step).</summary>
    internal void Park(LoopNode task)
    {
        if (_count == _parked.Length)
        {
            // Drop the entries of tasks that were cancelled while parked before growing.
            int live = 0;
            for (int i = 0; i < _count; i++)
            {
                LoopNode parked = _parked[i].Node;
                _parked[i].Node = null!;
                if (ReferenceEquals(parked._link, this))
                {
                    _parked[live++].Node = parked;
                }
            }

            _count = live;
            if (_count * 2 > _parked.Length)
            {
                Array.Resize(ref _parked, _parked.Length * 2);
            }
        }

        _parked[_count++].Node = task;
    }
}
