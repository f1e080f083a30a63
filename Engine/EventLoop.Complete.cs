using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

// Where a task ends: a coroutine that threw (R21), faults, disposal of the frames innermost-first (R21, R30, R35),
// completion, waking the waiters, and the reports of failures nobody observed (R18, R23).
public sealed partial class EventLoop
{
    /// <summary>
    /// A coroutine's MoveNext threw (its own frame has already run its finally blocks): the task faults with the
    /// exception (R21), except that an <see cref="OperationCanceledException"/> ends it cancelled, as it does an
    /// <c>async</c> method, a UniTask or an asyncio task raising <c>CancelledError</c>: its waiters see a cancellation
    /// (R22), it is never reported as an unobserved failure (R23), and reading it gives back that exception object.
    /// </summary>
    private void Threw(Future task, Exception exception)
    {
        if (exception is OperationCanceledException cancelled)
        {
            EndTask(task, FutureState.Cancelled, null, cancelled);
            return;
        }

        Fault(task, exception, "threw " + exception.GetType().Name);
    }

    private void Fault(Future task, Exception exception, string note)
    {
        // Before EndTask: the trace reads where each frame is parked, and disposing a frame moves it to "finished".
        CoroutineTraceRecord.For(exception).AddFrames(task, note, exception);
        EndTask(task, FutureState.Faulted, exception);
    }

    /// <summary>
    /// Ends a task: disposes its frames innermost-first (every pending finally runs once: R21, R30), then completes
    /// it. A finally that throws is not lost (R35): it becomes the outcome of a cancellation, and is attached to an
    /// existing failure; later ones are attached to the first.
    /// </summary>
    private void EndTask(Future task, FutureState target, Exception? failure, OperationCanceledException? cancellation = null, object? returned = null)
    {
        int st = task._state;
        if ((st & StateBits.Fresh) != 0)
        {
            if (_unstarted.Count != 0)
            {
                _unstarted.Remove(RootIterator(task)!);
            }

            st &= ~StateBits.Fresh;
        }

        task._state = st | StateBits.Disposing;
        Scope? scope = (st & StateBits.Scoped) != 0 ? ((FrameStack)task._frame!).Scope : null;
        object kept = Names.Keep(task);
        Exception? firstDisposeError = null;
        List<Exception>? moreErrors = null;
        switch (task._frame)
        {
            case FrameStack stack:
                while (stack.Count > 0)
                {
                    IEnumerator<IAwaitable> frame = stack.Top;
                    stack.Pop()?.Release();
                    DisposeFrame(frame, ref firstDisposeError, ref moreErrors);
                }

                break;
            case IEnumerator<IAwaitable> single:
                DisposeFrame(single, ref firstDisposeError, ref moreErrors);
                break;
        }

        task._frame = kept;
        task._state &= ~StateBits.Disposing;
        scope?.Forget(task);

        if (failure is null && firstDisposeError is not null)
        {
            failure = firstDisposeError;
            firstDisposeError = null;
            target = FutureState.Faulted;
        }

        if (failure is not null)
        {
            if (firstDisposeError is not null)
            {
                (moreErrors ??= new List<Exception>()).Insert(0, firstDisposeError);
            }

            if (moreErrors is not null)
            {
                CoroutineTraceRecord.AttachSuppressed(failure, moreErrors);
            }

            CompleteTask(task, FutureState.Faulted, failure);
            return;
        }

        CompleteTask(task, target, target == FutureState.Cancelled ? cancellation ?? Future.CancelledMarker : null,
            target == FutureState.Succeeded ? returned : null);
    }

    /// <summary>
    /// <see cref="EndTask"/> for the common end, a success of a task with one unnamed frame (no frame stack, so no
    /// scope, clock or name; not fresh, since it stepped): what EndTask does for it, without its general cases.
    /// </summary>
    private void EndPlain(Future task, IEnumerator<IAwaitable> frame)
    {
        Debug.Assert((task._state & (StateBits.Fresh | StateBits.Typed | StateBits.Scoped)) == 0 && task._frame is not FrameStack,
            "a plain end is a stepped task with one frame and no result type");
        task._state |= StateBits.Disposing;
        Exception? disposeError = null;
        try
        {
            frame.Dispose();
        }
        catch (Exception ex)
        {
            disposeError = ex;   // a finally that threw while the iterator was disposed: the task's outcome (R35)
        }

        task._frame = frame.GetType();   // what Names.Keep keeps of a single frame, for the task's name
        task._state &= ~StateBits.Disposing;
        if (disposeError is not null)
        {
            CompleteTask(task, FutureState.Faulted, disposeError);
            return;
        }

        CompleteTask(task, FutureState.Succeeded, null);
    }

    private static void DisposeFrame(IEnumerator<IAwaitable> frame, ref Exception? first, ref List<Exception>? more)
    {
        try
        {
            frame.Dispose();
        }
        catch (Exception ex)
        {
            if (first is null)
            {
                first = ex;
            }
            else
            {
                (more ??= new List<Exception>()).Add(ex);
            }
        }
    }

    private void CompleteTask(Future task, FutureState state, object? outcome, object? returned = null)
    {
        Debug.Assert((task._state & StateBits.StateMask) == 0, "a task completes once (R14)");
        _registry.Remove(task);
        if ((task._state & StateBits.InWheel) == 0)
        {
            // A completed task waits on nothing. A succeeded untyped task keeps there what its coroutine returned
            // (LoopTask.ReturnedValue), set before the waiters wake so that they can read it. (In the wheel, _link is
            // the next timer node until the purge unlinks it.)
            Debug.Assert(returned is null || task is LoopTask, "only an untyped task keeps a returned value");
            task._link = returned;
        }

        if ((task._state & StateBits.KindMask) != 0)
        {
            task._frame = Names.Keep(task);
        }

        task.TryComplete(state, outcome);
        _monitor?.TaskEnded(task);
    }

    internal void WakeWaiters(object waiters, Future completed)
    {
        if (waiters is LoopNode single)
        {
            Wake(single, completed);
            return;
        }

        var list = (WaiterList)waiters;
        for (int i = 0; i < list.Count; i++)
        {
            Wake(list.Items[i]!, completed);
        }
    }

    private void Wake(LoopNode waiter, Future completed)
    {
        if ((waiter._state & StateBits.KindWatcher) == 0)
        {
            EnqueueWoken(waiter);   // the next tick, or later in this one with same-tick wake-ups (R1b)
            return;
        }

        // An engine watcher runs now (it is engine code, not user code: R4 holds). A watcher that completes another
        // future lands here again; the outermost call drains the queue, so chains of watchers never recurse (R26).
        _notifications.Enqueue(new Notification((Watcher)waiter, completed));
        if (_notifying)
        {
            return;
        }

        _notifying = true;
        try
        {
            while (_notifications.Count > 0)
            {
                Notification next = _notifications.Dequeue();
                next.Watcher.OnCompleted(next.Future);
            }
        }
        finally
        {
            _notifying = false;
        }
    }

    internal void WatchUnobserved(Future future)
    {
        if ((future._state & StateBits.Watched) == 0)
        {
            future._state |= StateBits.Watched;
            _watch.Add(future);
        }
    }

    internal void Report(Exception exception)
    {
        Action<Exception>? handler = UnhandledExceptionHandler;
        if (handler is null)
        {
            WriteFallback($"YieldLoop: unhandled exception on loop '{Name}':", exception, null);
            return;
        }

        try
        {
            handler(exception);
        }
        catch (Exception handlerFailure)
        {
            WriteFallback($"YieldLoop: the unhandled-exception handler of loop '{Name}' threw while handling an exception.", exception, handlerFailure);
        }
    }

    /// <summary>Reports a failure at once (a reset hand-off round that nobody observed, R23), at most once per object.</summary>
    internal void ReportNow(Exception exception)
    {
        if (!CoroutineTraceRecord.MarkReported(exception))
        {
            Report(exception);
        }
    }

    private void ReportUnobserved()
    {
        for (int i = 0; i < _watch.Count; i++)
        {
            Future future = _watch[i];
            int st = future._state;
            future._state = st & ~StateBits.Watched;
            if ((st & (StateBits.Observed | StateBits.Reported)) == 0 && future._slot is Exception ex)
            {
                future._state |= StateBits.Reported;

                // One exception object reaches every task that waited on the failed one. If a later waiter is itself
                // unobserved, the object was already reported: once is enough.
                if (!CoroutineTraceRecord.MarkReported(ex))
                {
                    Report(ex);
                }
            }
        }

        _watch.Clear();
    }

    /// <summary>Writes a failure that no handler took (or whose handler threw) to <see cref="Trace"/> and standard
    /// error, whole: type, message, stack trace, inner exceptions and coroutine trace (R18). Any thread.</summary>
    internal static void WriteFallback(string headline, Exception exception, Exception? handlerFailure)
    {
        string trace = exception.GetCoroutineTrace() is { } t ? "Coroutine trace:\n" + t : string.Empty;
        string text = handlerFailure is null
            ? $"{headline}\n{exception}\n{trace}"
            : $"{headline}\nOriginal exception:\n{exception}\n{trace}Handler exception:\n{handlerFailure}";
        Trace.TraceError(text);
        try
        {
            Console.Error.WriteLine(text);
        }
        catch (Exception ex) when (ex is System.IO.IOException or ObjectDisposedException)
        {
            // No console: Trace already has it.
        }
    }
}
