using System;
using System.Collections.Generic;
using CsCheck;

namespace YieldLoop.Tests.Properties;

/// <summary>
/// Runs a CsCheck property deterministically: a fixed number of samples, each from a PCG seeded from a fixed base seed,
/// so a green run always checks the same inputs. When a sample fails, CsCheck's sampler is started from that sample's
/// seed to shrink it, and its exception (the minimal failing input, printed, and the seed to replay it) is thrown.
/// </summary>
/// <remarks>
/// Why not plain <c>Check.Sample(gen, assert, iter: n)</c>: CsCheck seeds every iteration but the first from the clock,
/// so the suite would check different inputs on every run. Here the passing run is reproducible, and only a failure
/// (which must be fixed anyway) uses CsCheck's randomised shrinking.
/// </remarks>
internal static class PropertyRunner
{
    /// <summary>Samples a fixed number of inputs and checks the property on each; on failure shrinks and throws.</summary>
    public static void Run<T>(Gen<T> gen, Action<T> property, int iterations, ulong seed, Func<T, string> print, long shrinkIterations = 50_000)
    {
        for (int i = 0; i < iterations; i++)
        {
            var pcg = new PCG(7u, seed + ((ulong)i * 0x9E3779B97F4A7C15UL));
            string sampleSeed = pcg.ToString();
            T sample = gen.Generate(pcg, null, out _);
            try
            {
                property(sample);
            }
            catch (Exception failure) when (failure is not CsCheckException)
            {
                // Shrink: CsCheck replays the failing seed first, then searches for smaller failing inputs.
                Check.Sample(gen, property, seed: sampleSeed, iter: shrinkIterations, threads: 1, print: print);
                throw new InvalidOperationException(
                    $"Sample {i} (seed {sampleSeed}) failed but did not fail again when replayed:\n{print(sample)}", failure);
            }
        }
    }

    /// <summary>Prints a list of operations one per line, numbered, for a readable counterexample.</summary>
    public static string Lines<TOp>(IReadOnlyList<TOp> ops)
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < ops.Count; i++)
        {
            text.Append("\n  ").Append(i).Append(": ").Append(ops[i]);
        }

        return text.ToString();
    }
}

/// <summary>
/// NUnit constraint checks for code run inside a property: like <c>Assert.That</c>, but a failure only throws (NUnit's
/// own <c>Assert.That</c> also records each failure in the test result, so every failing input tried while shrinking
/// would be listed). The failing message is NUnit's usual "Expected ... But was ...".
/// </summary>
internal static class Prop
{
    public static void That<T>(T actual, NUnit.Framework.Constraints.IResolveConstraint constraint, string message)
    {
        NUnit.Framework.Constraints.ConstraintResult result = constraint.Resolve().ApplyTo(actual);
        if (!result.IsSuccess)
        {
            var writer = new NUnit.Framework.Internal.TextMessageWriter(message);
            result.WriteMessageTo(writer);
            throw new PropertyFailedException(writer.ToString());
        }
    }
}

/// <summary>A property did not hold for a sample.</summary>
internal sealed class PropertyFailedException : Exception
{
    public PropertyFailedException(string message)
        : base(message)
    {
    }
}
