using BenchmarkDotNet.Attributes;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Bdn;

/// <summary>
/// A rollback frame's fixed cost: <see cref="EventLoop.Checkpoint(LoopCheckpoint)"/> into a checkpoint that already
/// holds the same coroutines, <see cref="EventLoop.Restore"/> from it, and both, with <see cref="Parked"/> coroutines
/// parked in the mix of <see cref="CheckpointScene"/> (sleepers, future waiters, nested calls, locals). The figures are
/// per invocation (the whole loop); divide by <see cref="Parked"/> for a coroutine. "Allocated" should stay at 0: a
/// reused checkpoint copies into the spares it made before. Run with
/// <c>dotnet run -c Release --project Benchmarks -- bdn --filter '*CheckpointBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class CheckpointBenchmarks
{
    private CheckpointScene _scene = null!;

    /// <summary>Gets or sets how many coroutines are parked.</summary>
    [Params(1_000, 100_000)]
    public int Parked { get; set; }

    [GlobalSetup]
    public void Setup() => _scene = new CheckpointScene(Parked);

    [GlobalCleanup]
    public void Cleanup() => _scene.Loop.Close();

    /// <summary>A capture into the reused checkpoint.</summary>
    [Benchmark(Baseline = true)]
    public LoopCheckpoint Checkpoint() => _scene.Loop.Checkpoint(_scene.Reused);

    /// <summary>A restore of the reused checkpoint (the loop is unchanged since, as after a rollback of zero frames).</summary>
    [Benchmark]
    public void Restore() => _scene.Loop.Restore(_scene.Reused);

    /// <summary>Both: what a game that checkpoints and rolls back every frame pays.</summary>
    [Benchmark]
    public void CheckpointAndRestore() => _scene.CheckpointAndRestore();
}
