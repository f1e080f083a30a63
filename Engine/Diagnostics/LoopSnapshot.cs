using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// An immutable picture of a loop's live tasks at one moment, as a tree of who waits for whom (see
/// <see cref="LoopDiagnostics.Snapshot"/>). <see cref="ToString"/> is the human-readable dump.
/// </summary>
/// <remarks>
/// <para><b>The dump</b> (<see cref="ToString"/>, <see cref="LoopDiagnostics.Dump"/>): a header line, then one line per
/// task, lines separated by <c>\n</c>:</para>
/// <code>
/// Loop 'kitchen' at 00:00:05.000: 3 tasks (2 waiting, 1 sleeping)
/// - #1 'Cook' waiting on all of 2 tasks, age 5.000 s | Kitchen.Cook
///   - #2 'Boil' sleeping on timer at 00:00:08.000 (in 3.000 s), age 5.000 s | Kitchen.Boil
///   - #3 'Order' waiting on future (completed by: unknown), age 5.000 s | Kitchen.Order
/// </code>
/// <para>The header gives the loop's name, the loop time (<c>hh:mm:ss.fff</c>), the number of tasks and, in brackets,
/// how many are in each state that occurs, in the order running, ready, waiting, sleeping, paused, cancelling. Each task
/// line is <see cref="TaskSnapshot.ToString"/> after <c>- </c>, indented two spaces per level: a task's
/// <see cref="TaskSnapshot.Children"/> (the tasks it waits for) come under it. The roots come first, by id; a task that
/// was already printed is printed again only as <c>#2 'Boil' (see above)</c>; tasks that only wait on each other (a
/// cycle, so no root reaches them) follow, from the lowest id. Past 40 levels the indentation stops growing and the
/// bullet says the depth: <c>- [depth 41] #42 'Step' ...</c>. Nothing in it depends on hash codes or the run: a
/// deterministic program on a manual clock dumps the same text every time.</para>
/// </remarks>
[DebuggerDisplay("Snapshot of loop '{LoopName,nq}' at {Time} ({Tasks.Count} tasks)")]
public sealed class LoopSnapshot
{
    // Lines deeper than this keep this indentation and say their depth, so a long chain of tasks each waiting for the
    // next dumps in linear, not quadratic, space.
    private const int MaxIndent = 40;

    internal LoopSnapshot(string loopName, TimeSpan time, IReadOnlyList<TaskSnapshot> tasks, IReadOnlyList<TaskSnapshot> roots)
    {
        LoopName = loopName;
        Time = time;
        Tasks = tasks;
        Roots = roots;
    }

    /// <summary>Gets the name of the loop.</summary>
    public string LoopName { get; }

    /// <summary>Gets the loop time of the snapshot (<see cref="EventLoop.Time"/>).</summary>
    public TimeSpan Time { get; }

    /// <summary>Gets every live task (coroutines; not callbacks), by <see cref="TaskSnapshot.Id"/>.</summary>
    public IReadOnlyList<TaskSnapshot> Tasks { get; }

    /// <summary>Gets the tasks no other task waits for, by id: the tops of the wait-for tree.</summary>
    public IReadOnlyList<TaskSnapshot> Roots { get; }

    /// <summary>Gives the dump: the header line and the tree of tasks (see the remarks).</summary>
    /// <returns>The dump, lines separated by <c>\n</c>, without a final newline.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("Loop '").Append(LoopName).Append("' at ").Append(WaitGraph.FormatTime(Time.Ticks)).Append(": ")
            .Append(WaitGraph.Count(Tasks.Count, "task"));
        AppendCounts(text, Tasks);
        AppendTree(text, Tasks, Roots);
        return text.ToString();
    }

    /// <summary>Appends <c> (1 ready, 2 waiting)</c>: the count of each state that occurs.</summary>
    private static void AppendCounts(StringBuilder text, IReadOnlyList<TaskSnapshot> tasks)
    {
        TaskActivity[] order =
        {
            TaskActivity.Running, TaskActivity.Ready, TaskActivity.Waiting, TaskActivity.Sleeping, TaskActivity.Paused, TaskActivity.Cancelling,
        };
        bool first = true;
        foreach (TaskActivity state in order)
        {
            int n = 0;
            foreach (TaskSnapshot task in tasks)
            {
                n += task.State == state ? 1 : 0;
            }

            if (n == 0)
            {
                continue;
            }

            text.Append(first ? " (" : ", ").Append(n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(' ')
                .Append(TaskSnapshot.StateWord(state));
            first = false;
        }

        if (!first)
        {
            text.Append(')');
        }
    }

    /// <summary>
    /// Appends the tree, one <c>\n</c>-prefixed line per task (see the remarks). Iterative, so a chain of a hundred
    /// thousand tasks each waiting for the next dumps without deep recursion.
    /// </summary>
    internal static void AppendTree(StringBuilder text, IReadOnlyList<TaskSnapshot> tasks, IReadOnlyList<TaskSnapshot> roots)
    {
        var printed = new HashSet<TaskSnapshot>(ReferenceComparer.Instance);
        var stack = new Stack<(TaskSnapshot Task, int Depth)>();
        void Print(TaskSnapshot top)
        {
            stack.Push((top, 0));
            while (stack.Count > 0)
            {
                (TaskSnapshot task, int depth) = stack.Pop();
                text.Append('\n').Append(' ', Math.Min(depth, MaxIndent) * 2).Append("- ");
                if (depth > MaxIndent)
                {
                    text.Append("[depth ").Append(depth.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("] ");
                }

                if (!printed.Add(task))
                {
                    task.AppendHead(text);
                    text.Append(" (see above)");
                    continue;
                }

                task.AppendLine(text);
                for (int i = task.Children.Count - 1; i >= 0; i--)
                {
                    stack.Push((task.Children[i], depth + 1));
                }
            }
        }

        foreach (TaskSnapshot root in roots)
        {
            Print(root);
        }

        foreach (TaskSnapshot task in tasks)
        {
            if (!printed.Contains(task))
            {
                Print(task);
            }
        }
    }
}
