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
    /// Gets the coroutine trace: one line per coroutine frame the failure went through, innermost first, written like a
    /// .NET stack trace frame, with what the loop knows about the frame in parentheses at the end.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The trace, or <see langword="null"/> when the exception did not go through a coroutine.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    /// <remarks>
    /// <para>Each line ends with <c>\n</c>. A frame line is</para>
    /// <code>   at Namespace.Type.Method() in /path/File.cs:line 42 (task 'name', what it was doing)</code>
    /// <para>The part up to the parenthesis has the form of a .NET stack trace frame, so tools that link
    /// <c>in file:line N</c> work on it; the parenthesis holds the task's name (or its coroutine method's) and what the
    /// frame was doing: <c>threw ExceptionType</c>, <c>calling Child inline</c>, <c>waiting on ...</c>.
    /// <c>Method</c> is the coroutine method (the name of its compiler-generated iterator class).
    /// The location is:</para>
    /// <list type="bullet">
    /// <item><description>for a frame parked at a <c>yield return</c> (calling a child inline, or waiting on a task or
    /// future), the line of that <c>yield return</c>;</description></item>
    /// <item><description>for the frame that threw, the line it threw at (the same line as in the exception's own stack
    /// trace; a throw from a <c>finally</c> block run by disposal gives that line);</description></item>
    /// <item><description>left out (<c>   at Namespace.Type.Method() (task ...)</c>) when it cannot be known: no portable PDB
    /// beside the assembly or embedded in it, an iterator class written by hand, a frame that had not started, and always
    /// on netstandard2.1, where the framework has no PDB reader.</description></item>
    /// </list>
    /// <para>When a task was started while <see cref="LoopDiagnostics.DebugMode"/> was on, its frames are followed by where
    /// it was started (the first caller outside YieldLoop):</para>
    /// <code>   --- task 'name' started at Namespace.Type.Method() in /path/File.cs:line 17 ---</code>
    /// <para>Bounded: the 10 innermost and 10 outermost lines are kept, and the rest is counted on one line between them:
    /// <c>   ... N coroutine frame(s) omitted ...</c>, or
    /// <c>   ... N coroutine frame(s) and M task start site(s) omitted ...</c> when start-site lines were left out too.</para>
    /// <para>Files and lines are read from the symbols when the trace is first printed, not when the failure happens,
    /// so a failure costs no symbol lookup until someone reads its trace.</para>
    /// </remarks>
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
