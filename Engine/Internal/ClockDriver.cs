namespace YieldLoop.Internal;

/// <summary>
/// A <see cref="GameClock"/>'s one node in the loop's timer wheel, at the real time of the clock's earliest local
/// wake-up. When the loop's wheel fires it, the clock queues its own due tasks in place (<see cref="GameClock.FireDue"/>)
/// instead of the node being queued; it is never in the ready queue and never cancelled from outside.
/// </summary>
internal sealed class ClockDriver : LoopNode
{
    internal ClockDriver(EventLoop loop, GameClock clock)
        : base(loop, "clock", StateBits.KindWatcher | StateBits.ClockDriver)
    {
        Clock = clock;
    }

    internal GameClock Clock { get; }

    internal override string Describe() => $"driver of clock '{Clock.Name}'";
}
