using System;
using System.Collections.Generic;
using YieldLoop.Internal;

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
    /// <remarks>Readable from the moment the child returns (the caller resumes right after its yield) for as long as the
    /// caller holds the call object: it is not pooled, so later yields do not clear it.</remarks>
    /// <exception cref="InvalidOperationException">The child has not returned a value: the call was not yielded yet, or
    /// the child is still running, or it ended without <c>Co.Return</c> (by failing or being cancelled, which ends the
    /// caller too, so only its <c>finally</c> blocks can see this).</exception>
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

    internal static Call<T> Rent(IEnumerator<IAwaitable> coroutine)
    {
        var call = new Call<T> { _coroutine = coroutine };
        call._stamp.Rent();
        return call;
    }

    // Not pooled (see remarks): releasing only marks the call as consumed (its stamp), so a second yield of it is
    // refused; the result stays.
    internal override void Release()
    {
        if (_stamp.TryReturn())
        {
            _coroutine = null;
        }
    }

    bool IResultTarget.Accepts(object? value) => ResultTargets.Accepts<T>(value);

    void IResultTarget.SetBoxed(object? value)
    {
        _result = (T)value!;
        _hasResult = true;
    }
}
