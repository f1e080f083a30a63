using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>Closing the loop: run what was accepted, then unwind every pending task as a cancel does (R36, R51).</summary>
public sealed partial class EventLoop
{
    /// <summary>
    /// Closes the loop: cancels every pending task and callback (their <c>finally</c> blocks run), and returns what
    /// was pending (R36). Closing twice is a no-op that returns an empty list.
    /// </summary>
    /// <returns>The tasks and callbacks that were still pending, in no particular order.</returns>
    /// <remarks>
    /// <para>Close first runs every callback that <see cref="Post"/> or <see cref="TryPost"/> accepted and that no tick
    /// has run yet, and applies every thread-safe completion accepted before it (R51): what was accepted runs, as a
    /// tick would have run it. Then it cancels every pending task and callback, including any that those callbacks
    /// started, the way <see cref="Future.Cancel"/> does: a task waiting on another task (directly, through a
    /// combinator or a task group) ends after it, so the <c>finally</c> blocks run innermost task first (R31, R36).
    /// From the moment Close begins, <see cref="Post"/> throws and <see cref="TryPost"/> returns false.</para>
    /// <para>After closing, the state, result and exception of tasks and futures can still be read; every other
    /// use of the loop throws <see cref="ObjectDisposedException"/>. The list is also written to <see cref="Trace"/>.
    /// Failures that happen while closing are reported before this returns.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">Called inside a step or callback of this loop, or from another thread.</exception>
    public IReadOnlyList<Future> Close()
    {
        CheckThread();
        if (_closed)
        {
            return Array.Empty<Future>();
        }

        if (_inTick)
        {
            throw new InvalidOperationException(
                $"EventLoop '{Name}' cannot be closed from inside one of its own steps or callbacks. Call Stop() there, and Close() after the run returns.");
        }

        _inTick = true;   // posted callbacks and finally blocks run below: they must not tick or close the loop again
        var pending = new List<Future>();
        try
        {
            lock (_inboxLock)
            {
                _closing = true;   // from here on Post throws and TryPost returns false (R36)
            }

            RunAcceptedPosts();   // what Post accepted runs, as a tick would have run it (R51)
            CancelAllOnClose(pending);
            ReleaseInteropWatchersOnClose();   // awaiters of futures left pending end with ObjectDisposedException
            ReportUnobserved();
        }
        finally
        {
            _closed = true;
            _inTick = false;
            _timers.Clear();
            _diagnostics?.OnLoopClosed();
            _driversInWheel = 0;
            ClockTimerCount = 0;
            Array.Clear(_ready, 0, _ready.Length);
            _readyHead = 0;
            _readyCount = 0;
            _readyLimit = _ready.Length;
            _unstarted.Clear();
        }

        if (pending.Count > 0)
        {
            Trace.TraceWarning($"YieldLoop: EventLoop '{Name}' was closed with {pending.Count} pending task(s); they were cancelled.");
        }

        return pending;
    }

    /// <summary>
    /// Close, first: drains the inbox and runs every accepted post and thread-safe completion still queued (some may
    /// sit in the ready queue already, left by a budgeted tick), in queue order, before any task is cancelled.
    /// </summary>
    private void RunAcceptedPosts()
    {
        DrainInbox();

        // Running one may enqueue more work (a completion wakes waiters, a callback starts a task): _ready and
        // _readyCount are read again each time round; what they enqueue is not a post and is cancelled below.
        for (int i = 0; i < _readyCount; i++)
        {
            LoopNode node = _ready[SliceSlot(_ready, _readyHead, i)].Node;
            int st = node._state;
            if ((st & (StateBits.Posted | StateBits.HandOver)) != 0 && (st & StateBits.StateMask) == 0)
            {
                RunCallback(node, st);
            }
        }
    }

    /// <summary>
    /// Close, then: cancels every pending task and callback with <see cref="RequestCancel"/>, so the turns queue in the
    /// order a cancel gives them (children first, R31), and runs those turns. Finally blocks may start or cancel more
    /// work; it goes round until nothing is left, at most 64 rounds, and then ends whatever is left without its turn.
    /// </summary>
    private void CancelAllOnClose(List<Future> pending)
    {
        var listed = new HashSet<Future>(ReferenceComparer.Instance);
        for (int round = 0; round < 64 && (_registry.Count > 0 || _readyCount > 0); round++)
        {
            foreach (Future task in _registry.Snapshot())
            {
                if (listed.Add(task))
                {
                    pending.Add(task);
                }

                RequestCancel(task);
            }

            RunCloseTurns();
        }

        foreach (Future task in _registry.Snapshot())
        {
            // Work that kept starting work for 64 rounds: end it here; its body never runs again.
            if (listed.Add(task))
            {
                pending.Add(task);
            }

            task._state |= StateBits.CancelRequested;
            EndTask(task, FutureState.Cancelled, null);
        }
    }

    /// <summary>Runs the queued turns once, like a tick's slice, but only cancelled turns and callbacks (R36).</summary>
    private void RunCloseTurns()
    {
        ReadyEntry[] run = TakeReady(out int head, out int count);
        for (int i = 0; i < count; i++)
        {
            LoopNode node = run[SliceSlot(run, head, i)].Node;
            int st = node._state;
            if ((st & StateBits.StateMask) != 0)
            {
                continue;
            }

            if ((st & StateBits.KindMask) != 0)
            {
                RunCallback(node, st);   // a cancelled callback completes cancelled; a completion callback runs (R17)
            }
            else if ((st & StateBits.CancelRequested) != 0)
            {
                Step(AsTask(node), st);  // disposes the frames: the finally blocks run (R30)
            }
        }

        ReleaseSlice(run, head, count);
    }
}
