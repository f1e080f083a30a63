using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

// Driving the loop: Tick, RunUntilComplete, TryRunUntilComplete, RunForever, Stop. Each checks the thread (R50) and
// re-entrancy (R5); the run methods tick, then sleep until there is work (R53).
public sealed partial class EventLoop
{
    // True while RunForever, RunUntilIdle or RunUntilComplete drives the loop: it ticks as soon as work arrives, so
    // debug mode's stale-loop check (LoopDiagnostics.NoteInteropWait, any thread) does not count its sleep as a
    // loop nobody ticks. Written on the loop thread once per run, not per tick.
    [Checkpoints.NotRewound]
    private volatile bool _inRun;

    /// <summary>Gets whether a run method drives the loop now (any thread; a racy read for debug-mode checks).</summary>
    internal bool IsInRun => _inRun;

    /// <summary>Runs one tick (see the class remarks): due timers and hand-overs, then the work that was ready.</summary>
    /// <returns>The number of steps the tick ran: the turns it took from the ready queue. A step is one step of a
    /// coroutine task (its first step, a resumption up to its next yield or its end, or the turn in which a cancelled
    /// task runs its <c>finally</c> blocks) or one callback (<see cref="CallSoon"/>,
    /// <see cref="CallLater(Duration, Action)"/>, <see cref="CallAt"/>, a call of
    /// <see cref="CallEvery(Duration, Action{PeriodicTick})"/>, a <see cref="Future.AddCallback"/> callback, a
    /// <see cref="Post"/> callback). Engine-internal notifications count when they take a turn of the queue, as each
    /// does, once: a hand-over from another thread that completes a future (<c>PostResult</c>, an offload's or an
    /// awaited <see cref="System.Threading.Tasks.Task"/>'s outcome), a timeout's deadline, and the leftover entry of a
    /// task cancelled while it was queued (its turn does nothing). Firing timers and completing futures are not steps:
    /// the turns they make ready are, in this tick or the next (R1). 0 means the tick found nothing ready.
    /// <see cref="LoopPhase.Run"/> counts its run the same way.</returns>
    /// <exception cref="InvalidOperationException">Called from inside a step or callback of this loop (R5), or from
    /// another thread (R50).</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public int Tick() => RunTick(budget: -1);

    /// <summary>One tick, with its checks (R5, R50) and the current-loop bookkeeping; a budget of -1 means none.</summary>
    /// <returns>The number of steps run (see <see cref="Tick()"/>).</returns>
    private int RunTick(long budget)
    {
        CheckAccess();
        if (_inTick)
        {
            throw Reentrant(nameof(Tick));
        }

        _inTick = true;
        EventLoop? previous = t_current;
        t_current = this;
        try
        {
            return TickCore(budget);
        }
        finally
        {
            _inTick = false;
            t_current = previous;
        }
    }

    /// <summary>
    /// Runs the loop until <paramref name="future"/> completes, then returns, or throws the future's exception
    /// (the same object), or <see cref="OperationCanceledException"/> when it was cancelled.
    /// </summary>
    /// <param name="future">A future or task of this loop.</param>
    /// <exception cref="InvalidOperationException"><see cref="Stop"/> was called before the future completed (it stays
    /// pending and can be cancelled or run again, R37); or the call is made inside a step (R5) or from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void RunUntilComplete(Future future)
    {
        if (!TryRunUntilComplete(future))
        {
            throw StoppedEarly();
        }

        future.GetResult();
    }

    /// <summary>Runs the loop until <paramref name="future"/> completes and returns its result.</summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="future">A future of this loop.</param>
    /// <returns>The future's result.</returns>
    /// <exception cref="InvalidOperationException">Stopped before the future completed (R37), or misuse as for <see cref="RunUntilComplete(Future)"/>.</exception>
    public T RunUntilComplete<T>(Future<T> future)
    {
        if (!TryRunUntilComplete(future))
        {
            throw StoppedEarly();
        }

        return future.Result;
    }

    /// <summary>Starts <paramref name="coroutine"/> and runs the loop until it ends.</summary>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <exception cref="InvalidOperationException">Stopped first (R37), or misuse as for <see cref="RunUntilComplete(Future)"/>.</exception>
    public void RunUntilComplete(IEnumerator<IAwaitable> coroutine) => RunUntilComplete(Start(CheckCanRun(coroutine)));

    /// <summary>Starts <paramref name="coroutine"/> as a typed task and runs the loop until it returns its result.</summary>
    /// <typeparam name="T">The type of the result the coroutine gives with <c>Co.Return</c>.</typeparam>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidOperationException">Stopped first (R37), or misuse as for <see cref="RunUntilComplete(Future)"/>.</exception>
    public T RunUntilComplete<T>(IEnumerator<IAwaitable> coroutine) => RunUntilComplete(Start<T>(CheckCanRun(coroutine)));

    // The run checks come before Start, so a run refused inside a step (R5) leaves no started task behind.
    private IEnumerator<IAwaitable> CheckCanRun(IEnumerator<IAwaitable> coroutine)
    {
        CheckAccess();
        if (_inTick)
        {
            throw Reentrant(nameof(RunUntilComplete));
        }

        return coroutine;
    }

    /// <summary>
    /// Runs the loop until <paramref name="future"/> completes (returns true) or <see cref="Stop"/> is called first
    /// (returns false; the future stays pending, R37). Does not throw the future's failure: inspect it.
    /// </summary>
    /// <param name="future">A future or task of this loop.</param>
    /// <returns>Whether the future completed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="future"/> belongs to another loop.</exception>
    /// <exception cref="InvalidOperationException">Called inside a step (R5) or from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public bool TryRunUntilComplete(Future future)
    {
        if (future is null)
        {
            throw new ArgumentNullException(nameof(future));
        }

        CheckAccess();
        if (_inTick)
        {
            throw Reentrant(nameof(RunUntilComplete));
        }

        if (!ReferenceEquals(future._loop, this))
        {
            throw new ArgumentException(
                $"The {future.Describe()} belongs to another loop ('{future._loop.Name}'); run it on that loop.", nameof(future));
        }

        // The caller waits for this future, so its failure is observed (R23): it is thrown to the caller instead. A run
        // stopped early gives that back: the future is still pending, and a later failure must still be reported.
        bool observedBefore = (future._state & StateBits.Observed) != 0;
        future._state |= StateBits.Observed;
        _inRun = true;
        try
        {
            while (!future.IsCompleted)
            {
                Tick();
                if (future.IsCompleted)
                {
                    break;
                }

                if (_stopRequested)
                {
                    _stopRequested = false;
                    if (!observedBefore)
                    {
                        future._state &= ~StateBits.Observed;
                    }

                    return false;
                }

                WaitForWork();
            }
        }
        finally
        {
            _inRun = false;
        }

        _stopRequested = false;   // a Stop asked for during this run ends with it; it does not stop the next run
        return true;
    }

    /// <summary>Runs the loop until <see cref="Stop"/> is called, sleeping whenever nothing is ready (R53).</summary>
    /// <exception cref="InvalidOperationException">Called inside a step (R5) or from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void RunForever() => RunTicks(untilIdle: false, nameof(RunForever));

    /// <summary>The run loop of <see cref="RunForever"/> and <see cref="RunUntilIdle"/>: tick, stop when asked (or, for
    /// the latter, when idle), else sleep until there is work (R53).</summary>
    private void RunTicks(bool untilIdle, string member)
    {
        CheckAccess();
        if (_inTick)
        {
            throw Reentrant(member);
        }

        _inRun = true;
        try
        {
            while (true)
            {
                Tick();
                if (_stopRequested)
                {
                    _stopRequested = false;
                    return;
                }

                if (untilIdle && IsIdle())
                {
                    return;
                }

                WaitForWork();
            }
        }
        finally
        {
            _inRun = false;
        }
    }

    /// <summary>
    /// Asks a running <see cref="RunForever"/> or <see cref="RunUntilComplete(Future)"/> to return after the current
    /// tick. Safe from any thread; wakes a sleeping loop. Called when no run is active, the next run stops after
    /// its first tick.
    /// </summary>
    public void Stop()
    {
        _stopRequested = true;
        _wake.Set();
    }
}
