using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using static YieldLoop.Tests.Interop.InteropSupport;

namespace YieldLoop.Tests.Interop;

/// <summary>The common waits with a CancellationToken (Co.Sleep, SleepRealtime, WaitTicks, WaitUntil, WaitWhile):
/// the token cancels the waiting task while it waits, as Cancel() would (R30).</summary>
public class TokenWaitTests : LoopFixture
{
    public TokenWaitTests()
        : base("tokens")
    {
    }

    [Test]
    public void Sleep_TokenFiredFromAnotherThread_CancelsTheWaitingTask_ItsFinallyRuns_R30()
    {
        using var cts = new CancellationTokenSource();
        LoopTask task = _loop.Start(Guarded(Co.Sleep(60, cts.Token), _log));
        Tick();

        Assert.That(OnOtherThread(cts.Cancel), Is.Null);
        Assert.That(task.State, Is.EqualTo(FutureState.Pending), "handed over, never applied off the loop thread");
        Tick(2);

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(_log, Is.EqualTo(new[] { "finally" }));
        Assert.That(_loop.PendingTimerCount, Is.Zero, "the sleep's timer left with the task (R31)");
    }

    [Test]
    public void Sleep_TokenAlreadyCancelled_CancelsTheTaskAtTheYield_TheSleepNeverStarts_R33()
    {
        LoopTask task = _loop.Start(Guarded(Co.Sleep(60, new CancellationToken(canceled: true)), _log));

        Tick();

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(_log, Is.EqualTo(new[] { "finally" }));
    }

    [Test]
    public void Sleep_TokenFiredAfterTheWait_DoesNothingToTheTask()
    {
        using var cts = new CancellationTokenSource();
        var gate = new FutureSource(_loop);
        LoopTask task = _loop.Start(SleepThenWait(gate.Future, _log, cts.Token));
        Tick();
        AdvanceAndTick(1);
        Assert.That(_log, Is.EqualTo(new[] { "slept" }));

        cts.Cancel();   // on the loop thread, after the sleep ended
        gate.SetResult();
        Tick(2);

        Assert.That(task.IsSucceeded, Is.True);
    }

    [Test]
    public void Sleep_WithoutACancellableToken_IsThePlainSleep_R7()
    {
        LoopTask task = _loop.Start(Guarded(Co.Sleep(2, CancellationToken.None), _log));
        Tick();

        AdvanceAndTick(1.9);
        Assert.That(task.IsCompleted, Is.False);
        AdvanceAndTick(0.1);

        Assert.That(task.IsSucceeded, Is.True);
    }

    [Test]
    public void Sleep_TokenOverload_StillRefusesNaN_R9()
    {
        using var cts = new CancellationTokenSource();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Co.Sleep(double.NaN, cts.Token));

        Assert.That(error!.ParamName, Is.EqualTo("duration"));
    }

    [Test]
    public void WaitUntil_TokenCancelledByAnotherCoroutine_CancelsTheWaiter_R6()
    {
        using var cts = new CancellationTokenSource();
        LoopTask waiter = _loop.Start(Guarded(Co.WaitUntil(() => false, cts.Token), _log));
        _loop.Start(TestCoroutines.Do(cts.Cancel));

        Tick(3);

        Assert.That(waiter.IsCancelled, Is.True);
        Assert.That(_log, Is.EqualTo(new[] { "finally" }));
    }

    [Test]
    public void WaitWhileAndWaitTicks_WithATokenThatNeverFires_BehaveAsTheirPlainForms()
    {
        using var cts = new CancellationTokenSource();
        bool busy = true;
        LoopTask whileBusy = _loop.Start(Guarded(Co.WaitWhile(() => busy, cts.Token), _log));
        LoopTask ticks = _loop.Start(Guarded(Co.WaitTicks(3, cts.Token), new List<string>()));
        Tick(2);
        busy = false;
        Tick(3);

        Assert.That(whileBusy.IsSucceeded, Is.True);
        Assert.That(ticks.IsSucceeded, Is.True);
    }

    [Test]
    public void SleepRealtime_Token_CancelsTheWaitingTask()
    {
        using var cts = new CancellationTokenSource();
        LoopTask task = _loop.Start(Guarded(Co.SleepRealtime(5, cts.Token), _log));
        Tick();

        cts.Cancel();
        Tick(2);

        Assert.That(task.IsCancelled, Is.True);
    }

    private static IEnumerator<IAwaitable> Guarded(IAwaitable wait, List<string> log)
    {
        try
        {
            yield return wait;
        }
        finally
        {
            log.Add("finally");
        }
    }

    private static IEnumerator<IAwaitable> SleepThenWait(Future gate, List<string> log, CancellationToken token)
    {
        yield return Co.Sleep(1, token);
        log.Add("slept");
        yield return gate;
    }
}
