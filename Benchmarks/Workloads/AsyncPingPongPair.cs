using System.Threading.Tasks;

namespace YieldLoop.Benchmarks.Workloads;

/// <summary>The state two W3 async methods share (see <see cref="PingPongPair"/>).</summary>
internal sealed class AsyncPingPongPair
{
    internal int Ball { get; set; }

    internal TaskCompletionSource<int>? ToPong { get; set; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal TaskCompletionSource<int>? ToPing { get; set; }
}
