using System;
using System.Threading;

namespace YieldLoop.Internal;

/// <summary>
/// The continuation handed to a custom <see cref="IAwaitable"/>: it checks the awaitable's side of the contract
/// (once, on the loop's thread) and wakes the parked task (R60). The engine's own awaitables never need one.
/// </summary>
internal sealed class CustomWaker
{
    private readonly EventLoop _loop;
    private readonly Future _task;
    private readonly IAwaitable _awaitable;
    private int _calls;

    internal CustomWaker(EventLoop loop, Future task, IAwaitable awaitable)
    {
        _loop = loop;
        _task = task;
        _awaitable = awaitable;
        Callback = Wake;
    }

    internal Action Callback { get; }

    /// <summary>Set when the awaitable broke its contract; the woken task faults with it (R60).</summary>
    internal Exception? Failure { get; set; }

    internal string AwaitableType => _awaitable.GetType().FullName ?? _awaitable.GetType().Name;

    /// <summary>Set by the loop once the task's resumed turn is queued (loop thread only): a later failure only
    /// replaces a missing one, and the task is never queued twice for one wake-up.</summary>
    internal bool Queued { get; set; }

    private void Wake()
    {
        bool onLoopThread = _loop.IsLoopThread;
        Exception? failure = null;
        if (Interlocked.Increment(ref _calls) > 1)
        {
            // R60: while the task is still parked here (the second call came inside OnCompleted, or before the resumed
            // step), the task faults with this; once it moved on, the loop reports it (WakeCustom decides).
            failure = new InvalidOperationException(
                $"The custom awaitable {AwaitableType} that coroutine '{_task.NodeName}' waited on invoked its continuation more than once; an awaitable must complete exactly once.");
        }
        else if (!onLoopThread)
        {
            failure = new InvalidOperationException(
                $"The custom awaitable {AwaitableType} that coroutine '{_task.NodeName}' waited on invoked its continuation from thread {Environment.CurrentManagedThreadId}, not the loop's thread. Complete it on the loop's thread, or hand the completion over with EventLoop.Post.");
        }

        if (onLoopThread)
        {
            _loop.WakeCustom(_task, this, failure);
            return;
        }

        if (!_loop.TryPost(() => _loop.WakeCustom(_task, this, failure)))
        {
            System.Diagnostics.Trace.TraceError(failure!.ToString());
        }
    }
}
