using System;
using YieldLoop.Internal;

namespace YieldLoop;

// The recording's data: what one event of the timeline ring holds (fixed-size structs, so recording allocates
// nothing), and a task's track. Filled by TimelineMonitor (TimelineMonitor.cs), turned into text by its Chrome-trace
// writer (TimelineMonitor.ChromeTrace.cs, WaitDescriber.cs).

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
    internal static WaitSnapshot Capture(Future task)
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
    internal static WaitSnapshot Ended(Future task)
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
