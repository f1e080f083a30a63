using System;
using System.Collections.Generic;
using System.IO;
using static System.FormattableString;

namespace YieldLoop.Demos.Game;

/// <summary>For a run without a terminal: prints a few labelled frames, and each key press as a log line.</summary>
internal sealed class SnapshotScreen : IGameScreen
{
    private readonly TextWriter _output;
    private readonly IReadOnlyDictionary<int, string> _snapshots;

    /// <summary>Creates a screen that prints the frames in <paramref name="snapshots"/>, with their labels.</summary>
    /// <param name="output">Where to print.</param>
    /// <param name="snapshots">The frames to print, by frame number, each with a label.</param>
    public SnapshotScreen(TextWriter output, IReadOnlyDictionary<int, string> snapshots)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _snapshots = snapshots ?? throw new ArgumentNullException(nameof(snapshots));
    }

    /// <inheritdoc/>
    public void Show(int frame, TimeSpan time, string picture)
    {
        if (_snapshots.TryGetValue(frame, out string? label))
        {
            _output.WriteLine();
            _output.WriteLine(Invariant($"frame {frame} at {time.TotalSeconds:0.00} s: {label}"));
            _output.Write(picture);
            _output.WriteLine();
        }
    }

    /// <inheritdoc/>
    public void Report(TimeSpan time, char key, string effect) =>
        _output.WriteLine(Invariant($"{time.TotalSeconds,5:0.00} s  key {key}: {effect}"));
}
