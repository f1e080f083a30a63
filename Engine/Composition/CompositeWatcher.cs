using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// The engine side of a combinator (<see cref="Co.WhenAll(Future[])"/>, <see cref="Co.Race(Future[])"/>,
/// <see cref="Co.Timeout(Future, Duration)"/>, a <see cref="TaskGroup"/>'s wait): one watcher that sits in the waiter
/// slot of every child and of the future it hands to the user (<see cref="Result"/>).
/// </summary>
/// <remarks>
/// <para><b>Why watchers.</b> A watcher is notified synchronously inside the child's completion (engine code only, R4),
/// so a combinator completes in the same instant as the child that decides it, and a coroutine parked on it resumes one
/// tick later, exactly as if it had waited on the child itself. Rejected: completion callbacks (a tick of delay per
/// level of nesting, and a delegate per child) and polling each tick (latency and cost per child per tick).</para>
/// <para><b>Why it watches its own result.</b> <see cref="Result"/> is a plain future, so cancelling it (by hand, or
/// because a task parked on it was cancelled, R31) completes it at once (R16). The watcher hears of that and cancels
/// the children. Before the watcher completes <see cref="Result"/> itself it leaves that slot, so the user's future is
/// "observed" (R23) only by real waiters: an unobserved failure of a combinator is reported like any other.</para>
/// <para><b>Draining.</b> When a combinator cancels a child that is itself a combinator's result (a timeout around a
/// wait-for-all, a race of timeouts), it does not cancel that future outright, which would complete it before the
/// grandchildren ran their <c>finally</c> blocks. It asks the inner watcher to drain (<see cref="OnDrain"/>): cancel its own
/// children and complete its result once they all completed. So "waits for their finally blocks" (R40, R42, R43) holds
/// through any nesting; and with nested equal deadlines only the outer timeout times out, because a drained timeout ends
/// cancelled, not timed out (R43).</para>
/// <para><b>Orphans.</b> A child that faults after <see cref="Result"/> was cancelled has nobody left to tell; its
/// failure is re-raised on a fresh future with no waiter, so the loop reports it at the end of the tick (R23), never
/// inline (R4).</para>
/// </remarks>
internal abstract class CompositeWatcher : Watcher
{
    protected CompositeWatcher(Future result)
        : base(result._loop)
    {
        Result = result;
    }

    /// <summary>The future handed to the user.</summary>
    internal Future Result { get; }

    /// <summary>An enclosing combinator is cancelling this one: the outcome is a cancellation unless a child faults.</summary>
    protected bool Draining { get; private set; }

    /// <summary>Cancels <paramref name="future"/> on behalf of a combinator: drains a combinator's result (see the
    /// class remarks), cancels anything else (a task at its next turn, R30; a plain future at once).</summary>
    internal static void CancelChild(Future future)
    {
        if (future.IsCompleted)
        {
            return;
        }

        CompositeWatcher? inner = Find(future);
        if (inner is not null)
        {
            if (!inner.Draining)
            {
                inner.Draining = true;
                inner.OnDrain();
            }

            return;
        }

        future._loop.RequestCancel(future);
    }

    /// <summary>
    /// A task parked on <paramref name="future"/> is being cancelled: when the future is a combinator's result, drain the
    /// combinator (cancel its children, complete once they all completed) and return true, so the task waits for that
    /// instead of being detached at once. Returns false for any other future.
    /// </summary>
    internal static bool TryDrain(Future future)
    {
        if (future.IsCompleted)
        {
            return false;
        }

        CompositeWatcher? inner = Find(future);
        if (inner is null)
        {
            return false;
        }

        if (!inner.Draining)
        {
            inner.Draining = true;
            inner.OnDrain();
        }

        return true;
    }

    /// <summary>Cancels every child that has not completed yet (see <see cref="CancelChild"/>).</summary>
    protected static void CancelPending(Future[] children)
    {
        for (int j = 0; j < children.Length; j++)
        {
            if (!children[j].IsCompleted)
            {
                CancelChild(children[j]);
            }
        }
    }

    /// <summary>Re-raises the failure of a child whose combinator was cancelled (see the class remarks).</summary>
    internal static void ReportOrphan(Future child)
    {
        Debug.Assert(child.IsFaulted, "Only failures are orphans.");
        new Future(child._loop).TryComplete(FutureState.Faulted, child.GetExceptionForRethrow());
    }

    /// <summary>Reports each failure of <paramref name="failures"/> as an orphan (a cancellation carries none).</summary>
    internal static void ReportOrphans(EventLoop loop, List<Exception>? failures)
    {
        if (failures is null)
        {
            return;
        }

        foreach (Exception failure in failures)
        {
            new Future(loop).TryComplete(FutureState.Faulted, failure);
        }
    }

    /// <summary>Checks that every future belongs to one loop and is usable from here; returns that loop.</summary>
    internal static EventLoop CheckSameLoop(Future[] futures, string paramName)
    {
        EventLoop loop = futures[0]._loop;
        for (int i = 1; i < futures.Length; i++)
        {
            if (!ReferenceEquals(futures[i]._loop, loop))
            {
                throw new ArgumentException(
                    $"The {futures[i].Describe()} at index {i} belongs to loop '{futures[i]._loop.Name}', but the first one belongs to loop '{loop.Name}'. A combinator waits on futures of one loop; hand results between loops with Post.",
                    paramName);
            }
        }

        loop.CheckAccess();
        return loop;
    }

    /// <summary>Registers on <see cref="Result"/> to hear of a cancellation from outside. Call before any child can
    /// complete the result.</summary>
    protected void WatchResult()
    {
        if (!Result.IsCompleted)
        {
            Result.AddWaiter(this);
        }
    }

    /// <summary>Completes <see cref="Result"/>, leaving its waiter slot first so only real waiters observe it (R23).</summary>
    protected void Complete(FutureState state, object? outcome)
    {
        Result.RemoveWaiter(this);
        Result.TryComplete(state, outcome);
    }

    /// <summary>Completes a typed <see cref="Result"/> with <paramref name="value"/>.</summary>
    protected void CompleteWith<T>(T value)
    {
        Result.RemoveWaiter(this);
        ((Future<T>)Result).TrySetResult(value);
    }

    /// <summary>Completes <see cref="Result"/> like <paramref name="faultedOrCancelled"/> (same exception object).</summary>
    protected void CompleteLike(Future faultedOrCancelled)
    {
        if (faultedOrCancelled.IsFaulted)
        {
            Complete(FutureState.Faulted, faultedOrCancelled.GetExceptionForRethrow());
        }
        else
        {
            Complete(FutureState.Cancelled, Future.CancelledMarker);
        }
    }

    internal sealed override void OnCompleted(Future future)
    {
        if (ReferenceEquals(future, Result))
        {
            OnResultCancelled();
        }
        else
        {
            OnChildCompleted(future);
        }
    }

    /// <summary>A child completed (once per distinct child future).</summary>
    protected abstract void OnChildCompleted(Future child);

    /// <summary><see cref="Result"/> was cancelled from outside (it is already complete): cancel the children.</summary>
    protected abstract void OnResultCancelled();

    /// <summary>An enclosing combinator drains this one: cancel the children; complete when they all completed.</summary>
    protected abstract void OnDrain();

    private static CompositeWatcher? Find(Future future)
    {
        switch (future._slot)
        {
            case CompositeWatcher single when ReferenceEquals(single.Result, future):
                return single;
            case WaiterList list:
                for (int i = 0; i < list.Count; i++)
                {
                    if (list.Items[i] is CompositeWatcher watcher && ReferenceEquals(watcher.Result, future))
                    {
                        return watcher;
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
