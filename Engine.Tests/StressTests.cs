using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>
/// Depth, length and scale: the trampoline keeps nesting and chains of completions off the call stack (docs/semantics.md
/// R25, R26), and parked tasks cost a tick nothing.
/// </summary>
[TestFixture]
[Category("Stress")]
public class StressTests
{
    private const int Depth = 100_000;
    private const int Million = 1_000_000;

    // ---- R25: deep nesting ---------------------------------------------------------------------------------------------

    [Test]
    public void NestedCalls_100000Deep_RunAndUnwindEveryFinally_WithoutStackOverflow_R25()
    {
        var t = new TestLoop();
        var unwound = new List<int>(Depth + 1);
        var reached = new int[1];

        LoopTask task = t.Loop.Start(Nest(Depth, unwound, reached, () => Co.NextTick));
        t.Tick();
        Assert.That(reached[0], Is.EqualTo(Depth + 1), "every level ran inline in the first step");
        Assert.That(unwound, Is.Empty);
        t.Tick();

        Assert.That(task.IsSucceeded, Is.True);
        AssertUnwoundInnermostFirst(unwound);
    }

    [Test]
    public void NestedCalls_100000Deep_AFailureUnwindsEveryFinallyInnermostFirst_WithABoundedTrace_R25_R21()
    {
        var t = new TestLoop();
        var unwound = new List<int>(Depth + 1);
        var reached = new int[1];
        var failure = new FormatException("at the bottom");

        LoopTask task = t.Loop.Start(Nest(Depth, unwound, reached, () => throw failure), "deep");
        t.Tick();

        Assert.That(task.Exception, Is.SameAs(failure));
        AssertUnwoundInnermostFirst(unwound);
        string trace = failure.GetCoroutineTrace()!;
        Assert.That(trace, Does.Contain("omitted"));
        Assert.That(trace.Length, Is.LessThan(10_000), "bounded, however deep the chain");
    }

    [Test]
    public void NestedCalls_100000Deep_CancellationDisposesEveryFrameInnermostFirst_R25_R30()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var unwound = new List<int>(Depth + 1);
        var reached = new int[1];

        LoopTask task = t.Loop.Start(Nest(Depth, unwound, reached, () => source.Future));
        t.Tick();
        task.Cancel();
        t.Tick();

        Assert.That(task.IsCancelled, Is.True);
        AssertUnwoundInnermostFirst(unwound);
        Assert.That(source.Future.IsCancelled, Is.True);
    }

    [Test]
    public void NestedTypedCalls_100000Deep_PassTheirResultsBackUp_R25()
    {
        var t = new TestLoop();

        LoopTask<long> task = t.Loop.Start<long>(SumDown(Depth));
        t.Tick();

        Assert.That(task.Result, Is.EqualTo((long)Depth * (Depth + 1) / 2));
    }

    // ---- R26: long chains of synchronous completions -------------------------------------------------------------------

    [Test]
    public void AMillionCompletedFutures_YieldedByOneCoroutine_FinishInOneStepWithoutStackOverflow_R26()
    {
        var t = new TestLoop();
        var count = new int[1];

        LoopTask task = t.Loop.Start(YieldCompletedFutures(t.Loop, Million, count));
        t.Tick();

        Assert.That(task.IsSucceeded, Is.True, "one step: every yield continued at once (R19)");
        Assert.That(count[0], Is.EqualTo(Million));
    }

    [Test]
    public void AMillionFutures_EachCompletedFromThePreviousOnesCallback_FinishWithoutStackOverflow_R26()
    {
        var t = new TestLoop();
        var chain = new CallbackChain(t.Loop, Million);

        chain.Begin();
        long ticks = 0;
        while (!chain.Done && ticks < Million + 10)
        {
            t.Loop.Tick();
            ticks++;
        }

        Assert.That(chain.Completed, Is.EqualTo(Million));
        Assert.That(ticks, Is.EqualTo(Million), "each callback runs in the tick after its future completed (R17)");
    }

    [Test]
    public void AChainOf100000WaitingTasks_CompletesAndCancelsWithoutStackOverflow_R26_R31()
    {
        var t = new TestLoop();
        var first = new FutureSource(t.Loop);
        var last = new FutureSource(t.Loop);
        var tasks = new List<LoopTask>(Depth);
        tasks.Add(t.Loop.Start(Wait(first.Future)));
        for (int i = 1; i < Depth; i++)
        {
            tasks.Add(t.Loop.Start(Wait(tasks[i - 1])));
        }

        var cancelled = new List<LoopTask>(Depth);
        cancelled.Add(t.Loop.Start(Wait(last.Future)));
        for (int i = 1; i < Depth; i++)
        {
            cancelled.Add(t.Loop.Start(Wait(cancelled[i - 1])));
        }

        t.Tick();

        cancelled[Depth - 1].Cancel();   // walks the whole chain down to the last future, without recursion
        first.SetResult();
        t.Tick(Depth + 1);

        Assert.That(tasks[Depth - 1].IsSucceeded, Is.True);
        Assert.That(cancelled.TrueForAll(task => task.IsCancelled), Is.True);
        Assert.That(last.Future.IsCancelled, Is.True);
    }

    // ---- scale: parked tasks cost a tick nothing -----------------------------------------------------------------------

    [Test]
    public void ATickWithAMillionParkedTasks_CostsAboutAsMuchAsATickWithOnlyTheReadyTask()
    {
        const int samples = 301;
        const int ticksPerSample = 50;

        var busy = new TestLoop();
        var sources = new FutureSource[1_000];
        for (int i = 0; i < sources.Length; i++)
        {
            sources[i] = new FutureSource(busy.Loop);
        }

        for (int i = 0; i < Million; i++)
        {
            busy.Loop.Start(Wait(sources[i % sources.Length].Future));
        }

        busy.Loop.Start(Forever());
        busy.Tick();   // the million tasks park
        Assert.That(busy.Loop.PendingTaskCount, Is.EqualTo(Million + 1));

        var idle = new TestLoop();
        idle.Loop.Start(Forever());

        // Warm up both, then alternate the measurements so both loops see the same machine conditions.
        Sample(busy.Loop, ticksPerSample * 20);
        Sample(idle.Loop, ticksPerSample * 20);
        var busyTimes = new long[samples];
        var idleTimes = new long[samples];
        for (int s = 0; s < samples; s++)
        {
            busyTimes[s] = Sample(busy.Loop, ticksPerSample);
            idleTimes[s] = Sample(idle.Loop, ticksPerSample);
        }

        // Compare the fastest samples, not the medians: other processes on the machine only ever add time to a sample
        // (a preemption, a stolen core), so the minimum is each loop's own cost, and it stays put on a loaded machine
        // where the medians drift apart. A tick that visited a million parked tasks would still cost a thousand times
        // more, in every sample.
        long busyFastest = busyTimes.Min();
        long idleFastest = idleTimes.Min();
        TestContext.Out.WriteLine(
            $"fastest of {samples} samples of {ticksPerSample} ticks: {busyFastest * 1e9 / Stopwatch.Frequency:F0} ns with a million parked tasks, {idleFastest * 1e9 / Stopwatch.Frequency:F0} ns without"
            + $" (medians {Median(busyTimes) * 1e9 / Stopwatch.Frequency:F0} and {Median(idleTimes) * 1e9 / Stopwatch.Frequency:F0} ns)");
        Assert.That(busyFastest, Is.LessThanOrEqualTo(idleFastest * 3), "parked tasks must not be visited by a tick");
        Assert.That(busy.Loop.PendingTaskCount, Is.EqualTo(Million + 1));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------------

    private static void AssertUnwoundInnermostFirst(List<int> unwound)
    {
        Assert.That(unwound, Has.Count.EqualTo(Depth + 1), "every finally ran once");
        for (int i = 0; i < unwound.Count; i++)
        {
            if (unwound[i] != i)
            {
                Assert.Fail($"finally blocks ran out of order: position {i} was level {unwound[i]} (innermost is level 0)");
            }
        }
    }

    private static long Sample(EventLoop loop, int ticks)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < ticks; i++)
        {
            loop.Tick();
        }

        return Stopwatch.GetTimestamp() - start;
    }

    private static long Median(long[] values)
    {
        var sorted = (long[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    /// <summary>Completes future k+1 from the completion callback of future k, a million times.</summary>
    private sealed class CallbackChain
    {
        private readonly EventLoop _loop;
        private readonly int _length;
        private readonly Action<Future> _onCompleted;

        public CallbackChain(EventLoop loop, int length)
        {
            _loop = loop;
            _length = length;
            _onCompleted = OnCompleted;
        }

        public int Completed { get; private set; }

        public bool Done => Completed == _length;

        public void Begin() => Next();

        private void Next()
        {
            var source = new FutureSource(_loop);
            source.Future.AddCallback(_onCompleted);
            source.SetResult();
        }

        private void OnCompleted(Future future)
        {
            Assert.That(future.IsSucceeded, Is.True);
            Completed++;
            if (Completed < _length)
            {
                Next();
            }
        }
    }

    // ---- coroutines ----------------------------------------------------------------------------------------------------

    /// <summary>Levels <paramref name="level"/> down to 0 called inline; each records its level when its finally runs.</summary>
    private static IEnumerator<IAwaitable> Nest(int level, List<int> unwound, int[] reached, Func<IAwaitable> innermost)
    {
        reached[0]++;
        try
        {
            yield return level == 0 ? innermost() : Co.Call(Nest(level - 1, unwound, reached, innermost));
        }
        finally
        {
            unwound.Add(level);
        }
    }

    private static IEnumerator<IAwaitable> SumDown(int level)
    {
        if (level == 0)
        {
            yield return Co.Return(0L);
            yield break;
        }

        Call<long> rest = Co.Call<long>(SumDown(level - 1));
        yield return rest;
        yield return Co.Return(rest.Result + level);
    }

    private static IEnumerator<IAwaitable> YieldCompletedFutures(EventLoop loop, int count, int[] seen)
    {
        for (int i = 0; i < count; i++)
        {
            var source = new FutureSource(loop);
            source.SetResult();
            yield return source.Future;
            seen[0]++;
        }
    }

    private static IEnumerator<IAwaitable> Forever()
    {
        while (true)
        {
            yield return Co.NextTick;
        }
    }
}
