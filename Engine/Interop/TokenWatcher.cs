using System.Threading;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// The engine side of <see cref="FutureInteropExtensions.GetCancellationToken"/>: a passive watcher that owns the
/// future's token source and cancels it (off the loop thread) when the future completes as cancelled.
/// </summary>
/// <remarks>At most one per future: it is found again in the future's waiter slot, so no side table is needed and a
/// future whose token nobody asked for costs nothing.</remarks>
internal sealed class TokenWatcher : InteropWatcher
{
    private readonly CancellationTokenSource _source = new();

    private TokenWatcher(EventLoop loop)
        : base(loop)
    {
    }

    internal CancellationToken Token => _source.Token;

    // It only reacts to the outcome: a task that faults with this as its only waiter is still reported (R23).
    internal override bool ObservesFailure => false;

    /// <summary>The token watcher of a pending future (loop thread), created on first request.</summary>
    internal static TokenWatcher For(Future future)
    {
        switch (future._slot)
        {
            case TokenWatcher single:
                return single;
            case WaiterList list:
                for (int i = 0; i < list.Count; i++)
                {
                    if (list.Items[i] is TokenWatcher found)
                    {
                        return found;
                    }
                }

                break;
        }

        // Attached while Close runs too (a finally that Close runs may ask for a task's token): Close cancels the tasks
        // before it releases the watchers, so the token of a task that Close cancels still fires. Only on a closed loop
        // can nothing complete the future any more.
        var watcher = new TokenWatcher(future._loop);
        if (!future._loop.IsClosed)
        {
            watcher.AttachOnLoop(future);
        }

        return watcher;
    }

    protected override void OnFutureCompleted(Future future)
    {
        if (future.IsCancelled)
        {
            TokenSignal.CancelOffLoop(_source, _loop);
        }
    }

    protected override void OnLoopClosedPending(Future future)
    {
        // A plain future left pending by Close was not cancelled: its token does not fire.
    }
}
