using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A loop that is stuck: tasks wait, and nothing inside the loop can ever wake them (see
/// <see cref="LoopDiagnostics.FindDeadlock"/>). Names the stuck tasks, the wait-for graph between them, and every cycle
/// in it.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> gives the report:
/// <code>
/// Deadlock on loop 'main': 2 tasks wait and nothing can wake them.
/// - #1 'A' waiting on lock held by task 'B' | Demo.Transfer
///   - #2 'B' waiting on lock held by task 'A' | Demo.Transfer
///     - #1 'A' (see above)
/// Cycle: 'A' -> lock held by 'B' -> 'B' -> lock held by 'A' -> 'A'
/// </code>
/// The first line counts the stuck tasks; the tree is drawn as in the dump (see <see cref="LoopSnapshot"/>); then one
/// <c>Cycle:</c> line per cycle (task names joined by how each waits on the next), or, when there is none, a line saying
/// that the innermost waits have nobody to complete them (a future never completed, an event never set, a phase never
/// run). Lines are separated by <c>\n</c>.
/// </remarks>
[DebuggerDisplay("Deadlock on loop '{LoopName,nq}' ({Tasks.Count} tasks, {Cycles.Count} cycles)")]
public sealed class DeadlockReport
{
    private readonly LoopSnapshot _snapshot;
    private readonly List<string> _cycleLines = new();

    internal DeadlockReport(LoopSnapshot snapshot)
    {
        _snapshot = snapshot;
        var cycles = new List<IReadOnlyList<string>>();
        foreach (List<TaskSnapshot> cycle in FindCycles(snapshot.Tasks))
        {
            var names = new string[cycle.Count];
            var line = new StringBuilder("Cycle: ");
            for (int i = 0; i < cycle.Count; i++)
            {
                TaskSnapshot task = cycle[i];
                TaskSnapshot next = cycle[(i + 1) % cycle.Count];
                names[i] = task.Name;
                int edge = IndexOf(task.Children, next);
                line.Append('\'').Append(task.Name).Append("' -> ").Append(task.EdgeLabels[edge]).Append(" -> ");
            }

            line.Append('\'').Append(cycle[0].Name).Append('\'');
            cycles.Add(names);
            _cycleLines.Add(line.ToString());
        }

        Cycles = cycles;
    }

    /// <summary>Gets the name of the stuck loop.</summary>
    public string LoopName => _snapshot.LoopName;

    /// <summary>Gets the loop time at which the loop was found stuck.</summary>
    public TimeSpan Time => _snapshot.Time;

    /// <summary>Gets the stuck tasks (every live task of the loop), by id, with what each waits on.</summary>
    public IReadOnlyList<TaskSnapshot> Tasks => _snapshot.Tasks;

    /// <summary>
    /// Gets the cycles of the wait-for graph: each a list of task names in cycle order (each waits for the next, the last
    /// for the first), starting from the task with the lowest id; for example <c>["A", "B"]</c> when A waits for a lock
    /// held by B and B for one held by A. Empty when the stuck tasks wait on things nobody will complete, without a cycle.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles { get; }

    /// <summary>Gives the report (see the remarks).</summary>
    /// <returns>The report, lines separated by <c>\n</c>, without a final newline.</returns>
    public override string ToString()
    {
        int n = Tasks.Count;
        var text = new StringBuilder();
        text.Append("Deadlock on loop '").Append(LoopName).Append("': ").Append(WaitGraph.Count(n, "task"))
            .Append(n == 1 ? " waits and nothing can wake it." : " wait and nothing can wake them.");
        LoopSnapshot.AppendTree(text, _snapshot.Tasks, _snapshot.Roots);
        if (_cycleLines.Count == 0)
        {
            text.Append("\nNo cycle: the innermost waits have nobody in the loop to complete them.");
        }

        foreach (string line in _cycleLines)
        {
            text.Append('\n').Append(line);
        }

        return text.ToString();
    }

    private static int IndexOf(IReadOnlyList<TaskSnapshot> list, TaskSnapshot item)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (ReferenceEquals(list[i], item))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// One cycle per strongly connected component that has one (Tarjan's algorithm, iterative so that long chains do not
    /// recurse): the shortest way round from the component's lowest-id task. Components in order of that id.
    /// </summary>
    private static List<List<TaskSnapshot>> FindCycles(IReadOnlyList<TaskSnapshot> tasks)
    {
        var index = new Dictionary<TaskSnapshot, int>(ReferenceComparer.Instance);
        var low = new Dictionary<TaskSnapshot, int>(ReferenceComparer.Instance);
        var onStack = new HashSet<TaskSnapshot>(ReferenceComparer.Instance);
        var stack = new Stack<TaskSnapshot>();
        var components = new List<List<TaskSnapshot>>();
        var work = new Stack<(TaskSnapshot Task, int Next)>();
        int counter = 0;

        foreach (TaskSnapshot start in tasks)
        {
            if (index.ContainsKey(start))
            {
                continue;
            }

            work.Push((start, 0));
            index[start] = low[start] = counter++;
            stack.Push(start);
            onStack.Add(start);
            while (work.Count > 0)
            {
                (TaskSnapshot task, int next) = work.Pop();
                if (next < task.Children.Count)
                {
                    work.Push((task, next + 1));
                    TaskSnapshot child = task.Children[next];
                    if (!index.TryGetValue(child, out int childIndex))
                    {
                        index[child] = low[child] = counter++;
                        stack.Push(child);
                        onStack.Add(child);
                        work.Push((child, 0));
                    }
                    else if (onStack.Contains(child))
                    {
                        low[task] = Math.Min(low[task], childIndex);
                    }

                    continue;
                }

                if (work.Count > 0)
                {
                    TaskSnapshot parent = work.Peek().Task;
                    low[parent] = Math.Min(low[parent], low[task]);
                }

                if (low[task] == index[task])
                {
                    var component = new List<TaskSnapshot>();
                    TaskSnapshot member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (!ReferenceEquals(member, task));

                    if (component.Count > 1 || IndexOf(task.Children, task) >= 0)
                    {
                        components.Add(component);
                    }
                }
            }
        }

        var cycles = new List<List<TaskSnapshot>>();
        foreach (List<TaskSnapshot> component in components)
        {
            cycles.Add(ShortestCycle(component));
        }

        cycles.Sort((a, b) => a[0].Id.CompareTo(b[0].Id));
        return cycles;
    }

    /// <summary>The shortest way from the component's lowest-id task back to itself, inside the component (breadth first,
    /// children in order, so the result is deterministic).</summary>
    private static List<TaskSnapshot> ShortestCycle(List<TaskSnapshot> component)
    {
        var members = new HashSet<TaskSnapshot>(component, ReferenceComparer.Instance);
        TaskSnapshot start = component[0];
        foreach (TaskSnapshot each in component)
        {
            if (each.Id < start.Id)
            {
                start = each;
            }
        }

        var cameFrom = new Dictionary<TaskSnapshot, TaskSnapshot>(ReferenceComparer.Instance);
        var queue = new Queue<TaskSnapshot>();
        queue.Enqueue(start);
        TaskSnapshot? last = null;
        while (queue.Count > 0 && last is null)
        {
            TaskSnapshot task = queue.Dequeue();
            foreach (TaskSnapshot child in task.Children)
            {
                if (ReferenceEquals(child, start))
                {
                    last = task;
                    break;
                }

                if (members.Contains(child) && !cameFrom.ContainsKey(child))
                {
                    cameFrom[child] = task;
                    queue.Enqueue(child);
                }
            }
        }

        var cycle = new List<TaskSnapshot>();
        for (TaskSnapshot? at = last; at is not null && !ReferenceEquals(at, start); at = cameFrom[at])
        {
            cycle.Add(at);
        }

        cycle.Add(start);
        cycle.Reverse();
        return cycle;
    }
}
