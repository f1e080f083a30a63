using BenchmarkDotNet.Attributes;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Bdn;

/// <summary>
/// The reusable hand-off, per resume: 1,000 pairs of coroutines passing a value back and forth through
/// <see cref="ResettableFutureSource{T}"/> (one each way per pair, reset after each round, see
/// <see cref="ReusablePingPongPair"/>), forever. In steady state each tick resumes one side of every pair (the side
/// whose hand-off the other completed in the previous tick), so one <see cref="EventLoop.Tick"/> is 1,000 resumes;
/// "Allocated" is expected to be 0. Run with
/// <c>dotnet run -c Release --project Benchmarks -- bdn --filter '*ReusableHandOffBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class ReusableHandOffBenchmarks
{
    /// <summary>Pairs; each tick resumes one coroutine of each.</summary>
    public const int Pairs = 1_000;

    private EventLoop _loop = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop(new ManualClock(), "bdn-reusable-hand-off");
        for (int i = 0; i < Pairs; i++)
        {
            var pair = new ReusablePingPongPair(_loop);
            _loop.Start(Coroutines.ReusablePong(pair, int.MaxValue));
            _loop.Start(Coroutines.ReusablePing(pair, int.MaxValue));
        }

        // Past the first steps (fresh tasks), into the steady state.
        for (int i = 0; i < 4; i++)
        {
            _loop.Tick();
        }

        // OperationsPerInvoke counts on one resume per pair per tick: check it, or the figure means nothing.
        int steps = _loop.Tick();
        if (steps != Pairs)
        {
            throw new System.InvalidOperationException($"A steady-state tick ran {steps} steps, not {Pairs}; the benchmark's operation count is wrong.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Close();

    /// <summary>One resume of a coroutine whose reusable hand-off the other side of its pair completed.</summary>
    [Benchmark(OperationsPerInvoke = Pairs)]
    public int ReusableHandOffResume() => _loop.Tick();
}
