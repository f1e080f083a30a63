using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

// Cancellation requests (R30-R34): mark, cancel what the task waits on, queue the turns innermost task first (R31).
// The turn itself is Step's cancelled branch; Close's unwind is in EventLoop.Close.cs.
public sealed partial class EventLoop
{
    /// <summary>R33: what a self-cancelled task yielded is not awaited.</summary>
    /// <remarks>A one-shot wait is given back only when <paramref name="task"/> may yield it: a stale one may serve
    /// another task now, and releasing it would pull it from under that task.</remarks>
    private void Drop(Future task, IAwaitable? yielded)
    {
        switch (yielded)
        {
            case SleepRequest sleep when sleep._stamp.MayBeYieldedBy(task):
                sleep.Release();
                break;
            case Call call when call._stamp.MayBeYieldedBy(task):
                call.Release();
                break;
            case ReturnRequest result when result._stamp.MayBeYieldedBy(task):
                result.Release();
                break;
            case SettleRequest settle when settle._stamp.MayBeYieldedBy(task):
                Future? target = settle._future;
                settle.Release();
                if (target is not null && ReferenceEquals(target._loop, this))
                {
                    RequestCancel(target);
                }

                break;
            case Future future when ReferenceEquals(future._loop, this)
                && ((future._state & StateBits.Resettable) == 0 || future.AcceptYield(task)):
                RequestCancel(future);   // a stale hand-off wait is not this task's to cancel
                break;
        }
    }

    /// <summary>
    /// Requests cancellation of a future or task, and of what each cancelled task is parked on (R31), with a loop
    /// instead of recursion so a long chain of waiting tasks cannot overflow the stack.
    /// </summary>
    /// <remarks>
    /// <para><b>Innermost first across tasks (R31).</b> A chain P waits on C waits on D is cancelled as one unwind:
    /// every task in it is marked first, outermost to innermost, and their turns are queued in the opposite order, D,
    /// C, P, so in the tick that runs them the innermost task's <c>finally</c> blocks run first and each waiter ends
    /// after the task it waited on, as a call stack unwinds (asyncio and Trio order). A task waiting on a child task
    /// stays parked on it until its turn, exactly as a task parked on a combinator stays parked while the combinator
    /// drains (<see cref="CompositeWatcher.TryDrain"/>): so a child whose <c>finally</c> throws hands that exception
    /// to its waiter (R35), whichever way the waiter waited.</para>
    /// <para>Rejected: queueing each turn as it is requested (outermost first: the parent's <c>finally</c> ran before
    /// the child's, unlike a combinator's); and recursing to the innermost task first (a chain of 100,000 waiting
    /// tasks must not overflow the stack, R26).</para>
    /// </remarks>
    internal bool RequestCancel(Future target)
    {
        bool result = RequestCancelOne(target, out Future? next, out Future? turn);
        if (next is null)
        {
            if (turn is not null)
            {
                Enqueue(turn);
            }

            return result;
        }

        // A chain: collect the turns outermost first, queue them innermost first.
        var turns = new List<Future>();
        if (turn is not null)
        {
            turns.Add(turn);
        }

        while (next is not null)
        {
            RequestCancelOne(next, out next, out turn);
            if (turn is not null)
            {
                turns.Add(turn);
            }
        }

        for (int i = turns.Count - 1; i >= 0; i--)
        {
            Enqueue(turns[i]);
        }

        return result;
    }

    /// <summary>Marks one future or task cancelled; <paramref name="next"/> is what it waits on and is cancelled with
    /// it (R31), <paramref name="turn"/> the task whose cancelled turn the caller queues (R30).</summary>
    private bool RequestCancelOne(Future future, out Future? next, out Future? turn)
    {
        next = null;
        turn = null;
        if (!future.IsTask)
        {
            return future.TryComplete(FutureState.Cancelled, Future.CancelledMarker);
        }

        Future task = future;
        int st = task._state;
        if ((st & StateBits.StateMask) != 0
            || (st & (StateBits.CancelRequested | StateBits.Disposing | StateBits.InternalKinds)) != 0)
        {
            return false;   // completed, already cancelling (R33: a second cancel is a no-op), or inside its disposal (R34)
        }

        task._state = st | StateBits.CancelRequested;
        if (IsRunning(task))
        {
            return true;    // its step is on the stack: it stops at its next yield (R33)
        }

        turn = task;        // its turn (R30); a second queue entry, if any, is skipped once it completed
        object? link = (task._state & StateBits.InWheel) == 0 ? task._link : null;
        Future? parked = link as Future ?? (link as SettleRequest)?._future;
        if (parked is not null && CompositeWatcher.TryDrain(parked))
        {
            // Parked on a combinator or a task group (R31, R40, R44): draining it queued its children's cancelled turns
            // first, so in the next tick their finally blocks run before this task's turn (asyncio's gather and
            // TaskGroup, Trio's nursery); the task stays parked until then, and a child's finally that throws becomes
            // its outcome (R35; see Step).
            return true;
        }

        if (parked is Future { IsTask: true } child && (child._state & (StateBits.StateMask | StateBits.InternalKinds)) == 0)
        {
            // Parked on a child task: it stays parked while the child unwinds first (see RequestCancel).
            next = child;
            return true;
        }

        next = Detach(task);
        return true;
    }

    /// <summary>Takes a task off what it waits on; returns the future to cancel with it (R31), if any.</summary>
    private Future? Detach(Future task)
    {
        if ((task._state & StateBits.InWheel) != 0)
        {
            if ((task._state & StateBits.ClockTimer) != 0)
            {
                ((FrameStack)task._frame!).TimerClock!.CancelTimer(task);
            }
            else
            {
                _timers.Cancel(task);   // R12: unlinked by the end of the tick
            }

            return null;
        }

        object? link = task.WaitedOn;
        switch (link)
        {
            case Future parked:
                parked.RemoveWaiter(task);
                task.WaitedOn = null;
                parked.OnWaiterCancelled(task);
                return parked;
            case SettleRequest settle:
                Future inner = settle._future!;
                inner.RemoveWaiter(task);
                settle.Release();
                task.WaitedOn = null;
                inner.OnWaiterCancelled(task);
                return inner;
            case CustomWaker:
                task.WaitedOn = null;   // a late wake-up finds the task gone and is ignored
                return null;
            case LoopPhase:
                task.WaitedOn = null;   // its entry in the phase's queue is skipped (LoopPhase.Run)
                return null;
            default:
                return null;
        }
    }
}
