using Microsoft.CodeAnalysis;

namespace YieldLoop.Analyzers;

/// <summary>The YieldLoop and BCL types the analyzers compare against, resolved once per compilation.</summary>
/// <remarks>Built in a compilation-start action; <see cref="TryCreate"/> returns <see langword="null"/> when the compilation
/// does not reference YieldLoop, so the analyzers cost nothing in projects that do not use it.</remarks>
internal sealed class CoroutineTypes
{
    private CoroutineTypes(Compilation compilation, INamedTypeSymbol awaitable, INamedTypeSymbol enumeratorOfT, INamedTypeSymbol enumerableOfT)
    {
        Awaitable = awaitable;
        Coroutine = enumeratorOfT.Construct(awaitable);
        CoroutineEnumerable = enumerableOfT.Construct(awaitable);
        EnumeratorOfT = enumeratorOfT;
        EnumerableOfT = enumerableOfT;
        Enumerator = compilation.GetTypeByMetadataName("System.Collections.IEnumerator");
        Enumerable = compilation.GetTypeByMetadataName("System.Collections.IEnumerable");
        AsyncEnumeratorOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerator`1");
        AsyncEnumerableOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");
        Co = compilation.GetTypeByMetadataName("YieldLoop.Co");
        EventLoop = compilation.GetTypeByMetadataName("YieldLoop.EventLoop");
    }

    /// <summary>Gets <c>YieldLoop.IAwaitable</c>.</summary>
    public INamedTypeSymbol Awaitable { get; }

    /// <summary>Gets <c>IEnumerator&lt;IAwaitable&gt;</c>, the type of a coroutine.</summary>
    public INamedTypeSymbol Coroutine { get; }

    /// <summary>Gets <c>IEnumerable&lt;IAwaitable&gt;</c>, an iterator the loop can also run once enumerated.</summary>
    public INamedTypeSymbol CoroutineEnumerable { get; }

    /// <summary>Gets <c>YieldLoop.Co</c>, or <see langword="null"/> in an unusual reference set.</summary>
    public INamedTypeSymbol? Co { get; }

    /// <summary>Gets <c>YieldLoop.EventLoop</c>.</summary>
    public INamedTypeSymbol? EventLoop { get; }

    private INamedTypeSymbol EnumeratorOfT { get; }

    private INamedTypeSymbol EnumerableOfT { get; }

    private INamedTypeSymbol? Enumerator { get; }

    private INamedTypeSymbol? Enumerable { get; }

    private INamedTypeSymbol? AsyncEnumeratorOfT { get; }

    private INamedTypeSymbol? AsyncEnumerableOfT { get; }

    /// <summary>Resolves the types, or returns <see langword="null"/> when the compilation does not see YieldLoop.</summary>
    public static CoroutineTypes? TryCreate(Compilation compilation)
    {
        INamedTypeSymbol? awaitable = compilation.GetTypeByMetadataName("YieldLoop.IAwaitable");
        INamedTypeSymbol? enumeratorOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IEnumerator`1");
        INamedTypeSymbol? enumerableOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IEnumerable`1");
        return awaitable is null || enumeratorOfT is null || enumerableOfT is null
            ? null
            : new CoroutineTypes(compilation, awaitable, enumeratorOfT, enumerableOfT);
    }

    /// <summary>Whether <paramref name="type"/> is <c>IEnumerator&lt;IAwaitable&gt;</c>: a value of it is a coroutine.</summary>
    public bool IsCoroutine(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, Coroutine);

    /// <summary>Whether an iterator returning <paramref name="returnType"/> is a coroutine body the loop runs.</summary>
    public bool IsCoroutineReturnType(ITypeSymbol? returnType) =>
        SymbolEqualityComparer.Default.Equals(returnType, Coroutine) || SymbolEqualityComparer.Default.Equals(returnType, CoroutineEnumerable);

    /// <summary>Whether <paramref name="type"/> is <c>IAwaitable</c> or implements it: something only a YieldLoop loop waits for.</summary>
    public bool IsAwaitable(ITypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type, Awaitable))
        {
            return true;
        }

        foreach (INamedTypeSymbol iface in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(iface, Awaitable))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The element type of an iterator returning <paramref name="returnType"/> (object for the non-generic
    /// interfaces), or <see langword="null"/> when the type is not an iterator type.</summary>
    public ITypeSymbol? IteratorElementType(ITypeSymbol? returnType, Compilation compilation)
    {
        if (returnType is not INamedTypeSymbol named)
        {
            return null;
        }

        if (SymbolEqualityComparer.Default.Equals(named, Enumerator) || SymbolEqualityComparer.Default.Equals(named, Enumerable))
        {
            return compilation.GetSpecialType(SpecialType.System_Object);
        }

        if (named.IsGenericType && named.TypeArguments.Length == 1)
        {
            INamedTypeSymbol definition = named.OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(definition, EnumeratorOfT)
                || SymbolEqualityComparer.Default.Equals(definition, EnumerableOfT)
                || SymbolEqualityComparer.Default.Equals(definition, AsyncEnumeratorOfT)
                || SymbolEqualityComparer.Default.Equals(definition, AsyncEnumerableOfT))
            {
                return named.TypeArguments[0];
            }
        }

        return null;
    }
}
