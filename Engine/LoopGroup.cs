using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace YieldLoop;

/// <summary>
/// Runs several event loops, each on a dedicated thread of its own, for work sharded across cores.
/// </summary>
/// <remarks>
/// <para>Each loop is created on its own thread (so R50 holds: only that thread may tick it), runs with a
/// <see cref="RealClock"/> and an installed <see cref="EventLoopSynchronizationContext"/>, and sleeps while idle (R53).
/// Other threads hand it work through the thread-safe entry points only: <see cref="Post"/>, <see cref="Start"/>,
/// <see cref="EventLoop.Post"/>, the <c>Post*</c> members of <see cref="FutureSource"/>. A coroutine of one loop waits
/// on a future of another with <see cref="CrossLoopExtensions.On(Future, EventLoop)"/>.</para>
/// <para>A loop of the group keeps running when one of its coroutines calls <see cref="EventLoop.Stop"/>: only
/// <see cref="Stop"/> (or <see cref="Dispose"/>) ends the threads. It stops every loop, closes each on its own
/// thread (R36: pending tasks are cancelled, their <c>finally</c> blocks run), and joins the threads.</para>
/// </remarks>
public sealed class LoopGroup : IDisposable
{
    private readonly EventLoop[] _loops;
    private readonly Thread[] _threads;
    private readonly object _lock = new();
    private readonly HashSet<PendingStart> _pendingStarts = new();
    private volatile bool _stopping;
    private bool _stopped;

    /// <summary>Creates <paramref name="count"/> loops, each on a new thread, and starts them.</summary>
    /// <param name="count">How many loops (and threads), at least 1.</param>
    /// <param name="name">The base of the loops' and threads' names ("name-0", "name-1", ...); "loop-group" when null.</param>
    /// <param name="unhandledExceptionHandler">Set as <see cref="EventLoop.UnhandledExceptionHandler"/> of every loop
    /// before it runs (it is called on that loop's thread); null for the default (standard error).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    /// <remarks>Returns when every loop exists, so the loops can be used at once.</remarks>
    public LoopGroup(int count, string? name = null, Action<Exception>? unhandledExceptionHandler = null)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "A loop group needs at least one loop.");
        }

        string baseName = name ?? "loop-group";
        _loops = new EventLoop[count];
        _threads = new Thread[count];
        using var ready = new CountdownEvent(count);
        for (int i = 0; i < count; i++)
        {
            int index = i;
            string loopName = baseName + "-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _threads[i] = new Thread(() => RunLoop(index, loopName, unhandledExceptionHandler, ready))
            {
                IsBackground = true,
                Name = loopName,
            };
            _threads[i].Start();
        }

        ready.Wait();
    }

    /// <summary>Gets the number of loops.</summary>
    public int Count => _loops.Length;

    /// <summary>Gets the loops, in index order.</summary>
    public IReadOnlyList<EventLoop> Loops => _loops;

    /// <summary>Gets the loop at <paramref name="index"/>.</summary>
    /// <param name="index">The index, from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The loop (use only its thread-safe members from other threads).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public EventLoop this[int index] => (uint)index < (uint)_loops.Length
        ? _loops[index]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"The group has {_loops.Length} loops.");

    /// <summary>Hands <paramref name="callback"/> to loop <paramref name="loop"/> from any thread (see <see cref="EventLoop.Post"/>).</summary>
    /// <param name="loop">The index of the loop.</param>
    /// <param name="callback">The callback, run on that loop's thread in its next tick.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="loop"/> is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The group was stopped.</exception>
    public void Post(int loop, Action callback) => this[loop].Post(callback);

    /// <summary>
    /// Starts a coroutine on loop <paramref name="loop"/> from any thread, and returns a <see cref="Task"/> that completes
    /// like it: <c>await group.Start(1, Work)</c> in async code, <c>yield return Co.Await(group.Start(1, Work))</c> in a
    /// coroutine of any loop.
    /// </summary>
    /// <param name="loop">The index of the loop.</param>
    /// <param name="coroutine">Creates the coroutine; called on the loop's thread, in its next tick.</param>
    /// <returns>A task that succeeds, faults with the coroutine's exception (the same object), or is cancelled like the
    /// loop task (also when <see cref="Stop"/> cancels it); it faults with <see cref="ObjectDisposedException"/> if the
    /// group stops before the coroutine started. Its continuations never run inline on the loop thread.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="loop"/> is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The group was stopped.</exception>
    /// <remarks>An exception thrown by <paramref name="coroutine"/> itself (or by <see cref="EventLoop.Start"/>) faults
    /// the returned task.</remarks>
    public Task Start(int loop, Func<IEnumerator<IAwaitable>> coroutine) =>
        Enqueue(new PendingStart<NoResult>(this, this[loop], coroutine, typed: false));

    /// <summary>Starts a coroutine that returns a value (<see cref="Co.Return{T}(T)"/>) on loop <paramref name="loop"/>
    /// from any thread, and returns a task of its result (see <see cref="Start"/>).</summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="loop">The index of the loop.</param>
    /// <param name="coroutine">Creates the coroutine; called on the loop's thread, in its next tick.</param>
    /// <returns>A task of the coroutine's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="loop"/> is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The group was stopped.</exception>
    public Task<T> Start<T>(int loop, Func<IEnumerator<IAwaitable>> coroutine) =>
        Enqueue(new PendingStart<T>(this, this[loop], coroutine, typed: true));

    /// <summary>
    /// Stops every loop after its current tick, closes each on its own thread (cancelling its pending tasks), and waits
    /// for the threads to end. Calling it again does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from one of the group's own loop threads (it would wait for
    /// itself); post the call to another thread instead.</exception>
    public void Stop()
    {
        foreach (Thread thread in _threads)
        {
            if (thread == Thread.CurrentThread)
            {
                throw new InvalidOperationException(
                    $"LoopGroup.Stop was called on the thread of its loop '{thread.Name}', and would wait for that thread to end. Call it from another thread.");
            }
        }

        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
        }

        _stopping = true;
        foreach (EventLoop loop in _loops)
        {
            loop.Stop();
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        // Starts that were posted but cancelled by Close before they ran.
        List<PendingStart> left;
        lock (_lock)
        {
            left = new List<PendingStart>(_pendingStarts);
            _pendingStarts.Clear();
        }

        foreach (PendingStart start in left)
        {
            start.Abandon();
        }
    }

    /// <summary>Same as <see cref="Stop"/>.</summary>
    /// <exception cref="InvalidOperationException">Called from one of the group's own loop threads.</exception>
    public void Dispose() => Stop();

    private void RunLoop(int index, string name, Action<Exception>? handler, CountdownEvent ready)
    {
        var loop = new EventLoop(null, name) { UnhandledExceptionHandler = handler };
        _loops[index] = loop;
        using (loop.InstallSynchronizationContext())
        {
            ready.Signal();
            try
            {
                while (!_stopping)
                {
                    loop.RunForever();   // returns on Stop; a Stop from user code alone does not end the thread
                }
            }
            finally
            {
                loop.Close();
            }
        }
    }

    private Task<T> Enqueue<T>(PendingStart<T> start)
    {
        lock (_lock)
        {
            _pendingStarts.Add(start);
        }

        if (!start.Loop.TryPost(start.Run))
        {
            Forget(start);
            throw new ObjectDisposedException(nameof(LoopGroup), $"The loop '{start.Loop.Name}' of the group is closed.");
        }

        return start.Task;
    }

    private bool Forget(PendingStart start)
    {
        lock (_lock)
        {
            return _pendingStarts.Remove(start);
        }
    }

    private abstract class PendingStart
    {
        internal abstract void Abandon();
    }

    private sealed class PendingStart<T> : PendingStart
    {
        private readonly LoopGroup _group;
        private readonly Func<IEnumerator<IAwaitable>> _coroutine;
        private readonly bool _typed;
        private readonly TaskCompletionSource<T> _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal PendingStart(LoopGroup group, EventLoop loop, Func<IEnumerator<IAwaitable>> coroutine, bool typed)
        {
            _group = group;
            Loop = loop;
            _coroutine = coroutine ?? throw new ArgumentNullException(nameof(coroutine));
            _typed = typed;
        }

        internal EventLoop Loop { get; }

        internal Task<T> Task => _source.Task;

        /// <summary>On the loop thread, in a tick.</summary>
        internal void Run()
        {
            _group.Forget(this);
            Future task;
            try
            {
                IEnumerator<IAwaitable> coroutine = _coroutine();
                task = _typed ? Loop.Start<T>(coroutine) : Loop.Start(coroutine);
            }
            catch (Exception ex)
            {
                _source.TrySetException(ex);
                return;
            }

            new TaskCompletionWatcher<T>(Loop, _source).AttachOnLoop(task);
        }

        internal override void Abandon() => _source.TrySetException(new ObjectDisposedException(
            nameof(LoopGroup), $"The loop group was stopped before the coroutine could start on loop '{Loop.Name}'."));
    }
}
