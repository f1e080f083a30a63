using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using DocExamples.Async;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>Runs the snippets of docs/async.md: real threads and tasks, short real waits, each bounded by
/// <see cref="HangGuard"/>.</summary>
[TestFixture]
public class AsyncSnippetTests
{
    private StringWriter _log = null!;

    [SetUp]
    public void SetUp() => _log = new StringWriter();

    [TearDown]
    public void TearDown() => _log.Dispose();

    private string[] Printed
    {
        get
        {
            lock (_log)
            {
                return _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToArray();
            }
        }
    }

    [Test]
    public void LoopGroup_LetsAsyncCodeAwaitACoroutine_OnALoopTickedByItsOwnThread()
    {
        Task<int> answer = Task.Run(AsyncSnippets.AskTheGameLoop);

        Assert.That(answer.Wait(HangGuard.Limit), Is.True, "the awaited coroutine never completed");
        Assert.That(answer.Result, Is.EqualTo(42));
    }

    [Test]
    public void AsTask_CompletesWhenTheHostTicksTheLoop()
    {
        string report = AsyncSnippets.HostTicks(_log);

        Assert.That(report, Is.EqualTo("loaded forest"));
        Assert.That(Printed, Is.EqualTo(new[] { "loaded forest" }));
    }

    [Test]
    public void RunCoroutineThreadsafeAsync_RunsACoroutineHandedOverFromAnotherThread()
    {
        Task<int> run = Task.Factory.StartNew(AsyncSnippets.FromAnotherThread, TaskCreationOptions.LongRunning);

        Assert.That(run.Wait(HangGuard.Limit), Is.True);
        Assert.That(run.Result, Is.EqualTo(42));
    }

    [Test]
    public void TheLoopsSynchronizationContext_ContinuesAsyncMethodsOnTheLoopThread()
    {
        Task run = Task.Factory.StartNew(() => AsyncSnippets.ContextOnTheLoopThread(_log), TaskCreationOptions.LongRunning);

        Assert.That(run.Wait(HangGuard.Limit), Is.True);
        Assert.That(Printed, Is.EqualTo(new[] { "after its await, the async method ran on the loop thread: True" }));
    }

    [Test]
    public void CoAwait_WaitsForATaskAndAValueTask_AndCarriesAFailure()
    {
        var loop = new EventLoop();
        loop.RunUntilComplete(AsyncSnippets.ReadSave(_log));
        loop.Close();

        Assert.That(Printed, Is.EqualTo(new[] { "save-1: level 3, 4 slots", "The disk is full." }));
    }

    [Test]
    public void CancelWhen_ATokenCancelsALoopTask_WhichRunsItsFinallyBlocks()
    {
        var loop = new EventLoop(new ManualClock());
        AsyncSnippets.CancelFromDotNet(loop, _log);
        loop.Close();

        Assert.That(Printed, Is.EqualTo(new[] { "music stopped", "Cancelled" }));
    }

    [Test]
    public void CancellingACoroutine_FiresTheTokenOfTheDotNetWorkItAwaits()
    {
        var loop = new EventLoop();
        loop.RunUntilComplete(AsyncSnippets.Download(loop, TextWriter.Synchronized(_log)));   // two threads write
        loop.Close();

        Assert.That(Printed, Does.Contain("Cancelled"));
        // The token fires from the thread pool; the download's catch block runs there, soon after.
        var deadline = DateTime.UtcNow + HangGuard.Limit;
        while (!Printed.Contains("download cancelled") && DateTime.UtcNow < deadline)
        {
            Task.Delay(5).Wait();
        }

        Assert.That(Printed, Does.Contain("download cancelled"));
    }

    [Test]
    public void Offload_RunsTheWorkOnThePool_AndResumesWithItsResult()
    {
        var loop = new EventLoop();
        loop.RunUntilComplete(AsyncSnippets.BakeLighting(_log));
        loop.Close();

        Assert.That(Printed, Is.EqualTo(new[] { "baked 2000000 samples" }));
    }

    [Test]
    public void TheDocShowsEverySnippet()
    {
        string doc = File.ReadAllText(Path.Combine(DocSnippets.RepositoryRoot(), "docs", "async.md"));
        foreach (string name in new[]
        {
            "async-loopgroup", "async-astask", "async-astask-method", "async-threadsafe", "async-context",
            "async-context-coroutine", "async-await-task", "async-token-in", "async-token-out", "async-offload",
        })
        {
            Assert.That(doc, Does.Contain($"<!-- snippet: {name} -->"));
        }
    }
}
