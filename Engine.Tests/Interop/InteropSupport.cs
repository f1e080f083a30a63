using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace YieldLoop.Tests.Interop;

/// <summary>Helpers for the interop tests: bounded waits instead of sleeps, and small coroutines.</summary>
internal static class InteropSupport
{
    /// <summary>How long any cross-thread wait may take before the test fails instead of hanging: a hang guard only
    /// (<see cref="HangGuard"/>), generous so that a loaded machine cannot trip it; every wait ends on a signal.</summary>
    public static readonly TimeSpan Bound = HangGuard.Limit;

    /// <summary>Runs <paramref name="future"/> to completion; a timer stops the loop after <see cref="Bound"/> so a lost
    /// hand-over fails the test (RunUntilComplete then throws "stopped") instead of hanging it.</summary>
    public static void RunBounded(EventLoop loop, Future future)
    {
        using var guard = new Timer(_ => loop.Stop(), null, Bound, Timeout.InfiniteTimeSpan);
        bool completed = loop.TryRunUntilComplete(future);
        Assert.That(completed, Is.True, $"{future} did not complete within {Bound.TotalSeconds} s.");
    }

    /// <summary>Waits for a task started on another thread, failing the test after <see cref="Bound"/>.</summary>
    public static T Within<T>(Task<T> task)
    {
        Assert.That(task.Wait(Bound), Is.True, "the task did not complete in time");
        return task.Result;
    }

    public static void Within(ManualResetEventSlim signal, string what)
    {
        Assert.That(signal.Wait(Bound), Is.True, what + " did not happen in time");
    }

    /// <summary>Runs <paramref name="action"/> on a new thread and returns what it threw, if anything.</summary>
    public static Exception? OnOtherThread(Action action)
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
        { IsBackground = true };
        thread.Start();
        Assert.That(thread.Join(Bound), Is.True, "the other thread did not finish in time");
        return caught;
    }

    /// <summary>A coroutine that yields <paramref name="future"/> and records where it resumed.</summary>
    public static IEnumerator<IAwaitable> WaitOn(Future future, List<int> resumedOn)
    {
        yield return future;
        resumedOn.Add(Environment.CurrentManagedThreadId);
    }

    public static IEnumerator<IAwaitable> Forever(List<string>? log = null)
    {
        try
        {
            while (true)
            {
                yield return Co.NextTick;
            }
        }
        finally
        {
            log?.Add("finally on " + Environment.CurrentManagedThreadId);
        }
    }
}
