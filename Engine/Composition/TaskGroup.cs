using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace YieldLoop;

/// <summary>
/// Structured concurrency (R44; Trio's nursery, asyncio's <c>TaskGroup</c>): a coroutine opens a group, starts
/// children in it, and waits for all of them; no child outlives the group.
/// </summary>
/// <remarks>
/// <para><b>Use.</b></para>
/// <code>
/// IEnumerator&lt;IAwaitable&gt; LoadLevel(EventLoop loop)
/// {
///     using var group = new TaskGroup(loop);
///     group.Start(LoadTextures());
///     group.Start(LoadSounds());
///     yield return group.WhenAll();   // fails if any child failed
/// }
/// </code>
/// <para><b>Rules.</b></para>
/// <list type="bullet">
/// <item>The wait (<see cref="WhenAll"/>) completes only when every child completed, including children started while
/// it waits (R44).</item>
/// <item>A child that faults cancels its siblings. When all are done the wait fails with an
/// <see cref="AggregateException"/> whose <see cref="AggregateException.InnerExceptions"/> hold every child failure
/// (the same exception objects) in the order they happened; always an <see cref="AggregateException"/>, even for one
/// failure, so a handler has one shape to look at. A child that ends cancelled is not a failure.</item>
/// <item>Children started after a failure (while the siblings are being cancelled) are cancelled at once: they never
/// run their body (R32).</item>
/// <item>Cancelling the owner while it waits cancels the wait (R31), and with it every child; in the next tick the
/// children's cancelled turns (their <c>finally</c> blocks) come before the owner's.</item>
/// <item><see cref="Dispose"/> (the end of the <c>using</c>, which runs even when the owner is cancelled or throws)
/// cancels the children still running. Cancellation is delivered by the loop (R30): each child's <c>finally</c> blocks
/// run at its cancellation turn, in the next tick at the latest, and a cancelled child never runs another step of its
/// body, so none outlives the group's block. A failure of a child that nobody waited for is reported to
/// <see cref="EventLoop.UnhandledExceptionHandler"/> (R23): the group's wait, left unobserved, fails with it.</item>
/// <item>Once the wait has completed (the group finished) or the group is disposed, <see cref="Start"/> throws.</item>
/// </list>
/// <para><b>Design.</b> The group is not itself awaitable: <see cref="WhenAll"/> returns a plain <see cref="Future"/>, so
/// it composes with every combinator (<c>Co.Timeout(group.WhenAll(), 5)</c> cancels the children at the deadline and
/// waits for them). Rejected: a group that starts children on its own loop "scope" with no owner (that is what
/// <see cref="Scope"/> is for); a wait that completes with the first failure (asyncio and Trio both wait for the
/// siblings' cleanup, and so does this).</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class TaskGroup : IDisposable
{
    private readonly TaskGroupWatcher _core;
    private bool _disposed;

    /// <summary>Opens a group on the loop that is running the calling coroutine (<see cref="EventLoop.Current"/>).</summary>
    /// <exception cref="InvalidOperationException">No loop is ticking on this thread.</exception>
    public TaskGroup()
        : this(EventLoop.Current ?? throw new InvalidOperationException(
            "new TaskGroup() needs the loop that runs the calling coroutine, but no loop is ticking on this thread. Call it from a coroutine, or pass the loop: new TaskGroup(loop)."))
    {
    }

    /// <summary>Opens a group whose children run on <paramref name="loop"/>.</summary>
    /// <param name="loop">The loop to start the children on.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public TaskGroup(EventLoop loop)
    {
        if (loop is null)
        {
            throw new ArgumentNullException(nameof(loop));
        }

        loop.CheckAccess();
        Loop = loop;
        _core = new TaskGroupWatcher(new Future(loop));
    }

    /// <summary>Gets the loop the children run on.</summary>
    public EventLoop Loop { get; }

    /// <summary>Gets how many children are started and not yet completed.</summary>
    public int PendingCount => _core.Pending;

    /// <summary>Starts <paramref name="coroutine"/> as a child of the group.</summary>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="name">A name for messages and diagnostics; the coroutine method's name when null.</param>
    /// <returns>The child task. The group watches it; waiting on it as well is allowed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The group is disposed or finished, the iterator was started before
    /// (R27), or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public LoopTask Start(IEnumerator<IAwaitable> coroutine, string? name = null)
    {
        CheckCanStart(coroutine);
        LoopTask child = Loop.Start(coroutine, name);
        _core.Add(child);
        return child;
    }

    /// <summary>Starts <paramref name="coroutine"/> as a child with a result of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type of the result the coroutine gives with <c>Co.Return</c>.</typeparam>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="name">A name for messages and diagnostics; the coroutine method's name when null.</param>
    /// <returns>The child task; read <see cref="Future{T}.Result"/> once it completed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The group is disposed or finished, the iterator was started before
    /// (R27), or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public LoopTask<T> Start<T>(IEnumerator<IAwaitable> coroutine, string? name = null)
    {
        CheckCanStart(coroutine);
        LoopTask<T> child = Loop.Start<T>(coroutine, name);
        _core.Add(child);
        return child;
    }

    /// <summary>
    /// Returns the group's wait: a future that completes when every child has completed. Yield it from the owner.
    /// </summary>
    /// <returns>The wait; the same future on every call. It succeeds when no child failed, and fails with an
    /// <see cref="AggregateException"/> of every child failure, in the order they happened, otherwise. With no
    /// children it completes at once. Cancelling it cancels the children.</returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    public Future WhenAll()
    {
        Loop.CheckThread();
        return _core.RequestWait();
    }

    /// <summary>
    /// Ends the group: cancels the children still running (each at its next turn, R30) and refuses new ones. Safe to
    /// call more than once; the <c>using</c> statement calls it even when the owner is cancelled or throws.
    /// </summary>
    /// <remarks>Failures of children that nobody waited for are not lost: the group's wait, which nobody observes,
    /// fails with them and is reported to <see cref="EventLoop.UnhandledExceptionHandler"/> (R23). After the loop was
    /// closed, disposing does nothing (every task is already cancelled), from any thread.</remarks>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's while the loop is open;
    /// the group is left as it was, so a later <see cref="Dispose"/> on the loop thread still cancels its
    /// children.</exception>
    public void Dispose()
    {
        // The thread first: a refused Dispose must not leave the group marked disposed with its children running.
        if (!Loop.IsClosed)
        {
            Loop.CheckThread();
        }

        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (Loop.IsClosed)
        {
            return;
        }

        _core.CancelChildren();
        _core.RequestWait();
    }

    /// <summary>Describes the group: pending children, failures, and whether it is finished or disposed.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString()
    {
        string state = _disposed ? "disposed" : _core.IsFinished ? "finished" : "open";
        return $"TaskGroup ({state}, {_core.Pending} pending, {_core.FailureCount} failed)";
    }

    private void CheckCanStart(IEnumerator<IAwaitable> coroutine)
    {
        if (coroutine is null)
        {
            throw new ArgumentNullException(nameof(coroutine));
        }

        if (_disposed)
        {
            throw new InvalidOperationException(
                "This TaskGroup is disposed, so it cannot start more children: no child may outlive its group. Start children inside the group's using block, before it ends.");
        }

        if (_core.IsFinished)
        {
            throw new InvalidOperationException(
                "This TaskGroup has finished (its wait completed or was cancelled), so it cannot start more children. Start them before the wait completes, or open a new TaskGroup.");
        }
    }
}
