using System;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A reusable hand-off: a future source that, once its current <em>round</em> completed, is reset for the next round
/// without allocating. Each round is pending, then completes once, as a <see cref="Future{T}"/> does; a version number
/// names the round, and every member that acts on a round takes the version it means, so a late or early caller is
/// refused instead of reaching the wrong round.
/// </summary>
/// <typeparam name="T">The type of the value handed off.</typeparam>
/// <remarks>
/// <para><b>When to use it instead of <see cref="FutureSource{T}"/>.</b> A <see cref="FutureSource{T}"/> makes a
/// <see cref="Future{T}"/> that anyone may wait on, keep, or pass to combinators, and it costs a source and a future per
/// result. Use this type for a steady stream of hand-offs between tasks that own the protocol (request and response,
/// ping-pong, a producer feeding one consumer): a round costs nothing, but it has one waiter, its wait is not a future
/// you can keep or combine, and both sides carry the round's version. (As .NET's
/// <c>ManualResetValueTaskSourceCore</c> and UniTask's pooled promises.)</para>
/// <para><b>A round.</b> The waiting coroutine yields <see cref="Wait"/> and then reads <see cref="GetResult"/>; the
/// other side completes the round with <see cref="SetResult"/> (or <see cref="SetException"/>); someone, usually the
/// waiter once it read the value, calls <see cref="Reset"/>, which starts the next round and returns its version:</para>
/// <code>
/// int round = inbox.Version;
/// yield return inbox.Wait(round);        // parks until the round completes (woken in the next tick)
/// int value = inbox.GetResult(round);    // the value, or the round's exception
/// inbox.Reset();                         // the next round; nothing is allocated
/// </code>
/// <para><b>The rules of a future hold for each round</b> (docs/semantics.md): a round completes once (R14); its waiter
/// is woken on the loop in the next tick, in completion order, never inside <see cref="SetResult"/> (R17); a round
/// already complete continues the coroutine in the same step (R19); a faulted round faults its waiter with the same
/// exception, a cancelled one cancels it (R22); a failure nobody observed is reported once (R23), at the end of its
/// tick, or by <see cref="Reset"/> if the round is reset first; cancelling the waiting task cancels the round (R31),
/// and so does <see cref="EventLoop.Close"/> (R36); a task of another loop cannot wait on it (R61).</para>
/// <para><b>Stale versions.</b> <see cref="Wait"/>, <see cref="GetResult"/>, <see cref="SetResult"/>,
/// <see cref="TrySetResult"/> and <see cref="SetException"/> with a version other than the current one throw
/// <see cref="InvalidOperationException"/>. Yielding a wait kept from an earlier round (after a <see cref="Reset"/>),
/// or a wait another task made, faults the yielding task with one. A round has one waiter: the task that called
/// <see cref="Wait"/>.</para>
/// <para>Members that change the source belong to the loop's thread; <see cref="Version"/>, <see cref="State"/> and
/// <see cref="GetResult"/> can be read from any thread, and after the loop is closed.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class ResettableFutureSource<T>
{
    // The one node, reset in place; it is the wait a coroutine yields. See docs/design.md, "Reusable hand-offs".
    private readonly ResettableFuture<T> _node;

    /// <summary>Creates a source on <paramref name="loop"/>; its first round (version 1) is pending.</summary>
    /// <param name="loop">The loop whose tasks wait on it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public ResettableFutureSource(EventLoop loop)
    {
        if (loop is null)
        {
            throw new ArgumentNullException(nameof(loop));
        }

        loop.ThrowIfClosed();
        _node = new ResettableFuture<T>(loop);
    }

    /// <summary>Gets the loop this source belongs to.</summary>
    public EventLoop Loop => _node._loop;

    /// <summary>Gets the version of the current round. <see cref="Reset"/> adds one.</summary>
    public int Version => _node._version;

    /// <summary>Gets the state of the current round.</summary>
    public FutureState State => _node.State;

    /// <summary>
    /// Returns what a coroutine yields to wait for round <paramref name="version"/>: <c>yield return
    /// source.Wait(version);</c> parks the task until the round completes, as yielding a future does.
    /// </summary>
    /// <param name="version">The current round's version (<see cref="Version"/>, or what <see cref="Reset"/> returned).</param>
    /// <returns>The wait, valid for this round and this task; yield it right away.</returns>
    /// <remarks>Nothing is allocated: the wait is the source's one node, armed for this round and the calling task.
    /// Yielding it after a <see cref="Reset"/>, or from another task, faults the yielding task.</remarks>
    /// <exception cref="InvalidOperationException"><paramref name="version"/> is not the current round's; another task
    /// is already waiting on this round; or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public IAwaitable Wait(int version)
    {
        ResettableFuture<T> node = _node;
        EventLoop loop = node._loop;
        loop.CheckAccess();
        if (version != node._version)
        {
            throw Stale(nameof(Wait), version, awaiting: true);
        }

        // The running step of the node's own loop: a task of another loop gets null here and is refused at its yield
        // (R61) before the arming matters. No thread-static read: this is the hot path of every round.
        Future? caller = loop.CurrentTask;
        Future? armed = node._armedBy;
        if (!ReferenceEquals(armed, caller))
        {
            if (node.WaiterNotResumed)
            {
                throw SecondWaiter(caller);
            }

            node._armedBy = caller;
        }

        node._armedVersion = version;
        return node;
    }

    /// <summary>
    /// Gets the value of round <paramref name="version"/>: returns it when the round succeeded, throws the round's
    /// exception when it faulted, and <see cref="OperationCanceledException"/> when it was cancelled. Reading it marks a
    /// failure as observed (R23).
    /// </summary>
    /// <param name="version">The round's version.</param>
    /// <returns>The value handed off in that round.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="version"/> is not the current round's, or the round is
    /// still pending.</exception>
    /// <exception cref="OperationCanceledException">The round was cancelled.</exception>
    public T GetResult(int version)
    {
        ResettableFuture<T> node = _node;
        if (version == node._version && (node._state & StateBits.StateMask) == (int)FutureState.Succeeded)
        {
            return node._result;   // the hot path: one compare each
        }

        return GetResultSlow(version);
    }

    /// <summary>Completes round <paramref name="version"/> with <paramref name="result"/>; its waiter resumes in the next tick.</summary>
    /// <param name="version">The round's version.</param>
    /// <param name="result">The value.</param>
    /// <exception cref="InvalidOperationException"><paramref name="version"/> is not the current round's; the round is
    /// already completed (for example cancelled with its waiter: use <see cref="TrySetResult"/> to ignore that); or the
    /// call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void SetResult(int version, T result)
    {
        if (!TrySetResult(version, result))
        {
            throw NotCompleted(nameof(SetResult));
        }
    }

    /// <summary>Completes round <paramref name="version"/> with <paramref name="result"/> unless it is already completed.</summary>
    /// <param name="version">The round's version.</param>
    /// <param name="result">The value.</param>
    /// <returns><see langword="true"/> if this call completed the round; <see langword="false"/> if it was already
    /// completed or the loop is closed.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="version"/> is not the current round's (a stale version
    /// is always an error, never a quiet <see langword="false"/>), or the call is made from another thread.</exception>
    public bool TrySetResult(int version, T result)
    {
        ResettableFuture<T> node = _node;
        if (!Sources.CanComplete(node))
        {
            return false;
        }

        if (version != node._version)
        {
            throw Stale(nameof(SetResult), version, awaiting: false);
        }

        return node.TrySetResultFast(result);
    }

    /// <summary>Completes round <paramref name="version"/> with an exception; its waiter faults with it (R22).</summary>
    /// <param name="version">The round's version.</param>
    /// <param name="exception">The failure the waiter will see (the same object).</param>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="version"/> is not the current round's; the round is
    /// already completed; or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void SetException(int version, Exception exception)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        ResettableFuture<T> node = _node;
        if (Sources.CanComplete(node))
        {
            if (version != node._version)
            {
                throw Stale(nameof(SetException), version, awaiting: false);
            }

            if (node.TryComplete(FutureState.Faulted, exception))
            {
                return;
            }
        }

        throw NotCompleted(nameof(SetException));
    }

    /// <summary>
    /// Starts the next round: the completed current round becomes a pending one with the next version, in place,
    /// without allocating. A faulted round whose failure nobody observed is reported to the loop's handler first (R23).
    /// </summary>
    /// <returns>The new round's version.</returns>
    /// <remarks>Reset from the waiter, after it read <see cref="GetResult"/>, or from whoever owns the protocol once the
    /// waiter has resumed.</remarks>
    /// <exception cref="InvalidOperationException">The current round is still pending; its waiter was woken but has not
    /// resumed yet (it would lose its round); or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public int Reset()
    {
        ResettableFuture<T> node = _node;
        node._loop.CheckAccess();
        if (!node.IsCompleted)
        {
            throw new InvalidOperationException(
                $"Round {node._version} of the {ResettableFuture<T>.SourceName} is still pending: Reset starts the next round only once this one completed (SetResult or SetException), so a waiter never loses its round.");
        }

        if (node.WaiterNotResumed)
        {
            throw new InvalidOperationException(
                $"Round {node._version} of the {ResettableFuture<T>.SourceName} completed, but its waiter, coroutine '{node._armedBy!.NodeName}', has not resumed yet to read it. Reset from the waiter after it read GetResult({node._version}), or once it resumed.");
        }

        return node.ResetRound();
    }

    /// <summary>Describes the source: its value type, round and state.</summary>
    /// <returns>For example "ResettableFutureSource&lt;Int32&gt; (round 3, Pending)".</returns>
    public override string ToString() => $"{ResettableFuture<T>.SourceName} (round {_node._version}, {_node.State})";

    // ---- cold paths --------------------------------------------------------------------------------------------

    private T GetResultSlow(int version)
    {
        ResettableFuture<T> node = _node;
        if (version != node._version)
        {
            throw Stale(nameof(GetResult), version, awaiting: true);
        }

        if (!node.IsCompleted)
        {
            throw new InvalidOperationException(
                $"Round {version} of the {ResettableFuture<T>.SourceName} is still pending, so it has no value yet. Yield Wait({version}) first, or check State.");
        }

        node.ThrowIfNotSucceeded();   // faulted or cancelled: throws (and marks a failure observed, R23)
        return node._result;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private InvalidOperationException Stale(string member, int version, bool awaiting)
    {
        int current = _node._version;
        string who = EventLoop.Current?.CurrentTask is { } task
            ? $"Coroutine '{task.NodeName}' called {member}({version})"
            : $"{member}({version}) was called";
        string when = unchecked(version - current) < 0
            ? $"round {version} is over (the source was reset since)"
            : $"round {version} has not started";
        string fix = awaiting
            ? "Wait for and read the current round: take its version from Version, or keep what Reset() returns."
            : "Complete only the round you were handed (its version), and drop a value that comes after its round was reset.";
        string effect = awaiting ? "it would wait for a round it was not meant for" : "the value would reach the wrong round";
        return new InvalidOperationException(
            $"{who} on a {ResettableFuture<T>.SourceName} that is at round {current}: {when}, and {effect}. {fix}");
    }

    private InvalidOperationException SecondWaiter(Future? caller) => new(
        $"{(caller is null ? "Wait was called" : $"Coroutine '{caller.NodeName}' called Wait")} for round {_node._version} of a {ResettableFuture<T>.SourceName} that task '{_node._armedBy!.NodeName}' already waits on. A round has one waiter; to let several tasks wait for one value, use a FutureSource<{Names.Short(typeof(T))}>.");

    private Exception NotCompleted(string member)
    {
        ResettableFuture<T> node = _node;
        if (node._loop.IsClosed)
        {
            return new ObjectDisposedException(nameof(EventLoop), node._loop.ClosedMessage());
        }

        return new InvalidOperationException(
            $"{member}: round {node._version} of the {ResettableFuture<T>.SourceName} is already completed ({node.State}); a round completes once. Call Reset() to start the next round, or use TrySetResult to ignore a late completion.");
    }
}
