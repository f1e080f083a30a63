using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>R60 (custom awaitables that break their contract) and R61 (bad arguments and bad yields).</summary>
public partial class EventLoopTests
{
    // ---- R60: custom awaitables ----------------------------------------------------------------------------------

    /// <summary>A hand-written awaitable whose behaviour each test chooses.</summary>
    private sealed class TestAwaitable : IAwaitable
    {
        public bool Completed { get; set; }

        public Exception? ThrowFromIsCompleted { get; set; }

        public Exception? ThrowFromOnCompleted { get; set; }

        public Action? Continuation { get; private set; }

        public bool IsCompleted => ThrowFromIsCompleted is { } ex ? throw ex : Completed;

        public void OnCompleted(Action continuation)
        {
            if (ThrowFromOnCompleted is { } ex)
            {
                throw ex;
            }

            Continuation = continuation;
        }
    }

    private static IEnumerator<IAwaitable> AwaitThenLog(IAwaitable awaitable, List<string> log)
    {
        log.Add("before");
        yield return awaitable;
        log.Add("after");
    }

    [Test]
    public void CustomAwaitable_CompletedOnTheLoopThread_ResumesTheTaskInTheNextTick_R60()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var awaitable = new TestAwaitable();
        LoopTask task = t.Loop.Start(AwaitThenLog(awaitable, log));
        t.Tick();
        Assert.That(awaitable.Continuation, Is.Not.Null);
        Assert.That(task.ToString(), Does.Contain("waiting on " + typeof(TestAwaitable).FullName));
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "before" }));

        awaitable.Continuation!();
        Assert.That(log, Is.EqualTo(new[] { "before" }), "the continuation only queues the task (R4)");
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "before", "after" }));
        Assert.That(task.IsSucceeded, Is.True);
    }

    [Test]
    public void CustomAwaitable_AlreadyCompleted_ContinuesInTheSameStep_R60()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var awaitable = new TestAwaitable { Completed = true };
        LoopTask task = t.Loop.Start(AwaitThenLog(awaitable, log));
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "before", "after" }));
        Assert.That(awaitable.Continuation, Is.Null);
        Assert.That(task.IsSucceeded, Is.True);
    }

    [TestCase(true, "IsCompleted")]
    [TestCase(false, "OnCompleted")]
    public void CustomAwaitable_ThatThrowsWhenParkedOn_FaultsTheTaskWithAMessageNamingBoth_R60(bool fromIsCompleted, string member)
    {
        var t = new TestLoop();
        var log = new List<string>();
        var inner = new NotSupportedException("awaitable is broken");
        var awaitable = fromIsCompleted ? new TestAwaitable { ThrowFromIsCompleted = inner } : new TestAwaitable { ThrowFromOnCompleted = inner };
        LoopTask task = t.Loop.Start(AwaitThenLog(awaitable, log), "Fetcher");
        var others = new List<string>();
        t.Loop.Start(Forever(others, "other"));
        t.Tick(3);

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(task.Exception!.Message, Does.Contain("Coroutine 'Fetcher'"));
        Assert.That(task.Exception.Message, Does.Contain(typeof(TestAwaitable).FullName));
        Assert.That(task.Exception.Message, Does.Contain($"whose {member} threw NotSupportedException: awaitable is broken"));
        Assert.That(task.Exception.InnerException, Is.SameAs(inner));
        Assert.That(log, Is.EqualTo(new[] { "before" }));
        Assert.That(others, Has.Count.EqualTo(3), "the loop goes on");
    }

    [Test]
    public void CustomAwaitable_ThatInvokesItsContinuationTwiceBeforeTheTaskResumed_FaultsTheTask_R60()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var awaitable = new TestAwaitable();
        LoopTask task = t.Loop.Start(AwaitThenLog(awaitable, log), "Twice");
        t.Tick();
        awaitable.Continuation!();
        awaitable.Continuation!();
        t.Tick(2);

        Assert.That(log, Is.EqualTo(new[] { "before" }), "the task never resumed past the broken wait");
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(task.Exception!.Message, Is.EqualTo(
            $"The custom awaitable {typeof(TestAwaitable).FullName} that coroutine 'Twice' waited on invoked its continuation more than once; an awaitable must complete exactly once."));
        Assert.That(t.Unhandled, Is.EqualTo(new[] { task.Exception }), "nobody waited on the task: its failure is reported once (R23)");
    }

    [Test]
    public void CustomAwaitable_ThatInvokesItsContinuationTwiceInsideOnCompleted_FaultsTheTask_AndTheLoopGoesOn_R60()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(AwaitThenLog(new DoubleCompleter(), log), "Eager");
        LoopTask other = t.Loop.Start(TwoSteps(new List<string>()));
        t.Tick(3);

        Assert.That(log, Is.EqualTo(new[] { "before" }));
        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(task.Exception!.Message, Does.Contain("coroutine 'Eager'").And.Contain(typeof(DoubleCompleter).FullName!).And.Contain("more than once"));
        Assert.That(other.IsSucceeded, Is.True, "the loop goes on");
    }

    [Test]
    public void CustomAwaitable_ThatInvokesItsContinuationOnceInsideOnCompleted_ResumesTheTaskNormally_R60()
    {
        var t = new TestLoop();
        var log = new List<string>();
        LoopTask task = t.Loop.Start(AwaitThenLog(new DoubleCompleter { Calls = 1 }, log), "Eager");
        t.Tick(2);

        Assert.That(log, Is.EqualTo(new[] { "before", "after" }));
        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(t.Unhandled, Is.Empty);
    }

    /// <summary>Completes inside OnCompleted, by invoking the continuation <see cref="Calls"/> times.</summary>
    private sealed class DoubleCompleter : IAwaitable
    {
        public int Calls { get; set; } = 2;

        public bool IsCompleted => false;

        public void OnCompleted(Action continuation)
        {
            for (int i = 0; i < Calls; i++)
            {
                continuation();
            }
        }
    }

    [Test]
    public void CustomAwaitable_ThatInvokesItsContinuationTwiceAfterTheTaskMovedOn_ReportsIt_R60()
    {
        var t = new TestLoop();
        var awaitable = new TestAwaitable();
        t.Loop.Start(AwaitThenLog(awaitable, new List<string>()));
        t.Tick();
        awaitable.Continuation!();
        t.Tick(2);
        Assert.That(t.Unhandled, Is.Empty);
        awaitable.Continuation!();
        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(t.Unhandled[0].Message, Does.Contain("more than once"));
    }

    [Test]
    public void CustomAwaitable_CompletedFromAnotherThread_FaultsTheTaskWithAClearMessage_R60()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var awaitable = new TestAwaitable();
        LoopTask task = t.Loop.Start(AwaitThenLog(awaitable, log), "Downloader");
        t.Tick();
        Assert.That(OnOtherThread(() => awaitable.Continuation!()), Is.Null, "the wrong thread's call itself does not throw");
        t.Tick(2);   // the hand-over runs in the first tick, the woken task in the second (R1)

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "before" }), "the task did not resume");
        string message = task.Exception!.Message;
        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(message, Does.Contain("coroutine 'Downloader'"));
        Assert.That(message, Does.Contain(typeof(TestAwaitable).FullName));
        Assert.That(message, Does.Contain("not the loop's thread"));
        Assert.That(message, Does.Contain("EventLoop.Post"));
        Assert.That(t.Unhandled, Has.Count.EqualTo(1), "nobody waited on the task, so its failure is reported (R23)");
    }

    [Test]
    public void CustomAwaitable_CompletedFromAnotherThreadAfterTheTaskWasCancelled_ReportsTheMisuse_R60()
    {
        var t = new TestLoop();
        var awaitable = new TestAwaitable();
        LoopTask task = t.Loop.Start(AwaitThenLog(awaitable, new List<string>()));
        t.Tick();
        task.Cancel();
        t.Tick();
        Assert.That(task.IsCancelled, Is.True);

        Assert.That(OnOtherThread(() => awaitable.Continuation!()), Is.Null);
        t.Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(t.Unhandled[0].Message, Does.Contain("not the loop's thread"));
    }

    [Test]
    public void CustomAwaitable_CompletedAfterTheTaskWasCancelled_IsIgnored_R60()
    {
        var t = new TestLoop();
        var awaitable = new TestAwaitable();
        LoopTask task = t.Loop.Start(AwaitThenLog(awaitable, new List<string>()));
        t.Tick();
        task.Cancel();
        t.Tick();
        awaitable.Continuation!();
        t.Tick();
        Assert.That(task.IsCancelled, Is.True);
        Assert.That(t.Unhandled, Is.Empty);
    }

    // ---- R61: bad arguments and bad yields ----------------------------------------------------------------------

    [Test]
    public void Start_Null_ThrowsArgumentNullException_R61()
    {
        var t = new TestLoop();
        Assert.That(() => t.Loop.Start(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("coroutine"));
        Assert.That(() => t.Loop.Start<int>(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("coroutine"));
        Assert.That(() => t.Loop.RunUntilComplete((IEnumerator<IAwaitable>)null!), Throws.ArgumentNullException);
        Assert.That(() => t.Loop.CallSoon(null!), Throws.ArgumentNullException);
        Assert.That(() => t.Loop.CallLater(1.0, null!), Throws.ArgumentNullException);
        Assert.That(() => t.Loop.CallAt(TimeSpan.Zero, null!), Throws.ArgumentNullException);
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
    }

    private static IEnumerator<IAwaitable> TwoSteps(List<string> log)
    {
        log.Add("step 1");
        yield return Co.NextTick;
        log.Add("step 2");
    }

    [TestCase(0, TestName = "Start_TheSameIteratorTwiceBeforeItRan_Throws_R61")]
    [TestCase(1, TestName = "Start_TheSameIteratorTwiceWhileItRuns_Throws_R61")]
    [TestCase(5, TestName = "Start_TheSameIteratorTwiceAfterItFinished_Throws_R61")]
    public void Start_TheSameIteratorTwice_Throws_R61(int ticksBetween)
    {
        var t = new TestLoop();
        var log = new List<string>();
        IEnumerator<IAwaitable> iterator = TwoSteps(log);
        LoopTask first = t.Loop.Start(iterator);
        t.Tick(ticksBetween);

        var ex = Assert.Throws<InvalidOperationException>(() => t.Loop.Start(iterator));
        Assert.That(ex!.Message, Does.Contain("has already been started; an iterator runs once"));
        Assert.That(() => t.Loop.Start<int>(iterator), Throws.InvalidOperationException);
        t.Tick(3);
        Assert.That(log, Is.EqualTo(new[] { "step 1", "step 2" }), "the iterator ran once");
        Assert.That(first.IsSucceeded, Is.True);
    }

    [Test]
    public void Start_AnIteratorThatWasEnumeratedByHand_Throws_R61()
    {
        var t = new TestLoop();
        IEnumerator<IAwaitable> iterator = TwoSteps(new List<string>());
        iterator.MoveNext();
        Assert.That(() => t.Loop.Start(iterator), Throws.InvalidOperationException);
    }

    [Test]
    public void Start_AnIteratorAgainAfterItWasCancelledBeforeItRan_Throws_R61()
    {
        var t = new TestLoop();
        var log = new List<string>();
        IEnumerator<IAwaitable> iterator = TwoSteps(log);
        LoopTask first = t.Loop.Start(iterator);
        first.Cancel();
        t.Tick();
        Assert.That(first.IsCancelled, Is.True);
        Assert.That(() => t.Loop.Start(iterator), Throws.InvalidOperationException);
        t.Tick(2);
        Assert.That(log, Is.Empty);
    }

    private static IEnumerable<TestCaseData> ForeignYields()
    {
        yield return Case("a future", other => new FutureSource(other).Future, "future");
        yield return Case("a completed future", other =>
        {
            var source = new FutureSource(other);
            source.SetResult();
            return source.Future;
        }, "future");
        yield return Case("a task", other => other.Start(Run(() => { }), "ForeignTask"), "task 'ForeignTask'");
        yield return Case("Co.Settle of a future", other => Co.Settle(new FutureSource(other).Future), "future");

        static TestCaseData Case(string name, Func<EventLoop, IAwaitable> make, string described) =>
            new TestCaseData(make, described).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(ForeignYields))]
    public void YieldingAnotherLoopsFuture_FaultsWithAMessageNamingBothLoops_R61(Func<EventLoop, IAwaitable> make, string described)
    {
        var t = new TestLoop();
        var other = new EventLoop(new ManualClock(), "other-loop");
        var log = new List<string>();
        LoopTask task = t.Loop.Start(Body(), "Crosser");
        var others = new List<string>();
        t.Loop.Start(Forever(others, "other"));
        t.Tick(2);

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(task.Exception!.Message, Is.EqualTo(
            $"Coroutine 'Crosser' on loop 'test-loop' yielded a {described} that belongs to another loop ('other-loop'). " +
            "A task can only wait on futures of its own loop; hand results between loops with Post."));
        Assert.That(log, Is.EqualTo(new[] { "before" }));
        Assert.That(others, Has.Count.EqualTo(2), "the loop goes on");

        IEnumerator<IAwaitable> Body()
        {
            log.Add("before");
            yield return make(other);
            log.Add("after");
        }
    }

    [Test]
    public void ATaskThatYieldsItself_FaultsSayingItWaitsOnItself_R61()
    {
        var t = new TestLoop();
        LoopTask? self = null;
        bool after = false;
        self = t.Loop.Start(Body(), "Narcissus");
        t.Tick(2);

        Assert.That(self.IsFaulted, Is.True);
        Assert.That(self.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(self.Exception!.Message, Is.EqualTo(
            "Coroutine task 'Narcissus' waits on itself: a task cannot yield its own task, because it would never complete."));
        Assert.That(after, Is.False);

        IEnumerator<IAwaitable> Body()
        {
            yield return Co.NextTick;
            yield return self!;
            after = true;
        }
    }

    [Test]
    public void ATaskThatSettlesOnItself_FaultsSayingItWaitsOnItself_R61()
    {
        var t = new TestLoop();
        LoopTask? self = null;
        self = t.Loop.Start(Body(), "Echo");
        t.Tick(2);
        Assert.That(self.IsFaulted, Is.True);
        Assert.That(self.Exception!.Message, Does.Contain("waits on itself"));

        IEnumerator<IAwaitable> Body()
        {
            yield return Co.Settle(self!);
        }
    }

    [Test]
    public void AnIntervalOfAnotherLoop_FaultsTheTask_R61()
    {
        var t = new TestLoop();
        var other = new EventLoop(new ManualClock(), "other-loop");
        Interval interval = Co.Every(1);
        other.Start(Use(interval));
        other.Tick();
        LoopTask task = t.Loop.Start(Use(interval));
        t.Tick();
        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception!.Message, Does.Contain("bound to another loop"));

        static IEnumerator<IAwaitable> Use(Interval interval)
        {
            yield return interval;
        }
    }
}
