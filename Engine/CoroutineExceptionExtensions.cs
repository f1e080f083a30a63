using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>Reads what the loop attaches to an exception that went through coroutines.</summary>
/// <remarks>
/// The loop never wraps a coroutine's exception: awaiting coroutines fail with the same object (R22). What it adds
/// is kept in <see cref="Exception.Data"/> and read with these methods.
/// </remarks>
public static class CoroutineExceptionExtensions
{
    /// <summary>
    /// Gets the coroutine trace: one line per coroutine frame the failure went through, innermost first, in the
    /// form <c>   at Namespace.Type.Method() (task 'Name', what it was doing)</c>; bounded to the innermost and
    /// outermost frames with a count of those left out.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The trace, or <see langword="null"/> when the exception did not go through a coroutine.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public static string? GetCoroutineTrace(this Exception exception)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        return CoroutineTraceRecord.Find(exception)?.ToString();
    }

    /// <summary>
    /// Gets the exceptions attached to this one because they happened while it was already the outcome: later
    /// <c>finally</c> blocks that threw during the same disposal (R35).
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The attached exceptions, in the order they happened; empty when there are none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public static IReadOnlyList<Exception> GetSuppressedExceptions(this Exception exception)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        return exception.Data.Contains(CoroutineTraceRecord.SuppressedKey)
            && exception.Data[CoroutineTraceRecord.SuppressedKey] is List<Exception> list
            ? list
            : Array.Empty<Exception>();
    }
}
