using System;
using System.Collections.Generic;
using NUnit.Framework;
using YieldLoop.Benchmarks.Workloads;

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
        // The scene the W11 benchmarks measure (Benchmarks/Workloads/CheckpointScene.cs, compiled into this assembly
        // too): its constructor parks every coroutine and takes the warm-up capture that makes the spares.
        var scene = new CheckpointScene(Parked);
        var unhandled = new List<Exception>();
        scene.Loop.UnhandledExceptionHandler = unhandled.Add;
        LoopCheckpoint checkpoint = scene.Reused;
        scene.Loop.Restore(checkpoint);
        int objects = checkpoint.ObjectCount;

        long bytes = Measure(() =>
        {
            for (int i = 0; i < Rounds; i++)
            {
                scene.CheckpointAndRestore();
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes));
            Assert.That(checkpoint.ObjectCount, Is.EqualTo(objects), "the same objects captured every time");
            Assert.That(objects, Is.GreaterThan(Parked * 2), "the checkpoint holds every task and its iterator");
            Assert.That(scene.Loop.PendingTaskCount, Is.EqualTo(Parked));
            Assert.That(unhandled, Is.Empty);
        });
        scene.Loop.Close();
    }

    private static long Measure(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
