using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// The bookkeeping that wait-for-all, settle-all and race share: every argument position is accounted for exactly
/// once (<c>_done</c>; a future passed twice counts only at its first position), and the result is decided once, when
/// the last position is accounted for, so every child's <c>finally</c> blocks have run by then (R40, R42).
/// </summary>
internal abstract class ChildSetWatcher : CompositeWatcher
{
    private readonly ChildIndex _index;
    private readonly bool[] _done;
    private int _remaining;
    private bool _finished;

    protected ChildSetWatcher(Future result, Future[] children)
        : base(result)
    {
        Children = children;
        _index = new ChildIndex(children);
        _done = new bool[children.Length];
        _remaining = children.Length;
    }

    /// <summary>The children, in argument order.</summary>
    protected Future[] Children { get; }

    internal void Begin()
    {
        WatchResult();
        Future[] children = Children;
        for (int i = 0; i < children.Length; i++)
        {
            if (!children[i].IsCompleted && _index.IsFirst(i))
            {
                children[i].AddWaiter(this);
            }
        }

        // Children already complete are taken in argument order. Cancelling the others may complete some of them
        // synchronously (plain futures), which notifies this watcher re-entrantly; _done keeps each counted once.
        for (int i = 0; i < children.Length && !_finished; i++)
        {
            if (!_done[i] && children[i].IsCompleted)
            {
                Account(i);
            }
        }

        if (_remaining == 0)
        {
            FinishOnce();   // also "of nothing, it completes at once" (R40)
        }
    }

    protected override void OnChildCompleted(Future child)
    {
        for (int i = _index.First(child); i >= 0; i = _index.Next(i))
        {
            if (!_done[i])
            {
                Account(i);
            }
        }
    }

    protected override void OnDrain() => CancelPending(Children);

    /// <summary>
    /// The outcome of the child at its first argument position <paramref name="index"/>, while the result is still
    /// pending. (A child that faults after the result completed is reported as an orphan instead.)
    /// </summary>
    protected abstract void OnOutcome(int index, Future child);

    /// <summary>Decides the result once every position is accounted for (called once, while it is pending).</summary>
    protected abstract void Finish();

    /// <summary>Fails the result with the first of <paramref name="faults"/>, the others attached to it (R40).</summary>
    protected void CompleteWithFaults(List<Exception> faults)
    {
        Exception primary = faults[0];
        if (faults.Count > 1)
        {
            CoroutineTraceRecord.AttachSuppressed(primary, faults.GetRange(1, faults.Count - 1));
        }

        Complete(FutureState.Faulted, primary);
    }

    private void Account(int i)
    {
        _done[i] = true;
        _remaining--;
        if (_index.IsFirst(i))
        {
            Future child = Children[i];
            if (!Result.IsCompleted)
            {
                OnOutcome(i, child);
            }
            else if (child.IsFaulted)
            {
                ReportOrphan(child);
            }
        }

        if (_remaining == 0)
        {
            FinishOnce();
        }
    }

    private void FinishOnce()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        if (!Result.IsCompleted)
        {
            Finish();
        }
    }
}
