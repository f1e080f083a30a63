using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>
/// What a coroutine yields (<see cref="Co"/>): next tick, one-shot waits, observing with <see cref="Co.Settle"/>
/// (R22, R23), protecting with <see cref="Co.Shield"/> (R31). Inline calls are in <see cref="CallTests"/>.
/// </summary>
[TestFixture]
public class CoTests
{
    // ---- NextTick, Sleep arguments -------------------------------------------------------------------------------

    [Test]
    public void NextTick_ResumesInTheNextTick_NeverTheSameOne()
    {
        var t = new TestLoop();
        var ticks = new List<long>();

        t.Loop.Start(RecordTicks(t.Loop, ticks, Co.NextTick, 3));
        t.Tick(4);

        Assert.That(ticks, Is.EqualTo(new long[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void YieldingNull_MeansNextTick()
    {
        var t = new TestLoop();
        var ticks = new List<long>();

        t.Loop.Start(RecordTicks(t.Loop, ticks, null, 2));
        t.Tick(3);

        Assert.That(ticks, Is.EqualTo(new long[] { 1, 2, 3 }));
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void Sleep_NotFiniteSeconds_ThrowsArgumentOutOfRangeException(double seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Co.Sleep(seconds));
    }

    [Test]
    public void NullArguments_ThrowArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => Co.Settle(null!));
        Assert.Throws<ArgumentNullException>(() => Co.Shield(null!));
    }

    // ---- one-shot waits ------------------------------------------------------------------------------------------

    [Test]
    public void YieldingTheSameSleepTwice_FaultsTheTaskWithAClearMessage()
    {
        var t = new TestLoop();

        LoopTask task = t.Loop.Start(SleepTwice(), "sleeper");
        t.AdvanceAndTick(0);
        t.AdvanceAndTick(1);

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception!.Message, Is.EqualTo(
            "Coroutine 'sleeper' yielded a Co.Sleep object that was already used: its one wait is over. Co.Sleep returns a one-shot object: call Co.Sleep again for each wait."));
    }

    [Test]
    public void YieldingTheSameSettleTwice_FaultsTheTask()
    {
        var t = new TestLoop();
        var done = new FutureSource(t.Loop);
        done.SetResult();

        LoopTask task = t.Loop.Start(SettleTwice(done.Future), "settler");
        t.Tick();

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception!.Message, Is.EqualTo(
            "Coroutine 'settler' yielded a Co.Settle object that was already used: its one wait is over. Co.Settle returns a one-shot object: call Co.Settle again for each wait."));
    }

    [Test]
    public void YieldingTheSameCallTwice_FaultsTheTask()
    {
        var t = new TestLoop();

        LoopTask task = t.Loop.Start(YieldCallTwice(), "caller");
        t.Tick();

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception!.Message, Is.EqualTo(
            "Coroutine 'caller' yielded a Co.Call object that was already used: its one wait is over. Co.Call returns a one-shot object: call Co.Call again for each wait."));
    }

    [Test]
    public void YieldingTheSameTypedCallTwice_FaultsTheTask_AndItsResultStaysReadable()
    {
        var t = new TestLoop();
        var results = new List<int>();

        LoopTask task = t.Loop.Start(YieldTypedCallTwice(results), "caller");
        t.Tick(2);

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception!.Message, Is.EqualTo(
            "Coroutine 'caller' yielded a Co.Call object that was already used: its one wait is over. Co.Call returns a one-shot object: call Co.Call again for each wait."));
        Assert.That(results, Is.EqualTo(new[] { 7, 7 }), "Result read after the call and again after a later yield");
    }

    [Test]
    public void YieldingASleepAgainAfterThePoolGaveItToAnotherCoroutine_FaultsTheStaleHolderOnly()
    {
        var t = new TestLoop();
        var handedOut = new List<IAwaitable>();
        LoopTask stale = t.Loop.Start(SleepThenYieldItAgain(handedOut), "stale");
        LoopTask holder = t.Loop.Start(RentSleepAndHoldItTwoTicks(handedOut, 1), "holder");

        t.Tick();   // stale's sleep goes back to the pool at its yield; holder's Co.Sleep(1) gets the same object
        Assert.That(handedOut, Has.Count.EqualTo(2));
        Assert.That(handedOut[1], Is.SameAs(handedOut[0]), "the pool handed the object out again");
        t.Tick();   // stale yields its old reference again, while holder still holds it

        Assert.That(stale.IsFaulted, Is.True);
        Assert.That(stale.Exception!.Message, Is.EqualTo(
            "Coroutine 'stale' yielded a Co.Sleep object that was already used: its one wait is over, and the pool has since handed it out again, to 'holder'. The loop refuses it rather than take over that wait. Co.Sleep returns a one-shot object: call Co.Sleep again for each wait."));

        t.Tick();   // holder yields its wait: one second from now
        t.AdvanceAndTick(0.5);
        Assert.That(holder.IsCompleted, Is.False, "holder's own wait, untouched: half a second is not enough");
        t.AdvanceAndTick(0.5);
        Assert.That(holder.IsSucceeded, Is.True, "holder's own wait ended after its one second");
    }

    [Test]
    public void YieldingACallAgainAfterThePoolGaveItToAnotherCoroutine_NeverRunsTheOtherCoroutinesChild()
    {
        var t = new TestLoop();
        var handedOut = new List<IAwaitable>();
        var log = new List<string>();
        LoopTask stale = t.Loop.Start(CallThenYieldItAgain(handedOut), "stale");
        LoopTask holder = t.Loop.Start(RentCallAndHoldItTwoTicks(handedOut, log), "holder");

        t.Tick();
        Assert.That(handedOut[1], Is.SameAs(handedOut[0]), "the pool handed the call object out again");
        t.Tick();

        Assert.That(stale.IsFaulted, Is.True);
        Assert.That(stale.Exception!.Message, Does.StartWith(
            "Coroutine 'stale' yielded a Co.Call object that was already used: its one wait is over, and the pool has since handed it out again, to 'holder'."));
        Assert.That(log, Is.Empty, "the stale yield did not run holder's child");

        t.Tick();
        Assert.That(holder.IsSucceeded, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "holder's child" }));
    }

    // ---- Settle: observe without failing (R22, R23) ----------------------------------------------------------------

    [Test]
    public void Settle_OnAFutureThatFaults_ContinuesWithoutFailing_AndSeesTheSameException_R22()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        var seen = new List<Exception?>();
        LoopTask watcher = t.Loop.Start(SettleAndRecord(source.Future, seen));
        t.Tick();
        var failure = new FormatException("observed");

        source.SetException(failure);
        t.Tick();

        Assert.That(watcher.IsSucceeded, Is.True);
        Assert.That(seen, Is.EqualTo(new Exception?[] { failure }));
        Assert.That(t.Unhandled, Is.Empty, "observed, so not reported (R23)");
    }

    [Test]
    public void Settle_OnAFailingTask_ContinuesWithoutFailing_R22()
    {
        var t = new TestLoop();
        var failure = new FormatException("task failed");
        LoopTask failing = t.Loop.Start(ThrowAfterOneTick(failure));
        var seen = new List<Exception?>();

        LoopTask watcher = t.Loop.Start(SettleAndRecord(failing, seen));
        t.Tick(3);

        Assert.That(watcher.IsSucceeded, Is.True);
        Assert.That(seen, Is.EqualTo(new Exception?[] { failure }));
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void Settle_OnACancelledFuture_ContinuesWithoutBeingCancelled_R22()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var states = new List<FutureState>();
        LoopTask watcher = t.Loop.Start(SettleAndRecordState(source.Future, states));
        t.Tick();

        source.SetCanceled();
        t.Tick();

        Assert.That(watcher.IsSucceeded, Is.True);
        Assert.That(states, Is.EqualTo(new[] { FutureState.Cancelled }));
    }

    [Test]
    public void Settle_OnASucceededFuture_Continues()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var states = new List<FutureState>();
        LoopTask watcher = t.Loop.Start(SettleAndRecordState(source.Future, states));
        t.Tick();

        source.SetResult();
        t.Tick();

        Assert.That(watcher.IsSucceeded, Is.True);
        Assert.That(states, Is.EqualTo(new[] { FutureState.Succeeded }));
    }

    [Test]
    public void Settle_OnAnAlreadyFaultedFuture_ContinuesInTheSameStep_AndObservesIt_R19_R23()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var failure = new FormatException("before");
        source.SetException(failure);
        var seen = new List<Exception?>();

        LoopTask watcher = t.Loop.Start(SettleAndRecord(source.Future, seen));
        t.Tick();

        Assert.That(watcher.IsSucceeded, Is.True, "in its first step");
        Assert.That(seen, Is.EqualTo(new Exception?[] { failure }));
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void Settle_ResumesOneTickAfterTheFutureCompletes()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var states = new List<FutureState>();
        t.Loop.Start(SettleAndRecordState(source.Future, states));
        t.Tick(2);

        source.SetResult();
        Assert.That(states, Is.Empty);
        t.Tick();

        Assert.That(states, Has.Count.EqualTo(1));
    }

    // ---- Shield (R31) -------------------------------------------------------------------------------------------------

    [Test]
    public void Shield_SucceedsTogetherWithTheInnerFuture()
    {
        var t = new TestLoop();
        var inner = new FutureSource(t.Loop);
        Future shield = Co.Shield(inner.Future);
        Assert.That(shield.State, Is.EqualTo(FutureState.Pending));

        inner.SetResult();

        Assert.That(shield.IsSucceeded, Is.True);
    }

    [Test]
    public void Shield_OfACompletedFuture_IsCompletedAtOnce()
    {
        var t = new TestLoop();
        var inner = new FutureSource(t.Loop);
        inner.SetResult();

        Future shield = Co.Shield(inner.Future);

        Assert.That(shield.IsSucceeded, Is.True);
    }

    [Test]
    public void Shield_FaultsWithTheInnerFuturesException()
    {
        var t = new TestLoop();
        var inner = new FutureSource(t.Loop);
        Future shield = Co.Shield(inner.Future);
        var failure = new FormatException("inner failed");

        inner.SetException(failure);

        Assert.That(shield.Exception, Is.SameAs(failure));
    }

    [Test]
    public void Shield_AwaitedByATask_PassesTheSameExceptionOn_R22()
    {
        var t = new TestLoop();
        var inner = new FutureSource(t.Loop);
        LoopTask waiter = t.Loop.Start(Wait(Co.Shield(inner.Future)));
        t.Tick();
        var failure = new FormatException("inner failed");

        inner.SetException(failure);
        t.Tick();

        Assert.That(waiter.Exception, Is.SameAs(failure));
    }

    [Test]
    public void Shield_IsCancelledWhenTheInnerFutureIsCancelled()
    {
        var t = new TestLoop();
        var inner = new FutureSource(t.Loop);
        Future shield = Co.Shield(inner.Future);

        inner.Future.Cancel();

        Assert.That(shield.IsCancelled, Is.True);
    }

    [Test]
    public void Shield_CancellingTheShield_DoesNotCancelTheInnerFuture_R31()
    {
        var t = new TestLoop();
        var inner = new FutureSource<int>(t.Loop);
        Future shield = Co.Shield(inner.Future);

        Assert.That(shield.Cancel(), Is.True);
        t.Tick();

        Assert.That(shield.IsCancelled, Is.True);
        Assert.That(inner.Future.State, Is.EqualTo(FutureState.Pending));
        Assert.That(inner.TrySetResult(1), Is.True);
        t.Tick();
        Assert.That(shield.IsCancelled, Is.True, "a late inner outcome does not change the shield");
    }

    [Test]
    public void Shield_CancelledBeforeTheInnerWorkFaults_TheFailureIsReportedOnce_R23()
    {
        var t = new TestLoop();
        var inner = new FutureSource(t.Loop);
        Future shield = Co.Shield(inner.Future);
        shield.Cancel();
        var failure = new FormatException("nobody waits for the shielded work any more");

        t.Loop.Start(Fail(inner, failure));
        t.Tick();

        Assert.That(t.Unhandled, Is.EqualTo(new Exception[] { failure }), "the failure does not vanish");
        t.Tick(2);
        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
    }

    [Test]
    public void Shield_CancelledThenInnerFaultsInsideAStep_IsReportedAtTheEndOfTheTickNotInline_R4_R23()
    {
        var t = new TestLoop();
        var inner = new FutureSource(t.Loop);
        Future shield = Co.Shield(inner.Future);
        shield.Cancel();
        var failure = new FormatException("late failure");
        int seenInsideStep = -1;

        IEnumerator<IAwaitable> FailAndLook()
        {
            inner.SetException(failure);
            seenInsideStep = t.Unhandled.Count;
            yield break;
        }

        t.Loop.Start(FailAndLook());
        t.Tick();

        Assert.That(seenInsideStep, Is.EqualTo(0), "completing a future never runs the handler inline");
        Assert.That(t.Unhandled, Is.EqualTo(new Exception[] { failure }));
    }

    [Test]
    public void Shield_OfATask_CancellingTheWaiterLetsTheTaskFinish_R31()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask work = t.Loop.Start(Steps(log, 2));
        LoopTask waiter = t.Loop.Start(Wait(Co.Shield(work)));
        t.Tick();

        waiter.Cancel();
        t.Tick(3);

        Assert.That(waiter.IsCancelled, Is.True);
        Assert.That(work.IsSucceeded, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "step 0", "step 1" }));
    }

    // ---- coroutines --------------------------------------------------------------------------------------------------

    private static IEnumerator<IAwaitable> RecordTicks(EventLoop loop, List<long> ticks, IAwaitable? wait, int count)
    {
        for (int i = 0; i < count; i++)
        {
            ticks.Add(loop.TickCount);
            yield return wait!;
        }

        ticks.Add(loop.TickCount);
    }

    private static IEnumerator<IAwaitable> SleepTwice()
    {
        IAwaitable sleep = Co.Sleep(0);
        yield return sleep;
        yield return sleep;
    }

    private static IEnumerator<IAwaitable> SettleTwice(Future future)
    {
        IAwaitable settle = Co.Settle(future);
        yield return settle;
        yield return settle;
    }

    private static IEnumerator<IAwaitable> YieldCallTwice()
    {
        IAwaitable call = Co.Call(Empty());
        yield return call;
        yield return call;
    }

    private static IEnumerator<IAwaitable> YieldTypedCallTwice(List<int> results)
    {
        Call<int> call = Co.Call<int>(ReturnSeven());
        yield return call;
        results.Add(call.Result);
        yield return Co.NextTick;
        results.Add(call.Result);   // still readable after a later yield: a typed call is not pooled
        yield return call;
    }

    private static IEnumerator<IAwaitable> ReturnSeven()
    {
        yield return Co.Return(7);
    }

    private static IEnumerator<IAwaitable> SleepThenYieldItAgain(List<IAwaitable> handedOut)
    {
        IAwaitable sleep = Co.Sleep(0);
        handedOut.Add(sleep);
        yield return sleep;   // the loop reads it and gives it back to the pool
        yield return sleep;   // stale: by now another coroutine holds it
    }

    private static IEnumerator<IAwaitable> RentSleepAndHoldItTwoTicks(List<IAwaitable> handedOut, double seconds)
    {
        IAwaitable sleep = Co.Sleep(seconds);
        handedOut.Add(sleep);
        yield return Co.NextTick;
        yield return Co.NextTick;
        yield return sleep;
    }

    private static IEnumerator<IAwaitable> CallThenYieldItAgain(List<IAwaitable> handedOut)
    {
        IAwaitable call = Co.Call(Empty());
        handedOut.Add(call);
        yield return call;   // the child ends at once and the call goes back to the pool
        yield return Co.NextTick;
        yield return call;   // stale: by now another coroutine holds it
    }

    private static IEnumerator<IAwaitable> RentCallAndHoldItTwoTicks(List<IAwaitable> handedOut, List<string> log)
    {
        IAwaitable call = Co.Call(Log(log, "holder's child"));
        handedOut.Add(call);
        yield return Co.NextTick;
        yield return Co.NextTick;
        yield return call;
    }

    private static IEnumerator<IAwaitable> Log(List<string> log, string entry)
    {
        log.Add(entry);
        yield break;
    }

    private static IEnumerator<IAwaitable> SettleAndRecord(Future future, List<Exception?> seen)
    {
        yield return Co.Settle(future);
        seen.Add(future.Exception);
    }

    private static IEnumerator<IAwaitable> SettleAndRecordState(Future future, List<FutureState> states)
    {
        yield return Co.Settle(future);
        states.Add(future.State);
    }

    private static IEnumerator<IAwaitable> Fail(FutureSource source, Exception failure)
    {
        source.SetException(failure);
        yield break;
    }
}
