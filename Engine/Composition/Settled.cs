using System;
using System.Diagnostics;

namespace YieldLoop;

/// <summary>
/// How one item of <see cref="Co.SettleAll(Future[])"/> ended: succeeded, faulted (with its exception) or cancelled.
/// </summary>
/// <remarks>
/// <para>A snapshot taken when the settle completed, so it reads the same from any thread and after the loop closed.
/// The item's failure was already observed when the settle received it (R23), so a failure that is only held here is
/// never reported as unhandled; reading <see cref="Exception"/> changes nothing.</para>
/// <para>Items with a result (<see cref="Co.SettleAll{T}(Future{T}[])"/>) are described by <see cref="Settled{T}"/>,
/// which adds the value; an array of those is also an array of <see cref="Settled"/>.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public class Settled
{
    internal Settled(FutureState state, Exception? exception)
    {
        Debug.Assert(state != FutureState.Pending, "Only completed items are settled.");
        Debug.Assert((state == FutureState.Faulted) == (exception is not null), "A faulted item, and only one, has an exception.");
        State = state;
        Exception = exception;
    }

    /// <summary>Gets how the item ended: <see cref="FutureState.Succeeded"/>, <see cref="FutureState.Faulted"/> or
    /// <see cref="FutureState.Cancelled"/>, never <see cref="FutureState.Pending"/>.</summary>
    public FutureState State { get; }

    /// <summary>Gets the exception the item faulted with (the same object), or <see langword="null"/> when it succeeded
    /// or was cancelled.</summary>
    public Exception? Exception { get; }

    /// <summary>Describes the outcome: the state, and the exception's type and message when it faulted.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() => Exception is null
        ? State.ToString()
        : $"{State} ({Exception.GetType().Name}: {Exception.Message})";
}
