using System;
using System.Collections.Generic;
using YieldLoop.Internal;
#if NET
using System.Runtime.CompilerServices;
#endif

namespace YieldLoop;

// A step: the run slice's hot loop (RunReady), a task's first or cancelled turn (Step), and the trampoline that advances
// a task's frames and dispatches what it yields (RunFrames: R19, R24-R27). Callbacks' turns are in EventLoop.Callbacks.cs.
public sealed partial class EventLoop
{
    /// <summary>
    /// Runs ready entries [start, count): the hot loop. It has no exception handler of its own (TickCore's catch
    /// around it handles a coroutine that throws), so its locals stay in registers; <see cref="_runIndex"/> tells the
    /// handler which entry was running.
    /// </summary>
    private void RunReady(ReadyEntry[] run, int start, int count)
    {
        for (int i = start; i < count; i++)
        {
            _runIndex = i;
            LoopNode node = run[i].Node;
            int st = node._state;
            if ((st & (StateBits.StateMask | StateBits.KindMask | StateBits.SlowStep)) == 0)
            {
                // The hot path: a coroutine task resuming normally (no kind bit: a task, so a Future).
                Future task = AsTask(node);
                object? link = task.WaitedOn;
                if (link is not null && !Resume(task, link))
                {
                    continue;
                }

                object frame = task._frame!;
                if (frame is not FrameStack)
                {
                    // One frame: advance it here, and finish a next-tick yield without leaving the loop.
                    IEnumerator<IAwaitable> it = AsIterator(frame);
                    bool more = it.MoveNext();
                    if (more)
                    {
                        IAwaitable? yielded = it.Current;
                        int after = task._state;
                        if ((after & StateBits.CancelRequested) == 0)
                        {
                            if (yielded is null || ReferenceEquals(yielded, s_nextTick))
                            {
                                Enqueue(task);
                                continue;
                            }

                            if (yielded is Future future && TryParkFast(task, future))
                            {
                                continue;   // parked on a pending future (a hand-off): no trampoline needed
                            }
                        }
                    }

                    RunFrames(task, moved: true, more);
                }
                else
                {
                    RunFrames(task);
                }
            }
            else if ((st & StateBits.StateMask) != 0)
            {
                continue;   // completed while queued (cancelled): its other entry already ran
            }
            else if ((st & StateBits.KindMask) == 0)
            {
                Step(AsTask(node), st);
            }
            else
            {
                RunCallback(node, st);
            }
        }
    }

    /// <summary>
    /// The hot path's park on a pending future of this loop that accepts the yield (a hand-off), as
    /// <see cref="RunFrames"/> would park it; anything else (complete, of another loop, the task itself, a stale
    /// hand-off wait) returns false and goes through <see cref="RunFrames"/>, which handles and reports it.
    /// </summary>
    private bool TryParkFast(Future task, Future future)
    {
        int fst = future._state;
        if ((fst & StateBits.StateMask) != 0 || !ReferenceEquals(future._loop, this) || ReferenceEquals(future, task)
            || ((fst & StateBits.Resettable) != 0 && !future.AcceptYield(task)))
        {
            return false;
        }

        future.AddWaiter(task);
        task.WaitedOn = future;
        return true;
    }

    /// <summary>A coroutine step off the hot path: the first step of a task, or the turn of a cancelled one.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Step(Future task, int st)
    {
        if ((st & StateBits.Fresh) != 0)
        {
            IEnumerator<IAwaitable> root = RootIterator(task)!;
            if (_unstarted.Count != 0)
            {
                _unstarted.Remove(root);
            }

            task._state = st &= ~StateBits.Fresh;
            if ((st & StateBits.CancelRequested) == 0 && ShapeOf(root).HasStarted(root))
            {
                // The same fresh iterator was also started on another loop, which stepped it first (R27). Fault this
                // task without disposing the iterator: it belongs to the other task.
                task._frame = Names.Keep(task);
                EndTask(task, FutureState.Faulted, AlreadyStarted(root));
                return;
            }
        }

        if ((st & StateBits.CancelRequested) != 0)
        {
            object? waited = (st & StateBits.InWheel) == 0 ? task._link : null;
            if (waited is not null)
            {
                // Still parked on a child task or a drained combinator, which unwound first (RequestCancel): leave it,
                // and if a child's finally threw during that cancellation, that exception is the outcome, not lost (R35).
                Future? drained = waited as Future;
                if (waited is SettleRequest settle)
                {
                    drained = settle._future;
                    settle.Release();
                }

                task._link = null;
                if (drained is not null && !drained.IsCompleted)
                {
                    drained.RemoveWaiter(task);   // deeper work is still draining: the task ends now regardless
                }
                else if (drained is { IsFaulted: true })
                {
                    EndTask(task, FutureState.Faulted, drained.GetExceptionForRethrow());
                    return;
                }
            }

            EndTask(task, FutureState.Cancelled, null);
            return;
        }

        if ((st & StateBits.Scoped) != 0)
        {
            Scope scope = ((FrameStack)task._frame!).Scope!;
            if (scope.IsPaused)
            {
                scope.Hold(task);   // it steps in the tick after Resume; its wake-up is kept, not lost
                return;
            }
        }

        object? link = task.WaitedOn;
        if (link is not null && !Resume(task, link))
        {
            return;
        }

        RunFrames(task);
    }

    /// <summary>Takes a woken task off what it waited on; returns false when that ended the task (R22).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool Resume(Future task, object link)
    {
        task.WaitedOn = null;
        if (link is Future future)
        {
            return (future._state & StateBits.StateMask) == (int)FutureState.Succeeded || Propagate(task, future);
        }

        if (link is SettleRequest settle)
        {
            settle.Release();
        }
        else if (link is CustomWaker waker && waker.Failure is { } failure)
        {
            EndTask(task, FutureState.Faulted, failure);
            return false;
        }

        return true;
    }

    /// <summary>The trampoline: advances the task's top frame until it parks, ends, or fails (R19, R24-R26).</summary>
    /// <param name="task">The task to advance.</param>
    /// <param name="moved">True when the caller already called MoveNext on the top frame.</param>
    /// <param name="more">What that MoveNext returned.</param>
    private void RunFrames(Future task, bool moved = false, bool more = false)
    {
        object frame = task._frame!;
        FrameStack? stack = frame as FrameStack;
        IEnumerator<IAwaitable> it = stack is null ? AsIterator(frame) : stack.Top;
        while (true)
        {
            // No try/catch here (see TickCore): an exception from MoveNext unwinds to the tick, which faults the task.
            if (!moved)
            {
                more = it.MoveNext();
            }

            moved = false;

            if ((task._state & StateBits.CancelRequested) != 0)
            {
                // R33: a task that cancelled itself stops here, whatever it yielded; what it yielded is not awaited.
                if (more)
                {
                    Drop(task, it.Current);
                }

                EndTask(task, FutureState.Cancelled, null);
                return;
            }

            if (!more)
            {
                if (stack is null && (task._state & StateBits.Typed) == 0)
                {
                    EndPlain(task, it);   // the common end: one unnamed frame, no result expected
                    return;
                }

                if (stack is null || stack.Count == 1)
                {
                    if ((task._state & StateBits.Typed) != 0)
                    {
                        Fault(task, new InvalidOperationException(
                            $"Coroutine '{task.NodeName}' ended without yielding Co.Return(value), but it was started as a task with a result. End it with 'yield return Co.Return(value);' or start it with Start() instead of Start<T>()."),
                            "ended without a result");
                        return;
                    }

                    EndTask(task, FutureState.Succeeded, null);
                    return;
                }

                // A child run inline ended: continue its parent in the same step (R24).
                IEnumerator<IAwaitable> child = stack.Top;
                Call call = stack.Pop()!;
                if (call is not UntypedCall)
                {
                    string expected = call.ResultType.Name;
                    stack.Push(child, call);   // keep the child in the trace; EndTask releases the call
                    Fault(task, new InvalidOperationException(
                        $"Coroutine '{Names.Short(child.GetType())}' ended without yielding Co.Return(value), but its caller used Co.Call<{expected}> and expects a result."),
                        "ended without a result");
                    return;
                }

                call.Release();
                it = stack.Top;
                continue;
            }

            IAwaitable? yielded = it.Current;

            // Yield dispatch, cheapest and commonest first (ARCHITECTURE.md): next tick, sleep, future.
            if (yielded is null || ReferenceEquals(yielded, s_nextTick))
            {
                Enqueue(task);
                return;
            }

            if (yielded is SleepRequest sleep)
            {
                if (!sleep._stamp.MayBeYieldedBy(task))
                {
                    Fault(task, sleep._stamp.StaleUse(task, "Co.Sleep"), "yielded a used wait");
                    return;
                }

                long ticks = sleep._ticks;
                GameClock? clock = sleep._clock;
                if (clock is null && !sleep._realtime && (task._state & StateBits.Clocked) != 0)
                {
                    clock = ((FrameStack)task._frame!).Clock;
                }

                sleep.Release();
                if (clock is null || ticks <= 0)
                {
                    // R9: zero or less is the next tick, paused or not. A delay saturates at the end of time (R10).
                    InsertTimer(task, ticks <= 0 ? _now : TimeMath.After(_now, ticks));
                }
                else
                {
                    SleepOnClock(task, clock, ticks, absolute: false);
                }

                return;
            }

            if (yielded is Future future)
            {
                if (!CanWaitOn(task, future))
                {
                    return;
                }

                if ((future._state & StateBits.Resettable) != 0 && !future.AcceptYield(task))
                {
                    Fault(task, future.StaleYield(task), "yielded a stale hand-off wait");   // never a wrong round's wake-up
                    return;
                }

                int fs = future._state & StateBits.StateMask;
                if (fs == 0)
                {
                    future.AddWaiter(task);
                    task.WaitedOn = future;
                    return;
                }

                if (fs != (int)FutureState.Succeeded && !Propagate(task, future))
                {
                    return;
                }

                continue;   // R19: already complete, go on in the same step, in this loop (no recursion)
            }

            if (yielded is Call request)
            {
                if (!request._stamp.MayBeYieldedBy(task))
                {
                    Fault(task, request._stamp.StaleUse(task, "Co.Call"), "yielded a used call");
                    return;
                }

                IEnumerator<IAwaitable> child = request._coroutine!;
                request._coroutine = null;
                if (ShapeOf(child).IsTaken(child) || (_unstarted.Count != 0 && _unstarted.Contains(child)))
                {
                    request.Release();
                    Fault(task, AlreadyStarted(child), "yielded an iterator that already ran");
                    return;
                }

                if (stack is null)
                {
                    stack = new FrameStack(it, null);
                    task._frame = stack;
                }

                stack.Push(child, request);
                it = child;
                continue;
            }

            if (yielded is ReturnRequest result)
            {
                if (!Return(task, stack, result))
                {
                    return;
                }

                it = stack!.Top;
                continue;
            }

            if (yielded is SettleRequest settle)
            {
                if (!settle._stamp.MayBeYieldedBy(task))
                {
                    Fault(task, settle._stamp.StaleUse(task, "Co.Settle"), "yielded a used wait");
                    return;
                }

                Future target = settle._future!;
                if (!CanWaitOn(task, target))
                {
                    settle.Release();
                    return;
                }

                if (target.IsCompleted)
                {
                    target._state |= StateBits.Observed;
                    settle.Release();
                    continue;
                }

                target.AddWaiter(task);
                task.WaitedOn = settle;
                return;
            }

            if (yielded is Interval interval)
            {
                long deadline;
                try
                {
                    deadline = interval.NextDeadline(this, task, (task._state & StateBits.Clocked) != 0 ? ((FrameStack)task._frame!).Clock : null);
                }
                catch (InvalidOperationException ex)
                {
                    Fault(task, ex, "yielded an Interval it cannot use");   // of another loop, or in use by another task
                    return;
                }

                if (interval._clock is null)
                {
                    InsertTimer(task, deadline);
                }
                else
                {
                    SleepOnClock(task, interval._clock, deadline, absolute: true);
                }

                return;
            }

            if (yielded is LoopPhase phase)
            {
                if (!ReferenceEquals(phase.Loop, this))
                {
                    Fault(task, new InvalidOperationException(
                        $"Coroutine '{task.NodeName}' yielded phase '{phase.Name}' of another loop ('{phase.Loop.Name}'). A task waits only for phases of its own loop."),
                        "yielded a phase of another loop");
                    return;
                }

                phase.Park(task);
                task.WaitedOn = phase;
                return;
            }

            if (!ParkOnCustom(task, yielded))
            {
                return;
            }

            // The custom awaitable was already complete: go on.
        }
    }

    /// <summary>Handles <c>Co.Return</c>; returns true when the parent frame continues in this step.</summary>
    private bool Return(Future task, FrameStack? stack, ReturnRequest result)
    {
        if (!result._stamp.MayBeYieldedBy(task))
        {
            Fault(task, result._stamp.StaleUse(task, "Co.Return"), "yielded a used result");
            return false;
        }

        if (stack is null || stack.Count == 1)
        {
            if ((task._state & StateBits.Typed) != 0 && !result.DeliverTo(task))
            {
                Type expected = task.GetType().GetGenericArguments()[0];
                Type actual = result.ValueType;
                result.Release();
                Fault(task, new InvalidOperationException(
                    $"Coroutine '{task.NodeName}' returned a value of type {actual.Name}, but its task was started as LoopTask<{expected.Name}>. Return a {expected.Name}, or start it with Start<{actual.Name}>()."),
                    "returned the wrong type");
                return false;
            }

            // An untyped task keeps the value as its untyped result (LoopTask.Result), as a Task<T> seen as a Task does:
            // no returned value is dropped. Boxing happens here only, on the untyped path.
            object? returned = (task._state & StateBits.Typed) == 0 ? result.Boxed : null;
            result.Release();
            EndTask(task, FutureState.Succeeded, null, returned: returned);   // disposes the root frame: its finally blocks run
            return false;
        }

        Call call = stack.Calls[stack.Count - 1]!;
        if (call is not UntypedCall && !result.DeliverTo(call))
        {
            Type actual = result.ValueType;
            result.Release();
            Fault(task, new InvalidOperationException(
                $"Coroutine '{Names.Short(stack.Top.GetType())}' returned a value of type {actual.Name}, but its caller used Co.Call<{call.ResultType.Name}>."),
                "returned the wrong type");
            return false;
        }

        result.Release();
        IEnumerator<IAwaitable> child = stack.Top;
        try
        {
            child.Dispose();   // the child ends here: its pending finally blocks run
        }
        catch (Exception ex)
        {
            Fault(task, ex, "threw from a finally block");
            return false;
        }

        stack.Pop();
        call.Release();
        return true;
    }

    private bool CanWaitOn(Future task, Future future)
    {
        if (ReferenceEquals(future, task))
        {
            Fault(task, new InvalidOperationException(
                $"Coroutine task '{task.NodeName}' waits on itself: a task cannot yield its own task, because it would never complete."),
                "waiting on itself");
            return false;
        }

        if (!ReferenceEquals(future._loop, this))
        {
            Fault(task, new InvalidOperationException(
                $"Coroutine '{task.NodeName}' on loop '{Name}' yielded a {future.Describe()} that belongs to another loop ('{future._loop.Name}'). A task can only wait on futures of its own loop; hand results between loops with Post."),
                "waiting on another loop's future");
            return false;
        }

        return true;
    }

    /// <summary>Makes a task mirror a faulted or cancelled future it waited on (R22); returns false when it ended.</summary>
    private bool Propagate(Future task, Future future)
    {
        int fs = future._state & StateBits.StateMask;
        if (fs == (int)FutureState.Faulted)
        {
            Exception ex = future.GetExceptionForRethrow();
            Fault(task, ex, "waiting on " + future.Describe());
            return false;
        }

        if (fs == (int)FutureState.Cancelled)
        {
            EndTask(task, FutureState.Cancelled, null);
            return false;
        }

        return true;
    }

    private static IEnumerator<IAwaitable>? RootIterator(Future task) => task._frame switch
    {
        FrameStack stack => stack.Frames[0],
        IEnumerator<IAwaitable> it => it,
        _ => null,
    };

    /// <summary>A node the caller knows is a task (a coroutine task or callback handle: a Future), without a type check.</summary>
#if NET
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Future AsTask(LoopNode node)
    {
        System.Diagnostics.Debug.Assert(node is Future, "a watcher or completion callback where a task was expected");
        return Unsafe.As<Future>(node);
    }
#else
    private static Future AsTask(LoopNode node) => (Future)node;
#endif

#if NET
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static IEnumerator<IAwaitable> AsIterator(object frame) => Unsafe.As<IEnumerator<IAwaitable>>(frame);
#else
    private static IEnumerator<IAwaitable> AsIterator(object frame) => (IEnumerator<IAwaitable>)frame;
#endif
}
