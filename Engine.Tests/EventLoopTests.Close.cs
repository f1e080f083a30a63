using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>R36 (Close) and R37 (a run stopped before its task completed).</summary>
public partial class EventLoopTests
{
    private const string ClosedText = "is closed; create a new EventLoop to run more work.";

    // ---- R36: Close ----------------------------------------------------------------------------------------------

    [Test]
    public void Close_CancelsEveryPendingTaskRunsItsFinallyAndReturnsIt_R36()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var finallies = new StrongBox<int>(0);
        var never = new FutureSource(loop);
        LoopTask parked = loop.Start(Pending(never.Future, finallies), "parked");
        LoopTask sleeping = loop.Start(Sleeping(finallies), "sleeping");
        LoopTask looping = loop.Start(Looping(finallies), "looping");
        LoopTask done = loop.Start(Run(() => { }), "done");
        t.Tick();
        bool freshRan = false;
        LoopTask fresh = loop.Start(Run(() => freshRan = true), "fresh");
        CallbackHandle soon = loop.CallSoon(() => Assert.Fail("a callback ran during Close"));
        CallbackHandle later = loop.CallLater(5, () => Assert.Fail("a timer ran during Close"));

        IReadOnlyList<Future> pending = loop.Close();

        Assert.That(pending, Is.EquivalentTo(new Future[] { parked, sleeping, looping, fresh, soon, later }));
        Assert.That(pending.Select(p => p.State), Is.All.EqualTo(FutureState.Cancelled));
        Assert.That(finallies.Value, Is.EqualTo(3), "each started task's finally ran once");
        Assert.That(freshRan, Is.False, "a task that never stepped never runs its body (R32)");
        Assert.That(done.IsSucceeded, Is.True, "completed work is not touched");
        Assert.That(loop.IsClosed, Is.True);
        Assert.That(loop.PendingTaskCount, Is.Zero);
        Assert.That(loop.PendingTimerCount, Is.Zero);
        Assert.That(t.Unhandled, Is.Empty);

        static IEnumerator<IAwaitable> Sleeping(StrongBox<int> finallies)
        {
            try
            {
                yield return Co.Sleep(100);
            }
            finally
            {
                finallies.Value++;
            }
        }

        static IEnumerator<IAwaitable> Looping(StrongBox<int> finallies)
        {
            try
            {
                while (true)
                {
                    yield return Co.NextTick;
                }
            }
            finally
            {
                finallies.Value++;
            }
        }
    }

    [Test]
    public void Close_AlsoCancelsWorkThatFinallyBlocksStartWhileClosing_R36()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var finallies = new StrongBox<int>(0);
        LoopTask? startedInFinally = null;
        LoopTask task = loop.Start(Body());
        t.Tick();

        IReadOnlyList<Future> pending = loop.Close();
        Assert.That(startedInFinally, Is.Not.Null);
        Assert.That(pending, Is.EquivalentTo(new[] { task, startedInFinally! }));
        Assert.That(startedInFinally!.IsCancelled, Is.True);

        IEnumerator<IAwaitable> Body()
        {
            try
            {
                yield return Co.Sleep(10);
            }
            finally
            {
                startedInFinally = loop.Start(Pending(new FutureSource(loop).Future, finallies));
            }
        }
    }

    [Test]
    public void Close_ReportsAFailureOfAFinallyBeforeItReturns_R36()
    {
        var t = new TestLoop();
        var boom = new InvalidOperationException("finally failed");
        LoopTask task = t.Loop.Start(Body());
        t.Tick();
        t.Loop.Close();
        Assert.That(task.IsFaulted, Is.True, "a finally that throws during cancellation becomes the outcome (R35)");
        Assert.That(t.Unhandled, Is.EqualTo(new[] { boom }), "reported once, before Close returns (R23)");

        IEnumerator<IAwaitable> Body()
        {
            try
            {
                yield return Co.Sleep(10);
            }
            finally
            {
#pragma warning disable CA2219 // The test is about a finally that throws.
                throw boom;
#pragma warning restore CA2219
            }
        }
    }

    [Test]
    public void Close_CancelsTheFutureAPendingTaskIsParkedOn_LikeAnyCancellation_R31_R36()
    {
        var t = new TestLoop();
        var never = new FutureSource(t.Loop);
        var finallies = new StrongBox<int>(0);
        t.Loop.Start(Pending(never.Future, finallies), "parked");
        t.Tick();

        t.Loop.Close();

        Assert.That(never.Future.IsCancelled, Is.True);
        Assert.That(finallies.Value, Is.EqualTo(1));
    }

    [Test]
    public void Close_Twice_IsANoOpThatReturnsNothing_R36()
    {
        var t = new TestLoop();
        var finallies = new StrongBox<int>(0);
        t.Loop.Start(Pending(new FutureSource(t.Loop).Future, finallies));
        t.Tick();
        Assert.That(t.Loop.Close(), Has.Count.EqualTo(1));
        Assert.That(t.Loop.Close(), Is.Empty);
        Assert.That(finallies.Value, Is.EqualTo(1));
    }

    [Test]
    public void Close_FromInsideAStep_ThrowsAndLeavesTheLoopOpen_R36()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        Exception? caught = null;
        LoopTask task = loop.Start(Body());
        t.Tick();
        Assert.That(caught, Is.TypeOf<InvalidOperationException>());
        Assert.That(caught!.Message, Does.Contain("cannot be closed from inside one of its own steps or callbacks"));
        Assert.That(loop.IsClosed, Is.False);
        t.Tick();
        Assert.That(task.IsSucceeded, Is.True);

        IEnumerator<IAwaitable> Body()
        {
            try
            {
                loop.Close();
            }
            catch (InvalidOperationException ex)
            {
                caught = ex;
            }

            yield return Co.NextTick;
        }
    }

    [Test]
    public void Close_FromInsideACallback_Throws_R36()
    {
        var t = new TestLoop();
        Exception? caught = null;
        t.Loop.CallSoon(() => caught = Assert.Catch(() => t.Loop.Close()));
        t.Tick();
        Assert.That(caught, Is.TypeOf<InvalidOperationException>());
        Assert.That(t.Loop.IsClosed, Is.False);
    }

    [Test]
    public void AfterClose_TheOutcomesOfTasksAndFuturesCanStillBeRead_R36()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var boom = new InvalidOperationException("boom");
        LoopTask<int> succeeded = loop.Start<int>(Return42());
        LoopTask faulted = loop.Start(Run(() => throw boom));
        var source = new FutureSource<string>(loop);
        source.SetResult("kept");
        var pendingSource = new FutureSource(loop);
        LoopTask cancelled = loop.Start(WaitThenLog(pendingSource.Future, new List<string>(), "never"));
        t.Tick(2);
        t.Unhandled.Clear();

        loop.Close();

        Assert.That(succeeded.Result, Is.EqualTo(42));
        Assert.That(succeeded.State, Is.EqualTo(FutureState.Succeeded));
        Assert.That(faulted.Exception, Is.SameAs(boom));
        Assert.That(() => faulted.GetResult(), Throws.Exception.SameAs(boom));
        Assert.That(source.Future.Result, Is.EqualTo("kept"));
        Assert.That(cancelled.IsCancelled, Is.True);
        Assert.That(() => cancelled.GetResult(), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(cancelled.Name, Is.EqualTo("WaitThenLog"));
        Assert.That(cancelled.ToString(), Does.Contain("Cancelled"));
        Assert.That(loop.Name, Is.EqualTo("test-loop"));
        Assert.That(loop.TickCount, Is.EqualTo(2));
        Assert.That(loop.Time, Is.EqualTo(TimeSpan.Zero));
        Assert.That(loop.Clock, Is.SameAs(t.Clock));

        static IEnumerator<IAwaitable> Return42()
        {
            yield return Co.Return(42);
        }
    }

    private static IEnumerable<TestCaseData> UsesOfAClosedLoop()
    {
        yield return Case("Tick", (l, _) => l.Tick());
        yield return Case("RunForever", (l, _) => l.RunForever());
        yield return Case("RunUntilComplete(Future)", (l, f) => l.RunUntilComplete(f));
        yield return Case("TryRunUntilComplete", (l, f) => l.TryRunUntilComplete(f));
        yield return Case("RunUntilComplete(coroutine)", (l, _) => l.RunUntilComplete(Run(() => { })));
        yield return Case("Start", (l, _) => l.Start(Run(() => { })));
        yield return Case("Start<T>", (l, _) => l.Start<int>(Run(() => { })));
        yield return Case("CallSoon", (l, _) => l.CallSoon(() => { }));
        yield return Case("CallLater(double)", (l, _) => l.CallLater(1.0, () => { }));
        yield return Case("CallLater(TimeSpan)", (l, _) => l.CallLater(TimeSpan.FromSeconds(1), () => { }));
        yield return Case("CallAt", (l, _) => l.CallAt(TimeSpan.FromSeconds(1), () => { }));
        yield return Case("Post", (l, _) => l.Post(() => { }));
        yield return Case("Post from another thread", (l, _) =>
        {
            Exception? ex = OnOtherThread(() => l.Post(() => { }));
            if (ex is not null)
            {
                throw ex;
            }
        });
        yield return Case("Future.Cancel", (_, f) => f.Cancel());
        yield return Case("Future.AddCallback", (_, f) => f.AddCallback(_ => { }));

        static TestCaseData Case(string name, Action<EventLoop, Future> use) => new TestCaseData(use).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(UsesOfAClosedLoop))]
    public void AfterClose_EveryOtherUseThrowsObjectDisposedException_R36(Action<EventLoop, Future> use)
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        t.Loop.Close();
        var ex = Assert.Throws<ObjectDisposedException>(() => use(t.Loop, source.Future));
        Assert.That(ex!.Message, Does.Contain("The event loop 'test-loop' " + ClosedText));
    }

    [Test]
    public void AfterClose_TryPostReturnsFalseFromAnyThread_R36()
    {
        var t = new TestLoop();
        t.Loop.Close();
        bool ran = false;
        Assert.That(t.Loop.TryPost(() => ran = true), Is.False);
        bool? fromOther = null;
        Assert.That(OnOtherThread(() => fromOther = t.Loop.TryPost(() => ran = true)), Is.Null);
        Assert.That(fromOther, Is.False);
        Assert.That(ran, Is.False);
    }

    [Test]
    public void Close_RunsTheCallbacksPostedBeforeIt_ThenCancelsWhatTheyStarted_R51_R36()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask? started = null;
        Assert.That(OnOtherThread(() =>
        {
            t.Loop.Post(() => log.Add("first post"));
            t.Loop.Post(() =>
            {
                log.Add("second post");
                started = t.Loop.Start(LogFinally(log));
            });
        }), Is.Null);

        IReadOnlyList<Future> pending = t.Loop.Close();

        Assert.That(log, Is.EqualTo(new[] { "first post", "second post" }), "the started task is cancelled before its first step (R32)");
        Assert.That(started!.IsCancelled, Is.True);
        Assert.That(pending, Is.EqualTo(new[] { started }), "the posts ran, so only the task they started was pending");
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void Close_RunsAcceptedPostsBeforeItCancelsTheTasks_R51_R36()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask sleeper = t.Loop.Start(SleepAndLogFinally(log));
        t.Tick();
        Assert.That(OnOtherThread(() => t.Loop.Post(() => log.Add("post (sleeper " + sleeper.State + ")"))), Is.Null);

        t.Loop.Close();

        Assert.That(log, Is.EqualTo(new[] { "post (sleeper Pending)", "sleeper finally" }));
    }

    [Test]
    public void Close_APostedCallbackThatThrows_IsReported_AndCloseGoesOn_R51_R18()
    {
        var t = new TestLoop();
        var boom = new InvalidOperationException("post threw");
        bool secondRan = false;
        Assert.That(OnOtherThread(() =>
        {
            t.Loop.Post(() => throw boom);
            t.Loop.Post(() => secondRan = true);
        }), Is.Null);

        t.Loop.Close();

        Assert.That(t.Unhandled, Is.EqualTo(new[] { boom }));
        Assert.That(secondRan, Is.True);
        Assert.That(t.Loop.IsClosed, Is.True);
    }

    [Test]
    public void Post_FromInsideClose_Throws_AndTryPostReturnsFalse_R36_R51()
    {
        var t = new TestLoop();
        Exception? fromPost = null;
        bool? fromTryPost = null;
        t.Loop.Start(FinallyThatPosts(t.Loop, e => fromPost = e, b => fromTryPost = b));
        t.Tick();

        t.Loop.Close();

        Assert.That(fromPost, Is.TypeOf<ObjectDisposedException>());
        Assert.That(fromTryPost, Is.False);
    }

    private static IEnumerator<IAwaitable> LogFinally(List<string> log)
    {
        try
        {
            log.Add("body");
            yield return Co.NextTick;
        }
        finally
        {
            log.Add("finally of a task that never ran");
        }
    }

    private static IEnumerator<IAwaitable> SleepAndLogFinally(List<string> log)
    {
        try
        {
            yield return Co.Sleep(100);
        }
        finally
        {
            log.Add("sleeper finally");
        }
    }

    private static IEnumerator<IAwaitable> FinallyThatPosts(EventLoop loop, Action<Exception?> post, Action<bool> tryPost)
    {
        try
        {
            yield return Co.Sleep(100);
        }
        finally
        {
            try
            {
                loop.Post(() => { });
                post(null);
            }
            catch (ObjectDisposedException ex)
            {
                post(ex);
            }

            tryPost(loop.TryPost(() => { }));
        }
    }

    [Test]
    public void Close_FromAnotherThread_Throws_R36_R50()
    {
        var t = new TestLoop();
        Exception? ex = OnOtherThread(() => t.Loop.Close());
        Assert.That(ex, Is.TypeOf<InvalidOperationException>());
        Assert.That(t.Loop.IsClosed, Is.False);
    }

    // ---- R37: a run stopped before the task completed -------------------------------------------------------------

    private static IEnumerable<TestCaseData> ThrowingRuns()
    {
        yield return Case("RunUntilComplete(Future)", (l, task, _) => l.RunUntilComplete((Future)task));
        yield return Case("RunUntilComplete(LoopTask<T>)", (l, task, _) => l.RunUntilComplete(task));
        yield return Case("RunUntilComplete(Future<T>)", (l, _, future) => l.RunUntilComplete(future));

        static TestCaseData Case(string name, Action<EventLoop, LoopTask<int>, Future<int>> run) =>
            new TestCaseData(run).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(ThrowingRuns))]
    public void RunUntilComplete_StoppedBeforeTheTaskCompleted_ThrowsAndLeavesItPendingAndCancellable_R37(
        Action<EventLoop, LoopTask<int>, Future<int>> run)
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var finallies = new StrongBox<int>(0);
        var never = new FutureSource<int>(loop);
        LoopTask<int> task = loop.Start<int>(Forever(finallies));
        loop.CallLater(0, () => loop.Stop());

        var ex = Assert.Throws<InvalidOperationException>(() => run(loop, task, never.Future));
        Assert.That(ex!.Message, Does.Contain("stopped before the task completed"));
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));
        Assert.That(never.Future.State, Is.EqualTo(FutureState.Pending));
        Assert.That(loop.TickCount, Is.EqualTo(1), "Stop returns after the current tick");

        Assert.That(task.Cancel(), Is.True);
        t.Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(finallies.Value, Is.EqualTo(1));

        static IEnumerator<IAwaitable> Forever(StrongBox<int> finallies)
        {
            try
            {
                while (true)
                {
                    yield return Co.NextTick;
                }
            }
            finally
            {
                finallies.Value++;
            }
        }
    }

    [Test]
    public void RunUntilCompleteOfACoroutine_StoppedFirst_Throws_R37()
    {
        var t = new TestLoop();
        t.Loop.CallSoon(() => t.Loop.Stop());
        var ex = Assert.Throws<InvalidOperationException>(() => t.Loop.RunUntilComplete(Never()));
        Assert.That(ex!.Message, Does.Contain("stopped before the task completed"));
        Assert.That(t.Loop.PendingTaskCount, Is.EqualTo(1), "the task is still there, pending");
        Assert.That(t.Loop.Close(), Has.Count.EqualTo(1));

        static IEnumerator<IAwaitable> Never()
        {
            while (true)
            {
                yield return Co.NextTick;
            }
        }
    }

    [Test]
    public void TryRunUntilComplete_StoppedFirst_ReturnsFalseAndTheTaskCanRunAgain_R37()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var gate = new FutureSource(loop);
        LoopTask task = loop.Start(WaitThenLog(gate.Future, new List<string>(), "done"));
        loop.CallSoon(() => loop.Stop());

        Assert.That(loop.TryRunUntilComplete(task), Is.False);
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));

        loop.CallSoon(() => gate.SetResult());
        Assert.That(loop.TryRunUntilComplete(task), Is.True, "a later run goes on to completion");
        Assert.That(task.IsSucceeded, Is.True);
    }

    [Test]
    public void Stop_CalledWhenNoRunIsActive_StopsTheNextRunAfterItsFirstTick_R37()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Forever(new List<string>(), "x"));
        t.Loop.Stop();
        Assert.That(t.Loop.TryRunUntilComplete(task), Is.False);
        Assert.That(t.Loop.TickCount, Is.EqualTo(1));
        Assert.That(task.Cancel(), Is.True);
        Assert.That(t.Loop.TryRunUntilComplete(task), Is.True, "the stop request was used up by the first run");
        Assert.That(task.IsCancelled, Is.True);
    }

    [Test]
    public void Stop_CalledDuringARunThatThenCompletes_DoesNotStopTheNextRun_R37()
    {
        var t = new TestLoop();
        LoopTask first = t.Loop.Start(StopThenEnd(t.Loop));
        Assert.That(t.Loop.TryRunUntilComplete(first), Is.True);

        var gate = new FutureSource(t.Loop);
        LoopTask second = t.Loop.Start(WaitThenLog(gate.Future, new List<string>(), "done"));
        t.Loop.CallLater(0, () => t.Loop.CallSoon(() => gate.SetResult()));
        Assert.That(t.Loop.TryRunUntilComplete(second), Is.True, "the first run's stop request ended with the first run");
        Assert.That(second.IsSucceeded, Is.True);

        static IEnumerator<IAwaitable> StopThenEnd(EventLoop loop)
        {
            loop.Stop();
            yield break;
        }
    }

    [Test]
    public void TryRunUntilComplete_StoppedFirst_ALaterFailureOfTheTaskIsStillReported_R37_R23()
    {
        var t = new TestLoop();
        var gate = new FutureSource(t.Loop);
        var boom = new InvalidOperationException("later failure");
        LoopTask task = t.Loop.Start(WaitThenThrow(gate.Future, boom));
        t.Loop.CallSoon(() => t.Loop.Stop());
        Assert.That(t.Loop.TryRunUntilComplete(task), Is.False);

        gate.SetResult();
        t.Tick(2);

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(t.Unhandled, Is.EqualTo(new[] { boom }), "nobody waits on it any more, so its failure is reported (R23)");

        static IEnumerator<IAwaitable> WaitThenThrow(Future gate, Exception failure)
        {
            yield return gate;
            throw failure;
        }
    }

    [Test]
    public void RunForever_ReturnsAfterTheTickInWhichStopWasCalled_R37()
    {
        var t = new TestLoop();
        var log = new List<string>();
        t.Loop.Start(Forever(log, "x"));
        t.Loop.CallLater(0, () => t.Loop.CallSoon(() => t.Loop.Stop()));
        t.Loop.RunForever();
        Assert.That(t.Loop.TickCount, Is.EqualTo(2));
        Assert.That(log, Has.Count.EqualTo(2));
    }

    [Test]
    public void RunUntilComplete_OfAFutureThatFaults_ThrowsTheSameException()
    {
        var t = new TestLoop();
        var boom = new InvalidOperationException("boom");
        LoopTask task = t.Loop.Start(Run(() => throw boom));
        Assert.That(() => t.Loop.RunUntilComplete(task), Throws.Exception.SameAs(boom));
        Assert.That(t.Unhandled, Is.Empty, "the run observed the failure");
    }

    [Test]
    public void RunUntilComplete_OfAnotherLoopsFuture_ThrowsArgumentException_R61()
    {
        var t = new TestLoop();
        var other = new EventLoop(new ManualClock(), "other-loop");
        var source = new FutureSource(other);
        var ex = Assert.Throws<ArgumentException>(() => t.Loop.RunUntilComplete(source.Future));
        Assert.That(ex!.Message, Does.Contain("belongs to another loop ('other-loop')"));
        Assert.That(t.Loop.TickCount, Is.Zero);
    }

    // ---- R36: a closed loop refuses new members (from the acceptance suite) ----------------------------------------

    [Test]
    public void EverythingThatBelongsToALoop_RefusesAClosedOne()
    {
        var loop = new EventLoop(new ManualClock(), "closed");
        loop.Close();

        Assert.Multiple(() =>
        {
            Assert.That(() => new FutureSource(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new FutureSource<int>(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new Scope(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new LoopPhase(loop, "late"), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new GameClock(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new TaskGroup(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new CoEvent(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new CoLock(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new CoSemaphore(loop, 1), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new CoBarrier(loop, 2), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => CoChannel.Bounded<int>(loop, 4), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => CoChannel.Unbounded<int>(loop), Throws.TypeOf<ObjectDisposedException>());
        });
    }

    private static System.Collections.Generic.IEnumerator<IAwaitable> SleepThenFinallyThrows(Exception boom)
    {
        try
        {
            yield return Co.Sleep(100);
        }
        finally
        {
#pragma warning disable CA2219 // the test is about a finally that throws during Close
            throw boom;
#pragma warning restore CA2219
        }
    }

    private static System.Collections.Generic.IEnumerator<IAwaitable> Await(Future future)
    {
        yield return future;
    }

    [Test]
    public void AFinallyThatThrowsDuringClose_IsReportedOnce_EvenWhenAnotherTaskWaitedOnIt_R23_R36()
    {
        var loop = new EventLoop(new ManualClock());
        var reported = new System.Collections.Generic.List<Exception>();
        loop.UnhandledExceptionHandler = reported.Add;
        var boom = new InvalidOperationException("finally during Close");
        LoopTask inner = loop.Start(SleepThenFinallyThrows(boom));
        LoopTask outer = loop.Start(Await(inner));   // started after: Close ends inner first, while outer still waits
        loop.Tick();

        loop.Close();

        Assert.That(inner.Exception, Is.SameAs(boom));
        Assert.That(outer.IsCompleted, Is.True);
        Assert.That(reported.FindAll(e => ReferenceEquals(e, boom)), Has.Count.EqualTo(1), "not lost, not doubled");
    }
}
