using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// One live task in a <see cref="LoopSnapshot"/>: its name, a small id, what it is doing and waiting on, its coroutine
/// frames, and the tasks it waits for (<see cref="Children"/>). Immutable: it describes the moment of the snapshot.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> gives the task's line of the dump, for example
/// <c>#1 'Cook' waiting on task 'Boil', age 5.000 s | Kitchen.Cook &gt; Kitchen.Boil</c>: the id, the name in quotes,
/// the state in lower case, <c>on</c> and <see cref="WaitsOn"/> when it waits on something, <c>, age</c> and
/// <see cref="Age"/> in seconds when known, then <c> | </c> and the frames, outermost first, joined by <c> &gt; </c>.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class TaskSnapshot
{
    private static readonly IReadOnlyList<TaskSnapshot> s_none = Array.Empty<TaskSnapshot>();

    private List<TaskSnapshot>? _children;
    private List<string>? _labels;

    internal TaskSnapshot(int id, string name, TaskActivity state, TimeSpan? age, string waitsOn, TimeSpan? deadline, IReadOnlyList<string> frames)
    {
        Id = id;
        Name = name;
        State = state;
        Age = age;
        WaitsOn = waitsOn;
        Deadline = deadline;
        Frames = frames;
    }

    /// <summary>
    /// Gets the task's id in its loop's diagnostics: a small number, stable for the task's life, given in the order tasks
    /// started (tasks already running when diagnostics were first used are numbered at the first snapshot).
    /// </summary>
    public int Id { get; }

    /// <summary>Gets the task's name (<see cref="LoopTask.Name"/>).</summary>
    public string Name { get; }

    /// <summary>Gets what the task was doing.</summary>
    public TaskActivity State { get; }

    /// <summary>
    /// Gets how long ago (in loop time) the task started, or null when that is unknown: start times are recorded from the
    /// first <see cref="LoopDiagnostics.Snapshot"/>, <see cref="LoopDiagnostics.Dump"/> or
    /// <see cref="LoopDiagnostics.FindDeadlock"/> of the loop on (see <see cref="LoopDiagnostics.Snapshot"/>).
    /// </summary>
    public TimeSpan? Age { get; }

    /// <summary>
    /// Gets what the task waits on, in words; empty when it waits on nothing (ready, running, cancelling). For example
    /// <c>task 'Boil'</c>, <c>timer at 00:00:05.000 (in 2.000 s)</c>,
    /// <c>timer on clock 'world' at 00:00:03.000 (clock paused with 1.000 s left)</c>, <c>lock held by task 'A'</c>,
    /// <c>all of 3 tasks</c>, <c>timeout around task 'Load'</c>, <c>future (completed by: unknown)</c>, <c>event</c>,
    /// <c>phase 'FixedUpdate'</c>, <c>scope 'ui' (paused)</c>.
    /// </summary>
    public string WaitsOn { get; }

    /// <summary>Gets the loop time at which a sleeping task's timer is due, or null when it is not sleeping (or sleeps on
    /// a game clock that is paused).</summary>
    public TimeSpan? Deadline { get; }

    /// <summary>Gets the task's coroutine frames, outermost first (the root coroutine, then each child it runs inline with
    /// <c>Co.Call</c>), as qualified method names such as <c>Kitchen.Cook</c>.</summary>
    public IReadOnlyList<string> Frames { get; }

    /// <summary>
    /// Gets the tasks this one waits for: the task it waits on, the holder of the lock it waits for, the tasks a
    /// combinator (wait for all, race, any, timeout, task group, shield) it waits on covers. In a deadlock they may form
    /// a cycle.
    /// </summary>
    public IReadOnlyList<TaskSnapshot> Children => _children ?? s_none;

    /// <summary>How the task waits on each of <see cref="Children"/>, for the cycle lines of a deadlock report.</summary>
    internal IReadOnlyList<string> EdgeLabels => (IReadOnlyList<string>?)_labels ?? Array.Empty<string>();

    /// <summary>Describes the task in one line (its line of the dump, see the remarks).</summary>
    /// <returns>For example <c>#2 'Boil' sleeping on timer at 00:00:08.000 (in 3.000 s), age 5.000 s | Kitchen.Boil</c>.</returns>
    public override string ToString()
    {
        var line = new StringBuilder();
        AppendLine(line);
        return line.ToString();
    }

    internal void AddChild(TaskSnapshot child, string label)
    {
        (_children ??= new List<TaskSnapshot>()).Add(child);
        (_labels ??= new List<string>()).Add(label);
    }

    internal void AppendLine(StringBuilder line)
    {
        AppendHead(line);
        line.Append(' ').Append(StateWord(State));
        if (WaitsOn.Length != 0)
        {
            line.Append(" on ").Append(WaitsOn);
        }

        if (Age is { } age)
        {
            line.Append(", age ").Append(WaitGraph.FormatSeconds(age.Ticks));
        }

        if (Frames.Count != 0)
        {
            line.Append(" | ");
            for (int i = 0; i < Frames.Count; i++)
            {
                line.Append(i == 0 ? string.Empty : " > ").Append(Frames[i]);
            }
        }
    }

    /// <summary>The id and name: <c>#1 'Cook'</c>.</summary>
    internal void AppendHead(StringBuilder line) =>
        line.Append('#').Append(Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" '").Append(Name).Append('\'');

    internal static string StateWord(TaskActivity state) => state switch
    {
        TaskActivity.Ready => "ready",
        TaskActivity.Running => "running",
        TaskActivity.Sleeping => "sleeping",
        TaskActivity.Waiting => "waiting",
        TaskActivity.Paused => "paused",
        _ => "cancelling",
    };
}
