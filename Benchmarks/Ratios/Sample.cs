namespace YieldLoop.Benchmarks.Ratios;

/// <summary>One repetition of one variant: nanoseconds and allocated bytes per unit of work (a resume, a call).</summary>
internal readonly struct Sample
{
    internal Sample(double nanoseconds, double bytes)
    {
        Nanoseconds = nanoseconds;
        Bytes = bytes;
    }

    internal double Nanoseconds { get; }

    internal double Bytes { get; }
}
