using System;

namespace YieldLoop;

/// <summary>
/// Names the game's objects in a save: <see cref="EventLoop.Save"/> asks it for an id for every object a coroutine
/// refers to that is not the loop's own (a player, a level, a sound), and <see cref="EventLoop.Load"/> asks it for the
/// object behind each id.
/// </summary>
/// <remarks>
/// <para>The loop's own objects (tasks, futures, iterators, closures, timers, game clocks, channels) and plain values
/// (numbers, strings, enums, structs of such) are written by the save itself. Everything else is a game object, which
/// the save never serializes: it writes the id this resolver gives, and the load puts back the object this resolver
/// returns for it, typically the same entity in the game's freshly loaded world.</para>
/// <para>Both methods run on the loop's thread, once per reference (an object referred to twice is asked for twice).</para>
/// </remarks>
public abstract class SaveResolver
{
    /// <summary>Returns the id that names <paramref name="value"/>, or null when it is not an object this resolver knows
    /// (the save then fails with a message that names the coroutine and the field that refers to it).</summary>
    /// <param name="value">A game object a coroutine refers to.</param>
    /// <returns>A stable id, or null.</returns>
    public abstract string? GetId(object value);

    /// <summary>Returns the object that <paramref name="id"/> names in the world being loaded.</summary>
    /// <param name="id">An id that <see cref="GetId"/> returned when the save was written.</param>
    /// <param name="type">The type of the object that had the id when the save was written.</param>
    /// <returns>The object; it must be assignable to the field that referred to the saved one.</returns>
    public abstract object Resolve(string id, Type type);

    /// <summary>
    /// Writes <paramref name="value"/> by value, when it is a game type this resolver serializes itself (a piece of
    /// dialogue, a path, a loot table), rather than naming it; asked before <see cref="GetId"/>. The default writes
    /// nothing and returns false.
    /// </summary>
    /// <param name="value">A game object a coroutine refers to.</param>
    /// <param name="writer">Where to write it; <see cref="ReadValue"/> must read back exactly what was written.</param>
    /// <returns>True when it wrote the value; false to name it with <see cref="GetId"/> instead.</returns>
    public virtual bool TryWriteValue(object value, System.IO.BinaryWriter writer) => false;

    /// <summary>Reads a value that <see cref="TryWriteValue"/> wrote.</summary>
    /// <param name="type">The type of the value when it was written.</param>
    /// <param name="reader">Where to read it.</param>
    /// <returns>The value (a new object: values written this way are copies, not shared references).</returns>
    /// <exception cref="NotSupportedException">The default: this resolver writes no values.</exception>
    public virtual object ReadValue(Type type, System.IO.BinaryReader reader) =>
        throw new NotSupportedException($"This save holds a {type.FullName} written by value by a SaveResolver; load it with a resolver that overrides ReadValue.");
}
