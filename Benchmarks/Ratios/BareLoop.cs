using System.Collections.Generic;
using System.Runtime.CompilerServices;
using YieldLoop.Internal;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// The physical limit of W1 and W2: the same iterators advanced round-robin by a loop that only calls
/// <see cref="System.Collections.IEnumerator.MoveNext"/> (no queue, no dispatch, no timers).
/// </summary>
/// <remarks>One call is one round, like one tick, so the method is called often enough to reach tier 1 with the
/// same dynamic PGO (guarded devirtualization of MoveNext) as the engine's tick. Never inlined: inlined into the
/// caller that runs once per repetition, the loop would only ever run as on-stack-replacement code, measured about
/// 1.5 times slower here.</remarks>
internal static class BareLoop
{
    /// <summary>Advances every iterator once; returns whether any of them is still running.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static bool Round(IEnumerator<IAwaitable>[] iterators)
    {
        bool any = false;
        for (int i = 0; i < iterators.Length; i++)
        {
            any |= iterators[i].MoveNext();
        }

        return any;
    }

    /// <summary>
    /// W2: advances every iterator once and hands the one-shot <c>Co.Sleep</c> request it yielded back to its pool,
    /// as the loop does, so the coroutine bodies allocate nothing here either.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static bool SleepRound(IEnumerator<IAwaitable>[] iterators)
    {
        bool any = false;
        for (int i = 0; i < iterators.Length; i++)
        {
            IEnumerator<IAwaitable> it = iterators[i];
            if (it.MoveNext())
            {
                Unsafe.As<SleepRequest>(it.Current).Release();
                any = true;
            }
        }

        return any;
    }
}
