using System;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A plain callback scheduled with <see cref="EventLoop.CallSoon"/>, <see cref="EventLoop.CallLater(Duration, Action)"/>
/// or <see cref="EventLoop.CallAt"/>. <see cref="Future.Cancel"/> before it ran means it never runs.
/// </summary>
/// <remarks>
/// The handle is also a future: it succeeds after the callback returned and is cancelled when cancelled. If the
/// callback throws, the exception goes to <see cref="EventLoop.UnhandledExceptionHandler"/> (R18) and the handle
/// faults with it; that failure counts as already reported, so it is never reported twice.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CallbackHandle : Future
{
    internal CallbackHandle(EventLoop loop, Action callback)
        : base(loop, callback, StateBits.KindCallback)
    {
    }

    /// <summary>Gets the callback's name: its method's name.</summary>
    public string Name => Names.OfTask(this);

    /// <summary>Describes the handle: the callback's name and its state.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() => $"CallbackHandle '{Name}' ({State})";

    internal override string Describe() => $"callback '{Name}'";
}
