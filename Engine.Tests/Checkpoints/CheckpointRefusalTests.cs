using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Threading.Tasks;
using NUnit.Framework;
using YieldLoop;
using YieldLoop.Checkpoints;

namespace YieldLoop.Tests.Checkpoints;

// What a checkpoint refuses, and how: a clear error naming the task, and the loop keeps running.
[TestFixture]
public sealed class CheckpointRefusalTests
{
    private ManualClock _clock = null!;
    private EventLoop _loop = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualClock();
        _loop = new EventLoop(_clock, "ck");
    }

    [TearDown]
    public void TearDown() => _loop.Close();

    private sealed class HomeMadeAwaitable : IAwaitable
    {
        public bool IsCompleted => false;

        public void OnCompleted(Action continuation)
        {
        }
    }

    private static IEnumerator<IAwaitable> Await(IAwaitable awaitable)
    {
        yield return awaitable;
    }

    private static IEnumerator<IAwaitable> AwaitTask(Task<int> task)
    {
        yield return Co.Await(task);
    }

    private static IEnumerator<IAwaitable> Sleeper()
    {
        while (true)
        {
            yield return Co.Sleep(TimeSpan.FromSeconds(1));
        }
    }

    [Test]
    public void Checkpoint_OfAWaitOnACustomAwaitable_IsRefusedNamingTheTask_R71()
    {
        _loop.Start(Await(new HomeMadeAwaitable()), "door");
        _loop.Tick();
        var ex = Assert.Throws<InvalidOperationException>(() => _loop.Checkpoint());
        Assert.That(ex!.Message, Does.Contain("'door'").And.Contain("HomeMadeAwaitable").And.Contain("FutureSource"));
        Assert.Throws<InvalidOperationException>(() => _loop.Save(new MemoryStream()));
    }

    [Test]
    public void Checkpoint_OfAWaitOnALoopPhase_IsRefusedNamingTheTask_R71()
    {
        var phase = new LoopPhase(_loop, "physics");
        _loop.Start(Await(phase), "body");
        _loop.Tick();
        var ex = Assert.Throws<InvalidOperationException>(() => _loop.Checkpoint());
        Assert.That(ex!.Message, Does.Contain("'body'").And.Contain("'physics'"));
    }

    [Test]
    public void Checkpoint_WithWorkInFlight_IsRefusedNamingWhoAwaitsIt_R71()
    {
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Start(AwaitTask(gate.Task), "loader");
        _loop.Tick();
        var ex = Assert.Throws<InvalidOperationException>(() => _loop.Checkpoint());
        Assert.That(ex!.Message, Does.Contain("'loader'").And.Contain("in flight"));
        gate.SetResult(1);
    }

    [Test]
    public void Checkpoint_WithHandOversNotYetApplied_IsRefused_R71()
    {
        _loop.Start(Sleeper());
        _loop.Tick();
        _loop.Post(() => { });
        var ex = Assert.Throws<InvalidOperationException>(() => _loop.Checkpoint());
        Assert.That(ex!.Message, Does.Contain("hand-over").And.Contain("Tick once"));
        _loop.Tick();
        Assert.That(_loop.Checkpoint().Loop, Is.SameAs(_loop), "after a tick the inbox is empty");
    }

    [Test]
    public void Checkpoint_ReachingAFutureOfAnotherLoop_IsRefused()
    {
        var otherClock = new ManualClock();
        var other = new EventLoop(otherClock, "other");
        try
        {
            var source = new FutureSource(other);
            var holder = new List<object> { source.Future };
            var checkpoint = new LoopCheckpoint();
            checkpoint.Track(holder);
            var ex = Assert.Throws<InvalidOperationException>(() => _loop.Checkpoint(checkpoint));
            Assert.That(ex!.Message, Does.Contain("'other'"));
            Assert.That(checkpoint.Loop, Is.Null, "a refused capture leaves the checkpoint empty");
        }
        finally
        {
            other.Close();
        }
    }

    [Test]
    public void CheckpointAndRestore_DuringATick_AreRefused()
    {
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        Exception? inside = null;
        _loop.CallSoon(() =>
        {
            try
            {
                _loop.Restore(checkpoint);
            }
            catch (InvalidOperationException ex)
            {
                inside = ex;
            }
        });
        _loop.Tick();
        Assert.That(inside, Is.Not.Null);
        Assert.That(inside!.Message, Does.Contain("during a tick"));
    }

    [Test]
    public void Restore_NeedsAManualClock()
    {
        var loop = new EventLoop(new RealClock(), "real");
        try
        {
            LoopCheckpoint checkpoint = loop.Checkpoint();
            var ex = Assert.Throws<InvalidOperationException>(() => loop.Restore(checkpoint));
            Assert.That(ex!.Message, Does.Contain("ManualClock"));
        }
        finally
        {
            loop.Close();
        }
    }

    [Test]
    public void Restore_OfAnotherLoopsOrAnEmptyCheckpoint_IsRefused()
    {
        var other = new EventLoop(new ManualClock(), "other");
        try
        {
            LoopCheckpoint theirs = other.Checkpoint();
            Assert.That(Assert.Throws<ArgumentException>(() => _loop.Restore(theirs))!.Message, Does.Contain("'other'"));
            Assert.That(Assert.Throws<ArgumentException>(() => _loop.Restore(new LoopCheckpoint()))!.Message, Does.Contain("empty"));
            Assert.Throws<ArgumentNullException>(() => _loop.Restore(null!));
            Assert.Throws<ArgumentNullException>(() => _loop.Checkpoint(null!));
        }
        finally
        {
            other.Close();
        }
    }

    [Test]
    public void Restore_IsRefusedWhileWorkStartedAfterTheCheckpointIsInFlight()
    {
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Start(AwaitTask(gate.Task), "loader");
        _loop.Tick();
        var ex = Assert.Throws<InvalidOperationException>(() => _loop.Restore(checkpoint));
        Assert.That(ex!.Message, Does.Contain("'loader'"));
        gate.SetResult(1);
    }

    [Test]
    public void Checkpoint_ThatIsRefused_LeavesTheLoopRunning_R71()
    {
        var phase = new LoopPhase(_loop, "physics");
        LoopTask waiter = _loop.Start(Await(phase), "body");
        _loop.Start(Sleeper(), "sleeper");
        _loop.Tick();
        Assert.Throws<InvalidOperationException>(() => _loop.Checkpoint());
        phase.Run();
        _loop.Tick();
        Assert.That(waiter.IsCompleted, Is.True);
        Assert.That(_loop.Checkpoint().PendingTaskCount, Is.EqualTo(1));
    }

    // Every field of the loop object is either rewound or marked [NotRewound]: a new field is a decision. The rewound
    // ones are listed here; adding a field fails this test until it is added to one list or the other.
    [Test]
    public void EveryFieldOfTheLoop_IsEitherRewoundOrMarkedNotRewound()
    {
        var rewound = new List<string>();
        foreach (FieldInfo f in CopyPlan.Loop.Fields)
        {
            rewound.Add(f.Name);
        }

        rewound.Sort(StringComparer.Ordinal);
        Assert.That(rewound, Is.EqualTo(new[]
        {
            "ClockTimerCount", "_clockOffset", "_dirtyClocks", "_driversInWheel", "_externalWork", "_firedClocks",
            "_now", "_ready", "_readyCount", "_readyHead", "_readyLimit", "_registry", "_rootClocks", "_sliceFreed",
            "_sliceHead", "_tickCount", "_timers", "_unstarted", "_unstartedPeak", "_watch",
        }));
    }
}
