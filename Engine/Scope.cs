using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// An owner of tasks — a game object, a scene, a screen — that can pause, resume and cancel all of them at once
/// (what Unity ties to a MonoBehaviour, and MEC does with tags and <c>CancelWith</c>). Disposing the scope cancels
/// its tasks.
/// </summary>
/// <remarks>
/// <para><b>Membership.</b> A task belongs to the scope it was started with (<see cref="Start(IEnumerator{IAwaitable}, string)"/>),
/// for life. Children it runs inline (<c>Co.Call</c>) are part of it; tasks it starts with <see cref="EventLoop.Start"/>
/// are not (start them with the scope to include them).</para>
/// <para><b>The pause rule.</b> While the scope is paused, none of its tasks steps:</para>
/// <list type="bullet">
/// <item>A task that is ready, or becomes ready (its future completed, its next tick came), is held, not run; its
/// wake-up is kept. <see cref="Resume"/> queues the held tasks, in the order they became ready, and they step in the
/// next tick.</item>
/// <item>A task sleeping when the scope is paused has its timer frozen with the time it had left; <see cref="Resume"/>
/// starts it again with that remaining time, so a sleep lasts its full length of unpaused time. (An
/// <see cref="Interval"/> keeps its grid: periods that fell inside the pause are skipped, and counted by
/// <see cref="Interval.Skipped"/>.) A task that starts sleeping while paused is held at its next step, before it
/// sleeps, so it too sleeps only in unpaused time; a task that pauses its own scope and then sleeps has that sleep
/// frozen at once.</item>
/// <item>A task started into a paused scope does not take its first step until the scope resumes.</item>
/// <item>Cancellation is not paused: a cancelled task of a paused scope is disposed at its turn (its <c>finally</c>
/// blocks run), so <see cref="Dispose"/> works on a paused scope.</item>
/// <item>Work a scoped task waits on elsewhere (another task, a timeout, a future) goes on: only the scope's own tasks
/// are paused.</item>
/// </list>
/// <para>Pausing and resuming are loop-only calls, allowed inside steps (including a scoped task pausing its own
/// scope: it stops at its next wake-up).</para>
/// </remarks>
[DebuggerDisplay("Scope '{Name,nq}' (tasks: {PendingTaskCount}, paused: {IsPaused})")]
public sealed partial class Scope : IDisposable
{
    private readonly EventLoop _loop;

    // The scope's live tasks (removed as they complete).
    private readonly HashSet<Future> _tasks = new(ReferenceComparer.Instance);

    // While paused: the tasks that became ready, in that order; and the tasks whose timers were frozen.
    private readonly List<Future> _held = new();
    private readonly List<Future> _frozen = new();
    private bool _disposed;

    /// <summary>Creates a scope on <paramref name="loop"/>, optionally bound to a clock.</summary>
    /// <param name="loop">The loop the scope's tasks run on.</param>
    /// <param name="name">A name for diagnostics.</param>
    /// <param name="clock">The clock the scope's tasks sleep in (their <see cref="Co.Sleep(Duration)"/> follows its scale
    /// and pause), or null for the loop's real time.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="clock"/> belongs to another loop.</exception>
    public Scope(EventLoop loop, string? name = null, GameClock? clock = null)
    {
        _loop = loop ?? throw new ArgumentNullException(nameof(loop));
        loop.ThrowIfClosed();
        if (clock is not null && !ReferenceEquals(clock.Loop, loop))
        {
            throw new ArgumentException(
                $"Clock '{clock.Name}' belongs to loop '{clock.Loop.Name}', not to '{loop.Name}'; a scope's clock must be of the scope's loop.", nameof(clock));
        }

        Name = name ?? "scope";
        Clock = clock;
    }

    /// <summary>Gets the clock the scope's tasks sleep in, or null for the loop's real time.</summary>
    public GameClock? Clock { get; }

    /// <summary>Gets the scope's name.</summary>
    public string Name { get; }

    /// <summary>Gets whether the scope is paused.</summary>
    public bool IsPaused { get; private set; }

    /// <summary>Gets whether the scope was disposed.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Gets how many of the scope's tasks are still pending.</summary>
    public int PendingTaskCount => _tasks.Count;

    /// <summary>Starts <paramref name="coroutine"/> as a task of this scope (see <see cref="EventLoop.Start"/>).</summary>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="name">A name for the task.</param>
    /// <returns>The task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The scope was disposed.</exception>
    /// <exception cref="InvalidOperationException">As for <see cref="EventLoop.Start"/>.</exception>
    public LoopTask Start(IEnumerator<IAwaitable> coroutine, string? name = null)
    {
        ThrowIfDisposed();
        LoopTask task = _loop.StartIn(this, Clock, coroutine, name);
        _tasks.Add(task);
        return task;
    }

    /// <summary>Starts <paramref name="coroutine"/> as a typed task of this scope (see <see cref="EventLoop.Start{T}"/>).</summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="name">A name for the task.</param>
    /// <returns>The task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The scope was disposed.</exception>
    /// <exception cref="InvalidOperationException">As for <see cref="EventLoop.Start"/>.</exception>
    public LoopTask<T> Start<T>(IEnumerator<IAwaitable> coroutine, string? name = null)
    {
        ThrowIfDisposed();
        LoopTask<T> task = _loop.StartIn<T>(this, Clock, coroutine, name);
        _tasks.Add(task);
        return task;
    }

    /// <summary>Pauses every task of the scope (see the pause rule in the remarks). Pausing a paused scope does nothing.</summary>
    /// <exception cref="InvalidOperationException">Called from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The scope was disposed. (On a closed loop, pausing does nothing.)</exception>
    public void Pause()
    {
        ThrowIfDisposed();
        if (_loop.IsClosed)
        {
            return;   // its tasks were cancelled by Close; a late OnDisable in a host must not throw
        }

        _loop.CheckAccess();
        if (IsPaused)
        {
            return;
        }

        IsPaused = true;
        foreach (Future task in _tasks)
        {
            if ((task._state & (StateBits.InWheel | StateBits.TimerCancelled)) == StateBits.InWheel)
            {
                _loop.FreezeTimer(task);
                _frozen.Add(task);
            }
        }
    }

    /// <summary>
    /// Resumes the scope: frozen sleeps go on with the time they had left, and tasks that became ready while paused
    /// step in the next tick, in the order they became ready. Resuming a running scope does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from another thread.</exception>
    /// <remarks>On a closed loop, resuming does nothing (Close cancelled the tasks).</remarks>
    public void Resume()
    {
        if (_loop.IsClosed)
        {
            return;   // nothing left to resume: Close cancelled the tasks
        }

        _loop.CheckAccess();
        if (!IsPaused)
        {
            return;
        }

        IsPaused = false;
        foreach (Future task in _frozen)
        {
            if (!task.IsCompleted && (task._state & StateBits.Frozen) != 0)
            {
                _loop.ThawTimer(task);
            }
        }

        foreach (Future task in _held)
        {
            if (!task.IsCompleted)
            {
                _loop.Enqueue(task);
            }
        }

        _frozen.Clear();
        _held.Clear();
    }

    /// <summary>Cancels every pending task of the scope (each at its turn, R30); the scope stays usable.</summary>
    /// <returns>How many tasks this call cancelled.</returns>
    /// <exception cref="InvalidOperationException">Called from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop was closed.</exception>
    public int CancelAll()
    {
        _loop.CheckAccess();
        var snapshot = new List<Future>(_tasks);
        int cancelled = 0;
        foreach (Future task in snapshot)
        {
            if (task.Cancel())
            {
                cancelled++;
            }
        }

        return cancelled;
    }

    /// <summary>Cancels every pending task of the scope and refuses new ones. Disposing twice does nothing.</summary>
    /// <remarks>If the loop is already closed, its tasks were cancelled by <see cref="EventLoop.Close"/> and this only
    /// marks the scope disposed (from any thread).</remarks>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's while the loop is open;
    /// the scope is left as it was, so a later <see cref="Dispose"/> on the loop thread still cancels its tasks.</exception>
    public void Dispose()
    {
        // The thread first: a refused Dispose must not leave the scope marked disposed with its tasks still running.
        if (!_loop.IsClosed)
        {
            _loop.CheckThread();
        }

        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_loop.IsClosed)
        {
            CancelAll();
        }

        SignalToken();   // Scope.Interop.cs: the scope's token (if anyone asked for it) fires
    }

    /// <summary>Describes the scope.</summary>
    /// <returns>The name, the number of pending tasks and whether it is paused.</returns>
    public override string ToString() => $"Scope '{Name}' (tasks: {PendingTaskCount}{(IsPaused ? ", paused" : string.Empty)})";

    /// <summary>A task of this scope came to its turn while the scope is paused: keep it for <see cref="Resume"/>.</summary>
    internal void Hold(Future task) => _held.Add(task);

    /// <summary>A task of this paused scope just started to sleep: freeze its timer at once.</summary>
    internal void FreezeNow(Future task)
    {
        _loop.FreezeTimer(task);
        _frozen.Add(task);
    }

    /// <summary>A task of this scope completed.</summary>
    internal void Forget(Future task) => _tasks.Remove(task);

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(Scope), $"Scope '{Name}' was disposed; its tasks were cancelled. Create a new Scope to start more work.");
        }
    }
}
