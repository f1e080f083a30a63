using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests.Checkpoints;

/// <summary>
/// A rollback game checkpoints every frame into one <see cref="LoopCheckpoint"/>: once it holds the loop's coroutines,
/// a capture copies into the spares it made before and a restore copies them back, so neither allocates per coroutine
/// (docs/performance.md, W11 checkpoint).
/// </summary>
/// <remarks>
/// Measured like <see cref="AllocationTests"/>: the bytes the test thread allocates over a few checkpoints and
/// restores, after a warm-up capture and one warm-up round. An allocation per coroutine would be at least
/// <see cref="Parked"/> x 24 bytes (240 KB) per capture; the allowance is a constant far below one object per hundred
/// coroutines.
/// </remarks>
[TestFixture]
public sealed class CheckpointAllocationTests
{
    private const int Parked = 10_000;
    private const int Rounds = 3;

    /// <summary>What the measuring itself may cost (see <see cref="AllocationTests"/>): the JIT's on-stack replacement
    /// or dynamic PGO may allocate an object or two once.</summary>
    private const long MeasuringAllowanceBytes = 1_024;

    [Test]
    public void CheckpointAndRestore_IntoAReusedCheckpoint_AllocateNothingPerCoroutine()
    {
        var t = new TestLoop();
        var sources = new List<FutureSource>();
        for (int i = 0; i < Parked; i++)
        {
            switch (i % 20)
            {
                case < 14:
                    t.Loop.Start(Sleeper(1_000 + (i % 997)));
                    break;
                case < 17:
                    var source = new FutureSource(t.Loop);
                    sources.Add(source);
                    t.Loop.Start(WaitFor(source.Future));
                    break;
                case < 19:
                    t.Loop.Start(Caller(1_000 + (i % 509)));
                    break;
                default:
                    t.Loop.Start(WithLocals(i, 1_000 + (i % 251)));
                    break;
            }
        }

        t.Tick();
        var checkpoint = new LoopCheckpoint();
        t.Loop.Checkpoint(checkpoint);   // the warm-up capture makes the spares
        t.Loop.Restore(checkpoint);
        int objects = checkpoint.ObjectCount;

        long bytes = Measure(() =>
        {
            for (int i = 0; i < Rounds; i++)
            {
                t.Loop.Checkpoint(checkpoint);
                t.Loop.Restore(checkpoint);
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes));
            Assert.That(checkpoint.ObjectCount, Is.EqualTo(objects), "the same objects captured every time");
            Assert.That(objects, Is.GreaterThan(Parked * 2), "the checkpoint holds every task and its iterator");
            Assert.That(t.Loop.PendingTaskCount, Is.EqualTo(Parked));
            Assert.That(t.Unhandled, Is.Empty);
        });
        GC.KeepAlive(sources);
        t.Loop.Close();
    }

    private static long Measure(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
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
