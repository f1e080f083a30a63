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
    /// Gets every failure that <paramref name="exception"/> stands for: the one accessor for "several things failed",
    /// whichever way they were gathered.
    /// </summary>
    /// <param name="exception">The exception, typically one a coroutine caught or a future faulted with.</param>
    /// <returns>The failures (see the remarks): never empty, each listed once, in the order they happened.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    /// <remarks>
    /// <list type="bullet">
    /// <item><description>An <see cref="AggregateException"/>, which a <see cref="TaskGroup"/>'s wait fails with (R44),
    /// gives its <see cref="AggregateException.InnerExceptions"/>.</description></item>
    /// <item><description>An exception that later failures were attached to gives itself, then those: the first failure
    /// of <see cref="Co.WhenAll(Future[])"/> and the later ones (R40), a race winner's failure and its losers' (R42), a
    /// <c>finally</c> block's exception during cancellation and those of the <c>finally</c> blocks after it
    /// (R35).</description></item>
    /// <item><description>Any other exception gives itself alone.</description></item>
    /// </list>
    /// <para>Nested shapes are flattened the same way (a task group whose child failed in a <c>WhenAll</c>, a
    /// <c>WhenAll</c> of task groups), so the list holds the leaf failures; an exception reached twice is listed
    /// once. The two shapes stay as they are because each matches its .NET and Python counterpart: a wait-for-all fails
    /// with the first exception, like <c>await Task.WhenAll</c> and <c>asyncio.gather</c>; a task group with an
    /// aggregate, like an exception group.</para>
    /// </remarks>
    public static IReadOnlyList<Exception> GetFailures(this Exception exception)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        var failures = new List<Exception>();
        var seen = new HashSet<Exception>(ReferenceComparer.Instance);
        Collect(exception, failures, seen);
        return failures.ToArray();   // a copy: the caller cannot change what the loop attached
    }

    private static void Collect(Exception exception, List<Exception> failures, HashSet<Exception> seen)
    {
        if (!seen.Add(exception))
        {
            return;   // attachments can form a cycle when two combinators share failing children
        }

        if (exception is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            foreach (Exception inner in aggregate.InnerExceptions)
            {
                Collect(inner, failures, seen);
            }
        }
        else
        {
            failures.Add(exception);
        }

        if (exception.Data.Contains(CoroutineTraceRecord.SuppressedKey)
            && exception.Data[CoroutineTraceRecord.SuppressedKey] is List<Exception> later)
        {
            foreach (Exception more in later.ToArray())
            {
                Collect(more, failures, seen);
            }
        }
    }
}
