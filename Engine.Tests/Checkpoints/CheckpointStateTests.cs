using System;
using System.Collections.Generic;
using NUnit.Framework;
using YieldLoop;

namespace YieldLoop.Tests.Checkpoints;

// What a checkpoint rewinds beyond the tasks themselves: nested calls and their pooled objects, game clocks, game
// objects that opt in, tracked roots, cancellation and closures.
[TestFixture]
public sealed class CheckpointStateTests
{
    private ManualClock _clock = null!;
    private EventLoop _loop = null!;
    private readonly List<string> _trace = new();

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualClock();
        _loop = new EventLoop(_clock, "ck");
        _trace.Clear();
    }

    [TearDown]
    public void TearDown() => _loop.Close();

    private void Frames(int n)
    {
        for (int i = 0; i < n; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(10));
            _loop.Tick();
        }
    }

    private IEnumerator<IAwaitable> Child(string name, int depth)
    {
        _trace.Add($"{name} enter {depth} @{_loop.TickCount}");
        yield return Co.Sleep(TimeSpan.FromMilliseconds(15));
        if (depth > 0)
        {
            yield return Co.Call(Child(name, depth - 1));
        }

        _trace.Add($"{name} leave {depth} @{_loop.TickCount}");
    }

    private IEnumerator<IAwaitable> Caller(string name)
    {
        for (int round = 0; round < 3; round++)
        {
            yield return Co.Call(Child(name + round, 2));
        }
    }

    [Test]
    public void NestedCalls_ReplayAfterARestore_AndPooledCallsAreNotHandedOutTwice()
    {
        _loop.Start(Caller("a"));
        Frames(3);
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        int mark = _trace.Count;
        Frames(20);
        List<string> first = _trace.GetRange(mark, _trace.Count - mark);
        _loop.Restore(checkpoint);
        _trace.RemoveRange(mark, _trace.Count - mark);

        // Another coroutine rents calls from the pool right after the restore: it must not get the restored ones.
        _loop.Start(Caller("b"));
        Frames(20);
        var replay = _trace.GetRange(mark, _trace.Count - mark).FindAll(line => line.StartsWith('a'));
        Assert.That(replay, Is.EqualTo(first));
        Assert.That(_trace.FindAll(line => line.StartsWith("b2 leave 2", StringComparison.Ordinal)), Has.Count.EqualTo(1));
    }

    [Test]
    public void GameClock_ScaleAndPauseAreRewound_EvenWhenNoCoroutineUsesTheClock()
    {
        var clock = new GameClock(_loop, "world");
        Frames(1);
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        TimeSpan before = clock.Now;
        clock.Scale = 3;
        Frames(2);
        clock.Pause();
        Assert.That(clock.IsPaused, Is.True);
        _loop.Restore(checkpoint);
        Assert.That(clock.IsPaused, Is.False);
        Assert.That(clock.Scale, Is.EqualTo(1.0));
        Assert.That(clock.Now, Is.EqualTo(before));
    }

    [Test]
    public void SleepsOnAGameClock_Replay()
    {
        var clock = new GameClock(_loop, "world");
        IEnumerator<IAwaitable> Walker()
        {
            for (int i = 0; i < 10; i++)
            {
                yield return clock.Sleep(TimeSpan.FromMilliseconds(25));
                _trace.Add($"step {i} @{_loop.TickCount} local {clock.Now.TotalMilliseconds}");
                if (i == 3)
                {
                    clock.Scale = 0.5;
                }
            }
        }

        _loop.Start(Walker());
        Frames(4);
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        int mark = _trace.Count;
        Frames(60);
        List<string> first = _trace.GetRange(mark, _trace.Count - mark);
        _loop.Restore(checkpoint);
        _trace.RemoveRange(mark, _trace.Count - mark);
        Frames(60);
        Assert.That(_trace.GetRange(mark, _trace.Count - mark), Is.EqualTo(first));
        Assert.That(first, Has.Count.GreaterThan(5));
    }

    private sealed class Health : IRewindable
    {
        public int Points = 100;
        public int Captures;

        public void Capture(ref object? state)
        {
            Captures++;
            state = Points;
        }

        public void Rewind(object? state) => Points = (int)state!;
    }

    [Test]
    public void RewindableGameObject_ACoroutineRefersTo_RollsBackWithTheLoop_R72()
    {
        var health = new Health();
        IEnumerator<IAwaitable> Poison()
        {
            while (health.Points > 0)
            {
                health.Points -= 7;
                yield return Co.Sleep(TimeSpan.FromMilliseconds(20));
            }
        }

        _loop.Start(Poison());
        Frames(2);
        int atCheckpoint = health.Points;
        var checkpoint = new LoopCheckpoint();
        _loop.Checkpoint(checkpoint);
        Frames(10);
        Assert.That(health.Points, Is.LessThan(atCheckpoint));
        _loop.Restore(checkpoint);
        Assert.That(health.Points, Is.EqualTo(atCheckpoint));
        _loop.Checkpoint(checkpoint);
        Assert.That(health.Captures, Is.EqualTo(2), "captured once per checkpoint");
    }

    [Test]
    public void TrackedFutureSource_ThatNoCoroutineWaitsOn_IsRewound()
    {
        var source = new FutureSource<int>(_loop);
        var checkpoint = new LoopCheckpoint();
        checkpoint.Track(source);
        _loop.Checkpoint(checkpoint);
        source.SetResult(1);
        _loop.Restore(checkpoint);
        Assert.That(source.Future.IsCompleted, Is.False);
        source.SetResult(2);
        Assert.That(source.Future.Result, Is.EqualTo(2));
    }

    [Test]
    public void TaskCancelledAfterTheCheckpoint_IsPendingAgain_AndItsFinallyRunsOncePerTimeline_R70_R30()
    {
        s_finallies = 0;
        var counter = new int[1];   // an array the closure holds is the coroutine's state: rewound
        IEnumerator<IAwaitable> Guarded()
        {
            try
            {
                while (true)
                {
                    counter[0]++;
                    yield return Co.NextTick;
                }
            }
            finally
            {
                s_finallies++;
            }
        }

        LoopTask task = _loop.Start(Guarded());
        Frames(2);
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        int counted = counter[0];
        task.Cancel();
        Frames(1);
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(s_finallies, Is.EqualTo(1));
        _loop.Restore(checkpoint);
        Assert.That(task.IsCompleted, Is.False, "cancelling is part of the abandoned timeline");
        Assert.That(counter[0], Is.EqualTo(counted), "the closure's array is rewound with the coroutine");
        Frames(3);
        Assert.That(counter[0], Is.EqualTo(counted + 3));
        task.Cancel();
        Frames(1);
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(s_finallies, Is.EqualTo(2), "once per timeline");
    }

    // Counts outside the closure (a static field is the game's, not rewound).
    private static int s_finallies;

    [Test]
    public void Callbacks_ScheduledAfterTheCheckpointNeverRun_AndEarlierOnesRunAgain()
    {
        _loop.CallLater(TimeSpan.FromMilliseconds(50), () => _trace.Add($"early @{_loop.TickCount}"));
        Frames(1);
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        _loop.CallLater(TimeSpan.FromMilliseconds(20), () => _trace.Add("late"));
        Frames(10);
        Assert.That(_trace, Is.EqualTo(new[] { "late", "early @5" }));
        _loop.Restore(checkpoint);
        _trace.Clear();
        Frames(10);
        Assert.That(_trace, Is.EqualTo(new[] { "early @5" }));
    }

    [Test]
    public void SameTickWakeUps_ReplayToo()
    {
        _loop.SameTickWakeUps = true;
        var source = new FutureSource<int>(_loop);
        IEnumerator<IAwaitable> Relay(Future<int> input, FutureSource<int> output, string name)
        {
            yield return input;
            _trace.Add($"{name} @{_loop.TickCount}");
            output.SetResult(input.Result + 1);
        }

        var mid = new FutureSource<int>(_loop);
        var end = new FutureSource<int>(_loop);
        _loop.Start(Relay(source.Future, mid, "one"));
        _loop.Start(Relay(mid.Future, end, "two"));
        Frames(1);
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        source.SetResult(1);
        Frames(1);
        Assert.That(_trace, Is.EqualTo(new[] { "one @2", "two @2" }));
        _loop.Restore(checkpoint);
        _trace.Clear();
        source.SetResult(5);
        Frames(1);
        Assert.That(_trace, Is.EqualTo(new[] { "one @2", "two @2" }));
        Assert.That(end.Future.Result, Is.EqualTo(7));
    }

    [Test]
    public void ACoroutineThatHoldsCheckpoints_IsCapturedWithoutCopyingTheCheckpointsThemselves()
    {
        var ring = new[] { new LoopCheckpoint(), new LoopCheckpoint() };
        IEnumerator<IAwaitable> Keeper()
        {
            while (true)
            {
                _trace.Add($"keeper sees {ring.Length} @{_loop.TickCount}");
                yield return Co.Sleep(TimeSpan.FromMilliseconds(10));
            }
        }

        _loop.Start(Keeper());
        Frames(1);
        _loop.Checkpoint(ring[0]);
        int objects = ring[0].ObjectCount;
        Frames(1);
        _loop.Checkpoint(ring[1]);
        Assert.That(ring[1].ObjectCount, Is.EqualTo(objects), "a checkpoint is the game's: not copied into another");
        _loop.Restore(ring[0]);
        Assert.That(ring[1].Loop, Is.SameAs(_loop), "restoring one checkpoint does not empty another");
        Frames(1);
        Assert.That(_trace[^1], Is.EqualTo("keeper sees 2 @2"));
    }
}
