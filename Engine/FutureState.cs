namespace YieldLoop;

/// <summary>The state of a <see cref="Future"/>: pending, or completed in one of three ways.</summary>
public enum FutureState
{
    /// <summary>Not completed yet.</summary>
    Pending = 0,

    /// <summary>Completed with a result.</summary>
    Succeeded = 1,

    /// <summary>Completed with an exception.</summary>
    Faulted = 2,

    /// <summary>Completed by cancellation.</summary>
    Cancelled = 3,
}
