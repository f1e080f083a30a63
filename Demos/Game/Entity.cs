using System;
using System.IO;

namespace YieldLoop.Demos.Game;

/// <summary>
/// Something that moves on the playfield: a position in cells, a heading and a speed in cells per second of its
/// clock's time. Its movement coroutine moves it once per fixed step; it bounces off the edges.
/// </summary>
internal sealed class Entity
{
    private double _dx = 1;
    private double _dy;

    /// <summary>Creates an entity at (<paramref name="x"/>, <paramref name="y"/>), heading right.</summary>
    /// <param name="number">Its number in the world, which names it in a save.</param>
    /// <param name="kind">What it is.</param>
    /// <param name="glyph">The character that draws it.</param>
    /// <param name="x">The column, from 0 to <see cref="World.Width"/>.</param>
    /// <param name="y">The row, from 0 to <see cref="World.Height"/>.</param>
    /// <param name="speed">Cells per second of its clock's time.</param>
    public Entity(int number, EntityKind kind, char glyph, double x, double y, double speed)
    {
        Number = number;
        Kind = kind;
        Glyph = glyph;
        X = x;
        Y = y;
        Speed = speed;
    }

    /// <summary>Gets its number in the world: the id a save gives it (see <see cref="GameSaveResolver"/>).</summary>
    public int Number { get; }

    /// <summary>Gets what the entity is.</summary>
    public EntityKind Kind { get; }

    /// <summary>Gets the character that draws it.</summary>
    public char Glyph { get; }

    /// <summary>Gets the column (fractional: it moves a little every fixed step).</summary>
    public double X { get; private set; }

    /// <summary>Gets the row.</summary>
    public double Y { get; private set; }

    /// <summary>Gets the speed in cells per second of the entity's clock.</summary>
    public double Speed { get; }

    /// <summary>Gets or sets whether the entity is on the field; its movement coroutine ends once it is not.</summary>
    public bool IsAlive { get; set; } = true;

    /// <summary>Points the entity at <paramref name="angle"/> radians (0 is right, pi/2 is down).</summary>
    /// <param name="angle">The new heading.</param>
    public void Head(double angle)
    {
        _dx = Math.Cos(angle);
        _dy = Math.Sin(angle);
    }

    /// <summary>Moves along the heading for <paramref name="seconds"/> of the entity's clock, bouncing off the edges.</summary>
    /// <param name="seconds">How much of its clock's time this step covers (0 while its clock is paused).</param>
    /// <returns>The length of the path it moved, in cells.</returns>
    public double Move(double seconds)
    {
        double distance = Speed * seconds;
        (X, _dx) = Bounce(X + (_dx * distance), _dx, World.Width - 1);
        (Y, _dy) = Bounce(Y + (_dy * distance), _dy, World.Height - 1);
        return distance;
    }

    /// <summary>Takes one cell's step towards (<paramref name="x"/>, <paramref name="y"/>): across first, then down
    /// or up. The herald walks its path this way, on whole cells.</summary>
    /// <param name="x">The column to go to.</param>
    /// <param name="y">The row to go to.</param>
    public void StepToward(double x, double y)
    {
        if (X != x)
        {
            X += Math.Sign(x - X);
        }
        else if (Y != y)
        {
            Y += Math.Sign(y - Y);
        }
    }

    /// <summary>Writes every field, for a save game; <see cref="Read"/> makes the entity again.</summary>
    /// <param name="writer">Where to write.</param>
    public void Write(BinaryWriter writer)
    {
        writer.Write(Number);
        writer.Write((int)Kind);
        writer.Write(Glyph);
        writer.Write(X);
        writer.Write(Y);
        writer.Write(_dx);
        writer.Write(_dy);
        writer.Write(Speed);
        writer.Write(IsAlive);
    }

    /// <summary>Reads an entity that <see cref="Write"/> wrote.</summary>
    /// <param name="reader">Where to read.</param>
    /// <returns>The entity, as it was when saved.</returns>
    public static Entity Read(BinaryReader reader)
    {
        int number = reader.ReadInt32();
        var kind = (EntityKind)reader.ReadInt32();
        char glyph = reader.ReadChar();
        double x = reader.ReadDouble(), y = reader.ReadDouble();
        double dx = reader.ReadDouble(), dy = reader.ReadDouble();
        double speed = reader.ReadDouble();
        return new Entity(number, kind, glyph, x, y, speed) { _dx = dx, _dy = dy, IsAlive = reader.ReadBoolean() };
    }

    // A mirror at each edge: what went past it comes back by as much, heading the other way.
    private static (double Position, double Direction) Bounce(double position, double direction, double max)
    {
        if (position < 0)
        {
            return (Math.Min(-position, max), -direction);
        }

        if (position > max)
        {
            return (Math.Max(max - (position - max), 0), -direction);
        }

        return (position, direction);
    }
}
