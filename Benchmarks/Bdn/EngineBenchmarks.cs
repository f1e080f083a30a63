using System;
using BenchmarkDotNet.Attributes;
using YieldLoop.Benchmarks.Workloads;

namespace YieldLoop.Benchmarks.Bdn;

/// <summary>
/// The engine's operations, one resume (or one started, or cancelled, task) per operation, with the memory
/// diagnoser: run with <c>dotnet run -c Release --project Benchmarks -- bdn --filter '*'</c>.
/// </summary>
/// <remarks>
/// The steady-state benchmarks (next tick, sleep, ping-pong, nested call) start their coroutines once per
/// benchmark and measure one <see cref="EventLoop.Tick"/> that resumes each of them once, so "Allocated" is what the
/// engine allocates per resume (ping-pong: plus the new future of each hand-off). The start and cancel benchmarks
/// include creating the iterator and the task, which is what they measure.
/// </remarks>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    /// <summary>Tasks per operation batch: each tick resumes this many.</summary>
    public const int Tasks = 1_000;

    private EventLoop _nextTick = null!;
    private EventLoop _sleep = null!;
    private ManualClock _sleepClock = null!;
    private EventLoop _pingPong = null!;
    private EventLoop _nested = null!;
    private EventLoop _oneShot = null!;
    private readonly LoopTask[] _cancelled = new LoopTask[Tasks];

    [GlobalSetup]
    public void Setup()
    {
        _nextTick = new EventLoop(new ManualClock(), "bdn-next-tick");
        _sleepClock = new ManualClock();
        _sleep = new EventLoop(_sleepClock, "bdn-sleep");
        _pingPong = new EventLoop(new ManualClock(), "bdn-ping-pong");
        _nested = new EventLoop(new ManualClock(), "bdn-nested");
        _oneShot = new EventLoop(new ManualClock(), "bdn-one-shot");
        for (int i = 0; i < Tasks; i++)
        {
            _nextTick.Start(Coroutines.Spin());
            _sleep.Start(Coroutines.SleepForever(0.001));
            var pair = new PingPongPair(_pingPong);
            _pingPong.Start(Coroutines.Pong(pair, int.MaxValue));
            _pingPong.Start(Coroutines.Ping(pair, int.MaxValue));
            _nested.Start(Coroutines.Parent(int.MaxValue));
        }

        // Past the first steps (fresh tasks, the nested tasks' frame stacks), into the steady state.
        for (int i = 0; i < 3; i++)
        {
            _nextTick.Tick();
            _pingPong.Tick();
            _nested.Tick();
            _sleepClock.Advance(TimeSpan.FromMilliseconds(1));
            _sleep.Tick();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _nextTick.Close();
        _sleep.Close();
        _pingPong.Close();
        _nested.Close();
        _oneShot.Close();
    }

    /// <summary>One resume of a coroutine that yields null (W1's operation).</summary>
    [Benchmark(OperationsPerInvoke = Tasks, Baseline = true)]
    public void NextTickResume() => _nextTick.Tick();

    /// <summary>One wake-up of a coroutine sleeping 1 ms, the clock advanced 1 ms per tick (W2's operation).</summary>
    [Benchmark(OperationsPerInvoke = Tasks)]
    public void SleepWakeUp()
    {
        _sleepClock.Advance(TimeSpan.FromMilliseconds(1));
        _sleep.Tick();
    }

    /// <summary>One hand-off of a value through a new future, and the resume of the side that waited (W3).</summary>
    [Benchmark(OperationsPerInvoke = Tasks)]
    public void FuturePingPong() => _pingPong.Tick();

    /// <summary>One inline call of a child coroutine that yields once (W4), including the child's iterator.</summary>
    [Benchmark(OperationsPerInvoke = Tasks)]
    public void NestedCall() => _nested.Tick();

    /// <summary>Starting a task whose coroutine ends at once, and running it to completion.</summary>
    [Benchmark(OperationsPerInvoke = Tasks)]
    public void StartAndComplete()
    {
        for (int i = 0; i < Tasks; i++)
        {
            _oneShot.Start(Coroutines.Noop());
        }

        _oneShot.Tick();
    }

    /// <summary>Starting a task, parking it on a timer, cancelling it, and running its cancellation.</summary>
    [Benchmark(OperationsPerInvoke = Tasks)]
    public void StartSleepCancel()
    {
        LoopTask[] tasks = _cancelled;
        for (int i = 0; i < Tasks; i++)
        {
            tasks[i] = _oneShot.Start(Coroutines.LongSleep());
        }

        _oneShot.Tick();
        for (int i = 0; i < Tasks; i++)
        {
            tasks[i].Cancel();
        }

        _oneShot.Tick();
    }
}
