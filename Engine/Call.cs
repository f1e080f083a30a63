using System;
using System.Collections.Generic;

namespace YieldLoop;

/// <summary>
/// An inline call of a child coroutine, made by <see cref="Co.Call(IEnumerator{IAwaitable})"/> or
/// <see cref="Co.Call{T}(IEnumerator{IAwaitable})"/>. Yield it once; the loop runs the child as part of the
/// same task.
/// </summary>
public abstract class Call : IAwaitable
{
    // The child to run; cleared when the loop takes it.
    internal IEnumerator<IAwaitable>? _coroutine;

    // True from Rent until the loop takes the request back to its pool; a second yield of a released request is
    // an error (the object may already serve another call).
    internal bool _inUse;

    // True once the child produced its result with Co.Return.
    internal bool _hasResult;

    private protected Call()
    {
    }

    bool IAwaitable.IsCompleted => false;

    void IAwaitable.OnCompleted(Action continuation) => throw new InvalidOperationException(
        "A Co.Call request is consumed by the loop when a coroutine yields it; it cannot be awaited any other way.");

    /// <summary>Gives the request back to its pool (the loop calls this once it no longer needs it).</summary>
    internal abstract void Release();

    internal abstract Type ResultType { get; }
}

/// <summary>An inline call whose caller ignores any result.</summary>
internal sealed class UntypedCall : Call
{
    [ThreadStatic]
    private static Stack<UntypedCall>? t_pool;

    internal static UntypedCall Rent(IEnumerator<IAwaitable> coroutine)
    {
        Stack<UntypedCall>? pool = t_pool;
        UntypedCall call = pool is { Count: > 0 } ? pool.Pop() : new UntypedCall();
        call._coroutine = coroutine;
        call._inUse = true;
        call._hasResult = false;
        return call;
    }

    internal override Type ResultType => typeof(void);

    internal override void Release()
    {
        _inUse = false;
        _coroutine = null;
        (t_pool ??= new Stack<UntypedCall>()).Push(this);
    }
}
