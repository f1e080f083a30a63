using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MyGame.Docs.Testing;
using NUnit.Framework;
using NUnit.Framework.Internal;

namespace YieldLoop.Tests.Docs;

using TestLoop = MyGame.Docs.Testing.TestLoop;   // the doc's helper, not this project's own YieldLoop.Tests.TestLoop

/// <summary>
/// Checks the parts of docs/testing.md that are not NUnit tests themselves (those live in
/// Engine.Tests/Docs/Snippets/Testing*.cs and run as they are): the copyable <see cref="TestLoop"/> helper and the
/// failure messages the doc promises.
/// </summary>
public class TestingSnippetTests
{
    [Test]
    public void TestLoopRun_PlaysFrames_AndEndsExactlyAfterTheGivenTime()
    {
        var t = new TestLoop();
        long ticksBefore = t.Loop.TickCount;

        t.Run(seconds: 1, frame: 0.3);

        Assert.That(t.Clock.Now, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(t.Loop.TickCount - ticksBefore, Is.EqualTo(4), "0.3, 0.6, 0.9, then the last short frame to 1.0");
        t.Close();
    }

    [Test]
    public void TestLoopRunUntil_JumpsFromDeadlineToDeadline()
    {
        var t = new TestLoop();
        var bomb = new Bomb();
        LoopTask fuse = t.Loop.Start(bomb.Fuse(3600));

        t.RunUntil(fuse);

        Assert.That(t.Clock.Now, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(t.Loop.TickCount, Is.LessThanOrEqualTo(3));
        Assert.That(bomb.Log, Is.EqualTo(new[] { "lit", "boom", "fuse out" }));
        t.Close();
    }

    [Test]
    public void TestLoopRunUntil_FailsWithTheLiveTaskTree_WhenTheFutureCannotComplete()
    {
        var t = new TestLoop();
        var vault = new Vault(t.Loop);
        LoopTask opening = t.Loop.Start(vault.WaitForKey(), "open vault");

        AssertionException? failure;
        using (new TestExecutionContext.IsolatedContext())
        {
            failure = Assert.Throws<AssertionException>(() => t.RunUntil(opening, maxTicks: 5));
        }

        // The doc shows this message in its ```text block: keep the two the same.
        string shown = DocSnippets.ReadCodeBlocks(File.ReadAllText(Path.Combine(DocSnippets.RepositoryRoot(), "docs", "testing.md")))
            .Single(b => b.Language == "text").Text;
        Assert.That(failure!.Message.Replace("\r\n", "\n", StringComparison.Ordinal).Trim(), Is.EqualTo(shown));
        Assert.That(shown, Does.Contain("'open vault' waiting on future"));
        t.Close();
    }

    [Test]
    public void TestLoopClose_CancelsWhatRuns_AndFailsOnUnobservedFailures()
    {
        var t = new TestLoop();
        var bomb = new Bomb();
        t.Loop.Start(bomb.Fuse(10));
        t.Loop.Start(Throw());
        t.Loop.Tick();
        t.Loop.Tick();

        AssertionException? failure;
        using (new TestExecutionContext.IsolatedContext())
        {
            failure = Assert.Throws<AssertionException>(t.Close);
        }

        Assert.That(bomb.Log, Is.EqualTo(new[] { "lit", "fuse out" }), "Close ran the finally block");
        Assert.That(failure!.Message, Does.Contain("Nobody waited for this."));
        Assert.That(t.Loop.IsClosed, Is.True);
    }

    [Test]
    public void TheDump_NamesTheTaskThatWaits_AndWhatItWaitsOn()
    {
        var loop = new EventLoop(new ManualClock(), "test");
        var vault = new Vault(loop);
        loop.Start(vault.WaitForKey(), "open vault");
        loop.Tick();

        string dump = loop.Diagnostics.Dump();
        DeadlockReport? deadlock = loop.Diagnostics.FindDeadlock();

        TestContext.Out.WriteLine(dump);
        TestContext.Out.WriteLine(deadlock);
        Assert.That(dump, Does.StartWith("Loop 'test' at 00:00:00.000: 1 task (1 waiting)"));
        Assert.That(dump, Does.Contain("'open vault' waiting on"));
        Assert.That(deadlock, Is.Not.Null, "nothing in the loop can complete the key's future");
        loop.Close();
    }

    private static IEnumerator<IAwaitable> Throw()
    {
        yield return Co.NextTick;
        throw new InvalidOperationException("Nobody waited for this.");
    }
}
