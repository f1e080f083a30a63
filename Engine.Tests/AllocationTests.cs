using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// The hot path allocates nothing in steady state (STYLE.md 13, ARCHITECTURE.md "Hot paths"): a resume, a park, a
/// wake-up and a tick cost no managed allocation once the loop is warm.
/// </summary>
/// <remarks>
/// Each test starts <see cref="Tasks"/> tasks, warms the loop up (the ready queue, the pools and the JIT reach their
/// steady state), then counts the bytes the test thread allocates over <see cref="Resumes"/> further resumes of every
/// task. Everything the scenario needs (futures, child iterators) is created before the measurement starts.
/// A regression that allocated per resume would show up as at least Tasks x Resumes x 24 bytes (2.4 MB); the
/// allowance (<see cref="MeasuringAllowanceBytes"/>) is far below even one allocation per tick.
/// </remarks>
[TestFixture]
public class AllocationTests
{
    private const int Tasks = 1_000;
    private const int Resumes = 100;
    private const int WarmUpTicks = 50;

    /// <summary>
    /// What the measuring itself may cost. The runtime can allocate an object or two once while the JIT moves the
    /// test's own loops to optimized code (on-stack replacement, dynamic PGO; seen: 24 bytes in Release). The
    /// allowance stays far below one 24-byte object per tick of the measurement (2,400 bytes), so an allocation per
    /// tick, let alone per resume, still fails.
    /// </summary>
    private const long MeasuringAllowanceBytes = 256;

    [Test]
    public void YieldNull_ResumingAllocatesNothing()
    {
        var t = new TestLoop();
        for (int i = 0; i < Tasks; i++)
        {
            t.Loop.Start(LoopYieldingNull());
        }

        t.Tick(WarmUpTicks);
        long bytes = Measure(() => t.Tick(Resumes));

        Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes));
    }

    [Test]
    public void NextTick_ResumingAllocatesNothing()
    {
        var t = new TestLoop();
        for (int i = 0; i < Tasks; i++)
        {
            t.Loop.Start(LoopYieldingNextTick());
        }

        t.Tick(WarmUpTicks);
        long bytes = Measure(() => t.Tick(Resumes));

        Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes));
    }

    [Test]
    public void Sleep_SleepingAndWakingAllocatesNothing()
    {
        var t = new TestLoop();
        for (int i = 0; i < Tasks; i++)
        {
            t.Loop.Start(LoopSleeping(0.010 + (i % 7) * 0.001));
        }

        void Run(int ticks)
        {
            for (int i = 0; i < ticks; i++)
            {
                t.AdvanceAndTick(0.020);   // every sleeper wakes once per tick
            }
        }

        Run(WarmUpTicks);
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(Tasks));
        long bytes = Measure(() => Run(Resumes));

        Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes));
        Assert.That(t.Loop.PendingTimerCount, Is.EqualTo(Tasks));
    }

    [Test]
    public void Interval_WaitingPeriodicallyAllocatesNothing()
    {
        var t = new TestLoop();
        for (int i = 0; i < Tasks; i++)
        {
            t.Loop.Start(LoopOnInterval(Co.Every(0.010)));
        }

        void Run(int ticks)
        {
            for (int i = 0; i < ticks; i++)
            {
                t.AdvanceAndTick(0.010);
            }
        }

        Run(WarmUpTicks);
        long bytes = Measure(() => Run(Resumes));

        Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes));
    }

    [Test]
    public void CompletedFuture_ContinuingPastItAllocatesNothing()
    {
        var t = new TestLoop();
        var done = new FutureSource<int>(t.Loop);
        done.SetResult(1);
        for (int i = 0; i < Tasks; i++)
        {
            t.Loop.Start(LoopOnCompletedFuture(done.Future));
        }

        t.Tick(WarmUpTicks);
        long bytes = Measure(() => t.Tick(Resumes));

        Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes));
    }

    [Test]
    public void PendingFuture_ParkingAndBeingWokenAllocatesNothing()
    {
        const int rounds = WarmUpTicks + Resumes;
        var t = new TestLoop();
        var sources = new FutureSource<int>[rounds + 1][];
        for (int r = 0; r <= rounds; r++)
        {
            sources[r] = new FutureSource<int>[Tasks];
            for (int i = 0; i < Tasks; i++)
            {
                sources[r][i] = new FutureSource<int>(t.Loop);
            }
        }

        for (int i = 0; i < Tasks; i++)
        {
            t.Loop.Start(LoopOnPendingFutures(sources, i));
        }

        t.Tick();   // every task parks on its round-0 future
        int round = 0;
        void Run(int count)
        {
            for (int n = 0; n < count; n++, round++)
            {
                FutureSource<int>[] row = sources[round];
                for (int i = 0; i < row.Length; i++)
                {
                    row[i].SetResult(round);   // wakes one parked task
                }

                t.Tick();                       // it resumes and parks on its next future
            }
        }

        Run(WarmUpTicks);
        long bytes = Measure(() => Run(Resumes));

        Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes));
        Assert.That(sources[round][0].Future.State, Is.EqualTo(FutureState.Pending), "the tasks are parked on the next round");
    }

    [Test]
    public void CoCall_CallingAChildInlineAllocatesNothingBeyondTheChildIterators()
    {
        const int rounds = WarmUpTicks + Resumes + 1;
        var t = new TestLoop();
        var children = new IEnumerator<IAwaitable>[Tasks][];
        for (int i = 0; i < Tasks; i++)
        {
            children[i] = new IEnumerator<IAwaitable>[rounds];
            for (int r = 0; r < rounds; r++)
            {
                children[i][r] = Child();   // created before measuring
            }
        }

        for (int i = 0; i < Tasks; i++)
        {
            t.Loop.Start(LoopCallingChildren(children[i]));
        }

        t.Tick(WarmUpTicks);
        long bytes = Measure(() => t.Tick(Resumes));

        Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes));
    }

    [Test]
    public void CoSettle_SettlingACompletedAndAPendingFutureAllocatesNothing()
    {
        const int rounds = WarmUpTicks + Resumes;
        var t = new TestLoop();
        var done = new FutureSource(t.Loop);
        done.SetException(new FormatException("settled, so never reported"));
        var sources = new FutureSource[rounds + 1][];
        for (int r = 0; r <= rounds; r++)
        {
            sources[r] = new FutureSource[Tasks];
            for (int i = 0; i < Tasks; i++)
            {
                sources[r][i] = new FutureSource(t.Loop);
            }
        }

        for (int i = 0; i < Tasks; i++)
        {
            t.Loop.Start(LoopSettling(sources, i, done.Future));
        }

        t.Tick();
        int round = 0;
        void Run(int count)
        {
            for (int n = 0; n < count; n++, round++)
            {
                FutureSource[] row = sources[round];
                for (int i = 0; i < row.Length; i++)
                {
                    row[i].SetCanceled();
                }

                t.Tick();
            }
        }

        Run(WarmUpTicks);
        long bytes = Measure(() => Run(Resumes));

        Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes));
        Assert.That(t.Unhandled, Is.Empty);
    }

    [Test]
    public void CoSettle_OfACompletedFuture_AllocatesNothing()
    {
        var t = new TestLoop();
        var done = new FutureSource(t.Loop);
        done.SetResult();
        for (int i = 0; i < Tasks; i++)
        {
            t.Loop.Start(LoopSettlingCompleted(done.Future));
        }

        t.Tick(WarmUpTicks);
        long bytes = Measure(() => t.Tick(Resumes));

        Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes));
    }

    // ---- measuring -------------------------------------------------------------------------------------------------

    [Test]
    public void FirstTickAfterABurstOfStarts_ThatRequeuesEveryTask_AllocatesNothing()
    {
        // 100,000 starts fill the ready queue's ring to the brim (it grows during the starts). The first tick runs them
        // all and each task queues itself again: the slots of the entries that already ran are reused, so the tick
        // needs no second array (two arrays swapped at each tick allocated 1.6 MB here). The scenario runs twice, on
        // two loops, and the second is measured: the first brings every method of the path to its optimized code.
        long bytes = 0;
        for (int round = 0; round < 2; round++)
        {
            bytes = BurstThenTwoTicks(100_000);
        }

        Assert.That(bytes, Is.LessThanOrEqualTo(MeasuringAllowanceBytes));
    }

    private static long BurstThenTwoTicks(int burst)
    {
        var t = new TestLoop();
        var iterators = new IEnumerator<IAwaitable>[burst];
        for (int i = 0; i < burst; i++)
        {
            iterators[i] = LoopYieldingNextTick();
        }

        for (int i = 0; i < burst; i++)
        {
            t.Loop.Start(iterators[i]);
        }

        long bytes = Measure(() => t.Tick(2));
        Assert.That(t.Loop.PendingTaskCount, Is.EqualTo(burst));
        t.Loop.Close();
        return bytes;
    }

    private static long Measure(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    // ---- coroutines (endless: each loops until the test drops the loop) -------------------------------------------

    private static IEnumerator<IAwaitable> LoopYieldingNull()
    {
        while (true)
        {
            yield return null!;
        }
    }

    private static IEnumerator<IAwaitable> LoopYieldingNextTick()
    {
        while (true)
        {
            yield return Co.NextTick;
        }
    }

    private static IEnumerator<IAwaitable> LoopSleeping(double seconds)
    {
        while (true)
        {
            yield return Co.Sleep(seconds);
        }
    }

    private static IEnumerator<IAwaitable> LoopOnInterval(Interval interval)
    {
        while (true)
        {
            yield return interval;
        }
    }

    private static IEnumerator<IAwaitable> LoopOnCompletedFuture(Future done)
    {
        while (true)
        {
            yield return done;          // continues at once (R19)
            yield return Co.NextTick;
        }
    }

    private static IEnumerator<IAwaitable> LoopOnPendingFutures(FutureSource<int>[][] sources, int index)
    {
        for (int r = 0; r < sources.Length; r++)
        {
            Future<int> future = sources[r][index].Future;
            yield return future;
            _ = future.Result;
        }
    }

    private static IEnumerator<IAwaitable> LoopCallingChildren(IEnumerator<IAwaitable>[] children)
    {
        for (int r = 0; r < children.Length; r++)
        {
            yield return Co.Call(children[r]);
        }
    }

    private static IEnumerator<IAwaitable> Child()
    {
        yield return Co.NextTick;   // the task resumes inside the child, then the child ends and the parent goes on
    }

    private static IEnumerator<IAwaitable> LoopSettling(FutureSource[][] sources, int index, Future done)
    {
        for (int r = 0; r < sources.Length; r++)
        {
            yield return Co.Settle(done);                        // already complete: continues at once
            yield return Co.Settle(sources[r][index].Future);    // parks; woken when it is cancelled
        }
    }

    private static IEnumerator<IAwaitable> LoopSettlingCompleted(Future done)
    {
        while (true)
        {
            yield return Co.Settle(done);
            yield return Co.NextTick;
        }
    }
}
