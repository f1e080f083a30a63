using System;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A reusable barrier: a fixed number of coroutines each call <see cref="SignalAndWait"/>, and all of them go on once
/// the last one has arrived; then the next phase begins.
/// </summary>
/// <remarks>
/// <para><b>Model.</b> A phase collects arrivals. The arrival that makes <see cref="Participants"/> live arrivals trips
/// the barrier: every earlier arrival is woken (they resume in the next tick, in arrival order), the last one continues
/// at once, <see cref="Phase"/> goes up by one and a new phase begins empty. Each arrival's future has its arrival
/// index within the phase: 0 for the first, <c>Participants - 1</c> for the one that tripped it.</para>
/// <para><b>Cancel safety.</b> An arrival whose waiter is cancelled (or whose future is cancelled directly) before
/// the barrier trips is withdrawn: it no longer counts, so the phase waits for another arrival instead of tripping
/// one participant short, and the indices given at the trip are the positions among the live arrivals (there are no
/// gaps and no duplicates). A waiter cancelled after the trip but before it resumed changes nothing: the phase is
/// over.</para>
/// <para>All members belong to the loop's thread.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CoBarrier
{
    private readonly EventLoop _loop;
    private readonly int _participants;

    // The arrivals of the current phase, in arrival order; dead ones (cancelled) are swept before counting.
    private readonly WaitQueue<Future<int>> _arrivals = new();

    private long _phase;

    /// <summary>Creates a barrier for <paramref name="participants"/> coroutines.</summary>
    /// <param name="loop">The loop whose coroutines use the barrier.</param>
    /// <param name="participants">How many arrivals trip the barrier (1 or more).</param>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="participants"/> is less than 1.</exception>
    public CoBarrier(EventLoop loop, int participants)
    {
        _loop = loop ?? throw new ArgumentNullException(nameof(loop));
        loop.ThrowIfClosed();
        if (participants < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(participants), participants, "A barrier needs at least one participant.");
        }

        _participants = participants;
    }

    /// <summary>Gets how many arrivals trip the barrier.</summary>
    public int Participants => _participants;

    /// <summary>Gets the number of the current phase: 0 at first, one more each time the barrier trips.</summary>
    public long Phase => _phase;

    /// <summary>Gets how many live arrivals the current phase has.</summary>
    public int ArrivedCount => _arrivals.Sweep();

    /// <summary>
    /// Arrives at the barrier and waits for the others. Yield the returned future; its result is this arrival's index
    /// within the phase.
    /// </summary>
    /// <returns>A future that completes when the phase is complete (already complete for the last arrival).</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Future<int> SignalAndWait()
    {
        _loop.CheckAccess();
        var arrival = new BarrierWait(_loop);
        int live = _arrivals.Sweep();
        if (live + 1 < _participants)
        {
            _arrivals.Enqueue(arrival);
            return arrival;
        }

        // Trip. Start the new phase before completing anything: a synchronous engine watcher that reacts to a
        // completion must already see the next phase.
        _phase++;
        var tripped = new Future<int>[live];
        for (int i = 0; i < live; i++)
        {
            tripped[i] = _arrivals.DequeueLive()!;
        }

        for (int i = 0; i < live; i++)
        {
            tripped[i].TrySetResult(i);
        }

        arrival.TrySetResult(live);
        return arrival;
    }

    /// <summary>Describes the barrier: phase and arrivals.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() => $"CoBarrier (phase {_phase}, {_arrivals.Sweep()}/{_participants} arrived)";

    /// <summary>One arrival; its own type only so a waiting task describes itself as "waiting on barrier".</summary>
    private sealed class BarrierWait : Future<int>
    {
        internal BarrierWait(EventLoop loop)
            : base(loop)
        {
        }

        internal override string Describe() => "barrier";
    }
}
