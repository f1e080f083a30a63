using System;
using System.Threading;
using System.Threading.Tasks;

namespace YieldLoop;

/// <summary>
/// Where the continuation of an <c>await</c> on a future runs: captured when the awaiter registers it, used when the
/// future completes. Never inline on the loop thread inside the completion (R4).
/// </summary>
/// <remarks>
/// The rule is <see cref="System.Runtime.CompilerServices.TaskAwaiter"/>'s: the current
/// <see cref="SynchronizationContext"/> if there is one (other than the base class, which means "thread pool"), else
/// the current <see cref="TaskScheduler"/> if it is not the default one, else the thread pool. With the loop's own
/// <see cref="EventLoopSynchronizationContext"/> the continuation runs on the loop thread in a later tick; if the
/// captured target refuses the work (it throws), the thread pool runs it rather than losing it.
/// </remarks>
internal static class Continuations
{
    private static readonly SendOrPostCallback s_invokePost = static s => ((Action)s!)();
    private static readonly WaitCallback s_invokePool = static s => ((Action)s!)();
    private static readonly ContextCallback s_invokeInContext = static s => ((Action)s!)();

    /// <summary>Captures the scheduling target of the calling code (a SynchronizationContext, a TaskScheduler, or null).</summary>
    internal static object? CaptureTarget()
    {
        SynchronizationContext? context = SynchronizationContext.Current;
        if (context is not null && context.GetType() != typeof(SynchronizationContext))
        {
            return context;
        }

        TaskScheduler scheduler = TaskScheduler.Current;
        return scheduler == TaskScheduler.Default ? null : scheduler;
    }

    /// <summary>Queues <paramref name="continuation"/> on <paramref name="target"/> (see the remarks); never runs it inline.</summary>
    internal static void Dispatch(Action continuation, object? target, ExecutionContext? executionContext)
    {
        Action run = executionContext is null
            ? continuation
            : () => ExecutionContext.Run(executionContext, s_invokeInContext, continuation);
        try
        {
            switch (target)
            {
                case SynchronizationContext context:
                    context.Post(s_invokePost, run);
                    return;
                case TaskScheduler scheduler:
                    _ = Task.Factory.StartNew(run, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler);
                    return;
            }
        }
        catch (Exception)
        {
            // The captured context or scheduler is gone (shut down, disposed): run the continuation on the pool rather
            // than lose it; an async method then ends instead of hanging forever.
        }

        ThreadPool.UnsafeQueueUserWorkItem(s_invokePool, run);
    }
}
