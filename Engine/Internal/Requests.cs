using System;

namespace YieldLoop.Internal;

/// <summary>The awaitable behind <see cref="Co.NextTick"/>: resume in the next tick (R2).</summary>
internal sealed class NextTickAwaitable : IAwaitable
{
    bool IAwaitable.IsCompleted => false;

    void IAwaitable.OnCompleted(Action continuation) => throw new InvalidOperationException(
        "Co.NextTick is understood by the loop only; yield it from a coroutine.");

    public override string ToString() => "Co.NextTick";
}

/// <summary>A one-shot sleep (see <see cref="Co.Sleep(Duration)"/>), from <see cref="Pool{T}"/>.</summary>
internal sealed class SleepRequest : IAwaitable, Checkpoints.IPooledWait
{
    bool Checkpoints.IPooledWait.IsRented => _stamp.IsRented;

    Future? Checkpoints.IPooledWait.Renter => _stamp.Renter;

    internal long _ticks;
    internal GameClock? _clock;   // an explicit clock (GameClock.Sleep), or null for the task's own
    internal bool _realtime;      // Co.SleepRealtime: loop time whatever the task is bound to
    internal PoolStamp _stamp;    // rented or free, and by whom: a stale yield is refused (RunFrames)

    bool IAwaitable.IsCompleted => false;

    void IAwaitable.OnCompleted(Action continuation) => throw new InvalidOperationException(
        "A Co.Sleep wait is understood by the loop only; yield it from a coroutine.");

    internal static SleepRequest Rent(long ticks, GameClock? clock, bool realtime)
    {
        SleepRequest request = Rent(ticks);
        request._clock = clock;
        request._realtime = realtime;
        return request;
    }

    internal static SleepRequest Rent(long ticks)
    {
        SleepRequest request = Pool<SleepRequest>.Rent();
        request._stamp.Rent();
        request._ticks = ticks;
        return request;
    }

    /// <summary>Gives the request back to the pool; a second release of the same rent does nothing.</summary>
    internal void Release()
    {
        if (_stamp.TryReturn())
        {
            _clock = null;
            _realtime = false;
            Pool<SleepRequest>.Return(this);
        }
    }

    public override string ToString() => _clock is not null
        ? $"{_clock.Name}.Sleep({TimeMath.Format(_ticks)})"
        : _realtime ? $"Co.SleepRealtime({TimeMath.Format(_ticks)})" : $"Co.Sleep({TimeMath.Format(_ticks)})";
}

/// <summary>The one-shot end-with-result of <see cref="Co.Return{T}(T)"/>, from <see cref="Pool{T}"/>.</summary>
internal abstract class ReturnRequest : IAwaitable, Checkpoints.IPooledWait
{
    bool Checkpoints.IPooledWait.IsRented => _stamp.IsRented;

    Future? Checkpoints.IPooledWait.Renter => _stamp.Renter;

    internal PoolStamp _stamp;   // rented or free, and by whom: a stale yield is refused (EventLoop.Return)

    bool IAwaitable.IsCompleted => false;

    void IAwaitable.OnCompleted(Action continuation) => throw new InvalidOperationException(
        "A Co.Return value is understood by the loop only; yield it from a coroutine.");

    internal abstract Type ValueType { get; }

    /// <summary>Hands the value to a typed call or task without boxing; false when the types do not match.</summary>
    internal abstract bool DeliverTo(object target);

    /// <summary>The value, boxed: what an untyped task keeps as its result (the slow path: untyped tasks only).</summary>
    internal abstract object? Boxed { get; }

    /// <summary>Gives the request back to the pool; a second release of the same rent does nothing.</summary>
    internal abstract void Release();
}

internal sealed class ReturnRequest<T> : ReturnRequest
{
    private T _value = default!;

    internal override Type ValueType => typeof(T);

    internal override object? Boxed => _value;

    internal static ReturnRequest<T> Rent(T value)
    {
        ReturnRequest<T> request = Pool<ReturnRequest<T>>.Rent();
        request._stamp.Rent();
        request._value = value;
        return request;
    }

    internal override bool DeliverTo(object target)
    {
        switch (target)
        {
            case Call<T> call:
                call._result = _value;
                call._hasResult = true;
                return true;
            case LoopTask<T> task:
                task._result = _value;
                return true;
            case IResultTarget other when other.Accepts(_value):
                other.SetBoxed(_value);   // an assignable value (a string to LoopTask<object>): boxed, on this slow path only
                return true;
            default:
                return false;
        }
    }

    internal override void Release()
    {
        if (_stamp.TryReturn())
        {
            _value = default!;
            Pool<ReturnRequest<T>>.Return(this);
        }
    }
}

/// <summary>The one-shot "wait without failing" of <see cref="Co.Settle"/>, from <see cref="Pool{T}"/>.</summary>
internal sealed class SettleRequest : IAwaitable, Checkpoints.IPooledWait
{
    bool Checkpoints.IPooledWait.IsRented => _stamp.IsRented;

    Future? Checkpoints.IPooledWait.Renter => _stamp.Renter;

    internal Future? _future;
    internal PoolStamp _stamp;   // rented or free, and by whom: a stale yield is refused (RunFrames)

    bool IAwaitable.IsCompleted => false;

    void IAwaitable.OnCompleted(Action continuation) => throw new InvalidOperationException(
        "A Co.Settle wait is understood by the loop only; yield it from a coroutine.");

    internal static SettleRequest Rent(Future future)
    {
        SettleRequest request = Pool<SettleRequest>.Rent();
        request._stamp.Rent();
        request._future = future;
        return request;
    }

    /// <summary>Gives the request back to the pool; a second release of the same rent does nothing.</summary>
    internal void Release()
    {
        if (_stamp.TryReturn())
        {
            _future = null;
            Pool<SettleRequest>.Return(this);
        }
    }
}

/// <summary>
/// A typed receiver of <c>Co.Return</c> (<see cref="LoopTask{T}"/>, <see cref="Call{T}"/>) that also accepts a value of
/// another type assignable to its own (a <c>string</c> for <c>LoopTask&lt;object&gt;</c>, a <c>List&lt;int&gt;</c> for
/// <c>Call&lt;IReadOnlyList&lt;int&gt;&gt;</c>), as a C# return statement would.
/// </summary>
internal interface IResultTarget
{
    bool Accepts(object? value);

    void SetBoxed(object? value);
}

internal static class ResultTargets
{
    /// <summary>Whether <paramref name="value"/> can be stored in a <typeparamref name="T"/> without a conversion.</summary>
    internal static bool Accepts<T>(object? value) => value is null
        ? !typeof(T).IsValueType || Nullable.GetUnderlyingType(typeof(T)) is not null
        : value is T;
}
