using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// The recorder's monitor: fills the ring on the loop thread (this file), and writes the JSON
/// (<c>TimelineMonitor.ChromeTrace.cs</c>).
/// </summary>
internal sealed partial class TimelineMonitor : LoopMonitor
{
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

    internal override void TaskStarted(Future task)
    {
        TimelineTrack track = NewTrack(task, WaitKind.Start);
        _tracks[task] = track;
        ref TimelineEvent e = ref Add();
        e.Kind = TimelineEventKind.TaskStart;
        e.Timestamp = Stopwatch.GetTimestamp();
        e.Track = track;
    }

    internal override void StepStarting(Future task, long timestamp)
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

    internal override void StepEnded(Future task, long started, long ended)
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

    internal override void TaskEnded(Future task)
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

    private TimelineTrack NewTrack(Future task, WaitKind first) => new(_nextId++, Names.OfTask(task), first);

    private TimelineTrack TrackOf(Future task)
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
}
