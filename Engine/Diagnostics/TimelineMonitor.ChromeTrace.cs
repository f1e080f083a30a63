using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace YieldLoop;

// Writing the recording as a Chrome trace (the Trace Event Format: metadata, then one JSON object per event). Runs
// once the recorder stopped, on any thread; the recording side is TimelineMonitor.cs.
internal sealed partial class TimelineMonitor
{
    private const int Pid = 1;

    /// <summary>Writes the trace: metadata first, then the events sorted by time.</summary>
    internal void Write(TextWriter w, EventLoop loop)
    {
        // Recording order is not time order: a task started inside another's step is recorded before that step's
        // slice (which is recorded when the step ends, with its start time). Sort by time, ties in recording order.
        int count = _count;
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        TimelineEvent[] ring = _ring;
        int head = _head;
        Array.Sort(order, (a, b) =>
        {
            int c = ring[(head + a) % ring.Length].Timestamp.CompareTo(ring[(head + b) % ring.Length].Timestamp);
            return c != 0 ? c : a.CompareTo(b);
        });

        // The tracks that appear in the kept events, in id order, for the thread-name metadata.
        var tracks = new List<TimelineTrack>();
        var seen = new HashSet<TimelineTrack>();
        for (int i = 0; i < count; i++)
        {
            TimelineTrack? track = ring[(head + i) % ring.Length].Track;
            if (track is not null && seen.Add(track))
            {
                tracks.Add(track);
            }
        }

        tracks.Sort((a, b) => a.Id.CompareTo(b.Id));

        var describer = new WaitDescriber(loop);
        w.Write("{\"traceEvents\":[");
        w.Write("\n{\"name\":\"process_name\",\"ph\":\"M\",\"ts\":0,\"pid\":1,\"args\":{\"name\":");
        WriteString(w, loop.Name);
        w.Write("}}");
        foreach (TimelineTrack track in tracks)
        {
            w.Write(",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"ts\":0,\"pid\":1,\"tid\":");
            w.Write(track.Id.ToString(CultureInfo.InvariantCulture));
            w.Write(",\"args\":{\"name\":");
            WriteString(w, track.Name);
            w.Write("}},\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"ts\":0,\"pid\":1,\"tid\":");
            w.Write(track.Id.ToString(CultureInfo.InvariantCulture));
            w.Write(",\"args\":{\"sort_index\":");
            w.Write(track.Id.ToString(CultureInfo.InvariantCulture));
            w.Write("}}");
        }

        for (int i = 0; i < count; i++)
        {
            w.Write(",\n");
            WriteEvent(w, in ring[(head + order[i]) % ring.Length], describer);
        }

        w.Write("\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"producer\":\"YieldLoop\",\"loop\":");
        WriteString(w, loop.Name);
        w.Write(",\"events\":\"");
        w.Write(count.ToString(CultureInfo.InvariantCulture));
        w.Write("\",\"droppedEvents\":\"");
        w.Write(_dropped.ToString(CultureInfo.InvariantCulture));
        w.Write("\"}}\n");
    }

    private void WriteEvent(TextWriter w, in TimelineEvent e, WaitDescriber describer)
    {
        switch (e.Kind)
        {
            case TimelineEventKind.Step:
                w.Write("{\"name\":");
                WriteString(w, e.Label ?? e.Track!.Name);
                w.Write(",\"cat\":\"step\",\"ph\":\"X\",\"ts\":");
                WriteMicroseconds(w, e.Timestamp - _origin);
                w.Write(",\"dur\":");
                WriteMicroseconds(w, e.Value);
                WriteThread(w, e.Track!);
                w.Write(",\"args\":{\"woken_by\":");
                WriteString(w, describer.Describe(e.WokenBy));
                w.Write(",\"parks_on\":");
                WriteString(w, describer.Describe(e.ParksOn));
                w.Write("}}");
                break;

            case TimelineEventKind.TaskStart:
                w.Write("{\"name\":\"start\",\"cat\":\"task\",\"ph\":\"i\",\"s\":\"t\",\"ts\":");
                WriteMicroseconds(w, e.Timestamp - _origin);
                WriteThread(w, e.Track!);
                w.Write(",\"args\":{\"task\":");
                WriteString(w, e.Track!.Name);
                w.Write("}}");
                break;

            case TimelineEventKind.TaskEnd:
                w.Write("{\"name\":\"end\",\"cat\":\"task\",\"ph\":\"i\",\"s\":\"t\",\"ts\":");
                WriteMicroseconds(w, e.Timestamp - _origin);
                WriteThread(w, e.Track!);
                w.Write(",\"args\":{\"task\":");
                WriteString(w, e.Track!.Name);
                w.Write(",\"outcome\":");
                WriteString(w, WaitDescriber.Outcome(e.ParksOn.Bits));
                if (e.ParksOn.What is Type exception)
                {
                    w.Write(",\"exception\":");
                    WriteString(w, exception.FullName ?? exception.Name);
                }

                w.Write("}}");
                break;

            default:
                w.Write("{\"name\":\"ready\",\"cat\":\"loop\",\"ph\":\"C\",\"ts\":");
                WriteMicroseconds(w, e.Timestamp - _origin);
                w.Write(",\"pid\":1,\"args\":{\"tasks\":");
                w.Write(e.Value.ToString(CultureInfo.InvariantCulture));
                w.Write("}}");
                break;
        }
    }

    private static void WriteThread(TextWriter w, TimelineTrack track)
    {
        w.Write(",\"pid\":");
        w.Write(Pid.ToString(CultureInfo.InvariantCulture));
        w.Write(",\"tid\":");
        w.Write(track.Id.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Writes a Stopwatch interval as microseconds with up to three decimals (nanoseconds).</summary>
    private static void WriteMicroseconds(TextWriter w, long stopwatchTicks)
    {
        double us = stopwatchTicks * 1_000_000.0 / Stopwatch.Frequency;
        w.Write(Math.Max(0, us).ToString("0.###", CultureInfo.InvariantCulture));
    }

    /// <summary>Writes a JSON string literal (RFC 8259: quote, backslash and control characters escaped).</summary>
    internal static void WriteString(TextWriter w, string value)
    {
        w.Write('"');
        int run = 0;   // start of the current stretch of characters that need no escape
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\' && c != '\u2028' && c != '\u2029')
            {
                continue;
            }

            w.Write(value.AsSpan(run, i - run));
            switch (c)
            {
                case '"': w.Write("\\\""); break;
                case '\\': w.Write("\\\\"); break;
                case '\n': w.Write("\\n"); break;
                case '\r': w.Write("\\r"); break;
                case '\t': w.Write("\\t"); break;
                default:
                    // Other control characters, and U+2028/U+2029 (valid JSON, but not valid JavaScript before ES2019).
                    w.Write("\\u");
                    w.Write(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }

            run = i + 1;
        }

        w.Write(value.AsSpan(run));
        w.Write('"');
    }
}
