using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace YieldLoop.Demos.Game;

/// <summary>
/// The game's save file: the host's frame, the entities and the world written by the game itself, the loop's save
/// (<see cref="EventLoop.Save"/>: every coroutine where it is, the timers, the clocks), and the measurements.
/// </summary>
/// <remarks>
/// <para>Format: "YLGAME", a version, the frame and the session's start time; the entities (each field); the world's
/// own state, entities by number; the loop's save, length first; the measurements. Numbers are written in binary, so
/// a loaded game computes with exactly the values the saved one had.</para>
/// <para>The loop's save names the world and the entities through <see cref="GameSaveResolver"/>; a load reads the
/// entities and the world first, so that the resolver can hand them back while the loop loads.</para>
/// </remarks>
internal static class GameSave
{
    private const string Magic = "YLGAME";
    private const int Version = 1;

    /// <summary>Writes a save of a game between two frames.</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="loop">The game's loop.</param>
    /// <param name="world">The world.</param>
    /// <param name="fixedStep">The host's fixed timestep.</param>
    /// <param name="stats">The measurements so far.</param>
    /// <param name="frame">The last frame played.</param>
    /// <param name="start">The host's time when the session began.</param>
    public static void Write(Stream stream, EventLoop loop, World world, FixedTimestep fixedStep, GameStats stats, int frame, TimeSpan start)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(world);

        // The loop first: its resolver learns which entities the coroutines refer to.
        var resolver = new GameSaveResolver(world);
        var loopSave = new MemoryStream();
        loop.Save(loopSave, resolver, world.LoopRoots(fixedStep));

        var entities = new List<Entity>(world.Entities);
        foreach (Entity entity in resolver.Named)
        {
            if (!entities.Contains(entity))
            {
                entities.Add(entity);
            }
        }

        if (world.Herald is { } herald && !entities.Contains(herald))
        {
            entities.Add(herald);
        }

        foreach (Entity entity in world.LiftedBodies)
        {
            if (!entities.Contains(entity))
            {
                entities.Add(entity);
            }
        }

        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(frame);
        writer.Write(start.Ticks);
        writer.Write(entities.Count);
        foreach (Entity entity in entities)
        {
            entity.Write(writer);
        }

        world.Write(writer);
        writer.Write((int)loopSave.Length);
        writer.Write(loopSave.GetBuffer(), 0, (int)loopSave.Length);
        stats.Write(writer);
    }

    /// <summary>Reads a save into a new loop on <paramref name="clock"/>, which the load sets to the saved time.</summary>
    /// <param name="stream">Where to read.</param>
    /// <param name="clock">The host's clock.</param>
    /// <returns>The loaded game, ready for its next frame.</returns>
    /// <exception cref="InvalidDataException">The stream is not a game save, or the loop's save in it cannot be read.</exception>
    public static LoadedGame Read(Stream stream, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        string magic;
        try
        {
            magic = reader.ReadString();
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            throw new InvalidDataException("This is not a game save: it does not begin with YLGAME. Give a file that 'game --save-at' wrote.", e);
        }

        if (magic != Magic)
        {
            throw new InvalidDataException("This is not a game save: it does not begin with YLGAME. Give a file that 'game --save-at' wrote.");
        }

        int version = reader.ReadInt32();
        if (version != Version)
        {
            throw new InvalidDataException($"This game save has version {version}; this build reads version {Version}.");
        }

        int frame = reader.ReadInt32();
        var start = new TimeSpan(reader.ReadInt64());
        int count = reader.ReadInt32();
        var entities = new Dictionary<int, Entity>();
        for (int i = 0; i < count; i++)
        {
            Entity entity = Entity.Read(reader);
            entities.Add(entity.Number, entity);
        }

        World world = World.Read(reader, entities);
        byte[] loopSave = reader.ReadBytes(reader.ReadInt32());
        var loop = new EventLoop(clock, "game");
        IReadOnlyList<object?> roots = loop.Load(new MemoryStream(loopSave), new GameSaveResolver(world, entities));
        FixedTimestep fixedStep = world.Attach(roots);
        GameStats stats = GameStats.Read(reader, world, GameHost.FixedStep);
        return new LoadedGame(loop, world, fixedStep, stats, frame, start);
    }
}
