using System;
using YieldLoop.Internal;

namespace YieldLoop;

// Timers of tasks and engine watchers in the loop's wheel: insert, stop, and freeze/thaw for a paused scope (R7-R12).
public sealed partial class EventLoop
{
    /// <summary>
    /// Starts the one-shot timer of an engine watcher: <see cref="Watcher.OnTimer"/> runs in the first tick at or
    /// after <paramref name="deadline"/> (loop ticks). A watcher has at most one timer at a time, and is not
    /// restarted before <see cref="StopTimer"/> took effect at the end of the tick.
    /// </summary>
    internal void StartTimer(Watcher watcher, long deadline) => _timers.Insert(watcher, deadline);

    /// <summary>Stops a watcher's timer; it leaves the wheel by the end of the tick (R12).</summary>
    internal void StopTimer(Watcher watcher) => _timers.Cancel(watcher);

    private void InsertTimer(Future task, long deadline)
    {
        _timers.Insert(task, deadline);
        task._state &= ~StateBits.ClockTimer;
        if ((task._state & StateBits.Scoped) != 0 && ((FrameStack)task._frame!).Scope!.IsPaused)
        {
            // It paused its own scope during this step: its sleep must not run while paused either.
            ((FrameStack)task._frame!).Scope!.FreezeNow(task);
        }
    }

    /// <summary>Takes a sleeping task's timer out of the wheel and keeps its remaining time (a paused scope).</summary>
    internal void FreezeTimer(Future task)
    {
        if ((task._state & StateBits.ClockTimer) != 0)
        {
            task._deadline = ((FrameStack)task._frame!).TimerClock!.RemoveTimer(task);   // local time left
        }
        else
        {
            _timers.Remove(task);
            task._deadline = TimeMath.Remaining(task._deadline, NowTicks);   // a 'never' deadline stays never
        }

        task._state |= StateBits.Frozen;
    }

    /// <summary>Puts a frozen timer back with the time it had left (the scope resumed).</summary>
    internal void ThawTimer(Future task)
    {
        task._state &= ~StateBits.Frozen;
        if ((task._state & StateBits.ClockTimer) != 0)
        {
            ((FrameStack)task._frame!).TimerClock!.RestoreTimer(task, task._deadline);
        }
        else
        {
            _timers.Insert(task, TimeMath.Resume(NowTicks, task._deadline));
        }
    }
}
