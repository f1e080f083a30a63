using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace YieldLoop.Demos.Trace;

/// <summary>
/// The first part of the trace demo: the painting job, recorded with a timeline and written as a Chrome trace, with a
/// dump of the live task tree taken in the middle of it.
/// </summary>
/// <remarks>
/// The job is the painting demo's (3 walls, 3 coats, 10 minutes to paint, 20 to dry), but here the one painter is a
/// <see cref="CoLock"/>, so a wall that wants him while he is busy waits on the lock, and the dump shows who holds it.
/// (The painting demo's painter keeps a calendar of timers instead, and its runs make their own loops, so they cannot
/// carry a recorder.) The loop runs on a <see cref="ManualClock"/> with <see cref="ManualClock.AutoJump"/>: when
/// nothing is ready, the clock jumps to the next timer, so the 110 simulated minutes take milliseconds and every run
/// prints the same.
/// </remarks>
internal sealed class PaintingTrace
{
    /// <summary>The name of the trace file the demo writes.</summary>
    public const string FileName = "painting.trace.json";

    /// <summary>How many coats each wall needs.</summary>
    public const int Coats = 3;

    /// <summary>The walls, one task each, named "wall A" and so on.</summary>
    public static readonly IReadOnlyList<string> Walls = new[] { "wall A", "wall B", "wall C" };

    /// <summary>How long a coat keeps the painter busy.</summary>
    public static readonly TimeSpan PaintTime = TimeSpan.FromMinutes(10);

    /// <summary>How long a coat dries before the next one can go on.</summary>
    public static readonly TimeSpan DryTime = TimeSpan.FromMinutes(20);

    /// <summary>When the dump is taken: wall B is being painted, wall C waits for the painter, wall A dries.</summary>
    public static readonly TimeSpan DumpTime = TimeSpan.FromMinutes(15);

    private readonly TextWriter _output;
    private readonly EventLoop _loop = new(new ManualClock { AutoJump = true }, "painting");

    /// <summary>Creates the job on a loop of its own; <see cref="Run"/> it once.</summary>
    /// <param name="output">Where to print.</param>
    public PaintingTrace(TextWriter output)
    {
        _output = output;
    }

    /// <summary>Runs the job, prints the dump and writes the trace to <paramref name="directory"/>.</summary>
    /// <param name="directory">Where to write <see cref="FileName"/>.</param>
    /// <returns>The path of the trace file.</returns>
    public string Run(string directory)
    {
        // Recording starts here: the trace's timestamps count from this call.
        TimelineRecorder recorder = _loop.Diagnostics.StartTimeline();
        var painter = new CoLock(_loop);
        var walls = new List<LoopTask>();
        foreach (string wall in Walls)
        {
            walls.Add(_loop.Start(Wall.Paint(painter), wall));
        }

        // A callback, not a task: the dump lists tasks only, so it shows the walls and nothing else. A method rather
        // than a lambda, so that its slice in the trace is called PrintDump.
        _loop.CallLater(DumpTime, PrintDump);

        _loop.RunUntilIdle();
        TimeSpan end = _loop.Time;
        recorder.Stop();
        string path = Path.Combine(directory, FileName);
        recorder.WriteChromeTrace(path);
        _loop.Close();
        foreach (LoopTask wall in walls)
        {
            wall.GetResult();   // a wall that failed fails the demo, with its own exception
        }

        _output.WriteLine("Under a task come the tasks it waits for: 'wall C' waits for the painter lock,");
        _output.WriteLine("which 'wall B' holds while it sleeps through its coat; 'wall A' dries.");
        _output.WriteLine();
        _output.WriteLine($"All walls were done after {Minutes(end)}. The recorder kept {recorder.EventCount} events");
        _output.WriteLine($"({recorder.DroppedEvents} dropped); recorder.WriteChromeTrace(path) wrote them to");
        _output.WriteLine("  " + Shown(path));
        _output.WriteLine("To see it:");
        _output.WriteLine("  open https://ui.perfetto.dev and drag the file in (or chrome://tracing)");
        _output.WriteLine("A track per wall, a slice per step; click a slice for what woke it (woken_by)");
        _output.WriteLine("and what it waits on next (parks_on). The time axis is real time: each step");
        _output.WriteLine("took microseconds; the simulated minutes are in the timer waits.");
        return path;
    }

    private void PrintDump()
    {
        _output.WriteLine($"At {Minutes(_loop.Time)}, a callback prints loop.Diagnostics.Dump():");
        _output.WriteLine();
        EngineText.Write(_output, _loop.Diagnostics.Dump());
        _output.WriteLine();
    }

    // The file name alone when it is in the current directory (the default), else the whole path.
    private static string Shown(string path)
    {
        string full = Path.GetFullPath(path);
        return string.Equals(Path.GetDirectoryName(full), Directory.GetCurrentDirectory(), StringComparison.Ordinal)
            ? Path.GetFileName(full) + "  (in the current directory)"
            : full;
    }

    private static string Minutes(TimeSpan time) =>
        time.TotalMinutes.ToString(CultureInfo.InvariantCulture) + " min";
}
