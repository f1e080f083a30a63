using System;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// The engine side of a <see cref="TimeoutScope"/>: a timeout (R43) whose deadline can be moved or cleared while the
/// work runs.
/// </summary>
/// <remarks>
/// <para>It behaves as <see cref="TimeoutWatcher"/> at expiry (cancel the work, drain it when it is a combinator's
/// result, wait for its <c>finally</c> blocks, then fail with <see cref="TimeoutException"/>), and like it defers to
/// an enclosing timeout that expires in the same tick, so only the outermost times out.</para>
/// <para>Each deadline is a fresh one-shot <see cref="DeadlineTimer"/> node: a watcher's own timer cannot be put back
/// into the wheel until the wheel has swept its cancelled entry (end of tick), and a reschedule may come any number of
/// times in one tick. A stopped timer that still fires finds it is no longer the current one and does nothing.</para>
/// </remarks>
internal sealed class TimeoutScopeWatcher : CompositeWatcher
{
    private readonly Future _inner;
    private DeadlineTimer? _timer;   // the armed deadline, null when none is armed
    private long _due;               // the deadline in loop ticks, when _hasDeadline
    private bool _hasDeadline;
    private bool _timedOut;          // set only by the deadline: the cause of the work's cancellation

    internal TimeoutScopeWatcher(Future result, Future inner)
        : base(result)
    {
        _inner = inner;
    }

    /// <summary>The deadline in loop ticks, or null for none.</summary>
    internal long? Due => _hasDeadline ? _due : null;

    /// <summary>Whether the deadline passed and cancelled the work.</summary>
    internal bool TimedOut => _timedOut;

    /// <summary>Whether the armed deadline is at or before <paramref name="now"/> (for the nested-timeouts rule).</summary>
    internal bool IsDueAt(long now) => _timer is not null && _due <= now && !Result.IsCompleted;

    /// <summary>Whether the deadline may still be changed: the work is pending and the deadline has not passed.</summary>
    internal bool IsOpen => !_timedOut && !Result.IsCompleted && !_inner.IsCompleted;

    internal void Begin(long? due)
    {
        _hasDeadline = due.HasValue;
        _due = due ?? 0;
        if (_inner.IsCompleted)
        {
            OnChildCompleted(_inner);   // work already done wins, whatever the deadline (R43)
            return;
        }

        WatchResult();
        _inner.AddWaiter(this);
        Arm(due);
    }

    /// <summary>Moves the deadline (null: none). The caller checked <see cref="IsOpen"/>.</summary>
    internal void Reschedule(long? due)
    {
        Disarm();
        _hasDeadline = due.HasValue;
        _due = due ?? 0;
        Arm(due);
    }

    protected override void OnChildCompleted(Future child)
    {
        Disarm();
        if (Result.IsCompleted)
        {
            if (child.IsFaulted)
            {
                ReportOrphan(child);   // the scope was cancelled: nobody else will hear of this (R23)
            }

            return;
        }

        if (child.IsSucceeded)
        {
            Complete(FutureState.Succeeded, null);
        }
        else if (child.IsFaulted || !_timedOut || Draining)
        {
            CompleteLike(child);
        }
        else
        {
            Complete(FutureState.Faulted, new TimeoutException(
                $"TimeoutScope: the deadline (loop time {TimeMath.Format(_due)}) passed before the work completed, so it was cancelled (its finally blocks have run)."));
        }
    }

    protected override void OnResultCancelled()
    {
        Disarm();
        CancelChild(_inner);
    }

    protected override void OnDrain()
    {
        Disarm();
        CancelChild(_inner);
    }

    private void Arm(long? due)
    {
        if (due is not long deadline)
        {
            return;   // no deadline (yet): the work runs until it ends or a deadline is set
        }

        EventLoop loop = Result._loop;
        if (deadline <= loop.NowTicks)
        {
            Expire();   // a deadline already passed cancels at once, as a timeout of zero does (R43)
            return;
        }

        _timer = new DeadlineTimer(this);
        loop.StartTimer(_timer, deadline);
    }

    private void Disarm()
    {
        if (_timer is not null)
        {
            Result._loop.StopTimer(_timer);
            _timer = null;
        }
    }

    private void OnDeadline(DeadlineTimer timer)
    {
        if (!ReferenceEquals(timer, _timer))
        {
            return;   // moved or cleared after this timer was already queued in this tick
        }

        _timer = null;
        if (Result.IsCompleted || _inner.IsCompleted)
        {
            return;
        }

        EventLoop loop = Result._loop;
        if (TimeoutWatcher.EnclosingTimeoutIsDue(Result, loop.NowTicks, depth: 0))
        {
            // As TimeoutWatcher: an enclosing timeout expires in this tick and will drain this one (R43).
            _timer = new DeadlineTimer(this);
            loop.StartTimer(_timer, loop.NowTicks);
            return;
        }

        Expire();
    }

    private void Expire()
    {
        _timedOut = true;
        CancelChild(_inner);
    }

    /// <summary>One deadline of the scope in the timer wheel.</summary>
    private sealed class DeadlineTimer : Watcher
    {
        private readonly TimeoutScopeWatcher _owner;

        internal DeadlineTimer(TimeoutScopeWatcher owner)
            : base(owner._loop)
        {
            _owner = owner;
        }

        internal override void OnCompleted(Future future)
        {
        }

        internal override void OnTimer() => _owner.OnDeadline(this);
    }
}
