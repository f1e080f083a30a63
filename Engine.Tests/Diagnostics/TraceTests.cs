using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using NUnit.Framework;
using YieldLoop.Internal;

namespace YieldLoop.Tests.Diagnostics;

/// <summary>
/// Coroutine traces read like .NET stack traces: <c>at Type.Method() in file:line N (task 'name', note)</c>, with the
/// line of the <c>yield return</c> each frame is parked at, and in debug mode where each task was started (issue 7).
/// </summary>
/// <remarks>
/// Expected lines come from <see cref="Marks"/>: a marked expression records its own line with
/// <see cref="CallerLineNumberAttribute"/>, so the tests need no line numbers written by hand, and the file path comes
/// from <see cref="CallerFilePathAttribute"/>, which goes through the same path map as the PDB.
/// </remarks>
[TestFixture]
public class TraceTests
{
    private const string Prefix = "   at YieldLoop.Tests.Diagnostics.TraceTests.";
    private static readonly string File = ThisFile();

    [Test]
    public void NestedCalls_EachFrameShowsTheLineOfTheYieldItIsParkedAt_AndTheInnermostWhereItThrew()
    {
        var t = new TestLoop();
        var marks = new Marks();
        var failure = new FormatException("deep down");

        LoopTask task = t.Loop.Start(Outer(marks, failure), "worker");
        t.TickUntil(task);

        Assert.That(task.Exception, Is.SameAs(failure));
        Assert.That(Lines(failure), Is.EqualTo(new[]
        {
            Prefix + $"Inner() in {File}:line {marks["throw"]} (task 'worker', threw FormatException)",
            Prefix + $"Middle() in {File}:line {marks["middle"]} (task 'worker', calling Inner inline)",
            Prefix + $"Outer() in {File}:line {marks["outer"]} (task 'worker', calling Middle inline)",
        }));
    }

    [Test]
    public void ATaskAwaitingAFailingTask_ShowsTheLineOfItsYieldReturnTask()
    {
        var t = new TestLoop();
        var marks = new Marks();
        var failure = new FormatException("failed");
        LoopTask worker = t.Loop.Start(Inner(marks, failure), "worker");
        LoopTask waiter = t.Loop.Start(Await(marks, worker), "waiter");

        t.TickUntil(waiter);

        Assert.That(waiter.Exception, Is.SameAs(failure));
        Assert.That(Lines(failure), Is.EqualTo(new[]
        {
            Prefix + $"Inner() in {File}:line {marks["throw"]} (task 'worker', threw FormatException)",
            Prefix + $"Await() in {File}:line {marks["await"]} (task 'waiter', waiting on task 'worker')",
        }));
    }

    [Test]
    public void AFrameParkedOnAFailingFuture_ShowsTheLineOfThatYield()
    {
        var t = new TestLoop();
        var marks = new Marks();
        var source = new FutureSource(t.Loop);
        var failure = new FormatException("the future failed");

        t.Loop.Start(Await(marks, source.Future), "waiter");
        t.Tick();
        source.SetException(failure);
        t.Tick(3);

        Assert.That(Lines(failure), Is.EqualTo(new[]
        {
            Prefix + $"Await() in {File}:line {marks["await"]} (task 'waiter', waiting on {source.Future.Describe()})",
        }));
    }

    [Test]
    public void AYieldInsideTryFinallyAndALoop_IsLocated_AsIsOneInAGenericIterator()
    {
        var t = new TestLoop();
        var marks = new Marks();
        var failure = new FormatException("in the loop");

        t.TickUntil(t.Loop.Start(Guarded(marks, Generic(marks, 42, failure)), "guarded"));

        Assert.That(Lines(failure), Is.EqualTo(new[]
        {
            Prefix + $"Inner() in {File}:line {marks["throw"]} (task 'guarded', threw FormatException)",
            Prefix + $"Generic() in {File}:line {marks["generic"]} (task 'guarded', calling Inner inline)",
            Prefix + $"Guarded() in {File}:line {marks["guarded"]} (task 'guarded', calling Generic inline)",
        }));
    }

    [Test]
    public void AFinallyBlockThatThrowsWhenAChildEnds_IsLocatedAtItsThrow()
    {
        var t = new TestLoop();
        var marks = new Marks();
        var failure = new FormatException("from a finally");

        LoopTask task = t.Loop.Start(CallsThrowingFinally(marks, failure), "ending");
        t.TickUntil(task);

        Assert.That(task.Exception, Is.SameAs(failure));
        Assert.That(Lines(failure), Is.EqualTo(new[]
        {
            Prefix + $"ThrowingFinally() in {File}:line {marks["finally"]} (task 'ending', threw from a finally block)",
            Prefix + $"CallsThrowingFinally() in {File}:line {marks["call"]} (task 'ending', calling ThrowingFinally inline)",
        }));
    }

    [Test]
    public void AHandWrittenIterator_HasNoStateToReadSoItsLineHasNoLocation()
    {
        var t = new TestLoop();
        var marks = new Marks();
        var failure = new FormatException("below a hand-written frame");

        t.TickUntil(t.Loop.Start(new HandWritten(Inner(marks, failure)), "hand"));

        Assert.That(Lines(failure), Is.EqualTo(new[]
        {
            Prefix + $"Inner() in {File}:line {marks["throw"]} (task 'hand', threw FormatException)",
            Prefix + "HandWritten() (task 'hand', calling Inner inline)",
        }));
    }

    [Test]
    public void DebugMode_AddsWhereEachTaskWasStarted_AfterItsFrames()
    {
        var t = new TestLoop();
        var marks = new Marks();
        var failure = new FormatException("failed");
        t.Loop.Diagnostics.DebugMode = true;
        try
        {
            LoopTask worker = marks.At("start worker", t.Loop.Start(Inner(marks, failure), "worker"));
            LoopTask waiter = marks.At("start waiter", t.Loop.Start(Await(marks, worker), "waiter"));
            t.TickUntil(waiter);
        }
        finally
        {
            t.Loop.Diagnostics.DebugMode = false;
        }

        const string Test = "YieldLoop.Tests.Diagnostics.TraceTests." + nameof(DebugMode_AddsWhereEachTaskWasStarted_AfterItsFrames) + "()";
        Assert.That(Lines(failure), Is.EqualTo(new[]
        {
            Prefix + $"Inner() in {File}:line {marks["throw"]} (task 'worker', threw FormatException)",
            $"   --- task 'worker' started at {Test} in {File}:line {marks["start worker"]} ---",
            Prefix + $"Await() in {File}:line {marks["await"]} (task 'waiter', waiting on task 'worker')",
            $"   --- task 'waiter' started at {Test} in {File}:line {marks["start waiter"]} ---",
        }));
    }

    [Test]
    public void DebugMode_ATaskStartedByACoroutine_NamesThatCoroutineAsTheStartSite()
    {
        var t = new TestLoop();
        var marks = new Marks();
        var failure = new FormatException("failed");
        t.Loop.Diagnostics.DebugMode = true;
        try
        {
            t.TickUntil(t.Loop.Start(Spawner(marks, failure), "spawner"));
        }
        finally
        {
            t.Loop.Diagnostics.DebugMode = false;
        }

        Assert.That(Lines(failure)[1], Is.EqualTo($"   --- task 'spawned' started at YieldLoop.Tests.Diagnostics.TraceTests.Spawner() in {File}:line {marks["spawn"]} ---"));
    }

    [Test]
    public void DebugModeOff_AddsNoStartSites()
    {
        var t = new TestLoop();
        var marks = new Marks();
        var failure = new FormatException("failed");
        LoopTask worker = t.Loop.Start(Inner(marks, failure), "worker");
        LoopTask waiter = t.Loop.Start(Await(marks, worker), "waiter");

        t.TickUntil(waiter);

        Assert.That(failure.GetCoroutineTrace(), Does.Not.Contain("---").And.Not.Contain("started at"));
        Assert.That(Lines(failure), Has.Length.EqualTo(2));
    }

    [Test]
    public void DebugMode_AChainOfManyTasks_StaysBounded_CountingFramesAndStartSitesLeftOut()
    {
        const int Tasks = 50;
        var t = new TestLoop();
        var marks = new Marks();
        var failure = new FormatException("at the far end");
        t.Loop.Diagnostics.DebugMode = true;
        LoopTask last;
        try
        {
            last = t.Loop.Start(Inner(marks, failure), "task-0");
            for (int i = 1; i < Tasks; i++)
            {
                last = t.Loop.Start(Await(marks, last), "task-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            t.TickUntil(last);
        }
        finally
        {
            t.Loop.Diagnostics.DebugMode = false;
        }

        string[] lines = Lines(failure);
        Assert.That(lines, Has.Length.EqualTo(21), "10 innermost lines, the omission line, 10 outermost lines");
        Assert.That(lines[10], Is.EqualTo("   ... 40 coroutine frame(s) and 40 task start site(s) omitted ..."));
        Assert.That(lines[0], Does.StartWith(Prefix + "Inner() in "));
        Assert.That(lines[1], Does.StartWith("   --- task 'task-0' started at "));
        Assert.That(lines[20], Does.StartWith("   --- task 'task-49' started at "));
    }

    [Test]
    public void YieldLocator_MapsEveryStateOfAnIterator_ToItsYieldLine()
    {
        var marks = new Marks();
        IEnumerator<IAwaitable> it = ThreeYields(marks);
        var seen = new List<(int State, int Line)>();
        while (it.MoveNext())
        {
            int state = YieldLocator.ReadState(it);
            YieldLocator.SourceLocation? location = YieldLocator.FindYield(it.GetType(), state);
            Assert.That(location, Is.Not.Null, "state " + state);
            Assert.That(location!.File, Is.EqualTo(File));
            seen.Add((state, location.Line));
        }

        Assert.That(seen, Is.EqualTo(new[] { (1, marks["y1"]), (2, marks["y2"]), (2, marks["y2"]), (3, marks["y3"]) }));
        Assert.That(YieldLocator.FindYield(it.GetType(), 99), Is.Null, "a state with no yield");
        Assert.That(YieldLocator.FindYield(it.GetType(), -2), Is.Null, "finished");
        Assert.That(YieldLocator.FindYield(typeof(HandWritten), 1), Is.Null, "no MoveNext state stores");
        Assert.That(YieldLocator.ReadState(new HandWritten(ThreeYields(marks))), Is.EqualTo(YieldLocator.NoState));
    }

    // ---- helpers and coroutines ------------------------------------------------------------------------------------

    private static string ThisFile([CallerFilePath] string path = "") => path;

    private static string[] Lines(Exception failure)
    {
        string? trace = failure.GetCoroutineTrace();
        Assert.That(trace, Is.Not.Null, "the exception should carry a coroutine trace");
        return trace!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Records the source line of marked expressions, by name.</summary>
    private sealed class Marks
    {
        private readonly Dictionary<string, int> _lines = new();

        public int this[string name] => _lines[name];

        public T At<T>(string name, T value, [CallerLineNumber] int line = 0)
        {
            _lines[name] = line;
            return value;
        }
    }

    private static IEnumerator<IAwaitable> Outer(Marks marks, Exception failure)
    {
        yield return marks.At("outer", Co.Call(Middle(marks, failure)));
    }

    private static IEnumerator<IAwaitable> Middle(Marks marks, Exception failure)
    {
        yield return Co.NextTick;
        yield return marks.At("middle", Co.Call(Inner(marks, failure)));
    }

    private static IEnumerator<IAwaitable> Inner(Marks marks, Exception failure)
    {
        yield return Co.NextTick;
        throw marks.At("throw", failure);
    }

    private static IEnumerator<IAwaitable> Await(Marks marks, Future future)
    {
        yield return Co.NextTick;
        yield return marks.At("await", future);
    }

    private static IEnumerator<IAwaitable> Guarded(Marks marks, IEnumerator<IAwaitable> body)
    {
        try
        {
            yield return Co.NextTick;
            try
            {
                yield return marks.At("guarded", Co.Call(body));
            }
            finally
            {
                marks.At("inner finally", 0);
            }
        }
        finally
        {
            marks.At("outer finally", 0);
        }
    }

    private static IEnumerator<IAwaitable> Generic<T>(Marks marks, T value, Exception failure)
    {
        for (int i = 0; i < 2; i++)
        {
            yield return Co.NextTick;
        }

        _ = value;
        yield return marks.At("generic", Co.Call(Inner(marks, failure)));
    }

    private static IEnumerator<IAwaitable> CallsThrowingFinally(Marks marks, Exception failure)
    {
        yield return marks.At("call", Co.Call<int>(ThrowingFinally(marks, failure)));
    }

    private static IEnumerator<IAwaitable> ThrowingFinally(Marks marks, Exception failure)
    {
        try
        {
            yield return Co.Return(1);
        }
        finally
        {
#pragma warning disable CA2219 // The point of the test: a finally block that throws.
            throw marks.At("finally", failure);
#pragma warning restore CA2219
        }
    }

    private static IEnumerator<IAwaitable> Spawner(Marks marks, Exception failure)
    {
        LoopTask spawned = marks.At("spawn", EventLoop.Current!.Start(Inner(marks, failure), "spawned"));
        yield return spawned;
    }

    private static IEnumerator<IAwaitable> ThreeYields(Marks marks)
    {
        yield return marks.At("y1", Co.NextTick);
        for (int i = 0; i < 2; i++)
        {
            yield return marks.At("y2", Co.NextTick);
        }

        yield return marks.At("y3", Co.NextTick);
    }

    /// <summary>An iterator written by hand: it calls <c>child</c> inline once, and has no compiler state field.</summary>
    private sealed class HandWritten : IEnumerator<IAwaitable>
    {
        private readonly IEnumerator<IAwaitable> _child;
        private int _step;

        public HandWritten(IEnumerator<IAwaitable> child)
        {
            _child = child;
        }

        public IAwaitable Current { get; private set; } = Co.NextTick;

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_step++ == 0)
            {
                Current = Co.Call(_child);
                return true;
            }

            return false;
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
