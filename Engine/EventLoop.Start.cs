using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

// Starting work: Start and Start<T>, CallSoon/CallLater/CallAt. The checks a start makes (null, thread, closed loop,
// an iterator started before: R27, R61), the node it creates, and its first entry in the ready queue. Nothing runs
// here: a started task's first step is in the next tick (R1, R4).
public sealed partial class EventLoop
{
    /// <summary>
    /// Starts <paramref name="coroutine"/> as a new task. Its first step runs in the next tick (R1, R4).
    /// </summary>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="name">A name for messages and diagnostics; the coroutine method's name when null.</param>
    /// <returns>The task, a future that completes when the coroutine ends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null (R61).</exception>
    /// <exception cref="InvalidOperationException">The iterator was started or run before (R27), or the call is made
    /// from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public LoopTask Start(IEnumerator<IAwaitable> coroutine, string? name = null) => StartIn(null, null, coroutine, name);

    /// <summary>
    /// Starts <paramref name="coroutine"/> as a task with a result of type <typeparamref name="T"/>, which the
    /// coroutine produces with <c>yield return Co.Return(value);</c>.
    /// </summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="name">A name for messages and diagnostics; the coroutine method's name when null.</param>
    /// <returns>The task; read <see cref="Future{T}.Result"/> once it completed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The iterator was started or run before, or the call is made from
    /// another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public LoopTask<T> Start<T>(IEnumerator<IAwaitable> coroutine, string? name = null) => StartIn<T>(null, null, coroutine, name);

    internal LoopTask StartIn(Scope? scope, GameClock? clock, IEnumerator<IAwaitable> coroutine, string? name)
    {
        object frame = PrepareStart(coroutine, name, scope, clock);
        int flags = StateBits.Fresh | (scope is null ? 0 : StateBits.Scoped) | (clock is null ? 0 : StateBits.Clocked);
        return Launch(new LoopTask(this, frame, flags));
    }

    internal LoopTask<T> StartIn<T>(Scope? scope, GameClock? clock, IEnumerator<IAwaitable> coroutine, string? name)
    {
        object frame = PrepareStart(coroutine, name, scope, clock);
        int flags = StateBits.Fresh | StateBits.Typed | (scope is null ? 0 : StateBits.Scoped) | (clock is null ? 0 : StateBits.Clocked);
        return Launch(new LoopTask<T>(this, frame, flags));
    }

    /// <summary>Schedules <paramref name="callback"/> to run in the next tick.</summary>
    /// <param name="callback">The callback; if it throws, the exception goes to <see cref="UnhandledExceptionHandler"/>.</param>
    /// <returns>A handle that can cancel the call.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The call is made from another thread (use <see cref="Post"/>).</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public CallbackHandle CallSoon(Action callback)
    {
        CallbackHandle handle = NewCallback(callback);
        Enqueue(handle);
        return handle;
    }

    /// <summary>
    /// <see cref="CallSoon"/> for work posted from the loop thread that must not be lost (an
    /// <see cref="EventLoopSynchronizationContext"/> post, which an awaiting async method depends on): flagged
    /// <see cref="StateBits.Posted"/>, so <see cref="Close"/> runs it like an accepted <see cref="Post"/> instead of
    /// cancelling it (R51). Loop thread, loop open.
    /// </summary>
    internal void CallSoonPosted(Action callback)
    {
        CallbackHandle handle = NewCallback(callback);
        handle._state |= StateBits.Posted;
        Enqueue(handle);
    }

    /// <summary>Schedules <paramref name="callback"/> to run once <paramref name="delay"/> of loop time has passed.</summary>
    /// <param name="delay">The delay, in seconds or as a <see cref="TimeSpan"/>; zero or less means the next tick (R9).</param>
    /// <param name="callback">The callback; if it throws, the exception goes to <see cref="UnhandledExceptionHandler"/>.</param>
    /// <returns>A handle that can cancel the call; a cancelled timer leaves the loop by the end of the next tick (R12).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is a NaN or infinite number of seconds.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public CallbackHandle CallLater(Duration delay, Action callback) =>
        ScheduleAt(TimeMath.After(NowTicks, delay.ToDelayTicks(nameof(delay))), callback);

    /// <summary>Schedules <paramref name="callback"/> to run at loop time <paramref name="when"/> (see <see cref="Time"/>).</summary>
    /// <param name="when">The loop time; a time already past means the next tick. A time past the end of time (see
    /// <see cref="Time"/>) is never reached: the call stays pending until cancelled.</param>
    /// <param name="callback">The callback.</param>
    /// <returns>A handle that can cancel the call.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public CallbackHandle CallAt(TimeSpan when, Action callback) =>
        ScheduleAt(when.Ticks > TimeMath.EndOfTime ? TimeMath.Never : when.Ticks, callback);

    private object PrepareStart(IEnumerator<IAwaitable> coroutine, string? name, Scope? scope, GameClock? clock)
    {
        if (coroutine is null)
        {
            throw new ArgumentNullException(nameof(coroutine));
        }

        CheckAccess();
        if (clock is not null && !ReferenceEquals(clock.Loop, this))
        {
            throw new ArgumentException(
                $"Clock '{clock.Name}' belongs to loop '{clock.Loop.Name}', not to '{Name}'; bind tasks to clocks of their own loop.", nameof(clock));
        }

        // The last check: a compiler iterator is checked and marked as this loop's in one step, in its own current
        // field; any other kind is checked against, and goes into, the set of pending starts (IteratorGuard).
        IteratorShape shape = ShapeOf(coroutine);
        if (shape.CanClaim)
        {
            if (!shape.TryClaim(coroutine))
            {
                throw AlreadyStarted(coroutine);
            }
        }
        else
        {
            if (shape.HasStarted(coroutine) || _unstarted.Contains(coroutine))
            {
                throw AlreadyStarted(coroutine);
            }

            _unstarted.Add(coroutine);
            if (_unstarted.Count > _unstartedPeak)
            {
                _unstartedPeak = _unstarted.Count;
            }
        }

        if (scope is not null || clock is not null)
        {
            return new FrameStack(coroutine, name) { Scope = scope, Clock = clock };
        }

        return name is null ? coroutine : new FrameStack(coroutine, name);
    }

    private TTask Launch<TTask>(TTask task)
        where TTask : Future
    {
        _registry.Add(task);
        EnqueueWoken(task);   // the first step: the next tick, or later in this one with same-tick wake-ups (R1b)
        _monitor?.TaskStarted(task);
        if (_diagnostics is { DebugMode: true })
        {
            StartSite.Record(task);   // debug mode: where the task was started, for its coroutine trace
        }

        return task;
    }

    private CallbackHandle NewCallback(Action callback)
    {
        if (callback is null)
        {
            throw new ArgumentNullException(nameof(callback));
        }

        CheckAccess();
        var handle = new CallbackHandle(this, callback);
        _registry.Add(handle);
        return handle;
    }

    /// <summary>Schedules a callback at <paramref name="deadline"/> (loop ticks; <see cref="TimeMath.Never"/>: never).</summary>
    private CallbackHandle ScheduleAt(long deadline, Action callback)
    {
        CallbackHandle handle = NewCallback(callback);
        _timers.Insert(handle, Math.Max(deadline, NowTicks));
        return handle;
    }
}

