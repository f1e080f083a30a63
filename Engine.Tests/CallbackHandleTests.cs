using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// Plain callbacks: <see cref="EventLoop.CallSoon"/>, <see cref="EventLoop.CallLater(double, Action)"/>,
/// <see cref="EventLoop.CallAt"/>, their handles, and R18 (a callback or handler that throws).
/// </summary>
[TestFixture]
public class CallbackHandleTests
{
    [Test]
    public void ACallbackThatCancelsItsOwnHandle_EndsCancelled_AsCancelPromised_R16_R33()
    {
        var t = new TestLoop();
        CallbackHandle? handle = null;
        bool? cancelled = null;
        handle = t.Loop.CallSoon(() => cancelled = handle!.Cancel());
        t.Tick();

        Assert.That(cancelled, Is.True);
        Assert.That(handle.IsCancelled, Is.True);
        Assert.That(handle.Cancel(), Is.False);
    }

    [Test]
    public void CallSoon_RunsInTheNextTickNotInline_R4()
    {
        var t = new TestLoop();
        var ranIn = new List<long>();
        CallbackHandle handle = t.Loop.CallSoon(() => ranIn.Add(t.Loop.TickCount));
        Assert.That(ranIn, Is.Empty);
        Assert.That(handle.State, Is.EqualTo(FutureState.Pending));
        Assert.That(t.Loop.PendingTaskCount, Is.EqualTo(1), "a scheduled callback counts as pending work");
        t.Tick();
        Assert.That(ranIn, Is.EqualTo(new long[] { 1 }));
        Assert.That(handle.IsSucceeded, Is.True, "the handle succeeds after the callback returned");
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
        t.Tick();
        Assert.That(ranIn, Has.Count.EqualTo(1), "a callback runs once");
    }

    [Test]
    public void CallSoon_ScheduledFromACallback_RunsInTheNextTick_R1()
    {
        var t = new TestLoop();
        var ranIn = new List<long>();
        t.Loop.CallSoon(() => t.Loop.CallSoon(() => ranIn.Add(t.Loop.TickCount)));
        t.Tick(3);
        Assert.That(ranIn, Is.EqualTo(new long[] { 2 }));
    }

    [Test]
    public void CallSoon_CallbacksRunInTheOrderTheyWereScheduled_R3()
    {
        var t = new TestLoop();
        var order = new List<int>();
        for (int i = 0; i < 100; i++)
        {
            int id = i;
            t.Loop.CallSoon(() => order.Add(id));
        }

        t.Tick();
        Assert.That(order, Is.EqualTo(System.Linq.Enumerable.Range(0, 100)));
    }

    [Test]
    public void Cancel_BeforeTheCallbackRan_MeansItNeverRuns()
    {
        var t = new TestLoop();
        bool ran = false;
        CallbackHandle handle = t.Loop.CallSoon(() => ran = true);
        Assert.That(handle.Cancel(), Is.True);
        Assert.That(handle.Cancel(), Is.False, "a second cancel is a no-op");
        t.Tick(3);
        Assert.That(ran, Is.False);
        Assert.That(handle.IsCancelled, Is.True);
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
    }

    [Test]
    public void Cancel_OfADelayedCallback_MeansItNeverRunsAndItsTimerLeaves_R12()
    {
        var t = new TestLoop();
        bool ran = false;
        CallbackHandle handle = t.Loop.CallLater(1, () => ran = true);
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(1));
        Assert.That(handle.Cancel(), Is.True);
        Assert.That(t.Loop.PendingTimerCount, Is.Zero);
        t.AdvanceAndTick(5);
        Assert.That(ran, Is.False);
        Assert.That(handle.IsCancelled, Is.True);
    }

    [Test]
    public void Cancel_FromAnEarlierCallbackInTheSameTick_MeansItNeverRuns()
    {
        var t = new TestLoop();
        bool ran = false;
        CallbackHandle? second = null;
        t.Loop.CallSoon(() => second!.Cancel());
        second = t.Loop.CallSoon(() => ran = true);
        t.Tick(2);
        Assert.That(ran, Is.False);
        Assert.That(second.IsCancelled, Is.True);
    }

    [Test]
    public void Cancel_AfterTheCallbackRan_ReturnsFalseAndChangesNothing()
    {
        var t = new TestLoop();
        CallbackHandle handle = t.Loop.CallSoon(() => { });
        t.Tick();
        Assert.That(handle.Cancel(), Is.False);
        Assert.That(handle.IsSucceeded, Is.True);
    }

    [Test]
    public void Cancel_OfItselfWhileRunning_LetsTheCallbackFinish()
    {
        var t = new TestLoop();
        CallbackHandle? self = null;
        bool finished = false;
        self = t.Loop.CallSoon(() =>
        {
            self!.Cancel();
            finished = true;
        });
        t.Tick(2);
        Assert.That(finished, Is.True);
        Assert.That(self.IsCompleted, Is.True);
    }

    [Test]
    public void CallLater_RunsInTheFirstTickAtOrPastTheDelay_R7()
    {
        var t = new TestLoop(startSeconds: 1);
        var ranAt = new List<TimeSpan>();
        t.Loop.CallLater(0.5, () => ranAt.Add(t.Loop.Time));
        t.Loop.CallLater(TimeSpan.FromMilliseconds(700), () => ranAt.Add(t.Loop.Time));
        t.AdvanceAndTick(0.4999999);
        Assert.That(ranAt, Is.Empty);
        t.AdvanceAndTick(0.0000001);
        Assert.That(ranAt, Is.EqualTo(new[] { TimeSpan.FromSeconds(1.5) }));
        t.AdvanceAndTick(0.3);
        Assert.That(ranAt, Is.EqualTo(new[] { TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1.8) }));
    }

    [Test]
    public void CallLater_CountsFromTheTickTimeWhenScheduledInsideATick_R1()
    {
        var t = new TestLoop();
        var ranAt = new List<TimeSpan>();
        t.Loop.CallSoon(() =>
        {
            t.Clock.Advance(100);    // the clock moves during the tick; the delay counts from the tick's time
            t.Loop.CallLater(1, () => ranAt.Add(t.Loop.Time));
        });
        t.Tick();
        t.Tick();
        Assert.That(ranAt, Is.EqualTo(new[] { TimeSpan.FromSeconds(100) }), "due at 1 s, run at the first tick past it");
    }

    [Test]
    public void CallLater_BetweenTicks_CountsFromTheClocksTime()
    {
        var t = new TestLoop();
        t.Tick();
        t.Clock.Advance(10);
        bool ran = false;
        t.Loop.CallLater(1, () => ran = true);
        t.AdvanceAndTick(0.9);
        Assert.That(ran, Is.False, "due at 11 s, not 1 s");
        t.AdvanceAndTick(0.1);
        Assert.That(ran, Is.True);
    }

    [Test]
    public void CallLater_WithAHugeDelay_IsKeptAndNeverRunsEarly()
    {
        var t = new TestLoop();
        bool ran = false;
        t.Loop.CallLater(TimeSpan.MaxValue, () => ran = true);
        t.Loop.CallLater(1e300, () => ran = true);
        t.AdvanceAndTick(TimeSpan.FromDays(365 * 100).TotalSeconds);
        Assert.That(ran, Is.False);
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(2));
    }

    [Test]
    public void CallAt_RunsAtTheGivenLoopTime_R7()
    {
        var t = new TestLoop(startSeconds: 10);
        var ranAt = new List<TimeSpan>();
        t.Loop.CallAt(TimeSpan.FromSeconds(12), () => ranAt.Add(t.Loop.Time));
        t.AdvanceAndTick(1.9999999);
        Assert.That(ranAt, Is.Empty);
        t.AdvanceAndTick(0.0000001);
        Assert.That(ranAt, Is.EqualTo(new[] { TimeSpan.FromSeconds(12) }));
    }

    [Test]
    public void Handle_IsNamedAfterItsCallbackMethod()
    {
        var t = new TestLoop();
        CallbackHandle handle = t.Loop.CallSoon(NamedCallback);
        Assert.That(handle.Name, Is.EqualTo(nameof(NamedCallback)));
        Assert.That(handle.ToString(), Does.Contain(nameof(NamedCallback)).And.Contain("Pending"));
        t.Tick();
        Assert.That(handle.Name, Is.EqualTo(nameof(NamedCallback)), "a finished handle keeps its name");
    }

    private static void NamedCallback()
    {
    }

    [Test]
    public void Handle_CanBeAwaitedByACoroutine()
    {
        var t = new TestLoop();
        var log = new List<string>();
        CallbackHandle handle = t.Loop.CallLater(1, () => log.Add("callback"));
        t.Loop.Start(Wait());
        t.Tick();
        t.AdvanceAndTick(1);
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "callback", "waiter" }));

        IEnumerator<IAwaitable> Wait()
        {
            yield return handle;
            log.Add("waiter");
        }
    }

    // ---- R18: a callback that throws ------------------------------------------------------------------------------

    [Test]
    public void ThrowingCallback_GoesToTheHandlerAndTheOthersStillRun_R18()
    {
        var t = new TestLoop();
        var boom = new InvalidOperationException("boom");
        var log = new List<string>();
        t.Loop.CallSoon(() => log.Add("first"));
        CallbackHandle bad = t.Loop.CallSoon(() => throw boom);
        t.Loop.CallLater(0, () => log.Add("timer"));
        t.Loop.CallSoon(() => log.Add("last"));
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "first", "last", "timer" }), "the due timer was appended behind the ready callbacks (R1)");
        Assert.That(t.Unhandled, Is.EqualTo(new[] { boom }), "reported once, the same object");
        Assert.That(bad.IsFaulted, Is.True);
        Assert.That(bad.Exception, Is.SameAs(boom));
        t.Tick(2);
        Assert.That(t.Unhandled, Has.Count.EqualTo(1), "never reported twice");
    }

    [Test]
    public void ThrowingCallback_AwaitedByATask_IsStillReportedOnceAndTheTaskFaults_R18()
    {
        var t = new TestLoop();
        var boom = new InvalidOperationException("boom");
        CallbackHandle bad = t.Loop.CallLater(0, () => throw boom);
        LoopTask waiter = t.Loop.Start(Wait());
        Assert.That(() => t.Loop.RunUntilComplete(waiter), Throws.Exception.SameAs(boom));
        Assert.That(waiter.IsFaulted, Is.True);
        Assert.That(waiter.Exception, Is.SameAs(boom));
        Assert.That(t.Unhandled, Is.EqualTo(new[] { boom }), "the callback's failure went to the handler once");

        IEnumerator<IAwaitable> Wait()
        {
            yield return bad;
        }
    }

    [Test]
    public void ThrowingHandler_DoesNotEscapeTickAndBothExceptionsReachTheFallback_R18()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "fallback-loop");
        var callbackError = new InvalidOperationException("callback failure 7f3a");
        var handlerError = new NotSupportedException("handler failure 91bc");
        var log = new List<string>();
        loop.UnhandledExceptionHandler = _ => throw handlerError;
        loop.CallSoon(() => throw callbackError);
        loop.CallSoon(() => log.Add("after"));

        using var listener = new RecordingTraceListener();
        TextWriter originalError = Console.Error;
        using var error = new StringWriter();
        Trace.Listeners.Add(listener);
        Console.SetError(error);
        try
        {
            Assert.That(() => loop.Tick(), Throws.Nothing);
        }
        finally
        {
            Console.SetError(originalError);
            Trace.Listeners.Remove(listener);
        }

        Assert.That(log, Is.EqualTo(new[] { "after" }), "the rest of the tick ran");
        Assert.That(listener.Text, Does.Contain("callback failure 7f3a").And.Contain("handler failure 91bc"));
        Assert.That(error.ToString(), Does.Contain("callback failure 7f3a").And.Contain("handler failure 91bc"));
        Assert.That(() => loop.Tick(), Throws.Nothing, "the loop goes on");
    }

    [Test]
    public void NoHandler_SendsTheFailureToStandardError_R18()
    {
        var loop = new EventLoop(new ManualClock(), "stderr-loop");
        loop.CallSoon(() => throw new InvalidOperationException("unhandled 5d2e"));
        TextWriter originalError = Console.Error;
        using var error = new StringWriter();
        using var listener = new RecordingTraceListener();
        Trace.Listeners.Add(listener);
        Console.SetError(error);
        try
        {
            Assert.That(() => loop.Tick(), Throws.Nothing);
        }
        finally
        {
            Console.SetError(originalError);
            Trace.Listeners.Remove(listener);
        }

        Assert.That(error.ToString(), Does.Contain("stderr-loop").And.Contain("unhandled 5d2e"));
    }

    private sealed class RecordingTraceListener : TraceListener
    {
        private readonly System.Text.StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(string? message)
        {
            lock (_text)
            {
                _text.Append(message);
            }
        }

        public override void WriteLine(string? message)
        {
            lock (_text)
            {
                _text.AppendLine(message);
            }
        }
    }
}
