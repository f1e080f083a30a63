using System;
using YieldLoop.Internal;

namespace YieldLoop;

// Custom awaitables (R60): parking on a user's IAwaitable through a CustomWaker, which checks the awaitable's side of the
// contract (completes once, on the loop's thread) and wakes the task.
public sealed partial class EventLoop
{
    private bool ParkOnCustom(Future task, IAwaitable awaitable)
    {
        string type = awaitable.GetType().FullName ?? awaitable.GetType().Name;
        try
        {
            if (awaitable.IsCompleted)
            {
                return true;
            }
        }
        catch (Exception ex)
        {
            Fault(task, BrokenAwaitable(task, type, "IsCompleted", ex), "waiting on " + type);
            return false;
        }

        var waker = new CustomWaker(this, task, awaitable);
        task.WaitedOn = waker;
        try
        {
            awaitable.OnCompleted(waker.Callback);
        }
        catch (Exception ex)
        {
            task._link = null;
            Fault(task, BrokenAwaitable(task, type, "OnCompleted", ex), "waiting on " + type);
            return false;
        }

        return false;
    }

    internal void WakeCustom(Future task, CustomWaker waker, Exception? failure)
    {
        if (!ReferenceEquals(task._link, waker) || task.IsCompleted)
        {
            if (failure is not null)
            {
                Report(failure);   // R60: noticed after the task moved on
            }

            return;
        }

        if (waker.Queued)
        {
            // A second call before the resumed step (R60): the queued turn faults the task instead of resuming it.
            waker.Failure ??= failure;
            return;
        }

        waker.Failure = failure;
        waker.Queued = true;
        Enqueue(task);
    }
}
