using System;
using System.Collections.Generic;

namespace YieldLoop;

/// <summary>The engine side of a <see cref="TaskGroup"/>: it watches every child and the group's wait future.</summary>
/// <remarks>
/// <para>Invariants: <c>_pending</c> is the number of children started and not yet completed. <see cref="CompositeWatcher.Result"/> (the
/// wait) completes only when <c>_pending</c> is zero and someone asked for it (<see cref="TaskGroup.WhenAll"/>,
/// <see cref="TaskGroup.Dispose"/>, or an enclosing combinator draining it), so it never completes before a child
/// (R44). Once <c>_cancelling</c> is set every pending child has been asked to cancel, and children started later are
/// cancelled at once (they never run their body, R32).</para>
/// <para>A child that faults is a failure, kept in the order of failure; a child that ends cancelled is not (whoever
/// cancelled it meant it; asyncio's TaskGroup does the same). The first failure cancels the siblings.</para>
/// </remarks>
internal sealed class TaskGroupWatcher : CompositeWatcher
{
    private readonly List<Future> _children = new();
    private List<Exception>? _failures;
    private int _pending;
    private bool _cancelling;
    private bool _waitRequested;

    internal TaskGroupWatcher(Future wait)
        : base(wait)
    {
        WatchResult();
    }

    internal int Pending => _pending;

    internal int FailureCount => _failures?.Count ?? 0;

    internal bool IsFinished => Result.IsCompleted;

    internal void Add(Future child)
    {
        if (_children.Count >= 64 && _children.Count >= 2 * _pending)
        {
            _children.RemoveAll(static task => task.IsCompleted);   // amortised: a long-lived group stays small
        }

        _children.Add(child);
        _pending++;
        child.AddWaiter(this);
        if (_cancelling)
        {
            child._loop.RequestCancel(child);
        }
    }

    internal Future RequestWait()
    {
        _waitRequested = true;
        TryFinish();
        return Result;
    }

    internal void CancelChildren()
    {
        _cancelling = true;
        for (int i = 0; i < _children.Count; i++)
        {
            if (!_children[i].IsCompleted)
            {
                CancelChild(_children[i]);
            }
        }
    }

    protected override void OnChildCompleted(Future child)
    {
        _pending--;
        if (child.IsFaulted)
        {
            if (Result.IsCompleted)
            {
                ReportOrphan(child);   // the wait was cancelled: nobody else will hear of this (R23)
            }
            else
            {
                (_failures ??= new List<Exception>()).Add(child.GetExceptionForRethrow());
                if (!_cancelling)
                {
                    CancelChildren();   // R44: a failing child cancels its siblings
                }
            }
        }

        TryFinish();
    }

    protected override void OnResultCancelled()
    {
        // The owner stopped waiting (R31 cascade, or the wait was cancelled by hand): the children go with it.
        ReportOrphans(Result._loop, _failures);
        _failures = null;
        CancelChildren();
    }

    protected override void OnDrain()
    {
        CancelChildren();
        TryFinish();
    }

    private void TryFinish()
    {
        if (_pending != 0 || Result.IsCompleted || !(_waitRequested || Draining))
        {
            return;
        }

        if (_failures is not null)
        {
            Complete(FutureState.Faulted, new AggregateException(
                $"{_failures.Count} child task(s) of a task group failed; InnerExceptions holds each failure in the order they happened.",
                _failures));
        }
        else if (Draining)
        {
            Complete(FutureState.Cancelled, Future.CancelledMarker);
        }
        else
        {
            Complete(FutureState.Succeeded, null);
        }
    }
}
