using System;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// Wait-for-all over futures of different result types (<see cref="Co.WhenAll{T1, T2}(Future{T1}, Future{T2})"/> and
/// its arities, R40): the same watcher as <see cref="AllWatcher"/>, but on success it builds a tuple of the results.
/// </summary>
/// <typeparam name="TResult">The tuple type.</typeparam>
internal sealed class AllTupleWatcher<TResult> : AllWatcher
{
    // A static lambda per arity and type arguments (cached by the compiler): no closure per call.
    private readonly Func<Future[], TResult> _make;

    internal AllTupleWatcher(Future<TResult> result, Future[] children, Func<Future[], TResult> make)
        : base(result, children)
    {
        _make = make;
    }

    protected override void SetSuccess() => CompleteWith(_make(Children));
}

/// <summary>
/// Wait-for-any with the winner's value (<see cref="Co.WhenAnyValue{T}(Future{T}[])"/>, R42): completes with the
/// position and result of the first future to complete, or fails (is cancelled) as that future did; it neither
/// cancels nor waits for the others.
/// </summary>
/// <remarks>As <see cref="AnyWatcher"/>: not a <see cref="CompositeWatcher"/> (it owns nothing), and once decided it
/// leaves every waiter slot, so it never observes a failure of a future that did not win (R23).</remarks>
/// <typeparam name="T">The result type of the futures.</typeparam>
internal sealed class AnyValueWatcher<T> : Watcher
{
    private readonly Future<(int Index, T Value)> _result;
    private readonly Future[] _children;
    private readonly ChildIndex _index;
    private bool _decided;

    internal AnyValueWatcher(Future<(int Index, T Value)> result, Future[] children)
        : base(result._loop)
    {
        _result = result;
        _children = children;
        _index = new ChildIndex(children);
    }

    internal void Begin()
    {
        for (int i = 0; i < _children.Length; i++)
        {
            if (_children[i].IsCompleted)
            {
                Decide(i, _children[i]);   // already done: the first such position wins at once
                return;
            }
        }

        _result.AddWaiter(this);
        for (int i = 0; i < _children.Length; i++)
        {
            if (_index.IsFirst(i))
            {
                _children[i].AddWaiter(this);
            }
        }
    }

    internal override void OnCompleted(Future future)
    {
        if (_decided)
        {
            return;
        }

        if (ReferenceEquals(future, _result))
        {
            _decided = true;   // cancelled from outside: the futures go on (they are not ours)
            Detach(null);
            return;
        }

        Detach(future);
        _result.RemoveWaiter(this);
        Decide(_index.First(future), future);
    }

    private void Decide(int index, Future winner)
    {
        _decided = true;
        switch (winner.State)
        {
            case FutureState.Succeeded:
                _result.TrySetResult((index, ((Future<T>)winner).Result));
                break;
            case FutureState.Faulted:
                _result.TryComplete(FutureState.Faulted, winner.GetExceptionForRethrow());   // the same object (R22)
                break;
            default:
                _result.TryComplete(FutureState.Cancelled, Future.CancelledMarker);
                break;
        }
    }

    private void Detach(Future? except)
    {
        for (int i = 0; i < _children.Length; i++)
        {
            if (!ReferenceEquals(_children[i], except) && _index.IsFirst(i))
            {
                _children[i].RemoveWaiter(this);
            }
        }
    }
}
