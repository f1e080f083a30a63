using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using static YieldLoop.Tests.Interop.InteropSupport;

namespace YieldLoop.Tests.Interop;

/// <summary>Co.Offload: CPU work on the .NET thread pool, resumed on the loop thread (R52).</summary>
public class OffloadTests
{
    [Test]
    public void Offload_RunsOffTheLoopThread_AndResumesOnTheLoopThreadWithTheResult_R52()
    {
        var loop = new EventLoop(new ManualClock(), "offload");
        int loopThread = Environment.CurrentManagedThreadId;
        int workThread = -1;
        int resumedOn = -1;

        LoopTask<int> task = loop.Start<int>(Work());
        RunBounded(loop, task);

        Assert.That(task.Result, Is.EqualTo(42));
        Assert.That(workThread, Is.Not.EqualTo(loopThread));
        Assert.That(resumedOn, Is.EqualTo(loopThread));

        IEnumerator<IAwaitable> Work()
        {
            Future<int> answer = Co.Offload(() =>
            {
                workThread = Environment.CurrentManagedThreadId;
                return 6 * 7;
            });
            yield return answer;
            resumedOn = Environment.CurrentManagedThreadId;
            yield return Co.Return(answer.Result);
        }
    }

    [Test]
    public void Offload_WorkThatThrows_FaultsTheCoroutineWithTheSameExceptionOnTheLoopThread_R52()
    {
        var loop = new EventLoop(new ManualClock(), "offload");
        var failure = new InvalidOperationException("bad input");
        int caughtOn = -1;
        Exception? caught = null;

        LoopTask task = loop.Start(Work());
        RunBounded(loop, task);

        Assert.That(caught, Is.SameAs(failure));
        Assert.That(caughtOn, Is.EqualTo(Environment.CurrentManagedThreadId));

        IEnumerator<IAwaitable> Work()
        {
            Future job = Co.Offload(() => throw failure);
            yield return Co.Settle(job);
            caught = job.Exception;
            caughtOn = Environment.CurrentManagedThreadId;
        }
    }

    [Test]
    public void Offload_Failure_PropagatesThroughYield_R22()
    {
        var loop = new EventLoop(new ManualClock(), "offload");
        loop.UnhandledExceptionHandler = _ => { };
        var failure = new FormatException("bad number");

        LoopTask task = loop.Start(Work());
        using var guard = new Timer(_ => loop.Stop(), null, Bound, Timeout.InfiniteTimeSpan);
        Assert.That(loop.TryRunUntilComplete(task), Is.True);

        Assert.That(task.Exception, Is.SameAs(failure));

        IEnumerator<IAwaitable> Work()
        {
            yield return Co.Offload<int>(() => throw failure);
        }
    }

    [Test]
    public void CancellingTheWaitingTask_SignalsTheWorksToken()
    {
        var t = new TestLoop();
        var blocking = new DedicatedThreadScheduler();   // the work blocks until its token fires, which the engine does from the pool
        using var started = new ManualResetEventSlim(false);
        var sawCancellation = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Future<int>? job = null;

        LoopTask task = t.Loop.Start(Work());
        t.Tick();
        Within(started, "the work starting");

        task.Cancel();
        t.Tick();

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(job!.IsCancelled, Is.True, "the cancel reaches the future the task waits on (R31)");
        Assert.That(Within(sawCancellation.Task), Is.True, "the work's token fired");

        IEnumerator<IAwaitable> Work()
        {
            job = Co.Offload(token =>
            {
                started.Set();
                sawCancellation.SetResult(token.WaitHandle.WaitOne(Bound));
                token.ThrowIfCancellationRequested();
                return 0;
            }, blocking);
            yield return job;
        }
    }

    [Test]
    public void CancelledWork_ThatFailsLater_IsReportedUnlessItIsACancellation()
    {
        var t = new TestLoop();
        var blocking = new DedicatedThreadScheduler();   // the work blocks until the test releases it
        using var started = new ManualResetEventSlim(false);
        using var release = new ManualResetEventSlim(false);
        using var done = new ManualResetEventSlim(false);
        var late = new InvalidOperationException("failed after cancel");
        Future? job = null;
        t.Loop.Start(Work());
        t.Tick();

        // Cancel only once the work runs: work whose token fires before it starts never starts (OffloadWork), so
        // cancelling right after the tick raced the work's start, and lost it on a loaded machine.
        Within(started, "the work starting");
        job!.Cancel();
        release.Set();
        Within(done, "the work ending");
        RunBounded(t.Loop, LateReportArrives(t));

        Assert.That(t.Unhandled, Is.EqualTo(new[] { late }));

        IEnumerator<IAwaitable> Work()
        {
            job = Co.Offload(_ =>
            {
                started.Set();
                release.Wait(Bound, CancellationToken.None);   // not the token: the work must go on after the cancel and fail
                try
                {
                    throw late;
                }
                finally
                {
                    done.Set();
                }
            }, blocking);
            yield return job;
        }

        static Future LateReportArrives(TestLoop t)
        {
            var source = new FutureSource(t.Loop);
            t.Loop.Start(Poll());
            return source.Future;

            IEnumerator<IAwaitable> Poll()
            {
                while (t.Unhandled.Count == 0)
                {
                    yield return Co.NextTick;
                }

                source.SetResult();
            }
        }
    }

    [Test]
    public void TheLoopKeepsTicking_WhileTheWorkRuns_R52()
    {
        var loop = new EventLoop(new ManualClock(), "responsive");
        using var release = new ManualResetEventSlim(false);
        int ticksWhileWorking = 0;

        LoopTask<int> task = loop.Start<int>(Work());
        loop.Start(Ticker());
        RunBounded(loop, task);

        Assert.That(task.Result, Is.EqualTo(1));
        Assert.That(ticksWhileWorking, Is.GreaterThanOrEqualTo(10));

        IEnumerator<IAwaitable> Work()
        {
            Future<int> job = Co.Offload(() => release.Wait(Bound) ? 1 : 0);
            yield return job;
            yield return Co.Return(job.Result);
        }

        IEnumerator<IAwaitable> Ticker()
        {
            while (ticksWhileWorking < 10)
            {
                ticksWhileWorking++;
                yield return Co.NextTick;
            }

            release.Set();   // the work was blocked all along: ten ticks ran meanwhile
        }
    }

    [Test]
    public void Offload_WithAScheduler_RunsTheWorkOnIt()
    {
        var loop = new EventLoop(new ManualClock(), "scheduler");
        var pair = new ConcurrentExclusiveSchedulerPair();
        TaskScheduler? ranOn = null;

        LoopTask task = loop.Start(Work());
        RunBounded(loop, task);

        Assert.That(ranOn, Is.SameAs(pair.ExclusiveScheduler));

        IEnumerator<IAwaitable> Work()
        {
            yield return Co.Offload(_ => { ranOn = TaskScheduler.Current; }, pair.ExclusiveScheduler);
        }
    }

    [Test]
    public void Offload_OutsideAStep_ThrowsWithAMessage()
    {
        Assert.That(() => Co.Offload(() => 1), Throws.InvalidOperationException.With.Message.EqualTo(
            "Co.Offload was called outside a step or callback of an event loop, so there is no loop to complete its future on. Call it from a coroutine (or a callback) running on the loop."));
        Assert.That(() => Co.Offload((Action)null!), Throws.ArgumentNullException);
    }

    [Test]
    public void Close_CancelsTheTokenOfWorkStillRunning()
    {
        var t = new TestLoop();
        var blocking = new DedicatedThreadScheduler();   // the work blocks until its token fires, which the engine does from the pool
        using var started = new ManualResetEventSlim(false);
        var sawCancellation = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        t.Loop.Start(Work());
        t.Tick();
        Within(started, "the work starting");

        t.Loop.Close();

        Assert.That(Within(sawCancellation.Task), Is.True);

        IEnumerator<IAwaitable> Work()
        {
            yield return Co.Offload(token =>
            {
                started.Set();
                sawCancellation.SetResult(token.WaitHandle.WaitOne(Bound));
            }, blocking);
        }
    }

    [Test]
    public void Offload_WorkThatFailsAfterClose_IsReportedOnTheThreadWhereTheWorkEnded_R23()
    {
        var t = new TestLoop();
        var scheduler = new HeldScheduler();
        using var started = new ManualResetEventSlim(false);
        using var closed = new ManualResetEventSlim(false);
        var late = new InvalidOperationException("failed after close");
        int reportedOn = -1;
        t.Loop.UnhandledExceptionHandler = ex =>
        {
            reportedOn = Environment.CurrentManagedThreadId;
            t.Unhandled.Add(ex);
        };
        t.Loop.Start(Work());
        t.Tick();   // the work is queued on the scheduler

        Thread worker = scheduler.RunOnNewThread();
        Assert.That(started.Wait(TimeSpan.FromSeconds(30)), Is.True, "the work did not start");
        t.Loop.Close();
        closed.Set();   // the work fails now, with nobody on the loop left to take its outcome
        Assert.That(worker.Join(TimeSpan.FromSeconds(30)), Is.True, "the work did not end");

        Assert.That(t.Unhandled, Is.EqualTo(new[] { late }), "the failure is reported, not dropped");
        Assert.That(reportedOn, Is.EqualTo(worker.ManagedThreadId), "on the thread where the work ended");

        IEnumerator<IAwaitable> Work()
        {
            yield return Co.Offload(_ =>
            {
                started.Set();
                closed.Wait(TimeSpan.FromSeconds(30), CancellationToken.None);   // not the work's token: Close fires it
                throw late;   // not a cancellation: it ignores the token that Close fired
            }, scheduler);
        }
    }

    /// <summary>Holds the tasks queued on it until a test runs them on a dedicated thread of its own.</summary>
    private sealed class HeldScheduler : TaskScheduler
    {
        private readonly List<Task> _queued = new();

        public Thread RunOnNewThread()
        {
            Task[] tasks;
            lock (_queued)
            {
                tasks = _queued.ToArray();
                _queued.Clear();
            }

            var thread = new Thread(() =>
            {
                foreach (Task task in tasks)
                {
                    TryExecuteTask(task);
                }
            });
            thread.Start();
            return thread;
        }

        protected override void QueueTask(Task task)
        {
            lock (_queued)
            {
                _queued.Add(task);
            }
        }

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks()
        {
            lock (_queued)
            {
                return _queued.ToArray();
            }
        }
    }
}
