using System;
using System.Threading.Tasks;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>Sanity checks on the workloads themselves: a benchmark that did not do its work measures nothing.</summary>
internal static class Check
{
    internal static void Equal(long expected, long actual, string what)
    {
        if (expected != actual)
        {
            throw new InvalidOperationException($"{what}: expected {expected}, measured {actual}; the workload did not run as designed.");
        }
    }

    internal static void AtLeast(long least, long actual, string what)
    {
        if (actual < least)
        {
            throw new InvalidOperationException($"{what}: expected at least {least}, measured {actual}; the workload did not run as designed.");
        }
    }

    internal static void AllCompleted(Task[] tasks, string what)
    {
        foreach (Task task in tasks)
        {
            if (!task.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException($"{what}: an async method did not complete ({task.Status}); the baseline did not run as designed.");
            }
        }
    }
}
