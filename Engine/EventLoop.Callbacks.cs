using System;
using YieldLoop.Internal;

namespace YieldLoop;

// A callback's turn: a watcher's timer, a completion callback (R17, R18), a CallbackHandle's callback (R16, R18, R33).
public sealed partial class EventLoop
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void RunCallback(LoopNode node, int st)
    {
        // The node's type is its kind (the kind bits only keep it off the hot path above).
        if (node is Watcher watcher)
        {
            watcher.OnTimer();   // a watcher is in the queue only when its timer fired
            return;
        }

        if (node is FutureCallback completion)
        {
            var callback = (Action<Future>)completion._frame!;
            var future = (Future)completion._link!;
            completion._link = null;
            completion._state = st | (int)FutureState.Succeeded;   // ran: it is no longer removable
            try
            {
                callback(future);
            }
            catch (Exception ex)
            {
                Report(ex);
            }

            return;
        }

        var handle = (CallbackHandle)node;

        if ((st & StateBits.CancelRequested) != 0)
        {
            CompleteTask(handle, FutureState.Cancelled, Future.CancelledMarker);
            return;
        }

        var action = (Action)handle._frame!;
        Exception? failure = null;
        try
        {
            action();
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        if (failure is null)
        {
            // A callback that cancelled its own handle while it ran ends cancelled, as a task that cancels itself does
            // (R33): Cancel returned true, so the handle must end cancelled (R16).
            CompleteTask(handle, (handle._state & StateBits.CancelRequested) != 0 ? FutureState.Cancelled : FutureState.Succeeded,
                (handle._state & StateBits.CancelRequested) != 0 ? Future.CancelledMarker : null);
            return;
        }

        // R18: the exception goes to the handler; the handle faults too, already counted as reported.
        handle._state |= StateBits.Observed | StateBits.Reported;
        CompleteTask(handle, FutureState.Faulted, failure);
        Report(failure);
    }
}
