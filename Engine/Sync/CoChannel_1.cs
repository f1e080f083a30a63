using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A FIFO queue of items between the coroutines of one loop, bounded or not, that producers complete when they are
/// done. Create one with <see cref="CoChannel.Bounded{T}"/> or <see cref="CoChannel.Unbounded{T}"/>.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <example>
/// Reading every item until the producers complete the channel is a plain loop:
/// <code>
/// while (true)
/// {
///     var more = ch.WaitToRead();
///     yield return more;
///     if (!more.Result)
///     {
///         break;   // completed and drained
///     }
///
///     while (ch.TryRead(out var order))
///     {
///         // ... handle order ...
///     }
/// }
/// </code>
/// A producer writes with <c>yield return ch.Write(item);</c> (it parks while a bounded channel is full) and ends with
/// <c>ch.Complete();</c>, or <c>ch.Complete(error)</c> to pass a failure on to the readers.
/// </example>
/// <remarks>
/// <para><b>Model.</b> The channel holds a buffer of items, a FIFO queue of parked readers, a FIFO queue of parked
/// writers (each with its item) and a queue of <see cref="WaitToRead"/> waits. Invariants: readers are parked only
/// while the buffer is empty; writers are parked only while the buffer is full; so a newcomer never overtakes a parked
/// coroutine. A write goes straight to the first live parked reader if there is one, else into the buffer (waking
/// every <see cref="WaitToRead"/> wait), else the writer parks. A read takes the first buffered item and lets the
/// first parked writer's item in behind the others (that writer resumes in the next tick). Every accepted item gets a
/// sequence number; the buffer is always in that order.</para>
/// <para><b>Completion.</b> After <see cref="Complete"/> writes throw (<see cref="TryWrite"/> returns
/// <see langword="false"/>) and parked writers fail with <see cref="InvalidOperationException"/> (their items were
/// not written). Readers drain what is left; then <see cref="Read"/> fails with the completion's error (the same
/// object) or, without one, with an <see cref="InvalidOperationException"/>; <see cref="WaitToRead"/> returns
/// <see langword="false"/>, or faults with the error.</para>
/// <para><b>Cancel safety</b> (each parked read, write and wait has a future of its own, so cancelling one never
/// cancels another, R31):</para>
/// <list type="bullet">
/// <item>A reader cancelled before it got an item leaves the queue; items go to the next live reader.</item>
/// <item>A reader cancelled after an item was delivered to it but before it resumed never saw the item: it goes to
/// the next live parked reader, or back into the buffer in its place, ahead of every item accepted after it. No
/// item is lost or read twice. (The buffer may then hold more than a bounded capacity for a while; writers stay parked
/// until it is below the capacity again.)</item>
/// <item>A writer cancelled while parked leaves the queue, and its item is not written. Once its item was accepted
/// (its future completed) the write has happened: a cancellation before the writer resumes does not take the item
/// back, because a reader may already have it. This is the rule of .NET's channels, where a completed write is
/// final.</item>
/// <item>A <see cref="WaitToRead"/> wait that is cancelled consumes nothing.</item>
/// <item>A parked future cancelled directly (<see cref="Future.Cancel"/>) is skipped like a cancelled waiter's.</item>
/// <item>An item delivered to something other than a parked task (a callback, a combinator) counts as read at once.
/// Do not park several tasks on one read future.</item>
/// </list>
/// <para><b>Known limit.</b> "Drained" means completed with an empty buffer. If the last item was delivered to a
/// reader that is then cancelled before it resumes, after another consumer already saw <see cref="WaitToRead"/>
/// return <see langword="false"/>, the item is back in the buffer (<see cref="TryRead"/> still gets it) but that
/// consumer has stopped looking.</para>
/// <para><b>Rejected.</b> Keeping a delivered item in the buffer until the reader resumes would need a hook when a
/// task resumes, which the engine does not have (and would cost every resume); taking an accepted write back when
/// its writer is cancelled would make "written" depend on whether a reader was faster.</para>
/// <para>All members belong to the loop's thread.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CoChannel<T>
{
    private readonly EventLoop _loop;

    // int.MaxValue for an unbounded channel.
    private readonly int _capacity;

    // Accepted items in sequence order. Invariant: non-empty => no live parked reader and no live WaitToRead wait.
    private readonly RingBuffer<Entry> _items = new();

    // Parked reads. Live ones exist only while _items is empty.
    private readonly WaitQueue<ReadWait> _readers = new();

    // Parked writes with their items. Live ones exist only while _items.Count >= _capacity.
    private readonly WaitQueue<WriteWait> _writers = new();

    // Parked WaitToRead calls: completed with true when an item arrives, false or the error at completion.
    private readonly WaitQueue<Future<bool>> _readWaits = new();

    // Shared completed futures, so writes that need no wait and WaitToRead with items allocate nothing.
    private readonly Future _written;
    private readonly Future<bool> _true;
    private readonly Future<bool> _false;

    // The sequence number of the next accepted item.
    private long _nextSeq;

    // Items accepted and not yet marked done with TaskDone (asyncio's unfinished tasks); Join waits for zero.
    private int _unfinished;

    // Join() futures waiting for _unfinished to reach zero; null while there are none. Cancelled ones are skipped.
    private List<Future>? _joiners;

    private bool _completed;
    private Exception? _error;

    internal CoChannel(EventLoop loop, int capacity)
    {
        loop.ThrowIfClosed();
        _loop = loop;
        _capacity = capacity;
        _written = new Future(loop);
        _written.TryComplete(FutureState.Succeeded, null);
        _true = new Future<bool>(loop);
        _true.TrySetResult(true);
        _false = new Future<bool>(loop);
        _false.TrySetResult(false);
    }

    /// <summary>Gets the number of items in the channel, ready to read.</summary>
    public int Count => _items.Count;

    /// <summary>Gets whether <see cref="Complete"/> was called (items may still be left to read).</summary>
    public bool IsCompleted => _completed;

    /// <summary>
    /// Gets how many items were written and not yet marked done with <see cref="TaskDone"/> (asyncio's unfinished
    /// tasks): every accepted write adds one, every <see cref="TaskDone"/> takes one away.
    /// </summary>
    public int UnfinishedCount => _unfinished;

    /// <summary>
    /// Marks one item as processed (asyncio's <c>Queue.task_done</c>): a consumer calls it once per item it read, when
    /// it has finished with it. When the count of unfinished items reaches zero, every <see cref="Join"/> completes.
    /// </summary>
    /// <exception cref="InvalidOperationException">Every written item was already marked done (more calls than
    /// items), or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void TaskDone()
    {
        _loop.CheckAccess();
        if (_unfinished == 0)
        {
            throw new InvalidOperationException(
                "CoChannel.TaskDone() was called more times than items were written: every written item is already marked done. Call it once per item read, after handling it.");
        }

        if (--_unfinished == 0 && _joiners is not null)
        {
            List<Future> joiners = _joiners;
            _joiners = null;
            foreach (Future joiner in joiners)
            {
                joiner.TryComplete(FutureState.Succeeded, null);   // a cancelled one stays cancelled
            }
        }
    }

    /// <summary>
    /// Waits until every item written so far, and every item written while it waits, has been marked done with
    /// <see cref="TaskDone"/> (asyncio's <c>Queue.join</c>). Yield the returned future.
    /// </summary>
    /// <returns>A future that completes when the count of unfinished items is zero: already complete when it is zero
    /// now. Completing the channel does not complete it; only <see cref="TaskDone"/> does.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Future Join()
    {
        _loop.CheckAccess();
        if (_unfinished == 0)
        {
            return _written;   // a shared completed future: nothing to wait for
        }

        var joiners = _joiners ??= new List<Future>();
        if (joiners.Count >= 16)
        {
            joiners.RemoveAll(static j => j.IsCompleted);   // cancelled joins do not pile up
        }

        var join = new JoinWait(_loop);
        joiners.Add(join);
        return join;
    }

    /// <summary>
    /// Writes an item. Yield the returned future: a writer to a full bounded channel parks until there is room.
    /// </summary>
    /// <param name="item">The item.</param>
    /// <returns>A future that succeeds when the item is accepted (already complete when it was accepted at once), or
    /// fails with <see cref="InvalidOperationException"/> if the channel is completed while the writer waits.</returns>
    /// <exception cref="InvalidOperationException">The channel is completed, or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Future Write(T item)
    {
        _loop.CheckAccess();
        if (_completed)
        {
            throw new InvalidOperationException(
                "The channel is completed, so no more items can be written to it. Complete() must be the producers' last call; TryWrite returns false instead of throwing.");
        }

        if (TryWriteCore(item))
        {
            return _written;
        }

        var wait = new WriteWait(_loop, item);
        _writers.Enqueue(wait);
        return wait;
    }

    /// <summary>Writes an item if that needs no wait: a reader is parked, or there is room.</summary>
    /// <param name="item">The item.</param>
    /// <returns><see langword="true"/> if the item was accepted; <see langword="false"/> if the channel is full or
    /// completed.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public bool TryWrite(T item)
    {
        _loop.CheckAccess();
        return !_completed && TryWriteCore(item);
    }

    /// <summary>
    /// Reads an item. Yield the returned future and read its <see cref="Future{T}.Result"/>: a reader of an empty
    /// channel parks until an item arrives.
    /// </summary>
    /// <returns>A future with the item (already complete when an item was there). Once the channel is completed and
    /// drained it fails with the completion's error, or with <see cref="InvalidOperationException"/>.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Future<T> Read()
    {
        _loop.CheckAccess();
        if (_items.Count > 0)
        {
            var done = new Future<T>(_loop);
            done.TrySetResult(TakeFirst());
            return done;
        }

        if (_completed)
        {
            var failed = new Future<T>(_loop);
            failed.TryComplete(FutureState.Faulted, ReadFailure());
            return failed;
        }

        var wait = new ReadWait(this);
        _readers.Enqueue(wait);
        return wait;
    }

    /// <summary>Reads an item if one is there.</summary>
    /// <param name="item">The item read, or the default value.</param>
    /// <returns><see langword="true"/> if an item was read.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public bool TryRead([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T item)
    {
        _loop.CheckAccess();
        if (_items.Count == 0)
        {
            item = default!;
            return false;
        }

        item = TakeFirst();
        return true;
    }

    /// <summary>
    /// Waits until there is an item to read or the channel is completed and drained. Yield the returned future, then
    /// take the items with <see cref="TryRead"/> (see the example on the class).
    /// </summary>
    /// <returns>A future with <see langword="true"/> when items are there, <see langword="false"/> when the channel is
    /// completed and drained; it faults with the completion's error instead of <see langword="false"/> when there is
    /// one.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Future<bool> WaitToRead()
    {
        _loop.CheckAccess();
        if (_items.Count > 0)
        {
            return _true;
        }

        if (_completed)
        {
            if (_error is null)
            {
                return _false;
            }

            var failed = new Future<bool>(_loop);
            failed.TryComplete(FutureState.Faulted, _error);
            return failed;
        }

        var wait = new ReadReadyWait(_loop);
        _readWaits.Enqueue(wait);
        return wait;
    }

    /// <summary>
    /// Marks the channel complete: no more writes. Readers drain the items left, then see the end (or
    /// <paramref name="error"/>).
    /// </summary>
    /// <param name="error">A failure to pass on to the readers, or <see langword="null"/> for a normal end.</param>
    /// <exception cref="InvalidOperationException">The channel is already completed, or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void Complete(Exception? error = null)
    {
        _loop.CheckAccess();
        if (_completed)
        {
            throw new InvalidOperationException(
                "The channel is already completed; a channel completes once. Use TryComplete to ignore a second completion.");
        }

        CompleteCore(error);
    }

    /// <summary>Marks the channel complete unless it already is (see <see cref="Complete"/>).</summary>
    /// <param name="error">A failure to pass on to the readers, or <see langword="null"/> for a normal end.</param>
    /// <returns><see langword="true"/> if this call completed the channel.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public bool TryComplete(Exception? error = null)
    {
        _loop.CheckAccess();
        if (_completed)
        {
            return false;
        }

        CompleteCore(error);
        return true;
    }

    /// <summary>Describes the channel: items, capacity, parked coroutines and completion.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString()
    {
        string capacity = _capacity == int.MaxValue ? "unbounded" : "capacity " + _capacity;
        string state = _completed ? (_error is null ? ", completed" : ", completed with " + _error.GetType().Name) : string.Empty;
        return $"CoChannel ({_items.Count} items, {capacity}, {_readers.Sweep()} readers and {_writers.Sweep()} writers waiting{state})";
    }

    // ---- engine side --------------------------------------------------------------------------------------------

    private bool TryWriteCore(T item)
    {
        ReadWait? reader = _readers.DequeueLive();
        if (reader is not null)
        {
            Debug.Assert(_items.Count == 0, "readers park only on an empty channel");
            _unfinished++;
            reader.Deliver(item, _nextSeq++);
            return true;
        }

        if (_items.Count < _capacity)
        {
            _unfinished++;
            Append(item, _nextSeq++);
            return true;
        }

        return false;
    }

    private void Append(T item, long seq)
    {
        bool wasEmpty = _items.Count == 0;
        _items.AddLast(new Entry(item, seq));
        if (wasEmpty)
        {
            WakeReadWaits();
        }
    }

    private T TakeFirst()
    {
        T item = _items.RemoveFirst().Item;

        // Room now: let parked writers in, in FIFO order. Each item is in the buffer before its writer's future
        // completes, so a synchronous engine watcher sees a consistent channel.
        while (_items.Count < _capacity)
        {
            WriteWait? writer = _writers.DequeueLive();
            if (writer is null)
            {
                break;
            }

            _unfinished++;
            Append(writer.Item, _nextSeq++);
            writer.Accept();
        }

        return item;
    }

    private void WakeReadWaits()
    {
        Future<bool>? wait;
        while ((wait = _readWaits.DequeueLive()) is not null)
        {
            wait.TrySetResult(true);
        }
    }

    /// <summary>Takes back an item delivered to a reader that was cancelled before it resumed (see the remarks).</summary>
    private void ReturnItem(T item, long seq)
    {
        ReadWait? reader = _readers.DequeueLive();
        if (reader is not null)
        {
            Debug.Assert(_items.Count == 0, "readers park only on an empty channel");
            reader.Deliver(item, seq);
            return;
        }

        // Its place: before every item accepted after it. Returned items gather at the front, so the scan is short.
        int index = 0;
        while (index < _items.Count && _items[index].Seq < seq)
        {
            index++;
        }

        bool wasEmpty = _items.Count == 0;
        _items.Insert(index, new Entry(item, seq));
        if (wasEmpty)
        {
            WakeReadWaits();
        }
    }

    private void CompleteCore(Exception? error)
    {
        _completed = true;
        _error = error;

        WriteWait? writer;
        while ((writer = _writers.DequeueLive()) is not null)
        {
            writer.TryComplete(
                FutureState.Faulted,
                new InvalidOperationException("The channel was completed while this write waited for room, so the item was not written.", error));
        }

        if (_items.Count > 0)
        {
            return;   // no reader is parked; they drain the rest and see the end after it
        }

        ReadWait? reader;
        while ((reader = _readers.DequeueLive()) is not null)
        {
            reader.TryComplete(FutureState.Faulted, ReadFailure());
        }

        Future<bool>? wait;
        while ((wait = _readWaits.DequeueLive()) is not null)
        {
            if (error is null)
            {
                wait.TrySetResult(false);
            }
            else
            {
                wait.TryComplete(FutureState.Faulted, error);
            }
        }
    }

    private Exception ReadFailure() => _error ?? new InvalidOperationException(
        "The channel is completed and every item was read. Use WaitToRead() to find the end without an exception.");

    /// <summary>An accepted item and its sequence number.</summary>
    private readonly struct Entry
    {
        internal Entry(T item, long seq)
        {
            Item = item;
            Seq = seq;
        }

        internal T Item { get; }

        internal long Seq { get; }
    }

    /// <summary>A parked read. Cancel safety: an item delivered but never seen goes back (see the remarks).</summary>
    private sealed class ReadWait : Future<T>
    {
        private readonly CoChannel<T> _channel;
        private long _seq;
        private bool _returned;

        internal ReadWait(CoChannel<T> channel)
            : base(channel._loop)
        {
            _channel = channel;
        }

        internal void Deliver(T item, long seq)
        {
            _seq = seq;
            bool delivered = TrySetResult(item);
            Debug.Assert(delivered, "only live reads get items");
        }

        internal override void OnWaiterCancelled(LoopNode waiter)
        {
            if (IsSucceeded && !_returned)
            {
                _returned = true;
                _channel.ReturnItem(_result, _seq);
            }
        }

        internal override string Describe() => "channel read";
    }

    /// <summary>A parked write and its item. Once accepted the write is final (see the remarks).</summary>
    private sealed class WriteWait : Future
    {
        internal WriteWait(EventLoop loop, T item)
            : base(loop)
        {
            Item = item;
        }

        internal T Item { get; }

        internal void Accept()
        {
            bool accepted = TryComplete(FutureState.Succeeded, null);
            Debug.Assert(accepted, "only live writes are accepted");
        }

        internal override string Describe() => "channel write";
    }

    /// <summary>A pending <see cref="Join"/>; its own type only so a waiting task names the channel.</summary>
    private sealed class JoinWait : Future
    {
        internal JoinWait(EventLoop loop)
            : base(loop)
        {
        }

        internal override string Describe() => "channel join";
    }

    /// <summary>A parked <see cref="WaitToRead"/>; its own type only so a waiting task names the channel.</summary>
    private sealed class ReadReadyWait : Future<bool>
    {
        internal ReadReadyWait(EventLoop loop)
            : base(loop)
        {
        }

        internal override string Describe() => "channel";
    }
}
