using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>Shared helpers: a loop on a manual clock that records unhandled exceptions instead of printing them.</summary>
internal sealed class TestLoop
{
    public TestLoop(double startSeconds = 0, string name = "test-loop")
    {
        Clock = new ManualClock(TimeSpan.FromSeconds(startSeconds));
        Loop = new EventLoop(Clock, name);
        Loop.UnhandledExceptionHandler = Unhandled.Add;
    }

    public ManualClock Clock { get; }

    public EventLoop Loop { get; }

    public List<Exception> Unhandled { get; } = new();

    /// <summary>Runs <paramref name="count"/> ticks without moving the clock.</summary>
    public void Tick(int count = 1)
    {
        for (int i = 0; i < count; i++)
        {
            Loop.Tick();
        }
    }

    /// <summary>Advances the clock by <paramref name="seconds"/> and ticks once.</summary>
    public void AdvanceAndTick(double seconds)
    {
        Clock.Advance(seconds);
        Loop.Tick();
    }

    /// <summary>Ticks until <paramref name="future"/> completes, at most <paramref name="maxTicks"/> ticks.</summary>
    public void TickUntil(Future future, int maxTicks = 1000)
    {
        for (int i = 0; i < maxTicks && !future.IsCompleted; i++)
        {
            Loop.Tick();
        }

        Assert.That(future.IsCompleted, Is.True, $"{future} did not complete within {maxTicks} ticks.");
    }
}
