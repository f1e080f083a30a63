using System;
using System.Globalization;

namespace YieldLoop;

/// <summary>
/// A timeout around one future or task (<see cref="Co.Timeout(Future, Duration)"/>, R43).
/// </summary>
/// <remarks>
/// <para>The deadline is fixed at creation (loop time + duration) and kept by the loop's timer wheel, so nothing is
/// polled per tick. At the deadline the watcher marks itself timed out and cancels the inner work (draining it when it
/// is itself a combinator), then waits: the result completes only when the inner work completed, so its
/// <c>finally</c> blocks have run. Then: cancelled as asked: <see cref="TimeoutException"/>; faulted (a
/// <c>finally</c> threw during the cancellation, R35): that exception; succeeded anyway: its result.</para>
/// <para>Work that completes before the timer's turn wins, even in the tick of the deadline: the timer runs as ready
/// work in FIFO order, and finds the work done. A cancellation from outside (of the inner work, or of the result) is a
/// cancellation, never a timeout: only the timer sets <c>_timedOut</c>. When an enclosing combinator drains this one
/// (nested timeouts whose deadlines fall in the same tick), it ends cancelled even if its own timer fired first: only
/// the outermost timeout times out, as in Trio, where the outermost expired cancel scope catches the cancellation.</para>
/// </remarks>
internal class TimeoutWatcher : CompositeWatcher
{
    private readonly Future _inner;
    private readonly double _seconds;
    private bool _armed;      // the timer is in the wheel (or queued) and should act when it fires
    private bool _timedOut;   // set only by the deadline: the cause of the inner work's cancellation
    private long _due;        // the deadline in loop ticks, while armed

    internal TimeoutWatcher(Future result, Future inner, double seconds)
        : base(result)
    {
        _inner = inner;
        _seconds = seconds;
    }

    internal void Begin(long ticks)
    {
        if (_inner.IsCompleted)
        {
            OnChildCompleted(_inner);   // work already done wins, even with a timeout of zero or less (R43)
            return;
        }

        WatchResult();
        _inner.AddWaiter(this);
        if (ticks <= 0)
        {
            Expire();   // R43: zero or less cancels at once (an unstarted task never runs its body, R32)
            return;
        }

        EventLoop loop = Result._loop;
        _armed = true;
        _due = Internal.TimeMath.After(loop.NowTicks, ticks);   // saturates at the end of time (R10)
        loop.StartTimer(this, _due);
    }

    internal override void OnTimer()
    {
        if (!_armed)
        {
            return;   // stopped after the timer was already queued in this tick
        }

        _armed = false;
        if (Result.IsCompleted || _inner.IsCompleted)
        {
            return;
        }

        EventLoop loop = Result._loop;
        if (EnclosingTimeoutIsDue(Result, loop.NowTicks, depth: 0))
        {
            // An enclosing timeout expires in this same tick (its timer runs after this one): only the outermost times
            // out (R43), so leave the expiry to it; it drains this one, which then ends cancelled. Should nothing drain
            // it after all, the timer fires again next tick.
            _armed = true;
            loop.StartTimer(this, loop.NowTicks);
            return;
        }

        Expire();
    }

    /// <summary>Whether a timeout enclosing <paramref name="future"/> (directly, or through other combinators) is armed
    /// with a deadline at or before <paramref name="now"/>.</summary>
    internal static bool EnclosingTimeoutIsDue(Future future, long now, int depth)
    {
        if (depth > 64)
        {
            return false;
        }

        object? slot = future._slot;
        if (slot is Internal.WaiterList list)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (IsDueAbove(list.Items[i], future, now, depth))
                {
                    return true;
                }
            }

            return false;
        }

        return IsDueAbove(slot, future, now, depth);
    }

    // A combinator also watches its own result (to hear of its cancellation): that entry is not an enclosing one.
    private static bool IsDueAbove(object? waiter, Future future, long now, int depth) => waiter switch
    {
        CompositeWatcher self when ReferenceEquals(self.Result, future) => false,
        TimeoutWatcher outer when outer._armed && outer._due <= now && !outer.Result.IsCompleted => true,
        TimeoutScopeWatcher scope when scope.IsDueAt(now) => true,
        CompositeWatcher other when !other.Result.IsCompleted => EnclosingTimeoutIsDue(other.Result, now, depth + 1),
        _ => false,
    };

    /// <summary>Completes the result with the inner work's value.</summary>
    protected virtual void SetSuccess() => Complete(FutureState.Succeeded, null);

    /// <summary>The inner work.</summary>
    protected Future Inner => _inner;

    protected override void OnChildCompleted(Future child)
    {
        StopTimer();
        if (Result.IsCompleted)
        {
            if (child.IsFaulted)
            {
                ReportOrphan(child);   // the timeout was cancelled: nobody else will hear of this (R23)
            }

            return;
        }

        if (child.IsSucceeded)
        {
            SetSuccess();
        }
        else if (child.IsFaulted || !_timedOut || Draining)
        {
            CompleteLike(child);
        }
        else
        {
            string unit = _seconds == 1 ? "second" : "seconds";
            Complete(FutureState.Faulted, new TimeoutException(
                $"Co.Timeout: the work did not complete within {_seconds.ToString(CultureInfo.InvariantCulture)} {unit}, so it was cancelled (its finally blocks have run)."));
        }
    }

    protected override void OnResultCancelled()
    {
        StopTimer();
        CancelChild(_inner);
    }

    protected override void OnDrain()
    {
        StopTimer();
        CancelChild(_inner);
    }

    private void Expire()
    {
        _timedOut = true;
        CancelChild(_inner);
    }

    private void StopTimer()
    {
        if (_armed)
        {
            _armed = false;
            Result._loop.StopTimer(this);
        }
    }
}

/// <summary>A timeout with the inner work's typed result (<see cref="Co.Timeout{T}(Future{T}, Duration)"/>).</summary>
/// <typeparam name="T">The type of the result.</typeparam>
internal sealed class TimeoutWatcher<T> : TimeoutWatcher
{
    internal TimeoutWatcher(Future<T> result, Future inner, double seconds)
        : base(result, inner, seconds)
    {
    }

    protected override void SetSuccess() => CompleteWith(((Future<T>)Inner).Result);
}
