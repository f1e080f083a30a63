using System;
using System.Threading;

namespace YieldLoop.Benchmarks.Workloads;

/// <summary>
/// The minimal single-threaded <see cref="SynchronizationContext"/> the <c>async</c> baselines run on: posted
/// callbacks go into a FIFO queue that <see cref="RunOnce"/> drains on the owning thread, like a tick.
/// </summary>
/// <remarks>
/// Built to be as cheap as the engine's own ready queue, so the comparison is about the machinery of
/// <c>async</c>/<c>await</c>, not about a slow queue: two arrays of (callback, state) structs swapped per pass, no
/// lock and no allocation once warm. It is single-threaded on purpose (the baselines never post from another
/// thread); a post from another thread throws instead of corrupting the queue.
/// </remarks>
internal sealed class SingleThreadSynchronizationContext : SynchronizationContext
{
    private readonly int _threadId = Environment.CurrentManagedThreadId;
    private WorkItem[] _queue = new WorkItem[256];
    private WorkItem[] _spare = new WorkItem[256];
    private int _count;

    /// <summary>Gets how many callbacks wait for the next <see cref="RunOnce"/>.</summary>
    internal int Pending => _count;

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (Environment.CurrentManagedThreadId != _threadId)
        {
            throw new InvalidOperationException("This benchmark context is single-threaded; nothing posts to it from another thread.");
        }

        if (_count == _queue.Length)
        {
            Array.Resize(ref _queue, _count * 2);
        }

        _queue[_count++] = new WorkItem(d, state);
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("The benchmark context only supports Post.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs the callbacks queued before this call (those they post run in the next pass).</summary>
    /// <returns>How many callbacks ran.</returns>
    internal int RunOnce()
    {
        WorkItem[] run = _queue;
        int count = _count;
        _queue = _spare;
        _spare = run;
        _count = 0;
        for (int i = 0; i < count; i++)
        {
            run[i].Callback(run[i].State);
        }

        Array.Clear(run, 0, count);
        return count;
    }

    private readonly struct WorkItem
    {
        internal WorkItem(SendOrPostCallback callback, object? state)
        {
            Callback = callback;
            State = state;
        }

        internal SendOrPostCallback Callback { get; }

        internal object? State { get; }
    }
}
