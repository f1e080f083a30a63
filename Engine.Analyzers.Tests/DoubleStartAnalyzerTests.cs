using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace YieldLoop.Analyzers.Tests;

[TestFixture]
public class DoubleStartAnalyzerTests
{
    private static void Check(string source) => Verify.Diagnostics(new DoubleStartAnalyzer(), Verify.WithUsings(source));

    [Test]
    public void An_iterator_started_twice_is_reported_at_the_second_start()
    {
        Check("""
            public sealed class Game
            {
                private IEnumerator<IAwaitable>? _routine;
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                public void Run(EventLoop loop, Scope scope, TaskGroup group, IEnumerator<IAwaitable> given)
                {
                    var it = Child();
                    loop.Start(it);
                    loop.Start([|it|]);

                    scope.Start(given);
                    group.Start<int>([|given|]);

                    _routine = Child();
                    loop.Start(_routine);
                    if (loop.IsClosed) { loop.Start([|_routine|]); }
                }

                public static IEnumerator<IAwaitable> Parent(EventLoop loop)
                {
                    IEnumerator<IAwaitable> child = Child();
                    loop.Start(child);
                    yield return Co.Call([|child|]);
                    yield return Co.WhenAll(loop, [|child|], Child());
                }
            }
            """);
    }

    [Test]
    public void An_iterator_started_in_a_loop_without_a_new_one_each_pass_is_reported()
    {
        Check("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                public static void Run(EventLoop loop)
                {
                    var it = Child();
                    for (int i = 0; i < 3; i++)
                    {
                        loop.Start([|it|]);
                    }
                }
            }
            """);
    }

    [Test]
    public void Fresh_iterators_exclusive_branches_and_early_exits_are_not_reported()
    {
        Check("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                public static void Run(EventLoop loop, bool fast)
                {
                    var it = Child();
                    loop.Start(it);
                    it = Child();
                    loop.Start(it);

                    var other = Child();
                    if (fast) { loop.Start(other); } else { loop.Start(other, "slow"); }

                    for (int i = 0; i < 3; i++)
                    {
                        var each = Child();
                        loop.Start(each);
                    }

                    var once = Child();
                    if (fast)
                    {
                        loop.Start(once);
                        return;
                    }

                    loop.Start(once);
                }

                public static void Different(EventLoop loop)
                {
                    var a = Child();
                    var b = Child();
                    loop.Start(a);
                    loop.Start(b);
                    loop.Start(Child());
                    loop.Start(Child());
                }
            }
            """);
    }

    [Test]
    public void Local_functions_are_analysed_on_their_own()
    {
        Check("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                public static void Run(EventLoop loop)
                {
                    var it = Child();
                    loop.Start(it);
                    void Again() { var mine = Child(); loop.Start(mine); loop.Start([|mine|]); }
                    Again();
                }
            }
            """);
    }

    [Test]
    public void The_message_names_the_variable_the_method_and_the_first_line()
    {
        ImmutableArray<Diagnostic> diagnostics = Verify.Analyze(new DoubleStartAnalyzer(), "using System.Collections.Generic;\nusing YieldLoop;\n" + """
            public static class Game
            {
                public static void Run(EventLoop loop, IEnumerator<IAwaitable> it)
                {
                    loop.Start(it);
                    loop.Start(it);
                }
            }
            """);

        Assert.That(diagnostics, Has.Length.EqualTo(1));
        Assert.That(diagnostics[0].GetMessage(CultureInfo.InvariantCulture), Is.EqualTo(
            "Iterator 'it' is passed to 'EventLoop.Start' here, but it may already have been started at line 7; an iterator runs only once, so this start fails at run time. Create a new iterator for each start by calling the coroutine method again."));
    }
}
