using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// The reusable hand-off: each round of a <see cref="ResettableFutureSource{T}"/> behaves as a future (R14-R23, R31,
/// R36, R61), a reset allocates nothing, and a stale version is refused both ways (docs/design.md, "Reusable hand-offs").
/// </summary>
[TestFixture]
public class ResettableFutureSourceTests
{
    private const string StaleWaitMessage =
        "Coroutine 'Late' called Wait(1) on a ResettableFutureSource<Int32> that is at round 2: round 1 is over (the source was reset since), and it would wait for a round it was not meant for. Wait for and read the current round: take its version from Version, or keep what Reset() returns.";

    private const string StaleSetResultMessage =
        "SetResult(1) was called on a ResettableFutureSource<Int32> that is at round 2: round 1 is over (the source was reset since), and the value would reach the wrong round. Complete only the round you were handed (its version), and drop a value that comes after its round was reset.";

    private const string StaleYieldMessage =
        "Coroutine 'Stale' yielded a wait for round 1 of a ResettableFutureSource<Int32>, but the source was reset since and is at round 2: that wait is over. The loop refuses it rather than wait for a round it was not made for. Call Wait(version) again for each round, with the version of that round (Reset() returns it), and yield what it returns right away.";

    // ---- parking, waking, delivering ----------------------------------------------------------------------------

    [Test]
    public void Wait_ParksTheTask_AndSetResultWakesItInTheNextTickNotInline_R17()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        var got = new List<int>();
        LoopTask waiter = t.Loop.Start(WaitOnce(source, got));
        t.Tick(3);
        Assert.That(got, Is.Empty, "parked until the round completes");

        source.SetResult(source.Version, 42);
        Assert.That(got, Is.Empty, "never resumed inside SetResult");

        t.Tick();
        Assert.That(got, Is.EqualTo(new[] { 42 }));
        Assert.That(waiter.IsSucceeded, Is.True);
    }

    [Test]
    public void SetResult_FromAnotherTasksStep_WakesTheWaiterInTheNextTick_R17()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        var log = new List<string>();
        t.Loop.Start(WaitOnce(source, new List<int>(), log));
        t.Tick();
        t.Loop.Start(Produce(source, 7, log));

        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "produced" }));
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "produced", "got 7" }));
    }

    [Test]
    public void Waiters_OfSeveralSources_ResumeInTheOrderTheRoundsCompleted_R17()
    {
        var t = new TestLoop();
        var a = new ResettableFutureSource<int>(t.Loop);
        var b = new ResettableFutureSource<int>(t.Loop);
        var c = new ResettableFutureSource<int>(t.Loop);
        var log = new List<string>();
        t.Loop.Start(WaitOnce(a, new List<int>(), log));
        t.Loop.Start(WaitOnce(b, new List<int>(), log));
        t.Loop.Start(WaitOnce(c, new List<int>(), log));
        t.Tick();

        b.SetResult(1, 2);
        c.SetResult(1, 3);
        a.SetResult(1, 1);
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "got 2", "got 3", "got 1" }));
    }

    [Test]
    public void Wait_OnARoundAlreadyCompleted_ContinuesInTheSameStep_R19()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<string>(t.Loop);
        source.SetResult(1, "ready");
        var got = new List<string>();

        t.Loop.Start(WaitOnce(source, got));
        t.Tick();

        Assert.That(got, Is.EqualTo(new[] { "ready" }));
    }

    [Test]
    public void Reset_StartsThePendingNextRound_AndReturnsItsVersion()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        Assert.That(source.Version, Is.EqualTo(1));
        Assert.That(source.State, Is.EqualTo(FutureState.Pending));
        source.SetResult(1, 5);
        Assert.That(source.State, Is.EqualTo(FutureState.Succeeded));
        Assert.That(source.GetResult(1), Is.EqualTo(5));

        int next = source.Reset();

        Assert.That(next, Is.EqualTo(2));
        Assert.That(source.Version, Is.EqualTo(2));
        Assert.That(source.State, Is.EqualTo(FutureState.Pending));
        Assert.That(source.ToString(), Is.EqualTo("ResettableFutureSource<Int32> (round 2, Pending)"));
    }

    [Test]
    public void PingPong_ForOneThousandRounds_DeliversEveryValueInOrder()
    {
        var t = new TestLoop();
        var toPong = new ResettableFutureSource<int>(t.Loop);
        var toPing = new ResettableFutureSource<int>(t.Loop);
        var seen = new List<int>();
        LoopTask pong = t.Loop.Start(Pong(toPong, toPing, 1000, seen));
        LoopTask ping = t.Loop.Start(Ping(toPong, toPing, 1000));

        t.TickUntil(ping, maxTicks: 5000);
        t.TickUntil(pong);

        Assert.That(ping.IsSucceeded && pong.IsSucceeded, Is.True);
        Assert.That(seen, Has.Count.EqualTo(1000));
        Assert.That(seen[999], Is.EqualTo(2 * 999), "every ball came back one more than it left, round after round");
        Assert.That(toPong.Version, Is.EqualTo(1001));
    }

    [Test]
    public void Reuse_ForOneThousandRounds_AllocatesNothingInSteadyState()
    {
        var t = new TestLoop();
        var toPong = new ResettableFutureSource<int>(t.Loop);
        var toPing = new ResettableFutureSource<int>(t.Loop);
        var seen = new List<int>(2_000);
        t.Loop.Start(Pong(toPong, toPing, 1_200, seen));
        t.Loop.Start(Ping(toPong, toPing, 1_200));
        t.Tick(100);   // warm-up: the ready queue, the JIT
        int before = seen.Count;

        long bytes = GC.GetAllocatedBytesForCurrentThread();
        t.Tick(2_000);   // one hand-off per tick: 1,000 round trips
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;

        Assert.That(seen.Count - before, Is.EqualTo(1_000), "1,000 rounds each way were measured");
        Assert.That(bytes, Is.LessThanOrEqualTo(256), "the measuring's own allowance (see AllocationTests)");
    }

    // ---- stale versions -----------------------------------------------------------------------------------------

    [Test]
    public void Wait_WithAnOldVersion_FaultsTheCoroutineWithAMessageSayingWhatToDo()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        source.SetResult(1, 1);
        source.Reset();

        LoopTask late = t.Loop.Start(WaitFor(source, 1), "Late");
        t.Tick();

        Assert.That(late.IsFaulted, Is.True);
        Assert.That(late.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(late.Exception!.Message, Is.EqualTo(StaleWaitMessage));
    }

    [Test]
    public void GetResult_WithAnOldVersion_Throws_InsteadOfGivingTheNewRoundsValue()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        source.SetResult(1, 1);
        source.Reset();
        source.SetResult(2, 2);

        var ex = Assert.Throws<InvalidOperationException>(() => source.GetResult(1));

        Assert.That(ex!.Message, Does.StartWith("GetResult(1) was called on a ResettableFutureSource<Int32> that is at round 2: round 1 is over"));
        Assert.That(source.GetResult(2), Is.EqualTo(2));
    }

    [Test]
    public void Wait_WithAVersionNotStartedYet_Throws()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);

        var ex = Assert.Throws<InvalidOperationException>(() => source.Wait(5));

        Assert.That(ex!.Message, Does.Contain("round 5 has not started"));
    }

    [Test]
    public void YieldingAWaitKeptFromAnEarlierRound_WhileANewWaiterWaits_FaultsTheStaleTask_AndLeavesTheRoundToTheNewWaiter()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        IAwaitable? kept = null;
        var proceed = new FutureSource(t.Loop);
        LoopTask stale = t.Loop.Start(YieldKeptAfter(source, () => kept = source.Wait(1), () => kept!, proceed.Future), "Stale");
        t.Tick();
        source.SetResult(1, 1);
        t.Tick();
        source.Reset();
        var got = new List<int>();
        LoopTask fresh = t.Loop.Start(WaitOnce(source, got), "Fresh");
        t.Tick();

        proceed.SetResult();
        t.Tick();
        Assert.That(stale.IsFaulted, Is.True);
        Assert.That(stale.Exception!.Message, Does.StartWith(
            "Coroutine 'Stale' yielded the wait that 'Fresh' made for round 2 of a ResettableFutureSource<Int32>."));

        source.SetResult(2, 2);
        t.Tick();
        Assert.That(got, Is.EqualTo(new[] { 2 }), "the new round's waiter got its value; the stale yield did not take its place");
        Assert.That(fresh.IsSucceeded, Is.True);
    }

    [Test]
    public void YieldingAWaitKeptFromAnEarlierRound_AfterAReset_FaultsTheTaskWithAMessageSayingWhatToDo()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        IAwaitable? kept = null;
        var proceed = new FutureSource(t.Loop);
        LoopTask stale = t.Loop.Start(YieldKeptAfter(source, () => kept = source.Wait(1), () => kept!, proceed.Future), "Stale");
        t.Tick();
        source.SetResult(1, 1);
        t.Tick();
        source.Reset();

        proceed.SetResult();
        t.Tick();

        Assert.That(stale.IsFaulted, Is.True);
        Assert.That(stale.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(stale.Exception!.Message, Is.EqualTo(StaleYieldMessage));
        Assert.That(source.State, Is.EqualTo(FutureState.Pending), "round 2 was not touched");
    }

    [Test]
    public void YieldingTheWaitAnotherTaskMade_FaultsTheYieldingTask()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        IAwaitable? made = null;
        t.Loop.Start(MakeWaitAndPark(source, w => made = w), "Owner");
        t.Tick();

        LoopTask thief = t.Loop.Start(YieldThis(() => made!), "Thief");
        t.Tick();

        Assert.That(thief.IsFaulted, Is.True);
        Assert.That(thief.Exception!.Message, Does.StartWith(
            "Coroutine 'Thief' yielded the wait that 'Owner' made for round 1 of a ResettableFutureSource<Int32>. A round has one waiter"));
    }

    [Test]
    public void Wait_ByASecondTaskWhileTheRoundHasAWaiter_Throws()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        t.Loop.Start(WaitOnce(source, new List<int>()), "First");
        t.Tick();

        LoopTask second = t.Loop.Start(WaitFor(source, 1), "Second");
        t.Tick();

        Assert.That(second.IsFaulted, Is.True);
        Assert.That(second.Exception!.Message, Is.EqualTo(
            "Coroutine 'Second' called Wait for round 1 of a ResettableFutureSource<Int32> that task 'First' already waits on. A round has one waiter; to let several tasks wait for one value, use a FutureSource<Int32>."));
    }

    [Test]
    public void SetResult_WithAnOldVersion_Throws_AndLeavesTheCurrentRoundPending()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        source.SetResult(1, 1);
        source.Reset();

        var ex = Assert.Throws<InvalidOperationException>(() => source.SetResult(1, 99));
        var tryEx = Assert.Throws<InvalidOperationException>(() => source.TrySetResult(1, 99));
        var faultEx = Assert.Throws<InvalidOperationException>(() => source.SetException(1, new FormatException()));

        Assert.That(ex!.Message, Is.EqualTo(StaleSetResultMessage));
        Assert.That(tryEx!.Message, Is.EqualTo(StaleSetResultMessage), "a stale version is an error even in the Try form");
        Assert.That(faultEx!.Message, Does.StartWith("SetException(1) was called on a ResettableFutureSource<Int32> that is at round 2"));
        Assert.That(source.State, Is.EqualTo(FutureState.Pending));
    }

    // ---- completing once, resetting --------------------------------------------------------------------------------

    [Test]
    public void SetResult_Twice_Throws_TrySetResultReturnsFalse_AndTheFirstValueStays_R14()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        source.SetResult(1, 1);

        var ex = Assert.Throws<InvalidOperationException>(() => source.SetResult(1, 2));

        Assert.That(ex!.Message, Is.EqualTo(
            "SetResult: round 1 of the ResettableFutureSource<Int32> is already completed (Succeeded); a round completes once. Call Reset() to start the next round, or use TrySetResult to ignore a late completion."));
        Assert.That(source.TrySetResult(1, 3), Is.False);
        Assert.That(source.GetResult(1), Is.EqualTo(1));
    }

    [Test]
    public void GetResult_OfAPendingRound_Throws_R15()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);

        var ex = Assert.Throws<InvalidOperationException>(() => source.GetResult(1));

        Assert.That(ex!.Message, Is.EqualTo(
            "Round 1 of the ResettableFutureSource<Int32> is still pending, so it has no value yet. Yield Wait(1) first, or check State."));
    }

    [Test]
    public void Reset_OfAPendingRound_Throws()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);

        var ex = Assert.Throws<InvalidOperationException>(() => source.Reset());

        Assert.That(ex!.Message, Does.StartWith("Round 1 of the ResettableFutureSource<Int32> is still pending: Reset starts the next round only once"));
        Assert.That(source.Version, Is.EqualTo(1));
    }

    [Test]
    public void Reset_BeforeTheWokenWaiterResumed_Throws_SoTheWaiterNeverLosesItsRound()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        var got = new List<int>();
        t.Loop.Start(WaitOnce(source, got), "Reader");
        t.Tick();
        source.SetResult(1, 10);

        var ex = Assert.Throws<InvalidOperationException>(() => source.Reset());

        Assert.That(ex!.Message, Is.EqualTo(
            "Round 1 of the ResettableFutureSource<Int32> completed, but its waiter, coroutine 'Reader', has not resumed yet to read it. Reset from the waiter after it read GetResult(1), or once it resumed."));
        t.Tick();
        Assert.That(got, Is.EqualTo(new[] { 10 }));
        Assert.That(source.Reset(), Is.EqualTo(2), "once the waiter resumed, the round can be reset");
    }

    // ---- failures ----------------------------------------------------------------------------------------------

    [Test]
    public void SetException_FaultsTheWaiterWithTheSameException_AndNothingIsReported_R22_R23()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        var failure = new FormatException("bad ball");
        LoopTask waiter = t.Loop.Start(WaitOnce(source, new List<int>()));
        LoopTask watcher = t.Loop.Start(Observe(waiter));
        t.Tick();

        source.SetException(1, failure);
        t.Tick(3);

        Assert.That(waiter.Exception, Is.SameAs(failure));
        Assert.That(watcher.IsSucceeded, Is.True);
        Assert.That(t.Unhandled, Is.Empty, "the waiter observed the round's failure, and its own was observed too");
        Assert.That(source.Reset(), Is.EqualTo(2));
        Assert.That(t.Unhandled, Is.Empty, "resetting an observed failure reports nothing");
    }

    [Test]
    public void AFailedRoundNobodyObserved_IsReportedOnceAtTheEndOfTheTick_R23()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        var failure = new FormatException("nobody waits");
        t.Loop.Start(Fail(source, failure));

        t.Tick();

        Assert.That(t.Unhandled, Is.EqualTo(new Exception[] { failure }));
        source.Reset();
        t.Tick();
        Assert.That(t.Unhandled, Has.Count.EqualTo(1), "reported once");
    }

    [Test]
    public void AFailedRoundNobodyObserved_IsReportedByReset_WhenResetFirst_R23()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        var failure = new FormatException("reset away");
        source.SetException(1, failure);

        source.Reset();

        Assert.That(t.Unhandled, Is.EqualTo(new Exception[] { failure }), "the reset would erase it: it is reported at once");
        t.Tick(2);
        Assert.That(t.Unhandled, Has.Count.EqualTo(1), "and only once");
    }

    [Test]
    public void AFailedRoundReadWithGetResult_IsNotReported_R23()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        var failure = new FormatException("read");
        source.SetException(1, failure);

        var thrown = Assert.Throws<FormatException>(() => source.GetResult(1));
        source.Reset();
        t.Tick();

        Assert.That(thrown, Is.SameAs(failure));
        Assert.That(t.Unhandled, Is.Empty);
    }

    // ---- cancellation and Close --------------------------------------------------------------------------------

    [Test]
    public void CancellingTheWaitingTask_RunsItsFinally_CancelsTheRound_AndTheNextRoundWorks_R30_R31()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        var log = new List<string>();
        LoopTask waiter = t.Loop.Start(WaitWithFinally(source, log));
        t.Tick();

        Assert.That(waiter.Cancel(), Is.True);
        t.Tick();

        Assert.That(waiter.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
        Assert.That(source.State, Is.EqualTo(FutureState.Cancelled), "cancelling the waiter cancels what it is parked on");
        Assert.That(source.TrySetResult(1, 1), Is.False);
        Assert.Throws<OperationCanceledException>(() => source.GetResult(1));

        int next = source.Reset();
        var got = new List<int>();
        t.Loop.Start(WaitOnce(source, got));
        t.Tick();
        source.SetResult(next, 3);
        t.Tick();
        Assert.That(got, Is.EqualTo(new[] { 3 }));
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void Close_WhileATaskWaits_CancelsTheTaskAndTheRound_R36()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        var log = new List<string>();
        LoopTask waiter = t.Loop.Start(WaitWithFinally(source, log));
        t.Tick();

        IReadOnlyList<Future> pending = t.Loop.Close();

        Assert.That(pending, Is.EqualTo(new Future[] { waiter }));
        Assert.That(waiter.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
        Assert.That(source.State, Is.EqualTo(FutureState.Cancelled));
        Assert.That(source.TrySetResult(1, 1), Is.False);
        Assert.Throws<ObjectDisposedException>(() => source.SetResult(1, 1));
        Assert.Throws<ObjectDisposedException>(() => source.Reset());
        Assert.Throws<OperationCanceledException>(() => source.GetResult(1), "the outcome stays readable after Close");
    }

    // ---- bad input, threads, loops -------------------------------------------------------------------------------

    [Test]
    public void Constructor_RefusesNullAndAClosedLoop()
    {
        var t = new TestLoop();
        Assert.Throws<ArgumentNullException>(() => _ = new ResettableFutureSource<int>(null!));
        t.Loop.Close();
        Assert.Throws<ObjectDisposedException>(() => _ = new ResettableFutureSource<int>(t.Loop));
    }

    [Test]
    public void SetException_WithNull_ThrowsArgumentNullException()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);

        var ex = Assert.Throws<ArgumentNullException>(() => source.SetException(1, null!));

        Assert.That(ex!.ParamName, Is.EqualTo("exception"));
    }

    [Test]
    public void MembersThatChangeTheSource_CalledFromAnotherThread_Throw()
    {
        var t = new TestLoop();
        var source = new ResettableFutureSource<int>(t.Loop);
        var errors = new List<Exception?>();
        var thread = new Thread(() =>
        {
            errors.Add(Catch(() => source.Wait(1)));
            errors.Add(Catch(() => source.SetResult(1, 1)));
            errors.Add(Catch(() => source.TrySetResult(1, 1)));
            errors.Add(Catch(() => source.SetException(1, new FormatException())));
            errors.Add(Catch(() => source.Reset()));
            errors.Add(Catch(() => _ = source.Version + (int)source.State));
        });
        thread.Start();
        Assert.That(thread.Join(HangGuard.Limit), Is.True);

        for (int i = 0; i < 5; i++)
        {
            Assert.That(errors[i], Is.TypeOf<InvalidOperationException>(), $"member {i}");
            Assert.That(errors[i]!.Message, Does.Contain("Loop-only members run on the loop's thread"));
        }

        Assert.That(errors[5], Is.Null, "Version and State can be read from any thread");
        Assert.That(source.State, Is.EqualTo(FutureState.Pending));
    }

    [Test]
    public void ATaskOfAnotherLoop_YieldingTheWait_Faults_R61()
    {
        var a = new TestLoop(name: "a");
        var b = new TestLoop(name: "b");
        var source = new ResettableFutureSource<int>(a.Loop);

        LoopTask foreign = b.Loop.Start(WaitFor(source, 1), "Foreign");
        b.Tick();

        Assert.That(foreign.IsFaulted, Is.True);
        Assert.That(foreign.Exception!.Message, Is.EqualTo(
            "Coroutine 'Foreign' on loop 'b' yielded a ResettableFutureSource<Int32> wait (round 1) that belongs to another loop ('a'). A task can only wait on futures of its own loop; hand results between loops with Post."));
        Assert.That(source.State, Is.EqualTo(FutureState.Pending));
    }

    // ---- coroutines ------------------------------------------------------------------------------------------------

    private static Exception? Catch(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static IEnumerator<IAwaitable> WaitOnce(ResettableFutureSource<int> source, List<int> got, List<string>? log = null)
    {
        int round = source.Version;
        yield return source.Wait(round);
        got.Add(source.GetResult(round));
        log?.Add("got " + source.GetResult(round));
    }

    private static IEnumerator<IAwaitable> WaitOnce(ResettableFutureSource<string> source, List<string> got)
    {
        int round = source.Version;
        yield return source.Wait(round);
        got.Add(source.GetResult(round));
    }

    private static IEnumerator<IAwaitable> WaitFor(ResettableFutureSource<int> source, int version)
    {
        yield return source.Wait(version);
    }

    private static IEnumerator<IAwaitable> Produce(ResettableFutureSource<int> source, int value, List<string> log)
    {
        source.SetResult(source.Version, value);
        log.Add("produced");
        yield break;
    }

    private static IEnumerator<IAwaitable> Fail(ResettableFutureSource<int> source, Exception failure)
    {
        source.SetException(source.Version, failure);
        yield break;
    }

    private static IEnumerator<IAwaitable> Observe(Future future)
    {
        yield return Co.Settle(future);
    }

    private static IEnumerator<IAwaitable> WaitWithFinally(ResettableFutureSource<int> source, List<string> log)
    {
        try
        {
            yield return source.Wait(source.Version);
            log.Add("resumed");
        }
        finally
        {
            log.Add("finally");
        }
    }

    private static IEnumerator<IAwaitable> YieldKeptAfter(ResettableFutureSource<int> source, Action make, Func<IAwaitable> kept, Future proceed)
    {
        make();
        yield return kept();
        _ = source.GetResult(1);
        yield return proceed;
        yield return kept();   // round 1's wait, after the source was reset to round 2
    }

    private static IEnumerator<IAwaitable> MakeWaitAndPark(ResettableFutureSource<int> source, Action<IAwaitable> publish)
    {
        IAwaitable wait = source.Wait(source.Version);
        publish(wait);
        yield return wait;
    }

    private static IEnumerator<IAwaitable> YieldThis(Func<IAwaitable> awaitable)
    {
        yield return awaitable();
    }

    private static IEnumerator<IAwaitable> Ping(ResettableFutureSource<int> toPong, ResettableFutureSource<int> toPing, int rounds)
    {
        int ball = 0;
        for (int i = 0; i < rounds; i++)
        {
            int round = toPing.Version;
            toPong.SetResult(toPong.Version, ball);
            yield return toPing.Wait(round);
            ball = toPing.GetResult(round) + 1;
            toPing.Reset();
        }
    }

    private static IEnumerator<IAwaitable> Pong(ResettableFutureSource<int> toPong, ResettableFutureSource<int> toPing, int rounds, List<int> seen)
    {
        for (int i = 0; i < rounds; i++)
        {
            int round = toPong.Version;
            yield return toPong.Wait(round);
            int ball = toPong.GetResult(round);
            seen.Add(ball);
            toPong.Reset();
            toPing.SetResult(toPing.Version, ball + 1);
        }
    }
}
