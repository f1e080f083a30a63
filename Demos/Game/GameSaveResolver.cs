using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Game;

/// <summary>
/// Names the game objects the world's coroutines refer to, for the loop's save: the world itself ("world", the
/// <c>this</c> of its coroutines) and its entities ("entity 3", by <see cref="Entity.Number"/>).
/// </summary>
/// <remarks>
/// A save may name an entity that is no longer on the field (an enemy's body ends at the step after its brain took
/// it off): the resolver remembers every entity it named, and the game writes those too.
/// </remarks>
internal sealed class GameSaveResolver : SaveResolver
{
    private const string EntityPrefix = "entity ";
    private readonly World _world;
    private readonly IReadOnlyDictionary<int, Entity>? _entities;
    private readonly List<Entity> _named = new();

    /// <summary>Creates the resolver of a save of <paramref name="world"/>.</summary>
    /// <param name="world">The world being saved.</param>
    public GameSaveResolver(World world) => _world = world ?? throw new ArgumentNullException(nameof(world));

    /// <summary>Creates the resolver of a load into <paramref name="world"/>.</summary>
    /// <param name="world">The world read from the save.</param>
    /// <param name="entities">The entities read from the save, by number.</param>
    public GameSaveResolver(World world, IReadOnlyDictionary<int, Entity> entities)
        : this(world) => _entities = entities ?? throw new ArgumentNullException(nameof(entities));

    /// <summary>Gets the entities the save named, in the order it asked for them.</summary>
    public IReadOnlyList<Entity> Named => _named;

    /// <inheritdoc/>
    public override string? GetId(object value)
    {
        if (ReferenceEquals(value, _world))
        {
            return "world";
        }

        if (value is Entity entity)
        {
            if (!_named.Contains(entity))
            {
                _named.Add(entity);
            }

            return EntityPrefix + entity.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return null;
    }

    /// <inheritdoc/>
    public override object Resolve(string id, Type type)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id == "world")
        {
            return _world;
        }

        if (_entities is not null && id.StartsWith(EntityPrefix, StringComparison.Ordinal)
            && int.TryParse(id.AsSpan(EntityPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number)
            && _entities.TryGetValue(number, out Entity? entity))
        {
            return entity;
        }

        throw new KeyNotFoundException($"The save names '{id}' ({type.Name}), which the game's own save does not have.");
    }
}
