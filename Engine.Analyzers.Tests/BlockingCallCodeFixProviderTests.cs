using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace YieldLoop.Analyzers.Tests;

[TestFixture]
public class BlockingCallCodeFixProviderTests
{
    private static string InCoroutine(string statement) => Verify.WithUsings($$"""
        public static class Game
        {
            private static IEnumerator<IAwaitable> Run(Task task, Task<int> answer, ValueTask<int> value, int delay, TimeSpan span)
            {
                {{statement}}
                yield break;
            }
        }
        """);

    private static void Fix(string before, string after) =>
        Verify.CodeFix(new BlockingCallAnalyzer(), new BlockingCallCodeFixProvider(), InCoroutine(before), InCoroutine(after));

    [TestCase("Thread.Sleep(100);", "yield return Co.Sleep(0.1);")]
    [TestCase("Thread.Sleep(2000);", "yield return Co.Sleep(2.0);")]
    [TestCase("Thread.Sleep(delay);", "yield return Co.Sleep(delay / 1000.0);")]
    [TestCase("Thread.Sleep(delay * 2);", "yield return Co.Sleep((delay * 2) / 1000.0);")]
    [TestCase("Thread.Sleep(span);", "yield return Co.Sleep(span);")]
    [TestCase("Thread.Sleep(TimeSpan.FromSeconds(1));", "yield return Co.Sleep(TimeSpan.FromSeconds(1));")]
    [TestCase("task.Wait();", "yield return Co.Await(task);")]
    [TestCase("answer.Wait();", "yield return Co.Await(answer);")]
    [TestCase("_ = answer.Result;", "yield return Co.Await(answer);")]
    [TestCase("_ = value.Result;", "yield return Co.Await(value);")]
    [TestCase("task.GetAwaiter().GetResult();", "yield return Co.Await(task);")]
    [TestCase("_ = answer.GetAwaiter().GetResult();", "yield return Co.Await(answer);")]
    [TestCase("Task.WaitAll(task, answer);", "yield return Co.Await(Task.WhenAll(task, answer));")]
    [TestCase("Task.WaitAny(task, answer);", "yield return Co.Await(Task.WhenAny(task, answer));")]
    [TestCase("Thread.Sleep(10); // wait a bit", "yield return Co.Sleep(0.01); // wait a bit")]
    public void A_blocking_statement_becomes_a_yield(string before, string after) => Fix(before, after);

    [TestCase("int x = answer.Result;")]
    [TestCase("Thread.Sleep(Timeout.Infinite);")]
    [TestCase("task.Wait(100);")]
    [TestCase("answer.ConfigureAwait(false).GetAwaiter().GetResult();")]
    [TestCase("File.ReadAllText(\"a\");")]
    public void A_blocking_call_that_is_not_a_plain_statement_gets_no_fix(string statement)
    {
        Assert.That(Verify.Actions(new BlockingCallAnalyzer(), new BlockingCallCodeFixProvider(), InCoroutine(statement), out Document _), Is.Empty);
    }
}
