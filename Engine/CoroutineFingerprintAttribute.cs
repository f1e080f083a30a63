using System;

namespace YieldLoop;

/// <summary>
/// The fingerprint of a coroutine's compiled body, recorded at build time for runtimes that cannot read IL at run time
/// (Unity's IL2CPP, native AOT). A save stores each coroutine's fingerprint and a load refuses a save whose coroutine
/// changed since; where the runtime can read the IL, the engine computes the fingerprint itself and this attribute is
/// not needed. See docs/checkpoints.md for how to generate it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class CoroutineFingerprintAttribute : Attribute
{
    /// <summary>Records <paramref name="fingerprint"/> for the iterator method it is placed on.</summary>
    /// <param name="fingerprint">The value printed by the fingerprint tool on a runtime that can read IL.</param>
    public CoroutineFingerprintAttribute(string fingerprint) => Fingerprint = fingerprint;

    /// <summary>Gets the recorded fingerprint.</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// Computes the fingerprint of an iterator method's compiled body, on a runtime that can read IL: run it at build
    /// time (a test or a build step) and put the value on the method with this attribute for an IL2CPP build.
    /// </summary>
    /// <param name="iteratorMethod">A method written with <c>yield return</c>.</param>
    /// <returns>The fingerprint a save records for the method's coroutine.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="iteratorMethod"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="iteratorMethod"/> is not an iterator method.</exception>
    /// <exception cref="NotSupportedException">The runtime cannot read IL.</exception>
    public static string Compute(System.Reflection.MethodInfo iteratorMethod)
    {
        if (iteratorMethod is null)
        {
            throw new ArgumentNullException(nameof(iteratorMethod));
        }

        Type stateMachine = (iteratorMethod.GetCustomAttributes(typeof(System.Runtime.CompilerServices.IteratorStateMachineAttribute), false) is { Length: > 0 } found
            ? ((System.Runtime.CompilerServices.IteratorStateMachineAttribute)found[0]).StateMachineType
            : null) ?? throw new ArgumentException($"'{iteratorMethod.Name}' is not an iterator method (it has no yield return).", nameof(iteratorMethod));
        string fingerprint = Checkpoints.Fingerprint.OfIL(stateMachine);
        return fingerprint.Length != 0
            ? fingerprint
            : throw new NotSupportedException("This runtime cannot read IL; compute fingerprints on desktop .NET.");
    }
}
