using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using NUnit.Framework;

namespace YieldLoop.Tests.Diagnostics;

/// <summary>Debug mode's watchdog (issue 7, item 3): a blocking step is named while it still runs, and again when it ends.</summary>
[TestFixture]
[Category("Slow")]
public class WatchdogTests
{
    // The spinning step ends on a signal (the report it waits for); this only ends it if the report never comes. A
    // loaded machine can keep the watchdog thread from a core for seconds, so it must be generous.
    private static readonly TimeSpan Generous = HangGuard.Limit;

    private static IEnumerator<IAwaitable> SpinUntil(Func<bool> done)
    {
        yield return Co.NextTick;
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < Generous)
        {
            Thread.SpinWait(1000);   // a CPU-heavy step that never yields: exactly what the watchdog is for
        }
    }

    private static IEnumerator<IAwaitable> Quick()
    {
        for (int i = 0; i < 5; i++)
        {
            yield return Co.NextTick;
        }
    }

    [Test]
    public void AStepRunningPastTheThreshold_IsReportedWhileItStillRuns_NamingTheTaskAndTheFrame()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        var reports = new ConcurrentQueue<SlowStepReport>();
        int loopThread = Environment.CurrentManagedThreadId;
        int reportThread = 0;
        loop.Diagnostics.SlowStepThreshold = TimeSpan.FromMilliseconds(40);
        loop.Diagnostics.SlowStepHandler = report =>
        {
            if (!report.IsFinished)
            {
                reportThread = Environment.CurrentManagedThreadId;
            }

            reports.Enqueue(report);
        };
        loop.Diagnostics.DebugMode = true;
        try
        {
            // The step ends only once the watchdog has reported it: so the report came while it was running.
            LoopTask task = loop.Start(SpinUntil(() => !reports.IsEmpty), "crunch");
            loop.RunUntilComplete(task);

            Assert.That(reports.TryDequeue(out SlowStepReport? running), Is.True);
            Assert.That(running!.IsFinished, Is.False);
            Assert.That(running.TaskName, Is.EqualTo("crunch"));
            Assert.That(running.Frame, Does.Contain(nameof(SpinUntil)));
            Assert.That(running.LoopName, Is.EqualTo("main"));
            Assert.That(running.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(40)));
            Assert.That(running.ToString(), Does.Contain("still running").And.Contain("'crunch'"));
            Assert.That(reportThread, Is.Not.EqualTo(loopThread), "the running step holds the loop thread; the watchdog reports from its own");

            Assert.That(reports.TryDequeue(out SlowStepReport? finished), Is.True, "the end of the slow step is reported too");
            Assert.That(finished!.IsFinished, Is.True);
            Assert.That(finished.TaskName, Is.EqualTo("crunch"));
            Assert.That(finished.Elapsed, Is.GreaterThanOrEqualTo(running.Elapsed));
            Assert.That(finished.ToString(), Does.Contain("took").And.Contain("Co.Offload"));
            Assert.That(reports, Is.Empty, "one report while running, one at the end: not one per poll");
        }
        finally
        {
            loop.Close();
        }
    }

    [Test]
    public void QuickSteps_AreNotReported_AndNothingIsReportedWithDebugModeOff()
    {
        var loop = new EventLoop(new ManualClock());
        var reports = new ConcurrentQueue<SlowStepReport>();
        loop.Diagnostics.SlowStepHandler = reports.Enqueue;
        loop.Diagnostics.SlowStepThreshold = TimeSpan.FromSeconds(5);
        loop.Diagnostics.DebugMode = true;
        loop.RunUntilComplete(Quick());
        Assert.That(reports, Is.Empty);

        loop.Diagnostics.DebugMode = false;
        loop.Diagnostics.SlowStepThreshold = TimeSpan.FromMilliseconds(1);
        var sw = Stopwatch.StartNew();
        loop.RunUntilComplete(SpinUntil(() => sw.ElapsedMilliseconds > 30));
        Assert.That(reports, Is.Empty, "debug mode off: no watchdog, no report");
        loop.Close();
    }

    [Test]
    public void AThrowingHandler_DoesNotBreakTheLoop()
    {
        var loop = new EventLoop(new ManualClock());
        int calls = 0;
        loop.Diagnostics.SlowStepThreshold = TimeSpan.FromMilliseconds(20);
        loop.Diagnostics.SlowStepHandler = _ =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("handler bug");
        };
        loop.Diagnostics.DebugMode = true;
        var error = Console.Error;
        Console.SetError(System.IO.TextWriter.Null);
        try
        {
            loop.RunUntilComplete(SpinUntil(() => Volatile.Read(ref calls) > 0));
            loop.RunUntilComplete(Quick());
        }
        finally
        {
            Console.SetError(error);
            loop.Close();
        }

        Assert.That(calls, Is.EqualTo(2), "reported while running and at the end, despite the throwing handler");
    }

    [Test]
    public void AnExceptionFromTheSlowStepHandler_IsWrittenWholeWithItsStackTrace_R18()
    {
        var loop = new EventLoop(new ManualClock(), "watched");
        loop.Diagnostics.SlowStepHandler = HandlerThatFails;
        var report = new SlowStepReport("watched", "crunch", "Crunch()", TimeSpan.FromSeconds(1), finished: true);
        var error = Console.Error;
        using var written = new System.IO.StringWriter();
        Console.SetError(written);
        try
        {
            loop.Diagnostics.Deliver(report);   // where the loop and the watchdog hand each report over
        }
        finally
        {
            Console.SetError(error);
            loop.Close();
        }

        Assert.That(written.ToString(), Does.Contain("the slow-step handler of loop 'watched' threw")
            .And.Contain("System.InvalidOperationException: handler bug")
            .And.Contain(nameof(HandlerThatFails)), "the whole exception, stack trace included");

        static void HandlerThatFails(SlowStepReport report) => throw new InvalidOperationException("handler bug");
    }

    [Test]
    public void DebugMode_CannotBeSwitchedOnAfterClose_AndCloseStopsTheWatchdog()
    {
        var loop = new EventLoop(new ManualClock());
        loop.Diagnostics.DebugMode = true;
        loop.Close();
        Assert.That(() => loop.Diagnostics.DebugMode = false, Throws.Nothing);

        var closed = new EventLoop(new ManualClock());
        closed.Close();
        Assert.That(() => closed.Diagnostics.DebugMode = true, Throws.TypeOf<ObjectDisposedException>());
        Assert.That(closed.Diagnostics.DebugMode, Is.False);
    }

    [Test]
    public void BadThresholds_AreRejected_AndDebugModeIsLoopThreadOnly()
    {
        var loop = new EventLoop(new ManualClock());
        Assert.That(() => loop.Diagnostics.SlowStepThreshold = TimeSpan.Zero, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => loop.Diagnostics.SlowStepThreshold = TimeSpan.FromSeconds(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(loop.Diagnostics.SlowStepThreshold, Is.EqualTo(TimeSpan.FromMilliseconds(100)));

        Exception? offThread = null;
        var thread = new Thread(() =>
        {
            try
            {
                loop.Diagnostics.DebugMode = true;
            }
            catch (InvalidOperationException ex)
            {
                offThread = ex;
            }
        });
        thread.Start();
        thread.Join();
        Assert.That(offThread, Is.Not.Null);
        Assert.That(loop.Diagnostics.DebugMode, Is.False);
        loop.Close();
    }
}
