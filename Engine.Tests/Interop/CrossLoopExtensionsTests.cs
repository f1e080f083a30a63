using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests.Interop;

/// <summary>
/// <see cref="CrossLoopExtensions.On(Future, EventLoop)"/>: no failure of the source future is lost on the way to the
/// other loop, whatever that loop or the returned future does meanwhile (R23, R36, R51). Both loops run on the test
/// thread here: the relay hands over through the target's inbox all the same, and every step is deterministic.
/// </summary>
[TestFixture]
public class CrossLoopExtensionsTests
{
    private const string TargetClosed = "The event loop 'target' is closed; create a new EventLoop to run more work.";

    [Test]
    public void On_AClosedLoop_ThrowsObjectDisposedException_R36()
    {
        var source = new TestLoop(name: "source");
        var target = new TestLoop(name: "target");
        var plain = new FutureSource(source.Loop);
        var typed = new FutureSource<int>(source.Loop);
        LoopTask<int> task = source.Loop.Start<int>(Answer());
        target.Loop.Close();

        Assert.That(() => plain.Future.On(target.Loop), Throws.TypeOf<ObjectDisposedException>().With.Message.StartsWith(TargetClosed));
        Assert.That(() => typed.Future.On(target.Loop), Throws.TypeOf<ObjectDisposedException>().With.Message.StartsWith(TargetClosed));
        Assert.That(() => task.On(target.Loop), Throws.TypeOf<ObjectDisposedException>().With.Message.StartsWith(TargetClosed));

        // The source loop goes on: the refused calls left nothing behind on it.
        source.TickUntil(task);
        Assert.That(task.Result, Is.EqualTo(42));
        Assert.That(source.Unhandled, Is.Empty);

        static IEnumerator<IAwaitable> Answer()
        {
            yield return Co.NextTick;
            yield return Co.Return(42);
        }
    }

    [Test]
    public void On_ATargetLoopClosedBeforeTheSourceFaults_ReportsTheFailureOnTheSourceLoopAtTheEndOfThatTick_R23()
    {
        var source = new TestLoop(name: "source");
        var target = new TestLoop(name: "target");
        var boom = new InvalidOperationException("boom");
        LoopTask<int> failing = source.Loop.Start<int>(FailNextTick(boom));
        Future<int> relayed = failing.On(target.Loop);
        source.Tick();   // the first step: the task parks for a tick

        target.Loop.Close();
        source.Tick();   // the task faults; its only waiter is the relay, whose target loop is gone

        Assert.That(failing.IsFaulted, Is.True);
        Assert.That(source.Unhandled, Is.EqualTo(new[] { boom }), "reported on the source loop, at the end of the tick it faulted in");
        Assert.That(target.Unhandled, Is.Empty);
        Assert.That(relayed.IsCompleted, Is.False, "the closed target loop can complete nothing");

        source.Tick();
        Assert.That(source.Unhandled, Has.Count.EqualTo(1), "reported once");
    }

    [Test]
    public void On_AReturnedFutureCancelledBeforeTheSourceFaults_ReportsTheFailureOnTheTargetLoop_R51()
    {
        var source = new TestLoop(name: "source");
        var target = new TestLoop(name: "target");
        var boom = new InvalidOperationException("boom");
        var pending = new FutureSource<int>(source.Loop);
        Future<int> relayed = pending.Future.On(target.Loop);

        Assert.That(relayed.Cancel(), Is.True);
        pending.SetException(boom);   // the relay hands the failure to the target loop's inbox
        target.Tick();                // the hand-over loses to the cancellation: its exception is reported, not dropped

        Assert.That(relayed.IsCancelled, Is.True, "the first outcome stays (R14)");
        Assert.That(target.Unhandled, Is.EqualTo(new[] { boom }));
        source.Tick();
        Assert.That(source.Unhandled, Is.Empty, "the relay observed the failure on the source loop: reported once, on the target");
    }

    private static IEnumerator<IAwaitable> FailNextTick(Exception failure)
    {
        yield return Co.NextTick;
        throw failure;
    }
}
