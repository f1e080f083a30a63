#if !NET9_0_OR_GREATER
namespace System.Runtime.CompilerServices;

/// <summary>
/// The compiler's overload tie-breaker (C# 13), declared here for targets whose runtime library lacks it; the compiler
/// recognises it by name. The combinators use it: <c>Co.WhenAll(taskOfInt, taskOfInt)</c> would otherwise be ambiguous
/// between the <see cref="YieldLoop.Future"/> and the <see cref="YieldLoop.IFuture{T}"/> overloads (a
/// <see cref="YieldLoop.LoopTask{T}"/> converts to both, and neither to the other), and <c>Co.WhenAll()</c> between the
/// future and the coroutine overloads. Priorities: typed futures 2, futures 1, coroutines 0.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
internal sealed class OverloadResolutionPriorityAttribute : Attribute
{
    public OverloadResolutionPriorityAttribute(int priority)
    {
        Priority = priority;
    }

    public int Priority { get; }
}
#endif
