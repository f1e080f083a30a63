using System;
using System.Collections.Generic;
using System.Reflection;
using System.Text;

namespace YieldLoop.Internal;

/// <summary>
/// The coroutine trace attached to an exception (R22): the chain of coroutine frames, innermost first, with what
/// each was doing and the line of the <c>yield return</c> it is parked at, and in debug mode where each task was
/// started. Bounded: the innermost and outermost <see cref="Keep"/> lines are kept, with a count of those left out
/// between them, so a failure 100,000 frames deep costs a fixed amount. The format is documented on
/// <see cref="CoroutineExceptionExtensions.GetCoroutineTrace"/>.
/// </summary>
/// <remarks>
/// Stored in <see cref="Exception.Data"/> under <see cref="Key"/>, so the exception object that reaches every awaiting
/// coroutine stays the same one (not a wrapper); each awaiting task appends its own frames as the failure travels
/// outwards. Read it with <see cref="CoroutineExceptionExtensions.GetCoroutineTrace"/>.
/// </remarks>
[Serializable]
internal sealed class CoroutineTraceRecord
{
    internal const string Key = "YieldLoop.CoroutineTrace";
    internal const string SuppressedKey = "YieldLoop.SuppressedExceptions";
    internal const string ReportedKey = "YieldLoop.Reported";
    private const int Keep = 10;

    private readonly List<Entry> _inner = new();
    private readonly Queue<Entry> _outer = new();
    private int _omitted;        // frames left out between the innermost and outermost Keep lines
    private int _omittedSites;   // start-site lines (debug mode) left out with them

    internal static CoroutineTraceRecord? Find(Exception exception) =>
        exception.Data.Contains(Key) ? exception.Data[Key] as CoroutineTraceRecord : null;

    internal static CoroutineTraceRecord For(Exception exception)
    {
        CoroutineTraceRecord? record = Find(exception);
        if (record is null)
        {
            record = new CoroutineTraceRecord();
            try
            {
                exception.Data[Key] = record;
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                // An exception type with a read-only Data dictionary: the trace is lost, the failure is not.
            }
        }

        return record;
    }

    /// <summary>Marks the exception as reported to the loop's handler; returns whether it already was.</summary>
    internal static bool MarkReported(Exception exception)
    {
        try
        {
            if (exception.Data.Contains(ReportedKey))
            {
                return true;
            }

            exception.Data[ReportedKey] = true;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            // Read-only Data: report it; a duplicate is better than a loss.
        }

        return false;
    }

    internal static void AttachSuppressed(Exception primary, List<Exception> others)
    {
        try
        {
            if (primary.Data[SuppressedKey] is List<Exception> existing)
            {
                existing.AddRange(others);
            }
            else
            {
                primary.Data[SuppressedKey] = others;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            // Read-only Data: nothing more can be attached.
        }
    }

    /// <summary>
    /// Appends the frames of <paramref name="task"/>, innermost first, then its start site when it was started in debug
    /// mode. Called by the loop when the failure reaches the task, before its frames are disposed: disposing an
    /// iterator moves its state to "finished", so the yield each frame is parked at must be read here.
    /// </summary>
    /// <remarks>
    /// Cost at fault time: one field read per frame (the iterator's state), plus, when the innermost frame was running
    /// (it threw rather than being parked), one walk of <paramref name="exception"/>'s stack trace without file
    /// information. File and line are looked up only when the trace is printed (<see cref="YieldLocator"/>).
    /// </remarks>
    internal void AddFrames(Future task, string innermostNote, Exception exception)
    {
        string taskName = task.NodeName;
        bool added = false;
        switch (task._frame)
        {
            case FrameStack stack:
                for (int i = stack.Count - 1; i >= 0; i--)
                {
                    IEnumerator<IAwaitable> frame = stack.Frames[i]!;
                    bool innermost = i == stack.Count - 1;
                    string note = innermost ? innermostNote : "calling " + Names.Short(stack.Frames[i + 1]!.GetType()) + " inline";
                    Add(FrameEntry(frame, taskName, note, innermost ? exception : null));
                    added = true;
                }

                break;
            case IEnumerator<IAwaitable> it:
                Add(FrameEntry(it, taskName, innermostNote, exception));
                added = true;
                break;
        }

        if (added && StartSite.Find(task) is { } site)
        {
            Add(new Entry(taskName, site));
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (Entry entry in _inner)
        {
            entry.AppendTo(sb);
        }

        if (_omitted > 0 || _omittedSites > 0)
        {
            sb.Append("   ... ").Append(_omitted).Append(" coroutine frame(s)");
            if (_omittedSites > 0)
            {
                sb.Append(" and ").Append(_omittedSites).Append(" task start site(s)");
            }

            sb.Append(" omitted ...").Append('\n');
        }

        foreach (Entry entry in _outer)
        {
            entry.AppendTo(sb);
        }

        return sb.ToString();
    }

    /// <summary>
    /// The entry of one frame. A frame parked at a <c>yield return</c> (state N &gt;= 1) is located at that yield; a frame
    /// that was running when the failure started (it threw: state -1, or "finished" when a finally already ran) is
    /// located where it threw, found in the exception's own stack trace; any other (not started, a hand-written
    /// iterator that is parked) gets no location.
    /// </summary>
    private static Entry FrameEntry(IEnumerator<IAwaitable> frame, string taskName, string note, Exception? thrown)
    {
        Type type = frame.GetType();
        int state = YieldLocator.ReadState(frame);
        if (thrown is not null && !YieldLocator.IsParked(state) && state != 0
            && YieldLocator.TryFindThrowSite(thrown, type, out MethodBase? method, out int ilOffset))
        {
            return new Entry(type, taskName, note, YieldLocator.NoState, method, ilOffset);
        }

        return new Entry(type, taskName, note, state, null, -1);
    }

    private void Add(Entry entry)
    {
        if (_inner.Count < Keep)
        {
            _inner.Add(entry);
            return;
        }

        _outer.Enqueue(entry);
        if (_outer.Count > Keep)
        {
            if (_outer.Dequeue().IsStartSite)
            {
                _omittedSites++;
            }
            else
            {
                _omitted++;
            }
        }
    }

    /// <summary>One line of the trace: a coroutine frame, or the start site of the task whose frames precede it.</summary>
    [Serializable]
    private readonly struct Entry
    {
        private readonly Type? _type;            // null for a start-site line
        private readonly string _task;
        private readonly string? _note;
        private readonly int _state;             // the iterator's <>1__state when the failure reached it
        private readonly MethodBase? _method;    // where a running frame threw, when known
        private readonly int _ilOffset;
        private readonly StartSite? _site;

        internal Entry(Type type, string task, string note, int state, MethodBase? method, int ilOffset)
        {
            _type = type;
            _task = task;
            _note = note;
            _state = state;
            _method = method;
            _ilOffset = ilOffset;
            _site = null;
        }

        internal Entry(string task, StartSite site)
        {
            _type = null;
            _task = task;
            _note = null;
            _state = YieldLocator.NoState;
            _method = null;
            _ilOffset = -1;
            _site = site;
        }

        internal bool IsStartSite => _site is not null;

        internal void AppendTo(StringBuilder sb)
        {
            if (_site is not null)
            {
                sb.Append("   --- task '").Append(_task).Append("' started at ").Append(_site.ToString()).Append(" ---").Append('\n');
                return;
            }

            sb.Append("   at ").Append(Names.Full(_type!)).Append("()");
            YieldLocator.SourceLocation? location = _method is not null
                ? YieldLocator.Find(_method, _ilOffset)
                : YieldLocator.FindYield(_type!, _state);
            if (location is not null)
            {
                sb.Append(" in ").Append(location.ToString());
            }

            sb.Append(" (task '").Append(_task).Append("', ").Append(_note).Append(')').Append('\n');
        }
    }
}
