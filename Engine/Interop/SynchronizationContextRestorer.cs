using System;
using System.Threading;

namespace YieldLoop;

/// <summary>What <see cref="EventLoop.InstallSynchronizationContext"/> returns: restores the previous context.</summary>
internal sealed class SynchronizationContextRestorer : IDisposable
{
    private readonly SynchronizationContext? _previous;
    private EventLoopSynchronizationContext? _installed;

    internal SynchronizationContextRestorer(SynchronizationContext? previous, EventLoopSynchronizationContext installed)
    {
        _previous = previous;
        _installed = installed;
    }

    public void Dispose()
    {
        // Only where ours is still current: never clobber a context installed later, never touch another thread.
        if (_installed is not null && ReferenceEquals(SynchronizationContext.Current, _installed))
        {
            SynchronizationContext.SetSynchronizationContext(_previous);
            _installed = null;
        }
    }
}
