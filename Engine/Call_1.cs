using System;
using YieldLoop.Internal;
using System.Collections.Generic;

namespace YieldLoop;

/// <summary>
/// An inline call of a child coroutine that produces a <typeparamref name="T"/> with <c>Co.Return</c>; made by
/// <see cref="Co.Call{T}(IEnumerator{IAwaitable})"/>.
/// </summary>
/// <typeparam name="T">The type of the child's result.</typeparam>
/// <remarks>
/// Unlike the other one-shot waits, a typed call is not pooled: it is the caller's to keep, so <see cref="Result"/>
/// stays readable for as long as the caller holds it. (Pooling it would save one small object per call at the price
/// of a result that vanishes at the next yield, a trap for every caller.) <see cref="Co.Call(IEnumerator{IAwaitable})"/>,
/// which has no result, is pooled and allocates nothing.
/// </remarks>
public sealed class Call<T> : Call, IResultTarget
{
    internal T _result = default!;

    private Call()
    {
    }

    /// <summary>Gets the value the child produced with <c>Co.Return</c>.</summary>
    /// <exception cref="InvalidOperationException">The child has not returned yet, or the call object was
    /// already given back (the coroutine yielded again after this call).</exception>
    public T Result
    {
        get
        {
            if (!_hasResult)
            {
                throw new InvalidOperationException(
                    "The child coroutine has not returned a value yet: yield the call first, then read Result.");
            }

            return _result;
        }
    }

    internal override Type ResultType => typeof(T);

    internal static Call<T> Rent(IEnumerator<IAwaitable> coroutine) => new() { _coroutine = coroutine, _inUse = true };

    // Not pooled (see remarks): releasing only marks the call as consumed, so a second yield of it is refused.
    internal override void Release()
    {
        _inUse = false;
        _coroutine = null;
    }

    bool IResultTarget.Accepts(object? value) => ResultTargets.Accepts<T>(value);

    void IResultTarget.SetBoxed(object? value)
    {
        _result = (T)value!;
        _hasResult = true;
    }
}
