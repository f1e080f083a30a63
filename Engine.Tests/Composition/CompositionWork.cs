using System;
using System.Collections.Generic;

namespace YieldLoop.Tests.Composition;

/// <summary>Small coroutines the combinator and task-group tests start as children, each logging what it did.</summary>
internal static class CompositionWork
{
    /// <summary>Sleeps, then ends; logs "name done" or, when cancelled, only "name finally".</summary>
    public static IEnumerator<IAwaitable> Sleep(double seconds, List<string> log, string name)
    {
        try
        {
            yield return Co.Sleep(seconds);
            log.Add(name + " done");
        }
        finally
        {
            log.Add(name + " finally");
        }
    }

    /// <summary>Sleeps, then returns <paramref name="value"/>.</summary>
    public static IEnumerator<IAwaitable> SleepReturn<T>(double seconds, T value, List<string> log, string name)
    {
        try
        {
            yield return Co.Sleep(seconds);
            log.Add(name + " done");
            yield return Co.Return(value);
        }
        finally
        {
            log.Add(name + " finally");
        }
    }

    /// <summary>Sleeps, then throws <paramref name="failure"/>.</summary>
    public static IEnumerator<IAwaitable> SleepThrow(double seconds, Exception failure, List<string> log, string name)
    {
        try
        {
            yield return Co.Sleep(seconds);
            log.Add(name + " throws");
            throw failure;
        }
        finally
        {
            log.Add(name + " finally");
        }
    }

    /// <summary>Sleeps; when cancelled, its finally throws <paramref name="failure"/> (R35).</summary>
    public static IEnumerator<IAwaitable> SleepThrowInFinally(double seconds, Exception failure, List<string> log, string name)
    {
        try
        {
            yield return Co.Sleep(seconds);
            log.Add(name + " done");
        }
        finally
        {
            log.Add(name + " finally");
#pragma warning disable CA2219 // R35 is about exactly this: a finally block that throws.
            throw failure;
#pragma warning restore CA2219
        }
    }

    /// <summary>
    /// Sleeps; its finally logs "name finally" and throws <paramref name="failure"/>, whether the sleep ended or was
    /// cancelled (unlike <see cref="SleepThrowInFinally"/>, it logs no "name done") (R35).
    /// </summary>
    public static IEnumerator<IAwaitable> SleepThrowFromFinally(double seconds, Exception failure, List<string> log, string name)
    {
        try
        {
            yield return Co.Sleep(seconds);
        }
        finally
        {
            log.Add(name + " finally");
#pragma warning disable CA2219 // R35 is about exactly this: a finally block that throws.
            throw failure;
#pragma warning restore CA2219
        }
    }

    /// <summary>Waits for <paramref name="future"/> to settle (Co.Settle, never throwing) and logs the state it saw.</summary>
    public static IEnumerator<IAwaitable> SettleAndLog(Future future, List<string> log, string name)
    {
        try
        {
            yield return Co.Settle(future);
            log.Add(name + " resumed " + future.State);
        }
        finally
        {
            log.Add(name + " finally");
        }
    }

    /// <summary>Sleeps forever, 1000 seconds at a time (unlike <see cref="Forever"/>, it is not woken every tick).</summary>
    public static IEnumerator<IAwaitable> SleepForever(List<string> log, string name)
    {
        try
        {
            while (true)
            {
                yield return Co.Sleep(1000);
            }
        }
        finally
        {
            log.Add(name + " finally");
        }
    }

    /// <summary>Waits on <paramref name="future"/> and logs the outcome the coroutine saw.</summary>
    public static IEnumerator<IAwaitable> Await(Future future, List<string> log, string name)
    {
        try
        {
            yield return future;
            log.Add(name + " resumed");
        }
        finally
        {
            log.Add(name + " finally");
        }
    }

    /// <summary>Runs forever, one tick at a time, counting its steps.</summary>
    public static IEnumerator<IAwaitable> Forever(List<string> log, string name)
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
            log.Add(name + " finally");
        }
    }

    /// <summary>Logs that its body ran, then ends.</summary>
    public static IEnumerator<IAwaitable> Body(List<string> log, string name)
    {
        log.Add(name + " body");
        yield break;
    }
}
