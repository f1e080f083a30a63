using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Bdn;

/// <summary>
/// <see cref="EventLoop.Start"/> alone, per call: 1,000 iterators are created before each iteration
/// (<see cref="IterationSetupAttribute"/>), the benchmark starts them, and the iteration's cleanup runs them to
/// completion (they end at their first step), so only the Start calls are measured, and "Allocated" is what a Start
/// allocates (the task, its registry slot, its ready-queue entry, and any array growth). Run with
/// <c>dotnet run -c Release --project Benchmarks -- bdn --filter '*StartBenchmarks*'</c>.
/// </summary>
/// <remarks>
/// Two loops: a warm one whose queues and registry have already grown to hold 1,000 tasks (the steady state of a
/// loop that starts work all the time), and a new one per iteration (array growth from empty counted, as W9 of the
/// ratios mode counts it for 1,000,000). An iteration is short (a set-up per iteration forces one invocation per
/// iteration), so BenchmarkDotNet may warn that iterations are under its minimum time; the medians still hold.
/// </remarks>
[MemoryDiagnoser]
public class StartBenchmarks
{
    /// <summary>Starts per invocation.</summary>
    public const int Tasks = 1_000;

    private readonly IEnumerator<IAwaitable>[] _iterators = new IEnumerator<IAwaitable>[Tasks];
    private EventLoop _warm = null!;
    private EventLoop _fresh = null!;

    [GlobalSetup]
    public void Setup()
    {
        _warm = new EventLoop(new ManualClock(), "bdn-start-warm");
        for (int i = 0; i < 3; i++)
        {
            CreateIterators();
            StartAll(_warm);
            Drain(_warm);
        }
    }

    [IterationSetup(Target = nameof(StartOnWarmLoop))]
    public void SetupWarmLoop() => CreateIterators();

    [IterationCleanup(Target = nameof(StartOnWarmLoop))]
    public void CleanupWarmLoop() => Drain(_warm);

    [IterationSetup(Target = nameof(StartOnNewLoop))]
    public void SetupNewLoop()
    {
        CreateIterators();
        _fresh = new EventLoop(new ManualClock(), "bdn-start-new");
    }

    [IterationCleanup(Target = nameof(StartOnNewLoop))]
    public void CleanupNewLoop()
    {
        Drain(_fresh);
        _fresh.Close();
    }

    [GlobalCleanup]
    public void Cleanup() => _warm.Close();

    /// <summary>One <see cref="EventLoop.Start"/> of a pre-created iterator on a loop that has run as many tasks
    /// before.</summary>
    [Benchmark(OperationsPerInvoke = Tasks, Baseline = true)]
    public void StartOnWarmLoop() => StartAll(_warm);

    /// <summary>One <see cref="EventLoop.Start"/> of a pre-created iterator on a new loop (its arrays grow).</summary>
    [Benchmark(OperationsPerInvoke = Tasks)]
    public void StartOnNewLoop() => StartAll(_fresh);

    private void CreateIterators()
    {
        for (int i = 0; i < _iterators.Length; i++)
        {
            _iterators[i] = Coroutines.Noop();
        }
    }

    private void StartAll(EventLoop loop)
    {
        IEnumerator<IAwaitable>[] iterators = _iterators;
        for (int i = 0; i < iterators.Length; i++)
        {
            loop.Start(iterators[i]);
        }
    }

    private static void Drain(EventLoop loop)
    {
        while (loop.PendingTaskCount > 0)
        {
            loop.Tick();
        }
    }
}
