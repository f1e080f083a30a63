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
public sealed class LoopTask : Future
{
    internal LoopTask(EventLoop loop, object frame, int flags)
        : base(loop, frame, flags)
    {
    }

    /// <summary>
    /// Gets the task's name: the one given when it was started, else the coroutine method's name.
    /// </summary>
    public string Name => Names.OfTask(this);

    /// <summary>
    /// Gets the value the coroutine returned with <c>Co.Return(value)</c>, or <see langword="null"/> when it ended
    /// without one. An untyped task keeps what its coroutine returns, as a <see cref="System.Threading.Tasks.Task{T}"/>
    /// seen as a <see cref="System.Threading.Tasks.Task"/> does; start it with
    /// <see cref="EventLoop.Start{T}(IEnumerator{IAwaitable}, string)"/> to read it typed. Reading it marks a failure
    /// as observed (R23).
    /// </summary>
    /// <exception cref="InvalidOperationException">The task is still pending (R15).</exception>
    /// <exception cref="OperationCanceledException">The task was cancelled.</exception>
    /// <remarks>When the task faulted, its own exception is rethrown (the same object).</remarks>
    public object? Result
    {
        get
        {
            ThrowIfNotSucceeded();
            return ReturnedValue;
        }
    }

    // A succeeded task waits on nothing, so its link holds the returned value (it keeps the task at 64 bytes).
    internal object? ReturnedValue
    {
        get
        {
            Debug.Assert(IsSucceeded, "an untyped task's returned value is read before it succeeded");
            return _link;
        }
    }

    /// <summary>Describes the task: name, state and what it waits on.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() => TaskText.Describe(this, Name);

    internal override string Describe() => $"task '{Name}'";
}
