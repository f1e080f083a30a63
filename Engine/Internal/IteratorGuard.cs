using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq.Expressions;
using System.Reflection;

namespace YieldLoop.Internal;

/// <summary>
/// Tells whether an iterator object has ever been started or handed to a loop, so the loop can refuse to run one twice
/// (R27), without a table entry per pending start.
/// </summary>
/// <remarks>
/// <para>A C# iterator has no public "started" flag. The compiler-generated class keeps its position in a field named
/// <c>&lt;&gt;1__state</c>, which is 0 until the first <c>MoveNext</c> of an <c>IEnumerator</c>-returning iterator and
/// never 0 again, and the value it yielded last in <c>&lt;&gt;2__current</c>, which is null until the first
/// <c>MoveNext</c> sets it.</para>
/// <para>Claiming: when a loop accepts a fresh iterator (<c>Start</c>), it writes <see cref="Mark"/> into
/// <c>&lt;&gt;2__current</c>. An iterator is taken when its state is not 0 (it ran) or its current value is not null
/// (a loop claimed it and has not stepped it yet). The first <c>MoveNext</c> overwrites the mark, and the state then
/// tells. So a second <c>Start</c> of the same iterator, on this loop or on another, and a <c>Co.Call</c> of an
/// iterator started as a task, are refused at once, at the cost of two field reads and one write through accessors
/// compiled once per iterator type. Nothing needs removing when the task steps, completes or is cancelled: an iterator
/// whose task was cancelled before its first step stays claimed, and starting it again is refused like any other
/// started iterator.</para>
/// <para>The mark is written only where the field's type is <see cref="IAwaitable"/> (an iterator method declared to
/// return <c>IEnumerator&lt;IAwaitable&gt;</c>). Iterators written by hand have neither field, and a method returning
/// <c>IEnumerator&lt;SomeFuture&gt;</c> has a current field the mark does not fit: for those
/// <see cref="IteratorShape.CanClaim"/> is false and the loop keeps such a pending iterator in a set instead
/// (EventLoop._unstarted), as it did for every iterator before.</para>
/// <para>Rejected: a set entry per pending start for every iterator (a hash, about 40 bytes of amortised array growth per
/// start and a removal at the first step: it was a quarter of a start's cost); a table of every iterator ever run (it
/// would grow forever or need weak references); reading the state alone (a fresh iterator started twice before its
/// first step would run in two tasks).</para>
/// </remarks>
internal static class IteratorGuard
{
    private static readonly ConcurrentDictionary<Type, IteratorShape> s_shapes = new();

    [ThreadStatic]
    private static Type? t_lastType;

    [ThreadStatic]
    private static IteratorShape? t_lastShape;

    /// <summary>What a claimed iterator holds as its current value until its first step. Never yielded, never awaited.</summary>
    internal static readonly IAwaitable Mark = new ClaimMark();

    /// <summary>The compiled reader of <paramref name="type"/>'s <c>&lt;&gt;1__state</c> field, or null when it has none
    /// (also used by <see cref="YieldLocator"/> to find where a frame is parked).</summary>
    internal static Func<object, int>? StateAccessor(Type type) => ShapeOf(type).State;

    /// <summary>The accessors of <paramref name="type"/>, built once per type (a loop also caches the last one it used).</summary>
    internal static IteratorShape ShapeOf(Type type)
    {
        if (ReferenceEquals(type, t_lastType))
        {
            return t_lastShape!;
        }

        IteratorShape shape = s_shapes.GetOrAdd(type, Build);
        t_lastType = type;
        t_lastShape = shape;
        return shape;
    }

    private static IteratorShape Build(Type type)
    {
        const BindingFlags Fields = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        FieldInfo? state = type.GetField("<>1__state", Fields);
        if (state is null || state.FieldType != typeof(int) || state.IsInitOnly)
        {
            return IteratorShape.Untracked;
        }

        FieldInfo? current = type.GetField("<>2__current", Fields);
        if (current is null || current.FieldType != typeof(IAwaitable) || current.IsInitOnly)
        {
            current = null;
        }

        try
        {
            return Compile(type, state, current);
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or MemberAccessException)
        {
            // No code generation (an ahead-of-time runtime): reflection, slower but the same answers.
            return new IteratorShape(
                it => (int)state.GetValue(it)!,
                current is null ? null : it => (int)state.GetValue(it)! != 0 || current.GetValue(it) is not null,
                current is null ? null : it =>
                {
                    if ((int)state.GetValue(it)! != 0 || current.GetValue(it) is not null)
                    {
                        return false;
                    }

                    current.SetValue(it, Mark);
                    return true;
                });
        }
    }

    private static IteratorShape Compile(Type type, FieldInfo state, FieldInfo? current)
    {
        ParameterExpression parameter = Expression.Parameter(typeof(object), "iterator");
        Expression typed = Expression.Convert(parameter, type);
        Expression stateField = Expression.Field(typed, state);
        Func<object, int> readState = Expression.Lambda<Func<object, int>>(stateField, parameter).Compile();
        if (current is null)
        {
            return new IteratorShape(readState, null, null);
        }

        Expression currentField = Expression.Field(typed, current);
        Expression<Func<object, bool>> taken = Expression.Lambda<Func<object, bool>>(
            Expression.OrElse(
                Expression.NotEqual(stateField, Expression.Constant(0)),
                Expression.NotEqual(currentField, Expression.Constant(null, typeof(IAwaitable)))),
            parameter);
        Func<object, bool> claim = Expression.Lambda<Func<object, bool>>(
            Expression.Condition(
                taken.Body,
                Expression.Constant(false),
                Expression.Block(
                    Expression.Assign(currentField, Expression.Constant(Mark, typeof(IAwaitable))),
                    Expression.Constant(true))),
            parameter).Compile();
        return new IteratorShape(readState, taken.Compile(), claim);
    }

    private sealed class ClaimMark : IAwaitable
    {
        public bool IsCompleted => false;

        public void OnCompleted(Action continuation) => throw new InvalidOperationException(
            "This value marks a coroutine iterator that a loop has accepted and not stepped yet; it is not an awaitable. Do not read Current of an iterator before MoveNext.");

        public override string ToString() => "(claimed by a loop, not started yet)";
    }
}

/// <summary>How the loop reads and claims one iterator type (see <see cref="IteratorGuard"/>).</summary>
[Checkpoints.NotRewound]
internal sealed class IteratorShape
{
    /// <summary>A type without the compiler's fields (a hand-written iterator): the loop cannot read or mark it.</summary>
    internal static readonly IteratorShape Untracked = new(null, null, null);

    private readonly Func<object, bool>? _taken;
    private readonly Func<object, bool>? _claim;

    internal IteratorShape(Func<object, int>? state, Func<object, bool>? taken, Func<object, bool>? claim)
    {
        State = state;
        _taken = taken;
        _claim = claim;
    }

    /// <summary>The reader of the compiler's <c>&lt;&gt;1__state</c> field, or null.</summary>
    internal Func<object, int>? State { get; }

    /// <summary>Whether <see cref="TryClaim"/> can mark iterators of this type; when false the loop tracks them in a set.</summary>
    internal bool CanClaim => _claim is not null;

    /// <summary>Whether the iterator ran (its state moved); false when the type has no state field.</summary>
    internal bool HasStarted(object iterator) => State is { } state && state(iterator) != 0;

    /// <summary>Whether the iterator ran or was claimed by a loop; for an untracked type, whether it ran as far as
    /// this type can tell (false).</summary>
    internal bool IsTaken(object iterator) => _taken is { } taken ? taken(iterator) : HasStarted(iterator);

    /// <summary>Marks the iterator as accepted by a loop when it is fresh and unclaimed (one accessor call); false when
    /// it was taken. Only when <see cref="CanClaim"/>.</summary>
    internal bool TryClaim(object iterator) => _claim!(iterator);
}
