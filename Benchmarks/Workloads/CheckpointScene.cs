using System;
using System.Collections.Generic;
using YieldLoop;

namespace YieldLoop.Benchmarks.Workloads;

/// <summary>
/// The state a rollback game checkpoints every frame: a loop on a <see cref="ManualClock"/> with
/// <see cref="Count"/> coroutines, all parked between ticks. The mix, by coroutine index <c>i</c>: 70 % sleep on
/// <see cref="Co.Sleep"/> with deadlines spread over about 17 minutes (the timer wheel holds many slots), 15 % wait on
/// the future of their own <see cref="FutureSource"/>, 10 % wait in a nested <see cref="Co.Call"/> child that sleeps,
/// and 5 % hold locals (a counter, a string, a small array, a struct) across their sleep.
/// </summary>
/// <remarks>
/// Shared by the BenchmarkDotNet suite (<c>CheckpointBenchmarks</c>) and the ratios mode (<c>checkpoint</c>), so that
/// both measure the same closure. Nothing in it ever wakes: the deadlines are at least 1,000 s away and the clock is
/// never advanced, so a checkpoint and a restore see the same objects every time.
/// </remarks>
internal sealed class CheckpointScene
{
    internal CheckpointScene(int count)
    {
        Count = count;
        Clock = new ManualClock();
        Loop = new EventLoop(Clock, "checkpoint-" + count);
        var sources = new List<FutureSource>(count / 6);
        for (int i = 0; i < count; i++)
        {
            switch (i % 20)
            {
                case < 14:
                    Loop.Start(Sleeper(1_000 + (i % 997)));
                    break;
                case < 17:
                    var source = new FutureSource(Loop);
                    sources.Add(source);
                    Loop.Start(WaitFor(source.Future));
                    break;
                case < 19:
                    Loop.Start(Caller(1_000 + (i % 509)));
                    break;
                default:
                    Loop.Start(WithLocals(i, 1_000 + (i % 251)));
                    break;
            }
        }

        Sources = sources.ToArray();
        Loop.Tick();   // every coroutine runs to its first wait and parks
        Reused = new LoopCheckpoint();
        Loop.Checkpoint(Reused);   // the warm-up capture: the spares exist from now on
    }

    /// <summary>Gets how many coroutines are parked.</summary>
    internal int Count { get; }

    internal ManualClock Clock { get; }

    internal EventLoop Loop { get; }

    /// <summary>Gets the future sources the waiting coroutines wait on (kept alive, never completed).</summary>
    internal FutureSource[] Sources { get; }

    /// <summary>Gets a checkpoint already filled once, to capture into again (the steady state of a rollback game).</summary>
    internal LoopCheckpoint Reused { get; }

    /// <summary>One checkpoint into <see cref="Reused"/> and one restore from it: a rollback frame's fixed cost.</summary>
    internal void CheckpointAndRestore()
    {
        Loop.Checkpoint(Reused);
        Loop.Restore(Reused);
    }

    private static IEnumerator<IAwaitable> Sleeper(double seconds)
    {
        while (true)
        {
            yield return Co.Sleep(seconds);
        }
    }

    private static IEnumerator<IAwaitable> WaitFor(Future future)
    {
        yield return future;
    }

    private static IEnumerator<IAwaitable> Caller(double seconds)
    {
        while (true)
        {
            yield return Co.Call(Child(seconds));
        }
    }

    private static IEnumerator<IAwaitable> Child(double seconds)
    {
        yield return Co.Sleep(seconds);
    }

    private static IEnumerator<IAwaitable> WithLocals(int id, double seconds)
    {
        int steps = 0;
        string name = "unit-" + id;
        int[] history = new int[4];
        var position = (X: id * 0.5f, Y: -id * 0.25f);
        while (true)
        {
            history[steps & 3] = steps;
            steps++;
            position.X += 1;
            yield return Co.Sleep(seconds);
            GC.KeepAlive(name);
        }
    }
}
