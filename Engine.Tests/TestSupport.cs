using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>Shared helpers: a loop on a manual clock that records unhandled exceptions instead of printing them.</summary>
internal sealed class TestLoop
{
    public TestLoop(double startSeconds = 0, string name = "test-loop")
    {
        Clock = new ManualClock(TimeSpan.FromSeconds(startSeconds));
        Loop = new EventLoop(Clock, name);
        Loop.UnhandledExceptionHandler = Unhandled.Add;
        if (SameTickWakeUps)
        {
            Loop.SameTickWakeUps = true;
        }
    }

    /// <summary>
    /// When set (on the test's thread), every <see cref="TestLoop"/> made turns same-tick wake-ups on (R1b): the rule
    /// tests of R2-R6 run again that way (SameTickRuleTests).
    /// </summary>
    [ThreadStatic]
    internal static bool SameTickWakeUps;

    public ManualClock Clock { get; }

    public EventLoop Loop { get; }

    public List<Exception> Unhandled { get; } = new();

    /// <summary>Runs <paramref name="count"/> ticks without moving the clock.</summary>
    public void Tick(int count = 1)
    {
        for (int i = 0; i < count; i++)
        {
            Loop.Tick();
        }
    }

    /// <summary>Advances the clock by <paramref name="seconds"/> and ticks once.</summary>
    public void AdvanceAndTick(double seconds)
    {
        Clock.Advance(seconds);
        Loop.Tick();
    }

    /// <summary>Ticks until <paramref name="future"/> completes, at most <paramref name="maxTicks"/> ticks.</summary>
    public void TickUntil(Future future, int maxTicks = 1000)
    {
        for (int i = 0; i < maxTicks && !future.IsCompleted; i++)
        {
            Loop.Tick();
        }

        Assert.That(future.IsCompleted, Is.True, $"{future} did not complete within {maxTicks} ticks.");
    }
}

/// <summary>
/// The one time bound of a cross-thread wait in the tests. Such waits end on a signal (an event set, a task completed,
/// a thread joined); this is only the guard that turns a lost signal into a failure instead of a hang, never the thing
/// a test checks. It is generous on purpose: on a loaded machine (two cores busy with other builds) a thread can wait
/// seconds for a core, and that must not fail a test. A test that does hang is still ended by the runner's blame-hang
/// timeout (.ci/run).
/// </summary>
internal static class HangGuard
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static readonly int Milliseconds = (int)Limit.TotalMilliseconds;
}

/// <summary>
/// A <see cref="System.Threading.Tasks.TaskScheduler"/> that runs every task on a new background thread of its own,
/// for work a test blocks on purpose (<c>Co.Offload(work, scheduler)</c>). Blocked thread-pool threads can starve the
/// pool on a small machine, and the engine needs the pool to make progress (it cancels an offload's token from a pool
/// thread); a dedicated thread needs nothing from the pool.
/// </summary>
internal sealed class DedicatedThreadScheduler : System.Threading.Tasks.TaskScheduler
{
    private readonly object _gate = new();
    private int _unfinished;

    /// <summary>Waits until every task queued so far has run to its end (on a signal; <paramref name="limit"/> is a
    /// hang guard); returns false if the limit passed first.</summary>
    public bool WaitUntilIdle(TimeSpan limit)
    {
        lock (_gate)
        {
            var left = System.Diagnostics.Stopwatch.StartNew();
            while (_unfinished != 0)
            {
                TimeSpan wait = limit - left.Elapsed;
                if (wait <= TimeSpan.Zero || !System.Threading.Monitor.Wait(_gate, wait))
                {
                    return _unfinished == 0;
                }
            }

            return true;
        }
    }

    protected override void QueueTask(System.Threading.Tasks.Task task)
    {
        lock (_gate)
        {
            _unfinished++;
        }

        var thread = new System.Threading.Thread(() =>
        {
            try
            {
                TryExecuteTask(task);
            }
            finally
            {
                lock (_gate)
                {
                    _unfinished--;
                    System.Threading.Monitor.PulseAll(_gate);
                }
            }
        })
        { IsBackground = true, Name = "test work (dedicated thread)" };
        thread.Start();
    }

    protected override bool TryExecuteTaskInline(System.Threading.Tasks.Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<System.Threading.Tasks.Task> GetScheduledTasks() => Array.Empty<System.Threading.Tasks.Task>();
}

/// <summary>Lets a test know, without a time window, that an idle loop has gone to sleep.</summary>
internal static class LoopThreads
{
    /// <summary>
    /// Waits until <paramref name="thread"/> (the thread running an idle loop) is blocked in a wait
    /// (<see cref="System.Threading.ThreadState.WaitSleepJoin"/>): the loop went to sleep instead of ticking on. A loop
    /// that spins never gets there, so this returns false after <paramref name="limit"/> (a hang guard).
    /// </summary>
    public static bool WaitUntilBlocked(System.Threading.Thread thread, TimeSpan limit)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var spin = default(System.Threading.SpinWait);
        while ((thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) == 0)
        {
            if (waited.Elapsed > limit || (thread.ThreadState & System.Threading.ThreadState.Stopped) != 0)
            {
                return false;
            }

            spin.SpinOnce();
        }

        return true;
    }
}
