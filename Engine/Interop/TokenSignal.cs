using System;
using System.Diagnostics;
using System.Threading;

namespace YieldLoop;

/// <summary>Cancels a token source for the engine, off the loop thread.</summary>
/// <remarks>
/// <see cref="CancellationTokenSource.Cancel()"/> runs the token's callbacks synchronously, and they are user code: run
/// inside a completion on the loop thread they would break R4 (and could block the loop or re-enter it). So the engine
/// cancels from the thread pool. Exceptions thrown by callbacks are handed to the loop's unhandled-exception handler
/// (or written to <see cref="Trace"/> if the loop has closed): failures never vanish.
/// </remarks>
internal static class TokenSignal
{
    private static readonly WaitCallback s_cancel = static state =>
    {
        var (source, loop) = ((CancellationTokenSource, EventLoop))state!;
        try
        {
            source.Cancel();
        }
        catch (AggregateException failures)
        {
            foreach (Exception failure in failures.InnerExceptions)
            {
                if (!loop.TryPost(() => loop.Report(failure)))
                {
                    Trace.TraceError($"YieldLoop: a cancellation token callback threw after loop '{loop.Name}' closed:\n{failure}");
                }
            }
        }
    };

    /// <summary>Cancels <paramref name="source"/> from the thread pool.</summary>
    internal static void CancelOffLoop(CancellationTokenSource source, EventLoop loop) =>
        ThreadPool.UnsafeQueueUserWorkItem(s_cancel, (source, loop));
}
