using System;
using System.Collections.Generic;
using System.IO;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>The read side of a future: outcome, cancellation and completion callbacks (docs/semantics.md R15-R19).</summary>
[TestFixture]
public partial class FutureTests : LoopFixture
{
    public FutureTests()
        : base("future")
    {
    }

    // ---- R15: reading the outcome -----------------------------------------------------------------------------

    [Test]
    public void GetResult_OfPendingFuture_ThrowsInvalidOperationException_R15()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);

        var ex = Assert.Throws<InvalidOperationException>(() => source.Future.GetResult());
        Assert.That(ex!.Message, Is.EqualTo(
            "The future is still pending, so it has no result yet. Yield it from a coroutine, or check IsCompleted first."));
    }

    [Test]
    public void Result_OfPendingTypedFuture_ThrowsInvalidOperationException_R15()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);

        Assert.Throws<InvalidOperationException>(() => _ = source.Future.Result);
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Pending));
    }

    [Test]
    public void Result_OfFaultedFuture_ThrowsTheSameExceptionObject_R15()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        var failure = new FormatException("bad input");
        source.SetException(failure);

        var fromResult = Assert.Throws<FormatException>(() => _ = source.Future.Result);
        var fromGetResult = Assert.Throws<FormatException>(() => source.Future.GetResult());

        Assert.That(fromResult, Is.SameAs(failure));
        Assert.That(fromGetResult, Is.SameAs(failure));
        Assert.That(source.Future.Exception, Is.SameAs(failure));
    }

    [Test]
    public void Result_OfCancelledFuture_ThrowsOperationCanceledException_R15()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        source.SetCanceled();

        Assert.Throws<OperationCanceledException>(() => _ = source.Future.Result);
        Assert.Throws<OperationCanceledException>(() => source.Future.GetResult());
        Assert.That(source.Future.Exception, Is.Null, "a cancelled future has no Exception; it is not faulted");
    }

    [Test]
    public void Result_OfSucceededFuture_ReturnsTheValue_R15()
    {
        var t = new TestLoop();
        var source = new FutureSource<string>(t.Loop);
        source.SetResult("done");

        Assert.That(source.Future.Result, Is.EqualTo("done"));
        Assert.DoesNotThrow(() => source.Future.GetResult());
        Assert.That(source.Future.Exception, Is.Null);
    }

    [Test]
    public void StateFlags_FollowTheOutcome_R15()
    {
        var t = new TestLoop();
        var pending = new FutureSource(t.Loop);
        var ok = new FutureSource(t.Loop);
        var bad = new FutureSource(t.Loop);
        var off = new FutureSource(t.Loop);
        ok.SetResult();
        bad.SetException(new InvalidOperationException("x"));
        off.SetCanceled();

        Assert.Multiple(() =>
        {
            Assert.That(pending.Future.State, Is.EqualTo(FutureState.Pending));
            Assert.That(pending.Future.IsCompleted, Is.False);
            Assert.That(ok.Future.State, Is.EqualTo(FutureState.Succeeded));
            Assert.That(ok.Future.IsCompleted && ok.Future.IsSucceeded, Is.True);
            Assert.That(bad.Future.State, Is.EqualTo(FutureState.Faulted));
            Assert.That(bad.Future.IsCompleted && bad.Future.IsFaulted && !bad.Future.IsSucceeded, Is.True);
            Assert.That(off.Future.State, Is.EqualTo(FutureState.Cancelled));
            Assert.That(off.Future.IsCompleted && off.Future.IsCancelled && !off.Future.IsFaulted, Is.True);
        });
    }

    [Test]
    public void ToString_ShowsTypeAndState()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        Assert.That(source.Future.ToString(), Is.EqualTo("Future (Pending)"));
        source.SetResult(1);
        Assert.That(source.Future.ToString(), Is.EqualTo("Future (Succeeded)"));
    }

    // ---- R16: Cancel ------------------------------------------------------------------------------------------

    [Test]
    public void Cancel_OfPendingFuture_ReturnsTrueAndCompletesItAsCancelled_R16()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);

        Assert.That(source.Future.Cancel(), Is.True);

        Assert.That(source.Future.State, Is.EqualTo(FutureState.Cancelled));
        Assert.Throws<OperationCanceledException>(() => _ = source.Future.Result);
        Assert.That(source.TrySetResult(5), Is.False, "the cancellation is the one outcome");
    }

    [Test]
    public void Cancel_OfSucceededFuture_ReturnsFalseAndKeepsTheResult_R16()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        source.SetResult(7);

        Assert.That(source.Future.Cancel(), Is.False);

        Assert.That(source.Future.State, Is.EqualTo(FutureState.Succeeded));
        Assert.That(source.Future.Result, Is.EqualTo(7));
    }

    [Test]
    public void Cancel_OfFaultedFuture_ReturnsFalseAndKeepsTheException_R16()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var failure = new InvalidOperationException("first");
        source.SetException(failure);

        Assert.That(source.Future.Cancel(), Is.False);

        Assert.That(source.Future.State, Is.EqualTo(FutureState.Faulted));
        Assert.That(source.Future.Exception, Is.SameAs(failure));
    }

    [Test]
    public void Cancel_Twice_SecondReturnsFalse_R16()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);

        Assert.That(source.Future.Cancel(), Is.True);
        Assert.That(source.Future.Cancel(), Is.False);
        Assert.That(source.Future.IsCancelled, Is.True);
    }

    // ---- R17: callbacks ---------------------------------------------------------------------------------------

    [Test]
    public void AddCallback_NeverRunsInsideTheCompletingCall_R17()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        source.Future.AddCallback(_ => log.Add("callback"));

        source.SetResult();

        Assert.That(log, Is.Empty, "callbacks run on the loop, not inline in SetResult");
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "callback" }));
    }

    [Test]
    public void Callbacks_RunInTheNextTickOnTheLoop_WithTheFutureAsArgument_R17()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        Future? seen = null;
        EventLoop? current = null;
        long tickOfCallback = -1;
        source.Future.AddCallback(f =>
        {
            seen = f;
            current = EventLoop.Current;
            tickOfCallback = t.Loop.TickCount;
        });

        // Completed from inside a step: the callback still waits for the next tick.
        long tickOfCompletion = -1;
        t.Loop.Start(CompleteIn(source, () => tickOfCompletion = t.Loop.TickCount));
        t.Tick();
        Assert.That(seen, Is.Null, "not in the tick that completed the future");
        t.Tick();

        Assert.That(seen, Is.SameAs(source.Future));
        Assert.That(current, Is.SameAs(t.Loop));
        Assert.That(tickOfCallback, Is.EqualTo(tickOfCompletion + 1));
    }

    [Test]
    public void Callbacks_RunInRegistrationOrder_R17()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        var log = new List<int>();
        for (int i = 0; i < 10; i++)
        {
            int n = i;
            source.Future.AddCallback(_ => log.Add(n));
        }

        source.SetResult(1);
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }));
    }

    [Test]
    public void CallbacksAndParkedTasks_WakeInRegistrationOrder_R17()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        source.Future.AddCallback(_ => log.Add("first callback"));
        t.Loop.Start(WaitThenLog(source.Future, log, "task"));
        t.Tick();   // the task parks: it registers between the two callbacks
        source.Future.AddCallback(_ => log.Add("second callback"));

        source.SetResult();
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "first callback", "task", "second callback" }));
    }

    [Test]
    public void AddCallback_OnCompletedFuture_RunsOnceInTheNextTick_R17()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        source.SetResult();
        int calls = 0;

        source.Future.AddCallback(_ => calls++);

        Assert.That(calls, Is.Zero, "not inline, even on a completed future");
        t.Tick();
        Assert.That(calls, Is.EqualTo(1));
        t.Tick(5);
        Assert.That(calls, Is.EqualTo(1), "once");
    }

    [Test]
    public void Callback_RunsOnce_EvenAfterManyTicks_R17()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        int calls = 0;
        source.Future.AddCallback(_ => calls++);

        source.SetResult();
        t.Tick(10);

        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public void RemoveCallback_BeforeCompletion_ReturnsTrueAndItNeverRuns_R17()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        Action<Future> a = _ => log.Add("a");
        Action<Future> b = _ => log.Add("b");
        Action<Future> c = _ => log.Add("c");
        source.Future.AddCallback(a);
        source.Future.AddCallback(b);
        source.Future.AddCallback(c);

        Assert.That(source.Future.RemoveCallback(b), Is.True);
        source.SetResult();
        t.Tick(3);

        Assert.That(log, Is.EqualTo(new[] { "a", "c" }), "the others keep their order");
    }

    [Test]
    public void RemoveCallback_OfTheOnlyCallback_ReturnsTrueAndItNeverRuns_R17()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        int calls = 0;
        Action<Future> callback = _ => calls++;
        source.Future.AddCallback(callback);

        Assert.That(source.Future.RemoveCallback(callback), Is.True);
        Assert.That(source.Future.RemoveCallback(callback), Is.False, "already removed");
        source.SetResult();
        t.Tick(3);

        Assert.That(calls, Is.Zero);
    }

    [Test]
    public void RemoveCallback_AfterCompletion_ReturnsFalseAndItStillRuns_R17()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        int calls = 0;
        Action<Future> callback = _ => calls++;
        source.Future.AddCallback(callback);
        source.SetResult();

        Assert.That(source.Future.RemoveCallback(callback), Is.False);
        t.Tick();

        Assert.That(calls, Is.EqualTo(1), "it was already queued");
    }

    [Test]
    public void RemoveCallback_NeverRegistered_ReturnsFalse_R17()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        source.Future.AddCallback(_ => { });

        Assert.That(source.Future.RemoveCallback(_ => { }), Is.False);
    }

    [Test]
    public void AddCallback_Null_ThrowsArgumentNullException()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);

        Assert.Throws<ArgumentNullException>(() => source.Future.AddCallback(null!));
    }

    [Test]
    public void RemoveCallback_Null_ThrowsArgumentNullException_OnPendingAndCompletedFutures_R60()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        source.Future.AddCallback(_ => { });

        Assert.That(() => source.Future.RemoveCallback(null!),
            Throws.ArgumentNullException.With.Property(nameof(ArgumentNullException.ParamName)).EqualTo("callback"));
        source.SetResult();
        Assert.That(() => source.Future.RemoveCallback(null!),
            Throws.ArgumentNullException.With.Property(nameof(ArgumentNullException.ParamName)).EqualTo("callback"));

        Exception? wrongThread = null;
        var thread = new System.Threading.Thread(() =>
        {
            try
            {
                source.Future.RemoveCallback(null!);
            }
            catch (Exception ex)
            {
                wrongThread = ex;
            }
        });
        thread.Start();
        Assert.That(thread.Join(TimeSpan.FromSeconds(30)), Is.True, "the other thread did not end");
        Assert.That(wrongThread, Is.TypeOf<InvalidOperationException>(), "the thread is checked first");
    }

    [Test]
    public void Callback_OfCancelledFuture_Runs_R17()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        FutureState? seen = null;
        source.Future.AddCallback(f => seen = f.State);

        source.Future.Cancel();
        t.Tick();

        Assert.That(seen, Is.EqualTo(FutureState.Cancelled));
    }

    // ---- R18: a throwing callback -----------------------------------------------------------------------------

    [Test]
    public void ThrowingCallback_GoesToTheHandler_AndTheOthersStillRun_R18()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        var failure = new InvalidOperationException("callback failed");
        source.Future.AddCallback(_ => log.Add("before"));
        source.Future.AddCallback(_ => throw failure);
        source.Future.AddCallback(_ => log.Add("after"));

        source.SetResult();
        Assert.DoesNotThrow(() => t.Tick());

        Assert.That(log, Is.EqualTo(new[] { "before", "after" }));
        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(t.Unhandled[0], Is.SameAs(failure));
    }

    [Test]
    public void ThrowingCallback_DoesNotStopTheLoop_R18()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        source.Future.AddCallback(_ => throw new InvalidOperationException("boom"));
        var log = new List<string>();
        LoopTask task = t.Loop.Start(TwoTicks(log));

        source.SetResult();
        t.Tick(2);

        Assert.That(log, Is.EqualTo(new[] { "one", "two" }));
        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(t.Unhandled, Has.Count.EqualTo(1), "reported once");
    }

    [Test]
    public void ThrowingCallback_WhenTheHandlerThrowsToo_BothGoToTheFallback_AndNothingEscapesTick_R18()
    {
        var t = new TestLoop();
        t.Loop.UnhandledExceptionHandler = _ => throw new InvalidOperationException("handler failed");
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        source.Future.AddCallback(_ => throw new InvalidOperationException("callback failed"));
        source.Future.AddCallback(_ => log.Add("second"));
        source.SetResult();

        TextWriter originalError = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            Assert.DoesNotThrow(() => t.Tick());
        }
        finally
        {
            Console.SetError(originalError);
        }

        Assert.That(log, Is.EqualTo(new[] { "second" }));
        Assert.That(error.ToString(), Does.Contain("callback failed").And.Contain("handler failed"));
    }

    // ---- R19: completed futures continue in the same step ------------------------------------------------------

    [Test]
    public void YieldingACompletedFuture_ContinuesInTheSameStep_R19()
    {
        var t = new TestLoop();
        var done = new FutureSource<int>(t.Loop);
        done.SetResult(3);
        var log = new List<string>();
        t.Loop.Start(YieldCompletedThenLog(done.Future, log, t.Loop));
        t.Loop.Start(LogOnce(log, "other task"));

        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "before @1", "after @1 result 3", "other task" }),
            "no tick passes, and no other task runs between the yield and the resumption");
    }

    [Test]
    public void YieldingACompletedTask_ContinuesInTheSameStep_R19()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask first = t.Loop.Start(LogOnce(log, "first"));
        t.Tick();
        Assert.That(first.IsSucceeded, Is.True);

        LoopTask waiter = t.Loop.Start(WaitThenLog(first, log, "waiter resumed"));
        t.Tick();

        Assert.That(waiter.IsSucceeded, Is.True, "it finished in its first step");
        Assert.That(log, Is.EqualTo(new[] { "first", "waiter resumed" }));
    }

    [Test]
    public void YieldingAnAlreadyFaultedFuture_FaultsInTheSameStep_R19()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var failure = new InvalidOperationException("already failed");
        source.SetException(failure);
        var log = new List<string>();

        LoopTask waiter = t.Loop.Start(WaitThenLog(source.Future, log, "never"));
        t.Tick();

        Assert.That(waiter.IsFaulted, Is.True);
        Assert.That(waiter.Exception, Is.SameAs(failure));
        Assert.That(log, Is.Empty);
    }

    [Test]
    public void YieldingAnAlreadyCancelledFuture_CancelsInTheSameStep_R19()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        source.SetCanceled();
        var log = new List<string>();

        LoopTask waiter = t.Loop.Start(WaitThenLog(source.Future, log, "never"));
        t.Tick();

        Assert.That(waiter.IsCancelled, Is.True);
        Assert.That(log, Is.Empty);
    }

    [Test]
    public void YieldingAPendingFuture_ResumesOneTickAfterItCompletes()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        t.Loop.Start(WaitThenLog(source.Future, log, "resumed"));
        t.Tick(3);
        Assert.That(log, Is.Empty);

        source.SetResult();
        Assert.That(log, Is.Empty, "completing does not run the waiter inline (R4)");
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "resumed" }));
    }

    // ---- coroutines ---------------------------------------------------------------------------------------------

    private static IEnumerator<IAwaitable> CompleteIn(FutureSource source, Action before)
    {
        before();
        source.SetResult();
        yield break;
    }

    private static IEnumerator<IAwaitable> WaitThenLog(Future future, List<string> log, string text)
    {
        yield return future;
        log.Add(text);
    }

    private static IEnumerator<IAwaitable> LogOnce(List<string> log, string text)
    {
        log.Add(text);
        yield break;
    }

    private static IEnumerator<IAwaitable> TwoTicks(List<string> log)
    {
        log.Add("one");
        yield return Co.NextTick;
        log.Add("two");
    }

    private static IEnumerator<IAwaitable> YieldCompletedThenLog(Future<int> future, List<string> log, EventLoop loop)
    {
        log.Add("before @" + loop.TickCount);
        yield return future;
        log.Add("after @" + loop.TickCount + " result " + future.Result);
    }
}
