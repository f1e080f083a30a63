using System;
using System.Threading;
using YieldLoop.Internal;

namespace YieldLoop;

// Hand-overs from other threads (R51): Post/TryPost put a callback in the inbox under a lock, the tick drains it into
// the ready queue. And the sleep/wake handshake of an idle run (R53): the loop sleeps on a wait handle until the next
// timer, a hand-over or Stop, never spinning.
public sealed partial class EventLoop
{
    /// <summary>
    /// Hands <paramref name="callback"/> to the loop from any thread; it runs in the next tick, in the order it was
    /// posted relative to other posts from the same thread (R51). An idle loop wakes at once (R53).
    /// </summary>
    /// <param name="callback">The callback to run on the loop's thread.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed or closing (see <see cref="TryPost"/>).</exception>
    public void Post(Action callback)
    {
        if (!TryPost(callback))
        {
            throw new ObjectDisposedException(nameof(EventLoop), ClosedMessage());
        }
    }

    /// <summary>Hands <paramref name="callback"/> to the loop from any thread, unless the loop is closed.</summary>
    /// <param name="callback">The callback to run on the loop's thread.</param>
    /// <returns><see langword="true"/> if it was queued; <see langword="false"/> if the loop is closed or closing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    public bool TryPost(Action callback)
    {
        if (callback is null)
        {
            throw new ArgumentNullException(nameof(callback));
        }

        var handle = new CallbackHandle(this, callback);
        handle._state |= StateBits.Posted;
        return TryPostHandle(handle);
    }

    /// <summary>Queues a hand-over in the inbox (any thread); false once the loop is closing.</summary>
    internal bool TryPostHandle(CallbackHandle handle)
    {
        lock (_inboxLock)
        {
            if (_closing || _closed)
            {
                return false;
            }

            _inbox.Enqueue(handle);
            Interlocked.Increment(ref _inboxCount);
        }

        if (Volatile.Read(ref _sleeping) != 0)
        {
            _wake.Set();
        }

        return true;
    }

    private void DrainInbox()
    {
        lock (_inboxLock)
        {
            while (_inbox.Count > 0)
            {
                CallbackHandle handle = _inbox.Dequeue();
                _registry.Add(handle);
                Enqueue(handle);
            }

            Volatile.Write(ref _inboxCount, 0);
        }
    }

    private void WaitForWork()
    {
        if (_readyCount > 0 || Volatile.Read(ref _inboxCount) != 0 || _stopRequested)
        {
            return;
        }

        long next = NextTimerTicks();
        int timeoutMs = Timeout.Infinite;
        if (next != long.MaxValue)
        {
            long now = Math.Max(_now, ReadClock());
            if (next <= now)
            {
                return;
            }

            if (!_manualClock)
            {
                timeoutMs = (int)Math.Min(int.MaxValue, (next - now + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond);
            }
            else if (((ManualClock)_clock).AutoJump && _externalWork == 0)
            {
                ((ManualClock)_clock).JumpTo(next);   // every task waits on time only: skip the empty stretch (Trio's autojump)
                return;
            }
        }

        if (next == long.MaxValue && _externalWork == 0 && _diagnostics is { DebugMode: true } diagnostics)
        {
            diagnostics.ReportDeadlockOnce();   // nothing in the loop can wake it: say so, once per stuck episode
        }

        // R53: sleep on a wait handle until the next timer, a hand-over or Stop; never spin. On a manual clock time
        // only moves when someone moves it, so an idle run waits for a hand-over or Stop.
        _wake.Reset();
        Interlocked.Exchange(ref _sleeping, 1);
        try
        {
            if (Volatile.Read(ref _inboxCount) == 0 && !_stopRequested)
            {
                _wake.Wait(timeoutMs);
            }
        }
        finally
        {
            Volatile.Write(ref _sleeping, 0);
        }
    }
}
