using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace YieldLoop.Analyzers.Tests;

[TestFixture]
public class BlockingCallAnalyzerTests
{
    private static void Check(string source) => Verify.Diagnostics(new BlockingCallAnalyzer(), Verify.WithUsings(source));

    [Test]
    public void Sleeps_and_task_waits_in_a_coroutine_body_are_reported()
    {
        Check("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Run(Task task, Task<int> answer, ValueTask<int> value)
                {
                    [|Thread.Sleep(100)|];
                    [|Thread.Sleep(TimeSpan.FromSeconds(1))|];
                    [|task.Wait()|];
                    [|answer.Wait(50)|];
                    [|Task.WaitAll(task, answer)|];
                    [|Task.WaitAny(task, answer)|];
                    int a = [|answer.Result|];
                    int b = [|value.Result|];
                    [|task.GetAwaiter().GetResult()|];
                    int c = [|answer.ConfigureAwait(false).GetAwaiter().GetResult()|];
                    yield return Co.NextTick;
                }
            }
            """);
    }

    [Test]
    public void Synchronous_stream_and_file_io_in_a_coroutine_body_is_reported()
    {
        Check("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Save(Stream stream, FileStream file, byte[] data)
                {
                    [|stream.Write(data, 0, data.Length)|];
                    int n = [|file.Read(data, 0, data.Length)|];
                    [|stream.Flush()|];
                    [|stream.CopyTo(file)|];
                    string text = [|File.ReadAllText("save.json")|];
                    [|File.WriteAllBytes("save.bin", data)|];
                    yield return Co.NextTick;
                }
            }
            """);
    }

    [Test]
    public void The_non_blocking_forms_and_memory_streams_are_not_reported()
    {
        Check("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Run(Task task, Stream stream, MemoryStream memory, byte[] data)
                {
                    yield return Co.Sleep(0.1);
                    yield return Co.Await(task);
                    yield return Co.Await(stream.WriteAsync(data, 0, data.Length));
                    yield return Co.Offload(() => File.ReadAllText("save.json"));
                    memory.Write(data, 0, data.Length);
                    Future<string> text = Co.Await(File.ReadAllTextAsync("save.json"));
                    yield return text;
                }
            }
            """);
    }

    [Test]
    public void Blocking_calls_outside_coroutine_bodies_are_not_reported()
    {
        Check("""
            public static class Game
            {
                public static void Plain(Task task) { Thread.Sleep(1); task.Wait(); }

                private static IEnumerable<int> NotACoroutine() { Thread.Sleep(1); yield return 1; }

                private static IEnumerator<IAwaitable> Run(Task<int> answer)
                {
                    yield return Co.Offload(() => Thread.Sleep(100));
                    Func<int> read = () => answer.Result;
                    int Local() { Thread.Sleep(1); return 1; }
                    yield return Co.Return(Local() + read());
                }
            }
            """);
    }

    [Test]
    public void A_result_read_after_the_task_was_awaited_or_checked_is_not_reported()
    {
        Check("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Run(Task<int> answer, Task<int> other, Task<int> late)
                {
                    yield return Co.Await(answer);
                    int a = answer.Result;
                    yield return Co.Await(Task.WhenAll(other));
                    int b = other.GetAwaiter().GetResult();
                    int c = [|late.Result|];
                    if (late.IsCompleted)
                    {
                        c += late.Result;
                    }
                    yield return Co.Return(a + b + c);
                }
            }
            """);
    }

    [Test]
    public void A_blocking_call_in_a_local_coroutine_or_an_enumerable_coroutine_is_reported()
    {
        Check("""
            public static class Game
            {
                public static IEnumerator<IAwaitable> Outer()
                {
                    IEnumerator<IAwaitable> Inner() { [|Thread.Sleep(5)|]; yield return Co.NextTick; }
                    yield return Co.Call(Inner());
                }

                public static IEnumerable<IAwaitable> Steps { get { [|Thread.Sleep(5)|]; yield return Co.NextTick; } }
            }
            """);
    }

    [Test]
    public void The_message_names_the_call_the_coroutine_and_the_non_blocking_form()
    {
        ImmutableArray<Diagnostic> diagnostics = Verify.Analyze(new BlockingCallAnalyzer(), Verify.WithUsings("""
            public static class Game
            {
                private static IEnumerator<IAwaitable> Patrol(Task<int> t) { Thread.Sleep(10); int x = t.Result; File.ReadAllText("a"); yield break; }
            }
            """));

        Assert.That(diagnostics, Has.Length.EqualTo(3));
        Assert.That(diagnostics[0].GetMessage(CultureInfo.InvariantCulture), Is.EqualTo(
            "'Thread.Sleep' blocks the event loop's thread inside coroutine 'Patrol', and every other task of the loop stops with it. Use 'yield return Co.Sleep(seconds)' instead."));
        Assert.That(diagnostics[1].GetMessage(CultureInfo.InvariantCulture), Does.StartWith("'Task.Result' blocks").And.EndWith("Use 'yield return Co.Await(task)' instead."));
        Assert.That(diagnostics[2].GetMessage(CultureInfo.InvariantCulture), Does.EndWith("Use 'yield return Co.Offload(() => File.ReadAllText(...))' instead."));
    }
}
