using System;
using NUnit.Framework;

namespace YieldLoop.Tests.Acceptance;

/// <summary>R36: after Close, every use of the loop other than reading outcomes throws, constructors included.</summary>
[TestFixture]
public class ClosedLoopConstructorTests
{
    [Test]
    public void EverythingThatBelongsToALoop_RefusesAClosedOne()
    {
        var loop = new EventLoop(new ManualClock(), "closed");
        loop.Close();

        Assert.Multiple(() =>
        {
            Assert.That(() => new FutureSource(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new FutureSource<int>(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new Scope(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new LoopPhase(loop, "late"), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new GameClock(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new TaskGroup(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new CoEvent(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new CoLock(loop), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new CoSemaphore(loop, 1), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => new CoBarrier(loop, 2), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => CoChannel.Bounded<int>(loop, 4), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => CoChannel.Unbounded<int>(loop), Throws.TypeOf<ObjectDisposedException>());
        });
    }

    private static System.Collections.Generic.IEnumerator<IAwaitable> SleepThenFinallyThrows(Exception boom)
    {
        try
        {
            yield return Co.Sleep(100);
        }
        finally
        {
#pragma warning disable CA2219 // the test is about a finally that throws during Close
            throw boom;
#pragma warning restore CA2219
        }
    }

    private static System.Collections.Generic.IEnumerator<IAwaitable> Await(Future future)
    {
        yield return future;
    }

    [Test]
    public void AFinallyThatThrowsDuringClose_IsReportedOnce_EvenWhenAnotherTaskWaitedOnIt_R23_R36()
    {
        var loop = new EventLoop(new ManualClock());
        var reported = new System.Collections.Generic.List<Exception>();
        loop.UnhandledExceptionHandler = reported.Add;
        var boom = new InvalidOperationException("finally during Close");
        LoopTask inner = loop.Start(SleepThenFinallyThrows(boom));
        LoopTask outer = loop.Start(Await(inner));   // started after: Close ends inner first, while outer still waits
        loop.Tick();

        loop.Close();

        Assert.That(inner.Exception, Is.SameAs(boom));
        Assert.That(outer.IsCompleted, Is.True);
        Assert.That(reported.FindAll(e => ReferenceEquals(e, boom)), Has.Count.EqualTo(1), "not lost, not doubled");
    }
}
