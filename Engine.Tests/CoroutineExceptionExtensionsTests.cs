using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>The coroutine trace of a failure and the failures it stands for (docs/semantics.md R22, R35, R40, R42, R44).</summary>
[TestFixture]
public class CoroutineExceptionExtensionsTests
{
    private const string Prefix = "   at YieldLoop.Tests.CoroutineExceptionExtensionsTests.";

    [Test]
    public void NullException_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => CoroutineExceptionExtensions.GetCoroutineTrace(null!));
        Assert.Throws<ArgumentNullException>(() => CoroutineExceptionExtensions.GetFailures(null!));
    }

    [Test]
    public void AnExceptionThatNeverWentThroughACoroutine_HasNoTrace_AndStandsForItselfAlone()
    {
        var plain = new FormatException("plain");

        Assert.That(plain.GetCoroutineTrace(), Is.Null);
        Assert.That(plain.GetFailures(), Is.EqualTo(new[] { plain }));
    }

    [Test]
    public void GetCoroutineTrace_ListsTheFramesInnermostFirst_WithTheTaskName_R22()
    {
        var t = new TestLoop();
        var failure = new FormatException("deep down");

        LoopTask task = t.Loop.Start(Outer(failure), "worker");
        t.Tick();

        Assert.That(task.Exception, Is.SameAs(failure));
        Assert.That(Lines(failure.GetCoroutineTrace()), Is.EqualTo(new[]
        {
            Prefix + "Inner() (task 'worker', threw FormatException)",
            Prefix + "Middle() (task 'worker', calling Inner inline)",
            Prefix + "Outer() (task 'worker', calling Middle inline)",
        }));
        Assert.That(failure.GetFailures(), Is.EqualTo(new[] { failure }), "one coroutine failure is one failure");
    }

    [Test]
    public void GetCoroutineTrace_GoesOnThroughTheTasksThatAwaitTheFailure_R22()
    {
        var t = new TestLoop();
        var failure = new FormatException("deep down");
        LoopTask worker = t.Loop.Start(FailLater(failure), "worker");
        LoopTask waiter = t.Loop.Start(Wait(worker), "waiter");

        t.TickUntil(waiter);

        Assert.That(waiter.Exception, Is.SameAs(failure));
        Assert.That(Lines(failure.GetCoroutineTrace()), Is.EqualTo(new[]
        {
            Prefix + "FailLater() (task 'worker', threw FormatException)",
            Prefix + "Wait() (task 'waiter', waiting on task 'worker')",
        }));
    }

    [Test]
    public void GetCoroutineTrace_UsesTheCoroutineMethodName_WhenTheTaskHasNoName_R22()
    {
        var t = new TestLoop();
        var failure = new FormatException("unnamed");

        t.Loop.Start(FailLater(failure));
        t.Tick(2);

        Assert.That(Lines(failure.GetCoroutineTrace()), Is.EqualTo(new[]
        {
            Prefix + "FailLater() (task 'FailLater', threw FormatException)",
        }));
    }

    [Test]
    public void GetCoroutineTrace_OfADeepChain_IsBounded_KeepingTheInnermostAndOutermostFramesAndACount_R22()
    {
        const int depth = 200;   // frames: Recurse x (depth + 1), under the root
        var t = new TestLoop();
        var failure = new FormatException("very deep");

        t.Loop.Start(Root(depth, failure), "deep");
        t.Tick();

        string[] lines = Lines(failure.GetCoroutineTrace());
        string[] omittedLines = lines.Where(l => l.Contains("omitted")).ToArray();
        Assert.That(omittedLines, Has.Length.EqualTo(1), "one line stands for the frames left out");
        Match match = Regex.Match(omittedLines[0], @"^   \.\.\. (\d+) coroutine frame\(s\) omitted \.\.\.$");
        Assert.That(match.Success, Is.True, omittedLines[0]);
        int omitted = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        int totalFrames = depth + 2;
        Assert.That(lines.Length - 1 + omitted, Is.EqualTo(totalFrames), "shown + omitted = every frame");
        Assert.That(lines.Length, Is.LessThan(50), "bounded");
        Assert.That(lines[0], Is.EqualTo(Prefix + "Recurse() (task 'deep', threw FormatException)"), "innermost first");
        Assert.That(lines[1], Is.EqualTo(Prefix + "Recurse() (task 'deep', calling Recurse inline)"));
        Assert.That(lines[lines.Length - 1], Is.EqualTo(Prefix + "Root() (task 'deep', calling Recurse inline)"), "outermost last");
    }

    [Test]
    public void GetCoroutineTrace_OfAShallowChain_OmitsNothing_R22()
    {
        var t = new TestLoop();
        var failure = new FormatException("shallow");

        t.Loop.Start(Root(3, failure), "shallow");
        t.Tick();

        string trace = failure.GetCoroutineTrace()!;
        Assert.That(trace, Does.Not.Contain("omitted"));
        Assert.That(Lines(trace), Has.Length.EqualTo(5));
    }

    [Test]
    public void GetFailures_OfAFinallyFailure_ListsItThenTheLaterFinallyFailures_InOrder_R35()
    {
        var t = new TestLoop();
        var failure = new FormatException("first");
        var second = new InvalidOperationException("second");
        var third = new InvalidOperationException("third");

        LoopTask task = t.Loop.Start(ThrowingFinally(third, ThrowingFinally(second, Throw(failure))));
        t.Tick();

        Assert.That(task.Exception, Is.SameAs(failure));
        IReadOnlyList<Exception> failures = failure.GetFailures();
        Assert.That(failures, Is.EqualTo(new Exception[] { failure, second, third }));
        Assert.That(second.GetFailures(), Is.EqualTo(new[] { second }));
    }

    [Test]
    public void GetFailures_OfAWhenAllFailure_ListsTheFirstThenTheLaterOnes_InOrder_R40()
    {
        var t = new TestLoop();
        var first = new FormatException("first");
        var second = new InvalidOperationException("second");
        var third = new ArgumentException("third");
        Future all = Co.WhenAll(
            t.Loop, FailAfter(1, first), ThrowingFinally(second, FailAfter(5, null)), ThrowingFinally(third, FailAfter(5, null)));

        t.TickUntil(all);

        Assert.That(all.Exception, Is.SameAs(first), "a wait-for-all still fails with the first exception itself");
        Assert.That(all.Exception!.GetFailures(), Is.EqualTo(new Exception[] { first, second, third }));
    }

    [Test]
    public void GetFailures_OfATaskGroupFailure_ListsEveryChildFailure_InOrder_R44()
    {
        var t = new TestLoop();
        var first = new FormatException("first");
        var second = new InvalidOperationException("second");
        var group = new TaskGroup(t.Loop);
        group.Start(ThrowingFinally(second, FailAfter(5, null)));
        group.Start(FailAfter(1, first));
        group.Start(FailAfter(5, null));   // cancelled by the group: not a failure
        Future wait = group.WhenAll();

        t.TickUntil(wait);

        Assert.That(wait.Exception, Is.TypeOf<AggregateException>(), "a task group still fails with an aggregate");
        Assert.That(wait.Exception!.GetFailures(), Is.EqualTo(new Exception[] { first, second }));
    }

    [Test]
    public void GetFailures_OfARaceWinnersFailure_ListsItThenTheLosersFinallyFailures_R42()
    {
        var t = new TestLoop();
        var boom = new FormatException("winner");
        var cleanup = new InvalidOperationException("loser's finally");
        Future<int> race = Co.Race(t.Loop, FailAfter(1, boom), ThrowingFinally(cleanup, FailAfter(5, null)));

        t.TickUntil(race);

        Assert.That(race.Exception, Is.SameAs(boom));
        Assert.That(boom.GetFailures(), Is.EqualTo(new Exception[] { boom, cleanup }));
    }

    [Test]
    public void GetFailures_OfNestedShapes_ListsTheLeafFailures_EachOnce()
    {
        var a = new FormatException("a");
        var b = new InvalidOperationException("b");
        var c = new ArgumentException("c");
        var t = new TestLoop();
        var group = new TaskGroup(t.Loop);
        Future inner = Co.WhenAll(t.Loop, FailAfter(1, a), ThrowingFinally(b, FailAfter(5, null)));
        group.Start(Wait(inner));
        group.Start(ThrowingFinally(c, FailAfter(10, null)));
        Future wait = group.WhenAll();

        t.TickUntil(wait);

        Assert.That(wait.Exception!.GetFailures(), Is.EqualTo(new Exception[] { a, b, c }),
            "a task group whose child failed in a WhenAll: the WhenAll's failures in place of its first one");
        var twice = new AggregateException(a, new AggregateException(a, c));
        Assert.That(twice.GetFailures(), Is.EqualTo(new Exception[] { a, b, c }),
            "a (which carries b, attached by the WhenAll) reached twice is listed once");
    }

    [Test]
    public void GetFailures_OfAnyAggregate_ListsItsInnerExceptions_AndOfAnEmptyOneItself()
    {
        var a = new FormatException("a");
        var b = new InvalidOperationException("b");
        var empty = new AggregateException();

        Assert.That(new AggregateException(a, b).GetFailures(), Is.EqualTo(new Exception[] { a, b }));
        Assert.That(empty.GetFailures(), Is.EqualTo(new Exception[] { empty }));
    }

    // ---- helpers and coroutines ------------------------------------------------------------------------------------

    /// <summary>The trace's lines without their source locations (Diagnostics/TraceTests.cs checks those).</summary>
    private static string[] Lines(string? trace)
    {
        Assert.That(trace, Is.Not.Null, "the exception should carry a coroutine trace");
        return trace!.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => Regex.Replace(line, @" in .+:line \d+ \(task '", " (task '"))
            .ToArray();
    }

    private static IEnumerator<IAwaitable> Outer(Exception failure)
    {
        yield return Co.Call(Middle(failure));
    }

    private static IEnumerator<IAwaitable> Middle(Exception failure)
    {
        yield return Co.Call(Inner(failure));
    }

    private static IEnumerator<IAwaitable> Inner(Exception failure)
    {
        if (failure is not null)
        {
            throw failure;
        }

        yield break;
    }

    private static IEnumerator<IAwaitable> FailLater(Exception failure)
    {
        yield return Co.NextTick;
        throw failure;
    }

    /// <summary>Waits <paramref name="ticks"/> ticks, then throws <paramref name="failure"/> (or ends, when null).</summary>
    private static IEnumerator<IAwaitable> FailAfter(int ticks, Exception? failure)
    {
        for (int i = 0; i < ticks; i++)
        {
            yield return Co.NextTick;
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    private static IEnumerator<IAwaitable> Wait(Future future)
    {
        yield return future;
    }

    private static IEnumerator<IAwaitable> Root(int depth, Exception failure)
    {
        yield return Co.Call(Recurse(depth, failure));
    }

    private static IEnumerator<IAwaitable> Recurse(int depth, Exception failure)
    {
        if (depth == 0)
        {
            throw failure;
        }

        yield return Co.Call(Recurse(depth - 1, failure));
    }

    private static IEnumerator<IAwaitable> Throw(Exception failure) => Inner(failure);

    private static IEnumerator<IAwaitable> ThrowingFinally(Exception fromFinally, IEnumerator<IAwaitable> body)
    {
        try
        {
            yield return Co.Call(body);
        }
        finally
        {
#pragma warning disable CA2219 // R35 is about exactly this: a finally block that throws.
            throw fromFinally;
#pragma warning restore CA2219
        }
    }
}
