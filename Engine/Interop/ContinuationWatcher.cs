using System;
using System.Threading;

namespace YieldLoop;

/// <summary>The engine side of <see cref="FutureAwaiter.OnCompleted"/>: queues the continuation when the future completes.</summary>
internal sealed class ContinuationWatcher : InteropWatcher
{
    private readonly Action _continuation;
    private readonly object? _target;
    private readonly ExecutionContext? _executionContext;

    private ContinuationWatcher(EventLoop loop, Action continuation, bool flowExecutionContext)
        : base(loop)
    {
        _continuation = continuation;
        _target = Continuations.CaptureTarget();
        _executionContext = flowExecutionContext ? ExecutionContext.Capture() : null;
    }

    /// <summary>Registers <paramref name="continuation"/> to run after <paramref name="future"/> completes; any thread.</summary>
    internal static void Register(Future future, Action continuation, bool flowExecutionContext)
    {
        if (continuation is null)
        {
            throw new ArgumentNullException(nameof(continuation));
        }

        new ContinuationWatcher(future._loop, continuation, flowExecutionContext).Attach(future);
    }

    // An await observes the failure (GetResult rethrows it), so the default ObservesFailure (true) is right.
    protected override void OnFutureCompleted(Future future) => Continuations.Dispatch(_continuation, _target, _executionContext);

    // GetResult then throws ObjectDisposedException: the future can never complete.
    protected override void OnLoopClosedPending(Future future) => Continuations.Dispatch(_continuation, _target, _executionContext);
}
