using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A race (<see cref="Co.Race(Future[])"/>, R42): the first child to complete wins, whatever its outcome; the others are
/// cancelled, and the result completes once they all completed (their <c>finally</c> blocks have run).
/// </summary>
/// <remarks>
/// <para>Invariants: <c>_winner</c> is the first argument position accounted for (children already complete at the
/// start win in argument order); once set, every other child has been asked to cancel. <c>_remaining</c> reaches zero
/// exactly once, and only then does the result complete.</para>
/// <para>Outcome: the winner's (its value or index, its exception, or cancelled). A loser that faults while it is
/// cancelled (a throwing <c>finally</c>) is attached to the winner's exception when the winner faulted; otherwise it is
/// reported to the loop's handler, so the winner's result is not thrown away for a loser's cleanup. When an enclosing
/// combinator drained the race, it ends cancelled unless a child faulted.</para>
/// </remarks>
internal abstract class RaceWatcher : ChildSetWatcher
{
    private int _winner = -1;

    // Faults of losers, in the order they happened.
    private List<Exception>? _faults;

    protected RaceWatcher(Future result, Future[] children)
        : base(result, children)
    {
    }

    /// <summary>Completes the result for a winner that succeeded.</summary>
    protected abstract void SetSuccess(int winner);

    protected override void OnResultCancelled()
    {
        if (_winner >= 0 && Children[_winner].IsFaulted)
        {
            ReportOrphan(Children[_winner]);
        }

        ReportOrphans(Result._loop, _faults);
        _faults = null;
        CancelPending(Children);
    }

    protected override void OnOutcome(int index, Future child)
    {
        if (_winner < 0)
        {
            _winner = index;
            if (child.IsFaulted)
            {
                child.GetExceptionForRethrow();   // observed: the race hands it on (R23)
            }

            CancelPending(Children);
        }
        else if (child.IsFaulted)
        {
            Exception failure = child.GetExceptionForRethrow();
            if (!ReferenceEquals(failure, Children[_winner]._slot))
            {
                (_faults ??= new List<Exception>()).Add(failure);
            }
        }
    }

    protected override void Finish()
    {
        Future winner = Children[_winner];
        if (winner.IsFaulted)
        {
            Exception primary = winner.GetExceptionForRethrow();
            if (_faults is not null)
            {
                CoroutineTraceRecord.AttachSuppressed(primary, _faults);
            }

            Complete(FutureState.Faulted, primary);
            return;
        }

        if (Draining && _faults is not null)
        {
            CompleteWithFaults(_faults);
            return;
        }

        ReportOrphans(Result._loop, _faults);
        if (winner.IsSucceeded && !Draining)
        {
            SetSuccess(_winner);
        }
        else
        {
            Complete(FutureState.Cancelled, Future.CancelledMarker);
        }
    }
}

/// <summary>A race that gives the winner's index (<see cref="Co.Race(Future[])"/>).</summary>
internal sealed class RaceIndexWatcher : RaceWatcher
{
    internal RaceIndexWatcher(Future<int> result, Future[] children)
        : base(result, children)
    {
    }

    protected override void SetSuccess(int winner) => CompleteWith(winner);
}

/// <summary>A race that gives the winner's result (<see cref="Co.Race{T}(Future{T}[])"/>).</summary>
/// <typeparam name="T">The type of each child's result.</typeparam>
internal sealed class RaceValueWatcher<T> : RaceWatcher
{
    internal RaceValueWatcher(Future<T> result, Future[] children)
        : base(result, children)
    {
    }

    protected override void SetSuccess(int winner) => CompleteWith(((Future<T>)Children[winner]).Result);
}
