namespace YieldLoop.Internal;

/// <summary>
/// The FIFO queue of pending waits of one primitive. A wait that completed while queued (its task was cancelled, so
/// the cascade of R31 cancelled it, or someone cancelled the wait future itself) is dead: it is skipped when the
/// primitive grants, and swept out when the queue grows.
/// </summary>
/// <remarks>
/// <para>Why lazy removal: a wait future learns of its waiter's cancellation through
/// <see cref="Future.OnWaiterCancelled"/>, but nothing tells it that it was cancelled directly
/// (<see cref="Future.Cancel"/>). Skipping completed waits at grant time covers both cases with one rule, and keeps
/// granting strictly FIFO among the live ones.</para>
/// <para>Why the sweep: a primitive that is never granted (an event never set, a channel never written) would
/// otherwise keep every cancelled wait forever, for example a read retried with a timeout in a loop. Sweeping when
/// the raw count reaches twice the live count after the last sweep keeps memory proportional to the live waits at
/// amortized O(1) per wait.</para>
/// </remarks>
/// <typeparam name="TWait">The primitive's wait future type.</typeparam>
internal sealed class WaitQueue<TWait>
    where TWait : Future
{
    private const int MinSweep = 16;

    private readonly RingBuffer<TWait> _items = new();

    // The raw count at which the next Enqueue sweeps out dead waits first.
    private int _sweepAt = MinSweep;

    /// <summary>Gets the number of queued waits, dead ones included (call <see cref="Sweep"/> first for the live count).</summary>
    internal int RawCount => _items.Count;

    /// <summary>Gets whether a live wait is queued; drops dead waits from the front on the way.</summary>
    internal bool HasLive
    {
        get
        {
            while (_items.Count > 0 && _items.First.IsCompleted)
            {
                _items.RemoveFirst();
            }

            return _items.Count > 0;
        }
    }

    internal TWait this[int index] => _items[index];

    internal void Enqueue(TWait wait)
    {
        if (_items.Count >= _sweepAt)
        {
            int live = Sweep();
            _sweepAt = live * 2 > MinSweep ? live * 2 : MinSweep;
        }

        _items.AddLast(wait);
    }

    /// <summary>Takes the first live wait off the queue, or returns <see langword="null"/> when there is none.</summary>
    internal TWait? DequeueLive()
    {
        while (_items.Count > 0)
        {
            TWait wait = _items.RemoveFirst();
            if (!wait.IsCompleted)
            {
                return wait;
            }
        }

        return null;
    }

    /// <summary>Removes every dead wait, keeping the order of the live ones; returns how many are left.</summary>
    internal int Sweep()
    {
        int kept = 0;
        for (int i = 0; i < _items.Count; i++)
        {
            TWait wait = _items[i];
            if (!wait.IsCompleted)
            {
                _items[kept++] = wait;
            }
        }

        _items.Truncate(kept);
        return kept;
    }
}
