using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>Co.Wait: asyncio's wait, with done and pending lists, three modes and a timeout that cancels nothing.</summary>
[TestFixture]
public class WaitTests : LoopFixture
{
    public WaitTests()
        : base("wait")
    {
    }

    [Test]
    public void Wait_FirstCompleted_GivesTheDoneAndThePendingInArgumentOrder_AndCancelsNothing()
    {
        LoopTask slow = _loop.Start(Sleep(3, _log, "slow"));
        LoopTask fast = _loop.Start(Sleep(1, _log, "fast"));
        Future<WaitResult<LoopTask>> wait = Co.Wait(new[] { slow, fast }, WaitMode.FirstCompleted);
        Tick();

        AdvanceAndTickUntil(wait);

        Assert.That(wait.Result.Done, Is.EqualTo(new[] { fast }));
        Assert.That(wait.Result.Pending, Is.EqualTo(new[] { slow }));
        AdvanceAndTickUntil(slow);
        Assert.That(slow.IsSucceeded, Is.True, "the pending one went on");
    }

    [Test]
    public void Wait_AllCompleted_WaitsForEveryFuture_AndNeverFailsBecauseOneDid_R23()
    {
        var boom = new FormatException("burnt");
        LoopTask fails = _loop.Start(SleepThrow(1, boom, _log, "fails"));
        LoopTask fine = _loop.Start(Sleep(2, _log, "fine"));
        Future<WaitResult<LoopTask>> wait = Co.Wait(new[] { fails, fine }, WaitMode.AllCompleted);

        AdvanceAndTickUntil(wait);

        Assert.That(wait.IsSucceeded, Is.True);
        Assert.That(wait.Result.Done, Is.EqualTo(new[] { fails, fine }));
        Assert.That(wait.Result.Pending, Is.Empty);
        Assert.That(_unhandled, Is.Empty, "the failure is handed on in Done");
    }

    [Test]
    public void Wait_FirstException_StopsAtTheFirstFault_ButNotAtACancellation()
    {
        var a = new FutureSource(_loop);
        var b = new FutureSource(_loop);
        var c = new FutureSource(_loop);
        Future<WaitResult<Future>> wait = Co.Wait(new[] { a.Future, b.Future, c.Future }, WaitMode.FirstException);

        a.SetCanceled();
        Assert.That(wait.IsCompleted, Is.False, "a cancellation is not an exception");
        b.SetException(new FormatException("x"));

        Assert.That(wait.Result.Done, Is.EqualTo(new[] { a.Future, b.Future }));
        Assert.That(wait.Result.Pending, Is.EqualTo(new[] { c.Future }));
    }

    [Test]
    public void Wait_FirstException_WithoutAFault_IsAllCompleted()
    {
        var a = new FutureSource(_loop);
        var b = new FutureSource(_loop);
        Future<WaitResult<Future>> wait = Co.Wait(new[] { a.Future, b.Future }, WaitMode.FirstException);

        a.SetResult();
        Assert.That(wait.IsCompleted, Is.False);
        b.SetResult();

        Assert.That(wait.Result.Done.Count, Is.EqualTo(2));
    }

    [Test]
    public void Wait_Timeout_EndsTheWaitWithWhatIsDone_AndCancelsNothing_R7()
    {
        LoopTask slow = _loop.Start(Sleep(10, _log, "slow"));
        LoopTask fast = _loop.Start(Sleep(1, _log, "fast"));
        Future<WaitResult<LoopTask>> wait = Co.Wait(new[] { slow, fast }, WaitMode.AllCompleted, timeout: 5);
        Tick();

        AdvanceAndTick(4.9);
        Assert.That(wait.IsCompleted, Is.False, "never before the deadline");
        AdvanceAndTick(0.1);

        Assert.That(wait.Result.Done, Is.EqualTo(new[] { fast }));
        Assert.That(wait.Result.Pending, Is.EqualTo(new[] { slow }));
        Assert.That(slow.State, Is.EqualTo(FutureState.Pending));
        Assert.That(_log, Does.Not.Contain("slow finally"), "the timeout cancelled nothing");
    }

    [Test]
    public void Wait_AlreadyHolds_CompletesAtOnce_AndZeroTimeoutGivesWhatIsDoneNow()
    {
        var a = new FutureSource(_loop);
        var b = new FutureSource(_loop);
        a.SetResult();

        Future<WaitResult<Future>> first = Co.Wait(new[] { a.Future, b.Future }, WaitMode.FirstCompleted);
        Future<WaitResult<Future>> now = Co.Wait(new[] { a.Future, b.Future }, WaitMode.AllCompleted, timeout: 0);

        Assert.That(first.Result.Done, Is.EqualTo(new[] { a.Future }));
        Assert.That(now.Result.Pending, Is.EqualTo(new[] { b.Future }));
    }

    [Test]
    public void Wait_CancellingTheWait_LeavesTheFuturesAlone()
    {
        LoopTask work = _loop.Start(Sleep(1, _log, "work"));
        Future<WaitResult<LoopTask>> wait = Co.Wait(new[] { work }, WaitMode.AllCompleted);

        Assert.That(wait.Cancel(), Is.True);
        AdvanceAndTickUntil(work);

        Assert.That(work.IsSucceeded, Is.True);
    }

    [Test]
    public void Wait_BadArguments_AreRefusedWithClearErrors_R9()
    {
        var a = new FutureSource(_loop);

        Assert.Throws<ArgumentException>(() => Co.Wait(Array.Empty<Future>(), WaitMode.AllCompleted));
        Assert.Throws<ArgumentNullException>(() => Co.Wait(new Future[] { null! }, WaitMode.AllCompleted));
        var mode = Assert.Throws<ArgumentOutOfRangeException>(() => Co.Wait(new[] { a.Future }, (WaitMode)7));
        Assert.That(mode!.ParamName, Is.EqualTo("mode"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Co.Wait(new[] { a.Future }, WaitMode.AllCompleted, double.NaN));
    }
}
