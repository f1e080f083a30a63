using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>
/// Tests of <see cref="EventLoop"/>: the tick and its ordering (R1-R6), timers and time (R7-R12), closing and
/// stopping (R36, R37), threads (R50-R53) and bad input (R60, R61). One partial class per theme:
/// EventLoopTests.Ticks.cs, .Timers.cs, .Close.cs, .Threads.cs, .BadInput.cs. This part holds the shared coroutines.
/// </summary>
[TestFixture]
public partial class EventLoopTests : LoopFixture
{
    public EventLoopTests()
        : base("event-loop")
    {
    }

    /// <summary>Runs <paramref name="action"/> as the whole body of a one-step coroutine.</summary>
    private static IEnumerator<IAwaitable> Run(Action action)
    {
        action();
        yield break;
    }

    /// <summary>Logs <paramref name="name"/> once per tick, forever.</summary>
    private static IEnumerator<IAwaitable> Forever(List<string> log, string name)
    {
        while (true)
        {
            log.Add(name);
            yield return Co.NextTick;
        }
    }

    /// <summary>Sleeps, then logs <paramref name="name"/> with the loop time.</summary>
    private static IEnumerator<IAwaitable> SleepThenLog(IAwaitable sleep, List<string> log, string name)
    {
        yield return sleep;
        log.Add(name);
    }

    /// <summary>Waits on a future nobody completes; counts its finally block.</summary>
    private static IEnumerator<IAwaitable> Pending(Future never, StrongBox<int> finallies)
    {
        try
        {
            yield return never;
        }
        finally
        {
            finallies.Value++;
        }
    }

    /// <summary>Runs <paramref name="action"/> on a new dedicated thread, joins it, and returns what it threw.</summary>
    internal static Exception? OnOtherThread(Action action)
    {
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception ex)
            {
                caught = ex;
            }
        })
        {
            IsBackground = true,
            Name = "EventLoopTests other thread",
        };
        thread.Start();
        Assert.That(thread.Join(HangGuard.Limit), Is.True, "the other thread hung");
        return caught;
    }

    /// <summary>A mutable box for values that coroutines and lambdas share with the test.</summary>
    internal sealed class StrongBox<T>
    {
        public StrongBox(T value)
        {
            Value = value;
        }

        public T Value { get; set; }
    }
}
