using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using YieldLoop.Internal;

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

/// <summary>What a timeline event is.</summary>
internal enum TimelineEventKind : byte
{
    TaskStart,
    Step,
    TaskEnd,
    Ready,
}

/// <summary>How to read a <see cref="WaitSnapshot"/>.</summary>
internal enum WaitKind : byte
{
    /// <summary>Parked on nothing: queued to run again (for example after <c>Co.NextTick</c>).</summary>
    Ready,

    /// <summary>Woken by its start: the first step.</summary>
    Start,

    /// <summary>The task was started before the recording; what it waited on before is unknown.</summary>
    Unknown,

    /// <summary>A callback: it runs because it was scheduled.</summary>
    Scheduled,

    /// <summary>Completed; <see cref="WaitSnapshot.Bits"/> is the <see cref="FutureState"/>, <see cref="WaitSnapshot.What"/>
    /// the exception type of a fault.</summary>
    Ended,

    /// <summary>Waiting with <c>Co.Settle</c> on the future in <see cref="WaitSnapshot.What"/>.</summary>
    Settling,

    /// <summary>Anything else <see cref="EventLoop.DescribeWait"/> knows: the fields it reads, captured.</summary>
    Wait,
}

/// <summary>
/// What a task waited on at one moment, captured without allocating: the references and numbers that
/// <see cref="EventLoop.DescribeWait"/> reads, turned into text only when the trace is written.
/// </summary>
internal struct WaitSnapshot
{
    // Wait: the task's _link (a Future, a LoopPhase, a CustomWaker), or the GameClock of a clock timer. Settling: the
    // future. Ended: the System.Type of the exception of a fault. Holding these keeps them alive only while the event
    // is in the ring.
    internal object? What;

    // Wait: the task's _deadline (a deadline, or the sleep left when frozen).
    internal long Deadline;

    // Wait: the task's state bits that DescribeWait reads (InWheel, ClockTimer, Frozen, CancelRequested). Ended: the
    // FutureState.
    internal int Bits;

    internal WaitKind Kind;

    internal static WaitSnapshot Of(WaitKind kind) => new() { Kind = kind };

    /// <summary>Captures what <paramref name="task"/> waits on now (at the end of its step).</summary>
    internal static WaitSnapshot Capture(LoopTask task)
    {
        int st = task._state;
        if ((st & StateBits.StateMask) != 0)
        {
            return Ended(task);
        }

        if ((st & StateBits.InWheel) != 0)
        {
            // In the wheel, _link is the next timer node: not a wait. The clock of a clock timer is what names it.
            return new WaitSnapshot
            {
                Kind = WaitKind.Wait,
                Bits = st & (StateBits.InWheel | StateBits.ClockTimer),
                Deadline = task._deadline,
                What = (st & StateBits.ClockTimer) != 0 ? (task._frame as FrameStack)?.TimerClock : null,
            };
        }

        object? link = task._link;
        if (link is SettleRequest settle)
        {
            // Settle requests are pooled: keep the future, not the request, which may serve another wait by then.
            return new WaitSnapshot { Kind = WaitKind.Settling, What = settle._future };
        }

        if (link is null && (st & (StateBits.Frozen | StateBits.CancelRequested)) == 0)
        {
            return Of(WaitKind.Ready);
        }

        return new WaitSnapshot
        {
            Kind = WaitKind.Wait,
            What = link,
            Bits = st & (StateBits.Frozen | StateBits.CancelRequested),
            Deadline = task._deadline,
        };
    }

    /// <summary>The outcome of a completed task (read from its fields: reading <see cref="Future.Exception"/> would
    /// mark the failure observed, R23).</summary>
    internal static WaitSnapshot Ended(LoopTask task)
    {
        int state = task._state & StateBits.StateMask;
        return new WaitSnapshot
        {
            Kind = WaitKind.Ended,
            Bits = state,
            What = state == (int)FutureState.Faulted ? task._slot?.GetType() : null,
        };
    }
}

/// <summary>One recorded event: a fixed-size struct, so recording into the ring allocates nothing.</summary>
internal struct TimelineEvent
{
    internal long Timestamp;          // Stopwatch ticks
    internal long Value;              // Step: the duration in Stopwatch ticks; Ready: the ready count
    internal TimelineTrack? Track;    // the task's track; null for the ready counter
    internal string? Label;           // a callback's name (callbacks share one track); null for a coroutine's step
    internal WaitSnapshot WokenBy;    // Step only
    internal WaitSnapshot ParksOn;    // Step: what it parks on after the step; TaskEnd: the outcome
    internal TimelineEventKind Kind;
}

/// <summary>A task's track: its id (the trace's tid) and the name it had when the recorder first saw it.</summary>
internal sealed class TimelineTrack
{
    internal readonly int Id;
    internal readonly string Name;

    // What the task parked on at the end of its last step: the next step's woken_by.
    internal WaitSnapshot LastWait;

    internal TimelineTrack(int id, string name, WaitKind first)
    {
        Id = id;
        Name = name;
        LastWait = WaitSnapshot.Of(first);
    }
}

/// <summary>The recorder's monitor: fills the ring on the loop thread, and writes the JSON.</summary>
internal sealed class TimelineMonitor : LoopMonitor
{
    private const int Pid = 1;

    private readonly TimelineEvent[] _ring;
    private readonly long _origin;    // Stopwatch ticks at the start of the recording: ts 0

    // The tracks of live tasks the recorder has seen. An entry leaves at the task's end; the track object lives on
    // while events in the ring refer to it, so memory stays bounded by the ring and the live tasks.
    private readonly Dictionary<object, TimelineTrack> _tracks = new(ReferenceComparer.Instance);
    private TimelineTrack? _callbacks;
    private int _nextId = 1;

    // Invariant: the events in recording order are _ring[(_head + i) % length] for i in [0, _count).
    private int _head;
    private int _count;
    private long _dropped;

    // The step that is running: steps never nest (R4), and a task's TaskEnded can come inside its own last step, after
    // which its track has left _tracks; StepEnded uses these.
    private TimelineTrack? _stepTrack;
    private string? _stepLabel;
    private WaitSnapshot _stepWokenBy;

    internal TimelineMonitor(int capacity)
    {
        _ring = new TimelineEvent[capacity];
        _origin = Stopwatch.GetTimestamp();
    }

    internal int Count => _count;

    internal long Dropped => _dropped;

    internal override void TaskStarted(LoopTask task)
    {
        TimelineTrack track = NewTrack(task, WaitKind.Start);
        _tracks[task] = track;
        ref TimelineEvent e = ref Add();
        e.Kind = TimelineEventKind.TaskStart;
        e.Timestamp = Stopwatch.GetTimestamp();
        e.Track = track;
    }

    internal override void StepStarting(LoopTask task, long timestamp)
    {
        if ((task._state & StateBits.KindCallback) != 0)
        {
            _stepTrack = _callbacks ??= new TimelineTrack(_nextId++, "callbacks", WaitKind.Scheduled);
            _stepLabel = Names.OfTask(task);   // the delegate's method name: no allocation
            _stepWokenBy = WaitSnapshot.Of(WaitKind.Scheduled);
            return;
        }

        TimelineTrack track = TrackOf(task);
        _stepTrack = track;
        _stepLabel = null;
        _stepWokenBy = track.LastWait;
    }

    internal override void StepEnded(LoopTask task, long started, long ended)
    {
        TimelineTrack? track = _stepTrack;
        if (track is null)
        {
            return;   // started before this recorder was attached (it attaches between steps, but be safe)
        }

        WaitSnapshot parks = WaitSnapshot.Capture(task);
        if (!ReferenceEquals(track, _callbacks))
        {
            track.LastWait = parks;
        }

        ref TimelineEvent e = ref Add();
        e.Kind = TimelineEventKind.Step;
        e.Timestamp = started;
        e.Value = ended - started;
        e.Track = track;
        e.Label = _stepLabel;
        e.WokenBy = _stepWokenBy;
        e.ParksOn = parks;
        _stepTrack = null;
        _stepLabel = null;
    }

    internal override void TaskEnded(LoopTask task)
    {
        if ((task._state & StateBits.KindMask) != 0)
        {
            return;   // callbacks and engine watchers: no lifetime of their own on the timeline
        }

        if (!_tracks.TryGetValue(task, out TimelineTrack? track))
        {
            track = NewTrack(task, WaitKind.Unknown);   // started before the recording and never stepped since
        }
        else
        {
            _tracks.Remove(task);
        }

        ref TimelineEvent e = ref Add();
        e.Kind = TimelineEventKind.TaskEnd;
        e.Timestamp = Stopwatch.GetTimestamp();
        e.Track = track;
        e.ParksOn = WaitSnapshot.Ended(task);
    }

    internal override void TickStarting(long tick, int ready)
    {
        ref TimelineEvent e = ref Add();
        e.Kind = TimelineEventKind.Ready;
        e.Timestamp = Stopwatch.GetTimestamp();
        e.Value = ready;
    }

    /// <summary>Writes the trace: metadata first, then the events sorted by time.</summary>
    internal void Write(TextWriter w, EventLoop loop)
    {
        // Recording order is not time order: a task started inside another's step is recorded before that step's
        // slice (which is recorded when the step ends, with its start time). Sort by time, ties in recording order.
        int count = _count;
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        TimelineEvent[] ring = _ring;
        int head = _head;
        Array.Sort(order, (a, b) =>
        {
            int c = ring[(head + a) % ring.Length].Timestamp.CompareTo(ring[(head + b) % ring.Length].Timestamp);
            return c != 0 ? c : a.CompareTo(b);
        });

        // The tracks that appear in the kept events, in id order, for the thread-name metadata.
        var tracks = new List<TimelineTrack>();
        var seen = new HashSet<TimelineTrack>();
        for (int i = 0; i < count; i++)
        {
            TimelineTrack? track = ring[(head + i) % ring.Length].Track;
            if (track is not null && seen.Add(track))
            {
                tracks.Add(track);
            }
        }

        tracks.Sort((a, b) => a.Id.CompareTo(b.Id));

        var describer = new WaitDescriber(loop);
        w.Write("{\"traceEvents\":[");
        w.Write("\n{\"name\":\"process_name\",\"ph\":\"M\",\"ts\":0,\"pid\":1,\"args\":{\"name\":");
        WriteString(w, loop.Name);
        w.Write("}}");
        foreach (TimelineTrack track in tracks)
        {
            w.Write(",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"ts\":0,\"pid\":1,\"tid\":");
            w.Write(track.Id.ToString(CultureInfo.InvariantCulture));
            w.Write(",\"args\":{\"name\":");
            WriteString(w, track.Name);
            w.Write("}},\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"ts\":0,\"pid\":1,\"tid\":");
            w.Write(track.Id.ToString(CultureInfo.InvariantCulture));
            w.Write(",\"args\":{\"sort_index\":");
            w.Write(track.Id.ToString(CultureInfo.InvariantCulture));
            w.Write("}}");
        }

        for (int i = 0; i < count; i++)
        {
            w.Write(",\n");
            WriteEvent(w, in ring[(head + order[i]) % ring.Length], describer);
        }

        w.Write("\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"producer\":\"YieldLoop\",\"loop\":");
        WriteString(w, loop.Name);
        w.Write(",\"events\":\"");
        w.Write(count.ToString(CultureInfo.InvariantCulture));
        w.Write("\",\"droppedEvents\":\"");
        w.Write(_dropped.ToString(CultureInfo.InvariantCulture));
        w.Write("\"}}\n");
    }

    private TimelineTrack NewTrack(LoopTask task, WaitKind first) => new(_nextId++, Names.OfTask(task), first);

    private TimelineTrack TrackOf(LoopTask task)
    {
        if (!_tracks.TryGetValue(task, out TimelineTrack? track))
        {
            track = NewTrack(task, WaitKind.Unknown);   // started before the recording
            _tracks[task] = track;
        }

        return track;
    }

    /// <summary>The next slot of the ring, cleared; when the ring is full, the oldest event's slot.</summary>
    private ref TimelineEvent Add()
    {
        TimelineEvent[] ring = _ring;
        int slot = _head + _count;
        if (slot >= ring.Length)
        {
            slot -= ring.Length;
        }

        if (_count == ring.Length)
        {
            _dropped++;
            _head = _head + 1 == ring.Length ? 0 : _head + 1;
        }
        else
        {
            _count++;
        }

        ring[slot] = default;
        return ref ring[slot];
    }

    private void WriteEvent(TextWriter w, in TimelineEvent e, WaitDescriber describer)
    {
        switch (e.Kind)
        {
            case TimelineEventKind.Step:
                w.Write("{\"name\":");
                WriteString(w, e.Label ?? e.Track!.Name);
                w.Write(",\"cat\":\"step\",\"ph\":\"X\",\"ts\":");
                WriteMicroseconds(w, e.Timestamp - _origin);
                w.Write(",\"dur\":");
                WriteMicroseconds(w, e.Value);
                WriteThread(w, e.Track!);
                w.Write(",\"args\":{\"woken_by\":");
                WriteString(w, describer.Describe(e.WokenBy));
                w.Write(",\"parks_on\":");
                WriteString(w, describer.Describe(e.ParksOn));
                w.Write("}}");
                break;

            case TimelineEventKind.TaskStart:
                w.Write("{\"name\":\"start\",\"cat\":\"task\",\"ph\":\"i\",\"s\":\"t\",\"ts\":");
                WriteMicroseconds(w, e.Timestamp - _origin);
                WriteThread(w, e.Track!);
                w.Write(",\"args\":{\"task\":");
                WriteString(w, e.Track!.Name);
                w.Write("}}");
                break;

            case TimelineEventKind.TaskEnd:
                w.Write("{\"name\":\"end\",\"cat\":\"task\",\"ph\":\"i\",\"s\":\"t\",\"ts\":");
                WriteMicroseconds(w, e.Timestamp - _origin);
                WriteThread(w, e.Track!);
                w.Write(",\"args\":{\"task\":");
                WriteString(w, e.Track!.Name);
                w.Write(",\"outcome\":");
                WriteString(w, WaitDescriber.Outcome(e.ParksOn.Bits));
                if (e.ParksOn.What is Type exception)
                {
                    w.Write(",\"exception\":");
                    WriteString(w, exception.FullName ?? exception.Name);
                }

                w.Write("}}");
                break;

            default:
                w.Write("{\"name\":\"ready\",\"cat\":\"loop\",\"ph\":\"C\",\"ts\":");
                WriteMicroseconds(w, e.Timestamp - _origin);
                w.Write(",\"pid\":1,\"args\":{\"tasks\":");
                w.Write(e.Value.ToString(CultureInfo.InvariantCulture));
                w.Write("}}");
                break;
        }
    }

    private static void WriteThread(TextWriter w, TimelineTrack track)
    {
        w.Write(",\"pid\":");
        w.Write(Pid.ToString(CultureInfo.InvariantCulture));
        w.Write(",\"tid\":");
        w.Write(track.Id.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Writes a Stopwatch interval as microseconds with up to three decimals (nanoseconds).</summary>
    private static void WriteMicroseconds(TextWriter w, long stopwatchTicks)
    {
        double us = stopwatchTicks * 1_000_000.0 / Stopwatch.Frequency;
        w.Write(Math.Max(0, us).ToString("0.###", CultureInfo.InvariantCulture));
    }

    /// <summary>Writes a JSON string literal (RFC 8259: quote, backslash and control characters escaped).</summary>
    internal static void WriteString(TextWriter w, string value)
    {
        w.Write('"');
        int run = 0;   // start of the current stretch of characters that need no escape
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\' && c != '\u2028' && c != '\u2029')
            {
                continue;
            }

            w.Write(value.AsSpan(run, i - run));
            switch (c)
            {
                case '"': w.Write("\\\""); break;
                case '\\': w.Write("\\\\"); break;
                case '\n': w.Write("\\n"); break;
                case '\r': w.Write("\\r"); break;
                case '\t': w.Write("\\t"); break;
                default:
                    // Other control characters, and U+2028/U+2029 (valid JSON, but not valid JavaScript before ES2019).
                    w.Write("\\u");
                    w.Write(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }

            run = i + 1;
        }

        w.Write(value.AsSpan(run));
        w.Write('"');
    }
}

/// <summary>
/// Turns a <see cref="WaitSnapshot"/> into text at write time. For the waits that <see cref="EventLoop.DescribeWait"/>
/// knows it sets the captured fields on a probe task (never started, never registered) and asks DescribeWait, so the
/// timeline says exactly what <see cref="LoopTask.ToString"/> says. Rejected: calling DescribeWait in StepEnded (a
/// string per step: the recorder must not allocate per event); a second copy of its text (it would drift).
/// </summary>
internal sealed class WaitDescriber
{
    private readonly LoopTask _probe;
    private readonly FrameStack _probeFrames;

    internal WaitDescriber(EventLoop loop)
    {
        _probe = new LoopTask(loop, "timeline probe", 0);
        _probeFrames = new FrameStack(Nothing(), "timeline probe");
    }

    internal static string Outcome(int state) => (FutureState)state switch
    {
        FutureState.Succeeded => "succeeded",
        FutureState.Faulted => "faulted",
        FutureState.Cancelled => "cancelled",
        _ => "pending",
    };

    internal string Describe(in WaitSnapshot wait)
    {
        switch (wait.Kind)
        {
            case WaitKind.Ready: return "ready";
            case WaitKind.Start: return "start";
            case WaitKind.Unknown: return "unknown (before the recording)";
            case WaitKind.Scheduled: return "scheduled";
            case WaitKind.Settling: return wait.What is Future f ? "settling " + f.Describe() : "settling";
            case WaitKind.Ended:
                return wait.What is Type exception
                    ? $"ended: faulted with {exception.FullName ?? exception.Name}"
                    : "ended: " + Outcome(wait.Bits);
            default:
                _probe._state = wait.Bits;
                _probe._deadline = wait.Deadline;
                if ((wait.Bits & StateBits.InWheel) != 0)
                {
                    _probe._link = null;
                    _probeFrames.TimerClock = wait.What as GameClock;
                    if (_probeFrames.TimerClock is null)
                    {
                        _probe._state &= ~StateBits.ClockTimer;   // (a clock timer whose clock was not found: say loop time)
                    }

                    _probe._frame = _probeFrames;
                }
                else
                {
                    _probe._link = wait.What;
                    _probe._frame = "timeline probe";
                }

                string text = EventLoop.DescribeWait(_probe);
                return text.Length == 0 ? "ready" : text;
        }
    }

    private static IEnumerator<IAwaitable> Nothing()
    {
        yield break;
    }
}
