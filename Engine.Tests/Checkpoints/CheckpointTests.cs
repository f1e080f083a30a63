using System;
using System.Collections.Generic;
using NUnit.Framework;
using YieldLoop;

namespace YieldLoop.Tests.Checkpoints;

// In-memory checkpoints (docs/semantics.md, "Checkpoints"): Restore puts the same objects back, and the ticks after it
// replay the ticks after the checkpoint step for step.
[TestFixture]
public sealed class CheckpointTests
{
    private ManualClock _clock = null!;
    private EventLoop _loop = null!;
    private List<string> _trace = null!;
    private int _finallies;

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualClock();
        _loop = new EventLoop(_clock, "ck");
        _trace = new List<string>();
    }

    [TearDown]
    public void TearDown() => _loop.Close();

    private void Frame(double ms = 10)
    {
        _clock.Advance(TimeSpan.FromMilliseconds(ms));
        _loop.Tick();
    }

    private IEnumerator<IAwaitable> Counter(string name, int steps, double sleepMs)
    {
        for (int i = 0; i < steps; i++)
        {
            _trace.Add($"{name}:{i}@{_loop.TickCount}");
            yield return Co.Sleep(TimeSpan.FromMilliseconds(sleepMs));
        }

        _trace.Add($"{name}:done@{_loop.TickCount}");
    }

    private List<string> TraceAfter(int start) => _trace.GetRange(start, _trace.Count - start);

    [Test]
    public void Restore_ReplaysTheSameStepsInTheSameOrder_R70()
    {
        _loop.Start(Counter("a", 10, 15));
        _loop.Start(Counter("b", 10, 25));
        Frame();
        Frame();
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        int mark = _trace.Count;
        for (int i = 0; i < 30; i++)
        {
            Frame();
        }

        List<string> first = TraceAfter(mark);
        _loop.Restore(checkpoint);
        _trace.RemoveRange(mark, _trace.Count - mark);
        for (int i = 0; i < 30; i++)
        {
            Frame();
        }

        Assert.That(TraceAfter(mark), Is.EqualTo(first));
        Assert.That(first, Has.Count.EqualTo(20), "both counters stepped and a finished");
        Assert.That(first, Has.Some.StartsWith("a:done@"));
    }

    [Test]
    public void Restore_SetsTimeAndTickCountBack_R70_R10()
    {
        _loop.Start(Counter("a", 100, 10));
        Frame();
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        TimeSpan time = _loop.Time;
        long ticks = _loop.TickCount;
        Frame();
        Frame();
        Assert.That(_loop.TickCount, Is.EqualTo(ticks + 2));
        _loop.Restore(checkpoint);
        Assert.That(_loop.TickCount, Is.EqualTo(ticks));
        Assert.That(_loop.Time, Is.EqualTo(time));
        Assert.That(_clock.Now, Is.EqualTo(time));
        Assert.That(checkpoint.TickCount, Is.EqualTo(ticks));
        Assert.That(checkpoint.Time, Is.EqualTo(time));
    }

    [Test]
    public void Restore_BringsBackTheSameTaskObjectsWithTheirState()
    {
        LoopTask<int> task = _loop.Start<int>(Returns(5));
        Frame();
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        for (int i = 0; i < 10; i++)
        {
            Frame();
        }

        Assert.That(task.IsCompleted, Is.True);
        Assert.That(task.Result, Is.EqualTo(5));
        _loop.Restore(checkpoint);
        Assert.That(task.IsCompleted, Is.False, "the task finished after the checkpoint: it is pending again");
        Assert.That(_loop.PendingTaskCount, Is.EqualTo(1));
        for (int i = 0; i < 10; i++)
        {
            Frame();
        }

        Assert.That(task.Result, Is.EqualTo(5));
    }

    private IEnumerator<IAwaitable> Returns(int n)
    {
        int sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum++;
            yield return Co.NextTick;
        }

        yield return Co.Return(sum);
    }

    [Test]
    public void TasksBornAfterTheCheckpoint_AreDiscardedWithoutTheirFinally_R70()
    {
        bool finallyRan = false;
        IEnumerator<IAwaitable> Late()
        {
            try
            {
                yield return Co.Sleep(TimeSpan.FromSeconds(10));
            }
            finally
            {
                finallyRan = true;
            }
        }

        _loop.Start(Counter("a", 100, 10));
        Frame();
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        LoopTask late = _loop.Start(Late());
        Frame();
        Assert.That(_loop.PendingTaskCount, Is.EqualTo(2));
        _loop.Restore(checkpoint);
        Assert.That(_loop.PendingTaskCount, Is.EqualTo(1));
        Assert.That(finallyRan, Is.False);
        Assert.That(late.IsCancelled, Is.True, "a handle to a discarded task reads cancelled");
        late.Cancel();   // touches nothing
        Assert.That(_loop.PendingTaskCount, Is.EqualTo(1));
        _loop.Close();
        Assert.That(finallyRan, Is.False, "the discarded task is gone: closing does not run its finally either");
    }

    [Test]
    public void Finally_RunsOncePerTimeline_R70_R30()
    {
        // A field of the fixture (a game object: not rewound); a local captured by the coroutine would live in a
        // closure, which is the coroutine's state and rolls back with it.
        IEnumerator<IAwaitable> Guarded()
        {
            try
            {
                yield return Co.Sleep(TimeSpan.FromMilliseconds(30));
            }
            finally
            {
                _finallies++;
            }
        }

        LoopTask task = _loop.Start(Guarded());
        Frame();
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        for (int i = 0; i < 5; i++)
        {
            Frame();
        }

        Assert.That(task.IsCompleted && _finallies == 1, Is.True);
        _loop.Restore(checkpoint);
        Assert.That(task.IsCompleted, Is.False);
        for (int i = 0; i < 5; i++)
        {
            Frame();
        }

        Assert.That(_finallies, Is.EqualTo(2), "once in the first timeline, once in the restored one");
        Assert.That(task.IsCompleted, Is.True);
    }

    [Test]
    public void Checkpoint_CanBeRestoredManyTimesAndReused()
    {
        _loop.Start(Counter("a", 1000, 10));
        _loop.Start(Counter("b", 1000, 30));
        Frame();
        var checkpoint = new LoopCheckpoint();
        List<string>? expected = null;
        for (int round = 0; round < 5; round++)
        {
            _loop.Checkpoint(checkpoint);
            int mark = _trace.Count;
            for (int i = 0; i < 8; i++)
            {
                Frame();
            }

            List<string> run = TraceAfter(mark);
            _loop.Restore(checkpoint);
            _trace.RemoveRange(mark, _trace.Count - mark);
            for (int i = 0; i < 8; i++)
            {
                Frame();
            }

            Assert.That(TraceAfter(mark), Is.EqualTo(run), $"round {round}");
            expected = run;
        }

        Assert.That(expected, Is.Not.Empty);
    }

    [Test]
    public void FuturesAndTheirWaiters_ComeBack()
    {
        var source = new FutureSource<int>(_loop);
        IEnumerator<IAwaitable> Waiter()
        {
            Future<int> f = source.Future;
            yield return f;
            _trace.Add($"got {f.Result}@{_loop.TickCount}");
        }

        _loop.Start(Waiter());
        Frame();
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        source.SetResult(7);
        Frame();
        Assert.That(_trace, Is.EqualTo(new[] { "got 7@2" }));
        _loop.Restore(checkpoint);
        Assert.That(source.Future.IsCompleted, Is.False, "the source's future is the loop's: it is pending again");
        _trace.Clear();
        Frame();
        Assert.That(_trace, Is.Empty);
        source.SetResult(8);
        Frame();
        Assert.That(_trace, Is.EqualTo(new[] { "got 8@3" }));
    }
}
