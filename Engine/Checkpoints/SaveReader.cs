using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Text.RegularExpressions;
using YieldLoop.Internal;
using Kind = YieldLoop.Checkpoints.SaveWriter.ObjectKind;
using Tag = YieldLoop.Checkpoints.SaveWriter.Tag;

namespace YieldLoop.Checkpoints;

/// <summary>
/// Reads what <see cref="SaveWriter"/> wrote into an empty loop (<see cref="EventLoop.Load"/>). Every type of the save
/// is checked against the running build before anything is created: a coroutine whose fields or compiled body changed
/// since the save is refused with its name and what changed, never loaded into the wrong state.
/// </summary>
internal sealed class SaveReader
{
    private static readonly Regex s_coroutineName = new(@"([\w.`]+)\+<([\w]+)>[a-z]__\w+", RegexOptions.CultureInvariant);

    private readonly EventLoop _loop;
    private readonly SaveResolver? _resolver;
    private BinaryReader _in = null!;
    private Type[] _types = Array.Empty<Type>();
    private Kind[] _kinds = Array.Empty<Kind>();
    private FieldInfo[][] _fields = Array.Empty<FieldInfo[]>();
    private object[] _objects = Array.Empty<object>();
    private readonly Dictionary<Type, int> _typeIds = new();

    internal SaveReader(EventLoop loop, SaveResolver? resolver)
    {
        _loop = loop;
        _resolver = resolver;
    }

    internal long Now { get; private set; }

    internal long ClockTicks { get; private set; }

    internal long TickCount { get; private set; }

    internal List<object?> Roots { get; } = new();

    /// <summary>Reads the header and type table and checks them against this build; creates nothing.</summary>
    internal void ReadTypes(Stream stream)
    {
        _in = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        byte[] magic = _in.ReadBytes(SaveWriter.Magic.Length);
        if (magic.Length != SaveWriter.Magic.Length || !((IStructuralEquatable)magic).Equals(SaveWriter.Magic, StructuralComparisons.StructuralEqualityComparer))
        {
            throw new InvalidDataException("This is not a YieldLoop save (it does not start with the save header).");
        }

        int version = _in.ReadInt32();
        if (version != SaveWriter.FormatVersion)
        {
            throw new InvalidDataException($"This save has format version {version}; this build of YieldLoop reads version {SaveWriter.FormatVersion}.");
        }

        Now = _in.ReadInt64();
        ClockTicks = _in.ReadInt64();
        TickCount = _in.ReadInt64();
        int typeCount = _in.ReadInt32();
        _types = new Type[typeCount];
        _kinds = new Kind[typeCount];
        _fields = new FieldInfo[typeCount][];
        var problems = new List<string>();
        for (int i = 0; i < typeCount; i++)
        {
            string name = _in.ReadString();
            var kind = (Kind)_in.ReadByte();
            _kinds[i] = kind;
            Type? type = TypeNames.Resolve(name);
            if (kind is not (Kind.Fields or Kind.Struct))
            {
                if (type is null)
                {
                    problems.Add($"{SavedName(name)} no longer exists in this build.");
                }

                _types[i] = type!;
                if (type is not null)
                {
                    _typeIds[type] = i;
                }

                continue;
            }

            int count = _in.ReadInt32();
            var saved = new (string Name, string Type)[count];
            for (int k = 0; k < count; k++)
            {
                saved[k] = (_in.ReadString(), _in.ReadString());
            }

            string fingerprint = _in.ReadString();
            if (type is null)
            {
                problems.Add($"{SavedName(name)} no longer exists in this build (or the compiler that built it names it differently).");
                continue;
            }

            _types[i] = type;
            _typeIds[type] = i;
            _fields[i] = Match(type, saved, fingerprint, problems);
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException(
                $"This save cannot be loaded into loop '{_loop.Name}': the coroutines it holds do not match this build, and loading them would resume them in the wrong state.\n- "
                + string.Join("\n- ", problems.Count > 12 ? problems.GetRange(0, 12) : problems)
                + (problems.Count > 12 ? $"\n- ... and {problems.Count - 12} more" : "")
                + "\nLoad it with the build that wrote it, or start the changed coroutines afresh.");
        }
    }

    // The running type's fields in the save's order, or null with the differences added to problems.
    private static FieldInfo[] Match(Type type, (string Name, string Type)[] saved, string fingerprint, List<string> problems)
    {
        FieldInfo[] current = SaveWriter.FieldsOf(type);
        var byName = new Dictionary<string, FieldInfo>();
        foreach (FieldInfo f in current)
        {
            byName[f.Name] = f;
        }

        var diffs = new List<string>();
        var result = new FieldInfo[saved.Length];
        var seen = new HashSet<string>();
        for (int k = 0; k < saved.Length; k++)
        {
            seen.Add(saved[k].Name);
            if (!byName.TryGetValue(saved[k].Name, out FieldInfo? field))
            {
                diffs.Add($"field '{saved[k].Name}' ({ShortType(saved[k].Type)}) is gone");
                continue;
            }

            string now = TypeNames.Of(field.FieldType);
            if (now != saved[k].Type)
            {
                diffs.Add($"field '{saved[k].Name}' was {ShortType(saved[k].Type)}, is now {ShortType(now)}");
            }

            result[k] = field;
        }

        foreach (FieldInfo f in current)
        {
            if (!seen.Contains(f.Name))
            {
                diffs.Add($"field '{f.Name}' ({f.FieldType.Name}) is new");
            }
        }

        string currentFingerprint = Fingerprint.Of(type);
        if (fingerprint.Length != 0 && currentFingerprint.Length == 0)
        {
            diffs.Add("its compiled body cannot be checked on this runtime (no IL, no [CoroutineFingerprint]); add the fingerprints at build time (docs/checkpoints.md)");
        }
        else if (fingerprint != currentFingerprint)
        {
            diffs.Add("its compiled body changed (the code between its yields is not the code that was saved)");
        }

        if (diffs.Count > 0)
        {
            problems.Add($"{Describe(type)} changed since the save: {string.Join("; ", diffs)}.");
        }

        return result;
    }

    private static string Describe(Type type)
    {
        if (type == typeof(EventLoop) || type.Assembly == typeof(EventLoop).Assembly && !CopyPlan.IsCompilerGenerated(type))
        {
            return $"the engine's {Names.Full(type)} (the save was written by another version of YieldLoop)";
        }

        if (CopyPlan.IsCompilerGenerated(type))
        {
            return type.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, null, Type.EmptyTypes, null) is not null
                ? $"coroutine '{Names.Full(type)}'"
                : $"a closure in '{Names.Full(type)}'";
        }

        return $"type '{type.FullName}'";
    }

    private static string SavedName(string saved)
    {
        Match m = s_coroutineName.Match(saved);
        return m.Success ? $"coroutine '{m.Groups[1].Value}.{m.Groups[2].Value}'" : $"type '{saved.Split(',')[0]}'";
    }

    private static string ShortType(string typeName)
    {
        string name = typeName.Split(',')[0];
        int dot = name.LastIndexOf('.');
        return dot >= 0 && name.IndexOf('[') < 0 ? name.Substring(dot + 1) : name;
    }

    /// <summary>Creates every object, then fills them; the loop (object 0) is filled in place.</summary>
    internal void ReadObjects()
    {
        int count = _in.ReadInt32();
        _objects = new object[count];
        for (int i = 0; i < count; i++)
        {
            int typeId = _in.ReadInt32();
            Type type = _types[typeId];
            if (i == 0)
            {
                if (type != typeof(EventLoop))
                {
                    throw new InvalidDataException("The save is damaged: its first object is not the loop.");
                }

                _objects[0] = _loop;
                continue;
            }

            switch (_kinds[typeId])
            {
                case Kind.Array:
                    _objects[i] = Array.CreateInstance(type.GetElementType()!, _in.ReadInt32());
                    break;
                case Kind.HashSet:
                case Kind.Dictionary:
                    object? comparer = ReadValue(typeof(object), headerPhase: true);
                    _objects[i] = comparer is null ? Activator.CreateInstance(type)! : Activator.CreateInstance(type, comparer)!;
                    break;
                case Kind.List:
                case Kind.Queue:
                case Kind.Stack:
                    _objects[i] = Activator.CreateInstance(type)!;
                    break;
                case Kind.Exception:
                    _objects[i] = NewException(type, _in.ReadString());
                    break;
                default:
#if NETSTANDARD2_1
                    _objects[i] = System.Runtime.Serialization.FormatterServices.GetUninitializedObject(type);
#else
                    _objects[i] = System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type);
#endif
                    break;
            }
        }

        int roots = _in.ReadInt32();
        for (int i = 0; i < roots; i++)
        {
            Roots.Add(ReadValue(typeof(object)));
        }

        for (int i = 0; i < count; i++)
        {
            ReadContents(_objects[i]);
        }
    }

    private int TypeIdOf(Type type)
    {
        if (_typeIds.TryGetValue(type, out int id))
        {
            return id;
        }

        throw new InvalidDataException($"The save is damaged: it has no layout for {type.FullName}.");
    }

    private void ReadContents(object obj)
    {
        Type type = obj.GetType();
        switch (SaveWriter.KindOf(type))
        {
            case Kind.Fields:
                foreach (FieldInfo f in _fields[TypeIdOf(type)])
                {
                    f.SetValue(obj, ReadValue(f.FieldType));
                }

                return;
            case Kind.Exception:
                var marks = new ExceptionMarks { Reported = _in.ReadBoolean() };
                marks.Trace = ReadValue(typeof(object)) as CoroutineTraceRecord;
                marks.Suppressed = ReadValue(typeof(object)) as List<Exception>;
                marks.Restore((Exception)obj);
                return;
            case Kind.Array:
                var array = (Array)obj;
                Type element = type.GetElementType()!;
                for (int k = 0; k < array.Length; k++)
                {
                    array.SetValue(ReadValue(element), k);
                }

                return;
            case Kind.Dictionary:
                Type[] kv = type.GetGenericArguments();
                var dictionary = (IDictionary)obj;
                int pairs = _in.ReadInt32();
                for (int k = 0; k < pairs; k++)
                {
                    object key = ReadValue(kv[0])!;
                    dictionary.Add(key, ReadValue(kv[1]));
                }

                return;
            default:
                Type item = type.GetGenericArguments()[0];
                MethodInfo add = SaveWriter.KindOf(type) switch
                {
                    Kind.Queue => type.GetMethod("Enqueue")!,
                    Kind.Stack => type.GetMethod("Push")!,
                    _ => type.GetMethod("Add", new[] { item })!,
                };
                int n = _in.ReadInt32();
                object?[] args = new object?[1];
                for (int k = 0; k < n; k++)
                {
                    args[0] = ReadValue(item);
                    add.Invoke(obj, args);
                }

                return;
        }
    }

    private object? ReadValue(Type declared, bool headerPhase = false)
    {
        if (Nullable.GetUnderlyingType(declared) is { } underlying)
        {
            return _in.ReadBoolean() ? ReadInline(underlying) : null;
        }

        if (declared.IsValueType)
        {
            return ReadInline(declared);
        }

        var tag = (Tag)_in.ReadByte();
        switch (tag)
        {
            case Tag.Null:
                return null;
            case Tag.Object:
                int index = _in.ReadInt32();
                if (headerPhase)
                {
                    throw new InvalidDataException("This save has a collection whose comparer is one of the loop's objects; saves support default and engine comparers only.");
                }

                return _objects[index];
            case Tag.String:
                return _in.ReadString();
            case Tag.Boxed:
                return ReadInline(_types[_in.ReadInt32()]);
            case Tag.GameObject:
                string typeName = _in.ReadString();
                string id = _in.ReadString();
                if (_resolver is null)
                {
                    throw new InvalidOperationException($"This save refers to game object '{id}' ({typeName.Split(',')[0]}): pass the SaveResolver that names the game's objects to Load.");
                }

                return _resolver.Resolve(id, TypeNames.Resolve(typeName) ?? typeof(object))
                    ?? throw new InvalidOperationException($"The SaveResolver returned null for game object '{id}' ({typeName.Split(',')[0]}).");
            case Tag.UserValue:
                string valueType = _in.ReadString();
                byte[] bytes = _in.ReadBytes(_in.ReadInt32());
                if (_resolver is null)
                {
                    throw new InvalidOperationException($"This save holds a {valueType.Split(',')[0]} written by a SaveResolver: pass that resolver to Load.");
                }

                using (var reader = new BinaryReader(new MemoryStream(bytes, writable: false)))
                {
                    return _resolver.ReadValue(TypeNames.Resolve(valueType) ?? typeof(object), reader);
                }

            case Tag.Type:
                string name = _in.ReadString();
                return TypeNames.Resolve(name) ?? throw new InvalidDataException($"This save refers to type '{name}', which this build does not have.");
            case Tag.Delegate:
                return ReadDelegate();
            case Tag.Singleton:
                string singleton = _in.ReadString();
                return Singletons.Find(singleton) ?? throw new InvalidDataException($"This save refers to engine object '{singleton}', which this version of YieldLoop does not have.");
            case Tag.Method:
                Type? owner = TypeNames.Resolve(_in.ReadString());
                string method = _in.ReadString();
                string parameters = _in.ReadString();
                if (owner is not null)
                {
                    foreach (MethodBase m in owner.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                    {
                        if (m.Name == method && string.Join(",", Array.ConvertAll(m.GetParameters(), p => TypeNames.Of(p.ParameterType))) == parameters)
                        {
                            return m;
                        }
                    }
                }

                return null;   // a trace line's method that this build no longer has: the trace prints without it
            case Tag.Weak:
                Type weakType = _types[_in.ReadInt32()];
                object? target = ReadValue(typeof(object));
                return target is null
                    ? Activator.CreateInstance(weakType, new object?[] { null })
                    : Activator.CreateInstance(weakType, target);
            default:
                throw new InvalidDataException($"The save is damaged (unknown value tag {(int)tag}).");
        }
    }

    // The saved exception type with the saved message where it has such a constructor; else an
    // InvalidOperationException that carries the message (a save never runs arbitrary constructors with other arguments).
    private static Exception NewException(Type type, string message)
    {
        try
        {
            if (type.GetConstructor(new[] { typeof(string) }) is not null && Activator.CreateInstance(type, message) is Exception rebuilt)
            {
                return rebuilt;
            }
        }
        catch (TargetInvocationException)
        {
        }

        return new InvalidOperationException($"{type.FullName}: {message}");
    }

    private Delegate ReadDelegate()
    {
        Type delegateType = Need(_in.ReadString());
        Type declaring = Need(_in.ReadString());
        string methodName = _in.ReadString();
        string signature = _in.ReadString();
        object? target = ReadValue(typeof(object));
        foreach (MethodInfo method in declaring.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        {
            if (method.Name == methodName && SaveWriter.Signature(method) == signature)
            {
                return method.IsStatic && target is null
                    ? Delegate.CreateDelegate(delegateType, method)
                    : Delegate.CreateDelegate(delegateType, target, method);
            }
        }

        throw new InvalidDataException(
            $"This save refers to method '{methodName}' of '{Names.Full(declaring)}', which this build does not have (a lambda or callback that changed since the save).");
    }

    private static Type Need(string name) =>
        TypeNames.Resolve(name) ?? throw new InvalidDataException($"This save refers to type '{name.Split(',')[0]}', which this build does not have.");

    private object ReadInline(Type type)
    {
        if (type.IsEnum)
        {
            return Enum.ToObject(type, _in.ReadInt64());
        }

        switch (Type.GetTypeCode(type))
        {
            case TypeCode.Boolean: return _in.ReadBoolean();
            case TypeCode.Char: return _in.ReadChar();
            case TypeCode.SByte: return _in.ReadSByte();
            case TypeCode.Byte: return _in.ReadByte();
            case TypeCode.Int16: return _in.ReadInt16();
            case TypeCode.UInt16: return _in.ReadUInt16();
            case TypeCode.Int32: return _in.ReadInt32();
            case TypeCode.UInt32: return _in.ReadUInt32();
            case TypeCode.Int64: return _in.ReadInt64();
            case TypeCode.UInt64: return _in.ReadUInt64();
            case TypeCode.Single: return _in.ReadSingle();
            case TypeCode.Double: return _in.ReadDouble();
            case TypeCode.Decimal: return _in.ReadDecimal();
        }

#if NETSTANDARD2_1
        object boxed = System.Runtime.Serialization.FormatterServices.GetUninitializedObject(type);
#else
        object boxed = System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type);
#endif
        foreach (FieldInfo f in _fields[TypeIdOf(type)])
        {
            f.SetValue(boxed, ReadValue(f.FieldType));
        }

        return boxed;
    }
}
