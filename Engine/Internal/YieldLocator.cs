using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Reflection;
#if NET
using System.Diagnostics;
using System.IO;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
#endif

namespace YieldLoop.Internal;

/// <summary>
/// Finds where a compiler-generated iterator is parked: the file and line of the <c>yield return</c> it is suspended
/// at, from its <c>&lt;&gt;1__state</c> field, its <c>MoveNext</c> IL and the portable PDB.
/// </summary>
/// <remarks>
/// <para>How: Roslyn's iterator rewriter numbers the <c>yield return</c> statements 1, 2, 3, ... in source order and, at
/// each one, stores that number to <c>&lt;&gt;1__state</c> (<c>ldarg.0; ldc.i4 N; stfld &lt;&gt;1__state</c>) just before
/// returning <see langword="true"/>. Every other store is of a negative constant: -1 running, -2 finished, -3 and below
/// "running inside the try block of a finally" (so <c>Dispose</c> knows which finally blocks to run); 0 is "not started".
/// So a state N &gt;= 1 read while the iterator is suspended names exactly one store in the IL, and the PDB's sequence
/// points map the store's IL offset to the line of its <c>yield return</c> (the last visible sequence point at or before
/// it; the compiler puts hidden ones only after the store, at the resume point). Checked against Debug and Release
/// builds of Roslyn 4.x/5.x output.</para>
/// <para>Cost: the loop only reads the state (a compiled field accessor, like <see cref="IteratorGuard"/>) when it builds
/// a trace. IL and symbols are read when the trace is printed, once per iterator type and per assembly, and cached
/// for the life of the process (the same trade the runtime makes for its own stack-trace symbols).</para>
/// <para>Never throws: missing or mismatched symbols, a hand-written iterator (no state field), an iterator from a
/// compiler that numbers states differently (no matching store), an assembly loaded from bytes (no file to find the
/// PDB from), all give no location. On netstandard2.1 there is no portable PDB reader in the framework and the
/// library takes no package dependency, so there is never a location there.</para>
/// </remarks>
internal static class YieldLocator
{
    /// <summary>What <see cref="ReadState"/> returns for an iterator without a compiler state field.</summary>
    internal const int NoState = int.MinValue;

    private const string StateField = "<>1__state";

    /// <summary>A file and line of source, printed as a .NET stack trace prints it: <c>path:line 42</c>.</summary>
    [Serializable]
    internal sealed class SourceLocation
    {
        internal SourceLocation(string file, int line)
        {
            File = file;
            Line = line;
        }

        internal string File { get; }

        internal int Line { get; }

        public override string ToString() => File + ":line " + Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the resume state of a compiler-generated iterator, or <see cref="NoState"/>.</summary>
    /// <remarks>The field accessor is <see cref="IteratorGuard"/>'s, compiled once per iterator type.</remarks>
    internal static int ReadState(object iterator)
    {
        try
        {
            Func<object, int>? reader = IteratorGuard.StateAccessor(iterator.GetType());
            return reader is null ? NoState : reader(iterator);
        }
#pragma warning disable CA1031 // Trace building must never throw: a trace without a location is the fallback.
        catch (Exception)
#pragma warning restore CA1031
        {
            return NoState;
        }
    }

    /// <summary>Whether <paramref name="state"/> is one where the iterator is suspended at a <c>yield return</c>.</summary>
    internal static bool IsParked(int state) => state >= 1;

#if NET
    // Guards the symbol readers and the IL decoding tables: printing a trace is rare, so one lock is simpler than making
    // MetadataReader use thread-safe (it is documented as safe for concurrent reads, but its provider's lazy
    // initialisation is not).
    private static readonly object s_symbolsLock = new();
    private static readonly Dictionary<Assembly, MetadataReaderProvider?> s_symbols = new();
    private static readonly ConcurrentDictionary<Type, Dictionary<int, SourceLocation>?> s_yields = new();
    private static readonly Dictionary<(Module, int), SequencePoint[]?> s_points = new();
    private static OperandSizes? s_operandSizes;

    /// <summary>The location of the <c>yield return</c> that <paramref name="state"/> stands for, or null.</summary>
    internal static SourceLocation? FindYield(Type iteratorType, int state)
    {
        if (!IsParked(state))
        {
            return null;
        }

        try
        {
            Dictionary<int, SourceLocation>? yields = s_yields.GetOrAdd(iteratorType, MapYields);
            return yields is not null && yields.TryGetValue(state, out SourceLocation? location) ? location : null;
        }
#pragma warning disable CA1031 // Never throw from trace building: fall back to no location.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>The location of IL offset <paramref name="ilOffset"/> in <paramref name="method"/>, or null.</summary>
    internal static SourceLocation? Find(MethodBase method, int ilOffset)
    {
        if (ilOffset < 0)
        {
            return null;
        }

        try
        {
            lock (s_symbolsLock)
            {
                return Locate(method, ilOffset);
            }
        }
#pragma warning disable CA1031 // Never throw from trace building: fall back to no location.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>
    /// Finds the innermost frame of <paramref name="exception"/>'s stack trace that runs code of
    /// <paramref name="iteratorType"/> (its <c>MoveNext</c>, or a finally block of it run by <c>Dispose</c>): where the
    /// iterator threw. Cheap enough for the fault path: no file information is read here.
    /// </summary>
    internal static bool TryFindThrowSite(Exception exception, Type iteratorType, out MethodBase? method, out int ilOffset)
    {
        method = null;
        ilOffset = -1;
        try
        {
            var trace = new StackTrace(exception, fNeedFileInfo: false);
            int count = trace.FrameCount;
            for (int i = 0; i < count; i++)
            {
                StackFrame? frame = trace.GetFrame(i);
                MethodBase? m = frame?.GetMethod();
                Type? declaring = m?.DeclaringType;

                // By metadata, not by reference: code shared between generic instantiations reports its canonical type.
                if (declaring is not null && declaring.MetadataToken == iteratorType.MetadataToken
                    && declaring.Module.Equals(iteratorType.Module))
                {
                    method = m;
                    ilOffset = frame!.GetILOffset();
                    return ilOffset >= 0;
                }
            }
        }
#pragma warning disable CA1031 // Never throw from trace building: fall back to no location.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return false;
    }

    private static Dictionary<int, SourceLocation>? MapYields(Type type)
    {
        MethodInfo? moveNext = type.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, null, Type.EmptyTypes, null);
        FieldInfo? state = type.GetField(StateField, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        byte[]? il = moveNext?.GetMethodBody()?.GetILAsByteArray();
        if (moveNext is null || state is null || il is null)
        {
            return null;
        }

        Dictionary<int, int> stores = FindStateStores(moveNext, state, il);
        if (stores.Count == 0)
        {
            return null;
        }

        var result = new Dictionary<int, SourceLocation>(stores.Count);
        lock (s_symbolsLock)
        {
            foreach (KeyValuePair<int, int> store in stores)
            {
                SourceLocation? location = Locate(moveNext, store.Value);
                if (location is not null)
                {
                    result[store.Key] = location;
                }
            }
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>Decodes the IL and collects, per positive constant N, the offset of <c>ldc.i4 N; stfld &lt;&gt;1__state</c>.</summary>
    private static Dictionary<int, int> FindStateStores(MethodInfo moveNext, FieldInfo state, byte[] il)
    {
        var stores = new Dictionary<int, int>();
        OperandSizes sizes;
        lock (s_symbolsLock)
        {
            sizes = s_operandSizes ??= new OperandSizes();
        }

        Module module = moveNext.Module;
        Type[] typeArguments = moveNext.DeclaringType!.IsGenericType ? moveNext.DeclaringType.GetGenericArguments() : Type.EmptyTypes;
        Dictionary<int, bool>? isStateToken = null;
        int pendingConstant = 0;
        bool hasConstant = false;
        int offset = 0;
        while (offset < il.Length)
        {
            int start = offset;
            int opcode = il[offset++];
            if (opcode == 0xFE)
            {
                if (offset >= il.Length)
                {
                    break;
                }

                opcode = 0xFE00 | il[offset++];
            }

            int operandSize = sizes.Of(opcode, il, offset);
            if (operandSize < 0 || offset + operandSize > il.Length)
            {
                break;   // unknown opcode: stop rather than misread the rest
            }

            if (opcode == 0x7D && hasConstant && pendingConstant >= 1)   // stfld after a positive constant
            {
                int token = BitConverter.ToInt32(il, offset);
                isStateToken ??= new Dictionary<int, bool>();
                if (!isStateToken.TryGetValue(token, out bool isState))
                {
                    isState = IsStateField(module, token, state, typeArguments);
                    isStateToken[token] = isState;
                }

                if (isState && !stores.ContainsKey(pendingConstant))
                {
                    stores[pendingConstant] = start;
                }
            }

            hasConstant = TryReadConstant(opcode, il, offset, out pendingConstant);
            offset += operandSize;
        }

        return stores;
    }

    private static bool IsStateField(Module module, int token, FieldInfo state, Type[] typeArguments)
    {
        if (token == state.MetadataToken)
        {
            return true;
        }

        // In a generic iterator class the store goes through a MemberRef on the instantiated type.
        try
        {
            FieldInfo? resolved = module.ResolveField(token, typeArguments, null);
            return resolved is not null && resolved.Name == StateField && resolved.MetadataToken == state.MetadataToken;
        }
        catch (Exception ex) when (ex is ArgumentException or BadImageFormatException or MissingFieldException)
        {
            return false;
        }
    }

    private static bool TryReadConstant(int opcode, byte[] il, int operand, out int value)
    {
        switch (opcode)
        {
            case >= 0x15 and <= 0x1E:   // ldc.i4.m1 .. ldc.i4.8
                value = opcode - 0x16;
                return true;
            case 0x1F:                  // ldc.i4.s
                value = (sbyte)il[operand];
                return true;
            case 0x20:                  // ldc.i4
                value = BitConverter.ToInt32(il, operand);
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Maps an IL offset to the last visible sequence point at or before it (caller holds the lock).</summary>
    private static SourceLocation? Locate(MethodBase method, int ilOffset)
    {
        Module module = method.Module;
        (Module, int) key = (module, method.MetadataToken);
        if (!s_points.TryGetValue(key, out SequencePoint[]? points))
        {
            points = ReadSequencePoints(module.Assembly, method.MetadataToken);
            s_points[key] = points;
        }

        if (points is null)
        {
            return null;
        }

        SequencePoint? best = null;
        foreach (SequencePoint point in points)
        {
            if (point.Offset > ilOffset)
            {
                break;   // sequence points are sorted by offset
            }

            if (!point.IsHidden)
            {
                best = point;
            }
        }

        if (best is not { } found || !s_symbols.TryGetValue(module.Assembly, out MetadataReaderProvider? provider) || provider is null)
        {
            return null;
        }

        MetadataReader reader = provider.GetMetadataReader();
        string file = reader.GetString(reader.GetDocument(found.Document).Name);
        return new SourceLocation(file, found.StartLine);
    }

    private static SequencePoint[]? ReadSequencePoints(Assembly assembly, int methodToken)
    {
        if (!s_symbols.TryGetValue(assembly, out MetadataReaderProvider? provider))
        {
            provider = OpenSymbols(assembly);
            s_symbols[assembly] = provider;
        }

        if (provider is null || (methodToken >> 24) != 0x06)
        {
            return null;
        }

        MetadataReader reader = provider.GetMetadataReader();
        MethodDebugInformation info = reader.GetMethodDebugInformation(MetadataTokens.MethodDefinitionHandle(methodToken & 0x00FFFFFF));
        var points = new List<SequencePoint>();
        foreach (SequencePoint point in info.GetSequencePoints())
        {
            points.Add(point);
        }

        return points.ToArray();
    }

    /// <summary>
    /// The portable PDB of <paramref name="assembly"/>: embedded in the PE file, or at the path its CodeView record names,
    /// or beside the assembly; checked against the PE's PDB id. Read into memory so no file stays open.
    /// </summary>
    private static MetadataReaderProvider? OpenSymbols(Assembly assembly)
    {
        try
        {
            if (assembly.IsDynamic)
            {
                return null;
            }

            string path = assembly.Location;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                return null;   // loaded from bytes or bundled into a single file
            }

            using var pe = new PEReader(new MemoryStream(File.ReadAllBytes(path)));
            return pe.TryOpenAssociatedPortablePdb(path, OpenIfExists, out MetadataReaderProvider? provider, out _) ? provider : null;
        }
#pragma warning disable CA1031 // Unreadable or non-portable symbols (a Windows PDB, a corrupt file): no locations.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static Stream? OpenIfExists(string path) => File.Exists(path) ? new MemoryStream(File.ReadAllBytes(path)) : null;

    /// <summary>Operand sizes of every IL opcode, from <see cref="OpCodes"/>.</summary>
    private sealed class OperandSizes
    {
        private readonly int[] _oneByte = new int[256];
        private readonly int[] _twoByte = new int[256];

        internal OperandSizes()
        {
            Array.Fill(_oneByte, -1);
            Array.Fill(_twoByte, -1);
            foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                if (field.GetValue(null) is not OpCode op)
                {
                    continue;
                }

                int size = op.OperandType switch
                {
                    OperandType.InlineNone => 0,
                    OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                    OperandType.InlineVar => 2,
                    OperandType.InlineI8 or OperandType.InlineR => 8,
                    OperandType.InlineSwitch => int.MaxValue,   // 4 + 4 * count, read from the IL
                    _ => 4,
                };
                ushort value = unchecked((ushort)op.Value);
                if (op.Size == 1)
                {
                    _oneByte[value & 0xFF] = size;
                }
                else
                {
                    _twoByte[value & 0xFF] = size;
                }
            }
        }

        internal int Of(int opcode, byte[] il, int operand)
        {
            int size = opcode > 0xFF ? _twoByte[opcode & 0xFF] : _oneByte[opcode];
            if (size == int.MaxValue)
            {
                if (operand + 4 > il.Length)
                {
                    return -1;
                }

                int count = BitConverter.ToInt32(il, operand);
                return count < 0 || count > (il.Length - operand) / 4 ? -1 : 4 + (4 * count);
            }

            return size;
        }
    }
#else
    internal static SourceLocation? FindYield(Type iteratorType, int state) => null;

    internal static SourceLocation? Find(MethodBase method, int ilOffset) => null;

    internal static bool TryFindThrowSite(Exception exception, Type iteratorType, out MethodBase? method, out int ilOffset)
    {
        method = null;
        ilOffset = -1;
        return false;
    }
#endif
}
