using System;
using System.Collections.Generic;

namespace YieldLoop.Tests;

/// <summary>
/// Small helper coroutines that several test classes use in exactly the same form. A helper that differs between
/// classes (even only slightly) stays in its class.
/// </summary>
internal static class TestCoroutines
{
    internal static IEnumerator<IAwaitable> Wait(Future future)
    {
        yield return future;
    }

    internal static IEnumerator<IAwaitable> Empty()
    {
        yield break;
    }

    internal static IEnumerator<IAwaitable> Steps(List<string> log, int count)
    {
        for (int i = 0; i < count; i++)
        {
            log.Add("step " + i);
            yield return Co.NextTick;
        }
    }

    internal static IEnumerator<IAwaitable> ThrowAfterOneTick(Exception failure)
    {
        yield return Co.NextTick;
        throw failure;
    }

    internal static IEnumerator<IAwaitable> ThrowingFinally(Exception fromFinally, IEnumerator<IAwaitable> body)
    {
        try
        {
            yield return Co.Call(body);
        }
        finally
        {
#pragma warning disable CA2219 // R35 is about exactly this: a finally block that throws.
            throw fromFinally;
#pragma warning restore CA2219
        }
    }

    /// <summary>Waits for <paramref name="future"/>, then logs <paramref name="name"/>.</summary>
    internal static IEnumerator<IAwaitable> WaitThenLog(Future future, List<string> log, string name)
    {
        yield return future;
        log.Add(name);
    }

    internal static IEnumerator<IAwaitable> Waiter(Future future, Action after)
    {
        yield return future;
        after();
    }

    internal static IEnumerator<IAwaitable> AwaitTask(LoopTask<int> child, List<long> log)
    {
        yield return child;
        log.Add(1);
        yield return Co.Return(child.Result + 1);
    }

    internal static IEnumerator<IAwaitable> ReturnString(string s)
    {
        yield return Co.NextTick;
        yield return Co.Return(s);
    }

    internal static IEnumerator<IAwaitable> ReturnAfterTicks(int ticks, int value)
    {
        for (int i = 0; i < ticks; i++)
        {
            yield return Co.NextTick;
        }

        yield return Co.Return(value);
    }

    internal static IEnumerator<IAwaitable> Do(Action action)
    {
        action();
        yield break;
    }
}
