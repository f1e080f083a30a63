using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace YieldLoop.Demos.Painting;

/// <summary>
/// What each wall, and the painter, did: one character per simulated step. A wall's row shows P (painting),
/// d (drying) or . (idle or waiting); the painter's row shows the letter of the wall he paints, or . when idle.
/// </summary>
internal sealed class Timeline
{
    private readonly IReadOnlyList<Wall> _walls;
    private readonly StringBuilder[] _rows;
    private readonly StringBuilder _painter = new();

    /// <summary>Creates an empty timeline for <paramref name="walls"/>.</summary>
    /// <param name="walls">The walls whose activity <see cref="Record"/> notes.</param>
    public Timeline(IReadOnlyList<Wall> walls)
    {
        _walls = walls;
        _rows = new StringBuilder[walls.Count];
        for (int i = 0; i < _rows.Length; i++)
        {
            _rows[i] = new StringBuilder();
        }
    }

    /// <summary>Gets the walls, in the order of their rows.</summary>
    public IReadOnlyList<Wall> Walls => _walls;

    /// <summary>Gets how many steps were recorded.</summary>
    public int Columns => _painter.Length;

    /// <summary>Gets the row of the painter: the letter of the wall he paints in each step, or '.'.</summary>
    public string PainterRow => _painter.ToString();

    /// <summary>Gets the row of the wall at <paramref name="index"/>.</summary>
    /// <param name="index">The wall's index, 0 for wall A.</param>
    /// <returns>One character per step: P, d or '.'.</returns>
    public string WallRow(int index) => _rows[index].ToString();

    /// <summary>Notes what every wall does now; called once per step.</summary>
    public void Record()
    {
        char painting = '.';
        for (int i = 0; i < _walls.Count; i++)
        {
            Wall wall = _walls[i];
            _rows[i].Append(wall.Activity switch
            {
                WallActivity.Painting => 'P',
                WallActivity.Drying => 'd',
                _ => '.',
            });

            if (wall.Activity == WallActivity.Painting)
            {
                Debug.Assert(painting == '.', "There is one painter: he cannot paint two walls at once.");
                painting = wall.Name;
            }
        }

        _painter.Append(painting);
    }

    /// <summary>Writes a time scale and one row per wall, then the painter's row.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="step">The simulated time of one column, for the scale.</param>
    public void WriteTo(TextWriter output, TimeSpan step)
    {
        const string Indent = "  ";
        output.WriteLine(Indent + "minutes  " + Scale(step));
        for (int i = 0; i < _walls.Count; i++)
        {
            output.WriteLine($"{Indent}Wall {_walls[i].Name}   {_rows[i]}");
        }

        output.WriteLine($"{Indent}Painter  {_painter}");
    }

    /// <summary>
    /// Gets the time scale above the rows: a label every half hour at the column where that minute starts (the last
    /// one may mark the end); a label that would run into the one before it is left out.
    /// </summary>
    /// <param name="step">The simulated time of one column.</param>
    /// <returns>The scale, as wide as the rows or a label wider.</returns>
    public string Scale(TimeSpan step)
    {
        var scale = new StringBuilder();
        int every = Math.Max(1, (int)(TimeSpan.FromMinutes(30).Ticks / step.Ticks));
        for (int column = 0; column <= Columns; column += every)
        {
            if (scale.Length > column)
            {
                continue;
            }

            scale.Append(' ', column - scale.Length);
            scale.Append((column * step.TotalMinutes).ToString(CultureInfo.InvariantCulture));
            scale.Append(' ');
        }

        return scale.ToString().TrimEnd();
    }
}
