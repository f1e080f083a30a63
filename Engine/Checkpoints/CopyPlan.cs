using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using YieldLoop.Internal;

namespace YieldLoop.Checkpoints;

/// <summary>What a checkpoint does with an object it reaches (see <see cref="CopyPlan"/>).</summary>
internal enum PlanKind
{
    /// <summary>Not the loop's: the reference is kept, the object is neither copied nor walked (a game object, a string).</summary>
    Opaque,

    /// <summary>Copied field by field into a spare instance and walked: engine objects, iterators, closures, collections.</summary>
    Fields,

    /// <summary>An array: copied element by element and walked.</summary>
    Array,

    /// <summary>A game object that rewinds itself (<see cref="IRewindable"/>).</summary>
    Rewindable,

    /// <summary>A delegate: immutable itself, its target (a closure) is walked.</summary>
    Delegate,

    /// <summary>A weak reference to one of the loop's objects: its target is walked while alive.</summary>
    Weak,

    /// <summary>An exception: what the engine keeps in its <c>Data</c> (reported mark, coroutine trace, suppressed
    /// failures) is rewound; the rest of the exception is the game's.</summary>
    Exception,
}

/// <summary>
/// How one type is captured and restored: compiled once per type (a dynamic method that copies every instance field
/// from one instance to another and reports the references it copied), then shared by every checkpoint and thread.
/// </summary>
/// <remarks>
/// <para><b>Which types are the loop's.</b> Types of the engine's assembly (except those marked
/// <see cref="NotRewoundAttribute"/>: caches, diagnostics), compiler-generated types of any assembly (iterator state
/// machines and closures: the coroutines themselves), arrays and the collections of System.Collections.Generic that such
/// objects hold. Anything else is the game's: a checkpoint keeps the reference and leaves the object alone, unless it
/// implements <see cref="IRewindable"/>.</para>
/// <para><b>Why compiled.</b> Reflection per field (<c>FieldInfo.GetValue</c>) boxes every value and costs hundreds of
/// nanoseconds per field; rollback checkpoints every frame. A dynamic method copies a field with one load and one store,
/// the readonly ones too (the copy puts back the value the constructor wrote). Where the runtime cannot compile code
/// (IL2CPP, the .NET AOT compilers) the plan falls back to reflection: correct, slower.</para>
/// </remarks>
[NotRewound]
internal sealed class CopyPlan
{
    private static readonly ConcurrentDictionary<Type, CopyPlan> s_plans = new();
    private static readonly MethodInfo s_visit = typeof(CheckpointWalk).GetMethod(nameof(CheckpointWalk.Visit), BindingFlags.Instance | BindingFlags.NonPublic)!;

    internal static readonly CopyPlan Opaque = new(typeof(object), PlanKind.Opaque);

    private CopyPlan(Type type, PlanKind kind)
    {
        Type = type;
        Kind = kind;
    }

    internal Type Type { get; }

    internal PlanKind Kind { get; }

    /// <summary>Copies the fields of the first object into the second and visits the references it copied (capture).</summary>
    internal Action<object, object, CheckpointWalk>? CopyAndVisit { get; private set; }

    /// <summary>Copies the fields of the first object into the second (restore).</summary>
    internal Action<object, object>? Copy { get; private set; }

    /// <summary>For an array of structs that hold references: visits the references of every element.</summary>
    internal Action<Array, CheckpointWalk>? VisitElements { get; private set; }

    /// <summary>For a weak reference: reads its target, or null.</summary>
    internal Func<object, object?>? WeakTarget { get; private set; }

#pragma warning disable CA2263 // the generic overload is missing on netstandard2.1
    private static Func<object, object?> CompileWeakTarget(Type weakType) =>
        (Func<object, object?>)typeof(CopyPlan).GetMethod(nameof(TargetOf), BindingFlags.Static | BindingFlags.NonPublic)!
            .MakeGenericMethod(weakType.GetGenericArguments()[0])
            .CreateDelegate(typeof(Func<object, object?>));
#pragma warning restore CA2263

    private static object? TargetOf<T>(object weak)
        where T : class => ((WeakReference<T>)weak).TryGetTarget(out T? target) ? target : null;

    /// <summary>For an array: whether its elements are references to visit one by one.</summary>
    internal bool ReferenceElements { get; private set; }

    /// <summary>Whether the type is one of the engine's pooled one-shot waits (<see cref="IPooledWait"/>).</summary>
    internal bool Pooled { get; private set; }

    /// <summary>Whether the type is a scheduling node (its loop is checked: another loop's node cannot be rewound).</summary>
    internal bool Node { get; private set; }

    /// <summary>The fields a save writes, in a fixed order (declared type first, then base types).</summary>
    internal FieldInfo[] Fields { get; private set; } = System.Array.Empty<FieldInfo>();

    internal static CopyPlan For(Type type) => s_plans.TryGetValue(type, out CopyPlan? plan) ? plan : s_plans.GetOrAdd(type, Build);

    /// <summary>The plan of the loop object itself: its fields, less the ones marked <see cref="NotRewoundAttribute"/>.</summary>
    internal static readonly CopyPlan Loop = BuildFields(typeof(EventLoop));

    private static CopyPlan Build(Type type)
    {
        if (type.IsArray)
        {
            Type element = type.GetElementType()!;
            if (type.GetArrayRank() != 1 || type != element.MakeArrayType())
            {
                // Multi-dimensional and non-zero-based arrays: not walked (documented limit).
                return Opaque;
            }

            // Every other array the walk reaches is held by one of the loop's objects (an iterator's local, a queue's
            // storage), so its contents are part of the state: copied, and walked when they may hold references.
            var plan = new CopyPlan(type, PlanKind.Array) { ReferenceElements = !element.IsValueType && MayHoldLoopState(element) };
            if (element.IsValueType && HoldsReferences(element))
            {
                plan.VisitElements = CompileElementVisitor(type, element);
            }

            return plan;
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return new CopyPlan(type, PlanKind.Delegate);
        }

        if (typeof(Exception).IsAssignableFrom(type))
        {
            return new CopyPlan(type, PlanKind.Exception);
        }

        if (IsWeakToLoopish(type))
        {
            // A game clock's children: the child is the loop's while someone holds it.
            return new CopyPlan(type, PlanKind.Weak) { Fields = System.Array.Empty<FieldInfo>(), WeakTarget = CompileWeakTarget(type) };
        }

        if (typeof(IRewindable).IsAssignableFrom(type))
        {
            return new CopyPlan(type, PlanKind.Rewindable);
        }

        if (type == typeof(EventLoop) || !IsLoopish(type) || type.IsValueType || type.IsDefined(typeof(NotRewoundAttribute), true))
        {
            return Opaque;
        }

        return BuildFields(type);
    }

    /// <summary>Whether objects of <paramref name="type"/> belong to the loop's state (see the remarks on the class).</summary>
    internal static bool IsLoopish(Type type)
    {
        if (type.Assembly == typeof(EventLoop).Assembly)
        {
            return true;
        }

        if (IsCompilerGenerated(type))
        {
            return true;
        }

        if (type.IsGenericType && type.Assembly == typeof(List<>).Assembly || type.IsGenericType && type.Namespace == "System.Collections.Generic")
        {
            Type definition = type.GetGenericTypeDefinition();
            return definition == typeof(List<>) || definition == typeof(Queue<>) || definition == typeof(Stack<>)
                || definition == typeof(HashSet<>) || definition == typeof(Dictionary<,>) || definition == typeof(LinkedList<>)
                || definition == typeof(LinkedListNode<>) || definition == typeof(StrongBox<>);
        }

        return false;
    }

    /// <summary>Whether the compiler made the type: an iterator's state machine or a closure (display class).</summary>
    internal static bool IsCompilerGenerated(Type type)
    {
        for (Type? t = type; t is not null; t = t.DeclaringType)
        {
            if (t.IsDefined(typeof(CompilerGeneratedAttribute), false) && t.Name.Contains('<'))
            {
                return true;
            }
        }

        return false;
    }

    private static CopyPlan BuildFields(Type type)
    {
        var fields = new List<FieldInfo>();
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (!f.IsDefined(typeof(NotRewoundAttribute), false))
                {
                    fields.Add(f);
                }
            }
        }

        var plan = new CopyPlan(type, PlanKind.Fields)
        {
            Fields = fields.ToArray(),
            Pooled = typeof(IPooledWait).IsAssignableFrom(type),
            Node = typeof(LoopNode).IsAssignableFrom(type),
        };
        if (CanCompile)
        {
            try
            {
                plan.CopyAndVisit = (Action<object, object, CheckpointWalk>)CompileCopy(type, plan.Fields, visit: true)
                    .CreateDelegate(typeof(Action<object, object, CheckpointWalk>));
                plan.Copy = (Action<object, object>)CompileCopy(type, plan.Fields, visit: false)
                    .CreateDelegate(typeof(Action<object, object>));
                return plan;
            }
            catch (PlatformNotSupportedException)
            {
                s_cannotCompile = true;
            }
            catch (NotSupportedException)
            {
                s_cannotCompile = true;
            }
        }

        FieldInfo[] all = plan.Fields;
        plan.Copy = (from, to) =>
        {
            foreach (FieldInfo f in all)
            {
                f.SetValue(to, f.GetValue(from));
            }
        };
        plan.CopyAndVisit = (from, to, walk) =>
        {
            foreach (FieldInfo f in all)
            {
                object? value = f.GetValue(from);
                f.SetValue(to, value);
                walk.VisitBoxed(value, f.FieldType);
            }
        };
        return plan;
    }

    private static bool s_cannotCompile;

    private static bool CanCompile =>
#if NETSTANDARD2_1
        !s_cannotCompile;
#else
        !s_cannotCompile && RuntimeFeature.IsDynamicCodeCompiled;
#endif

    private static bool IsWeakToLoopish(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(WeakReference<>) && IsLoopish(type.GetGenericArguments()[0]);

    /// <summary>Whether a field of this declared type can hold something a checkpoint must walk.</summary>
    internal static bool MayHoldLoopState(Type declared)
    {
        if (declared.IsValueType)
        {
            return HoldsReferences(declared);
        }

        if (declared == typeof(string) || declared == typeof(Type))
        {
            return false;
        }

        // A sealed game type (not rewindable) can hold nothing of the loop's; anything else might (a base class, an
        // interface or object may hold an iterator or a future).
        return !(declared.IsSealed && !declared.IsArray && !IsLoopish(declared) && !typeof(IRewindable).IsAssignableFrom(declared)
                 && !typeof(Delegate).IsAssignableFrom(declared) && !IsWeakToLoopish(declared));
    }

    private static bool HoldsReferences(Type valueType)
    {
        if (valueType.IsPrimitive || valueType.IsEnum || valueType.IsPointer)
        {
            return false;
        }

        foreach (FieldInfo f in valueType.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (f.FieldType.IsValueType ? f.FieldType != valueType && HoldsReferences(f.FieldType) : MayHoldLoopState(f.FieldType))
            {
                return true;
            }
        }

        return false;
    }

    private static DynamicMethod CompileCopy(Type type, FieldInfo[] fields, bool visit)
    {
        Type[] parameters = visit ? new[] { typeof(object), typeof(object), typeof(CheckpointWalk) } : new[] { typeof(object), typeof(object) };
        var method = new DynamicMethod("Checkpoint_" + (visit ? "Capture_" : "Restore_") + type.Name, null, parameters, typeof(CopyPlan).Module, skipVisibility: true);
        ILGenerator il = method.GetILGenerator();
        LocalBuilder from = il.DeclareLocal(type);
        LocalBuilder to = il.DeclareLocal(type);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Castclass, type);
        il.Emit(OpCodes.Stloc, from);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Castclass, type);
        il.Emit(OpCodes.Stloc, to);
        foreach (FieldInfo f in fields)
        {
            il.Emit(OpCodes.Ldloc, to);
            il.Emit(OpCodes.Ldloc, from);
            il.Emit(OpCodes.Ldfld, f);
            il.Emit(OpCodes.Stfld, f);
        }

        if (visit)
        {
            foreach (FieldInfo f in fields)
            {
                EmitVisits(il, OpCodes.Ldarg_2, f, path => { il.Emit(OpCodes.Ldloc, from); path(); }, new List<FieldInfo>());
            }
        }

        il.Emit(OpCodes.Ret);
        return method;
    }

    // Emits, for field f reached by loadOwner (which leaves the owning object or struct address on the stack), a call
    // walk.Visit(value) for every reference in it (recursing into struct fields).
    private static void EmitVisits(ILGenerator il, OpCode loadWalk, FieldInfo f, Action<Action> loadOwner, List<FieldInfo> path)
    {
        if (!MayHoldLoopState(f.FieldType))
        {
            return;
        }

        path.Add(f);
        if (f.FieldType.IsValueType)
        {
            foreach (FieldInfo inner in f.FieldType.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (inner.FieldType != f.FieldType && path.Count < 8)
                {
                    EmitVisits(il, loadWalk, inner, loadOwner, path);
                }
            }
        }
        else
        {
            FieldInfo[] steps = path.ToArray();
            il.Emit(loadWalk);
            loadOwner(() =>
            {
                for (int i = 0; i < steps.Length; i++)
                {
                    il.Emit(i < steps.Length - 1 ? OpCodes.Ldflda : OpCodes.Ldfld, steps[i]);
                }
            });
            il.Emit(OpCodes.Call, s_visit);
        }

        path.RemoveAt(path.Count - 1);
    }

    private static Action<Array, CheckpointWalk> CompileElementVisitor(Type arrayType, Type element)
    {
        if (!CanCompile)
        {
            FieldInfo[] fields = element.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            return (array, walk) =>
            {
                foreach (object? item in array)
                {
                    foreach (FieldInfo f in fields)
                    {
                        walk.VisitBoxed(f.GetValue(item), f.FieldType);
                    }
                }
            };
        }

        var method = new DynamicMethod("Checkpoint_Elements_" + element.Name, null, new[] { typeof(Array), typeof(CheckpointWalk) }, typeof(CopyPlan).Module, skipVisibility: true);
        ILGenerator il = method.GetILGenerator();
        LocalBuilder array = il.DeclareLocal(arrayType);
        LocalBuilder i = il.DeclareLocal(typeof(int));
        Label check = il.DefineLabel();
        Label body = il.DefineLabel();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Castclass, arrayType);
        il.Emit(OpCodes.Stloc, array);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Stloc, i);
        il.Emit(OpCodes.Br, check);
        il.MarkLabel(body);
        foreach (FieldInfo f in element.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            EmitVisits(il, OpCodes.Ldarg_1, f, steps =>
            {
                il.Emit(OpCodes.Ldloc, array);
                il.Emit(OpCodes.Ldloc, i);
                il.Emit(OpCodes.Ldelema, element);
                steps();
            }, new List<FieldInfo>());
        }

        il.Emit(OpCodes.Ldloc, i);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, i);
        il.MarkLabel(check);
        il.Emit(OpCodes.Ldloc, i);
        il.Emit(OpCodes.Ldloc, array);
        il.Emit(OpCodes.Ldlen);
        il.Emit(OpCodes.Conv_I4);
        il.Emit(OpCodes.Blt, body);
        il.Emit(OpCodes.Ret);
        return (Action<Array, CheckpointWalk>)method.CreateDelegate(typeof(Action<Array, CheckpointWalk>));
    }

    /// <summary>A new, empty instance to copy a live object into (no constructor runs).</summary>
    internal object NewSpare(object live)
    {
        if (Kind == PlanKind.Array)
        {
            var array = (Array)live;
            return System.Array.CreateInstance(Type.GetElementType()!, array.Length);
        }

#if NETSTANDARD2_1
        return System.Runtime.Serialization.FormatterServices.GetUninitializedObject(Type);
#else
        return RuntimeHelpers.GetUninitializedObject(Type);
#endif
    }
}
