using System;
using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace YieldLoop.Demos.Painting;

/// <summary>
/// Draws a <see cref="Timeline"/> for an ANSI console as a Gantt-like chart: a colored block per wall and column
/// (painting, drying, idle), the painter's row in the color of painting, the radio's row (playing or silent), and the
/// time scale above, in a panel.
/// </summary>
/// <remarks>
/// Each activity has a glyph of its own as well as a color, so the chart still reads on a terminal without color
/// (and the glyphs fall back to the plain chart's P, d, r and . where the terminal lacks Unicode). The columns are the
/// plain chart's columns, one per <see cref="PaintingJob.ColumnTime"/>, so both show the same picture.
/// </remarks>
internal static class TimelineChart
{
    private const string PaintingColor = "darkorange";
    private const string DryingColor = "deepskyblue1";
    private const string IdleColor = "grey";
    private const string RadioColor = "green";

    /// <summary>Creates the chart of one run.</summary>
    /// <param name="timeline">What the walls and the painter did.</param>
    /// <param name="column">The simulated time of one column, for the scale.</param>
    /// <param name="title">The panel's header, for example "Blocking".</param>
    /// <param name="unicode">Whether the console shows Unicode blocks; otherwise the plain chart's letters.</param>
    /// <returns>The chart, ready for <see cref="IAnsiConsole.Write(IRenderable)"/>.</returns>
    public static IRenderable Create(Timeline timeline, TimeSpan column, string title, bool unicode)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var rows = new IRenderable[timeline.Walls.Count + 3];
        rows[0] = new Markup($"[{IdleColor}]minutes  {Markup.Escape(timeline.Scale(column))}[/]");
        for (int i = 0; i < timeline.Walls.Count; i++)
        {
            rows[i + 1] = new Markup($"Wall {timeline.Walls[i].Name}   {WallCells(timeline.WallRow(i), unicode)}");
        }

        rows[^2] = new Markup($"Painter  {PainterCells(timeline.PainterRow, unicode)}");
        rows[^1] = new Markup($"Radio    {WallCells(timeline.RadioRow, unicode)}");
        return new Panel(new Rows(rows))
            .Header($"[bold]{Markup.Escape(title)}[/]")
            .RoundedBorder()
            .BorderColor(Color.Grey);
    }

    /// <summary>Creates the legend under the charts: what each glyph means, and the time of one column.</summary>
    /// <param name="column">The simulated time of one column.</param>
    /// <param name="unicode">Whether the console shows Unicode blocks; as for <see cref="Create"/>.</param>
    /// <returns>The legend, one line.</returns>
    public static IRenderable Legend(TimeSpan column, bool unicode)
    {
        string minutes = column.TotalMinutes.ToString(CultureInfo.InvariantCulture);
        return new Markup(
            $"[{PaintingColor}]{Glyph('P', unicode)}[/] painting  [{DryingColor}]{Glyph('d', unicode)}[/] drying  "
            + $"[{RadioColor}]{Glyph('r', unicode)}[/] radio playing  [{IdleColor}]{Glyph('.', unicode)}[/] idle or silent; "
            + $"a column = {minutes} min.\n");
    }

    // A wall's row, or the radio's: P, d, r and . of the plain chart, one markup tag per stretch of the same activity
    // rather than per column, so the chart is a few escape sequences per row, not one per cell.
    private static string WallCells(string row, bool unicode)
    {
        var cells = new StringBuilder();
        int start = 0;
        while (start < row.Length)
        {
            int end = start;
            while (end < row.Length && row[end] == row[start])
            {
                end++;
            }

            char activity = row[start];
            cells.Append('[').Append(ColorOf(activity)).Append(']')
                .Append(Glyph(activity, unicode), end - start)
                .Append("[/]");
            start = end;
        }

        return cells.ToString();
    }

    // The painter's row keeps the letter of the wall he paints, on the color of painting, so a glance shows him
    // going A, B, C in the non-blocking run and A, A, A in the blocking one.
    private static string PainterCells(string row, bool unicode)
    {
        var cells = new StringBuilder();
        foreach (char wall in row)
        {
            cells.Append(wall == '.'
                ? $"[{IdleColor}]{Glyph('.', unicode)}[/]"
                : $"[black on {PaintingColor}]{wall}[/]");
        }

        return cells.ToString();
    }

    private static string ColorOf(char activity) => activity switch
    {
        'P' => PaintingColor,
        'd' => DryingColor,
        'r' => RadioColor,
        _ => IdleColor,
    };

    private static char Glyph(char activity, bool unicode) => (activity, unicode) switch
    {
        ('P', true) => '█',
        ('d', true) => '▒',
        ('.', true) => '·',
        ('r', true) => '♪',
        _ => activity,
    };
}
