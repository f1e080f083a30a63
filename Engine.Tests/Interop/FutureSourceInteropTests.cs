using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using static YieldLoop.Tests.Interop.InteropSupport;

namespace YieldLoop.Tests.Interop;

/// <summary>Thread-safe completion: FutureSource.Post* / TryPost* (R51, R36, R53).</summary>
public class FutureSourceInteropTests
{
    [Test]
    public void PostResult_FromAnotherThread_IsAppliedOnTheLoopInTheNextTick_AndTheWaiterResumesOnTheLoopThread()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        var resumedOn = new List<int>();
        t.Loop.Start(WaitOn(source.Future, resumedOn));
        t.Tick();

        Assert.That(OnOtherThread(() => source.PostResult(42)), Is.Null);
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Pending), "nothing happens off the loop thread");

        t.Tick();
        Assert.That(source.Future.Result, Is.EqualTo(42));
        Assert.That(resumedOn, Is.Empty, "a waiter resumes in the tick after the completion (R17)");
        t.Tick();
        Assert.That(resumedOn, Is.EqualTo(new[] { Environment.CurrentManagedThreadId }));
    }

    [Test]
    public void PostException_FaultsWaitersWithTheSameObject()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var resumedOn = new List<int>();
        LoopTask waiter = t.Loop.Start(WaitOn(source.Future, resumedOn));
        t.Tick();
        var failure = new InvalidOperationException("boom");

        Assert.That(OnOtherThread(() => source.PostException(failure)), Is.Null);
        RunBounded(t.Loop, waiter);   // the run waits for the waiter, so its failure counts as observed

        Assert.That(waiter.Exception, Is.SameAs(failure));
        Assert.That(source.Future.Exception, Is.SameAs(failure));
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void PostException_WithNobodyWaiting_IsReportedAsUnobserved_R23()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var failure = new InvalidOperationException("nobody waits");
        Assert.That(OnOtherThread(() => Assert.That(source.TryPostException(failure), Is.True)), Is.Null);

        t.Tick();

        Assert.That(t.Unhandled, Is.EqualTo(new[] { failure }));
    }

    [Test]
    public void PostCanceled_CancelsTheFutureAndItsWaiter()
    {
        var t = new TestLoop();
        var source = new FutureSource<string>(t.Loop);
        LoopTask waiter = t.Loop.Start(WaitOn(source.Future, new List<int>()));
        t.Tick();

        Assert.That(OnOtherThread(source.PostCanceled), Is.Null);
        t.TickUntil(waiter);

        Assert.That(source.Future.IsCancelled, Is.True);
        Assert.That(waiter.IsCancelled, Is.True);
    }

    [Test]
    public void Posts_FromOneThread_AreAppliedInPostingOrder_R51()
    {
        var t = new TestLoop();
        var order = new List<int>();
        var sources = new FutureSource<int>[100];
        for (int i = 0; i < sources.Length; i++)
        {
            sources[i] = new FutureSource<int>(t.Loop);
            sources[i].Future.AddCallback(f => order.Add(((Future<int>)f).Result));
        }

        Assert.That(OnOtherThread(() =>
        {
            for (int i = 0; i < sources.Length; i++)
            {
                sources[i].PostResult(i);
            }
        }), Is.Null);
        t.Tick(2);

        Assert.That(order, Is.EqualTo(System.Linq.Enumerable.Range(0, 100)));
    }

    [Test]
    public void LateCompletion_ChangesNothing_FirstOutcomeWins_ButTheLosingExceptionIsReported_R14_R51()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        var late = new InvalidOperationException("late");
        Assert.That(OnOtherThread(() =>
        {
            Assert.That(source.TryPostResult(1), Is.True);
            Assert.That(source.TryPostResult(2), Is.True);
            Assert.That(source.TryPostCanceled(), Is.True);
            Assert.That(source.TryPostException(late), Is.True);
        }), Is.Null);

        t.Tick();

        Assert.That(source.Future.Result, Is.EqualTo(1));
        Assert.That(t.Unhandled, Is.EqualTo(new[] { late }), "a losing result or cancellation changes nothing; a losing exception is reported");
    }

    [Test]
    public void TwoRacingExceptions_TheFirstWins_AndTheSecondIsReported_R51()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var first = new InvalidOperationException("first");
        var second = new InvalidOperationException("second");
        LoopTask waiter = t.Loop.Start(SettleOn(source.Future));
        t.Tick();
        Assert.That(OnOtherThread(() =>
        {
            source.PostException(first);
            source.PostException(second);
        }), Is.Null);

        t.Tick(2);

        Assert.That(source.Future.Exception, Is.SameAs(first));
        Assert.That(t.Unhandled, Is.EqualTo(new[] { second }));
        Assert.That(waiter.IsSucceeded, Is.True);

        static IEnumerator<IAwaitable> SettleOn(Future future)
        {
            yield return Co.Settle(future);
        }
    }

    [Test]
    public void ALosingException_AfterTheFutureWasCancelledOnTheLoop_IsReported_R51()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        var late = new InvalidOperationException("late");
        source.Future.Cancel();
        Assert.That(OnOtherThread(() => source.PostException(late)), Is.Null);

        t.Tick();

        Assert.That(source.Future.IsCancelled, Is.True);
        Assert.That(t.Unhandled, Is.EqualTo(new[] { late }));
    }

    [Test]
    public void ALosingException_AppliedByClose_IsReportedBeforeCloseReturns_R51_R36()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var late = new InvalidOperationException("late");
        source.SetResult();
        Assert.That(OnOtherThread(() => source.PostException(late)), Is.Null);

        t.Loop.Close();

        Assert.That(t.Unhandled, Is.EqualTo(new[] { late }));
    }

    [Test]
    public void PostToAClosedLoop_TryFormsReturnFalse_OthersThrowObjectDisposedException_R36()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        var plain = new FutureSource(t.Loop);
        t.Loop.Close();

        Exception? thrown = OnOtherThread(() =>
        {
            Assert.That(source.TryPostResult(1), Is.False);
            Assert.That(source.TryPostException(new InvalidOperationException()), Is.False);
            Assert.That(source.TryPostCanceled(), Is.False);
            Assert.That(plain.TryPostResult(), Is.False);
            Assert.That(() => plain.PostCanceled(), Throws.TypeOf<ObjectDisposedException>());
            source.PostResult(1);
        });

        Assert.That(thrown, Is.TypeOf<ObjectDisposedException>());
        Assert.That(thrown!.Message, Does.Contain("The event loop 'test-loop' is closed; create a new EventLoop to run more work."));
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Pending));
    }

    [Test]
    public void PostAcceptedBeforeClose_IsAppliedByClose_NotLost_R51()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        var resumedOn = new List<int>();
        LoopTask waiter = t.Loop.Start(WaitOn(source.Future, resumedOn));
        t.Tick();
        Assert.That(OnOtherThread(() => source.PostResult(7)), Is.Null);

        IReadOnlyList<Future> pending = t.Loop.Close();

        Assert.That(source.Future.Result, Is.EqualTo(7), "the accepted completion survives Close");
        Assert.That(waiter.IsCancelled, Is.True, "Close still cancels every pending task (R36)");
        Assert.That(pending, Is.EqualTo(new[] { waiter }), "the hand-over is applied, not listed as pending");
        Assert.That(resumedOn, Is.Empty);
    }

    [Test]
    public void PostRacingClose_EachCompletionIsEitherAppliedOrRefused_NeverLost([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 200; round++)
        {
            var loop = new EventLoop(new ManualClock(), "race");
            var source = new FutureSource<int>(loop);
            using var go = new ManualResetEventSlim(false);
            bool accepted = false;
            int spin = random.Next(0, 200);
            var poster = new Thread(() =>
            {
                go.Wait();
                Thread.SpinWait(spin);
                accepted = source.TryPostResult(round);
            });
            poster.Start();
            go.Set();
            Thread.SpinWait(random.Next(0, 200));
            loop.Close();
            Assert.That(poster.Join(Bound), Is.True);

            if (accepted)
            {
                Assert.That(source.Future.Result, Is.EqualTo(round), $"round {round}: accepted but not applied");
            }
            else
            {
                Assert.That(source.Future.State, Is.EqualTo(FutureState.Pending), $"round {round}: refused but applied");
            }
        }
    }

    [Test]
    public void PostFromAnotherThread_WakesAnIdleRunOnAManualClock_R53()
    {
        var loop = new EventLoop(new ManualClock(), "idle");
        var source = new FutureSource<int>(loop);
        LoopTask<int> task = loop.Start<int>(Double(source.Future));
        var poster = new Thread(() => source.PostResult(21));
        loop.CallSoon(poster.Start);   // posts while the run sleeps (or is about to)

        RunBounded(loop, task);

        Assert.That(task.Result, Is.EqualTo(42));
        Assert.That(poster.Join(Bound), Is.True);

        static IEnumerator<IAwaitable> Double(Future<int> input)
        {
            yield return input;
            yield return Co.Return(input.Result * 2);
        }
    }

    [Test]
    public void PostOnTheLoopThread_AlsoGoesThroughTheInbox()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);

        source.PostResult();

        Assert.That(source.Future.IsCompleted, Is.False);
        t.Tick();
        Assert.That(source.Future.IsSucceeded, Is.True);
    }

    [Test]
    public void PostException_Null_ThrowsArgumentNullException()
    {
        var t = new TestLoop();
        Assert.That(() => new FutureSource(t.Loop).TryPostException(null!), Throws.ArgumentNullException);
        Assert.That(() => new FutureSource<int>(t.Loop).PostException(null!), Throws.ArgumentNullException);
    }
}
