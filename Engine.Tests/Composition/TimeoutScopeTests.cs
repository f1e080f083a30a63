using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>TimeoutScope: a timeout whose deadline can be read, moved and cleared (asyncio.timeout), R43.</summary>
[TestFixture]
public class TimeoutScopeTests : LoopFixture
{
    public TimeoutScopeTests()
        : base("timeout-scope")
    {
    }

    [Test]
    public void TimeoutScope_AtTheDeadline_CancelsTheWork_WaitsForItsFinally_ThenFailsWithTimeoutException_R43()
    {
        TimeoutScope scope = Co.TimeoutScope(_loop, Sleep(10, _log, "work"), 2);
        Tick();
        Assert.That(scope.When, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(scope.Expired, Is.False);

        AdvanceAndTick(2);
        Assert.That(scope.Expired, Is.True, "expired from the moment the deadline cancelled the work");
        Tick();

        Assert.That(_log, Is.EqualTo(new[] { "work finally" }));
        Assert.That(scope.Future.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(scope.Future.Exception!.Message, Does.StartWith("TimeoutScope: the deadline (loop time 2s) passed"));
    }

    [Test]
    public void TimeoutScope_RescheduleBeforeTheDeadline_MovesIt_R7()
    {
        TimeoutScope scope = Co.TimeoutScope(_loop, Sleep(5, _log, "work"), 2);
        Tick();

        AdvanceAndTick(1);
        scope.Reschedule(_loop.Time + TimeSpan.FromSeconds(9));
        scope.Reschedule(_loop.Time + TimeSpan.FromSeconds(10));   // twice in one tick: the last one counts
        AdvanceAndTick(1);
        Assert.That(scope.Expired, Is.False, "the old deadline passed without effect");
        AdvanceAndTickUntil(scope.Future);

        Assert.That(scope.Future.IsSucceeded, Is.True);
        Assert.That(scope.When, Is.EqualTo(TimeSpan.FromSeconds(11)));
        Assert.That(scope.Expired, Is.False);
    }

    [Test]
    public void TimeoutScope_WithNoDeadline_RunsUntilADeadlineIsSet()
    {
        var source = new FutureSource(_loop);
        TimeoutScope scope = Co.TimeoutScope(source.Future);
        Assert.That(scope.When, Is.Null);

        AdvanceAndTick(1000);
        Assert.That(scope.Future.IsCompleted, Is.False);
        scope.Reschedule(_loop.Time + TimeSpan.FromSeconds(1));
        AdvanceAndTick(1);

        Assert.That(scope.Expired, Is.True);
        Assert.That(source.Future.IsCancelled, Is.True);
        Assert.That(scope.Future.Exception, Is.InstanceOf<TimeoutException>());
    }

    [Test]
    public void TimeoutScope_RescheduleToNull_ClearsTheDeadline()
    {
        var source = new FutureSource(_loop);
        TimeoutScope scope = Co.TimeoutScope(source.Future, 1);

        scope.Reschedule(null);
        AdvanceAndTick(5);

        Assert.That(scope.When, Is.Null);
        Assert.That(scope.Future.IsCompleted, Is.False);
        source.SetResult();
        Assert.That(scope.Future.IsSucceeded, Is.True);
    }

    [Test]
    public void TimeoutScope_RescheduleToThePast_ExpiresAtOnce_R43()
    {
        var source = new FutureSource(_loop);
        TimeoutScope scope = Co.TimeoutScope(source.Future, 10);
        AdvanceAndTick(1);

        scope.Reschedule(TimeSpan.Zero);

        Assert.That(scope.Expired, Is.True);
        Assert.That(scope.Future.Exception, Is.InstanceOf<TimeoutException>());
    }

    [Test]
    public void TimeoutScope_RescheduleAfterExpiryOrCompletion_Throws()
    {
        var done = new FutureSource(_loop);
        TimeoutScope finished = Co.TimeoutScope(done.Future, 5);
        done.SetResult();
        var expired = Co.TimeoutScope(new FutureSource(_loop).Future, 0);

        var e1 = Assert.Throws<InvalidOperationException>(() => finished.Reschedule(null));
        var e2 = Assert.Throws<InvalidOperationException>(() => expired.Reschedule(null));

        Assert.That(e1!.Message, Does.Contain("its work already completed"));
        Assert.That(e2!.Message, Does.Contain("it already expired"));
    }

    [Test]
    public void TimeoutScope_WorkThatCompletesFirstWins_AndACancelFromOutsideIsNotATimeout_R43()
    {
        var fine = new FutureSource(_loop);
        TimeoutScope won = Co.TimeoutScope(fine.Future, 5);
        var cancelled = new FutureSource(_loop);
        TimeoutScope outside = Co.TimeoutScope(cancelled.Future, 5);

        fine.SetResult();
        cancelled.SetCanceled();

        Assert.That(won.Future.IsSucceeded, Is.True);
        Assert.That(outside.Future.IsCancelled, Is.True);
        Assert.That(outside.Expired, Is.False);
    }

    [Test]
    public void TimeoutScope_InsideAnEqualCoTimeout_OnlyTheOuterTimesOut_R43()
    {
        var source = new FutureSource(_loop);
        TimeoutScope inner = Co.TimeoutScope(source.Future, 3);
        Future outer = Co.Timeout(inner.Future, 3);

        AdvanceAndTick(3);
        Tick();

        Assert.That(outer.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(outer.Exception!.Message, Does.StartWith("Co.Timeout"));
        Assert.That(inner.Future.IsCancelled, Is.True);
    }

    [Test]
    public void TimeoutScope_CancellingItsFuture_CancelsTheWork()
    {
        TimeoutScope scope = Co.TimeoutScope(_loop, Sleep(10, _log, "work"), 5);
        Tick();

        scope.Future.Cancel();
        Tick();

        Assert.That(_log, Is.EqualTo(new[] { "work finally" }));
        Assert.That(scope.Expired, Is.False);
    }

    [Test]
    public void TimeoutScope_NaNTimeout_IsRefusedBeforeTheCoroutineStarts_R9()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Co.TimeoutScope(_loop, Sleep(1, _log, "never"), double.NaN));

        Assert.That(error!.ParamName, Is.EqualTo("timeout"));
        Tick();
        Assert.That(_log, Is.Empty);
    }
}
