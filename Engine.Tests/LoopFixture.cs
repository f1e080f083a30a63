using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// A base for test classes whose tests share one loop: a fresh <see cref="TestLoop"/> per test (a manual clock,
/// unhandled failures recorded instead of printed), closed after the test if the test did not close it. Tests that need
/// a different setup build their own <see cref="TestLoop"/> and ignore these fields.
/// </summary>
public abstract class LoopFixture
{
    private protected ManualClock _clock = null!;
    private protected EventLoop _loop = null!;
    private protected List<Exception> _unhandled = null!;
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
}
