using System;
using System.Collections.Generic;

namespace YieldLoop.Benchmarks.Peers;

/// <summary>
/// W9's naive peer: a coroutine scheduler written the way hand-rolled Unity-style schedulers usually are, to show
/// what the engine's checks and bookkeeping cost beside one that has none. A <see cref="Queue{T}"/> of ready tasks,
/// a <see cref="PriorityQueue{TElement, TPriority}"/> of timers, and a completion future per task whose callbacks
/// are a plain <see cref="List{T}"/>.
/// </summary>
/// <remarks>
/// <para>It runs the very iterators the engine runs (<c>IEnumerator&lt;IAwaitable&gt;</c>): a yielded
/// <see cref="Co.NextTick"/> (compared by reference) or <c>null</c> means "again in the next tick"; any other yielded
/// value is not supported and throws.</para>
/// <para>What it leaves out on purpose, as such schedulers do: no thread check, no check that an iterator is
/// started once, no exception handling (an exception from a coroutine leaves <see cref="Tick"/> and the task is
/// lost), no cancellation, no names, no registry of live tasks, no disposal of finished iterators, and a callback
/// list allocated with every future whether or not anyone ever waits on it.</para>
/// </remarks>
internal sealed class NaiveScheduler
{
    private static readonly IAwaitable s_nextTick = Co.NextTick;

    private readonly Queue<NaiveTask> _ready = new();
    private readonly PriorityQueue<NaiveTask, double> _timers = new();

    /// <summary>Gets or sets the scheduler's time in seconds (the host sets it, like Unity's <c>Time.time</c>);
    /// timers are due when it reaches their time.</summary>
    internal double Now { get; set; }

    /// <summary>Gets whether nothing is left to run: no ready task and no timer.</summary>
    internal bool IsIdle => _ready.Count == 0 && _timers.Count == 0;

    /// <summary>Starts <paramref name="routine"/>: its first step runs in the next tick.</summary>
    internal NaiveTask Start(IEnumerator<IAwaitable> routine)
    {
        var task = new NaiveTask(routine);
        _ready.Enqueue(task);
        return task;
    }

    /// <summary>Starts <paramref name="routine"/> once <see cref="Now"/> reaches <paramref name="time"/>.</summary>
    internal NaiveTask StartAt(IEnumerator<IAwaitable> routine, double time)
    {
        var task = new NaiveTask(routine);
        _timers.Enqueue(task, time);
        return task;
    }

    /// <summary>
    /// Runs the tasks that were ready when the tick began (the ones they requeue run in the next tick), then the
    /// tasks whose timers are due. Never inlined, like the engine's tick and the bare loop's round, so that it is
    /// compiled the same way (see <see cref="Ratios.BareLoop"/>).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal void Tick()
    {
        int count = _ready.Count;
        for (int i = 0; i < count; i++)
        {
            Step(_ready.Dequeue());
        }

        while (_timers.TryPeek(out NaiveTask? task, out double time) && time <= Now)
        {
            _timers.Dequeue();
            Step(task);
        }
    }

    private void Step(NaiveTask task)
    {
        IEnumerator<IAwaitable> routine = task.Routine;
        if (!routine.MoveNext())
        {
            task.SetDone();
            return;
        }

        IAwaitable? yielded = routine.Current;
        if (yielded is null || ReferenceEquals(yielded, s_nextTick))
        {
            _ready.Enqueue(task);
            return;
        }

        throw new NotSupportedException($"The naive scheduler only understands Co.NextTick and null; the coroutine yielded {yielded}.");
    }
}

/// <summary>The naive peer's future: a done flag and the callbacks to run when it is set.</summary>
internal class NaiveFuture
{
    // Allocated with every future, as in the schedulers this one imitates (most futures never get a callback).
    private readonly List<Action> _callbacks = new();

    /// <summary>Gets whether the future is done.</summary>
    internal bool IsDone { get; private set; }

    /// <summary>Runs <paramref name="callback"/> when the future is done (at once when it already is).</summary>
    internal void OnDone(Action callback)
    {
        if (IsDone)
        {
            callback();
        }
        else
        {
            _callbacks.Add(callback);
        }
    }

    /// <summary>Marks the future done and runs its callbacks, inline.</summary>
    internal void SetDone()
    {
        IsDone = true;
        foreach (Action callback in _callbacks)
        {
            callback();
        }

        _callbacks.Clear();
    }
}

/// <summary>The naive peer's task: the coroutine it advances, and itself the future that is done when it ends.</summary>
internal sealed class NaiveTask : NaiveFuture
{
    internal NaiveTask(IEnumerator<IAwaitable> routine) => Routine = routine;

    /// <summary>Gets the coroutine.</summary>
    internal IEnumerator<IAwaitable> Routine { get; }
}
