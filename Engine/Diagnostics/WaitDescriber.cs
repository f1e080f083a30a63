using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// Turns a <see cref="WaitSnapshot"/> into text at write time. For the waits that <see cref="EventLoop.DescribeWait"/>
/// knows it sets the captured fields on a probe task (never started, never registered) and asks DescribeWait, so the
/// timeline says exactly what <see cref="LoopTask.ToString"/> says. Rejected: calling DescribeWait in StepEnded (a
/// string per step: the recorder must not allocate per event); a second copy of its text (it would drift).
/// </summary>
internal sealed class WaitDescriber
{
    private readonly Future _probe;
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
