using System;

namespace YieldLoop;

/// <summary>
/// What a coroutine yields: the loop parks the coroutine until the awaitable completes.
/// </summary>
/// <remarks>
/// <para>
/// The engine's own awaitables (<see cref="Future"/>, <see cref="LoopTask"/>, <see cref="Co.NextTick"/>,
/// <see cref="Co.Sleep(Duration)"/>, <see cref="Co.Call(System.Collections.Generic.IEnumerator{IAwaitable})"/>, ...)
/// are recognised by the loop directly and never go through these members. A user type that implements this
/// interface is a <em>custom awaitable</em> and must keep this contract:
/// </para>
/// <list type="bullet">
/// <item><see cref="IsCompleted"/> is read once when the coroutine yields the object; <see langword="true"/>
/// continues the coroutine at once, in the same step.</item>
/// <item>Otherwise <see cref="OnCompleted"/> is called once, and the awaitable must invoke the continuation exactly
/// once, on the loop's thread (from another thread, hand it over with <see cref="EventLoop.Post"/>).</item>
/// </list>
/// <para>A custom awaitable that throws from these members, invokes the continuation twice, or invokes it from
/// another thread faults the parked task (or, when the task has moved on, is reported to
/// <see cref="EventLoop.UnhandledExceptionHandler"/>) with a message naming the coroutine and the awaitable's
/// type; the loop goes on.</para>
/// </remarks>
public interface IAwaitable
{
    /// <summary>Gets whether the awaited work is already complete.</summary>
    bool IsCompleted { get; }

    /// <summary>Registers the continuation that resumes the parked coroutine; invoke it exactly once.</summary>
    /// <param name="continuation">The continuation to invoke on the loop's thread when the work completes.</param>
    void OnCompleted(Action continuation);
}
