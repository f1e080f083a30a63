using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace YieldLoop.Internal;

/// <summary>Readable names for coroutines, derived from the compiler-generated iterator types.</summary>
internal static class Names
{
    private static readonly ConcurrentDictionary<Type, (string Short, string Full)> s_cache = new();

    internal static string OfTask(LoopNode task) => task._frame switch
    {
        string name => name,
        Type type => Short(type),
        FrameStack stack => stack.Name ?? (stack.Frames[0] is { } root ? Short(root.GetType()) : "coroutine"),
        IEnumerator<IAwaitable> it => Short(it.GetType()),
        Delegate d => OfDelegate(d),
        _ => "task",
    };

    /// <summary>The method name of a coroutine iterator type, for example <c>Paint</c>.</summary>
    internal static string Short(Type type) => Get(type).Short;

    /// <summary>The qualified method name, for example <c>Demos.Painter.Paint</c>.</summary>
    internal static string Full(Type type) => Get(type).Full;

    /// <summary>What a finished task keeps instead of its frames: its given name or its root iterator type.</summary>
    internal static object Keep(LoopNode task) => task._frame switch
    {
        FrameStack stack => (object?)stack.Name ?? stack.Frames[0]?.GetType() ?? (object)"coroutine",
        IEnumerator<IAwaitable> it => it.GetType(),
        Delegate d => OfDelegate(d),
        { } other => other,
        null => "task",
    };

    private static (string Short, string Full) Get(Type type) => s_cache.GetOrAdd(type, Compute);

    /// <summary>
    /// The name a user wrote for a compiler-generated method name: <c>Worker</c> for a local function
    /// (<c>&lt;Main&gt;g__Worker|0_0</c>, also in a top-level program: <c>&lt;&lt;Main&gt;$&gt;g__Worker|0_0</c>),
    /// <c>lambda in Main</c> for a lambda (<c>&lt;Main&gt;b__0_0</c>); any other name as it is.
    /// </summary>
    internal static string OfMethod(string name)
    {
        if (name.Length == 0 || name[0] != '<')
        {
            return name;
        }

        int local = name.LastIndexOf(">g__", StringComparison.Ordinal);
        if (local >= 0)
        {
            int bar = name.IndexOf('|', local);
            return bar > local + 4 ? name.Substring(local + 4, bar - local - 4) : name;
        }

        int lambda = name.LastIndexOf(">b__", StringComparison.Ordinal);
        if (lambda > 0)
        {
            return "lambda in " + Enclosing(name.Substring(0, lambda + 1));
        }

        return name;
    }

    /// <summary>The enclosing member of <c>&lt;Main&gt;</c> or <c>&lt;&lt;Main&gt;$&gt;</c>: <c>Main</c>.</summary>
    private static string Enclosing(string bracketed)
    {
        string inner = bracketed;
        while (inner.Length > 2 && inner[0] == '<' && inner[inner.Length - 1] == '>')
        {
            inner = inner.Substring(1, inner.Length - 2);
        }

        return inner.EndsWith(">$", StringComparison.Ordinal) ? Enclosing(inner.Substring(0, inner.Length - 1)) : inner;
    }

    /// <summary>A delegate's readable name (see <see cref="OfMethod"/>), cached per method so that reading it again
    /// allocates nothing.</summary>
    internal static string OfDelegate(Delegate d) => s_methods.GetOrAdd(d.Method, static m => OfMethod(m.Name));

    private static readonly ConcurrentDictionary<System.Reflection.MethodInfo, string> s_methods = new();

    /// <summary>The user's type that owns a compiler-generated one: closure and display classes (<c>&lt;&gt;c</c>,
    /// <c>&lt;&gt;c__DisplayClass0_0</c>) and iterator classes belong to the type the user wrote.</summary>
    internal static Type? UserOwner(Type type)
    {
        Type? owner = type.DeclaringType;
        while (owner is not null && owner.Name.Length > 0 && owner.Name[0] == '<' && owner.DeclaringType is not null)
        {
            owner = owner.DeclaringType;
        }

        return owner;
    }

    private static (string Short, string Full) Compute(Type type)
    {
        string name = type.Name;
        string method = name;
        if (name.Length > 0 && name[0] == '<')
        {
            // <Paint>d__3 for a method; <<Main>g__Paint|0_0>d for a local function (in a display class
            // <>c__DisplayClass0_0 when it captures variables that a lambda captures too).
            int end = name.LastIndexOf(">d", StringComparison.Ordinal);
            string inner = end > 1 ? name.Substring(1, end - 1) : name;
            method = inner.Length > 0 && inner[0] == '<' ? OfMethod(inner) : inner;

            Type? owner = UserOwner(type);
            string prefix = owner is null ? string.Empty : (owner.FullName ?? owner.Name).Replace('+', '.') + ".";
            return (method, prefix + method);
        }

        int tick = name.IndexOf('`');
        if (tick > 0)
        {
            method = name.Substring(0, tick);
        }

        return (method, (type.FullName ?? type.Name).Replace('+', '.'));
    }
}

/// <summary>What a task's <c>ToString</c> says, shared by <see cref="LoopTask"/> and <see cref="LoopTask{T}"/>.</summary>
internal static class TaskText
{
    internal static string Describe(Future task, string name)
    {
        string what = task.IsCompleted ? string.Empty : EventLoop.DescribeWait(task);
        return what.Length == 0 ? $"LoopTask '{name}' ({task.State})" : $"LoopTask '{name}' ({task.State}, {what})";
    }

    /// <summary>The innermost running iterator of a task, or null when it has no coroutine frames.</summary>
    internal static IEnumerator<IAwaitable>? TopFrame(LoopNode task) => task._frame switch
    {
        FrameStack stack => stack.Count > 0 ? stack.Frames[stack.Count - 1] : null,
        IEnumerator<IAwaitable> it => it,
        _ => null,
    };
}
