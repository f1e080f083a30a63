using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// Wait-for-any (<see cref="Co.WhenAny(Future[])"/>, R42): completes with the position of the first child to complete,
/// whatever its outcome; it neither cancels nor waits for the others.
/// </summary>
/// <remarks>
/// Not a <see cref="CompositeWatcher"/>: it does not own its children, so there is nothing to drain, and an enclosing
/// combinator cancels its result outright. Once decided (or cancelled) it leaves every child's waiter slot at once, so
/// it never counts as observing a failure of a child that did not win (R23) and holds no reference from them.
/// </remarks>
internal sealed class AnyWatcher : Watcher
{
    private readonly Future<int> _result;
    private readonly Future[] _children;
    private readonly ChildIndex _index;
    private bool _decided;

    internal AnyWatcher(Future<int> result, Future[] children)
        : base(result._loop)
    {
        _result = result;
        _children = children;
        _index = new ChildIndex(children);
    }

    /// <summary>The future this watcher completes (for the wait-for graph of diagnostics).</summary>
    internal Future<int> Result => _result;

    internal void Begin()
    {
        for (int i = 0; i < _children.Length; i++)
        {
            if (_children[i].IsCompleted)
            {
                // Already done: the first such position wins at once. Like yielding a completed future, this reads
                // its outcome, so a failure of the winner counts as observed (R23).
                _children[i]._state |= StateBits.Observed;
                _decided = true;
                _result.TrySetResult(i);
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

        _decided = true;
        Detach(future);
        if (!ReferenceEquals(future, _result))
        {
            _result.RemoveWaiter(this);
            _result.TrySetResult(_index.First(future));
        }
    }

    private void Detach(Future except)
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
