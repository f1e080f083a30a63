using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>R50 (loop-only APIs refuse other threads), R51 (Post from other threads), R53 (an idle run sleeps).</summary>
public partial class EventLoopTests
{
    // ---- R50: loop-only APIs from another thread -----------------------------------------------------------------

    private static IEnumerable<TestCaseData> LoopOnlyCalls()
    {
        yield return Case("Tick", (l, _) => l.Tick());
        yield return Case("RunForever", (l, _) => l.RunForever());
        yield return Case("RunUntilComplete(Future)", (l, f) => l.RunUntilComplete(f));
        yield return Case("TryRunUntilComplete", (l, f) => l.TryRunUntilComplete(f));
        yield return Case("RunUntilComplete(Future<T>)", (l, _) => l.RunUntilComplete(new FutureSource<int>(l).Future));
        yield return Case("RunUntilComplete(coroutine)", (l, _) => l.RunUntilComplete(Run(() => { })));
        yield return Case("RunUntilComplete<T>(coroutine)", (l, _) => l.RunUntilComplete<int>(Run(() => { })));
        yield return Case("Start", (l, _) => l.Start(Run(() => { })));
        yield return Case("Start<T>", (l, _) => l.Start<int>(Run(() => { })));
        yield return Case("CallSoon", (l, _) => l.CallSoon(() => { }));
        yield return Case("CallLater(double)", (l, _) => l.CallLater(1.0, () => { }));
        yield return Case("CallLater(TimeSpan)", (l, _) => l.CallLater(TimeSpan.FromSeconds(1), () => { }));
        yield return Case("CallAt", (l, _) => l.CallAt(TimeSpan.FromSeconds(1), () => { }));
        yield return Case("Close", (l, _) => l.Close());
        yield return Case("Future.Cancel", (_, f) => f.Cancel());
        yield return Case("Future.AddCallback", (_, f) => f.AddCallback(_ => { }));
        yield return Case("Future.RemoveCallback", (_, f) => f.RemoveCallback(_ => { }));
        yield return Case("FutureSource.SetResult", (l, _) => new FutureSource(l).SetResult());
        yield return Case("FutureSource.TrySetResult", (l, _) => new FutureSource(l).TrySetResult());
        yield return Case("FutureSource.TrySetException", (l, _) => new FutureSource(l).TrySetException(new InvalidOperationException()));
        yield return Case("FutureSource.TrySetCanceled", (l, _) => new FutureSource(l).TrySetCanceled());
        yield return Case("FutureSource<T>.TrySetResult", (l, _) => new FutureSource<int>(l).TrySetResult(1));
        yield return Case("Co.Shield", (_, f) => Co.Shield(f));

        static TestCaseData Case(string name, Action<EventLoop, Future> call) => new TestCaseData(call).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(LoopOnlyCalls))]
    public void LoopOnlyApi_CalledFromAnotherThread_ThrowsAndChangesNothing_R50(Action<EventLoop, Future> call)
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var source = new FutureSource(loop);
        var log = new List<string>();
        loop.Start(WaitThenLog(source.Future, log, "waiter"));
        t.Tick();
        int pendingTasks = loop.PendingTaskCount;
        int pendingTimers = loop.PendingTimerCount;

        Exception? ex = OnOtherThread(() => call(loop, source.Future));

        Assert.That(ex, Is.TypeOf<InvalidOperationException>());
        Assert.That(ex!.Message, Does.Contain("EventLoop 'test-loop' belongs to thread " + Environment.CurrentManagedThreadId));
        Assert.That(ex.Message, Does.Contain("hand work over with Post"));
        Assert.That(loop.IsClosed, Is.False);
        Assert.That(loop.PendingTaskCount, Is.EqualTo(pendingTasks));
        Assert.That(loop.PendingTimerCount, Is.EqualTo(pendingTimers));
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Pending));

        source.SetResult();
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "waiter" }), "the loop works on as before");
        Assert.That(loop.TickCount, Is.EqualTo(2));
    }

    [Test]
    public void ThreadSafeMembers_WorkFromAnotherThread_R50_R51()
    {
        var t = new TestLoop(startSeconds: 3);
        EventLoop loop = t.Loop;
        loop.CallLater(1, () => { });
        t.Tick();
        Exception? ex = OnOtherThread(() =>
        {
            Assert.That(loop.Name, Is.EqualTo("test-loop"));
            Assert.That(loop.Time, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(loop.TickCount, Is.EqualTo(1));
            Assert.That(loop.PendingTaskCount, Is.EqualTo(1));
            Assert.That(loop.PendingTimerCount, Is.EqualTo(1));
            Assert.That(loop.IsClosed, Is.False);
            Assert.That(loop.TryPost(() => { }), Is.True);
            loop.Post(() => { });
            loop.Stop();
        });
        Assert.That(ex, Is.Null);
    }

    // ---- R51: Post -----------------------------------------------------------------------------------------------

    [Test]
    public void Post_RunsInTheNextTickOnTheLoopThread_R51()
    {
        var t = new TestLoop();
        int loopThread = Environment.CurrentManagedThreadId;
        int ranOn = -1;
        long ranIn = -1;
        Assert.That(OnOtherThread(() => t.Loop.Post(() =>
        {
            ranOn = Environment.CurrentManagedThreadId;
            ranIn = t.Loop.TickCount;
        })), Is.Null);
        Assert.That(ranOn, Is.EqualTo(-1));
        t.Tick();
        Assert.That(ranOn, Is.EqualTo(loopThread));
        Assert.That(ranIn, Is.EqualTo(1));
    }

    [Test]
    public void Post_Null_ThrowsArgumentNullException_R51()
    {
        var t = new TestLoop();
        Assert.That(() => t.Loop.Post(null!), Throws.ArgumentNullException);
        Assert.That(() => t.Loop.TryPost(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void Post_ACallbackThatThrows_GoesToTheHandler_R51_R18()
    {
        var t = new TestLoop();
        var boom = new InvalidOperationException("posted boom");
        Assert.That(OnOtherThread(() => t.Loop.Post(() => throw boom)), Is.Null);
        t.Tick();
        Assert.That(t.Unhandled, Is.EqualTo(new[] { boom }));
    }

    [Test]
    [Category("Stress")]
    public void Post_FromFourThreadsRacingTick_KeepsFifoPerThreadAndLosesNothing_R51()
    {
        const int Threads = 4;
        const int PerThread = 10_000;
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var received = new List<int>[Threads];
        for (int i = 0; i < Threads; i++)
        {
            received[i] = new List<int>(PerThread);
        }

        int total = 0;
        using var start = new Barrier(Threads + 1);
        var posters = Enumerable.Range(0, Threads).Select(index => new Thread(() =>
        {
            start.SignalAndWait();
            for (int n = 0; n < PerThread; n++)
            {
                int value = n;
                loop.Post(() =>
                {
                    received[index].Add(value);
                    total++;
                });
            }
        })
        { IsBackground = true }).ToList();
        posters.ForEach(p => p.Start());
        start.SignalAndWait();

        var watchdog = Stopwatch.StartNew();
        while (total < Threads * PerThread && watchdog.Elapsed < HangGuard.Limit)   // a hang guard only
        {
            loop.Tick();
        }

        posters.ForEach(p => p.Join());
        loop.Tick();
        Assert.That(total, Is.EqualTo(Threads * PerThread), "nothing posted is lost");
        for (int i = 0; i < Threads; i++)
        {
            Assert.That(received[i], Is.EqualTo(Enumerable.Range(0, PerThread)), $"thread {i}: FIFO per posting thread");
        }

        Assert.That(loop.PendingTaskCount, Is.Zero);
    }

    [Test]
    [Category("Stress")]
    public void Post_FromFourThreadsToAnIdleRun_WakesItEveryTimeAndLosesNothing_R51_R53()
    {
        const int Threads = 4;
        const int PerThread = 10_000;
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var done = new FutureSource(loop);
        var last = new int[Threads];
        int total = 0;
        int outOfOrder = 0;
        using var start = new Barrier(Threads);
        var posters = Enumerable.Range(0, Threads).Select(index => new Thread(() =>
        {
            start.SignalAndWait();
            for (int n = 1; n <= PerThread; n++)
            {
                int value = n;
                loop.Post(() =>
                {
                    if (value != last[index] + 1)
                    {
                        outOfOrder++;
                    }

                    last[index] = value;
                    if (++total == Threads * PerThread)
                    {
                        done.SetResult();
                    }
                });

                if (n % 1000 == 0)
                {
                    Thread.Yield();   // let the loop go idle between bursts
                }
            }
        })
        { IsBackground = true }).ToList();

        var watchdog = new Watchdog(loop);
        posters.ForEach(p => p.Start());

        bool completed = loop.TryRunUntilComplete(done.Future);
        watchdog.Dispose();
        posters.ForEach(p => p.Join());

        Assert.That(watchdog.Fired, Is.False, $"a wake-up was lost: the watchdog had to stop the run ({total} of {Threads * PerThread} callbacks had run)");
        Assert.That(completed, Is.True);
        Assert.That(outOfOrder, Is.Zero);
        Assert.That(last, Is.All.EqualTo(PerThread));
    }

    [Test]
    public void TryPost_RacingClose_EitherRefusesOrIsAccountedFor_R36_R51()
    {
        // Each poster stops when refused or after a bounded number of posts: on a machine whose cores are busy, posters
        // that never stop could fill the inbox faster than a descheduled loop thread drains it (gigabytes of posts).
        const int Threads = 4;
        const int MaxPostsEach = 50_000;
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        int accepted = 0;
        int ran = 0;
        int finished = 0;
        using var start = new Barrier(Threads + 1);
        var posters = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (int n = 0; n < MaxPostsEach && loop.TryPost(() => ran++); n++)
            {
                Interlocked.Increment(ref accepted);
            }

            Interlocked.Increment(ref finished);
        })
        { IsBackground = true }).ToList();
        posters.ForEach(p => p.Start());
        start.SignalAndWait();

        // Close while the posters are still posting (most runs): tick until some posts ran, then close.
        var guard = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 20 || (ran < 1_000 && Volatile.Read(ref finished) < Threads && guard.Elapsed < HangGuard.Limit); i++)
        {
            loop.Tick();
        }

        IReadOnlyList<Future> cancelled = loop.Close();
        posters.ForEach(p => p.Join());

        Assert.That(ran + cancelled.Count, Is.EqualTo(Volatile.Read(ref accepted)),
            "every accepted post either ran or was cancelled by Close and returned");
        Assert.That(cancelled.All(c => c.IsCancelled), Is.True);
    }

    /// <summary>Stops the loop if a run takes longer than a limit, so a lost wake-up fails a test instead of hanging it.</summary>
    private sealed class Watchdog : IDisposable
    {
        private readonly ManualResetEventSlim _finished = new(false);
        private readonly Thread _thread;
        private int _fired;

        public Watchdog(EventLoop loop)
        {
            _thread = new Thread(() =>
            {
                if (!_finished.Wait(HangGuard.Limit))
                {
                    Interlocked.Exchange(ref _fired, 1);
                    loop.Stop();
                }
            })
            { IsBackground = true, Name = "EventLoopTests watchdog" };
            _thread.Start();
        }

        /// <summary>Gets whether the limit passed and the watchdog stopped the loop.</summary>
        public bool Fired => Volatile.Read(ref _fired) != 0;

        public void Dispose()
        {
            _finished.Set();
            _thread.Join();
            _finished.Dispose();
        }
    }

    // ---- R53: an idle run sleeps ---------------------------------------------------------------------------------

    [Test]
    [Category("Timing")]
    public void IdleRunOnARealClock_SleepsUntilTheNextTimerInsteadOfSpinning_R53()
    {
        var loop = new EventLoop(new RealClock(), "real");
        LoopTask task = loop.Start(SleepThenLog(Co.Sleep(0.3), new List<string>(), "woke"));
        var watchdog = new Watchdog(loop);
        var watch = Stopwatch.StartNew();
        loop.RunUntilComplete(task);
        watch.Stop();
        watchdog.Dispose();

        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.3)), "never early (R7)");

        // Late only as a gross check: how soon a woken thread gets a core is up to the machine (seconds when it is
        // loaded). The tick count below is the measure of sleeping rather than spinning.
        Assert.That(watch.Elapsed, Is.LessThan(HangGuard.Limit / 2));
        Assert.That(loop.TickCount, Is.LessThan(50), "a few ticks (a timer wheel may wake to cascade), not thousands");
    }

    [Test]
    [Category("Timing")]
    public void IdleRunOnARealClock_WakesPromptlyOnPost_R53()
    {
        // The post is made once the loop thread is blocked in its wait (a signal, not a time window), and the far timer is
        // an hour away: only the post's wake-up can end the run before the watchdog does.
        var loop = new EventLoop(new RealClock(), "real");
        var done = new FutureSource(loop);
        loop.Start(SleepThenLog(Co.Sleep(3600), new List<string>(), "far timer"));
        Thread loopThread = Thread.CurrentThread;
        using var firstTick = new ManualResetEventSlim(false);
        loop.CallSoon(firstTick.Set);
        var watch = new Stopwatch();
        bool asleep = false;
        var poster = new Thread(() =>
        {
            firstTick.Wait();
            asleep = LoopThreads.WaitUntilBlocked(loopThread, HangGuard.Limit);
            watch.Start();
            loop.Post(() => done.SetResult());
        })
        { IsBackground = true };
        poster.Start();

        var watchdog = new Watchdog(loop);
        bool completed = loop.TryRunUntilComplete(done.Future);
        watch.Stop();
        watchdog.Dispose();
        poster.Join();

        Assert.That(asleep, Is.True, "the idle run slept before the post");
        Assert.That(watchdog.Fired, Is.False, "the post did not wake the loop: the watchdog had to stop it");
        Assert.That(completed, Is.True);

        // A gross check only (a woken thread may wait seconds for a core on a loaded machine); the watchdog is the direct one.
        Assert.That(watch.Elapsed, Is.LessThan(HangGuard.Limit / 2), "the post woke the sleeping loop");
        Assert.That(loop.TickCount, Is.LessThan(50));
    }

    [Test]
    [Category("Timing")]
    public void IdleRunOnAManualClock_BlocksUntilAPost_R53()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var done = new FutureSource(loop);
        loop.CallLater(10, () => { });   // a timer that manual time never reaches
        using var firstTick = new ManualResetEventSlim(false);
        loop.CallSoon(firstTick.Set);
        long ticksSeenByPoster = -1;
        Thread loopThread = Thread.CurrentThread;
        bool asleep = false;
        var poster = new Thread(() =>
        {
            firstTick.Wait();

            // Wait until the loop thread is blocked in its wait (a spinning loop never is), then read the tick count.
            asleep = LoopThreads.WaitUntilBlocked(loopThread, HangGuard.Limit);
            ticksSeenByPoster = loop.TickCount;
            loop.Post(() => done.SetResult());
        })
        { IsBackground = true };
        poster.Start();

        var watchdog = new Watchdog(loop);
        bool completed = loop.TryRunUntilComplete(done.Future);
        watchdog.Dispose();
        poster.Join();

        Assert.That(watchdog.Fired, Is.False, "the post did not wake the loop: the watchdog had to stop it");
        Assert.That(completed, Is.True);
        Assert.That(asleep, Is.True, "the idle run blocked instead of ticking");
        Assert.That(ticksSeenByPoster, Is.LessThanOrEqualTo(2), "the idle run blocked instead of ticking");
        Assert.That(loop.Time, Is.EqualTo(TimeSpan.Zero), "manual time did not move");
    }

    [Test]
    [Category("Timing")]
    public void IdleRunOnAManualClock_ReturnsFalseWhenAnotherThreadCallsStop_R53_R37()
    {
        var t = new TestLoop();
        EventLoop loop = t.Loop;
        var never = new FutureSource(loop);
        using var firstTick = new ManualResetEventSlim(false);
        loop.CallSoon(firstTick.Set);
        var stopper = new Thread(() =>
        {
            firstTick.Wait();
            loop.Stop();
        })
        { IsBackground = true };
        stopper.Start();

        bool completed = loop.TryRunUntilComplete(never.Future);
        stopper.Join();
        Assert.That(completed, Is.False);
        Assert.That(never.Future.State, Is.EqualTo(FutureState.Pending));
        Assert.That(loop.TickCount, Is.LessThanOrEqualTo(2));
    }

    [Test]
    public void PostsFromOneThread_InterleavedWithTicks_KeepTheirOrder_R51()
    {
        var t = new TestLoop();
        var seen = new ConcurrentQueue<int>();
        using var posted = new AutoResetEvent(false);
        using var ticked = new AutoResetEvent(false);
        var poster = new Thread(() =>
        {
            for (int batch = 0; batch < 10; batch++)
            {
                for (int i = 0; i < 100; i++)
                {
                    int value = (batch * 100) + i;
                    t.Loop.Post(() => seen.Enqueue(value));
                }

                posted.Set();
                ticked.WaitOne();
            }
        })
        { IsBackground = true };
        poster.Start();
        for (int batch = 0; batch < 10; batch++)
        {
            posted.WaitOne();
            t.Tick();
            Assert.That(seen, Has.Count.EqualTo((batch + 1) * 100), "a post made before a tick runs in it");
            ticked.Set();
        }

        poster.Join();
        Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 1000)));
    }
}
