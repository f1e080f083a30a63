using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq.Expressions;
using System.Reflection;

namespace YieldLoop.Internal;

/// <summary>
/// Tells whether an iterator object has ever been started, so the loop can refuse to run one twice (R27).
/// </summary>
/// <remarks>
/// A C# iterator has no public "started" flag. The compiler-generated class keeps its position in a field named
/// <c>&lt;&gt;1__state</c>, which is 0 until the first <c>MoveNext</c> of an <c>IEnumerator</c>-returning iterator
/// and never 0 again. The guard reads that field through an accessor compiled once per iterator type. An
/// iterator class written by hand has no such field: the guard then cannot tell and lets it run (the loop's set of
/// started-but-not-yet-stepped iterators still stops the same object from being started twice in a row).
/// Rejected: a table of every iterator ever run (it would grow forever or need weak references, an allocation per
/// call on the hot path of nested calls).
/// </remarks>
internal static class IteratorGuard
{
    private static readonly ConcurrentDictionary<Type, Func<object, int>?> s_accessors = new();

    [ThreadStatic]
    private static Type? t_lastType;

    [ThreadStatic]
    private static Func<object, int>? t_lastAccessor;

    internal static bool HasStarted(IEnumerator<IAwaitable> iterator)
    {
        Func<object, int>? accessor = StateAccessor(iterator.GetType());
        return accessor is not null && accessor(iterator) != 0;
    }

    /// <summary>The compiled reader of <paramref name="type"/>'s <c>&lt;&gt;1__state</c> field, or null when it has none
    /// (also used by <see cref="YieldLocator"/> to find where a frame is parked).</summary>
    internal static Func<object, int>? StateAccessor(Type type)
    {
        if (ReferenceEquals(type, t_lastType))
        {
            return t_lastAccessor;
        }

        Func<object, int>? accessor = s_accessors.GetOrAdd(type, Build);
        t_lastType = type;
        t_lastAccessor = accessor;
        return accessor;
    }

    private static Func<object, int>? Build(Type type)
    {
        FieldInfo? field = type.GetField("<>1__state", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        if (field is null || field.FieldType != typeof(int))
        {
            return null;
        }

        try
        {
            ParameterExpression parameter = Expression.Parameter(typeof(object), "iterator");
            Expression body = Expression.Field(Expression.Convert(parameter, type), field);
            return Expression.Lambda<Func<object, int>>(body, parameter).Compile();
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or MemberAccessException)
        {
            return it => (int)field.GetValue(it)!;
        }
    }
}
