using BenchmarkDotNet.Attributes;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Bdn;

/// <summary>
/// A task's completion, per task: 1,000 tasks whose coroutine ends at its first step (<c>yield break</c>) are started
/// before each iteration (<see cref="IterationSetupAttribute"/>), and the benchmark is the one
/// <see cref="EventLoop.Tick"/> that runs that step and completes every one of them. So the figure is a first step plus
/// a completion (the task's result, its registry slot freed, its iterator disposed). Run with
/// <c>dotnet run -c Release --project Benchmarks -- bdn --filter '*CompleteBenchmarks*'</c>.
/// </summary>
/// <remarks>A warm loop (its queues and registry have held 1,000 tasks before). An iteration is short (a set-up
/// per iteration forces one invocation per iteration), so BenchmarkDotNet may warn that iterations are under its
/// minimum time.</remarks>
[MemoryDiagnoser]
public class CompleteBenchmarks
{
    /// <summary>Tasks completed per invocation.</summary>
    public const int Tasks = 1_000;

    private EventLoop _loop = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop(new ManualClock(), "bdn-complete");
        for (int i = 0; i < 3; i++)
        {
            StartAll();
            _loop.Tick();
        }
    }

    [IterationSetup]
    public void StartAll()
    {
        for (int i = 0; i < Tasks; i++)
        {
            _loop.Start(Coroutines.Noop());
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Close();

    /// <summary>The first step and the completion of a task whose coroutine ends at once.</summary>
    [Benchmark(OperationsPerInvoke = Tasks)]
    public int CompleteAtFirstStep() => _loop.Tick();
}
