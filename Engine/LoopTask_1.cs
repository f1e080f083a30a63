using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A task whose coroutine produces a result of type <typeparamref name="T"/>: a <see cref="Future{T}"/> that drives
/// one coroutine. Everything said of <see cref="LoopTask"/> holds for it; it is usable wherever a
/// <see cref="Future{T}"/> or a <see cref="Future"/> is.
/// </summary>
/// <typeparam name="T">The type of the result.</typeparam>
/// <remarks>
/// The coroutine produces its result with <c>yield return Co.Return(value);</c>, which ends it (its pending
/// <c>finally</c> blocks run). A coroutine started this way that ends without <c>Co.Return</c>, or returns a value
/// of another type, faults the task with an <see cref="InvalidOperationException"/> that says so.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class LoopTask<T> : Future<T>, IResultTarget
{
    internal LoopTask(EventLoop loop, object frame, int flags)
        : base(loop, frame, flags)
    {
    }

    /// <summary>
    /// Gets the task's name: the one given when it was started, else the coroutine method's name.
    /// </summary>
    public string Name => Names.OfTask(this);

    /// <summary>Describes the task: name, state and what it waits on.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() => TaskText.Describe(this, Name);

    internal override string Describe() => $"task '{Name}'";

    bool IResultTarget.Accepts(object? value) => ResultTargets.Accepts<T>(value);

    void IResultTarget.SetBoxed(object? value) => _result = (T)value!;
}
