using System;
using System.Threading;

namespace YieldLoop;

/// <summary>
/// The engine side of the waits that take a <see cref="CancellationToken"/> (<see cref="Co.Sleep(Duration, CancellationToken)"/>
/// and the others in Co.Tokens.cs): while the wait lasts, the token cancels the waiting task, as
/// <see cref="Future.Cancel"/> would.
/// </summary>
/// <remarks>
/// <para>It lives for one wait: made when the wait begins (in the task's step), disposed when the wait ends in any way
/// (its <c>using</c> in the wait's inline coroutine, which also runs when the task is cancelled). A token that fires
/// after that does nothing to the task.</para>
/// <para><b>Threads.</b> The token's callback may run on any thread. On the loop thread (a coroutine cancelled the
/// source) it requests the cancel at once, as <see cref="Future.Cancel"/> inside a step does (R6, R33); elsewhere it
/// hands the cancel over through the inbox (R51), and the loop thread checks again that the wait is still on before it
/// cancels. The callback never runs user code on the loop, and the registration's disposal waits at most for a callback
/// that only posts.</para>
/// </remarks>
internal sealed class WaitTokenLink : IDisposable
{
    private static readonly Action<object?> s_onToken = static s => ((WaitTokenLink)s!).OnTokenFired();

    private readonly Future _task;
    private CancellationTokenRegistration _registration;
    private bool _active = true;   // loop thread only: the wait is still on

    private WaitTokenLink(Future task)
    {
        _task = task;
    }

    /// <summary>Links <paramref name="token"/> to the task whose step is running; a token already cancelled cancels it
    /// now (it stops at its next <c>yield return</c>, R33).</summary>
    internal static WaitTokenLink? Begin(CancellationToken token)
    {
        EventLoop loop = Co.RequireLoop();
        Future task = loop.CurrentTask ?? throw new InvalidOperationException(
            "A wait that takes a CancellationToken must be yielded by a coroutine: there is no task in this step to cancel.");
        if (token.IsCancellationRequested)
        {
            loop.RequestCancel(task);
            return null;
        }

        var link = new WaitTokenLink(task);
        link._registration = token.Register(s_onToken, link);
        return link;
    }

    public void Dispose()
    {
        _active = false;
        _registration.Dispose();
    }

    private void OnTokenFired()
    {
        EventLoop loop = _task._loop;
        if (loop.CanRunHereNow)
        {
            CancelNow();
        }
        else
        {
            loop.TryPostHandOver(CancelNow);   // refused only when the loop is closing: Close cancels the task anyway
        }
    }

    private void CancelNow()
    {
        if (_active && !_task.IsCompleted)
        {
            _task._loop.RequestCancel(_task);
        }
    }
}
