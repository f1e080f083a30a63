namespace YieldLoop.Internal;

/// <summary>One slot of the loop's ready queue (a struct, so storing it skips the array-covariance check).</summary>
internal struct ReadyEntry
{
    internal LoopNode Node;
}
