using System;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>A <see cref="LoopTask"/> whose coroutine produces a result of type <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The type of the result.</typeparam>
/// <remarks>
/// The coroutine produces its result with <c>yield return Co.Return(value);</c>, which ends it (its pending
/// <c>finally</c> blocks run). A coroutine started this way that ends without <c>Co.Return</c>, or returns a value
/// of another type, faults the task with an <see cref="InvalidOperationException"/> that says so.
/// </remarks>
public sealed class LoopTask<T> : LoopTask, IFuture<T>, IResultTarget
{
    internal T _result = default!;

    internal LoopTask(EventLoop loop, object frame, int flags)
        : base(loop, frame, flags)
    {
    }

    /// <summary>Gets the result. Reading it marks a failure as observed (R23).</summary>
    /// <exception cref="InvalidOperationException">The task is still pending (R15).</exception>
    /// <exception cref="OperationCanceledException">The task was cancelled.</exception>
    /// <remarks>When the task faulted, its own exception is rethrown (the same object).</remarks>
    public T Result
    {
        get
        {
            ThrowIfNotSucceeded();
            return _result;
        }
    }

    bool IResultTarget.Accepts(object? value) => ResultTargets.Accepts<T>(value);

    void IResultTarget.SetBoxed(object? value) => _result = (T)value!;
}
