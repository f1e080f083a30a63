using System;

namespace YieldLoop;

/// <summary>The timeline: a recorder of steps, written as a Chrome trace.</summary>
public sealed partial class LoopDiagnostics
{
    // The recorder that is recording now, or null: one at a time, so two recorders never disagree about track ids.
    private TimelineRecorder? _timeline;

    /// <summary>
    /// Starts recording a timeline of the loop's coroutines: a track per task, a slice per step with what woke it and
    /// what it parks on, task starts and ends, and the ready count of each tick. Write it with
    /// <see cref="TimelineRecorder.WriteChromeTrace(System.IO.Stream)"/> and open it in Perfetto or chrome://tracing.
    /// </summary>
    /// <param name="capacity">How many events the recorder keeps: when full, it drops the oldest. The ring is allocated
    /// now (about 90 bytes an event), and recording allocates nothing after that.</param>
    /// <returns>The recorder; call <see cref="TimelineRecorder.Stop"/> to stop recording.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is zero or negative.</exception>
    /// <exception cref="InvalidOperationException">A timeline is already recording on this loop, or this is not the
    /// loop's thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed: it has no steps left to record.</exception>
    /// <remarks>While a timeline records, the loop runs its monitored run loop: two timestamps and a few field writes per
    /// step. Recording starts now: timestamps in the trace count from this call.</remarks>
    public TimelineRecorder StartTimeline(int capacity = 100_000)
    {
        _loop.CheckAccess();
        if (capacity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The timeline capacity must be at least one event.");
        }

        if (_timeline is not null)
        {
            throw new InvalidOperationException(
                $"A timeline is already recording on loop '{_loop.Name}'; stop it with TimelineRecorder.Stop before starting another.");
        }

        var recorder = new TimelineRecorder(this, capacity);
        _loop.AddMonitor(recorder.Monitor);
        _timeline = recorder;
        return recorder;
    }

    internal void OnTimelineStopped(TimelineRecorder recorder)
    {
        if (ReferenceEquals(_timeline, recorder))
        {
            _timeline = null;
        }
    }
}
