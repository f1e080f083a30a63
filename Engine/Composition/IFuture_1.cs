using System;

namespace YieldLoop;

/// <summary>
/// The read side of a future with a result of type <typeparamref name="T"/>, whatever produces it: a
/// <see cref="Future{T}"/> (completed by a <see cref="FutureSource{T}"/> or a combinator) or a <see cref="LoopTask{T}"/>
/// (completed by its coroutine). The typed combinators (<see cref="Co.WhenAll{T}(IFuture{T}[])"/>,
/// <see cref="Co.Race{T}(IFuture{T}[])"/>, <see cref="Co.Timeout{T}(IFuture{T}, double)"/>) take it so that futures and
/// tasks mix in one call.
/// </summary>
/// <typeparam name="T">The type of the result. Covariant: an <c>IFuture&lt;string&gt;</c> is an
/// <c>IFuture&lt;object&gt;</c>.</typeparam>
/// <remarks>Implemented by the engine's <see cref="Future{T}"/> and <see cref="LoopTask{T}"/> only: the combinators
/// reject other implementations with an <see cref="ArgumentException"/>, because they wait on the engine's futures
/// directly (without a callback and a tick of delay per child).</remarks>
public interface IFuture<out T> : IAwaitable
{
    /// <summary>Gets the current state.</summary>
    FutureState State { get; }

    /// <summary>Gets the result. Reading it marks a failure as observed (R23).</summary>
    /// <exception cref="InvalidOperationException">The future is still pending (R15).</exception>
    /// <exception cref="OperationCanceledException">The future was cancelled.</exception>
    /// <remarks>When the future faulted, its own exception is rethrown (the same object).</remarks>
    T Result { get; }
}
