using System;
using System.Collections.Generic;
using System.Threading;
using YieldLoop.Checkpoints;
using YieldLoop.Internal;

namespace YieldLoop;

// Checkpoints (see docs/checkpoints.md and docs/design.md, "Checkpoints, rollback and save games"): the loop's whole
// scheduling state copied between ticks and written back into the same objects. The mechanism is one walk over the
// loop's closure (Checkpoints/CheckpointWalk.cs) with one compiled copier per type (Checkpoints/CopyPlan.cs); this file
// holds what only the loop knows: when a checkpoint is allowed, what cannot be rewound, and what Restore does to the
// work of the timeline it abandons.
public sealed partial class EventLoop
{
    // The current branch of the loop's history and the number of captures so far (see Timeline): not rewound, they are
    // what tells a checkpoint of an abandoned branch from one of the current history.
    [NotRewound]
    private Timeline _timeline = new(null, 0);

    [NotRewound]
    private long _captures;

    /// <summary>
    /// Captures the loop's whole scheduling state into a new <see cref="LoopCheckpoint"/>, for <see cref="Restore"/>.
    /// </summary>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="InvalidOperationException">Called from another thread or during a tick, or the loop holds
    /// something that cannot be rewound; the message names the task and what to do.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    /// <remarks>
    /// <para>Every task (its coroutine frames, what it waits on, its place in the ready queue), every timer and its
    /// deadline, the game clocks, futures and their waiters, scheduled callbacks, the loop's time and tick count. The
    /// loop's objects are copied field by field, iterators included; the game's objects are referred to, not copied
    /// (see <see cref="IRewindable"/>).</para>
    /// <para>Refused while something outside the loop could still change it: offloaded work or an awaited .NET task in
    /// flight, a .NET task awaiting one of the loop's futures, hand-overs from other threads not yet applied, a wait on
    /// a custom <see cref="IAwaitable"/> or on a <see cref="LoopPhase"/>, a wait on another loop's future.</para>
    /// </remarks>
    public LoopCheckpoint Checkpoint() => Checkpoint(new LoopCheckpoint());

    /// <summary>
    /// Captures the loop's whole scheduling state into <paramref name="into"/>, reusing the copies it holds from an
    /// earlier capture: a game that checkpoints every frame allocates only for what is new since the last one.
    /// </summary>
    /// <param name="into">The checkpoint to fill; what it held before is replaced.</param>
    /// <returns><paramref name="into"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="into"/> is null.</exception>
    /// <exception cref="InvalidOperationException">See <see cref="Checkpoint()"/>; <paramref name="into"/> is then
    /// empty.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public LoopCheckpoint Checkpoint(LoopCheckpoint into)
    {
        if (into is null)
        {
            throw new ArgumentNullException(nameof(into));
        }

        CheckBetweenTicks(nameof(Checkpoint));
        if (into.Loop is { } other && !ReferenceEquals(other, this))
        {
            into.Forget();
        }

        string? refusal = FindUnrewindable();
        if (refusal is null)
        {
            into.Walk.Capture(this, into.Tracked);
            refusal = into.Walk.Refusal;
        }

        if (refusal is not null)
        {
            into.Forget();
            throw new InvalidOperationException($"Loop '{Name}' cannot take a checkpoint: {refusal}");
        }

        into.Taken(this, _tickCount, _now, _clock.Now.Ticks, _registry.Count, _timeline, ++_captures);
        return into;
    }

    /// <summary>
    /// Puts the loop back to <paramref name="checkpoint"/>: the same task and future objects with their state set back,
    /// the timers, clocks, time and tick count as they were. The next ticks run the same steps in the same order as they
    /// did after the checkpoint was taken (given the same inputs).
    /// </summary>
    /// <param name="checkpoint">A checkpoint of this loop.</param>
    /// <exception cref="ArgumentNullException"><paramref name="checkpoint"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="checkpoint"/> is empty or was taken of another loop.</exception>
    /// <exception cref="InvalidOperationException">Called from another thread or during a tick, the loop's clock is not
    /// a <see cref="ManualClock"/>, or work started since the checkpoint is still running outside the loop.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    /// <remarks>
    /// <para>Restoring is the one way loop time goes back: the loop's <see cref="ManualClock"/> is set back to the
    /// checkpoint's time. Tasks, timers and callbacks created after the checkpoint are discarded without running their
    /// <c>finally</c> blocks: their timeline never happened. A handle to such a task that the game still holds reads
    /// <see cref="FutureState.Cancelled"/>. A task that finished after the checkpoint is pending again, and its
    /// <c>finally</c> blocks will run when it finishes in the new timeline: once per timeline.</para>
    /// <para>The game's own objects keep their state unless they implement <see cref="IRewindable"/> or the game rolls
    /// them back itself.</para>
    /// </remarks>
    public void Restore(LoopCheckpoint checkpoint)
    {
        if (checkpoint is null)
        {
            throw new ArgumentNullException(nameof(checkpoint));
        }

        CheckBetweenTicks(nameof(Restore));
        if (checkpoint.Loop is null)
        {
            throw new ArgumentException("The checkpoint is empty: take one with loop.Checkpoint() first.", nameof(checkpoint));
        }

        if (!ReferenceEquals(checkpoint.Loop, this))
        {
            throw new ArgumentException($"The checkpoint was taken of loop '{checkpoint.Loop.Name}', not of loop '{Name}'.", nameof(checkpoint));
        }

        if (_clock is not ManualClock manual)
        {
            throw new InvalidOperationException(
                $"Loop '{Name}' cannot restore a checkpoint: its clock is a {_clock.GetType().Name}, and restoring sets the clock back to the checkpoint's time. Create the loop with a ManualClock and advance it from your frame loop (docs/checkpoints.md).");
        }

        if (_interopWatchers is { Count: > 0 } || Volatile.Read(ref _inboxCount) != 0)
        {
            throw new InvalidOperationException(
                $"Loop '{Name}' cannot restore a checkpoint: {DescribeExternal() ?? "hand-overs from other threads are waiting to be applied"}. Its result would arrive in a timeline where nobody waits for it; wait for it to finish (or cancel it and tick) before restoring.");
        }

        if (!_timeline.Contains(checkpoint.Lineage!, checkpoint.Sequence))
        {
            throw new InvalidOperationException(
                $"Loop '{Name}' cannot restore {checkpoint}: it was taken in a timeline that an earlier Restore abandoned, and restoring it would bring back a state the loop no longer has. After a restore, take the later checkpoints again (as a rollback does while it plays the frames again).");
        }

        CheckpointWalk walk = checkpoint.Walk;
        CheckPooledWaits(walk);
        DiscardNewWork(walk);
        walk.Restore();
        TakePooledWaitsBack(walk);
        manual.RewindTo(checkpoint.ClockTicks);
        _timeline = new Timeline(checkpoint.Lineage, checkpoint.Sequence);
        _notifications.Clear();
        _notifying = false;
        _wavesOpen = false;
        _waveCount = 0;
        _lastIteratorType = null;
        _lastIteratorShape = null;
    }

    private void CheckBetweenTicks(string operation)
    {
        CheckAccess();
        if (_inTick || _closing)
        {
            throw new InvalidOperationException(
                $"{operation} was called on loop '{Name}' during a tick: checkpoints are taken and restored between ticks, where every task is parked. Call it from your frame loop, before or after Tick.");
        }
    }

    // What a checkpoint cannot capture, named by the task it concerns; null when everything can be rewound.
    private string? FindUnrewindable()
    {
        if (Volatile.Read(ref _inboxCount) != 0)
        {
            return $"{Volatile.Read(ref _inboxCount)} hand-over(s) from other threads are waiting to be applied. Tick once to apply them, then take the checkpoint.";
        }

        if (_interopWatchers is { Count: > 0 })
        {
            return DescribeExternal() + ". Its result would come back from outside the loop, which a restore cannot rewind. Take the checkpoint when it has finished (or keep offloaded work out of the state you roll back).";
        }

        for (int i = 0; i < _registry.Count; i++)
        {
            Future task = _registry.At(i);
            if ((task._state & (StateBits.InWheel | StateBits.StateMask)) != 0)
            {
                continue;
            }

            switch (task._link)
            {
                case CustomWaker waker:
                    return $"{task.Describe()} waits on a custom awaitable ({waker.AwaitableType}), whose completion comes from code the loop does not own and cannot rewind. Wait on a Future (a FutureSource completed by your code) instead.";
                case LoopPhase phase:
                    return $"{task.Describe()} waits on the loop phase '{phase.Name}', which your host runs (phase.Run()) on a schedule of its own that the loop does not own: a restored or loaded wait could not tell which run of the phase it belongs to. Take the checkpoint at a point where no task waits on a phase (for example, end phase waits before the frame you save and start them again after), or wait with Co.NextTick or a sleep in the state you checkpoint.";
            }
        }

        return null;
    }

    // The first external thing in flight, with the task that waits on it.
    private string? DescribeExternal()
    {
        if (_interopWatchers is not { Count: > 0 } watchers)
        {
            return null;
        }

        foreach (InteropWatcher watcher in watchers)
        {
            Future? watched = watcher.Watched;
            string what = watcher.Describe();
            if (watched is null)
            {
                return what + " is in flight";
            }

            if (watched.IsTask)
            {
                return $"{what} is in flight for {watched.Describe()}";
            }

            for (int i = 0; i < _registry.Count; i++)
            {
                Future task = _registry.At(i);
                if ((task._state & StateBits.InWheel) == 0 && ReferenceEquals(task._link, watched))
                {
                    return $"{what} is in flight, awaited by {task.Describe()}";
                }
            }

            return what + " is in flight";
        }

        return null;
    }

    // A pooled wait the checkpoint puts back in use must not be in use by another loop now (pools are per thread).
    private void CheckPooledWaits(CheckpointWalk walk)
    {
        CheckpointWalk.Entry[] entries = walk.Entries;
        foreach (int i in walk.PooledEntries)
        {
            if (entries[i].Live is IPooledWait wait && wait.IsRented
                && wait.Renter is { } renter && !ReferenceEquals(renter._loop, this))
            {
                throw new InvalidOperationException(
                    $"Loop '{Name}' cannot restore a checkpoint: a one-shot wait it held at the checkpoint now serves {renter.Describe()} of loop '{renter._loop.Name}' on the same thread. Loops that share a thread share one pool; restore only loops that run on a thread of their own.");
            }
        }
    }

    // Pooled waits the restore put back in use leave this thread's free lists (they may have been given back since).
    private static void TakePooledWaitsBack(CheckpointWalk walk)
    {
        if (walk.PooledEntries.Count != 0)
        {
            PoolRegistry.DropRented();
        }
    }

    // The work of the abandoned timeline: tasks and callbacks born after the checkpoint, and futures made after it that
    // live work waits on. Nothing the restored loop holds refers to them any more, but the game may: they end as
    // cancelled, quietly (no finally block runs, no waiter wakes, nothing is reported), so a handle reads a final state
    // and cancelling it later touches nothing.
    private void DiscardNewWork(CheckpointWalk walk)
    {
        // A task in the same registry slot as at the checkpoint was captured: only the others need a lookup.
        Array? captured = walk.CopyOf(_registry.Items) as Array;
        for (int i = 0; i < _registry.Count; i++)
        {
            Future node = _registry.At(i);
            if (captured is not null && ReferenceEquals(TaskRegistry.AtIn(captured, i), node) && (node._state & StateBits.InWheel) != 0)
            {
                continue;   // captured, and in the wheel: it waits on no future
            }

            if ((node._state & StateBits.InWheel) == 0 && node._link is Future waited && !walk.Holds(waited))
            {
                Abandon(waited);
            }

            if (!walk.Holds(node))
            {
                Abandon(node);
            }
        }
    }

    private static void Abandon(Future future)
    {
        int st = future._state;
        if ((st & StateBits.StateMask) != 0)
        {
            return;
        }

        if (future.IsTask)
        {
            future._frame = Names.Keep(future);
        }

        future._link = null;
        future._liveIndex = -1;
        future._slot = Future.CancelledMarker;
        future._state = (st & (StateBits.KindMask | StateBits.Typed | StateBits.Resettable)) | (int)FutureState.Cancelled | StateBits.Observed;
    }
}
