using System;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;

namespace YieldLoop.Internal;

/// <summary>
/// Where a task was started, recorded in debug mode only (<see cref="LoopDiagnostics.DebugMode"/>) and printed in its
/// coroutine trace as <c>   --- task 'name' started at Namespace.Type.Method() in path:line 17 ---</c>.
/// </summary>
/// <remarks>
/// <para>Kept in a side table keyed weakly by the task, so a task has no field for it (a task's size is on the hot
/// path; a start site is a debugging aid) and the entry goes away with the task.</para>
/// <para>The caller is the first frame of the start call's stack that is outside this assembly (<c>loop.Start</c>,
/// <c>Scope.Start</c>, a combinator, ...). The stack is captured without file information, which is what costs:
/// only the method and IL offset are kept, and <see cref="YieldLocator"/> maps them to a line when a trace is
/// printed, so a game that starts thousands of tasks a frame in debug mode pays a stack walk per start, not a
/// symbol lookup.</para>
/// </remarks>
[Serializable]
[Checkpoints.NotRewound]
internal sealed class StartSite
{
    private static readonly ConditionalWeakTable<Future, StartSite> s_sites = new();

    // Set once the first site is recorded: until then, building a trace does not even look in the table.
    private static volatile bool s_any;

    private readonly MethodBase? _method;
    private readonly int _ilOffset;
    private string? _text;

    private StartSite(MethodBase? method, int ilOffset)
    {
        _method = method;
        _ilOffset = ilOffset;
    }

    /// <summary>Records where <paramref name="task"/> is being started (debug mode; called by the loop's launch).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Record(Future task)
    {
        try
        {
            Assembly engine = typeof(StartSite).Assembly;
            var trace = new StackTrace(1, fNeedFileInfo: false);
            int count = trace.FrameCount;
            for (int i = 0; i < count; i++)
            {
                StackFrame? frame = trace.GetFrame(i);
                MethodBase? method = frame?.GetMethod();
                if (method?.DeclaringType is { } type && !type.Assembly.Equals(engine))
                {
                    s_sites.AddOrUpdate(task, new StartSite(method, frame!.GetILOffset()));
                    s_any = true;
                    return;
                }
            }
        }
#pragma warning disable CA1031 // A debugging aid must not make a start fail.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>The start site of <paramref name="task"/>, or null when it was not started in debug mode.</summary>
    internal static StartSite? Find(Future task) =>
        s_any && s_sites.TryGetValue(task, out StartSite? site) ? site : null;

    /// <summary>The caller, as a .NET stack trace prints a frame: <c>Namespace.Type.Method() in path:line 17</c>.</summary>
    public override string ToString()
    {
        string? text = Volatile.Read(ref _text);
        if (text is null)
        {
            text = Format();
            Volatile.Write(ref _text, text);
        }

        return text;
    }

    private string Format()
    {
        if (_method is null)
        {
            return "an unknown caller";
        }

        string name = Describe(_method);
        YieldLocator.SourceLocation? location = YieldLocator.Find(_method, _ilOffset);
        return location is null ? name : name + " in " + location;
    }

    /// <summary>
    /// A method's readable name: the coroutine for an iterator's (or async method's) <c>MoveNext</c>, the enclosing
    /// method for a lambda, the local function's own name, and the user's type rather than a closure class.
    /// </summary>
    private static string Describe(MethodBase method)
    {
        Type? type = method.DeclaringType;
        if (type is null)
        {
            return method.Name + "()";
        }

        if (method.Name == "MoveNext" && type.Name.StartsWith('<') && type.DeclaringType is not null)
        {
            return Names.Full(type) + "()";
        }

        string name = method.Name;
        if (name.StartsWith('<'))
        {
            // <Outer>g__Local|0_0 for a local function, <Outer>b__0_0 for a lambda.
            int local = name.IndexOf(">g__", StringComparison.Ordinal);
            int bar = local >= 0 ? name.IndexOf('|', local) : -1;
            int close = name.IndexOf('>', 1);
            name = bar > local && local >= 0 ? name.Substring(local + 4, bar - local - 4)
                : close > 1 ? name.Substring(1, close - 1)
                : name;
        }

        // Closure and display classes (<>c, <>c__DisplayClass0_0) belong to the user's type.
        while (type.Name.StartsWith('<') && type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        string typeName = type.FullName ?? type.Name;
        int arguments = typeName.IndexOf('[');   // a constructed generic type: drop the assembly-qualified arguments
        if (arguments > 0)
        {
            typeName = typeName.Substring(0, arguments);
        }

        return typeName.Replace('+', '.') + "." + name + "()";
    }
}
