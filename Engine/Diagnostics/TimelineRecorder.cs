using System;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace YieldLoop;

/// <summary>
/// Records what a loop's coroutines do, step by step, and writes it as a Chrome trace (the Trace Event Format that
/// Perfetto and chrome://tracing open). Start one with <see cref="LoopDiagnostics.StartTimeline"/>.
/// </summary>
/// <remarks>
/// <para><b>What is recorded.</b> For every coroutine a track (a "thread" in the viewer, named after the task) with an
/// instant event when it starts, a slice per step whose arguments say what woke it (<c>woken_by</c>: what it was parked
/// on at the end of its previous step) and what it parks on now (<c>parks_on</c>), and an instant event when it ends,
/// with its outcome. Callbacks (<see cref="EventLoop.CallSoon"/>, <see cref="EventLoop.CallLater(Duration, Action)"/>,
/// ...) share one track named <c>callbacks</c>. A counter <c>ready</c> shows how many entries each tick ran.</para>
/// <para><b>Bounded memory.</b> Events go into a ring of fixed size, allocated once at the start: when it is full the
/// oldest event is dropped and counted in <see cref="DroppedEvents"/>. Recording a step allocates nothing (a task's
/// first event allocates its track: an id and the name it has then); the text of the events (wait descriptions,
/// outcomes) is produced when the trace is written.</para>
/// <para><b>Threads.</b> The recorder belongs to the loop's thread. Once stopped it no longer changes, and
/// <see cref="WriteChromeTrace(Stream)"/> may run on any thread.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
[Checkpoints.NotRewound]
public sealed class TimelineRecorder
{
    private readonly LoopDiagnostics _owner;
    private readonly TimelineMonitor _monitor;
    private bool _stopped;

    internal TimelineRecorder(LoopDiagnostics owner, int capacity)
    {
        _owner = owner;
        _monitor = new TimelineMonitor(capacity);
    }

    /// <summary>Gets whether the recorder is still attached to the loop (false once <see cref="Stop"/> ran).</summary>
    public bool IsRecording => !_stopped;

    /// <summary>Gets how many events the ring holds now (at most the capacity given to
    /// <see cref="LoopDiagnostics.StartTimeline"/>).</summary>
    public int EventCount => _monitor.Count;

    /// <summary>Gets how many events were dropped, oldest first, because the ring was full.</summary>
    public long DroppedEvents => _monitor.Dropped;

    internal TimelineMonitor Monitor => _monitor;

    /// <summary>
    /// Stops recording: the recorder detaches from the loop and keeps what it recorded. Stopping twice does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _owner.Loop.CheckThread();
        _owner.Loop.RemoveMonitor(_monitor);
        _stopped = true;
        _owner.OnTimelineStopped(this);
    }

    /// <summary>
    /// Writes the recorded events as a Trace Event Format JSON object (<c>{"traceEvents":[...], ...}</c>), UTF-8,
    /// timestamps in microseconds since the recording started. The stream is left open.
    /// </summary>
    /// <param name="stream">Where to write.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The recorder is still recording and this is not the loop's thread.</exception>
    /// <remarks>Open the result in https://ui.perfetto.dev or chrome://tracing. Writing while recording is allowed on
    /// the loop's thread (for example from a coroutine); the recording goes on.</remarks>
    public void WriteChromeTrace(Stream stream)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        if (!_stopped)
        {
            _owner.Loop.CheckThread();   // the loop thread writes the ring while recording
        }

        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024, leaveOpen: true);
        _monitor.Write(writer, _owner.Loop);
    }

    /// <summary>Writes the trace (see <see cref="WriteChromeTrace(Stream)"/>) to a file, replacing it if it exists.</summary>
    /// <param name="path">The file to write, conventionally with the extension <c>.json</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The recorder is still recording and this is not the loop's thread.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void WriteChromeTrace(string path)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        if (!_stopped)
        {
            _owner.Loop.CheckThread();
        }

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        WriteChromeTrace(file);
    }

    /// <summary>Describes the recorder.</summary>
    /// <returns>For example <c>TimelineRecorder of loop 'main' (recording, 1200 events, 0 dropped)</c>.</returns>
    public override string ToString() =>
        $"TimelineRecorder of loop '{_owner.Loop.Name}' ({(_stopped ? "stopped" : "recording")}, {EventCount} events, {DroppedEvents} dropped)";
}
