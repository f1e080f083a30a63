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
        Delegate d => d.Method.Name,
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
        Delegate d => d.Method.Name,
        { } other => other,
        null => "task",
    };

    private static (string Short, string Full) Get(Type type) => s_cache.GetOrAdd(type, Compute);

    private static (string Short, string Full) Compute(Type type)
    {
        string name = type.Name;
        string method = name;
        if (name.Length > 0 && name[0] == '<')
        {
            // <Paint>d__3 for a method; <<Main>g__Paint|0_0>d for a local function.
            int localStart = name.IndexOf(">g__", StringComparison.Ordinal);
            if (localStart >= 0)
            {
                int end = name.IndexOf('|', localStart);
                method = end > localStart ? name.Substring(localStart + 4, end - localStart - 4) : name;
            }
            else
            {
                int end = name.IndexOf('>', 1);
                method = end > 1 ? name.Substring(1, end - 1) : name;
            }

            Type? owner = type.DeclaringType;
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
