using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using static YieldLoop.Tests.Interop.InteropSupport;

namespace YieldLoop.Tests.Interop;

/// <summary>CancellationToken both ways: CancelWhen (token -> cancel), GetCancellationToken and Scope.Token (cancel -> token).</summary>
public class CancellationTokenTests
{
    // ---- token -> cancel ----------------------------------------------------------------------------------------

    [Test]
    public void CancelWhen_TokenFiredFromAnotherThread_CancelsTheTaskOnTheLoopThread()
    {
        var t = new TestLoop();
        using var cts = new CancellationTokenSource();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(Forever(log)).CancelWhen(cts.Token);
        t.Tick();

        Assert.That(OnOtherThread(cts.Cancel), Is.Null);
        Assert.That(task.State, Is.EqualTo(FutureState.Pending), "the cancel is handed over, not applied off the loop thread");
        RunBounded(t.Loop, CompletionOf(t.Loop, task));

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "finally on " + Environment.CurrentManagedThreadId }));
    }

    [Test]
    public void CancelWhen_AlreadyCancelledToken_TheTaskNeverRunsItsBody_R32()
    {
        var t = new TestLoop();
        bool ran = false;
        LoopTask task = t.Loop.Start(Body()).CancelWhen(new CancellationToken(canceled: true));

        t.Tick();

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(ran, Is.False);

        IEnumerator<IAwaitable> Body()
        {
            ran = true;
            yield break;
        }
    }

    [Test]
    public void CancelWhen_TokenFiredOnTheLoopThreadInsideAStep_CancelsLikeCancel_R33()
    {
        var t = new TestLoop();
        using var cts = new CancellationTokenSource();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(Forever(log)).CancelWhen(cts.Token);
        t.Tick();

        t.Loop.CallSoon(cts.Cancel);
        t.Tick(2);

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Has.Count.EqualTo(1));
    }

    [Test]
    public void CancelWhen_AfterTheTaskCompleted_TheTokenDoesNothing()
    {
        var t = new TestLoop();
        using var cts = new CancellationTokenSource();
        LoopTask task = t.Loop.Start(Once()).CancelWhen(cts.Token);
        t.Tick();
        Assert.That(task.IsSucceeded, Is.True);

        cts.Cancel();   // the registration was removed: nothing is posted
        t.Tick();

        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);

        static IEnumerator<IAwaitable> Once()
        {
            yield break;
        }
    }

    [Test]
    public void CancelWhen_FromAnotherThread_Throws_R50()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Forever());
        Assert.That(OnOtherThread(() => task.CancelWhen(CancellationToken.None)), Is.TypeOf<InvalidOperationException>());
    }

    [Test]
    public void AFailureWhoseOnlyWaitersAreTokenBridges_IsStillReportedAsUnobserved_R23()
    {
        var t = new TestLoop();
        using var cts = new CancellationTokenSource();
        var failure = new InvalidOperationException("nobody looks");
        LoopTask task = t.Loop.Start(Fail(failure)).CancelWhen(cts.Token);
        _ = task.GetCancellationToken();

        t.Tick(2);

        Assert.That(t.Unhandled, Is.EqualTo(new[] { failure }));

        static IEnumerator<IAwaitable> Fail(Exception failure)
        {
            yield return Co.NextTick;
            throw failure;
        }
    }

    // ---- cancel -> token ----------------------------------------------------------------------------------------

    [Test]
    public void TaskToken_FiresWhenTheTaskIsCancelled_AfterItsFinallyBlocks_OffTheLoopThread()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(Forever(log));
        CancellationToken token = task.GetCancellationToken();
        var firedOn = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => firedOn.SetResult(Environment.CurrentManagedThreadId));
        t.Tick();
        Assert.That(token.IsCancellationRequested, Is.False);

        task.Cancel();
        t.Tick();

        Assert.That(Within(firedOn.Task), Is.Not.EqualTo(Environment.CurrentManagedThreadId));
        Assert.That(log, Has.Count.EqualTo(1));
        Assert.That(task.GetCancellationToken().IsCancellationRequested, Is.True);
    }

    [Test]
    public void TaskToken_IsLazyAndShared_AndDoesNotFireWhenTheTaskSucceeds()
    {
        var t = new TestLoop();
        var gate = new FutureSource(t.Loop);
        LoopTask task = t.Loop.Start(WaitOn(gate.Future, new List<int>()));
        CancellationToken first = task.GetCancellationToken();

        Assert.That(task.GetCancellationToken(), Is.EqualTo(first), "one token per task");
        gate.SetResult();
        t.Tick(2);

        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(first.WaitHandle.WaitOne(0), Is.False);
        Assert.That(task.GetCancellationToken(), Is.EqualTo(CancellationToken.None));
    }

    [Test]
    public void TaskToken_FiresWhenCloseCancelsTheTask_R36()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Forever());
        CancellationToken token = task.GetCancellationToken();
        t.Tick();

        t.Loop.Close();

        Assert.That(token.WaitHandle.WaitOne(Bound), Is.True);
    }

    [Test]
    public void TaskToken_AskedForByAFinallyThatCloseRuns_FiresWhenTheSameCloseCancelsTheTask_R36()
    {
        var t = new TestLoop();
        LoopTask? sibling = null;
        CancellationToken token = default;
        bool siblingPendingInFinally = false;
        LoopTask inner = t.Loop.Start(AsksForTheSiblingsTokenInFinally());
        sibling = t.Loop.Start(WaitOn(inner, new List<int>()));   // cancelled after inner: it waits on it (R31)
        t.Tick();

        t.Loop.Close();

        Assert.That(siblingPendingInFinally, Is.True, "the token was asked for while Close still had the sibling to cancel");
        Assert.That(sibling.IsCancelled, Is.True);
        Assert.That(token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)), Is.True, "the token never fired");

        IEnumerator<IAwaitable> AsksForTheSiblingsTokenInFinally()
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
                siblingPendingInFinally = !sibling!.IsCompleted;
                token = sibling.GetCancellationToken();
            }
        }
    }

    [Test]
    public void ScopeToken_FiresWhenTheScopeIsDisposed_AndADisposedScopeGivesACancelledToken()
    {
        var t = new TestLoop();
        var scope = new Scope(t.Loop, "screen");
        scope.Start(Forever());
        CancellationToken token = scope.Token;
        t.Tick();
        Assert.That(token.IsCancellationRequested, Is.False);

        scope.Dispose();

        Assert.That(token.WaitHandle.WaitOne(Bound), Is.True);
        Assert.That(scope.Token.IsCancellationRequested, Is.True);
    }

    [Test]
    public void ScopeToken_CancelsAsyncWorkStartedForTheScope()
    {
        var t = new TestLoop();
        var scope = new Scope(t.Loop);
        Task delay = Task.Delay(Timeout.Infinite, scope.Token);
        LoopTask task = scope.Start(Download(delay));
        t.Tick();

        scope.Dispose();
        t.Tick();

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(() => delay.Wait(Bound), Throws.TypeOf<AggregateException>().With.InnerException.TypeOf<TaskCanceledException>());
        Assert.That(t.Unhandled, Is.Empty);

        static IEnumerator<IAwaitable> Download(Task delay)
        {
            yield return Co.Await(delay);
        }
    }

    private static Future CompletionOf(EventLoop loop, Future task)
    {
        var done = new FutureSource(loop);
        task.AddCallback(_ => done.SetResult());
        return done.Future;
    }
}
