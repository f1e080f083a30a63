using YieldLoop;

namespace YieldLoop.Benchmarks.Workloads;

/// <summary>
/// The state two W3 coroutines share when they hand the ball through reusable hand-offs: one
/// <see cref="ResettableFutureSource{T}"/> each way, made once per pair and reset after each round.
/// </summary>
internal sealed class ReusablePingPongPair
{
    internal ReusablePingPongPair(EventLoop loop)
    {
        ToPong = new ResettableFutureSource<int>(loop);
        ToPing = new ResettableFutureSource<int>(loop);
    }

    internal int Ball { get; set; }

    /// <summary>The hand-off Pong waits on.</summary>
    internal ResettableFutureSource<int> ToPong { get; }

    /// <summary>The hand-off Ping waits on.</summary>
    internal ResettableFutureSource<int> ToPing { get; }
}
