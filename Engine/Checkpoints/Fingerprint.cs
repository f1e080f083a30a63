using System;
using System.Collections.Generic;
using System.Reflection;
using System.Reflection.Emit;
using System.Text;

namespace YieldLoop.Checkpoints;

/// <summary>
/// A fingerprint of a coroutine's compiled body, so that a save whose coroutine changed since is refused rather than
/// loaded into the wrong state: a hash of <c>MoveNext</c>'s IL in which every metadata token is replaced by the name of
/// what it refers to (tokens move when unrelated code of the same assembly changes; names do not).
/// </summary>
/// <remarks>Where the runtime cannot read IL (IL2CPP, native AOT), a fingerprint made at build time stands in:
/// <see cref="CoroutineFingerprintAttribute"/> on the coroutine's type.</remarks>
internal static class Fingerprint
{
    private static readonly Dictionary<short, OpCode> s_opcodes = LoadOpCodes();

    /// <summary>The fingerprint of <paramref name="type"/>'s body, or "" when it is not an iterator or its body cannot
    /// be read.</summary>
    internal static string Of(Type type)
    {
        string fromIL = OfIL(type);
        if (fromIL.Length != 0)
        {
            return fromIL;
        }

        // No IL at run time: the fingerprint recorded at build time on the iterator method, if any.
        foreach (MethodInfo method in type.DeclaringType?.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly) ?? Array.Empty<MethodInfo>())
        {
            if (method.GetCustomAttribute<System.Runtime.CompilerServices.IteratorStateMachineAttribute>()?.StateMachineType == type)
            {
                return method.GetCustomAttribute<CoroutineFingerprintAttribute>()?.Fingerprint ?? "";
            }
        }

        return "";
    }

    /// <summary>The fingerprint read from the IL, or "".</summary>
    internal static string OfIL(Type type)
    {
        MethodInfo? moveNext = type.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, null, Type.EmptyTypes, null);
        if (moveNext is null || !CopyPlan.IsCompilerGenerated(type))
        {
            return "";
        }

        byte[]? il;
        try
        {
            il = moveNext.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or PlatformNotSupportedException)
        {
            il = null;
        }

        if (il is null)
        {
            return "";
        }

        return Hash(Normalize(il, moveNext.Module));
    }

    private static string Normalize(byte[] il, Module module)
    {
        var text = new StringBuilder(il.Length * 2);
        int i = 0;
        while (i < il.Length)
        {
            short code = il[i++];
            if (code == 0xFE && i < il.Length)
            {
                code = unchecked((short)(0xFE00 | il[i++]));
            }

            if (!s_opcodes.TryGetValue(code, out OpCode op))
            {
                text.Append('?').Append(code);
                continue;
            }

            text.Append(op.Name).Append(' ');
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    text.Append(il[i]);
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    text.Append(BitConverter.ToInt16(il, i));
                    i += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    text.Append(BitConverter.ToInt64(il, i));
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    int count = BitConverter.ToInt32(il, i);
                    i += 4 + (4 * count);
                    text.Append(count);
                    break;
                case OperandType.InlineBrTarget:
                case OperandType.InlineI:
                case OperandType.ShortInlineR:
                    text.Append(BitConverter.ToInt32(il, i));
                    i += 4;
                    break;
                default:
                    // A token: the name of what it refers to.
                    text.Append(Resolve(module, BitConverter.ToInt32(il, i), op.OperandType));
                    i += 4;
                    break;
            }

            text.Append(';');
        }

        return text.ToString();
    }

    private static string Resolve(Module module, int token, OperandType kind)
    {
        try
        {
            if (kind == OperandType.InlineString)
            {
                return "\"" + module.ResolveString(token) + "\"";
            }

            if (kind == OperandType.InlineSig)
            {
                return "sig";
            }

            MemberInfo? member = module.ResolveMember(token);
            return member switch
            {
                null => "?",
                Type t => t.FullName ?? t.Name,
                MethodBase m => (m.DeclaringType?.FullName ?? "") + "::" + m.Name + "(" + string.Join(",", Array.ConvertAll(m.GetParameters(), p => p.ParameterType.Name)) + ")",
                _ => (member.DeclaringType?.FullName ?? "") + "::" + member.Name,
            };
        }
        catch (ArgumentException)
        {
            return "token";
        }
    }

    // FNV-1a, 64 bits, over the UTF-16 text: stable across runtimes (string.GetHashCode is randomized per process).
    private static string Hash(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Dictionary<short, OpCode> LoadOpCodes()
    {
        var map = new Dictionary<short, OpCode>();
        foreach (FieldInfo f in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (f.GetValue(null) is OpCode op)
            {
                map[op.Value] = op;
            }
        }

        return map;
    }
}
