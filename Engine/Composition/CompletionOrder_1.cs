using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// Hands out futures in the order they complete (asyncio's <c>as_completed</c>): made by
/// <see cref="Co.AsCompleted{TFuture}(TFuture[])"/>, taken one at a time with <see cref="Next"/> inside a coroutine.
/// </summary>
/// <typeparam name="TFuture">The type of the futures, kept as passed: a <see cref="LoopTask{T}"/> comes back as one, so
/// its <c>Result</c> is typed.</typeparam>
/// <example>
/// <code>
/// var each = Co.AsCompleted(tea, coffee, water);
/// while (each.HasNext)
/// {
///     yield return each.Next();          // parks until one more has completed (not at all if one is waiting)
///     log.WriteLine(each.Current.Result); // the future that completed: the same object that was passed
/// }
/// </code>
/// </example>
/// <remarks>
/// <para><b>Order.</b> Futures already complete when <see cref="Co.AsCompleted{TFuture}(TFuture[])"/> is called come
/// first, in argument order; the others follow in the order they complete (futures that complete in one tick keep
/// their completion order). A future passed twice comes out twice. Each completion is taken in the instant it
/// happens (an engine watcher, no polling), so a coroutine parked on <see cref="Next"/> resumes one tick later, as if
/// it had waited on that future itself.</para>
/// <para><b>Outcomes.</b> A future that faulted or was cancelled is handed out like any other: <see cref="Next"/>
/// never fails because of it; read its <see cref="Future.State"/>, or its <c>Result</c> to rethrow. Its failure counts
/// as observed (R23), as this object hands it on. Nothing is cancelled: the futures belong to the caller.</para>
/// <para><b>Cost.</b> The order object and its watcher once; per item, the future that <see cref="Next"/> returns
/// (it is a real future, so it composes: <c>Co.Timeout(each.Next(), 5)</c>).</para>
/// <para><b>Cancelling a wait.</b> Cancelling the future from <see cref="Next"/> (or the task parked on it, R31)
/// gives its turn back: <see cref="Remaining"/> grows by one again and the next call of <see cref="Next"/> takes the
/// future it would have had.</para>
/// <para>All members belong to the loop's thread.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CompletionOrder<TFuture>
    where TFuture : Future
{
    private readonly EventLoop _loop;
    private readonly OrderWatcher _watcher;

    // Completed futures not yet handed out, in completion order (argument order for those complete at the start).
    private readonly Queue<TFuture> _ready;

    // Next() futures still waiting for a completion, oldest first. Cancelled ones are skipped when a completion comes.
    private readonly Queue<NextWait> _asks = new();

    private TFuture? _current;
    private int _remaining;

    internal CompletionOrder(EventLoop loop, TFuture[] futures)
    {
        _loop = loop;
        Count = futures.Length;
        _remaining = futures.Length;
        _ready = new Queue<TFuture>(futures.Length);
        _watcher = new OrderWatcher(this, futures);
        _watcher.Begin();
    }

    /// <summary>Gets how many futures were passed (the number of <see cref="Next"/> calls in all).</summary>
    public int Count { get; }

    /// <summary>Gets how many futures have not been asked for yet with <see cref="Next"/>.</summary>
    public int Remaining => _remaining;

    /// <summary>Gets whether a <see cref="Next"/> call is left: <see cref="Remaining"/> is above zero.</summary>
    public bool HasNext => _remaining > 0;

    /// <summary>
    /// Gets the future most recently handed out: the result of the last <see cref="Next"/> future that completed. With
    /// one <see cref="Next"/> at a time (the usual loop), the one the coroutine just waited for.
    /// </summary>
    /// <exception cref="InvalidOperationException">No future was handed out yet.</exception>
    public TFuture Current => _current ?? throw new InvalidOperationException(
        "CompletionOrder.Current is read before any future was handed out: yield the future from Next() first, then read Current.");

    /// <summary>
    /// Asks for the next future to complete. Yield the returned future; it completes with that future (also readable
    /// as <see cref="Current"/>) as soon as one is there, and is already complete when one was waiting.
    /// </summary>
    /// <returns>A future of the next completed future. It never fails because that future failed.</returns>
    /// <exception cref="InvalidOperationException">Every future was already asked for (<see cref="HasNext"/> is false),
    /// or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public Future<TFuture> Next()
    {
        _loop.CheckAccess();
        if (_remaining == 0)
        {
            throw new InvalidOperationException(
                $"CompletionOrder.Next() was called after all {Count} futures were asked for. Loop while HasNext is true: 'while (each.HasNext) {{ yield return each.Next(); ... }}'.");
        }

        _remaining--;
        if (_ready.Count > 0)
        {
            var done = new Future<TFuture>(_loop);
            done.TrySetResult(HandOut(_ready.Dequeue()));
            return done;
        }

        var wait = new NextWait(_loop);
        wait.AddWaiter(_watcher);   // to hear of its cancellation and give the turn back
        _asks.Enqueue(wait);
        return wait;
    }

    /// <summary>Describes the order: how many were handed out, are waiting, and are left.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() =>
        $"CompletionOrder ({Count - _remaining} of {Count} asked for, {_ready.Count} completed and not taken)";

    private TFuture HandOut(TFuture future)
    {
        // Handed on to the caller, as a combinator hands a failure on (R23).
        future._state |= StateBits.Observed;
        _current = future;
        return future;
    }

    /// <summary>A position's future completed (engine code, inside the completion).</summary>
    private void OnChildCompleted(TFuture future)
    {
        while (_asks.Count > 0)
        {
            NextWait ask = _asks.Dequeue();
            if (ask.IsCompleted)
            {
                continue;   // cancelled: its turn was given back
            }

            ask.RemoveWaiter(_watcher);
            ask.TrySetResult(HandOut(future));
            return;
        }

        _ready.Enqueue(future);
    }

    private void OnAskCancelled() => _remaining++;

    /// <summary>The future <see cref="Next"/> returns while it waits; its own type so a waiting task names it.</summary>
    private sealed class NextWait : Future<TFuture>
    {
        internal NextWait(EventLoop loop)
            : base(loop)
        {
        }

        internal override string Describe() => "as-completed wait";
    }

    /// <summary>Sits in the waiter slot of every pending future (once per distinct future) and of every pending
    /// <see cref="Next"/> future.</summary>
    private sealed class OrderWatcher : Watcher
    {
        private readonly CompletionOrder<TFuture> _order;
        private readonly TFuture[] _futures;
        private readonly ChildIndex _index;

        internal OrderWatcher(CompletionOrder<TFuture> order, TFuture[] futures)
            : base(order._loop)
        {
            _order = order;
            _futures = futures;
            var children = new Future[futures.Length];
            Array.Copy(futures, children, futures.Length);
            _index = new ChildIndex(children);
        }

        internal void Begin()
        {
            // Already complete: first, in argument order (each position once).
            for (int i = 0; i < _futures.Length; i++)
            {
                if (_futures[i].IsCompleted)
                {
                    _order._ready.Enqueue(_futures[i]);
                }
                else if (_index.IsFirst(i))
                {
                    _futures[i].AddWaiter(this);
                }
            }
        }

        internal override void OnCompleted(Future future)
        {
            if (future is NextWait)
            {
                _order.OnAskCancelled();   // we remove ourselves before granting, so only a cancellation gets here
                return;
            }

            for (int i = _index.First(future); i >= 0; i = _index.Next(i))
            {
                _order.OnChildCompleted(_futures[i]);
            }
        }
    }
}
