using System.Threading.Tasks;

namespace YieldLoop.Benchmarks.Workloads;

/// <summary>
/// The <c>async</c>/<c>await</c> versions of W1 and W3, run on a <see cref="SingleThreadSynchronizationContext"/>.
/// </summary>
internal static class AsyncBaselines
{
    /// <summary>W1(c): <c>await Task.Yield()</c> <paramref name="count"/> times (each posts to the context).</summary>
    internal static async Task YieldMany(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await Task.Yield();
        }
    }

    /// <summary>
    /// W3 baseline, serving side: the same protocol as <see cref="Coroutines.Ping"/>, with a
    /// <see cref="TaskCompletionSource{TResult}"/> per hand-off. Continuations run asynchronously (posted to the
    /// context), as the engine's waiters resume in the next tick and never inside the completing call (R4).
    /// </summary>
    internal static async Task Ping(AsyncPingPongPair pair, int roundTrips)
    {
        for (int i = 0; i < roundTrips; i++)
        {
            var reply = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            pair.ToPing = reply;
            pair.ToPong!.SetResult(pair.Ball);
            pair.Ball = await reply.Task + 1;
        }
    }

    /// <summary>W3 baseline, answering side (see <see cref="Coroutines.Pong"/>).</summary>
    internal static async Task Pong(AsyncPingPongPair pair, int roundTrips)
    {
        for (int i = 0; i < roundTrips; i++)
        {
            int ball = await pair.ToPong!.Task;
            pair.ToPong = i + 1 < roundTrips
                ? new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)
                : null;
            pair.ToPing!.SetResult(ball + 1);
        }
    }
}
