using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// Wait-for-all (<see cref="Co.WhenAll(Future[])"/>, R40). Settle-all, which shares the bookkeeping but neither
/// cancels nor fails, is <see cref="SettleWatcher"/>.
/// </summary>
/// <remarks>
/// <para>Invariants: <c>_remaining</c> counts the argument positions not yet accounted for; each position is accounted
/// once (<c>_done</c>), the outcome of a future passed twice only at its first position. <c>_first</c> is the first
/// child that did not succeed; once it is set the others have been asked to cancel, and the result completes only when
/// <c>_remaining</c> reaches zero, so every child's <c>finally</c> blocks have run by then (R40).</para>
/// <para>Outcome when all are done: no failure: success (typed results in argument order). First failure a fault: that
/// exception (the same object), later faults attached to it (listed by <c>GetFailures()</c> after it, in the order they
/// happened). First failure a cancellation: cancelled, and any faults, which a cancellation cannot carry, go to the
/// loop's handler; except when an enclosing combinator drained this one, where a fault during that cancellation is the
/// outcome (as a throwing <c>finally</c> is for a cancelled task, R35).</para>
/// </remarks>
internal class AllWatcher : ChildSetWatcher
{
    // The first child that faulted or was cancelled (R40: a cancelled child counts as a failure); null while all went well.
    private Future? _first;

    // Every distinct exception of a faulted child, in the order they happened.
    private List<Exception>? _faults;

    internal AllWatcher(Future result, Future[] children)
        : base(result, children)
    {
    }

    protected override void OnResultCancelled()
    {
        // Nobody is left to receive failures collected so far (R23); the children are cancelled with the result (R40).
        ReportOrphans(Result._loop, _faults);
        _faults = null;
        CancelPending(Children);
    }

    /// <summary>Completes the result with the children's values (typed results in argument order).</summary>
    protected virtual void SetSuccess() => Complete(FutureState.Succeeded, null);

    protected override void OnOutcome(int index, Future child)
    {
        if (child.IsFaulted)
        {
            AddFault(child.GetExceptionForRethrow());   // observed: this combinator receives it (R23)
            FirstFailure(child);
        }
        else if (child.IsCancelled)
        {
            FirstFailure(child);
        }
    }

    private void FirstFailure(Future child)
    {
        if (_first is null)
        {
            _first = child;
            CancelPending(Children);
        }
    }

    private void AddFault(Exception failure)
    {
        _faults ??= new List<Exception>();
        foreach (Exception known in _faults)
        {
            if (ReferenceEquals(known, failure))
            {
                return;   // two children that waited on one failed future fail with the same object
            }
        }

        _faults.Add(failure);
    }

    protected override void Finish()
    {
        if (_first is null)
        {
            SetSuccess();
            return;
        }

        if (_faults is not null && (_first.IsFaulted || Draining))
        {
            CompleteWithFaults(_faults);
            return;
        }

        ReportOrphans(Result._loop, _faults);
        Complete(FutureState.Cancelled, Future.CancelledMarker);
    }
}

/// <summary>Wait-for-all with typed results in argument order (<see cref="Co.WhenAll{T}(Future{T}[])"/>).</summary>
/// <typeparam name="T">The type of each child's result.</typeparam>
internal sealed class AllWatcher<T> : AllWatcher
{
    internal AllWatcher(Future<T[]> result, Future[] children)
        : base(result, children)
    {
    }

    protected override void SetSuccess()
    {
        Future[] children = Children;
        var values = new T[children.Length];
        for (int i = 0; i < children.Length; i++)
        {
            values[i] = ((Future<T>)children[i]).Result;
        }

        CompleteWith(values);
    }
}
