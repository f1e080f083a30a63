using System;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// asyncio's <c>wait</c> (<see cref="Co.Wait{TFuture}(System.Collections.Generic.IEnumerable{TFuture}, WaitMode)"/>):
/// completes with the done and pending futures when the mode's condition holds or the timeout passes; it cancels
/// nothing.
/// </summary>
/// <remarks>
/// Not a <see cref="CompositeWatcher"/>: like wait-for-any it does not own its children, so there is nothing to drain,
/// and an enclosing combinator cancels its result outright. It is decided inside the completion that makes the
/// condition hold (or in the tick of its timer), and then leaves every waiter slot at once, so it never counts as
/// observing a failure that happens after it ended (R23). Failures of futures listed as done count as observed: the
/// result hands them on.
/// </remarks>
/// <typeparam name="TFuture">The type of the futures, as passed.</typeparam>
internal sealed class WaitWatcher<TFuture> : Watcher
    where TFuture : Future
{
    private readonly Future<WaitResult<TFuture>> _result;
    private readonly TFuture[] _futures;
    private readonly ChildIndex _index;
    private readonly WaitMode _mode;
    private int _pending;   // distinct futures not yet completed
    private bool _decided;
    private bool _armed;    // the timeout's timer is in the wheel

    internal WaitWatcher(Future<WaitResult<TFuture>> result, TFuture[] futures, WaitMode mode)
        : base(result._loop)
    {
        _result = result;
        _futures = futures;
        _mode = mode;
        var children = new Future[futures.Length];
        Array.Copy(futures, children, futures.Length);
        _index = new ChildIndex(children);
    }

    /// <summary>Starts the wait; <paramref name="timeoutTicks"/> is <see cref="TimeMath.Never"/> for no timeout.</summary>
    internal void Begin(long timeoutTicks)
    {
        bool anyDone = false, anyFaulted = false;
        for (int i = 0; i < _futures.Length; i++)
        {
            if (!_index.IsFirst(i))
            {
                continue;
            }

            if (_futures[i].IsCompleted)
            {
                anyDone = true;
                anyFaulted |= _futures[i].IsFaulted;
            }
            else
            {
                _pending++;
            }
        }

        if (Holds(anyDone, anyFaulted) || timeoutTicks <= 0)
        {
            Decide();   // already holds, or a timeout of zero or less: what is done now
            return;
        }

        _result.AddWaiter(this);
        for (int i = 0; i < _futures.Length; i++)
        {
            if (_index.IsFirst(i) && !_futures[i].IsCompleted)
            {
                _futures[i].AddWaiter(this);
            }
        }

        if (timeoutTicks != TimeMath.Never)
        {
            _armed = true;
            _loop.StartTimer(this, TimeMath.After(_loop.NowTicks, timeoutTicks));
        }
    }

    internal override void OnCompleted(Future future)
    {
        if (_decided)
        {
            return;
        }

        if (ReferenceEquals(future, _result))
        {
            // Cancelled from outside: stop waiting; the futures go on (they are not ours).
            _decided = true;
            StopTimer();
            Detach();
            return;
        }

        _pending--;
        if (Holds(anyDone: true, anyFaulted: future.IsFaulted))
        {
            Decide();
        }
    }

    internal override void OnTimer()
    {
        if (!_armed)
        {
            return;
        }

        _armed = false;
        if (!_decided)
        {
            Decide();   // the timeout ends the wait; nothing is cancelled
        }
    }

    private bool Holds(bool anyDone, bool anyFaulted) => _mode switch
    {
        WaitMode.FirstCompleted => anyDone,
        WaitMode.FirstException => anyFaulted || _pending == 0,
        _ => _pending == 0,
    };

    private void Decide()
    {
        _decided = true;
        StopTimer();
        Detach();
        int doneCount = 0;
        for (int i = 0; i < _futures.Length; i++)
        {
            if (_futures[i].IsCompleted)
            {
                doneCount++;
            }
        }

        var done = new TFuture[doneCount];
        var pending = new TFuture[_futures.Length - doneCount];
        int d = 0, p = 0;
        for (int i = 0; i < _futures.Length; i++)
        {
            TFuture future = _futures[i];
            if (future.IsCompleted)
            {
                future._state |= StateBits.Observed;   // handed on in Done (R23)
                done[d++] = future;
            }
            else
            {
                pending[p++] = future;
            }
        }

        _result.RemoveWaiter(this);
        _result.TrySetResult(new WaitResult<TFuture>(done, pending));
    }

    private void Detach()
    {
        for (int i = 0; i < _futures.Length; i++)
        {
            if (_index.IsFirst(i))
            {
                _futures[i].RemoveWaiter(this);
            }
        }
    }

    private void StopTimer()
    {
        if (_armed)
        {
            _armed = false;
            _loop.StopTimer(this);
        }
    }
}
