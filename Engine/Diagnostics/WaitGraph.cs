using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace YieldLoop.Internal;

/// <summary>
/// The wait-for graph of a loop's live tasks, read from the loop's books for a snapshot or a deadlock report
/// (docs/design.md, "Diagnostics"): for each task, what it is doing, what it waits on (in words), and the tasks that
/// could wake it (its edges).
/// </summary>
/// <remarks>
/// <para><b>Edges.</b> A task parked on another task waits for it. A task parked on a lock or semaphore waits for its
/// holders (recorded by <see cref="CoLock"/> and <see cref="CoSemaphore"/>). A task parked on a combinator's future (wait
/// for all, race, any, timeout, a task group's wait, a shield) waits for the tasks that future covers, through any
/// nesting. Anything else (a plain future, an event, a channel, a phase, a custom awaitable) is a leaf: the graph does
/// not know who completes it.</para>
/// <para><b>How combinators are found.</b> A combinator is an engine <see cref="Watcher"/> that sits in the waiter slot
/// of each of its inputs and of its own result. The graph scans the waiter slots of every live task, and of every
/// future found that way, and keeps for each watcher the futures it sits on as an input (not its own result). Inputs are
/// found from below, so an input that is a plain future nobody else knows of is not listed; the tasks that matter for
/// the wait-for graph always are.</para>
/// <para>Read-only and loop-thread only: it changes no state, and allocates only for the result. Rejected: a per-wait
/// record kept by the engine (what the wait was and who should complete it), which would cost on the hot path what is
/// needed only when someone asks.</para>
/// </remarks>
internal sealed class WaitGraph
{
    private readonly EventLoop _loop;
    private readonly long _now;

    // Watchers found in waiter slots, and the futures each takes as input (a combinator's children, a shield's inner future).
    private readonly Dictionary<Watcher, List<Future>> _inputs = new(ReferenceComparer.Instance);

    // A combinator's (or shield's) result future, and the watcher that completes it.
    private readonly Dictionary<Future, Watcher> _producers = new(ReferenceComparer.Instance);

    private readonly Dictionary<Future, Node> _nodes = new(ReferenceComparer.Instance);

    internal WaitGraph(EventLoop loop, List<Future> tasks)
    {
        _loop = loop;
        _now = loop.NowTicks;
        IndexWatchers(tasks);
        Future? running = loop.CurrentTask;
        foreach (Future task in tasks)
        {
            _nodes[task] = Describe(task, ReferenceEquals(task, running));
        }
    }

    /// <summary>What one task does and waits on.</summary>
    internal sealed class Node
    {
        internal TaskActivity State;
        internal string WaitsOn = string.Empty;
        internal TimeSpan? Deadline;
        internal readonly List<Future> Targets = new();
        internal readonly List<string> Labels = new();   // per target: how the task waits on it, for cycle lines

        internal void AddEdge(Future target, string label)
        {
            if (!Targets.Contains(target))
            {
                Targets.Add(target);
                Labels.Add(label);
            }
        }
    }

    internal Node this[Future task] => _nodes[task];

    /// <summary>
    /// The coroutine task that is parked on <paramref name="wait"/> (directly, or on a combinator over it): who gets a lock
    /// or permit handed to it. Null when none is (a callback, several tasks, or nobody).
    /// </summary>
    internal static Future? WaitingTask(Future wait)
    {
        for (int depth = 0; depth < 8 && !wait.IsCompleted; depth++)
        {
            switch (wait._slot)
            {
                case CompositeWatcher watcher when !ReferenceEquals(watcher.Result, wait):
                    wait = watcher.Result;
                    continue;
                case Future task when (task._state & StateBits.KindMask) == 0:
                    return task;
                case WaiterList list:
                    for (int i = 0; i < list.Count; i++)
                    {
                        if (list.Items[i] is Future waiter && (waiter._state & StateBits.KindMask) == 0)
                        {
                            return waiter;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>Loop time as <c>hh:mm:ss.fff</c> (with <c>d.</c> in front past a day).</summary>
    internal static string FormatTime(long ticks)
    {
        var time = new TimeSpan(Math.Max(0, ticks));
        return time.Days > 0
            ? time.ToString(@"d\.hh\:mm\:ss\.fff", CultureInfo.InvariantCulture)
            : time.ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
    }

    /// <summary>A duration as seconds with milliseconds: <c>2.000 s</c>.</summary>
    internal static string FormatSeconds(long ticks) =>
        (ticks / (double)TimeSpan.TicksPerSecond).ToString("0.000", CultureInfo.InvariantCulture) + " s";

    // ---- watchers ---------------------------------------------------------------------------------------------------

    private static Future? OutputOf(Watcher watcher) => watcher switch
    {
        CompositeWatcher composite => composite.Result,
        AnyWatcher any => any.Result,
        ShieldWatcher shield => shield.Shield,
        _ => null,   // interop bridges, clock drivers: they complete nothing a task waits on
    };

    /// <summary>Scans waiter slots upwards from the live tasks: each combinator found learns its inputs.</summary>
    private void IndexWatchers(List<Future> tasks)
    {
        var scanned = new HashSet<Future>(ReferenceComparer.Instance);
        var queue = new Queue<Future>();
        foreach (Future task in tasks)
        {
            scanned.Add(task);
            queue.Enqueue(task);
            Future? parkedOn = task._link switch
            {
                Future future when (task._state & StateBits.InWheel) == 0 => future,
                SettleRequest settle when settle._future is not null => settle._future,
                _ => null,
            };
            if (parkedOn is not null && scanned.Add(parkedOn))
            {
                queue.Enqueue(parkedOn);
            }
        }

        while (queue.Count > 0)
        {
            Future future = queue.Dequeue();
            if (future.IsCompleted)
            {
                continue;   // the slot holds the outcome, not waiters
            }

            switch (future._slot)
            {
                case Watcher watcher:
                    Index(future, watcher, scanned, queue);
                    break;
                case WaiterList list:
                    for (int i = 0; i < list.Count; i++)
                    {
                        if (list.Items[i] is Watcher listed)
                        {
                            Index(future, listed, scanned, queue);
                        }
                    }

                    break;
            }
        }
    }

    private void Index(Future future, Watcher watcher, HashSet<Future> scanned, Queue<Future> queue)
    {
        Future? output = OutputOf(watcher);
        if (output is null)
        {
            return;
        }

        _producers[output] = watcher;
        if (ReferenceEquals(output, future))
        {
            return;   // a combinator watching its own result (to hear of its cancellation): not an input
        }

        if (!_inputs.TryGetValue(watcher, out List<Future>? inputs))
        {
            _inputs[watcher] = inputs = new List<Future>();
        }

        if (!inputs.Contains(future))
        {
            inputs.Add(future);
        }

        if (scanned.Add(output))
        {
            queue.Enqueue(output);   // a nested combinator: its result is an input of the next one up
        }
    }

    /// <summary>The coroutine tasks a future stands for: itself if it is one, else those its combinator covers.</summary>
    private List<Future> Covered(Future future)
    {
        var result = new List<Future>();
        var seen = new HashSet<Future>(ReferenceComparer.Instance);
        var stack = new Stack<Future>();
        stack.Push(future);
        while (stack.Count > 0)
        {
            Future next = stack.Pop();
            if (!seen.Add(next))
            {
                continue;
            }

            if (next is Future { IsTask: true } task)
            {
                if ((task._state & StateBits.KindMask) == 0 && !task.IsCompleted && !result.Contains(task))
                {
                    result.Add(task);
                }

                continue;
            }

            if (_producers.TryGetValue(next, out Watcher? watcher) && _inputs.TryGetValue(watcher, out List<Future>? inputs))
            {
                for (int i = inputs.Count - 1; i >= 0; i--)
                {
                    stack.Push(inputs[i]);   // reversed, so inputs come out in the order they were found
                }
            }
        }

        return result;
    }

    private static string KindOf(Watcher watcher) => watcher switch
    {
        AllWatcher => "all",
        RaceWatcher => "race",
        AnyWatcher => "any",
        TimeoutWatcher => "timeout",
        TaskGroupWatcher => "task group",
        ShieldWatcher => "shield",
        _ => "combinator",
    };

    // ---- tasks ------------------------------------------------------------------------------------------------------

    private Node Describe(Future task, bool running)
    {
        var node = new Node();
        int st = task._state;
        Scope? scope = (st & StateBits.Scoped) != 0 ? ((FrameStack)task._frame!).Scope : null;
        bool held = scope is { IsPaused: true };
        if ((st & StateBits.CancelRequested) != 0)
        {
            node.State = TaskActivity.Cancelling;
            return node;
        }

        if (running)
        {
            node.State = TaskActivity.Running;
            return node;
        }

        if ((st & StateBits.Frozen) != 0)
        {
            node.State = TaskActivity.Paused;
            node.WaitsOn = task._deadline == Internal.TimeMath.Never
                ? $"scope '{scope?.Name}' (paused, waiting for a time past the end of time: never)"
                : $"scope '{scope?.Name}' (paused with {FormatSeconds(task._deadline)} of sleep left)";
            return node;
        }

        if ((st & StateBits.InWheel) != 0)
        {
            node.State = TaskActivity.Sleeping;
            DescribeTimer(task, node);
            return node;
        }

        Future? parkedOn = null;
        string prefix = string.Empty;
        switch (task._link)
        {
            case Future future:
                parkedOn = future;
                break;
            case SettleRequest settle when settle._future is not null:
                parkedOn = settle._future;
                prefix = "settle of ";
                break;
            case CustomWaker waker:
                node.State = TaskActivity.Waiting;
                node.WaitsOn = "awaitable " + waker.AwaitableType;
                return node;
            case LoopPhase phase:
                node.State = TaskActivity.Waiting;
                node.WaitsOn = $"phase '{phase.Name}'";
                return node;
        }

        if (parkedOn is null || parkedOn.IsCompleted)
        {
            // Queued for its turn (or held by its paused scope at that turn).
            node.State = held ? TaskActivity.Paused : TaskActivity.Ready;
            node.WaitsOn = held ? $"scope '{scope!.Name}' (paused)" : string.Empty;
            return node;
        }

        node.State = TaskActivity.Waiting;
        node.WaitsOn = prefix + DescribeFuture(parkedOn, node);
        return node;
    }

    private void DescribeTimer(Future task, Node node)
    {
        long deadline = task._deadline;
        if (deadline > Internal.TimeMath.EndOfTime)
        {
            // A time past the end of time (a grid point, a CallAt): never due (R10).
            node.WaitsOn = "timer past the end of time (never due)";
            return;
        }

        if ((task._state & StateBits.ClockTimer) == 0)
        {
            node.Deadline = new TimeSpan(deadline);
            node.WaitsOn = deadline <= _now
                ? $"timer at {FormatTime(deadline)} (due)"
                : $"timer at {FormatTime(deadline)} (in {FormatSeconds(deadline - _now)})";
            return;
        }

        // A game clock's timer: the deadline is in the clock's time. A paused (or stopped) clock keeps no loop timer,
        // so nothing wakes the task until the clock runs again.
        GameClock clock = ((FrameStack)task._frame!).TimerClock!;
        long left = Math.Max(0, deadline - clock.LocalAt(_now));
        string at = $"timer on clock '{clock.Name}' at {FormatTime(deadline)}";
        if (clock.EffectiveScale == 0)
        {
            node.WaitsOn = $"{at} (clock {(clock.IsPaused ? "paused" : "stopped")} with {FormatSeconds(left)} left)";
            return;
        }

        long real = clock.RealAt(deadline);
        node.Deadline = real == long.MaxValue ? null : new TimeSpan(real);
        node.WaitsOn = real == long.MaxValue
            ? $"{at} (in {FormatSeconds(left)} of clock time, reached only after the end of time at its current scale)"
            : $"{at} (in {FormatSeconds(left)} of clock time)";
    }

    private string DescribeFuture(Future future, Node node)
    {
        if (future is { IsTask: true } task)
        {
            if ((task._state & StateBits.KindMask) == 0)
            {
                node.AddEdge(task, $"task '{task.NodeName}'");
            }

            return task.Describe();
        }

        if (future is TurnWait turn)
        {
            return DescribeTurn(turn, node);
        }

        if (_producers.TryGetValue(future, out Watcher? watcher))
        {
            string kind = KindOf(watcher);
            List<Future> covered = Covered(future);
            if (covered.Count == 1 && watcher is TimeoutWatcher or ShieldWatcher)
            {
                node.AddEdge(covered[0], $"{kind} around '{covered[0].NodeName}'");
                return $"{kind} around {covered[0].Describe()}";
            }

            foreach (Future child in covered)
            {
                node.AddEdge(child, $"{kind} including '{child.NodeName}'");
            }

            return covered.Count == 0 ? $"{kind} of futures" : $"{kind} of {Count(covered.Count, "task")}";
        }

        string what = future.Describe();
        return what == "future" ? what + " (completed by: " + Completer(future) + ")" : what;
    }

    private static string DescribeTurn(TurnWait turn, Node node)
    {
        switch (turn.Owner)
        {
            case CoLock lck:
                Future? holder = lck.Holder;
                if (holder is null)
                {
                    return "lock (holder unknown)";
                }

                if (!holder.IsCompleted && (holder._state & StateBits.KindMask) == 0)
                {
                    node.AddEdge(holder, $"lock held by '{holder.NodeName}'");
                }

                return "lock held by " + Who(holder);
            case CoSemaphore semaphore:
                var holders = new StringBuilder();
                bool unknown = false;
                if (semaphore.Holders is { } list)
                {
                    foreach (Future? each in list)
                    {
                        if (each is null)
                        {
                            unknown = true;
                            continue;
                        }

                        if (!each.IsCompleted && (each._state & StateBits.KindMask) == 0)
                        {
                            node.AddEdge(each, $"semaphore held by '{each.NodeName}'");
                        }

                        holders.Append(holders.Length == 0 ? string.Empty : ", ").Append(Who(each));
                    }
                }

                if (holders.Length == 0)
                {
                    return "semaphore (holders unknown)";
                }

                return "semaphore held by " + holders + (unknown ? " and others unknown" : string.Empty);
            default:
                return turn.Describe();
        }
    }

    private static string Who(Future holder) => holder.IsCompleted ? holder.Describe() + " (ended)" : holder.Describe();

    /// <summary>Who will complete a plain future, as far as the loop knows.</summary>
    private static string Completer(Future future)
    {
        switch (future._slot)
        {
            case InteropWatcher { WakesLoop: true }:
                return "work outside the loop";
            case WaiterList list:
                for (int i = 0; i < list.Count; i++)
                {
                    if (list.Items[i] is InteropWatcher { WakesLoop: true })
                    {
                        return "work outside the loop";
                    }
                }

                break;
        }

        return "unknown";
    }

    internal static string Count(int n, string noun) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? string.Empty : "s");
}
