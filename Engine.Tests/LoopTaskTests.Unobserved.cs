using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>R23: no failure is silently lost, and none is reported twice or when it was observed.</summary>
public partial class LoopTaskTests
{
    [Test]
    public void UnobservedFailure_OfATaskNobodyAwaits_IsReportedOnceAtTheEndOfTheTickInWhichItFaulted_R23()
    {
        var t = new TestLoop();
        var failure = new FormatException("nobody listens");
        var seenDuringTick = new List<int>();
        LoopTask failing = t.Loop.Start(ThrowAfterOneTick(failure));
        t.Loop.Start(RecordUnhandledCount(t, seenDuringTick, ticks: 2));

        t.Tick();
        Assert.That(t.Unhandled, Is.Empty, "not faulted yet");
        t.Tick();

        Assert.That(failing.IsFaulted, Is.True);
        Assert.That(seenDuringTick, Is.EqualTo(new[] { 0, 0 }), "not reported at the moment of the fault, but at the end of the tick");
        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(t.Unhandled[0], Is.SameAs(failure));

        t.Tick(3);
        _ = failing.Exception;
        t.Tick();
        Assert.That(t.Unhandled, Has.Count.EqualTo(1), "reported once, and reading it later does not report it again");
    }

    [Test]
    public void UnobservedFailure_FaultedInTheFirstStep_IsReportedAtTheEndOfThatTick_R23()
    {
        var t = new TestLoop();
        var failure = new FormatException("at once");

        t.Loop.Start(Throw(failure));
        t.Tick();

        Assert.That(t.Unhandled, Is.EqualTo(new Exception[] { failure }));
    }

    [Test]
    public void SeveralUnobservedFailures_AreEachReportedOnce_InTheOrderTheyFaulted_R23()
    {
        var t = new TestLoop();
        var a = new FormatException("a");
        var b = new FormatException("b");
        var c = new FormatException("c");
        t.Loop.Start(Throw(a));
        t.Loop.Start(Throw(b));
        t.Loop.Start(Throw(c));

        t.Tick(3);

        Assert.That(t.Unhandled, Is.EqualTo(new Exception[] { a, b, c }));
    }

    [Test]
    public void Failure_WithAWaiterParkedOnIt_IsNotReported_OnlyTheOutermostUnobservedOneIs_R23()
    {
        var t = new TestLoop();
        var failure = new FormatException("travels outwards");
        var log = new List<string>();
        LoopTask inner = t.Loop.Start(ThrowAfterOneTick(failure));
        LoopTask middle = t.Loop.Start(ParkOn(inner, log));
        LoopTask outer = t.Loop.Start(ParkOn(middle, log));

        t.Tick(2);
        Assert.That(inner.IsFaulted, Is.True);
        Assert.That(t.Unhandled, Is.Empty, "a waiter was parked on the inner task when it faulted");
        t.Tick();
        Assert.That(middle.IsFaulted, Is.True);
        Assert.That(t.Unhandled, Is.Empty, "a waiter was parked on the middle task when it faulted");
        t.Tick();

        Assert.That(outer.IsFaulted, Is.True);
        Assert.That(t.Unhandled, Is.EqualTo(new Exception[] { failure }), "the outermost failure is nobody's: reported once");
        t.Tick(3);
        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
    }

    [Test]
    public void Failure_WatchedWithCoSettle_IsNeverReported_R23()
    {
        var t = new TestLoop();
        LoopTask failing = t.Loop.Start(ThrowAfterOneTick(new FormatException("settled")));
        var outcomes = new List<FutureState>();
        LoopTask watcher = t.Loop.Start(SettleAndRecord(failing, outcomes));

        t.Tick(5);

        Assert.That(outcomes, Is.EqualTo(new[] { FutureState.Faulted }));
        Assert.That(watcher.IsSucceeded, Is.True);
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void Failure_SettledLaterInTheSameTick_IsNotReported_R23()
    {
        var t = new TestLoop();
        var outcomes = new List<FutureState>();
        LoopTask failing = t.Loop.Start(Throw(new FormatException("first in the tick")));
        t.Loop.Start(SettleAndRecord(failing, outcomes));   // steps after the fault, in the same tick

        t.Tick();

        Assert.That(outcomes, Is.EqualTo(new[] { FutureState.Faulted }));
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void Failure_WhoseExceptionIsReadBeforeTheEndOfTheTick_IsNotReported_R23()
    {
        var t = new TestLoop();
        var failure = new FormatException("read in time");
        var seen = new List<Exception?>();
        LoopTask failing = t.Loop.Start(Throw(failure));
        t.Loop.Start(ReadException(failing, seen));   // steps after the fault, in the same tick

        t.Tick();

        Assert.That(seen, Is.EqualTo(new Exception?[] { failure }));
        Assert.That(t.Unhandled, Is.Empty);
        t.Tick(2);
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void Failure_WhoseResultIsReadBeforeTheEndOfTheTick_IsNotReported_R23()
    {
        var t = new TestLoop();
        var failure = new FormatException("result read in time");
        var seen = new List<Exception>();
        LoopTask<int> failing = t.Loop.Start<int>(Throw(failure));
        t.Loop.Start(ReadResult(failing, seen));

        t.Tick();

        Assert.That(seen, Is.EqualTo(new Exception[] { failure }), "Result rethrows the same object");
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void Failure_AwaitedLaterInTheSameTick_IsReportedOnceAsTheWaitersFailure_R23()
    {
        var t = new TestLoop();
        var failure = new FormatException("passed on");
        var log = new List<string>();
        LoopTask failing = t.Loop.Start(Throw(failure));
        LoopTask waiter = t.Loop.Start(ParkOn(failing, log));   // yields the already faulted task

        t.Tick();

        Assert.That(waiter.Exception, Is.SameAs(failure));
        Assert.That(t.Unhandled, Is.EqualTo(new Exception[] { failure }), "observed by the waiter, whose own failure nobody observes");
    }

    [Test]
    public void FutureFaultedBetweenTicks_IsReportedAtTheEndOfTheNextTick_R23()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var failure = new FormatException("between ticks");

        source.SetException(failure);
        Assert.That(t.Unhandled, Is.Empty, "never inline in SetException");
        t.Tick();

        Assert.That(t.Unhandled, Is.EqualTo(new Exception[] { failure }));
        t.Tick();
        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
    }

    [Test]
    public void FutureFaultedBetweenTicks_AndReadBeforeTheNextTick_IsNotReported_R23()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        var other = new FutureSource(t.Loop);
        source.SetException(new FormatException("read"));
        other.SetException(new FormatException("GetResult"));

        Assert.Throws<FormatException>(() => _ = source.Future.Result);
        Assert.Throws<FormatException>(() => other.Future.GetResult());
        t.Tick(2);

        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void FutureFaultedInsideAStep_WithNoWaiter_IsReportedAtTheEndOfThatTick_R23()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var failure = new FormatException("set in a step");
        var seenDuringTick = new List<int>();
        t.Loop.Start(FailSource(source, failure));
        t.Loop.Start(RecordUnhandledCount(t, seenDuringTick, ticks: 1));

        t.Tick();

        Assert.That(seenDuringTick, Is.EqualTo(new[] { 0 }));
        Assert.That(t.Unhandled, Is.EqualTo(new Exception[] { failure }));
    }

    [Test]
    public void FutureFaulted_WithAParkedWaiter_IsNotReportedForTheFuture_R23()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var outcomes = new List<FutureState>();
        t.Loop.Start(SettleAndRecord(source.Future, outcomes));
        t.Tick();

        source.SetException(new FormatException("seen by the waiter"));
        t.Tick(2);

        Assert.That(outcomes, Is.EqualTo(new[] { FutureState.Faulted }));
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void RunUntilComplete_OfAFailingTask_ThrowsTheFailure_AndDoesNotReportIt_R23()
    {
        var t = new TestLoop();
        var failure = new FormatException("to the caller");

        LoopTask task = t.Loop.Start(ThrowAfterOneTick(failure));
        var thrown = Assert.Throws<FormatException>(() => t.Loop.RunUntilComplete(task));

        Assert.That(thrown, Is.SameAs(failure));
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void CancelledTask_IsNotReported_R23()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        LoopTask task = t.Loop.Start(ParkOn(source.Future, new List<string>()));
        t.Tick();

        task.Cancel();
        t.Tick(2);

        Assert.That(task.IsCancelled, Is.True);
        Assert.That(t.Unhandled, Is.Empty);
    }

    // ---- coroutines ----------------------------------------------------------------------------------------------

    private static IEnumerator<IAwaitable> RecordUnhandledCount(TestLoop t, List<int> seen, int ticks)
    {
        for (int i = 0; i < ticks; i++)
        {
            seen.Add(t.Unhandled.Count);
            if (i + 1 < ticks)
            {
                yield return Co.NextTick;
            }
        }
    }

    private static IEnumerator<IAwaitable> SettleAndRecord(Future future, List<FutureState> outcomes)
    {
        yield return Co.Settle(future);
        outcomes.Add(future.State);
    }

    private static IEnumerator<IAwaitable> ReadException(Future future, List<Exception?> seen)
    {
        seen.Add(future.Exception);
        yield break;
    }

    private static IEnumerator<IAwaitable> ReadResult(LoopTask<int> task, List<Exception> seen)
    {
        try
        {
            _ = task.Result;
        }
        catch (FormatException ex)
        {
            seen.Add(ex);
        }

        yield break;
    }

    private static IEnumerator<IAwaitable> FailSource(FutureSource source, Exception failure)
    {
        source.SetException(failure);
        yield break;
    }

    [Test]
    public void Unobserved_TheSameExceptionReachingALaterUnobservedWaiter_IsReportedOnlyOnce_R23()
    {
        var t = new TestLoop();
        var failure = new InvalidOperationException("boom");

        IEnumerator<IAwaitable> Throw()
        {
            yield return Co.NextTick;
            throw failure;
        }

        IEnumerator<IAwaitable> WaitOn(LoopTask other)
        {
            yield return other;
        }

        LoopTask thrower = t.Loop.Start(Throw());
        t.Tick(3);
        Assert.That(t.Unhandled, Is.EqualTo(new Exception[] { failure }), "nobody awaited the thrower");

        LoopTask late = t.Loop.Start(WaitOn(thrower));
        t.Tick(2);

        Assert.That(late.Exception, Is.SameAs(failure));
        Assert.That(t.Unhandled, Has.Count.EqualTo(1), "one exception object is reported once");
    }
}
