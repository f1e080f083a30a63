using System;

namespace YieldLoop.Internal;

/// <summary>
/// A completion callback registered with <see cref="Future.AddCallback"/>. It is a waiter like a parked task, so the
/// future wakes tasks and callbacks through one list, in registration order (R17), and the loop runs it as ordinary
/// ready work in the next tick. It is never in the loop's registry of live tasks.
/// </summary>
internal sealed class FutureCallback : LoopNode
{
    internal FutureCallback(EventLoop loop, Future future, Action<Future> callback)
        : base(loop, callback, StateBits.KindFutureCallback)
    {
        _link = future;
    }

    internal bool Matches(Action<Future> callback) => ((Action<Future>)_frame!).Equals(callback);

    internal override string Describe() => $"completion callback '{Names.OfTask(this)}'";
}
