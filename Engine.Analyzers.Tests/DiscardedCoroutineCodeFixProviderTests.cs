using System.Linq;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace YieldLoop.Analyzers.Tests;

[TestFixture]
public class DiscardedCoroutineCodeFixProviderTests
{
    private static void Fix(string source, string expected, string key) =>
        Verify.CodeFix(new DiscardedCoroutineAnalyzer(), new DiscardedCoroutineCodeFixProvider(), Verify.WithUsings(source), Verify.WithUsings(expected), key);

    [Test]
    public void Yield_it_wraps_the_call_in_Co_Call_inside_a_coroutine()
    {
        Fix(
            """
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child(int n) { yield return Co.NextTick; }

                private static IEnumerator<IAwaitable> Parent()
                {
                    // first the child
                    Child(1);   // runs?
                    yield return Co.NextTick;
                }
            }
            """,
            """
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child(int n) { yield return Co.NextTick; }

                private static IEnumerator<IAwaitable> Parent()
                {
                    // first the child
                    yield return Co.Call(Child(1));   // runs?
                    yield return Co.NextTick;
                }
            }
            """,
            DiscardedCoroutineCodeFixProvider.YieldKey);
    }

    [Test]
    public void Yield_it_yields_a_discarded_Co_Call_as_it_is()
    {
        Fix(
            """
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                private static IEnumerator<IAwaitable> Parent()
                {
                    _ = Co.Call(Child());
                    yield break;
                }
            }
            """,
            """
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                private static IEnumerator<IAwaitable> Parent()
                {
                    yield return Co.Call(Child());
                    yield break;
                }
            }
            """,
            DiscardedCoroutineCodeFixProvider.YieldKey);
    }

    [Test]
    public void Start_it_uses_an_EventLoop_parameter_outside_a_coroutine()
    {
        Fix(
            """
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                public static void Run(EventLoop loop)
                {
                    Child();
                }
            }
            """,
            """
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                public static void Run(EventLoop loop)
                {
                    loop.Start(Child());
                }
            }
            """,
            DiscardedCoroutineCodeFixProvider.StartKey);
    }

    [Test]
    public void Start_it_uses_an_EventLoop_field_and_unwraps_Co_Call()
    {
        Fix(
            """
            public sealed class Game
            {
                private readonly EventLoop _loop = new EventLoop();
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                public void Run()
                {
                    _ = Co.Call(Child());
                }
            }
            """,
            """
            public sealed class Game
            {
                private readonly EventLoop _loop = new EventLoop();
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                public void Run()
                {
                    _loop.Start(Child());
                }
            }
            """,
            DiscardedCoroutineCodeFixProvider.StartKey);
    }

    [Test]
    public void Start_it_inside_a_coroutine_without_a_loop_in_scope_uses_the_current_loop()
    {
        Fix(
            """
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                private static IEnumerator<IAwaitable> Parent()
                {
                    Child();
                    yield break;
                }
            }
            """,
            """
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                private static IEnumerator<IAwaitable> Parent()
                {
                    EventLoop.Current!.Start(Child());
                    yield break;
                }
            }
            """,
            DiscardedCoroutineCodeFixProvider.StartKey);
    }

    [Test]
    public void Without_a_using_the_fix_writes_the_global_name()
    {
        const string Before = """
            using System.Collections.Generic;

            public static class Game
            {
                private static IEnumerator<YieldLoop.IAwaitable> Child() { yield return YieldLoop.Co.NextTick; }

                private static IEnumerator<YieldLoop.IAwaitable> Parent()
                {
                    Child();
                    yield break;
                }
            }
            """;
        const string After = """
            using System.Collections.Generic;

            public static class Game
            {
                private static IEnumerator<YieldLoop.IAwaitable> Child() { yield return YieldLoop.Co.NextTick; }

                private static IEnumerator<YieldLoop.IAwaitable> Parent()
                {
                    yield return global::YieldLoop.Co.Call(Child());
                    yield break;
                }
            }
            """;
        Verify.CodeFix(new DiscardedCoroutineAnalyzer(), new DiscardedCoroutineCodeFixProvider(), Before, After, DiscardedCoroutineCodeFixProvider.YieldKey);
    }

    [Test]
    public void Outside_a_coroutine_without_a_loop_in_scope_no_fix_is_offered()
    {
        string source = Verify.WithUsings("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }
                public static void Run() { Child(); }
            }
            """);

        Assert.That(Verify.Actions(new DiscardedCoroutineAnalyzer(), new DiscardedCoroutineCodeFixProvider(), source, out Document _), Is.Empty);
    }

    [Test]
    public void A_loop_declared_after_the_statement_is_not_used()
    {
        string source = Verify.WithUsings("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }
                public static void Run() { Child(); var loop = new EventLoop(); loop.Close(); }
            }
            """);

        Assert.That(Verify.Actions(new DiscardedCoroutineAnalyzer(), new DiscardedCoroutineCodeFixProvider(), source, out Document _).Select(a => a.Title), Is.Empty);
    }
}
