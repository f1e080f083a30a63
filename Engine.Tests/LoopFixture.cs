using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// A base for test classes whose tests share one loop: a fresh <see cref="TestLoop"/> per test (a manual clock,
/// unhandled failures recorded instead of printed) and a fresh <see cref="_log"/>, the loop closed after the test if the
/// test did not close it. Tests that need a different setup build their own <see cref="TestLoop"/> and ignore these
/// fields.
/// </summary>
public abstract class LoopFixture
{
    private protected ManualClock _clock = null!;
    private protected EventLoop _loop = null!;
    private protected List<Exception> _unhandled = null!;

    /// <summary>What the test's coroutines did, in order; empty at the start of every test.</summary>
    private protected List<string> _log = null!;
    private readonly string _loopName;
    private TestLoop _test = null!;

    private protected LoopFixture(string loopName)
    {
        _loopName = loopName;
    }

    [SetUp]
    public void SetUpLoop()
    {
        _test = new TestLoop(name: _loopName);
        _clock = _test.Clock;
        _loop = _test.Loop;
        _unhandled = _test.Unhandled;
        _log = new List<string>();
    }

    [TearDown]
    public void CloseLoop()
    {
        if (!_loop.IsClosed)
        {
            _loop.Close();
        }
    }

    private protected void Tick(int n = 1) => _test.Tick(n);

    /// <summary>Advances the clock by <paramref name="seconds"/> and ticks once.</summary>
    private protected void AdvanceAndTick(double seconds) => _test.AdvanceAndTick(seconds);

    /// <summary>Ticks <paramref name="n"/> times, advancing the clock by 0.1 s before each tick.</summary>
    private protected void Ticks(int n)
    {
        for (int i = 0; i < n; i++)
        {
            _clock.Advance(0.1);
            _loop.Tick();
        }
    }

    /// <summary>
    /// Ticks until <paramref name="future"/> completes, advancing the clock by 0.25 s before each tick; fails the test
    /// if it is still pending after <paramref name="maxTicks"/> ticks.
    /// </summary>
    private protected void AdvanceAndTickUntil(Future future, int maxTicks = 200)
    {
        for (int i = 0; i < maxTicks && !future.IsCompleted; i++)
        {
            _clock.Advance(0.25);
            _loop.Tick();
        }

        Assert.That(future.IsCompleted, Is.True, $"{future} did not complete");
    }
}
