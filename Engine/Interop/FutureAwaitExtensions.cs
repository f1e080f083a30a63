using System;

namespace YieldLoop.Async;

/// <summary>
/// Lets <c>async</c> code <c>await</c> YieldLoop futures and tasks. Opt in with <c>using YieldLoop.Async;</c>.
/// </summary>
/// <remarks>
/// These live in their own namespace on purpose: once a type has a <c>GetAwaiter</c>, the C# compiler warns (CS4014)
/// about every call that returns it without awaiting it. Starting a coroutine and keeping or dropping its task
/// (<c>loop.Start(Blink());</c>) is the everyday use of the engine, and must not warn in code that never awaits one.
/// </remarks>
public static class FutureAwaitExtensions
{
    /// <summary>Lets <c>async</c> code <c>await</c> a future or task of the loop (see <see cref="FutureAwaiter"/>).</summary>
    /// <param name="future">The future.</param>
    /// <returns>The awaiter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    public static FutureAwaiter GetAwaiter(this Future future) => new(future ?? throw new ArgumentNullException(nameof(future)));

    /// <summary>Lets <c>async</c> code <c>await</c> a typed future and get its result (see <see cref="FutureAwaiter"/>).</summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="future">The future.</param>
    /// <returns>The awaiter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="future"/> is null.</exception>
    public static FutureAwaiter<T> GetAwaiter<T>(this Future<T> future) => new(future ?? throw new ArgumentNullException(nameof(future)));
}
