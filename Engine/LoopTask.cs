using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A future that drives one coroutine on an <see cref="EventLoop"/> (a task in the asyncio sense). Start one with
/// <see cref="EventLoop.Start(IEnumerator{IAwaitable}, string)"/>; it completes when the coroutine ends.
/// </summary>
/// <remarks>
/// <para><b>Outcome.</b> The task succeeds when its coroutine ends; faults with the exception its coroutine (or a
/// child it runs inline) throws, after every pending <c>finally</c> of its frame chain has run, innermost first
/// (R21); and mirrors a future it waits on that faults or is cancelled (R22).</para>
/// <para><b>Cancellation.</b> <see cref="Future.Cancel"/> marks the task and queues its turn. At that turn (the
/// next tick when requested outside a step) its whole iterator chain is disposed innermost-first, so every pending
/// <c>finally</c> and <c>using</c> runs exactly once, and the task completes as cancelled (R30). Until then
/// <see cref="Future.State"/> stays <see cref="FutureState.Pending"/>. Cancelling also cancels what the task is
/// parked on: a future or child task it waits for, a timer it sleeps on (R31; see <see cref="Co.Shield"/>). The
/// unwind goes innermost task first, like a call stack's: a task waiting on a child task, whether it yielded the child
/// directly or through a combinator (<c>Co.WhenAll</c>, <c>Co.Race</c>, <c>Co.Timeout</c>...) or a
/// <see cref="TaskGroup"/>'s wait, has the child cancelled first: the child's cancelled turn comes before the task's in
/// the same tick, so its <c>finally</c> blocks run before the task's own and the task completes after it (asyncio's
/// gather and TaskGroup, Trio's nursery); if one of them throws, the task faults with that exception (R35).
/// A coroutine that throws <see cref="OperationCanceledException"/> ends its task cancelled, not faulted (R21).
/// A task cancelled before its first step never runs its body (R32). A task that cancels itself from inside a step
/// stops at its next <c>yield return</c> or at its end, in the same tick, and ends cancelled (R33). An exception
/// thrown by a <c>finally</c> during cancellation becomes the outcome (R35).</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public class LoopTask : Future
{
    // While pending: the coroutine's frames: the iterator itself when the task has one frame and no name, else a
    // FrameStack. For callback kinds: the delegate. Once completed: what Name needs (the name string or the root
    // iterator's Type), so a finished task keeps its name without holding its iterator.
    internal object? _frame;

    // What the task waits on: the Future it is parked on, a SettleRequest, or a CustomWaker. While InWheel it is
    // instead the next node of the task's timer slot (a task that sleeps waits on nothing else). Null when ready.
    internal object? _link;

    // The timer deadline in loop ticks while the task sleeps (InWheel).
    internal long _deadline;

    internal LoopTask(EventLoop loop, object frame, int flags)
        : base(loop)
    {
        _frame = frame;
        _state = flags;
    }

    /// <summary>
    /// Gets the task's name: the one given when it was started, else the coroutine method's name.
    /// </summary>
    public string Name => Names.OfTask(this);

    /// <summary>Describes the task: name, state and what it waits on.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString()
    {
        string what = IsCompleted ? string.Empty : EventLoop.DescribeWait(this);
        return what.Length == 0 ? $"LoopTask '{Name}' ({State})" : $"LoopTask '{Name}' ({State}, {what})";
    }

    internal override string Describe() => $"task '{Name}'";

    /// <summary>The innermost running iterator, or null when the task has no coroutine frames.</summary>
    internal IEnumerator<IAwaitable>? TopFrame => _frame switch
    {
        FrameStack stack => stack.Count > 0 ? stack.Frames[stack.Count - 1] : null,
        IEnumerator<IAwaitable> it => it,
        _ => null,
    };
}
