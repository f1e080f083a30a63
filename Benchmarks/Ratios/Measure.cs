using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// How the ratios mode measures: variants of one workload run side by side in this process, in interleaved
/// repetitions (the order alternates), after a warm-up long enough for tier-1 code, and each figure is the median
/// of the measured repetitions.
/// </summary>
internal static class Measure
{
    /// <summary>Repetitions that count (the median is taken over these); issue 3 asks for at least 5.</summary>
    internal const int Repetitions = 7;

    /// <summary>
    /// Warm-up repetitions, at least. Tiered compilation promotes a method to tier 1 after 30 calls and a quiet
    /// period of 100 ms without new tier-0 code, with dynamic PGO data gathered at tier 0; each repetition calls the
    /// per-tick methods about a hundred times, so three repetitions plus <see cref="MinimumWarmUp"/> get every
    /// variant onto tier-1 code before anything is recorded.
    /// </summary>
    internal const int WarmUpRepetitions = 3;

    /// <summary>Gets or sets whether every repetition's figures are printed (<c>--verbose</c>).</summary>
    internal static bool Verbose { get; set; }

    /// <summary>The least time spent warming up each workload.</summary>
    internal static readonly TimeSpan MinimumWarmUp = TimeSpan.FromSeconds(2);

    /// <summary>Runs the variants interleaved and returns, per variant, the measured samples.</summary>
    /// <param name="variants">Each runs one repetition and returns its figures.</param>
    internal static List<Sample>[] Interleaved(params Func<Sample>[] variants) =>
        Interleaved(WarmUpRepetitions, Repetitions, variants);

    /// <summary>Runs the variants interleaved with the given counts: for a peer whose one repetition takes many
    /// seconds (the median of fewer repetitions, said so in the report).</summary>
    internal static List<Sample>[] Interleaved(int warmUpRepetitions, int repetitions, params Func<Sample>[] variants)
    {
        var results = new List<Sample>[variants.Length];
        for (int v = 0; v < variants.Length; v++)
        {
            results[v] = new List<Sample>(repetitions);
        }

        long start = Stopwatch.GetTimestamp();
        int round = 0;
        int warmUps = 0;
        while (true)
        {
            bool warmingUp = warmUps < warmUpRepetitions || Stopwatch.GetElapsedTime(start) < MinimumWarmUp;
            if (!warmingUp && results[0].Count >= repetitions)
            {
                break;
            }

            for (int k = 0; k < variants.Length; k++)
            {
                // Alternate the order so that no variant always runs right after the same neighbour.
                int v = round % 2 == 0 ? k : variants.Length - 1 - k;
                Settle();
                Sample sample = variants[v]();
                if (Verbose)
                {
                    Console.Error.WriteLine(FormattableString.Invariant(
                        $"  round {round}{(warmingUp ? " (warm-up)" : string.Empty)}, variant {v}: {sample.Nanoseconds:F2} ns, {sample.Bytes:F3} bytes"));
                }

                if (!warmingUp)
                {
                    results[v].Add(sample);
                }
            }

            if (warmingUp)
            {
                warmUps++;
            }

            round++;
        }

        return results;
    }

    /// <summary>Collects garbage left by earlier repetitions, so that no variant pays for another's garbage.</summary>
    internal static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    internal static double MedianNanoseconds(List<Sample> samples) => Median(samples, s => s.Nanoseconds);

    internal static double MedianBytes(List<Sample> samples) => Median(samples, s => s.Bytes);

    internal static double Median(List<Sample> samples, Func<Sample, double> pick)
    {
        var values = new double[samples.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = pick(samples[i]);
        }

        Array.Sort(values);
        int mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /// <summary>
    /// Whether a bytes-per-unit figure meets a "0 bytes" target. <see cref="GC.GetAllocatedBytesForCurrentThread"/>
    /// is exact, so the only slack is for figures that are not whole allocations per unit: less than one byte per
    /// hundred units (a one-off array of a few kilobytes over a million resumes), reported with two decimals anyway.
    /// </summary>
    internal static bool IsZeroBytes(double bytesPerUnit) => Math.Abs(bytesPerUnit) < 0.01;

    /// <summary>Elapsed nanoseconds between two <see cref="Stopwatch.GetTimestamp"/> readings.</summary>
    internal static double Nanoseconds(long from, long to) => (to - from) * (1e9 / Stopwatch.Frequency);

    /// <summary>
    /// Heap bytes per object of whatever <paramref name="create"/> makes, from <see cref="GC.GetTotalMemory"/>
    /// deltas over <paramref name="count"/> live objects (the holding array is allocated before the first reading).
    /// </summary>
    internal static double HeapBytesPerObject(int count, Func<int, object> create)
    {
        var keep = new object[count];
        long before = GC.GetTotalMemory(true);
        for (int i = 0; i < count; i++)
        {
            keep[i] = create(i);
        }

        long after = GC.GetTotalMemory(true);
        GC.KeepAlive(keep);
        return (after - before) / (double)count;
    }
}
