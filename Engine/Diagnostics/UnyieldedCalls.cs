using System;
using System.Collections.Generic;
using System.Threading;

namespace YieldLoop.Internal;

/// <summary>
/// Debug mode's check for never-started child coroutines: a <c>Co.Call(child)</c> made during a step
/// but not yielded by the end of that step never runs its child — the runtime form of the classic "coroutine called and
/// its result thrown away" bug. Reported at the end of that step, to the loop's unhandled-exception handler.
/// </summary>
/// <remarks>Costs one read of a static field per <c>Co.Call</c> while no debug-mode step runs anywhere in the process;
/// only threads inside a debug-mode step note their calls. A call deliberately kept and yielded in a later step is
/// reported too (do not do that: yield each call where it is made).</remarks>
internal static class UnyieldedCalls
{
    // How many threads are inside a debug-mode step now: zero keeps Co.Call on its fast path.
    internal static int s_active;

    // Each call with the version it had when noted: by the end of the step a yielded call may have gone back to the pool
    // and been handed out again, and that later rent is not this note's to report.
    [ThreadStatic]
    private static List<(Call Call, int Version)>? t_calls;

    [ThreadStatic]
    private static bool t_on;

    internal static void Note(Call call)
    {
        if (t_on)
        {
            (t_calls ??= new List<(Call, int)>()).Add((call, call._stamp.Version));
        }
    }

    internal static void Begin()
    {
        t_on = true;
        Interlocked.Increment(ref s_active);
    }

    /// <summary>Ends the step; returns the types of the children whose calls were never yielded, or null.</summary>
    internal static List<Type>? End()
    {
        t_on = false;
        Interlocked.Decrement(ref s_active);
        List<(Call Call, int Version)>? calls = t_calls;
        if (calls is null || calls.Count == 0)
        {
            return null;
        }

        List<Type>? unyielded = null;
        foreach ((Call call, int version) in calls)
        {
            // The loop clears _coroutine when it takes the call: still set, in the same rent, means it was never yielded.
            if (call._stamp.IsCurrent(version) && call._coroutine is { } child)
            {
                (unyielded ??= new List<Type>()).Add(child.GetType());
            }
        }

        calls.Clear();
        return unyielded;
    }
}
