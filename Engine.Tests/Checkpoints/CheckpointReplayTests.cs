using System;
using System.Collections.Generic;
using NUnit.Framework;
using YieldLoop;

namespace YieldLoop.Tests.Checkpoints;

// Focused cases behind the checkpoint property (CheckpointPropertyTests): what the random programs showed to be tricky,
// written small. The trace is a game object (Trace), so a restore does not roll it back: each test compares the lines
// written after the checkpoint in each timeline.
[TestFixture]
public sealed class CheckpointReplayTests
{
    private ManualClock _clock = null!;
    private EventLoop _loop = null!;
    private Trace _trace = null!;
    private int _reports;

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualClock();
        _loop = new EventLoop(_clock, "replay");
        _trace = new Trace();
        _reports = 0;
        _loop.UnhandledExceptionHandler = ex =>
        {
            _reports++;
            Log("unhandled " + ex.Message);
        };
    }

    [TearDown]
    public void TearDown() => _loop.Close();

    private void Frame(double ms = 10)
    {
        _clock.Advance(TimeSpan.FromMilliseconds(ms));
        _loop.Tick();
    }

    private void Frames(int n)
    {
        for (int i = 0; i < n; i++)
        {
            Frame();
        }
    }

    private void Log(string what) => _trace.Lines.Add($"{what} @{_loop.TickCount}");

    // Runs n frames and returns the lines they traced.
    private List<string> Timeline(int n)
    {
        int mark = _trace.Lines.Count;
        Frames(n);
        return _trace.Lines.GetRange(mark, _trace.Lines.Count - mark);
    }

    [Test]
    public void FailureCreatedBeforeTheCheckpoint_IsReportedAgainInTheRestoredTimeline_R23()
    {
        var source = new FutureSource<int>(_loop);
        IEnumerator<IAwaitable> Waiter()
        {
            yield return source.Future;
        }

        _loop.Start(Waiter(), "waiter");
        Frame();
        source.SetException(new InvalidOperationException("boom"));
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        List<string> first = Timeline(2);
        Assert.That(_reports, Is.EqualTo(1), "the waiter faulted with the source's exception, which nobody observed");
        _loop.Restore(checkpoint);
        List<string> second = Timeline(2);
        Assert.That(second, Is.EqualTo(first), "the restored timeline reports the failure too: once per timeline");
    }

    [Test]
    public void CoroutineTraceOfAnExceptionCreatedBeforeTheCheckpoint_IsTheSameInEachTimeline_R22()
    {
        var source = new FutureSource<int>(_loop);
        var failure = new InvalidOperationException("boom");
        IEnumerator<IAwaitable> Inner()
        {
            yield return source.Future;
        }

        IEnumerator<IAwaitable> Outer()
        {
            yield return Co.Call(Inner());
        }

        LoopTask task = _loop.Start(Outer(), "outer");
        Frame();
        source.SetException(failure);
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        Frames(2);
        Assert.That(task.IsFaulted, Is.True);
        string? first = failure.GetCoroutineTrace();
        _loop.Restore(checkpoint);
        Frames(2);
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(failure.GetCoroutineTrace(), Is.EqualTo(first));
    }

    [Test]
    public void RestoringACheckpointOfAnAbandonedTimeline_IsRefused_AndTheCurrentHistoryStillRestores_R71()
    {
        IEnumerator<IAwaitable> Short()
        {
            yield return Co.WaitTicks(3);
        }

        IEnumerator<IAwaitable> Long()
        {
            while (true)
            {
                yield return Co.NextTick;
            }
        }

        _loop.Start(Long(), "long");
        LoopTask shortTask = _loop.Start(Short(), "short");
        Frame();
        LoopCheckpoint early = _loop.Checkpoint();
        Frames(9);
        Assert.That(shortTask.IsSucceeded, Is.True);
        LoopCheckpoint late = _loop.Checkpoint();
        _loop.Restore(early);
        Assert.That(shortTask.State, Is.EqualTo(FutureState.Pending), "back at the early checkpoint, the short task has not finished");
        Frame();

        // 'late' belongs to the timeline the restore abandoned: the tasks that had finished by then were not captured
        // (nothing referred to them), so bringing it back cannot be exact; it is refused.
        var ex = Assert.Throws<InvalidOperationException>(() => _loop.Restore(late));
        Assert.That(ex!.Message, Does.Contain("abandoned"));
        Assert.That(_loop.TickCount, Is.EqualTo(2), "a refused restore changes nothing");

        // The early checkpoint is on the current history: it restores again, as often as needed, and checkpoints taken
        // after a restore restore too.
        _loop.Restore(early);
        Frames(9);
        LoopCheckpoint again = _loop.Checkpoint();
        _loop.Restore(early);
        Assert.That(() => _loop.Restore(again), Throws.InvalidOperationException);
        Frames(3);
        LoopCheckpoint later = _loop.Checkpoint();
        Frames(2);
        _loop.Restore(later);
        Assert.That(_loop.TickCount, Is.EqualTo(4));
    }

    [Test]
    public void GameClockPausedAndRescaledAfterTheCheckpoint_ComesBackRunningAtItsOldScale_R13()
    {
        var clock = new GameClock(_loop, "world");
        clock.Scale = 0.5;
        IEnumerator<IAwaitable> Sleeper()
        {
            for (int i = 0; i < 10; i++)
            {
                Log($"sleeper {i} at {clock.Now.Ticks}");
                yield return clock.Sleep(TimeSpan.FromMilliseconds(15));
            }
        }

        IEnumerator<IAwaitable> Director()
        {
            yield return Co.WaitTicks(2);
            clock.Pause();
            Log("paused");
            yield return Co.WaitTicks(3);
            clock.Scale = 3;
            clock.Resume();
            Log("resumed");
        }

        _loop.Start(Sleeper(), "sleeper");
        Frame();
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        TimeSpan now = clock.Now;
        _loop.Start(Director(), "director");
        List<string> first = Timeline(12);
        Assert.That(first, Has.Some.StartsWith("paused").And.Some.StartsWith("resumed"));
        Assert.That(clock.Scale, Is.EqualTo(3));
        _loop.Restore(checkpoint);
        Assert.That(clock.IsPaused, Is.False);
        Assert.That(clock.Scale, Is.EqualTo(0.5));
        Assert.That(clock.Now, Is.EqualTo(now));
        _loop.Start(Director(), "director");
        List<string> second = Timeline(12);
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void CallbackScheduledBeforeTheCheckpoint_RunsAgainAfterEachRestore()
    {
        _loop.CallLater(TimeSpan.FromMilliseconds(25), () => Log("later"));
        _loop.CallSoon(() => Log("soon"));
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        List<string> first = Timeline(5);
        Assert.That(first, Is.EqualTo(new[] { "soon @1", "later @3" }));
        for (int i = 0; i < 2; i++)
        {
            _loop.Restore(checkpoint);
            Assert.That(Timeline(5), Is.EqualTo(first), $"restore {i}");
        }
    }

    [Test]
    public void Race_ReplaysItsWinnerAndItsLosersFinallyBlocksAfterARestore_R42()
    {
        IEnumerator<IAwaitable> Runner(string name, int ticks)
        {
            try
            {
                yield return Co.WaitTicks(ticks);
                Log(name + " won");
                yield return Co.Return(ticks);
            }
            finally
            {
                Log(name + " finally");
            }
        }

        IEnumerator<IAwaitable> Referee()
        {
            Future<int> race = Co.Race<int>(_loop, Runner("a", 4), Runner("b", 2), Runner("c", 6));
            yield return race;
            Log("winner " + race.Result);
        }

        LoopTask referee = _loop.Start(Referee(), "referee");
        Frame();
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        List<string> first = Timeline(6);
        // a has already stepped in the tick b wins in, so its cancellation turn comes a tick later than c's (R30).
        Assert.That(first, Is.EqualTo(new[] { "b won @4", "b finally @4", "c finally @4", "a finally @5", "winner 2 @6" }));
        _loop.Restore(checkpoint);
        Assert.That(referee.IsCompleted, Is.False);
        Assert.That(Timeline(6), Is.EqualTo(first));
        Assert.That(referee.IsSucceeded, Is.True);
    }

    [Test]
    public void TaskGroupWhoseChildFailsAfterTheCheckpoint_FailsTheSameWayInEachTimeline_R44()
    {
        IEnumerator<IAwaitable> Child(string name, int ticks, bool fail)
        {
            try
            {
                yield return Co.WaitTicks(ticks);
                if (fail)
                {
                    throw new InvalidOperationException(name + " failed");
                }
            }
            finally
            {
                Log(name + " finally");
            }
        }

        IEnumerator<IAwaitable> Parent()
        {
            using var group = new TaskGroup(_loop);
            group.Start(Child("x", 2, fail: true), "x");
            group.Start(Child("y", 5, fail: false), "y");
            Future all = group.WhenAll();
            yield return Co.Settle(all);
            Log($"group {all.State} {all.Exception?.GetFailures().Count}");
        }

        _loop.Start(Parent(), "parent");
        Frame();
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        List<string> first = Timeline(6);
        Assert.That(first, Has.Some.StartsWith("group Faulted 1"));
        Assert.That(first, Has.Some.StartsWith("y finally"), "the sibling was cancelled");
        _loop.Restore(checkpoint);
        Assert.That(Timeline(6), Is.EqualTo(first));
        Assert.That(_reports, Is.Zero);
    }

    [Test]
    public void TaskCancelledAfterTheCheckpoint_RunsItsFinallyOncePerTimeline_R30()
    {
        IEnumerator<IAwaitable> Victim()
        {
            try
            {
                while (true)
                {
                    yield return Co.Sleep(TimeSpan.FromMilliseconds(5));
                }
            }
            finally
            {
                Log("victim finally");
            }
        }

        LoopTask victim = _loop.Start(Victim(), "victim");
        IEnumerator<IAwaitable> Killer()
        {
            yield return Co.WaitTicks(2);
            Log("cancel " + victim.Cancel());
            yield return Co.Settle(victim);
            Log("victim " + victim.State);
        }

        _loop.Start(Killer(), "killer");
        Frame();
        LoopCheckpoint checkpoint = _loop.Checkpoint();
        List<string> first = Timeline(4);
        Assert.That(first, Is.EqualTo(new[] { "cancel True @3", "victim finally @3", "victim Cancelled @4" }));
        _loop.Restore(checkpoint);
        Assert.That(victim.State, Is.EqualTo(FutureState.Pending));
        Assert.That(Timeline(4), Is.EqualTo(first));
    }

    [Test]
    public void CheckpointsTakenEveryFrameIntoOneObject_ReplayFromTheLastOne()
    {
        ProgramRun run = new(RandomPrograms.Generate(42));
        run.Build(_loop, _clock);
        var checkpoint = new LoopCheckpoint();
        RunMark mark = default;
        for (int i = 0; i < 20; i++)
        {
            _loop.Checkpoint(checkpoint);
            mark = run.Mark();
            run.Frame();
        }

        List<string> expected = new(run.Trace.Lines);
        for (int round = 0; round < 3; round++)
        {
            _loop.Restore(checkpoint);
            run.Rewind(mark);
            Assert.That(_loop.TickCount, Is.EqualTo(19));
            run.Frame();
            Assert.That(run.Trace.Lines, Is.EqualTo(expected), $"round {round}");
        }
    }
}
