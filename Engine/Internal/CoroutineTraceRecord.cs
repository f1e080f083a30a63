using System;
using System.Collections.Generic;
using System.Text;

namespace YieldLoop.Internal;

/// <summary>
/// The coroutine trace attached to an exception (R22): the chain of coroutine frames, innermost first, with what
/// each was doing. Bounded: the innermost and outermost <see cref="Keep"/> frames are kept, with a count of those
/// left out between them, so a failure 100,000 frames deep costs a fixed amount.
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
    private int _omitted;

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

    /// <summary>Appends the frames of <paramref name="task"/>, innermost first.</summary>
    internal void AddFrames(LoopTask task, string innermostNote)
    {
        string taskName = task.Name;
        switch (task._frame)
        {
            case FrameStack stack:
                for (int i = stack.Count - 1; i >= 0; i--)
                {
                    Type type = stack.Frames[i]!.GetType();
                    string note = i == stack.Count - 1 ? innermostNote : "calling " + Names.Short(stack.Frames[i + 1]!.GetType()) + " inline";
                    Add(new Entry(type, taskName, note));
                }

                break;
            case IEnumerator<IAwaitable> it:
                Add(new Entry(it.GetType(), taskName, innermostNote));
                break;
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (Entry entry in _inner)
        {
            entry.AppendTo(sb);
        }

        if (_omitted > 0)
        {
            sb.Append("   ... ").Append(_omitted).Append(" coroutine frame(s) omitted ...").Append('\n');
        }

        foreach (Entry entry in _outer)
        {
            entry.AppendTo(sb);
        }

        return sb.ToString();
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
            _outer.Dequeue();
            _omitted++;
        }
    }

    [Serializable]
    private readonly struct Entry
    {
        private readonly Type _type;
        private readonly string _task;
        private readonly string _note;

        internal Entry(Type type, string task, string note)
        {
            _type = type;
            _task = task;
            _note = note;
        }

        internal void AppendTo(StringBuilder sb) =>
            sb.Append("   at ").Append(Names.Full(_type)).Append("() (task '").Append(_task).Append("', ")
              .Append(_note).Append(')').Append('\n');
    }
}
