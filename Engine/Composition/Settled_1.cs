using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace YieldLoop;

/// <summary>
/// How one item of <see cref="Co.SettleAll{T}(Future{T}[])"/> ended, with its value when it succeeded.
/// </summary>
/// <typeparam name="T">The type of the item's result.</typeparam>
/// <remarks>See <see cref="Settled"/>. Check <see cref="Settled.State"/> before reading <see cref="Value"/>, which
/// behaves like <see cref="Future{T}.Result"/> of the item.</remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class Settled<T> : Settled
{
    private readonly T _value;

    internal Settled(FutureState state, Exception? exception, T value)
        : base(state, exception)
    {
        _value = value;
    }

    /// <summary>Gets the item's result when it succeeded.</summary>
    /// <exception cref="OperationCanceledException">The item was cancelled.</exception>
    /// <remarks>When the item faulted, its own exception is rethrown (the same object), as
    /// <see cref="Future{T}.Result"/> does.</remarks>
    public T Value
    {
        get
        {
            switch (State)
            {
                case FutureState.Succeeded:
                    return _value;
                case FutureState.Faulted:
                    ExceptionDispatchInfo.Capture(Exception!).Throw();
                    return default!;
                default:
                    throw new OperationCanceledException(
                        "This item of Co.SettleAll was cancelled, so it has no value. Check State before reading Value.");
            }
        }
    }

    /// <summary>Describes the outcome: the value when it succeeded, else as <see cref="Settled.ToString"/>.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() => State == FutureState.Succeeded ? $"Succeeded ({_value})" : base.ToString();
}
