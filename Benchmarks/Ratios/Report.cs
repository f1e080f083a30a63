using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>What the ratios mode found: the rows of the printed table and the JSON keys, grouped by workload key.</summary>
internal sealed class Report
{
    private readonly List<TableRow> _rows = new();
    private readonly List<(string Group, List<(string Key, double Value)> Keys)> _groups = new();
    private readonly List<string> _notes = new();

    /// <summary>Records a JSON key under a workload key (groups keep the order in which they first appear).</summary>
    internal void Key(string group, string key, double value)
    {
        foreach ((string name, List<(string Key, double Value)> keys) in _groups)
        {
            if (name == group)
            {
                keys.Add((key, value));
                return;
            }
        }

        _groups.Add((group, new List<(string Key, double Value)> { (key, value) }));
    }

    /// <summary>Adds a table row; <paramref name="met"/> is null when the row has no target.</summary>
    internal void Row(string workload, string figure, string value, string baseline, string ratio, string target, bool? met) =>
        _rows.Add(new TableRow(workload, figure, value, baseline, ratio, target, met));

    /// <summary>Adds a line printed under the table.</summary>
    internal void Note(string text) => _notes.Add(text);

    internal int TargetsMissed
    {
        get
        {
            int missed = 0;
            foreach (TableRow row in _rows)
            {
                if (row.Met == false)
                {
                    missed++;
                }
            }

            return missed;
        }
    }

    /// <summary>Renders the table as aligned plain text (also valid Markdown when pasted between pipes).</summary>
    internal string Table()
    {
        string[] header = { "workload", "figure", "value", "baseline", "ratio", "target", "met?" };
        var cells = new List<string[]> { header };
        foreach (TableRow row in _rows)
        {
            cells.Add(new[]
            {
                row.Workload, row.Figure, row.Value, row.Baseline, row.Ratio, row.Target,
                row.Met switch { true => "yes", false => "NO", null => "-" },
            });
        }

        var widths = new int[header.Length];
        foreach (string[] line in cells)
        {
            for (int c = 0; c < line.Length; c++)
            {
                widths[c] = Math.Max(widths[c], line[c].Length);
            }
        }

        var text = new StringBuilder();
        for (int r = 0; r < cells.Count; r++)
        {
            text.Append('|');
            for (int c = 0; c < header.Length; c++)
            {
                text.Append(' ').Append(cells[r][c].PadRight(widths[c])).Append(" |");
            }

            text.Append('\n');
            if (r == 0)
            {
                text.Append('|');
                for (int c = 0; c < header.Length; c++)
                {
                    text.Append(new string('-', widths[c] + 2)).Append('|');
                }

                text.Append('\n');
            }
        }

        foreach (string note in _notes)
        {
            text.Append(note).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Writes the keys as JSON: an object per workload key, numbers as measured.</summary>
    internal void WriteJson(string path)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach ((string group, List<(string Key, double Value)> keys) in _groups)
            {
                writer.WriteStartObject(group);
                foreach ((string key, double value) in keys)
                {
                    if (double.IsFinite(value))
                    {
                        writer.WriteNumber(key, Math.Round(value, 3));
                    }
                    else
                    {
                        writer.WriteNull(key);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllBytes(path, stream.ToArray());
    }

    /// <summary>Formats a figure for the table: invariant culture, a precision that suits its size.</summary>
    internal static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "n/a";
        }

        double size = Math.Abs(value);
        string format = size >= 100 ? "F0" : size >= 10 ? "F1" : "F2";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }

    private sealed record TableRow(string Workload, string Figure, string Value, string Baseline, string Ratio, string Target, bool? Met);
}
