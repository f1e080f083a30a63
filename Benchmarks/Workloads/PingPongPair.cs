using YieldLoop;

namespace YieldLoop.Benchmarks.Workloads;

/// <summary>The state two W3 coroutines share: the ball and the one-shot futures of the next hand-off each way.</summary>
internal sealed class PingPongPair
{
    internal PingPongPair(EventLoop loop)
    {
        Loop = loop;
        ToPong = new FutureSource<int>(loop);
    }

    internal EventLoop Loop { get; }

    internal int Ball { get; set; }

    /// <summary>The future Pong waits on next (created before Ping can complete it).</summary>
    internal FutureSource<int>? ToPong { get; set; }

    /// <summary>The future Ping waits on next.</summary>
    internal FutureSource<int>? ToPing { get; set; }
}
