using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using YieldLoop.Internal;

namespace YieldLoop.Checkpoints;

/// <summary>
/// Writes a loop's state to a stream (<see cref="EventLoop.Save"/>): the same closure a checkpoint copies, as an object
/// table with references by index, each type with its layout and each coroutine with the fingerprint of its body.
/// </summary>
/// <remarks>
/// <para><b>Format (version 1).</b> Magic "YLSAVE", the format version, the loop's time, clock reading and tick count;
/// the type table (per type: its name, kind, fields with their types, and the fingerprint of a coroutine's body); the
/// object headers (per object: type, array length or collection comparer); then every object's contents in order. The
/// loop itself is object 0. Values are written by the declared type of their field: primitives, enums and structs
/// inline; references tagged (null, table object, string, boxed value, game object id, type, delegate, engine
/// singleton, weak reference, method, a value the resolver wrote).</para>
/// <para><b>Collections</b> of System.Collections.Generic are written as what they hold, not as their internal arrays,
/// so a hash set keyed by identity is rebuilt by adding its elements again. <b>Pooled waits</b> a coroutine still refers
/// to after its wait ended are written as null: the wait in progress is the task's deadline in the timer wheel, written
/// relative to the saved loop time.</para>
/// <para>Two passes over the same code: the first discovers the table (writing to nowhere), the second writes it. Cold
/// code: reflection is fine here.</para>
/// </remarks>
internal sealed class SaveWriter
{
    internal const int FormatVersion = 1;
    internal static readonly byte[] Magic = { (byte)'Y', (byte)'L', (byte)'S', (byte)'A', (byte)'V', (byte)'E' };

    internal enum Tag : byte
    {
        Null = 0,
        Object = 1,
        String = 2,
        Boxed = 3,
        GameObject = 4,
        Type = 5,
        Delegate = 6,
        Singleton = 7,
        // 8 is not used (exceptions are table objects: ObjectKind.Exception).
        Weak = 9,
        Method = 10,
        UserValue = 11,
    }

    internal enum ObjectKind : byte
    {
        Fields = 0,
        Array = 1,
        List = 2,
        Queue = 3,
        Stack = 4,
        HashSet = 5,
        Dictionary = 6,
        Struct = 7,     // a type table entry only: a struct written inline
        Other = 8,      // a type table entry only, by name (a weak reference's type)
        Exception = 9,  // header: the message; contents: the engine's marks (reported, coroutine trace, suppressed)
    }

    private readonly EventLoop _loop;
    private readonly SaveResolver? _resolver;
    private readonly List<object> _objects = new();
    private readonly Dictionary<object, int> _index = new(ReferenceComparer.Instance);
    private readonly List<Type> _types = new();
    private readonly Dictionary<Type, int> _typeIndex = new();
    private BinaryWriter _out = new(Stream.Null);
    private object? _owner;
    private MemoryStream? _scratch;
    private string _field = "";

    internal SaveWriter(EventLoop loop, SaveResolver? resolver)
    {
        _loop = loop;
        _resolver = resolver;
    }

    internal void Write(Stream stream, long now, long clockTicks, long tickCount, List<object>? roots)
    {
        // Pass 1: discover every object and type.
        Add(_loop);
        if (roots is not null)
        {
            foreach (object root in roots)
            {
                WriteValue(typeof(object), root);
            }
        }

        for (int i = 0; i < _objects.Count; i++)
        {
            WriteContents(i);
        }

        for (int i = 0; i < _objects.Count; i++)
        {
            WriteHeader(i);
        }

        // Pass 2: the same, for real.
        using var output = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        _out = output;
        output.Write(Magic);
        output.Write(FormatVersion);
        output.Write(now);
        output.Write(clockTicks);
        output.Write(tickCount);
        output.Write(_types.Count);
        foreach (Type type in _types)
        {
            WriteLayout(type);
        }

        output.Write(_objects.Count);
        int fixedCount = _objects.Count;
        for (int i = 0; i < fixedCount; i++)
        {
            WriteHeader(i);
        }

        output.Write(roots?.Count ?? 0);
        if (roots is not null)
        {
            foreach (object root in roots)
            {
                WriteValue(typeof(object), root);
            }
        }

        for (int i = 0; i < fixedCount; i++)
        {
            WriteContents(i);
        }

        if (_objects.Count != fixedCount)
        {
            throw new InvalidOperationException("The loop changed while it was being saved.");
        }
    }

    internal static ObjectKind KindOf(Type type)
    {
        if (type.IsArray)
        {
            return ObjectKind.Array;
        }

        if (typeof(Exception).IsAssignableFrom(type))
        {
            return ObjectKind.Exception;
        }

        if (type.IsValueType)
        {
            return ObjectKind.Struct;
        }

        if (type.IsGenericType)
        {
            Type d = type.GetGenericTypeDefinition();
            if (d == typeof(WeakReference<>))
            {
                return ObjectKind.Other;
            }

            if (d == typeof(List<>))
            {
                return ObjectKind.List;
            }

            if (d == typeof(Queue<>))
            {
                return ObjectKind.Queue;
            }

            if (d == typeof(Stack<>))
            {
                return ObjectKind.Stack;
            }

            if (d == typeof(HashSet<>))
            {
                return ObjectKind.HashSet;
            }

            if (d == typeof(Dictionary<,>))
            {
                return ObjectKind.Dictionary;
            }
        }

        return ObjectKind.Fields;
    }

    /// <summary>The fields a save writes for a type: for the loop, the rewound ones; otherwise every instance field.</summary>
    internal static FieldInfo[] FieldsOf(Type type)
    {
        if (type == typeof(EventLoop))
        {
            return CopyPlan.Loop.Fields;
        }

        if (type.IsValueType)
        {
            return type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        }

        return CopyPlan.For(type) is { Kind: PlanKind.Fields } plan ? plan.Fields : AllFields(type);
    }

    private static FieldInfo[] AllFields(Type type)
    {
        var fields = new List<FieldInfo>();
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            fields.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly));
        }

        return fields.ToArray();
    }

    private int TypeId(Type type)
    {
        if (!_typeIndex.TryGetValue(type, out int id))
        {
            id = _types.Count;
            _types.Add(type);
            _typeIndex.Add(type, id);
        }

        return id;
    }

    private void WriteLayout(Type type)
    {
        ObjectKind kind = KindOf(type);
        _out.Write(TypeNames.Of(type));
        _out.Write((byte)kind);
        if (kind is ObjectKind.Fields or ObjectKind.Struct)
        {
            FieldInfo[] fields = FieldsOf(type);
            _out.Write(fields.Length);
            foreach (FieldInfo f in fields)
            {
                _out.Write(f.Name);
                _out.Write(TypeNames.Of(f.FieldType));
            }

            _out.Write(Fingerprint.Of(type));
        }
    }

    private int Add(object obj)
    {
        if (_index.TryGetValue(obj, out int i))
        {
            return i;
        }

        i = _objects.Count;
        _objects.Add(obj);
        _index.Add(obj, i);
        TypeId(obj.GetType());
        return i;
    }

    private void WriteHeader(int i)
    {
        object obj = _objects[i];
        Type type = obj.GetType();
        _out.Write(TypeId(type));
        switch (KindOf(type))
        {
            case ObjectKind.Array:
                _out.Write(((Array)obj).Length);
                break;
            case ObjectKind.Exception:
                _out.Write(((Exception)obj).Message);
                break;
            case ObjectKind.HashSet:
            case ObjectKind.Dictionary:
                object comparer = type.GetProperty("Comparer")!.GetValue(obj)!;
                Type comparerType = typeof(IEqualityComparer<>).MakeGenericType(type.GetGenericArguments()[0]);
                object defaultComparer = typeof(EqualityComparer<>).MakeGenericType(type.GetGenericArguments()[0]).GetProperty("Default")!.GetValue(null)!;
                _owner = obj;
                _field = "Comparer";
                WriteValue(comparerType, ReferenceEquals(comparer, defaultComparer) || comparer.GetType() == defaultComparer.GetType() ? null : comparer);
                break;
        }
    }

    private void WriteContents(int i)
    {
        object obj = _objects[i];
        Type type = obj.GetType();
        _owner = obj;
        switch (KindOf(type))
        {
            case ObjectKind.Fields:
                foreach (FieldInfo f in FieldsOf(type))
                {
                    _field = f.Name;
                    WriteValue(f.FieldType, f.GetValue(obj));
                }

                return;
            case ObjectKind.Exception:
                var marks = new ExceptionMarks();
                marks.Capture((Exception)obj);
                _out.Write(marks.Reported);
                _field = "Data";
                WriteValue(typeof(object), marks.Trace);
                WriteValue(typeof(object), marks.Suppressed);
                return;
            case ObjectKind.Array:
                Type element = type.GetElementType()!;
                var array = (Array)obj;
                _field = "[]";
                for (int k = 0; k < array.Length; k++)
                {
                    WriteValue(element, array.GetValue(k));
                }

                return;
            case ObjectKind.Dictionary:
                Type[] kv = type.GetGenericArguments();
                var dictionary = (IDictionary)obj;
                _out.Write(dictionary.Count);
                foreach (DictionaryEntry pair in dictionary)
                {
                    _field = "key";
                    WriteValue(kv[0], pair.Key);
                    _field = "value";
                    WriteValue(kv[1], pair.Value);
                }

                return;
            default:
                Type item = type.GetGenericArguments()[0];
                var items = new List<object?>();
                foreach (object? x in (IEnumerable)obj)
                {
                    items.Add(x);
                }

                if (KindOf(type) == ObjectKind.Stack)
                {
                    items.Reverse();   // enumerated top first; pushed back bottom first
                }

                _out.Write(items.Count);
                _field = "[]";
                foreach (object? x in items)
                {
                    WriteValue(item, x);
                }

                return;
        }
    }

    private void WriteValue(Type declared, object? value)
    {
        if (Nullable.GetUnderlyingType(declared) is { } underlying)
        {
            // A boxed Nullable<T> is its value or null.
            _out.Write(value is not null);
            if (value is not null)
            {
                WriteInline(underlying, value);
            }

            return;
        }

        if (declared.IsValueType)
        {
            WriteInline(declared, value!);
            return;
        }

        if (value is null)
        {
            _out.Write((byte)Tag.Null);
            return;
        }

        Type type = value.GetType();
        if (value is string s)
        {
            _out.Write((byte)Tag.String);
            _out.Write(s);
            return;
        }

        if (type.IsValueType)
        {
            _out.Write((byte)Tag.Boxed);
            _out.Write(TypeId(type));
            WriteInline(type, value);
            return;
        }

        if (Singletons.NameOf(value) is { } singleton)
        {
            _out.Write((byte)Tag.Singleton);
            _out.Write(singleton);
            return;
        }

        switch (value)
        {
            case Type t:
                _out.Write((byte)Tag.Type);
                _out.Write(TypeNames.Of(t));
                return;
            case Delegate d:
                WriteDelegate(d);
                return;
            case MethodBase m when m.DeclaringType is not null:
                // Where a coroutine threw (its trace): written by name, like a type.
                _out.Write((byte)Tag.Method);
                _out.Write(TypeNames.Of(m.DeclaringType));
                _out.Write(m.Name);
                _out.Write(string.Join(",", Array.ConvertAll(m.GetParameters(), p => TypeNames.Of(p.ParameterType))));
                return;
            case Exception ex:
                // A table object (one exception reached twice stays one), with the engine's marks from its Data.
                _out.Write((byte)Tag.Object);
                _out.Write(Add(ex));
                return;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(WeakReference<>))
        {
            object?[] args = { null };
            bool alive = (bool)type.GetMethod("TryGetTarget")!.Invoke(value, args)!;
            _out.Write((byte)Tag.Weak);
            _out.Write(TypeId(type));
            WriteValue(typeof(object), alive ? args[0] : null);
            return;
        }

        if (value is EventLoop other)
        {
            if (!ReferenceEquals(other, _loop))
            {
                throw Refuse($"refers to another loop ('{other.Name}'): a save holds one loop. Save each loop on its own, with nothing waited on across them.");
            }

            _out.Write((byte)Tag.Object);
            _out.Write(0);
            return;
        }

        CopyPlan plan = CopyPlan.For(type);
        if (plan.Kind == PlanKind.Opaque && type.IsDefined(typeof(NotRewoundAttribute), true))
        {
            _out.Write((byte)Tag.Null);   // diagnostics and caches: not part of the saved timeline
            return;
        }

        if (plan.Kind == PlanKind.Fields && plan.Pooled && !((IPooledWait)value).IsRented)
        {
            _out.Write((byte)Tag.Null);   // a finished one-shot wait the coroutine still points at
            return;
        }

        if (plan.Kind is PlanKind.Fields or PlanKind.Array)
        {
            if (plan.Node && ((LoopNode)value)._loop is { } owner && !ReferenceEquals(owner, _loop))
            {
                throw Refuse($"refers to {((LoopNode)value).Describe()} of another loop ('{owner.Name}'): a save holds one loop.");
            }

            _out.Write((byte)Tag.Object);
            _out.Write(Add(value));
            return;
        }

        // A game object: the resolver writes it by value (into a buffer, so that the save knows its length), or names it.
        if (_resolver is not null)
        {
            MemoryStream buffer = _scratch ??= new MemoryStream();
            buffer.SetLength(0);
            using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                if (_resolver.TryWriteValue(value, writer))
                {
                    writer.Flush();
                    _out.Write((byte)Tag.UserValue);
                    _out.Write(TypeNames.Of(type));
                    _out.Write((int)buffer.Length);
                    _out.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                    return;
                }
            }
        }

        string? id = _resolver?.GetId(value);
        if (id is null)
        {
            throw Refuse(_resolver is null
                ? $"refers to a {Names.Full(type)}, a game object the save cannot write. Pass a SaveResolver to Save that gives it an id (and to Load, that gives the object back), or keep the object out of the coroutine's fields."
                : $"refers to a {Names.Full(type)} for which the SaveResolver returned no id. Give it an id in GetId (or write it by value in TryWriteValue), or keep the object out of the coroutine's fields.");
        }

        _out.Write((byte)Tag.GameObject);
        _out.Write(TypeNames.Of(type));
        _out.Write(id);
    }

    private void WriteDelegate(Delegate d)
    {
        if (d.GetInvocationList().Length != 1)
        {
            throw Refuse("holds a multicast delegate; a save writes a delegate as one method and its target. Keep one method per delegate.");
        }

        MethodInfo method = d.Method;
        if (method.DeclaringType is null || method.IsGenericMethod)
        {
            throw Refuse($"holds a delegate to '{method.Name}', which a save cannot name (a dynamic or generic method).");
        }

        _out.Write((byte)Tag.Delegate);
        _out.Write(TypeNames.Of(d.GetType()));
        _out.Write(TypeNames.Of(method.DeclaringType));
        _out.Write(method.Name);
        _out.Write(Signature(method));
        WriteValue(typeof(object), d.Target);
    }

    internal static string Signature(MethodInfo method) =>
        string.Join(",", Array.ConvertAll(method.GetParameters(), p => TypeNames.Of(p.ParameterType)));

    private void WriteInline(Type type, object value)
    {
        if (type.IsEnum)
        {
            _out.Write(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        switch (Type.GetTypeCode(type))
        {
            case TypeCode.Boolean: _out.Write((bool)value); return;
            case TypeCode.Char: _out.Write((char)value); return;
            case TypeCode.SByte: _out.Write((sbyte)value); return;
            case TypeCode.Byte: _out.Write((byte)value); return;
            case TypeCode.Int16: _out.Write((short)value); return;
            case TypeCode.UInt16: _out.Write((ushort)value); return;
            case TypeCode.Int32: _out.Write((int)value); return;
            case TypeCode.UInt32: _out.Write((uint)value); return;
            case TypeCode.Int64: _out.Write((long)value); return;
            case TypeCode.UInt64: _out.Write((ulong)value); return;
            case TypeCode.Single: _out.Write((float)value); return;
            case TypeCode.Double: _out.Write((double)value); return;
            case TypeCode.Decimal: _out.Write((decimal)value); return;
        }

        if (type == typeof(IntPtr) || type == typeof(UIntPtr) || type.IsPointer)
        {
            throw Refuse($"holds a native handle ({type.Name}), which means nothing in another process. Keep handles in game objects that the SaveResolver names.");
        }

        TypeId(type);
        object? owner = _owner;
        string field = _field;
        foreach (FieldInfo f in FieldsOf(type))
        {
            _field = field + "." + f.Name;
            WriteValue(f.FieldType, f.GetValue(value));
        }

        _field = field;
        _owner = owner;
    }

    private InvalidOperationException Refuse(string what) =>
        new($"Loop '{_loop.Name}' cannot be saved: {Describe(_owner)} (field '{_field}') {what}");

    internal static string Describe(object? owner) => owner switch
    {
        null => "a tracked root",
        EventLoop => "the loop",
        LoopNode node => node.Describe(),
        _ when CopyPlan.IsCompilerGenerated(owner.GetType()) && owner.GetType().GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, null, Type.EmptyTypes, null) is not null
            => $"coroutine '{Names.Full(owner.GetType())}'",
        _ when CopyPlan.IsCompilerGenerated(owner.GetType()) => $"a closure of '{Names.Full(owner.GetType())}'",
        _ => $"a {Names.Full(owner.GetType())}",
    };
}
