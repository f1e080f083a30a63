using System;
using System.Collections.Generic;
using YieldLoop.Internal;

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

    // Rented or free, and by whom: set by Rent, cleared when the loop gives the call back (to the pool, for the
    // untyped call); a yield it refuses is an error (the object may already serve another call).
    internal PoolStamp _stamp;

    // True once the child produced its result with Co.Return.
    internal bool _hasResult;

    private protected Call()
    {
    }

    bool IAwaitable.IsCompleted => false;

    void IAwaitable.OnCompleted(Action continuation) => throw new InvalidOperationException(
        "A Co.Call request is consumed by the loop when a coroutine yields it; it cannot be awaited any other way.");

    /// <summary>Gives the request back (to its pool, if it has one) once the loop no longer needs it; a second release
    /// of the same rent does nothing.</summary>
    internal abstract void Release();

    internal abstract Type ResultType { get; }
}

/// <summary>An inline call whose caller ignores any result, from <see cref="Pool{T}"/>.</summary>
internal sealed class UntypedCall : Call, Checkpoints.IPooledWait
{
    bool Checkpoints.IPooledWait.IsRented => _stamp.IsRented;

    Future? Checkpoints.IPooledWait.Renter => _stamp.Renter;

    internal static UntypedCall Rent(IEnumerator<IAwaitable> coroutine)
    {
        UntypedCall call = Pool<UntypedCall>.Rent();
        call._stamp.Rent();
        call._coroutine = coroutine;
        call._hasResult = false;
        return call;
    }

    internal override Type ResultType => typeof(void);

    internal override void Release()
    {
        if (_stamp.TryReturn())
        {
            _coroutine = null;
            Pool<UntypedCall>.Return(this);
        }
    }
}
