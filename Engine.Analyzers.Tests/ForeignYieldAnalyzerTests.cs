using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace YieldLoop.Analyzers.Tests;

[TestFixture]
public class ForeignYieldAnalyzerTests
{
    private static void Check(string source) => Verify.Diagnostics(new ForeignYieldAnalyzer(), Verify.WithUsings(source));

    [Test]
    public void YieldLoop_awaitables_and_coroutines_yielded_by_iterators_of_object_are_reported()
    {
        Check("""
            public static class Unity
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                public static IEnumerator Routine(LoopTask task, Future future)
                {
                    yield return [|Co.Sleep(1)|];
                    yield return [|Co.Call(Child())|];
                    yield return [|task|];
                    yield return [|future|];
                    yield return [|Child()|];
                    yield return null;
                }

                public static IEnumerable<object> Items() { yield return [|Co.NextTick|]; }

                public static IEnumerator<object> Typed() { yield return [|(IAwaitable)Co.NextTick|]; }
            }
            """);
    }

    [Test]
    public void Yields_in_YieldLoop_coroutines_and_typed_generators_are_not_reported()
    {
        Check("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                public static IEnumerator<IAwaitable> Coroutine() { yield return Co.Sleep(1); yield return Co.Call(Child()); }

                public static IEnumerable<IAwaitable> Steps() { yield return Co.NextTick; }

                public static IEnumerable<Future> Futures(Future a) { yield return a; }

                public static IEnumerable<IEnumerator<IAwaitable>> Coroutines() { yield return Child(); }

                public static IEnumerator UnityRoutine() { yield return null; yield return 1; yield return "text"; }
            }
            """);
    }

    [Test]
    public void The_message_names_the_iterator_and_what_it_yields()
    {
        ImmutableArray<Diagnostic> diagnostics = Verify.Analyze(new ForeignYieldAnalyzer(), Verify.WithUsings("""
            public static class Unity
            {
                public static IEnumerator Fire() { yield return Co.Sleep(1); }
            }
            """));

        Assert.That(diagnostics, Has.Length.EqualTo(1));
        Assert.That(diagnostics[0].GetMessage(CultureInfo.InvariantCulture), Is.EqualTo(
            "'Fire' yields a YieldLoop awaitable from an iterator of 'IEnumerator', which no YieldLoop event loop runs; its runner (a Unity coroutine, a foreach) does not wait for it. Make 'Fire' return IEnumerator<IAwaitable> and start it on an EventLoop."));
    }
}
