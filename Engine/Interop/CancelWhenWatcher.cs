using System;
using System.Threading;

namespace YieldLoop;

/// <summary>
/// The engine side of <see cref="FutureInteropExtensions.CancelWhen{TFuture}"/>: a passive watcher that holds the
/// token registration and removes it when the future completes (or the loop closes).
/// </summary>
internal sealed class CancelWhenWatcher : InteropWatcher
{
    private static readonly Action<object?> s_onToken = static s => ((CancelWhenWatcher)s!).OnTokenFired();

    private readonly Future _future;
    private CancellationTokenRegistration _registration;
    private int _done;   // 1 once the future completed or the loop closed: the registration is no longer needed

    private CancelWhenWatcher(Future future)
        : base(future._loop)
    {
        _future = future;
    }

    // It only reacts to the outcome: a task that faults with this as its only waiter is still reported (R23).
    internal override bool ObservesFailure => false;

    /// <summary>Loop thread, loop open, future pending, token not yet fired.</summary>
    internal static void Start(Future future, CancellationToken token)
    {
        var watcher = new CancelWhenWatcher(future);
        watcher.AttachOnLoop(future);
        CancellationTokenRegistration registration = token.Register(s_onToken, watcher);

        // The token may have fired inside Register (on this thread, cancelling the future at once), completing the
        // future before the registration was stored: then nobody else will dispose it.
        watcher._registration = registration;
        if (Volatile.Read(ref watcher._done) != 0)
        {
            registration.Dispose();
        }
    }

    protected override void OnFutureCompleted(Future future) => Release();

    protected override void OnLoopClosedPending(Future future) => Release();

    private void Release()
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            // Dispose waits for a callback running on another thread; ours only hands over a cancel (no lock is held
            // here that it needs), so this cannot deadlock.
            _registration.Dispose();
        }
    }

    /// <summary>Token callback (any thread): cancel on the loop thread.</summary>
    private void OnTokenFired()
    {
        EventLoop loop = _future._loop;
        if (loop.CanRunHereNow)
        {
            CancelNow();
        }
        else
        {
            loop.TryPostHandOver(CancelNow);   // refused only when the loop is closing: Close cancels everything anyway
        }
    }

    private void CancelNow()
    {
        if (!_future.IsCompleted)
        {
            _future._loop.RequestCancel(_future);
        }
    }
}
