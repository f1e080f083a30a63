using System.Threading;

namespace YieldLoop;

/// <summary>The scope's cancellation token.</summary>
public sealed partial class Scope
{
    // Created on first use of Token (nothing when unused); cancelled, off the loop thread, when the scope is disposed.
    private CancellationTokenSource? _tokenSource;

    /// <summary>
    /// Gets a token that fires when the scope is disposed, for async .NET work started on the scope's behalf:
    /// <c>yield return Co.Await(client.GetStringAsync(url, scope.Token));</c>.
    /// </summary>
    /// <remarks>Created lazily on first use. A disposed scope gives a cancelled token. The token is cancelled from the
    /// thread pool right after <see cref="Dispose"/> cancelled the scope's tasks, never inline in <see cref="Dispose"/>, so
    /// its callbacks (user code) do not run inside the caller or the loop's work. Closing the loop does not fire it;
    /// disposing the scope does, even after the loop closed.</remarks>
    /// <exception cref="System.InvalidOperationException">Read from a thread other than the loop's.</exception>
    public CancellationToken Token
    {
        get
        {
            _loop.CheckThread();
            if (_disposed)
            {
                return new CancellationToken(canceled: true);
            }

            return (_tokenSource ??= new CancellationTokenSource()).Token;
        }
    }

    /// <summary>Called by <see cref="Dispose"/>.</summary>
    private void SignalToken()
    {
        if (_tokenSource is { } source)
        {
            TokenSignal.CancelOffLoop(source, _loop);
        }
    }
}
