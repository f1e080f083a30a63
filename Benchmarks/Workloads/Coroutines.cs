using System.Collections.Generic;
using YieldLoop;

namespace YieldLoop.Benchmarks.Workloads;

/// <summary>
/// The coroutines of issue 3's workloads. The ratios mode and the BenchmarkDotNet suite both use these, and each
/// baseline advances the very same iterator types, so a ratio compares schedulers, never coroutine bodies.
/// </summary>
internal static class Coroutines
{
    /// <summary>W1, W6, W8: yields <c>null</c> (next tick) <paramref name="count"/> times, then ends.</summary>
    internal static IEnumerator<IAwaitable> YieldNull(int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return Co.NextTick;
        }
    }

    /// <summary>W6: yields <c>null</c> forever (the one coroutine that keeps the loop ticking).</summary>
    internal static IEnumerator<IAwaitable> Spin()
    {
        while (true)
        {
            yield return Co.NextTick;
        }
    }

    /// <summary>
    /// W2: sleeps <paramref name="count"/> times, for the durations (100 ns ticks) stored in
    /// <paramref name="durations"/> from <paramref name="offset"/> on (drawn once, seeded, before the run).
    /// </summary>
    internal static IEnumerator<IAwaitable> Sleeper(long[] durations, int offset, int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return Co.Sleep(new System.TimeSpan(durations[offset + i]));
        }
    }

    /// <summary>W5: sleeps once, for a long time (the task stays parked on its timer).</summary>
    internal static IEnumerator<IAwaitable> LongSleep()
    {
        yield return Co.Sleep(1_000_000);
    }

    /// <summary>W5, W6: waits for <paramref name="future"/> once.</summary>
    internal static IEnumerator<IAwaitable> WaitFor(Future future)
    {
        yield return future;
    }

    /// <summary>W4: runs <see cref="Child"/> inline <paramref name="calls"/> times.</summary>
    internal static IEnumerator<IAwaitable> Parent(int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            yield return Co.Call(Child());
        }
    }

    /// <summary>W4: the child coroutine: yields once (next tick), then ends.</summary>
    internal static IEnumerator<IAwaitable> Child()
    {
        yield return Co.NextTick;
    }

    /// <summary>
    /// W3, the serving side of a pair: <paramref name="roundTrips"/> times, waits for the ball, then hands it back
    /// plus one. Each hand-off is a new one-shot future (<see cref="FutureSource{T}"/>), created by the side that
    /// will wait on it, before the other side can complete it.
    /// </summary>
    internal static IEnumerator<IAwaitable> Ping(PingPongPair pair, int roundTrips)
    {
        EventLoop loop = pair.Loop;
        for (int i = 0; i < roundTrips; i++)
        {
            var reply = new FutureSource<int>(loop);
            pair.ToPing = reply;
            pair.ToPong!.SetResult(pair.Ball);
            yield return reply.Future;
            pair.Ball = reply.Future.Result + 1;
        }
    }

    /// <summary>W3, the answering side: waits for the ball, prepares its next inbox, and sends the ball back.</summary>
    internal static IEnumerator<IAwaitable> Pong(PingPongPair pair, int roundTrips)
    {
        EventLoop loop = pair.Loop;
        for (int i = 0; i < roundTrips; i++)
        {
            Future<int> inbox = pair.ToPong!.Future;
            yield return inbox;
            int ball = inbox.Result;
            pair.ToPong = i + 1 < roundTrips ? new FutureSource<int>(loop) : null;
            pair.ToPing!.SetResult(ball + 1);
        }
    }

    /// <summary>
    /// W3 with reusable hand-offs, the serving side: sends the ball on the current round of <c>ToPong</c>, waits for
    /// the current round of <c>ToPing</c>, reads it and resets it for the next round (nothing is allocated).
    /// </summary>
    internal static IEnumerator<IAwaitable> ReusablePing(ReusablePingPongPair pair, int roundTrips)
    {
        ResettableFutureSource<int> toPong = pair.ToPong;
        ResettableFutureSource<int> toPing = pair.ToPing;
        int ball = 0;
        for (int i = 0; i < roundTrips; i++)
        {
            int round = toPing.Version;
            toPong.SetResult(toPong.Version, ball);
            yield return toPing.Wait(round);
            ball = toPing.GetResult(round) + 1;
            toPing.Reset();
        }

        pair.Ball = ball;
    }

    /// <summary>W3 with reusable hand-offs, the answering side: waits for the ball, resets its inbox, sends it back.</summary>
    internal static IEnumerator<IAwaitable> ReusablePong(ReusablePingPongPair pair, int roundTrips)
    {
        ResettableFutureSource<int> toPong = pair.ToPong;
        ResettableFutureSource<int> toPing = pair.ToPing;
        for (int i = 0; i < roundTrips; i++)
        {
            int round = toPong.Version;
            yield return toPong.Wait(round);
            int ball = toPong.GetResult(round);
            toPong.Reset();
            toPing.SetResult(toPing.Version, ball + 1);
        }
    }

    /// <summary>BDN start+complete: ends at its first step.</summary>
    internal static IEnumerator<IAwaitable> Noop()
    {
        yield break;
    }

    /// <summary>BDN sleep: sleeps <paramref name="seconds"/> again and again, forever.</summary>
    internal static IEnumerator<IAwaitable> SleepForever(double seconds)
    {
        while (true)
        {
            yield return Co.Sleep(seconds);
        }
    }
}
