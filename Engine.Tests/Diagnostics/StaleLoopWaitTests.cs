using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace YieldLoop.Tests.Diagnostics;

/// <summary>
/// Debug mode reports .NET code that begins to wait on a loop that nobody ticks (the async Main that awaits
/// <c>loop.Start(...).AsTask()</c> and hangs silently): once per loop, naming the loop and the task, saying what to do.
/// The real-time source and the later look are injected, so no test sleeps.
/// </summary>
[TestFixture]
public class StaleLoopWaitTests
{
    private long _now;                                   // the fake real time, in Stopwatch ticks
    private readonly List<TimeSpan> _rechecks = new();   // the looks asked for, with their delays
    private readonly List<TestLoop> _loops = new();

    private TestLoop NewLoop()
    {
        var t = new TestLoop(name: "main");
        _now = 1_000;
        _rechecks.Clear();
        t.Loop.Diagnostics.Timestamp = () => _now;
        t.Loop.Diagnostics.ScheduleRecheck = _rechecks.Add;
        t.Loop.Diagnostics.SlowStepHandler = _ => { };
        t.Loop.Diagnostics.DebugMode = true;
        _loops.Add(t);
        return t;
    }

    private void Pass(double seconds) => _now += (long)(seconds * Stopwatch.Frequency);

    private static IEnumerator<IAwaitable> Load()
    {
        yield return Co.Sleep(60);
    }

    [TearDown]
    public void NoWatchdogOutlivesItsTest()
    {
        foreach (TestLoop t in _loops)
        {
            t.Loop.Close();   // stops debug mode's watchdog thread
        }

        _loops.Clear();
    }

    [Test]
    public void AsTask_OnALoopThatHasNotTickedForTwoSeconds_IsReportedAtOnceOnTheWaitingThread_NamingLoopAndTask()
    {
        TestLoop t = NewLoop();
        int reportedOn = -1;
        t.Loop.UnhandledExceptionHandler = e =>
        {
            reportedOn = Environment.CurrentManagedThreadId;
            t.Unhandled.Add(e);
        };
        LoopTask task = t.Loop.Start(Load(), "load");
        t.Loop.Tick();
        Pass(2.5);

        Task waiting = task.AsTask();

        Assert.That(waiting.IsCompleted, Is.False);
        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(t.Unhandled[0], Is.TypeOf<InvalidOperationException>());
        string thread = Thread.CurrentThread.Name ?? "#" + Environment.CurrentManagedThreadId;
        Assert.That(t.Unhandled[0].Message, Is.EqualTo(
            $"Code on thread '{thread}' began to wait (AsTask) for task 'load' of loop 'main', but the loop has not ticked for 2.5 s, and only a tick completes it: the wait may never end. Tick the loop (loop.Tick() each frame, or loop.RunUntilComplete / RunForever on its thread), or run it on a thread of its own with LoopGroup (docs/async.md)."));
        Assert.That(reportedOn, Is.EqualTo(Environment.CurrentManagedThreadId), "reported on the waiting thread");
        Assert.That(_rechecks, Is.Empty, "a wait reported at once needs no later look");
    }

    [Test]
    public void AStaleLoop_IsReportedOncePerLoop()
    {
        TestLoop t = NewLoop();
        LoopTask first = t.Loop.Start(Load(), "first");
        LoopTask second = t.Loop.Start(Load(), "second");
        Pass(3);

        first.AsTask();
        second.AsTask();
        first.AsTask();

        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(t.Unhandled[0].Message, Does.Contain("task 'first'"));
    }

    [Test]
    public void AsTask_OnALoopThatTicked_IsNotReported_AndIsLookedAtAgainWhenTwoSecondsWithoutATickWouldHavePassed()
    {
        TestLoop t = NewLoop();
        LoopTask task = t.Loop.Start(Load(), "load");
        Pass(1.5);
        t.Loop.Tick();                      // the last tick started here
        Pass(1.5);

        task.AsTask();

        Assert.That(t.Unhandled, Is.Empty);
        Assert.That(_rechecks, Has.Count.EqualTo(1));
        Assert.That(_rechecks[0].TotalSeconds, Is.EqualTo(0.5).Within(1e-6));

        Pass(0.4);
        t.Loop.Tick();                      // the loop goes on ticking: the look finds nothing to report
        Pass(0.1);
        t.Loop.Diagnostics.RecheckStaleWaits();

        Assert.That(t.Unhandled, Is.Empty);
        Assert.That(_rechecks, Has.Count.EqualTo(2), "the task is still pending, so it is looked at again");
        Assert.That(_rechecks[1].TotalSeconds, Is.EqualTo(1.9).Within(1e-6));
    }

    [Test]
    public void AWaitThatBeganBeforeTheLoopStoppedTicking_IsReportedWhenTheLoopHasGoneTwoSecondsWithoutATick()
    {
        // The async Main: the loop is new, the wait begins at once, and nothing ever ticks the loop.
        TestLoop t = NewLoop();
        LoopTask<int> task = t.Loop.Start<int>(AnswerLater(), "answer");

        Task<int> waiting = task.AsTask();

        Assert.That(t.Unhandled, Is.Empty);
        Assert.That(_rechecks, Has.Count.EqualTo(1));
        Assert.That(_rechecks[0], Is.EqualTo(TimeSpan.FromSeconds(2)));

        Pass(2);
        t.Loop.Diagnostics.RecheckStaleWaits();

        Assert.That(waiting.IsCompleted, Is.False);
        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(t.Unhandled[0].Message, Does.Contain("(AsTask) for task 'answer' of loop 'main'")
            .And.Contain("has not ticked for 2.0 s"));

        static IEnumerator<IAwaitable> AnswerLater()
        {
            yield return Co.Return(42);
        }
    }

    [Test]
    public void AWaitThatEndedBeforeTheLook_IsNotReported()
    {
        TestLoop t = NewLoop();
        var source = new FutureSource(t.Loop);
        Task waiting = source.Future.AsTask();
        source.SetResult();
        t.Loop.Tick();
        Assert.That(waiting.Wait(HangGuard.Limit), Is.True);

        Pass(5);
        t.Loop.Diagnostics.RecheckStaleWaits();

        Assert.That(t.Unhandled, Is.Empty);
        Assert.That(_rechecks, Has.Count.EqualTo(1), "nothing is pending, so nothing more is looked at");
    }

    [Test]
    public void AsTask_FromAStepOfARunningLoop_IsNotReported_TheRunTicksAsSoonAsWorkArrives()
    {
        TestLoop t = NewLoop();
        LoopTask other = t.Loop.Start(Load(), "other");
        Task? waiting = null;

        t.Loop.RunUntilComplete(WaitFromAStep());

        Assert.That(waiting, Is.Not.Null);
        Assert.That(t.Unhandled, Is.Empty);

        IEnumerator<IAwaitable> WaitFromAStep()
        {
            Pass(10);                       // real time passes inside the run
            waiting = other.AsTask();
            yield break;
        }
    }

    [Test]
    public void DebugModeOff_NothingIsReportedOrLookedAt()
    {
        TestLoop t = NewLoop();
        t.Loop.Diagnostics.DebugMode = false;
        LoopTask task = t.Loop.Start(Load(), "load");
        Pass(10);

        task.AsTask();

        Assert.That(t.Unhandled, Is.Empty);
        Assert.That(_rechecks, Is.Empty);
    }

    [Test]
    public void RunCoroutineThreadsafeAsync_OnAStaleLoop_IsReported_NamingTheCoroutineFactory()
    {
        TestLoop t = NewLoop();
        Pass(2);

        t.Loop.RunCoroutineThreadsafeAsync(MakeLoad);

        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(t.Unhandled[0].Message, Does.Contain(
            "(RunCoroutineThreadsafeAsync) for the coroutine made by 'MakeLoad' of loop 'main'"));

        static IEnumerator<IAwaitable> MakeLoad() => Load();
    }
}
