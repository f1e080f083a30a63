using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace YieldLoop.Analyzers.Tests;

[TestFixture]
public class DiscardedCoroutineAnalyzerTests
{
    private static void Check(string source) => Verify.Diagnostics(new DiscardedCoroutineAnalyzer(), Verify.WithUsings(source));

    [Test]
    public void A_coroutine_call_used_as_a_statement_is_reported_in_and_out_of_coroutines()
    {
        Check("""
            public class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }
                private IEnumerator<IAwaitable> Instance(int x) { yield return Co.NextTick; }

                private static IEnumerator<IAwaitable> Parent()
                {
                    [|Child()|];
                    yield return Co.NextTick;
                }

                public void Update(EventLoop loop)
                {
                    [|Instance(1)|];
                    [|this.Instance(2)|];
                    Action a = () => { [|Child()|]; };
                    Action b = () => [|Child()|];
                    Func<IEnumerator<IAwaitable>> c = () => Child();
                }
            }
            """);
    }

    [Test]
    public void A_coroutine_or_a_call_assigned_to_the_discard_is_reported()
    {
        Check("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                private static IEnumerator<IAwaitable> Parent()
                {
                    _ = [|Child()|];
                    _ = [|Co.Call(Child())|];
                    [|Co.Call<int>(Child())|];
                    yield return Co.NextTick;
                }
            }
            """);
    }

    [Test]
    public void A_coroutine_that_is_yielded_started_stored_returned_or_passed_on_is_not_reported()
    {
        Check("""
            public static class Game
            {
                private static IEnumerator<IAwaitable>? s_saved;
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }
                private static void Take(IEnumerator<IAwaitable> it) { }
                private static IEnumerator<IAwaitable> Make() => Child();

                private static IEnumerator<IAwaitable> Parent(EventLoop loop)
                {
                    yield return Co.Call(Child());
                    loop.Start(Child());
                    var it = Child();
                    s_saved = Child();
                    Take(Child());
                    IAwaitable call = Co.Call(Child());
                    yield return call;
                    yield return Co.WhenAll(loop, Child(), Child());
                    using (Child()) { }
                }
            }
            """);
    }

    [Test]
    public void Other_discarded_results_are_not_reported()
    {
        Check("""
            public static class Game
            {
                private static IEnumerable<IAwaitable> Steps() { yield return Co.NextTick; }
                private static int Number() => 1;

                private static IEnumerator<IAwaitable> Parent(EventLoop loop)
                {
                    Number();
                    _ = Number();
                    Co.Sleep(1);
                    loop.Start(Parent(loop));
                    Steps();
                    yield break;
                }
            }
            """);
    }

    [Test]
    public void The_message_names_the_call_and_the_fixes()
    {
        ImmutableArray<Diagnostic> diagnostics = Verify.Analyze(new DiscardedCoroutineAnalyzer(), Verify.WithUsings("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }
                public static void Run() { Child(); Co.Call(Child()); }
            }
            """));

        Assert.That(diagnostics, Has.Length.EqualTo(2));
        Assert.That(diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(
            "The coroutine made by 'Child(...)' is discarded, so it never runs. Yield it with 'yield return Co.Call(...)' inside a coroutine, or start it with 'loop.Start(...)'."));
        Assert.That(diagnostics[1].GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.StartWith("The coroutine made by 'Co.Call(...)' is discarded"));
        Assert.That(diagnostics[0].Descriptor.HelpLinkUri, Is.EqualTo("https://github.com/yieldloop/YieldLoop/blob/main/docs/analyzers.md#yl0001"));
    }
}
