using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace YieldLoop;

// Debug mode's check for .NET code that waits on a loop nobody ticks: `await loop.Start<int>(Work()).AsTask()` in an
// async Main hangs silently, because only a tick completes the task. The wait is noted where it begins (AsTask,
// RunCoroutineThreadsafeAsync); if the loop has not started a tick for StaleLoopThreshold of real time, it is reported
// at once, on the waiting thread; otherwise a timer looks again when the loop would have gone that long without a tick.
public sealed partial class LoopDiagnostics
{
    /// <summary>How long a loop may go without starting a tick before a wait on it is reported (real time).</summary>
    internal static readonly TimeSpan StaleLoopThreshold = TimeSpan.FromSeconds(2);

    private readonly object _staleLock = new();
    private readonly List<(Task Task, string What, string How)> _staleWaits = new();   // waits noted, guarded by _staleLock
    private long _lastTickStart;        // Timestamp() at the start of the last tick, or when debug mode was switched on
    private int _staleReported;         // 1 once a stale-loop wait was reported: once per loop
    private bool _recheckScheduled;     // guarded by _staleLock
    private Timer? _recheckTimer;       // guarded by _staleLock

    /// <summary>The real-time source, in <see cref="Stopwatch"/> ticks; tests replace it to drive the check without
    /// sleeping.</summary>
    internal Func<long> Timestamp { get; set; } = Stopwatch.GetTimestamp;

    /// <summary>Asks for <see cref="RecheckStaleWaits"/> after the given delay; tests replace it to run the check when they
    /// choose. The default is a one-shot <see cref="Timer"/> (the check then runs on a thread-pool thread).</summary>
    internal Action<TimeSpan>? ScheduleRecheck { get; set; }

    /// <summary>Debug mode's per-tick hook (the watchdog's <c>TickStarting</c>, loop thread): one timestamp.</summary>
    internal void NoteTickStart() => Volatile.Write(ref _lastTickStart, Timestamp());

    /// <summary>
    /// .NET code begins to wait on <paramref name="task"/>, which completes with <paramref name="what"/> of this loop
    /// (any thread, debug mode only). Reports at once when the loop has not ticked for
    /// <see cref="StaleLoopThreshold"/>; else looks again when it would have.
    /// </summary>
    /// <param name="task">The .NET task the code waits on.</param>
    /// <param name="what">What it waits for, for the message ("task 'Load'").</param>
    /// <param name="how">The API it waits through ("AsTask").</param>
    internal void NoteInteropWait(Task task, string what, string how)
    {
        if (task.IsCompleted || Volatile.Read(ref _staleReported) != 0)
        {
            return;
        }

        long now = Timestamp();
        if (IsStale(now, out TimeSpan idle))
        {
            ReportStaleWait(what, how, idle);   // on the waiting thread
            return;
        }

        TimeSpan due;
        lock (_staleLock)
        {
            _staleWaits.Add((task, what, how));
            if (_recheckScheduled)
            {
                return;
            }

            _recheckScheduled = true;
            due = DueIn(now);
        }

        Schedule(due);
    }

    /// <summary>Looks again at the waits noted: reports the first still pending if the loop has gone
    /// <see cref="StaleLoopThreshold"/> without a tick, else looks again later while any is pending (any thread).</summary>
    internal void RecheckStaleWaits()
    {
        string what;
        string how;
        TimeSpan idle;
        TimeSpan due;
        lock (_staleLock)
        {
            _recheckScheduled = false;
            _staleWaits.RemoveAll(w => w.Task.IsCompleted);
            if (_staleWaits.Count == 0 || Volatile.Read(ref _staleReported) != 0 || !DebugMode)
            {
                _staleWaits.Clear();
                return;
            }

            long now = Timestamp();
            if (!IsStale(now, out idle))
            {
                _recheckScheduled = true;
                due = DueIn(now);
                what = how = string.Empty;
            }
            else
            {
                (_, what, how) = _staleWaits[0];
                _staleWaits.Clear();
                due = TimeSpan.Zero;
            }
        }

        if (what.Length == 0)
        {
            Schedule(due);
            return;
        }

        ReportStaleWait(what, how, idle);
    }

    /// <summary>What <paramref name="future"/> is, read from any thread: a task's name may change under the reader.</summary>
    internal static string DescribeFromAnyThread(Future future)
    {
        try
        {
            return future.Describe();
        }
        catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException or IndexOutOfRangeException)
        {
            return "a task";   // the loop thread changed the task's frames as we read them
        }
    }

    /// <summary>Debug mode was switched on: the time without a tick counts from now.</summary>
    private void ResetStaleCheck() => Volatile.Write(ref _lastTickStart, Timestamp());

    private bool IsStale(long now, out TimeSpan idle)
    {
        idle = TimeSpan.FromSeconds((now - Volatile.Read(ref _lastTickStart)) / (double)Stopwatch.Frequency);
        // A loop inside RunForever or RunUntilComplete ticks as soon as work arrives; one that is closed fails the wait.
        return idle >= StaleLoopThreshold && !_loop.IsInRun && !_loop.IsClosed;
    }

    private TimeSpan DueIn(long now)
    {
        long left = Volatile.Read(ref _lastTickStart) + (long)(StaleLoopThreshold.TotalSeconds * Stopwatch.Frequency) - now;
        var due = TimeSpan.FromSeconds(left / (double)Stopwatch.Frequency);
        return due < TimeSpan.FromMilliseconds(10) ? StaleLoopThreshold : due;   // in a run now: look a full period later
    }

    private void Schedule(TimeSpan due)
    {
        if (ScheduleRecheck is { } schedule)
        {
            schedule(due);
            return;
        }

        lock (_staleLock)
        {
            _recheckTimer ??= new Timer(static state => ((LoopDiagnostics)state!).RecheckStaleWaits(), this,
                Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _recheckTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void ReportStaleWait(string what, string how, TimeSpan idle)
    {
        if (Interlocked.Exchange(ref _staleReported, 1) != 0)
        {
            return;
        }

        string message = StaleWaitMessage(what, how, idle);
        Trace.TraceWarning("YieldLoop: " + message);
        Action<Exception>? handler = _loop.UnhandledExceptionHandler;
        if (handler is null)
        {
            try
            {
                Console.Error.WriteLine("YieldLoop: " + message);
            }
            catch (Exception ex) when (ex is System.IO.IOException or ObjectDisposedException)
            {
                // No console: Trace already has it.
            }

            return;
        }

        var report = new InvalidOperationException(message);
        try
        {
            handler(report);
        }
        catch (Exception handlerFailure)
        {
            EventLoop.WriteFallback(
                $"YieldLoop: the unhandled-exception handler of loop '{_loop.Name}' threw while handling a debug-mode report.",
                report, handlerFailure);
        }
    }

    private string StaleWaitMessage(string what, string how, TimeSpan idle) => string.Format(
        System.Globalization.CultureInfo.InvariantCulture,
        "Code on thread '{0}' began to wait ({1}) for {2} of loop '{3}', but the loop has not ticked for {4:F1} s, and only a tick completes it: the wait may never end. Tick the loop (loop.Tick() each frame, or loop.RunUntilComplete / RunForever on its thread), or run it on a thread of its own with LoopGroup (docs/async.md).",
        Thread.CurrentThread.Name ?? "#" + Environment.CurrentManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        how, what, _loop.Name, idle.TotalSeconds);
}
