using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace YieldLoop.Analyzers.Tests;

[TestFixture]
public class EndlessLoopAnalyzerTests
{
    private static void Check(string source) => Verify.Diagnostics(new EndlessLoopAnalyzer(), Verify.WithUsings(source));

    [Test]
    public void Endless_loops_without_a_yield_or_a_way_out_are_reported()
    {
        Check("""
            public static class Game
            {
                private const bool Forever = true;
                private static int s_count;

                private static IEnumerator<IAwaitable> Spin()
                {
                    yield return Co.NextTick;
                    [|while|] (true) { s_count++; }
                }

                private static IEnumerator<IAwaitable> Spin2()
                {
                    yield return Co.NextTick;
                    [|for|] (;;) { for (int i = 0; i < 3; i++) { if (i == 1) break; } }
                }

                private static IEnumerator<IAwaitable> Spin3()
                {
                    yield return Co.NextTick;
                    [|do|] { switch (s_count) { case 1: break; default: continue; } } while (Forever);
                }

                private static IEnumerator<IAwaitable> Spin4()
                {
                    yield return Co.NextTick;
                    [|while|] (true)
                    {
                        Func<IEnumerator<IAwaitable>> later = () => Spin();
                        IEnumerator<IAwaitable> Local() { yield return Co.NextTick; }
                        Action<int> quit = x => { return; };
                        s_count++;
                    }
                }
            }
            """);
    }

    [Test]
    public void Loops_that_yield_or_leave_are_not_reported()
    {
        Check("""
            public static class Game
            {
                private static int s_count;

                private static IEnumerator<IAwaitable> Patrol()
                {
                    while (true) { yield return Co.Sleep(1); }
                }

                private static IEnumerator<IAwaitable> Nested()
                {
                    for (;;) { if (s_count > 3) { yield return Co.NextTick; } s_count++; }
                }

                private static IEnumerator<IAwaitable> Leaves()
                {
                    while (true) { if (++s_count > 10) break; }
                    while (true) { if (++s_count > 20) yield break; }
                }

                private static IEnumerator<IAwaitable> Leaves2()
                {
                    do { if (++s_count > 10) throw new InvalidOperationException(); } while (true);
                }

                private static IEnumerator<IAwaitable> Leaves3()
                {
                    while (true) { if (++s_count > 10) goto done; }
                done:
                    yield break;
                }

                private static IEnumerator<IAwaitable> Leaves4()
                {
                    while (true) { s_count = s_count > 10 ? throw new InvalidOperationException() : s_count + 1; }
                }

                private static IEnumerator<IAwaitable> Bounded()
                {
                    while (s_count < 10) { s_count++; }
                    yield break;
                }

                public static void NotACoroutine()
                {
                    while (true) { s_count++; }
                }

                public static IEnumerator UnityStyle()
                {
                    yield return null;
                    while (true) { s_count++; }
                }
            }
            """);
    }

    [Test]
    public void Endless_loops_in_methods_that_return_a_coroutine_but_never_yield_are_reported()
    {
        // docs/analyzers.md's own YL0003 example: no yield at all, so Regenerate is not an iterator and the loop runs
        // (forever) at the call, inside the caller's tick.
        Check("""
            public static class Game
            {
                private static int s_health;

                public static IEnumerator<IAwaitable> Regenerate()
                {
                    [|while|] (true) { s_health++; }
                }

                public static IEnumerable<IAwaitable> Drain()
                {
                    [|for|] (;;) { s_health--; }
                }

                public static IEnumerator<IAwaitable> Heal
                {
                    get { [|do|] { s_health++; } while (true); }
                }

                public static void Host(EventLoop loop)
                {
                    loop.Start(Spin());

                    IEnumerator<IAwaitable> Spin()
                    {
                        [|while|] (true) { s_health++; }
                    }
                }
            }
            """);
    }

    [Test]
    public void Methods_that_return_a_coroutine_without_yielding_and_whose_loops_leave_are_not_reported()
    {
        Check("""
            public static class Game
            {
                private static int s_health;

                private static IEnumerator<IAwaitable> Patrol()
                {
                    while (true) { yield return Co.Sleep(1); }
                }

                // Not an iterator: it hands back another method's coroutine, which runs when the loop advances it.
                public static IEnumerator<IAwaitable> Start() => Patrol();

                public static IEnumerator<IAwaitable> StartLater()
                {
                    s_health = 100;
                    return Patrol();
                }

                public static IEnumerator<IAwaitable> Pick()
                {
                    while (true)
                    {
                        if (++s_health > 10) return Patrol();
                    }
                }

                public static IEnumerator<IAwaitable> WaitForFullHealth()
                {
                    while (true)
                    {
                        if (++s_health >= 100) break;
                    }

                    return Patrol();
                }

                public static IEnumerator<IAwaitable> Fail()
                {
                    while (true) { if (++s_health > 10) throw new InvalidOperationException(); }
                }

                public static IEnumerator<IAwaitable> Bounded()
                {
                    while (s_health < 10) { s_health++; }
                    return Patrol();
                }

                public static IEnumerator<int> NotACoroutineType()
                {
                    while (true) { s_health++; }
                }

                public static Func<IEnumerator<IAwaitable>> Factory()
                {
                    // The lambda's loop runs when the factory's result is called, and a lambda is never an iterator:
                    // out of this rule's reach, like any lambda.
                    return () => { while (true) { s_health++; } };
                }
            }
            """);
    }

    [Test]
    public void The_message_for_a_method_without_yield_says_it_is_not_an_iterator()
    {
        ImmutableArray<Diagnostic> diagnostics = Verify.Analyze(new EndlessLoopAnalyzer(), Verify.WithUsings("""
            public static class Game
            {
                private static int s_health;
                public static IEnumerator<IAwaitable> Regenerate() { while (true) { s_health++; } }
            }
            """));

        Assert.That(diagnostics, Has.Length.EqualTo(1));
        Assert.That(diagnostics[0].Id, Is.EqualTo("YL0003"));
        Assert.That(diagnostics[0].GetMessage(CultureInfo.InvariantCulture), Is.EqualTo(
            "'Regenerate' returns a coroutine but has no 'yield', so it is not an iterator: this endless loop runs as soon as 'Regenerate' is called, never leaves, and holds the caller's thread forever. Yield inside it (for example 'yield return Co.NextTick;') or give it a way out."));
    }

    [Test]
    public void The_message_names_the_coroutine()
    {
        ImmutableArray<Diagnostic> diagnostics = Verify.Analyze(new EndlessLoopAnalyzer(), Verify.WithUsings("""
            public static class Game
            {
                private static int s_count;
                private static IEnumerator<IAwaitable> Spin() { yield return Co.NextTick; while (true) { s_count++; } }
            }
            """));

        Assert.That(diagnostics, Has.Length.EqualTo(1));
        Assert.That(diagnostics[0].GetMessage(CultureInfo.InvariantCulture), Is.EqualTo(
            "This endless loop in coroutine 'Spin' never yields and never leaves, so it holds the event loop's thread forever. Yield inside it (for example 'yield return Co.NextTick;') or give it a way out."));
    }
}
