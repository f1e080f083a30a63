using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using static YieldLoop.Tests.Interop.InteropSupport;

namespace YieldLoop.Tests.Interop;

/// <summary>EventLoop.RunCoroutineThreadsafeAsync: asyncio's run_coroutine_threadsafe. The test thread drives the loop;
/// another thread only calls in (and cancels), so nothing blocks the thread pool and nothing sleeps.</summary>
public class RunCoroutineThreadsafeTests : LoopFixture
{
    public RunCoroutineThreadsafeTests()
        : base("threadsafe")
    {
    }

    [Test]
    public void RunCoroutineThreadsafe_FromAnotherThread_MakesTheCoroutineOnTheLoopThread_AndGivesItsResult_R51()
    {
        int madeOn = -1;
        Task<string>? result = null;
        Assert.That(OnOtherThread(() => result = _loop.RunCoroutineThreadsafeAsync<string>(() =>
        {
            madeOn = Environment.CurrentManagedThreadId;
            return Answer(1, "pong");
        })), Is.Null);
        Assert.That(result!.IsCompleted, Is.False);

        Tick();
        Assert.That(madeOn, Is.EqualTo(Environment.CurrentManagedThreadId), "made on the loop thread");
        AdvanceAndTickUntil(LoopTaskOf(result));

        Assert.That(result.Status, Is.EqualTo(TaskStatus.RanToCompletion));
        Assert.That(result.Result, Is.EqualTo("pong"));
    }

    [Test]
    public void RunCoroutineThreadsafe_TokenCancelledFromAnotherThread_CancelsTheLoopTask_AndTheTask_R30()
    {
        using var cts = new CancellationTokenSource();
        var log = new List<string>();
        Task? run = null;
        Assert.That(OnOtherThread(() => run = _loop.RunCoroutineThreadsafeAsync(() => Forever(log), cts.Token)), Is.Null);
        Tick(2);

        Assert.That(OnOtherThread(cts.Cancel), Is.Null);
        Tick(3);

        Assert.That(run!.IsCanceled, Is.True);
        Assert.That(log, Has.Count.EqualTo(1).And.Some.StartsWith("finally"), "the loop task's finally ran");
        var canceled = Assert.Throws<TaskCanceledException>(() => run.GetAwaiter().GetResult());
        Assert.That(canceled!.CancellationToken, Is.EqualTo(cts.Token));
    }

    [Test]
    public void RunCoroutineThreadsafe_AFailingCoroutine_FaultsTheTaskWithTheSameException_R22()
    {
        var boom = new FormatException("boom");
        Task<int> run = _loop.RunCoroutineThreadsafeAsync<int>(() => Throw(boom));

        Tick(3);

        Assert.That(run.IsFaulted, Is.True);
        Assert.That(run.Exception!.InnerException, Is.SameAs(boom));
        Assert.That(_unhandled, Is.Empty, "the .NET task took the failure over (R23)");
    }

    [Test]
    public void RunCoroutineThreadsafe_AFactoryThatThrowsOrReturnsNull_FaultsTheTask()
    {
        var boom = new FormatException("factory");
        Task thrown = _loop.RunCoroutineThreadsafeAsync(() => throw boom);
        Task nothing = _loop.RunCoroutineThreadsafeAsync(() => null!);

        Tick();

        Assert.That(thrown.Exception!.InnerException, Is.SameAs(boom));
        Assert.That(nothing.Exception!.InnerException!.Message, Does.Contain("returned null instead of a coroutine"));
    }

    [Test]
    public void RunCoroutineThreadsafe_AlreadyCancelledToken_CancelsAtOnce_AndPostsNothing()
    {
        bool made = false;
        Task run = _loop.RunCoroutineThreadsafeAsync(() => { made = true; return Forever(); }, new CancellationToken(canceled: true));

        Tick();

        Assert.That(run.IsCanceled, Is.True);
        Assert.That(made, Is.False);
    }

    [Test]
    public void RunCoroutineThreadsafe_AcceptedBeforeClose_EndsCancelled_AndAfterCloseIsRefused_R36()
    {
        var log = new List<string>();
        Task run = _loop.RunCoroutineThreadsafeAsync(() => Forever(log));

        _loop.Close();

        Assert.That(run.IsCanceled, Is.True, "Close ran the hand-over, then cancelled the task it started");
        Assert.Throws<ObjectDisposedException>(() => _loop.RunCoroutineThreadsafeAsync(() => Forever()));
    }

    private Future LoopTaskOf(Task task)
    {
        // The loop thread completes the .NET task; a future the test can tick on until then.
        var done = new FutureSource(_loop);
        _loop.CallSoon(Poll);
        return done.Future;

        void Poll()
        {
            if (task.IsCompleted)
            {
                done.SetResult();
            }
            else
            {
                _loop.CallSoon(Poll);
            }
        }
    }

    private static IEnumerator<IAwaitable> Answer(double seconds, string value)
    {
        yield return Co.Sleep(seconds);
        yield return Co.Return(value);
    }

    private static IEnumerator<IAwaitable> Throw(Exception failure)
    {
        yield return Co.NextTick;
        throw failure;
    }
}
