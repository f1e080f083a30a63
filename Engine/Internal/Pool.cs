using System;
using System.Diagnostics;

namespace YieldLoop.Internal;

/// <summary>
/// The engine's one pool: a per-thread free list of the one-shot waits that <c>Co.Sleep</c>, <c>Co.Call</c>,
/// <c>Co.Return</c> and <c>Co.Settle</c> hand out, at most <see cref="Capacity"/> free objects per type and thread.
/// </summary>
/// <remarks>
/// <para>Per thread, so renting and returning take no lock: a wait is rented on the thread that calls <c>Co.Sleep</c>
/// (normally the loop thread, inside a step) and returned on the loop thread when the loop has read it, so an object can
/// move from one thread's list to another's; each list only ever sees its own thread.</para>
/// <para>The cap bounds what a burst leaves behind (100,000 nested <c>Co.Call</c>s rent 100,000 calls at once): beyond
/// it a returned object is left to the garbage collector. In steady state (a loop that rents and returns about as many
/// as it holds) rent and return allocate nothing: the list's array is allocated once per thread and type.</para>
/// <para>The pool does not know whether an object is in use; each pooled object carries a <see cref="PoolStamp"/> that
/// does, and that detects a stale holder (see there).</para>
/// </remarks>
/// <typeparam name="T">The pooled type.</typeparam>
internal static class Pool<T>
    where T : class, new()
{
    /// <summary>The most free objects of type <typeparamref name="T"/> one thread keeps.</summary>
    internal const int Capacity = 256;

    // One thread-static reference per operation (a second one for the count would cost a second TLS lookup).
    [ThreadStatic]
    private static FreeList? t_list;

    /// <summary>Gets how many free objects this thread's list holds (for tests).</summary>
    internal static int FreeCount => t_list?.Count ?? 0;

    /// <summary>Takes a free object of this thread, or a new one when there is none.</summary>
    internal static T Rent()
    {
        FreeList? list = t_list;
        if (list is null || list.Count == 0)
        {
            return new T();
        }

        int last = --list.Count;
        T item = list.Items[last]!;
        list.Items[last] = null;
        return item;
    }

    /// <summary>Gives <paramref name="item"/> back to this thread's list, or drops it when the list is full.</summary>
    /// <remarks>The caller returns an object at most once per rent (its <see cref="PoolStamp.TryReturn"/> says so): the
    /// same object twice in the list would be handed to two holders at once.</remarks>
    internal static void Return(T item)
    {
        FreeList list = t_list ??= PoolRegistry.Add(new FreeList());
        if (list.Count < Capacity)
        {
            list.Items[list.Count++] = item;
        }
    }

    private sealed class FreeList : PoolRegistry.List
    {
        internal readonly T?[] Items = new T?[Capacity];

        internal int Count;

        internal override void DropRented()
        {
            int kept = 0;
            for (int i = 0; i < Count; i++)
            {
                T item = Items[i]!;
                if (item is Checkpoints.IPooledWait { IsRented: true })
                {
                    continue;
                }

                Items[kept++] = item;
            }

            System.Array.Clear(Items, kept, Count - kept);
            Count = kept;
        }
    }
}

/// <summary>
/// This thread's free lists, one per pooled type, for <see cref="EventLoop.Restore"/>: a restore puts back in use the
/// pooled waits a checkpoint held, and one that was given back since must leave its free list (else the pool would hand
/// it to a second holder).
/// </summary>
internal static class PoolRegistry
{
    [ThreadStatic]
    private static System.Collections.Generic.List<List>? t_lists;

    internal static TList Add<TList>(TList list)
        where TList : List
    {
        (t_lists ??= new System.Collections.Generic.List<List>()).Add(list);
        return list;
    }

    /// <summary>Removes from this thread's free lists every object that is rented (in use) again.</summary>
    internal static void DropRented()
    {
        System.Collections.Generic.List<List>? lists = t_lists;
        if (lists is null)
        {
            return;
        }

        for (int i = 0; i < lists.Count; i++)
        {
            lists[i].DropRented();
        }
    }

    internal abstract class List
    {
        internal abstract void DropRented();
    }
}

/// <summary>
/// The version stamp of a pooled one-shot wait: whether it is rented now, which rent this is, and who rented it.
/// </summary>
/// <remarks>
/// <para>Rent and return each add one to <see cref="Version"/>, so it is odd exactly while the object is rented, and a
/// version a holder captured no longer matches once the object went back to the pool, nor after it was rented again:
/// an engine holder that keeps a wait beyond its yield (the debug check of never-yielded calls) keeps the version with
/// it (<see cref="IsCurrent"/>).</para>
/// <para>The coroutine itself holds a bare reference (the public API returns <see cref="IAwaitable"/>; a struct token
/// would box, so it cannot carry the version), so the loop checks a yield against the renter instead: the task whose
/// step made the wait. A wait yielded again after its first wait is either free (not rented: <see cref="IsRented"/> is
/// false) or rented again, by another step's <c>Co.Sleep</c>; a yield by a task other than the renter is then refused
/// (<see cref="MayBeYieldedBy"/>) rather than taking over the other task's wait. What stays undetectable is a stale
/// reference yielded by the very task that rented the object again, before yielding the new one: that task then meets
/// the error at its second yield of the same object. A wait made outside any step has no renter and may be yielded by
/// any task, once.</para>
/// </remarks>
internal struct PoolStamp
{
    // Odd while rented, even while free (see remarks). Wraps after 2^31 rents; a stale holder would need to come back
    // after exactly that many to be fooled.
    private int _version;

    // The task (or callback) whose step rented the object, or null when it was rented outside any step or is free.
    private Future? _renter;

    /// <summary>Gets the current version: odd while rented.</summary>
    internal readonly int Version => _version;

    /// <summary>Gets whether the object is rented now (handed out and not yet given back).</summary>
    internal readonly bool IsRented => (_version & 1) != 0;

    /// <summary>Gets the task whose step rented the object, or null.</summary>
    internal readonly Future? Renter => _renter;

    /// <summary>Marks the object rented by the running step (if any); returns the new version for a holder to keep.</summary>
    internal int Rent()
    {
        Debug.Assert(!IsRented, "A pooled object was rented while still in use.");
        _renter = EventLoop.Current?.CurrentTask;
        return ++_version;
    }

    /// <summary>Marks the object free; false when it already was (so the caller must not return it to the pool again).</summary>
    internal bool TryReturn()
    {
        if (!IsRented)
        {
            return false;
        }

        _version++;
        _renter = null;
        return true;
    }

    /// <summary>Whether a holder that captured <paramref name="version"/> still holds the same rent.</summary>
    internal readonly bool IsCurrent(int version) => _version == version;

    /// <summary>Whether <paramref name="task"/> may yield the object now: it is rented, by this task or outside any step.</summary>
    internal readonly bool MayBeYieldedBy(Future task) =>
        IsRented && (_renter is null || ReferenceEquals(_renter, task));

    /// <summary>The error for a yield that <see cref="MayBeYieldedBy"/> refused: what happened and what to do.</summary>
    /// <param name="task">The task that yielded the stale object.</param>
    /// <param name="kind">The factory that made it (<c>Co.Sleep</c>, <c>Co.Call</c>, ...).</param>
    internal readonly InvalidOperationException StaleUse(Future task, string kind)
    {
        string fix = $"{kind} returns a one-shot object: call {kind} again for each wait.";
        return _renter is { } other
            ? new InvalidOperationException(
                $"Coroutine '{task.NodeName}' yielded a {kind} object that was already used: its one wait is over, and the pool has since handed it out again, to '{other.NodeName}'. The loop refuses it rather than take over that wait. {fix}")
            : new InvalidOperationException(
                $"Coroutine '{task.NodeName}' yielded a {kind} object that was already used: its one wait is over. {fix}");
    }
}
