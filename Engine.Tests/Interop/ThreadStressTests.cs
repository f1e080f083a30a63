using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using NUnit.Framework;

namespace YieldLoop.Tests.Interop;

/// <summary>
/// R51 under load: 8 threads complete 125,000 futures each with the thread-safe completion API while the loop ticks
/// and cancels some of them. Every future ends with exactly one outcome, every continuation runs once on the loop
/// thread, and nothing is lost.
/// </summary>
[TestFixture]
[Category("Stress")]
public class ThreadStressTests
{
    private const int Threads = 8;
    private const int PerThread = 125_000;
    private const int Total = Threads * PerThread;
    private const int Batch = 2_000;

    // Outcomes a posting thread chooses.
    private const byte Succeed = 1;
    private const byte Fail = 2;
    private const byte Cancel = 3;

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void EightThreads_CompleteAMillionFutures_WhileTheLoopTicksAndCancels_NothingLostNothingTwice(int seed)
    {
        var loop = new EventLoop(new RealClock(), "stress-" + seed);
        var unhandled = new List<Exception>();
        loop.UnhandledExceptionHandler = unhandled.Add;
        int loopThread = Environment.CurrentManagedThreadId;

        var sources = new FutureSource<int>[Total];
        var posted = new byte[Total];          // written by the posting thread before it posts
        var cancelledByLoop = new bool[Total];
        var callbackRuns = new int[Total];
        var coroutineRuns = new int[Total];
        int continuations = 0;
        int wrongThread = 0;
        const int CoroutineEvery = 8;
        int expectedContinuations = Total + (Total / CoroutineEvery);

        for (int i = 0; i < Total; i++)
        {
            sources[i] = new FutureSource<int>(loop);
            int id = i;
            sources[i].Future.AddCallback(_ =>
            {
                callbackRuns[id]++;
                continuations++;
                if (Environment.CurrentManagedThreadId != loopThread)
                {
                    wrongThread++;
                }
            });
        }

        for (int i = 0; i < Total; i += CoroutineEvery)
        {
            loop.Start(Wait(sources[i].Future, i));
        }

        var done = new FutureSource(loop);
        loop.Start(Canceller(new Random(seed)));

        var failure = new InvalidOperationException("posted failure");
        var workers = new Thread[Threads];
        var stopwatch = Stopwatch.StartNew();
        int guardFired = 0;
        for (int t = 0; t < Threads; t++)
        {
            int slice = t;
            workers[t] = new Thread(() => Complete(slice, new Random((seed * 131) + slice))) { IsBackground = true };
        }

        loop.CallSoon(() =>
        {
            foreach (Thread worker in workers)
            {
                worker.Start();   // once the loop runs
            }
        });

        // A hang guard only: the run ends when every continuation ran. Under load a million hand-overs take a while.
        using (var guard = new Timer(
            _ =>
            {
                Volatile.Write(ref guardFired, 1);
                loop.Stop();
            },
            null,
            3 * HangGuard.Limit,
            Timeout.InfiniteTimeSpan))
        {
            Assert.That(loop.TryRunUntilComplete(done.Future), Is.True, $"only {continuations} of {expectedContinuations} continuations ran in time");
        }

        foreach (Thread worker in workers)
        {
            Assert.That(worker.Join(HangGuard.Limit), Is.True);
        }

        loop.Close();
        stopwatch.Stop();
        TestContext.Out.WriteLine($"seed {seed}: {Total} futures in {stopwatch.Elapsed.TotalSeconds:0.00} s, {loop.TickCount} ticks");

        Assert.That(wrongThread, Is.Zero, "continuations that ran off the loop thread");
        int lostFailures = 0;
        for (int i = 0; i < Total; i++)
        {
            lostFailures += cancelledByLoop[i] && posted[i] == Fail ? 1 : 0;
        }

        // A posted failure that lost the race to the loop's cancel is reported (R51); it is one exception object, and
        // one exception object is reported at most once (R23).
        Assert.That(unhandled, Has.Count.EqualTo(lostFailures > 0 ? 1 : 0));
        Assert.That(unhandled, Is.All.SameAs(failure));
        int cancelledCount = 0;
        for (int i = 0; i < Total; i++)
        {
            Future<int> f = sources[i].Future;
            if (callbackRuns[i] != 1 || (i % CoroutineEvery == 0 && coroutineRuns[i] != 1))
            {
                Assert.Fail($"future {i}: callback ran {callbackRuns[i]} times, coroutine {coroutineRuns[i]} times");
            }

            FutureState expected = cancelledByLoop[i] ? FutureState.Cancelled : posted[i] switch
            {
                Succeed => FutureState.Succeeded,
                Fail => FutureState.Faulted,
                _ => FutureState.Cancelled,
            };
            if (f.State != expected || (expected == FutureState.Succeeded && f.Result != i)
                || (expected == FutureState.Faulted && !ReferenceEquals(f.Exception, failure)))
            {
                Assert.Fail($"future {i}: state {f.State}, expected {expected} (posted {posted[i]}, cancelled by loop {cancelledByLoop[i]})");
            }

            cancelledCount += cancelledByLoop[i] ? 1 : 0;
        }

        Assert.That(cancelledCount, Is.GreaterThan(0), "the loop cancelled some futures while the threads posted");

        void Complete(int slice, Random random)
        {
            int start = slice * PerThread;
            long seenTick = loop.TickCount;
            for (int k = 0; k < PerThread; k++)
            {
                if (k % Batch == 0)
                {
                    // Interleave with the loop: wait for a tick between batches, so posts, ticks and cancels race.
                    var spin = default(SpinWait);
                    while (loop.TickCount == seenTick && Volatile.Read(ref guardFired) == 0)
                    {
                        spin.SpinOnce();
                    }

                    seenTick = loop.TickCount;
                }

                int id = start + k;
                int roll = random.Next(10);
                FutureSource<int> source = sources[id];
                if (roll < 8)
                {
                    posted[id] = Succeed;
                    source.PostResult(id);
                }
                else if (roll == 8)
                {
                    posted[id] = Fail;
                    source.PostException(failure);
                }
                else
                {
                    posted[id] = Cancel;
                    source.PostCanceled();
                }
            }
        }

        IEnumerator<IAwaitable> Canceller(Random random)
        {
            while (continuations < expectedContinuations)
            {
                // Cancel a few pending futures per tick, racing the posts that complete them.
                for (int n = 0; n < 20; n++)
                {
                    int id = random.Next(Total);
                    if (!sources[id].Future.IsCompleted && sources[id].Future.Cancel())
                    {
                        cancelledByLoop[id] = true;
                    }
                }

                yield return Co.NextTick;
            }

            done.SetResult();
        }

        IEnumerator<IAwaitable> Wait(Future<int> future, int id)
        {
            yield return Co.Settle(future);
            coroutineRuns[id]++;
            continuations++;
            if (Environment.CurrentManagedThreadId != loopThread)
            {
                wrongThread++;
            }
        }
    }
}
