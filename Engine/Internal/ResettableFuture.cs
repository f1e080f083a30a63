using System;
using System.Diagnostics;

namespace YieldLoop.Internal;

/// <summary>
/// The one node a <see cref="ResettableFutureSource{T}"/> owns and resets in place for each round: a plain future (the
/// loop parks, wakes, cancels and reports it as any future) flagged <see cref="StateBits.Resettable"/>, so the yield
/// dispatch asks it whether the yield is current (<see cref="AcceptYield"/>). See docs/design.md, "Reusable hand-offs".
/// </summary>
/// <typeparam name="T">The type of the value handed off.</typeparam>
internal sealed class ResettableFuture<T> : Future<T>
{
    // The current round: changed only by Reset, when the round is complete and its waiter resumed (invariant 1).
    // Starts at 1 so that a default(int) version kept by mistake is stale from the start.
    internal int _version = 1;

    // The round the last Wait armed the node for, and the task whose step called it (null outside any step). A yield is
    // accepted only when _armedVersion == _version and the yielding task is _armedBy (invariant 3). Once a task is
    // accepted it is the round's waiter (_armedBy) until Reset: Reset checks it has resumed (invariant 1), and a second
    // task cannot wait on the same round (invariant 2).
    internal int _armedVersion;
    internal Future? _armedBy;

    internal ResettableFuture(EventLoop loop)
        : base(loop)
    {
        _state = StateBits.Resettable;
    }

    /// <summary>"ResettableFutureSource&lt;Int32&gt;": the public name, for messages.</summary>
    internal static string SourceName => "ResettableFutureSource<" + Names.Short(typeof(T)) + ">";

    /// <summary>Whether the round's waiter was woken but has not resumed yet (it is still parked on this node).</summary>
    internal bool WaiterNotResumed => _armedBy is { } waiter && ReferenceEquals(waiter._link, this)
        && (waiter._state & (StateBits.StateMask | StateBits.InWheel)) == 0;

    /// <summary>
    /// Completes the round with <paramref name="value"/> (the caller checked the version). When the round's one waiter is
    /// the armed task (the common case), it is queued without reading the task itself: it is a coroutine task (it passed
    /// <see cref="AcceptYield"/>), never a watcher, so <c>EventLoop.Wake</c>'s kind test is not needed, and with many
    /// pairs of tasks that read is a cache miss per hand-off. Anything else takes the general path (<see cref="Future.TryComplete"/>).
    /// </summary>
    internal bool TrySetResultFast(T value)
    {
        int st = _state;
        if ((st & StateBits.StateMask) != 0)
        {
            return false;
        }

        object? waiters = _slot;
        if (waiters is not null && !ReferenceEquals(waiters, _armedBy))
        {
            return TrySetResult(value);
        }

        _result = value;
        _slot = null;
        _state = st | (int)FutureState.Succeeded;
        if (waiters is not null)
        {
            _loop.EnqueueWoken(_armedBy!);   // R17: queued, never run inline (R1b: maybe later in this tick)
        }

        return true;
    }

    /// <summary>The yield dispatch's check for a resettable node; on acceptance the task becomes the round's waiter.</summary>
    internal override bool AcceptYield(Future task)
    {
        if (_armedVersion != _version)
        {
            return false;
        }

        if (_armedBy is null)
        {
            _armedBy = task;   // armed outside any step: the first task that yields it is the round's waiter
            return true;
        }

        return ReferenceEquals(_armedBy, task);
    }

    /// <summary>The error for a yield that <see cref="AcceptYield"/> refused: what happened and what to do.</summary>
    internal override InvalidOperationException StaleYield(Future task)
    {
        string fix = $"Call Wait(version) again for each round, with the version of that round (Reset() returns it), and yield what it returns right away.";
        return _armedVersion != _version
            ? new InvalidOperationException(
                $"Coroutine '{task.NodeName}' yielded a wait for round {_armedVersion} of a {SourceName}, but the source was reset since and is at round {_version}: that wait is over. The loop refuses it rather than wait for a round it was not made for. {fix}")
            : new InvalidOperationException(
                $"Coroutine '{task.NodeName}' yielded the wait that '{_armedBy!.NodeName}' made for round {_version} of a {SourceName}. A round has one waiter: the task that called Wait. {fix} To let several tasks wait for one value, use a FutureSource<{Names.Short(typeof(T))}>.");
    }

    /// <summary>Turns the completed round into the next pending one in place (invariant 1 is checked by the caller).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal int ResetRound()
    {
        Debug.Assert(IsCompleted, "only a completed round is reset");
        int st = _state;
        if ((st & StateBits.StateMask) == (int)FutureState.Faulted && (st & (StateBits.Observed | StateBits.Reported)) == 0)
        {
            // Invariant 4 (R23): the reset would erase a failure nobody saw; report it now, once.
            _loop.ReportNow((Exception)_slot!);
        }

        // Keep the Watched bit: the node may still be in the loop's end-of-tick list, which skips it once it holds no
        // exception; a new fault in the same tick then needs no second entry.
        _state = st & (StateBits.Resettable | StateBits.Watched);
        _slot = null;
        _result = default!;
        _armedBy = null;
        return unchecked(++_version);
    }

    /// <summary>A short name used in messages.</summary>
    internal override string Describe() => $"{SourceName} wait (round {_version})";
}
