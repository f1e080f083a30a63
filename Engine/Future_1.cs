using System;

namespace YieldLoop;

/// <summary>A <see cref="Future"/> with a result of type <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The type of the result.</typeparam>
/// <remarks>Not sealed only so the engine's coordination primitives (Engine/Sync) can derive their per-wait futures,
/// which override <c>OnWaiterCancelled</c> for cancel safety, and <see cref="LoopTask{T}"/> derives from it; the
/// constructor is internal, so no other assembly can derive from it.</remarks>
public class Future<T> : Future
{
    internal T _result = default!;

    internal Future(EventLoop loop)
        : base(loop)
    {
    }

    internal Future(EventLoop loop, object frame, int flags)
        : base(loop, frame, flags)
    {
    }

    /// <summary>
    /// Gets the result. Reading it marks a failure as observed (R23).
    /// </summary>
    /// <exception cref="InvalidOperationException">The future is still pending (R15).</exception>
    /// <exception cref="OperationCanceledException">The future was cancelled.</exception>
    /// <remarks>When the future faulted, its own exception is rethrown (the same object).</remarks>
    public T Result
    {
        get
        {
            ThrowIfNotSucceeded();
            return _result;
        }
    }

    internal bool TrySetResult(T value)
    {
        if (IsCompleted)
        {
            return false;
        }

        _result = value;
        return TryComplete(FutureState.Succeeded, null);
    }
}
