using System.Collections.Generic;

namespace YieldLoop.Tests.Sync;

/// <summary>Small coroutines the primitive tests start, each logging when it got in and when it left.</summary>
internal static class SyncWork
{
    /// <summary>
    /// Acquires <paramref name="lck"/>, logs "name in", holds it <paramref name="holdTicks"/> ticks, logs "name out" and
    /// releases it.
    /// </summary>
    public static IEnumerator<IAwaitable> UseLock(CoLock lck, int holdTicks, List<string> log, string name)
    {
        yield return lck.Acquire();
        try
        {
            log.Add(name + " in");
            for (int i = 0; i < holdTicks; i++)
            {
                yield return Co.NextTick;
            }

            log.Add(name + " out");
        }
        finally
        {
            lck.Release();
        }
    }

    /// <summary>
    /// Acquires a permit of <paramref name="semaphore"/>, logs "name in", holds it <paramref name="holdTicks"/> ticks,
    /// then (also when cancelled while holding it) logs "name out" and releases it.
    /// </summary>
    public static IEnumerator<IAwaitable> UseSemaphore(CoSemaphore semaphore, int holdTicks, List<string> log, string name)
    {
        yield return semaphore.Acquire();
        try
        {
            log.Add(name + " in");
            for (int i = 0; i < holdTicks; i++)
            {
                yield return Co.NextTick;
            }
        }
        finally
        {
            log.Add(name + " out");
            semaphore.Release();
        }
    }
}
