using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>
/// Tasks: typed results, failures and how they travel (docs/semantics.md R20-R22). The other parts of this class cover
/// unobserved failures (R23, LoopTaskTests.Unobserved.cs) and cancellation (R30-R35, LoopTaskTests.Cancellation.cs).
/// </summary>
[TestFixture]
public partial class LoopTaskTests : LoopFixture
{
    public LoopTaskTests()
        : base("loop-task")
    {
    }

    // ---- names and descriptions ----------------------------------------------------------------------------------

    [Test]
    public void Name_IsTheGivenName_OrTheCoroutineMethodName()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);

        LoopTask named = t.Loop.Start(ParkOn(source.Future, new List<string>()), "worker");
        LoopTask unnamed = t.Loop.Start(ParkOn(source.Future, new List<string>()));

        Assert.That(named.Name, Is.EqualTo("worker"));
        Assert.That(unnamed.Name, Is.EqualTo(nameof(ParkOn)));
        source.SetResult();
        t.Tick(2);
        Assert.That(named.Name, Is.EqualTo("worker"), "a finished task keeps its name");
        Assert.That(unnamed.Name, Is.EqualTo(nameof(ParkOn)));
    }

    [Test]
    public void ToString_ShowsNameStateAndWhatTheTaskWaitsOn()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        LoopTask task = t.Loop.Start(ParkOn(source.Future, new List<string>()), "worker");
        t.Tick();

        Assert.That(task.ToString(), Is.EqualTo("LoopTask 'worker' (Pending, waiting on future)"));
        source.SetResult();
        t.Tick();
        Assert.That(task.ToString(), Is.EqualTo("LoopTask 'worker' (Succeeded)"));
    }

    // ---- R20: typed results ------------------------------------------------------------------------------------

    [Test]
    public void StartT_WithCoReturn_GivesATypedResultWithoutCasts_R20()
    {
        var t = new TestLoop();

        LoopTask<int> task = t.Loop.Start<int>(Answer());
        t.TickUntil(task);

        int result = task.Result;
        Assert.That(result, Is.EqualTo(42));
        Assert.That(task.IsSucceeded, Is.True);
    }

    [Test]
    public void StartT_ResultOfAReferenceType_R20()
    {
        var t = new TestLoop();

        LoopTask<string> task = t.Loop.Start<string>(Greeting("Ada"));
        t.TickUntil(task);

        string result = task.Result;
        Assert.That(result, Is.EqualTo("hello Ada"));
    }

    [Test]
    public void RunUntilCompleteT_ReturnsTheTypedResult_R20()
    {
        var t = new TestLoop();

        int result = t.Loop.RunUntilComplete<int>(Answer());

        Assert.That(result, Is.EqualTo(42));
    }

    [Test]
    public void AwaitingATypedTask_ReadsItsResultAfterTheYield_R20()
    {
        var t = new TestLoop();
        LoopTask<int> producer = t.Loop.Start<int>(Answer());

        LoopTask<string> consumer = t.Loop.Start<string>(Consume(producer));
        t.TickUntil(consumer);

        Assert.That(consumer.Result, Is.EqualTo("got 42"));
    }

    [Test]
    public void CoReturn_EndsTheCoroutine_AfterItsFinallyBlocksRan_R20()
    {
        var t = new TestLoop();
        var log = new List<string>();

        LoopTask<int> task = t.Loop.Start<int>(ReturnInsideTry(log));
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "body", "finally" }), "nothing after Co.Return runs; the finally does");
        Assert.That(task.Result, Is.EqualTo(5));
    }

    [Test]
    public void CoReturn_InAnUntypedTask_EndsItSuccessfully()
    {
        var t = new TestLoop();
        var log = new List<string>();

        LoopTask task = t.Loop.Start(ReturnInsideTry(log));
        t.Tick();

        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "body", "finally" }));
    }

    [Test]
    public void StartT_ReturningTheWrongType_FaultsWithAClearMessage_R20()
    {
        var t = new TestLoop();

        LoopTask<int> task = t.Loop.Start<int>(Greeting("Bob"), "typed");
        t.TickUntil(task);

        Assert.That(task.IsFaulted, Is.True);
        var ex = Assert.Throws<InvalidOperationException>(() => _ = task.Result);
        Assert.That(ex!.Message, Is.EqualTo(
            "Coroutine 'typed' returned a value of type String, but its task was started as LoopTask<Int32>. Return a Int32, or start it with Start<String>()."));
    }

    [Test]
    public void StartT_EndingWithoutCoReturn_FaultsWithAClearMessage_R20()
    {
        var t = new TestLoop();
        var log = new List<string>();

        LoopTask<int> task = t.Loop.Start<int>(Steps(log, 2));
        t.TickUntil(task);

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(task.Exception!.Message, Is.EqualTo(
            "Coroutine 'Steps' ended without yielding Co.Return(value), but it was started as a task with a result. End it with 'yield return Co.Return(value);' or start it with Start() instead of Start<T>()."));
    }

    [Test]
    public void StartT_WrongTypeFailure_IsReportedWhenNobodyObservesIt_R20()
    {
        var t = new TestLoop();

        LoopTask<int> task = t.Loop.Start<int>(Greeting("Bob"));
        t.Tick();

        Assert.That(t.Unhandled, Has.Count.EqualTo(1));
        Assert.That(t.Unhandled[0], Is.TypeOf<InvalidOperationException>());
        Assert.That(task.IsFaulted, Is.True);
    }

    // ---- R21: a throwing coroutine -----------------------------------------------------------------------------

    [Test]
    public void ThrowingCoroutine_FaultsItsTaskWithThatException_R21()
    {
        var t = new TestLoop();
        var failure = new FormatException("broken");

        LoopTask task = t.Loop.Start(ThrowAfterOneTick(failure));
        t.Tick();
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));
        t.Tick();

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.SameAs(failure));
        var thrown = Assert.Throws<FormatException>(() => task.GetResult());
        Assert.That(thrown, Is.SameAs(failure), "not a wrapper");
    }

    [Test]
    public void ThrowingCoroutine_RunsEveryPendingFinallyInnermostFirst_BeforeTheTaskFaults_R21()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var failure = new FormatException("deep");
        var waiter = new List<string>();
        LoopTask task = t.Loop.Start(Nest(2, log, () => throw failure));
        task.AddCallback(f => waiter.Add($"callback sees {f.State} after {log.Count} log lines"));

        t.Tick();
        Assert.That(log, Is.EqualTo(new[]
        {
            "enter 2", "enter 1", "enter 0",
            "finally 0", "dispose using 0",
            "finally 1", "dispose using 1",
            "finally 2", "dispose using 2",
        }));
        Assert.That(task.IsFaulted, Is.True, "faulted in the same tick, after the unwinding");
        Assert.That(task.Exception, Is.SameAs(failure));
        t.Tick();
        Assert.That(waiter, Is.EqualTo(new[] { "callback sees Faulted after 9 log lines" }));
    }

    [Test]
    public void ThrowingCoroutine_TheLoopGoesOn_R21()
    {
        var t = new TestLoop();
        var before = new List<string>();
        var after = new List<string>();
        LoopTask first = t.Loop.Start(Steps(before, 3));
        LoopTask failing = t.Loop.Start(ThrowAfterOneTick(new FormatException("x")));
        LoopTask last = t.Loop.Start(Steps(after, 3));

        Assert.DoesNotThrow(() => t.Tick(4));

        Assert.That(failing.IsFaulted, Is.True);
        Assert.That(first.IsSucceeded && last.IsSucceeded, Is.True);
        Assert.That(before, Has.Count.EqualTo(3));
        Assert.That(after, Has.Count.EqualTo(3));
        LoopTask later = t.Loop.Start(Steps(after, 1));
        t.Tick(2);
        Assert.That(later.IsSucceeded, Is.True);
    }

    [Test]
    public void ThrowingCoroutine_FinallyThatThrowsToo_IsAttachedToTheFailure_R21()
    {
        var t = new TestLoop();
        var failure = new FormatException("the failure");
        var fromFinally = new InvalidOperationException("from a finally");

        LoopTask task = t.Loop.Start(CallThenThrow(fromFinally, failure));
        t.Tick();

        Assert.That(task.Exception, Is.SameAs(failure), "the coroutine's own exception stays the outcome");
        Assert.That(failure.GetFailures(), Is.EqualTo(new Exception[] { failure, fromFinally }));
    }

    // ---- R22: awaiting a failed or cancelled future -----------------------------------------------------------

    [Test]
    public void AwaitingTask_FaultsWithTheSameExceptionObject_R22()
    {
        var t = new TestLoop();
        var failure = new FormatException("inner");
        LoopTask inner = t.Loop.Start(ThrowAfterOneTick(failure));
        var log = new List<string>();
        LoopTask middle = t.Loop.Start(ParkOn(inner, log));
        LoopTask outer = t.Loop.Start(ParkOn(middle, log));

        t.TickUntil(outer);

        Assert.That(middle.Exception, Is.SameAs(failure));
        Assert.That(outer.Exception, Is.SameAs(failure));
        Assert.That(log, Is.EqualTo(new[] { "finally", "finally" }), "each waiter's own finally ran");
    }

    [Test]
    public void AwaitingAFaultedFuture_FaultsWithTheSameExceptionObject_R22()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        var log = new List<string>();
        LoopTask waiter = t.Loop.Start(ParkOn(source.Future, log));
        t.Tick();
        var failure = new FormatException("source failed");

        source.SetException(failure);
        t.Tick();

        Assert.That(waiter.Exception, Is.SameAs(failure));
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
    }

    [Test]
    public void ParkedOnACancelledFuture_TheTaskIsCancelled_R22()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        LoopTask waiter = t.Loop.Start(ParkOn(source.Future, log));
        t.Tick();

        source.SetCanceled();
        t.Tick();

        Assert.That(waiter.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "finally" }));
        Assert.That(t.Unhandled, Is.Empty, "a cancellation is not a failure");
    }

    [Test]
    public void ParkedOnACancelledTask_TheTaskIsCancelled_R22()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var log = new List<string>();
        LoopTask inner = t.Loop.Start(ParkOn(source.Future, log));
        LoopTask waiter = t.Loop.Start(ParkOn(inner, log));
        t.Tick();

        inner.Cancel();
        t.TickUntil(waiter);

        Assert.That(inner.IsCancelled, Is.True);
        Assert.That(waiter.IsCancelled, Is.True);
        Assert.Throws<OperationCanceledException>(() => waiter.GetResult());
    }

    [Test]
    public void FailureInAChildCalledInline_FaultsTheCallerWithTheSameException_R22()
    {
        var t = new TestLoop();
        var log = new List<string>();
        var failure = new FormatException("child failed");

        LoopTask task = t.Loop.Start(Nest(1, log, () => throw failure));
        t.Tick();

        Assert.That(task.Exception, Is.SameAs(failure));
        Assert.That(log, Does.Not.Contain("exit 1"), "the caller does not go on after a failed call");
    }

    // ---- coroutines and helpers ---------------------------------------------------------------------------------

    private sealed class TaskRef
    {
        public Future? Task { get; set; }
    }

    private sealed class Using : IDisposable
    {
        private readonly List<string> _log;
        private readonly string _name;

        public Using(List<string> log, string name)
        {
            _log = log;
            _name = name;
        }

        public void Dispose() => _log.Add("dispose " + _name);
    }

    private static IEnumerator<IAwaitable> Answer()
    {
        yield return Co.NextTick;
        yield return Co.Return(42);
    }

    private static IEnumerator<IAwaitable> Greeting(string name)
    {
        yield return Co.Return("hello " + name);
    }

    private static IEnumerator<IAwaitable> Consume(LoopTask<int> producer)
    {
        yield return producer;
        yield return Co.Return("got " + producer.Result);
    }

    private static IEnumerator<IAwaitable> ReturnInsideTry(List<string> log)
    {
        try
        {
            log.Add("body");
            yield return Co.Return(5);
            log.Add("after return");
        }
        finally
        {
            log.Add("finally");
        }
    }

    private static IEnumerator<IAwaitable> ParkOn(Future future, List<string> log)
    {
        try
        {
            yield return future;
        }
        finally
        {
            log.Add("finally");
        }
    }

    /// <summary>
    /// <paramref name="depth"/> + 1 frames called inline, each inside a using and a try/finally; the innermost runs
    /// <paramref name="innermost"/>, then yields what it returns (null: it ends).
    /// </summary>
    private static IEnumerator<IAwaitable> Nest(int depth, List<string> log, Func<IAwaitable?> innermost)
    {
        using (new Using(log, "using " + depth))
        {
            try
            {
                log.Add("enter " + depth);
                if (depth == 0)
                {
                    IAwaitable? next = innermost();
                    if (next is not null)
                    {
                        yield return next;
                    }
                }
                else
                {
                    yield return Co.Call(Nest(depth - 1, log, innermost));
                }

                log.Add("exit " + depth);
            }
            finally
            {
                log.Add("finally " + depth);
            }
        }
    }

    private static IEnumerator<IAwaitable> CallThenThrow(Exception fromFinally, Exception failure) =>
        ThrowingFinally(fromFinally, Throw(failure));

    private static IEnumerator<IAwaitable> Throw(Exception failure)
    {
        if (failure is not null)
        {
            throw failure;
        }

        yield break;
    }
}
