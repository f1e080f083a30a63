using System;
using System.Collections.Generic;
using System.Reflection;
using System.Text.RegularExpressions;
using YieldLoop.Internal;

namespace YieldLoop.Checkpoints;

/// <summary>Type names in a save: assembly-qualified without versions, so a rebuilt game still finds its types.</summary>
internal static class TypeNames
{
    private static readonly Regex s_version = new(@", (Version|Culture|PublicKeyToken)=[^,\]]*", RegexOptions.CultureInvariant);

    internal static string Of(Type type) => s_version.Replace(type.AssemblyQualifiedName ?? type.FullName ?? type.Name, "");

    /// <summary>The type of this name in the running process, or null.</summary>
    internal static Type? Resolve(string name) =>
        Type.GetType(name, FindAssembly, (assembly, typeName, ignoreCase) => assembly?.GetType(typeName, false, ignoreCase) ?? Type.GetType(typeName, false, ignoreCase), false);

    private static Assembly? FindAssembly(AssemblyName name)
    {
        if (name.Name is "System.Private.CoreLib" or "mscorlib" or "netstandard")
        {
            return typeof(object).Assembly;
        }

        foreach (Assembly loaded in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (loaded.GetName().Name == name.Name)
            {
                return loaded;
            }
        }

        try
        {
            return Assembly.Load(new AssemblyName(name.Name!));
        }
        catch (System.IO.IOException)
        {
            return null;
        }
    }
}

/// <summary>The engine's shared immutable objects, written by name (they are the same object in every process).</summary>
internal static class Singletons
{
    private static readonly Dictionary<object, string> s_names = new(ReferenceComparer.Instance)
    {
        [Co.NextTick] = "NextTick",
        [Future.CancelledMarker] = "Cancelled",
        [IteratorGuard.Mark] = "ClaimMark",
        [ReferenceComparer.Instance] = "ReferenceComparer",
    };

    private static readonly Dictionary<string, object> s_objects = Invert();

    internal static string? NameOf(object value) => s_names.TryGetValue(value, out string? name) ? name : null;

    internal static object? Find(string name) => s_objects.TryGetValue(name, out object? value) ? value : null;

    private static Dictionary<string, object> Invert()
    {
        var map = new Dictionary<string, object>();
        foreach (KeyValuePair<object, string> pair in s_names)
        {
            map[pair.Value] = pair.Key;
        }

        return map;
    }
}
