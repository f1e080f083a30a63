using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace YieldLoop.Internal;

/// <summary>Compares objects by identity (netstandard2.1 has no <c>ReferenceEqualityComparer</c>).</summary>
internal sealed class ReferenceComparer : IEqualityComparer<object>
{
    internal static readonly ReferenceComparer Instance = new();

    public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

    public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
}
