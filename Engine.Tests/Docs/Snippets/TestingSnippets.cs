// Snippets of docs/testing.md. Most regions are NUnit tests themselves: running them is what checks them.
// Engine.Tests/Docs/TestingSnippetTests.cs checks the rest (the helper class, the failure messages).
using System;
using System.Collections.Generic;
using NUnit.Framework;
using YieldLoop;

namespace MyGame.Docs.Testing;

// <snippet:testing-code-under-test>
public sealed class Bomb
{
    public List<string> Log { get; } = new();

    public IEnumerator<IAwaitable> Fuse(double seconds)
    {
        Log.Add("lit");
        try
        {
            yield return Co.Sleep(seconds);
            Log.Add("boom");
        }
        finally
        {
            Log.Add("fuse out");                    // runs when the fuse ends, fails or is cancelled
        }
    }
}
// </snippet:testing-code-under-test>

public class BombTests
{
    // <snippet:testing-first>
    [Test]
    public void TheBomb_ExplodesAfterItsFuse()
    {
        var clock = new ManualClock();              // time moves only when the test says so
        var loop = new EventLoop(clock, "test");
        var bomb = new Bomb();
        LoopTask fuse = loop.Start(bomb.Fuse(3));

        loop.Tick();                                // the first step: "lit", then it sleeps until 3 s
        Assert.That(bomb.Log, Is.EqualTo(new[] { "lit" }));

        clock.Advance(3);
        loop.Tick();                                // the timer is due: the coroutine runs to its end
        Assert.That(bomb.Log, Is.EqualTo(new[] { "lit", "boom", "fuse out" }));
        Assert.That(fuse.IsSucceeded, Is.True);
    }
    // </snippet:testing-first>

    // <snippet:testing-deadline>
    [Test]
    public void TheBomb_DoesNotExplodeAMomentEarly()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "test");
        var bomb = new Bomb();
        loop.Start(bomb.Fuse(3));
        loop.Tick();

        Assert.That(loop.NextWakeTime, Is.EqualTo(TimeSpan.FromSeconds(3)));   // the next deadline the loop knows
        clock.Set(TimeSpan.FromSeconds(3) - TimeSpan.FromTicks(1));            // 100 ns before it
        loop.Tick();
        Assert.That(bomb.Log, Does.Not.Contain("boom"));

        clock.Set(loop.NextWakeTime!.Value);                                    // exactly at it
        loop.Tick();
        Assert.That(bomb.Log, Does.Contain("boom"));
    }
    // </snippet:testing-deadline>

    // <snippet:testing-cancel>
    [Test]
    public void DefusingTheBomb_RunsItsFinallyBlock()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "test");
        var bomb = new Bomb();
        LoopTask fuse = loop.Start(bomb.Fuse(3));
        loop.Tick();

        Assert.That(fuse.Cancel(), Is.True);
        Assert.That(fuse.IsCompleted, Is.False);    // cancellation is delivered at the task's next turn...
        loop.Tick();                                // ...which is the next tick

        Assert.That(fuse.IsCancelled, Is.True);
        Assert.That(bomb.Log, Is.EqualTo(new[] { "lit", "fuse out" }));
        Assert.That(loop.PendingTimerCount, Is.Zero);   // the sleep left the loop with the task
    }
    // </snippet:testing-cancel>
}

public class RunUntilTests
{
    // <snippet:testing-autojump>
    [Test]
    public void ADayOfGameTime_RunsInMilliseconds()
    {
        var clock = new ManualClock { AutoJump = true };   // when nothing is ready, jump to the next deadline
        var loop = new EventLoop(clock, "test");
        var sunrises = new List<TimeSpan>();
        loop.Start(DayNight(days: 3, sunrises));

        loop.RunUntilIdle();                        // until no task waits for anything any more

        Assert.That(sunrises, Is.EqualTo(new[] { TimeSpan.FromHours(6), TimeSpan.FromHours(30), TimeSpan.FromHours(54) }));
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromHours(72)));   // exactly at the last deadline
    }

    private static IEnumerator<IAwaitable> DayNight(int days, List<TimeSpan> sunrises)
    {
        for (int day = 0; day < days; day++)
        {
            yield return Co.Sleep(TimeSpan.FromHours(6));
            sunrises.Add(EventLoop.Current!.Time);
            yield return Co.Sleep(TimeSpan.FromHours(18));
        }
    }
    // </snippet:testing-autojump>

    // <snippet:testing-result>
    [Test]
    public void RunUntilComplete_GivesTheResultOrThrowsTheFailure()
    {
        var loop = new EventLoop(new ManualClock { AutoJump = true }, "test");

        int score = loop.RunUntilComplete<int>(Score(hits: 3));
        Assert.That(score, Is.EqualTo(300));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => loop.RunUntilComplete<int>(Score(hits: -1)));
        Assert.That(error!.ParamName, Is.EqualTo("hits"));   // the same exception object the coroutine threw
    }

    private static IEnumerator<IAwaitable> Score(int hits)
    {
        yield return Co.Sleep(1.5);                 // needs AutoJump: see below
        ArgumentOutOfRangeException.ThrowIfNegative(hits);
        yield return Co.Return(hits * 100);
    }
    // </snippet:testing-result>
}

public class OrderTests
{
    // <snippet:testing-order>
    [Test]
    public void ReadyWork_RunsInTheOrderItBecameReady()
    {
        var loop = new EventLoop(new ManualClock(), "test");
        var log = new List<string>();
        loop.Start(Say(log, "a"));
        loop.Start(Say(log, "b"));
        loop.CallSoon(() => log.Add("callback"));

        loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { "a1", "b1", "callback" }));   // first in, first out
        loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { "a1", "b1", "callback", "a2", "b2" }));   // each NextTick: one tick later
    }

    private static IEnumerator<IAwaitable> Say(List<string> log, string name)
    {
        log.Add(name + "1");
        yield return Co.NextTick;
        log.Add(name + "2");
    }
    // </snippet:testing-order>
}

public class UnhandledTests
{
    // <snippet:testing-unhandled>
    private EventLoop _loop = null!;
    private readonly List<Exception> _unhandled = new();

    [SetUp]
    public void SetUp()
    {
        _loop = new EventLoop(new ManualClock(), "test");
        _loop.UnhandledExceptionHandler = _unhandled.Add;   // not standard error, where a test passes anyway
    }

    [TearDown]
    public void TearDown()
    {
        _loop.Close();                              // cancels what still runs; its finally blocks run
        Assert.That(_unhandled, Is.Empty, () => string.Join("\n\n", _unhandled));
        _unhandled.Clear();
    }

    [Test]
    public void AFireAndForgetFailure_IsReportedAtTheEndOfItsTick()
    {
        _loop.Start(Explode());                     // nobody waits on this task
        _loop.Tick();
        _loop.Tick();                               // it throws in its second step

        Assert.That(_unhandled, Has.Count.EqualTo(1));
        Assert.That(_unhandled[0].Message, Is.EqualTo("Kaboom."));
        _unhandled.Clear();                         // expected here; any other test that leaves one fails
    }

    private static IEnumerator<IAwaitable> Explode()
    {
        yield return Co.NextTick;
        throw new InvalidOperationException("Kaboom.");
    }
    // </snippet:testing-unhandled>
}
