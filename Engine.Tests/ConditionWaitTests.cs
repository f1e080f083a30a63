using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// Condition waits (<c>Co.Conditions.cs</c>): <see cref="Co.WaitUntil(Func{bool})"/>, <see cref="Co.WaitWhile(Func{bool})"/>,
/// <see cref="Co.WaitTicks(int)"/>, <see cref="Co.WaitUntilChanged{T}(Func{T})"/> and their timeouts. The predicate is
/// checked at the yield (R19), then once per tick in the task's turn (R3); a timeout counts from the yield (R7, R43);
/// a throwing predicate faults the task with the same exception (R21, R22); no allocation per tick.
/// </summary>
[TestFixture]
public class ConditionWaitTests
{
    // ---- helpers -------------------------------------------------------------------------------------------------

    /// <summary>Logs "name:tick" before and after yielding <paramref name="wait"/>.</summary>
    private static IEnumerator<IAwaitable> Logged(EventLoop loop, List<string> log, string name, Func<IAwaitable> wait)
    {
        log.Add($"{name} yields @{loop.TickCount}");
        yield return wait();
        log.Add($"{name} resumed @{loop.TickCount}");
    }

    private static IEnumerator<IAwaitable> Waiting(IAwaitable wait)
    {
        yield return wait;
    }

    // ---- WaitUntil / WaitWhile: checking -------------------------------------------------------------------------

    [Test]
    public void WaitUntil_ConditionAlreadyTrueAtTheYield_ContinuesInTheSameStep_R19()
    {
        var t = new TestLoop();
        var log = new List<string>();
        int calls = 0;
        t.Loop.Start(Logged(t.Loop, log, "A", () => Co.WaitUntil(() => { calls++; return true; })));

        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "A yields @1", "A resumed @1" }));
        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public void WaitUntil_ChecksThePredicateOncePerTick_AndResumesInTheTickItIsTrue()
    {
        var t = new TestLoop();
        var log = new List<string>();
        int calls = 0;
        bool ready = false;
        t.Loop.Start(Logged(t.Loop, log, "A", () => Co.WaitUntil(() => { calls++; return ready; })));

        t.Tick(5);
        Assert.That(calls, Is.EqualTo(5), "once at the yield (tick 1), then once in each of ticks 2..5");
        Assert.That(log, Has.Count.EqualTo(1));

        ready = true;
        t.Tick();

        Assert.That(calls, Is.EqualTo(6));
        Assert.That(log, Is.EqualTo(new[] { "A yields @1", "A resumed @6" }));
        t.Tick(3);
        Assert.That(calls, Is.EqualTo(6), "a finished wait is never checked again");
    }

    [Test]
    public void WaitWhile_ContinuesWhenThePredicateTurnsFalse_AtTheYieldOrInALaterTick()
    {
        var t = new TestLoop();
        var log = new List<string>();
        bool busy = true;
        t.Loop.Start(Logged(t.Loop, log, "A", () => Co.WaitWhile(() => busy)));
        t.Loop.Start(Logged(t.Loop, log, "B", () => Co.WaitWhile(() => false)));

        t.Tick(3);
        busy = false;
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "A yields @1", "B yields @1", "B resumed @1", "A resumed @4" }));
    }

    [Test]
    public void WaitUntil_ATaskQueuedBehindTheStepThatMakesItTrue_ResumesInThatSameTick_AndOneAheadInTheNext_R3()
    {
        var t = new TestLoop();
        var log = new List<string>();
        bool flag = false;

        IEnumerator<IAwaitable> SetInTick(int tick)
        {
            while (t.Loop.TickCount < tick)
            {
                yield return Co.NextTick;
            }

            flag = true;
            log.Add($"set @{t.Loop.TickCount}");
        }

        t.Loop.Start(Logged(t.Loop, log, "ahead", () => Co.WaitUntil(() => flag)));
        t.Loop.Start(SetInTick(3));
        t.Loop.Start(Logged(t.Loop, log, "behind", () => Co.WaitUntil(() => flag)));
        t.Tick(4);

        Assert.That(log, Is.EqualTo(new[]
        {
            "ahead yields @1", "behind yields @1", "set @3", "behind resumed @3", "ahead resumed @4",
        }));
    }

    [Test]
    public void WaitUntil_SeveralWaitersOnOneCondition_ResumeInTheirQueueOrder_R3()
    {
        var t = new TestLoop();
        var log = new List<string>();
        bool go = false;
        foreach (string name in new[] { "A", "B", "C", "D" })
        {
            t.Loop.Start(Logged(t.Loop, log, name, () => Co.WaitUntil(() => go)));
        }

        t.Tick(2);
        log.Clear();
        go = true;
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "A resumed @3", "B resumed @3", "C resumed @3", "D resumed @3" }));
    }

    [Test]
    public void WaitUntil_InterleavesFifoWithOtherReadyWork_R3()
    {
        var t = new TestLoop();
        var log = new List<string>();
        bool go = false;

        IEnumerator<IAwaitable> Ticker(string name)
        {
            while (true)
            {
                yield return Co.NextTick;
                if (go)
                {
                    log.Add(name);
                }
            }
        }

        IEnumerator<IAwaitable> Waiter()
        {
            yield return Co.WaitUntil(() => go);
            log.Add("waiter");
        }

        t.Loop.Start(Ticker("first"));
        t.Loop.Start(Waiter());
        t.Loop.Start(Ticker("last"));
        t.Tick(2);
        go = true;
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "first", "waiter", "last" }));
    }

    // ---- WaitTicks -----------------------------------------------------------------------------------------------

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(7)]
    [TestCase(1000)]
    public void WaitTicks_ResumesExactlyNTicksAfterTheYield(int ticks)
    {
        var t = new TestLoop();
        var log = new List<string>();
        t.Tick(3);
        t.Loop.Start(Logged(t.Loop, log, "A", () => Co.WaitTicks(ticks)));

        t.Tick(ticks);
        Assert.That(log, Is.EqualTo(new[] { "A yields @4" }), "not one tick early");
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "A yields @4", $"A resumed @{4 + ticks}" }));
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(int.MinValue)]
    public void WaitTicks_ZeroOrLess_ContinuesAtOnceInTheSameStep(int ticks)
    {
        var t = new TestLoop();
        var log = new List<string>();
        t.Loop.Start(Logged(t.Loop, log, "A", () => Co.WaitTicks(ticks)));
        t.Loop.Start(Logged(t.Loop, log, "B", () => Co.WaitTicks(ticks, 1.0)));

        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "A yields @1", "A resumed @1", "B yields @1", "B resumed @1" }));
    }

    [Test]
    public void WaitTicks_One_IsNextTickItself_AndAllocatesNothing()
    {
        Assert.That(Co.WaitTicks(1), Is.SameAs(Co.NextTick));
    }

    [Test]
    public void WaitTicks_DoesNotDependOnTime_OnlyOnTicks()
    {
        var t = new TestLoop();
        var log = new List<string>();
        t.Loop.Start(Logged(t.Loop, log, "A", () => Co.WaitTicks(3)));
        t.Tick();
        t.AdvanceAndTick(100);
        t.AdvanceAndTick(100);
        Assert.That(log, Has.Count.EqualTo(1));
        t.Tick();

        Assert.That(log[^1], Is.EqualTo("A resumed @4"));
    }

    // ---- WaitUntilChanged ----------------------------------------------------------------------------------------

    [Test]
    public void WaitUntilChanged_ResumesInTheFirstTickTheValueDiffers_AndGivesTheNewValue()
    {
        var t = new TestLoop();
        int value = 5;
        int reads = 0;
        var seen = new List<(int Value, long Tick)>();

        IEnumerator<IAwaitable> Watch()
        {
            Call<int> changed = Co.WaitUntilChanged(() => { reads++; return value; });
            yield return changed;
            seen.Add((changed.Result, t.Loop.TickCount));
        }

        t.Loop.Start(Watch());
        t.Tick(3);
        Assert.That(reads, Is.EqualTo(3), "the baseline at the yield, then one read per tick");
        value = 5;          // written again, but equal: not a change
        t.Tick();
        Assert.That(seen, Is.Empty);
        value = 9;
        t.Tick();

        Assert.That(seen, Is.EqualTo(new[] { (9, 5L) }));
    }

    [Test]
    public void WaitUntilChanged_NeverContinuesAtTheYield_BecauseTheBaselineIsReadThere()
    {
        var t = new TestLoop();
        var log = new List<string>();
        int value = 0;
        t.Loop.Start(Logged(t.Loop, log, "A", () => Co.WaitUntilChanged(() => value++)));   // changes on every read

        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "A yields @1" }));
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "A yields @1", "A resumed @2" }));
    }

    [Test]
    public void WaitUntilChanged_UsesTheGivenComparer()
    {
        var t = new TestLoop();
        string value = "Hello";
        string? result = null;

        IEnumerator<IAwaitable> Watch()
        {
            Call<string> changed = Co.WaitUntilChanged(() => value, StringComparer.OrdinalIgnoreCase);
            yield return changed;
            result = changed.Result;
        }

        t.Loop.Start(Watch());
        t.Tick();
        value = "HELLO";
        t.Tick(3);
        Assert.That(result, Is.Null, "equal for the comparer: not a change");
        value = "Bye";
        t.Tick();

        Assert.That(result, Is.EqualTo("Bye"));
    }

    [Test]
    public void WaitUntilChanged_WithANullComparer_UsesTheDefault()
    {
        var t = new TestLoop();
        int value = 1;
        LoopTask task = t.Loop.Start(Waiting(Co.WaitUntilChanged(() => value, (IEqualityComparer<int>?)null)));
        t.Tick(2);
        value = 2;
        t.Tick();

        Assert.That(task.IsSucceeded, Is.True);
    }

    // ---- timeouts ------------------------------------------------------------------------------------------------

    [Test]
    public void WaitUntil_WithTimeout_FailsWithTimeoutExceptionInTheFirstTickAtOrPastTheDeadline_R7()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Waiting(Co.WaitUntil(() => false, 1.5)));
        t.Tick();
        t.AdvanceAndTick(1.4999999);
        Assert.That(task.IsCompleted, Is.False, "never before the deadline");

        t.AdvanceAndTick(0.0000001);

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.TypeOf<TimeoutException>());
        Assert.That(task.Exception!.Message, Is.EqualTo("Co.WaitUntil timed out after 1.5s: the condition was still false."));
    }

    [Test]
    public void WaitWhile_WithTimeout_FailsWithAMessageNamingTheWaitAndTheDuration()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Waiting(Co.WaitWhile(() => true, 0.25)));
        t.Tick();
        t.AdvanceAndTick(0.25);

        Assert.That(task.Exception, Is.TypeOf<TimeoutException>());
        Assert.That(task.Exception!.Message, Is.EqualTo("Co.WaitWhile timed out after 0.25s: the condition was still true."));
    }

    [Test]
    public void WaitTicks_WithTimeout_FailsWithTheTicksThatHadPassed()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Waiting(Co.WaitTicks(10, 2)));
        t.Tick();               // yield at tick 1
        t.AdvanceAndTick(1);    // 1 tick passed
        t.AdvanceAndTick(0.5);  // 2
        t.AdvanceAndTick(0.5);  // 3 ticks passed, at the deadline

        Assert.That(task.Exception, Is.TypeOf<TimeoutException>());
        Assert.That(task.Exception!.Message, Is.EqualTo("Co.WaitTicks(10) timed out after 2s: 3 of 10 ticks had passed."));
    }

    [Test]
    public void WaitTicks_WithTimeout_ThatReachesItsCountInTheDeadlineTick_Succeeds()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Waiting(Co.WaitTicks(2, 1)));
        t.Tick();
        t.AdvanceAndTick(0.5);
        t.AdvanceAndTick(0.5);   // second tick, exactly at the deadline: the count is checked first

        Assert.That(task.IsSucceeded, Is.True);
    }

    [Test]
    public void WaitUntilChanged_WithTimeout_FailsWithAMessageNamingTheWait()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Waiting(Co.WaitUntilChanged(() => 42, 3)));
        t.Tick();
        t.AdvanceAndTick(3);

        Assert.That(task.Exception, Is.TypeOf<TimeoutException>());
        Assert.That(task.Exception!.Message, Is.EqualTo("Co.WaitUntilChanged timed out after 3s: the value did not change."));
    }

    [Test]
    public void WaitUntilChanged_WithTimeout_AChangeBeforeTheDeadlineWins()
    {
        var t = new TestLoop();
        int value = 1;
        int? result = null;

        IEnumerator<IAwaitable> Watch()
        {
            Call<int> changed = Co.WaitUntilChanged(() => value, 3, EqualityComparer<int>.Default);
            yield return changed;
            result = changed.Result;
        }

        LoopTask task = t.Loop.Start(Watch());
        t.Tick();
        t.AdvanceAndTick(2);
        value = 7;
        t.AdvanceAndTick(1);   // the change is seen in the deadline tick: it wins

        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(result, Is.EqualTo(7));
    }

    [Test]
    public void WaitUntil_WithTimeout_AConditionTrueInTheDeadlineTick_Wins()
    {
        var t = new TestLoop();
        bool ready = false;
        LoopTask task = t.Loop.Start(Waiting(Co.WaitUntil(() => ready, 1)));
        t.Tick();
        ready = true;
        t.AdvanceAndTick(5);   // far past the deadline, but the condition is checked first

        Assert.That(task.IsSucceeded, Is.True);
    }

    [Test]
    public void Timeout_CountsFromTheYield_NotFromCreatingTheWait()
    {
        var t = new TestLoop();

        IEnumerator<IAwaitable> CreateEarlyYieldLate()
        {
            IAwaitable wait = Co.WaitUntil(() => false, 1);   // made at time 0
            yield return Co.Sleep(10);
            yield return wait;                               // yielded at time 10: the deadline is 11
        }

        LoopTask task = t.Loop.Start(CreateEarlyYieldLate());
        t.Tick();
        t.AdvanceAndTick(10);
        Assert.That(task.IsCompleted, Is.False, "a timeout counted from creation would have fired here");
        t.AdvanceAndTick(0.9999999);
        Assert.That(task.IsCompleted, Is.False);
        t.AdvanceAndTick(0.0000001);

        Assert.That(task.Exception, Is.TypeOf<TimeoutException>());
    }

    [TestCase(0.0)]
    [TestCase(-5.0)]
    public void Timeout_ZeroOrLess_ChecksOnce_AndFailsAtOnceInTheSameStep_R43(double timeout)
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask holds = t.Loop.Start(Logged(t.Loop, log, "holds", () => Co.WaitUntil(() => true, timeout)));
        LoopTask fails = t.Loop.Start(Logged(t.Loop, log, "fails", () => Co.WaitUntil(() => false, timeout)));

        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "holds yields @1", "holds resumed @1", "fails yields @1" }));
        Assert.That(holds.IsSucceeded, Is.True);
        Assert.That(fails.Exception, Is.TypeOf<TimeoutException>());
        Assert.That(fails.Exception!.Message, Is.EqualTo("Co.WaitUntil timed out after 0s: the condition was still false."));
    }

    [Test]
    public void Timeout_FailsTheWaitingCoroutine_RunningItsFinallyBlocks_AndAnAwaitingTaskSeesTheSameException_R22()
    {
        var t = new TestLoop();
        var log = new List<string>();

        IEnumerator<IAwaitable> Inner()
        {
            try
            {
                yield return Co.WaitUntil(() => false, 0.5);
                log.Add("not reached");
            }
            finally
            {
                log.Add("inner finally");
            }
        }

        IEnumerator<IAwaitable> Outer()
        {
            try
            {
                yield return Co.Call(Inner());
            }
            finally
            {
                log.Add("outer finally");
            }
        }

        LoopTask task = t.Loop.Start(Outer());
        LoopTask awaiting = t.Loop.Start(Waiting(task));
        t.Tick();
        t.AdvanceAndTick(0.5);
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "inner finally", "outer finally" }));
        Assert.That(task.Exception, Is.TypeOf<TimeoutException>());
        Assert.That(awaiting.Exception, Is.SameAs(task.Exception));
        Assert.That(t.Unhandled, Is.EqualTo(new[] { task.Exception }), "the unobserved awaiting task reports it, once (R23)");
    }

    [Test]
    public void Timeout_UnobservedFailure_IsReportedOnce_R23()
    {
        var t = new TestLoop();
        LoopTask task = t.Loop.Start(Waiting(Co.WaitWhile(() => true, 1)));
        t.Tick();
        t.AdvanceAndTick(1);

        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(t.Unhandled[0], Is.SameAs(task.Exception));
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void Timeout_NotFinite_IsRejectedByTheCallThatCreatesTheWait_R9(double timeout)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Co.WaitUntil(() => true, timeout));
        Assert.Throws<ArgumentOutOfRangeException>(() => Co.WaitWhile(() => true, timeout));
        Assert.Throws<ArgumentOutOfRangeException>(() => Co.WaitTicks(3, timeout));
        Assert.Throws<ArgumentOutOfRangeException>(() => Co.WaitUntilChanged(() => 1, timeout));
    }

    [Test]
    public void NullDelegates_ThrowArgumentNullException()
    {
        Assert.That(() => Co.WaitUntil(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("predicate"));
        Assert.That(() => Co.WaitUntil(null!, 1), Throws.ArgumentNullException);
        Assert.That(() => Co.WaitWhile(null!), Throws.ArgumentNullException);
        Assert.That(() => Co.WaitWhile(null!, 1), Throws.ArgumentNullException);
        Assert.That(() => Co.WaitUntilChanged<int>(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("read"));
        Assert.That(() => Co.WaitUntilChanged<int>(null!, 1), Throws.ArgumentNullException);
    }

    // ---- failures and cancellation -------------------------------------------------------------------------------

    [Test]
    public void WaitUntil_PredicateThatThrows_FaultsTheTaskWithThatSameException_R21()
    {
        var t = new TestLoop();
        var boom = new InvalidOperationException("boom");
        int calls = 0;
        var log = new List<string>();

        IEnumerator<IAwaitable> Body()
        {
            try
            {
                yield return Co.WaitUntil(() => ++calls == 3 ? throw boom : false);
            }
            finally
            {
                log.Add("finally");
            }
        }

        LoopTask task = t.Loop.Start(Body());
        t.Tick(3);

        Assert.That(task.Exception, Is.SameAs(boom));
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
        Assert.That(boom.GetCoroutineTrace(), Does.Contain("PollCondition"), "the wait shows in the trace");
    }

    [Test]
    public void WaitWhile_PredicateThatThrowsAtTheYield_FaultsInThatStep()
    {
        var t = new TestLoop();
        var boom = new FormatException("at once");
        LoopTask task = t.Loop.Start(Waiting(Co.WaitWhile(() => throw boom)));

        t.Tick();

        Assert.That(task.Exception, Is.SameAs(boom));
    }

    [Test]
    public void WaitUntilChanged_ReaderOrComparerThatThrows_FaultsTheTaskWithThatSameException()
    {
        var t = new TestLoop();
        var readerFailure = new InvalidOperationException("reader");
        var comparerFailure = new InvalidOperationException("comparer");
        int reads = 0;
        LoopTask byReader = t.Loop.Start(Waiting(Co.WaitUntilChanged(() => ++reads == 2 ? throw readerFailure : 0)));
        LoopTask byComparer = t.Loop.Start(Waiting(Co.WaitUntilChanged(() => 0, new ThrowingComparer(comparerFailure))));

        t.Tick(2);

        Assert.That(byReader.Exception, Is.SameAs(readerFailure));
        Assert.That(byComparer.Exception, Is.SameAs(comparerFailure));
    }

    [Test]
    public void CancellingAWaitingTask_EndsTheWait_RunsFinallyBlocks_AndStopsPolling_R30()
    {
        var t = new TestLoop();
        var log = new List<string>();
        int calls = 0;

        IEnumerator<IAwaitable> Body()
        {
            try
            {
                yield return Co.WaitUntil(() => { calls++; return false; }, 100);
            }
            finally
            {
                log.Add("finally");
            }
        }

        LoopTask task = t.Loop.Start(Body());
        t.Tick(3);
        Assert.That(task.Cancel(), Is.True);
        t.Tick();
        int callsAtCancel = calls;
        t.Tick(3);

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
        Assert.That(calls, Is.EqualTo(callsAtCancel));
        Assert.That(calls, Is.EqualTo(3), "the cancelled turn does not poll");
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
    }

    [Test]
    public void ATaskThatCancelsItselfFromThePredicate_StopsAtTheWaitsNextYield_R33()
    {
        var t = new TestLoop();
        LoopTask? self = null;
        var log = new List<string>();

        IEnumerator<IAwaitable> Body()
        {
            try
            {
                yield return Co.WaitUntil(() => { self!.Cancel(); return false; });
                log.Add("not reached");
            }
            finally
            {
                log.Add("finally");
            }
        }

        self = t.Loop.Start(Body());
        t.Tick();

        Assert.That(self.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
    }

    [Test]
    public void WaitsCanBeNestedInInlineCallsAndRepeatedManyTimes()
    {
        var t = new TestLoop();
        int counter = 0;

        IEnumerator<IAwaitable> Child()
        {
            yield return Co.WaitTicks(2);
            counter++;
        }

        IEnumerator<IAwaitable> Parent()
        {
            for (int i = 0; i < 100; i++)
            {
                yield return Co.Call(Child());
                yield return Co.WaitUntil(() => counter == i + 1);
            }
        }

        LoopTask task = t.Loop.Start(Parent());
        t.TickUntil(task, 1000);

        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(t.Loop.TickCount, Is.EqualTo(201), "two ticks per round; the already-true WaitUntil costs none");
    }

    // ---- cost ----------------------------------------------------------------------------------------------------

    private const int Tasks = 1_000;
    private const int MeasuredTicks = 100;
    private const long MeasuringAllowanceBytes = 256;   // as in AllocationTests: far below one object per tick

    [Test]
    public void PollingWaits_AllocateNothingPerTick()
    {
        var t = new TestLoop();
        bool never = false;
        int value = 0;
        for (int i = 0; i < Tasks; i++)
        {
            IAwaitable wait = (i % 5) switch
            {
                0 => Co.WaitUntil(() => never),
                1 => Co.WaitWhile(() => !never, 1e6),
                2 => Co.WaitTicks(1_000_000),
                3 => Co.WaitTicks(1_000_000, 1e6),
                _ => Co.WaitUntilChanged(() => value, 1e6),
            };
            t.Loop.Start(Waiting(wait));
        }

        t.Tick(50);   // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < MeasuredTicks; i++)
        {
            t.Clock.Advance(0.016);
            t.Loop.Tick();
        }

        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes),
            $"{Tasks} waiting tasks polled {MeasuredTicks} times");
        Assert.That(t.Loop.PendingTaskCount, Is.EqualTo(Tasks));
    }

    private sealed class ThrowingComparer : IEqualityComparer<int>
    {
        private readonly Exception _failure;

        public ThrowingComparer(Exception failure) => _failure = failure;

        public bool Equals(int x, int y) => throw _failure;

        public int GetHashCode(int obj) => 0;
    }
}
