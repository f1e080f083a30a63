using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>Live snapshots, the dump and the deadlock report.</summary>
public sealed partial class LoopDiagnostics
{
    // Ids and start times of tasks, attached as a loop monitor at the first Snapshot, Dump or FindDeadlock.
    private TaskBook? _book;

    // What the last deadlock reported in debug mode looked like (ids and waits), so one stuck episode is reported once.
    private string? _reportedDeadlock;

    /// <summary>
    /// Takes a snapshot of every live task of the loop: its id, name, state, age, what it waits on, its coroutine frames,
    /// and the tasks it waits for, as a tree (see <see cref="LoopSnapshot"/>).
    /// </summary>
    /// <returns>An immutable snapshot; its <see cref="LoopSnapshot.ToString"/> is the dump.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <remarks>
    /// <para>Loop-only; allowed inside steps (the task that takes it shows as <see cref="TaskActivity.Running"/>). It reads
    /// the loop's books and allocates only for the result; callbacks are not listed.</para>
    /// <para><b>Ids and ages.</b> The first snapshot (or <see cref="Dump"/>, or <see cref="FindDeadlock"/>) of a loop
    /// numbers the tasks already running (in no particular but deterministic order) and attaches a small monitor that,
    /// from then on, gives each task started an id in start order and records its start time. Tasks started before that
    /// have no known <see cref="TaskSnapshot.Age"/>. Take one snapshot early (at startup) to know every task's age. The
    /// cost: with a monitor attached the loop runs its monitored run loop, which takes two timestamps per step
    /// (docs/design.md, "Diagnostics"), and each task start records an id and a time.</para>
    /// </remarks>
    public LoopSnapshot Snapshot()
    {
        _loop.CheckThread();
        TaskBook book = EnsureBook();
        List<Future> live = _loop.LiveTasks();
        var tasks = new List<Future>(live.Count);
        foreach (Future task in live)
        {
            if ((task._state & (StateBits.KindMask | StateBits.StateMask)) == 0)
            {
                tasks.Add(task);
            }
        }

        // Number the tasks nobody numbered yet in registry order first, then sort by id: deterministic for a given run.
        var entries = new Dictionary<Future, TaskBook.Entry>(ReferenceComparer.Instance);
        foreach (Future task in tasks)
        {
            entries[task] = book.Get(task);
        }

        tasks.Sort((a, b) => entries[a].Id.CompareTo(entries[b].Id));
        var graph = new WaitGraph(_loop, tasks);
        long now = _loop.NowTicks;
        var snapshots = new List<TaskSnapshot>(tasks.Count);
        var byTask = new Dictionary<Future, TaskSnapshot>(ReferenceComparer.Instance);
        foreach (Future task in tasks)
        {
            TaskBook.Entry entry = entries[task];
            WaitGraph.Node node = graph[task];
            TimeSpan? age = entry.Start == long.MinValue ? null : new TimeSpan(Math.Max(0, now - entry.Start));
            var snapshot = new TaskSnapshot(entry.Id, task.NodeName, node.State, age, node.WaitsOn, node.Deadline, FramesOf(task));
            snapshots.Add(snapshot);
            byTask[task] = snapshot;
        }

        var waitedFor = new HashSet<TaskSnapshot>(ReferenceComparer.Instance);
        foreach (Future task in tasks)
        {
            TaskSnapshot snapshot = byTask[task];
            WaitGraph.Node node = graph[task];
            for (int i = 0; i < node.Targets.Count; i++)
            {
                if (byTask.TryGetValue(node.Targets[i], out TaskSnapshot? child))
                {
                    snapshot.AddChild(child, node.Labels[i]);
                    if (!ReferenceEquals(child, snapshot))
                    {
                        waitedFor.Add(child);   // a task waiting on itself (a lock it holds) is still a root
                    }
                }
            }
        }

        var roots = new List<TaskSnapshot>();
        foreach (TaskSnapshot snapshot in snapshots)
        {
            if (!waitedFor.Contains(snapshot))
            {
                roots.Add(snapshot);
            }
        }

        return new LoopSnapshot(_loop.Name, new TimeSpan(now), snapshots, roots);
    }

    /// <summary>Gives the human-readable dump of the loop's live tasks: <c>Snapshot().ToString()</c> (the format is
    /// described on <see cref="LoopSnapshot"/>).</summary>
    /// <returns>The dump, lines separated by <c>\n</c>.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    public string Dump() => Snapshot().ToString();

    /// <summary>
    /// Tells whether the loop is stuck, and if so why: it is when no work is ready (<see cref="EventLoop.HasReadyWork"/>
    /// is false), no timer is pending (<see cref="EventLoop.NextWakeTime"/> is null: a paused <see cref="GameClock"/>'s
    /// sleepers do not count), no offload or awaited .NET task is in flight, and at least one task waits. Then nothing
    /// inside the loop can ever wake those tasks.
    /// </summary>
    /// <returns>The report, or null when the loop is not stuck (or a step is running: a loop that runs is not stuck).</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <remarks>
    /// <para>Only the host can still wake a stuck loop: a hand-over from another thread, a <see cref="LoopPhase.Run"/>, a
    /// paused <see cref="Scope"/> or <see cref="GameClock"/> resumed, a future completed between ticks. A game that ticks
    /// every frame may be "stuck" in this sense between two frames on purpose; a console run
    /// (<see cref="EventLoop.RunUntilComplete(Future)"/>, <see cref="EventLoop.RunForever"/>) that is stuck waits forever,
    /// which is what debug mode reports (<see cref="DeadlockException"/>).</para>
    /// <para>The report's <see cref="DeadlockReport.Tasks"/> are all the live tasks, and its cycles are those of the
    /// wait-for graph (locks and semaphores by their recorded holders).</para>
    /// </remarks>
    public DeadlockReport? FindDeadlock()
    {
        _loop.CheckThread();
        if (_loop.IsClosed || _loop.InTick || _loop.HasReadyWork || _loop.NextWakeTime is not null || _loop.ExternalWorkCount != 0)
        {
            return null;
        }

        LoopSnapshot snapshot = Snapshot();
        return snapshot.Tasks.Count == 0 ? null : new DeadlockReport(snapshot);
    }

    /// <summary>
    /// Debug mode, from <c>EventLoop.WaitForWork</c>: the run is about to wait with nothing in the loop that can wake it.
    /// Reports the deadlock to the unhandled-exception handler once per stuck episode: again only when the picture (the
    /// stuck tasks and what they wait on) changed, or the loop was found not stuck in between.
    /// </summary>
    internal void ReportDeadlockOnce()
    {
        DeadlockReport? report = FindDeadlock();
        if (report is null)
        {
            _reportedDeadlock = null;
            return;
        }

        var signature = new StringBuilder();
        foreach (TaskSnapshot task in report.Tasks)
        {
            signature.Append(task.Id).Append(' ').Append(task.State).Append(' ').Append(task.WaitsOn).Append('\n');
        }

        string key = signature.ToString();
        if (key == _reportedDeadlock)
        {
            return;
        }

        _reportedDeadlock = key;
        _loop.Report(new DeadlockException(report));
    }

    private TaskBook EnsureBook()
    {
        if (_book is null)
        {
            _book = new TaskBook(_loop);
            _loop.AddMonitor(_book);
        }

        return _book;
    }

    private static string[] FramesOf(Future task)
    {
        switch (task._frame)
        {
            case FrameStack stack:
                var frames = new string[stack.Count];
                for (int i = 0; i < stack.Count; i++)
                {
                    frames[i] = Names.Full(stack.Frames[i]!.GetType());
                }

                return frames;
            case IEnumerator<IAwaitable> single:
                return new[] { Names.Full(single.GetType()) };
            default:
                return Array.Empty<string>();
        }
    }

    /// <summary>
    /// The diagnostics' books of tasks: a small id per task, and the loop time at which it started when that is known. A
    /// side table (weak: it never keeps a task alive), so tasks do not grow a field for diagnostics (W5 in docs/performance.md).
    /// </summary>
    private sealed class TaskBook : LoopMonitor
    {
        private readonly EventLoop _loop;
        private readonly ConditionalWeakTable<Future, Entry> _entries = new();
        private int _nextId;

        internal TaskBook(EventLoop loop)
        {
            _loop = loop;
        }

        internal override void TaskStarted(Future task)
        {
            if (!_entries.TryGetValue(task, out _))
            {
                _entries.Add(task, new Entry(++_nextId, _loop.NowTicks));
            }
        }

        /// <summary>The task's entry; a task started before the book gets an id now, and no start time.</summary>
        internal Entry Get(Future task)
        {
            if (!_entries.TryGetValue(task, out Entry? entry))
            {
                entry = new Entry(++_nextId, long.MinValue);
                _entries.Add(task, entry);
            }

            return entry;
        }

        internal sealed class Entry
        {
            internal Entry(int id, long start)
            {
                Id = id;
                Start = start;
            }

            internal int Id { get; }

            /// <summary>Loop ticks at the start, or <see cref="long.MinValue"/> when unknown.</summary>
            internal long Start { get; }
        }
    }
}
