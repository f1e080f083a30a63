using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace YieldLoop.Demos.Painting;

/// <summary>
/// What each wall, the painter and the radio did: one character per column of simulated time. A wall's row shows P
/// (painting), d (drying) or . (idle or waiting); the painter's row shows the letter of the wall he paints, or . when
/// idle; the radio's row shows r where it played, . where it was silent.
/// </summary>
/// <remarks>
/// <see cref="Record"/> is called once per step of the loop's clock (a minute), and a column spans several steps
/// (five minutes): the walls and the painter are drawn as they are at the start of a column (every time in the job is a
/// whole number of columns, so that is what they do for all of it), and the radio as r if it played in any step of the
/// column. The counts (<see cref="RadioSteps"/>, <see cref="DryingSteps"/>, <see cref="RadioStepsWhileDrying"/>) are
/// per step, so a minute of silence cannot hide in a column.
/// </remarks>
internal sealed class Timeline
{
    private readonly IReadOnlyList<Wall> _walls;
    private readonly Radio _radio;
    private readonly int _stepsPerColumn;
    private readonly StringBuilder[] _rows;
    private readonly StringBuilder _painter = new();
    private readonly StringBuilder _radioRow = new();

    // The radio's beat count at the last Record: a step in which it grew is a step in which the radio played.
    private int _lastBeats;

    /// <summary>Creates an empty timeline for <paramref name="walls"/> and <paramref name="radio"/>.</summary>
    /// <param name="walls">The walls whose activity <see cref="Record"/> notes.</param>
    /// <param name="radio">The radio whose beats <see cref="Record"/> notes.</param>
    /// <param name="stepsPerColumn">How many calls of <see cref="Record"/> make one column, at least 1.</param>
    public Timeline(IReadOnlyList<Wall> walls, Radio radio, int stepsPerColumn)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerColumn, 1);
        _walls = walls;
        _radio = radio;
        _stepsPerColumn = stepsPerColumn;
        _lastBeats = radio.Beats;
        _rows = new StringBuilder[walls.Count];
        for (int i = 0; i < _rows.Length; i++)
        {
            _rows[i] = new StringBuilder();
        }
    }

    /// <summary>Gets the walls, in the order of their rows.</summary>
    public IReadOnlyList<Wall> Walls => _walls;

    /// <summary>Gets how many columns were recorded.</summary>
    public int Columns => _painter.Length;

    /// <summary>Gets how many steps were recorded.</summary>
    public int Steps { get; private set; }

    /// <summary>Gets in how many steps the radio played.</summary>
    public int RadioSteps { get; private set; }

    /// <summary>Gets in how many steps some wall was drying.</summary>
    public int DryingSteps { get; private set; }

    /// <summary>Gets in how many steps some wall was drying and the radio played.</summary>
    public int RadioStepsWhileDrying { get; private set; }

    /// <summary>Gets the row of the painter: the letter of the wall he paints in each column, or '.'.</summary>
    public string PainterRow => _painter.ToString();

    /// <summary>Gets the row of the radio: r for a column in which it played, '.' for one in which it was silent.</summary>
    public string RadioRow => _radioRow.ToString();

    /// <summary>Gets the row of the wall at <paramref name="index"/>.</summary>
    /// <param name="index">The wall's index, 0 for wall A.</param>
    /// <returns>One character per column: P, d or '.'.</returns>
    public string WallRow(int index) => _rows[index].ToString();

    /// <summary>Notes what every wall and the radio do in the step that starts now; called once per step.</summary>
    public void Record()
    {
        bool played = _radio.Beats != _lastBeats;
        _lastBeats = _radio.Beats;
        bool drying = false;
        foreach (Wall wall in _walls)
        {
            drying |= wall.Activity == WallActivity.Drying;
        }

        RadioSteps += played ? 1 : 0;
        DryingSteps += drying ? 1 : 0;
        RadioStepsWhileDrying += played && drying ? 1 : 0;
        if (Steps++ % _stepsPerColumn != 0)
        {
            if (played)
            {
                _radioRow[^1] = 'r';
            }

            return;
        }

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
        _radioRow.Append(played ? 'r' : '.');
    }

    /// <summary>Writes a time scale and one row per wall, then the painter's row and the radio's.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="column">The simulated time of one column, for the scale.</param>
    public void WriteTo(TextWriter output, TimeSpan column)
    {
        const string Indent = "  ";
        output.WriteLine(Indent + "minutes  " + Scale(column));
        for (int i = 0; i < _walls.Count; i++)
        {
            output.WriteLine($"{Indent}Wall {_walls[i].Name}   {_rows[i]}");
        }

        output.WriteLine($"{Indent}Painter  {_painter}");
        output.WriteLine($"{Indent}Radio    {_radioRow}");
    }

    /// <summary>
    /// Gets the time scale above the rows: a label every half hour at the column where that minute starts (the last
    /// one may mark the end); a label that would run into the one before it is left out.
    /// </summary>
    /// <param name="column">The simulated time of one column.</param>
    /// <returns>The scale, as wide as the rows or a label wider.</returns>
    public string Scale(TimeSpan column)
    {
        var scale = new StringBuilder();
        int every = Math.Max(1, (int)(TimeSpan.FromMinutes(30).Ticks / column.Ticks));
        for (int i = 0; i <= Columns; i += every)
        {
            if (scale.Length > i)
            {
                continue;
            }

            scale.Append(' ', i - scale.Length);
            scale.Append((i * column.TotalMinutes).ToString(CultureInfo.InvariantCulture));
            scale.Append(' ');
        }

        return scale.ToString().TrimEnd();
    }
}
