using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop.Checkpoints;

/// <summary>
/// The objects of one checkpoint: every object of the loop's state reachable from the loop, each with a spare instance
/// that holds a copy of its fields, found by walking references from the loop (see docs/design.md, "Checkpoints").
/// </summary>
/// <remarks>
/// <para><b>Model.</b> A checkpoint is a shallow copy of every object in the loop's closure: the loop object, its queues,
/// wheel and registry, every task, future, watcher and callback they hold, every iterator and closure those hold, and
/// the arrays and collections between them. Restoring copies each spare back into its live object. Because every object
/// of the closure is put back, every reference between them is as it was; objects made after the checkpoint are no
/// longer referenced by anything the loop holds. The walk stops at objects that are not the loop's (game objects,
/// strings, delegates' methods): their references are kept, their contents are the game's (<see cref="IRewindable"/>).</para>
/// <para><b>Reuse.</b> The walk keeps, per live object, its spare and the epoch of the last capture that reached it. A
/// checkpoint taken again into the same instance finds the same objects and copies into the same spares, so a game that
/// checkpoints every frame allocates only for objects that are new since the last capture; objects no longer reached are
/// dropped at the end of the capture.</para>
/// <para><b>Cost.</b> Per object: one identity lookup, one compiled copy and the visits of its reference fields. No
/// recursion (a worklist), so a chain of 100,000 timers in one wheel slot walks like any other.</para>
/// </remarks>
[NotRewound]
internal sealed class CheckpointWalk
{
    private readonly Dictionary<object, int> _index = new(ReferenceComparer.Instance);
    private readonly Dictionary<Type, CopyPlan> _plans = new();
    private Entry[] _entries = new Entry[64];
    private int _count;
    private int[] _work = new int[64];
    private int _workCount;
    private int _epoch;
    private EventLoop? _loop;
    private Type? _lastType;
    private CopyPlan? _lastPlan;

    // The replay log: the entry index each Visit of the last capture found, in order (-1 for an object that is not the
    // loop's). A capture of the same state meets the same references in the same order (the walk is deterministic), so
    // checking the logged entry first turns most identity lookups into a sequential read; a mismatch falls back to the
    // map. Entries moved by a sweep only cost misses: the check compares the object itself.
    private int[] _log = new int[64];
    private int _logCount;
    private int _logCursor;

    // Entries of pooled waits that the last capture copied, for the restore's checks.
    private readonly List<int> _pooled = new();

    /// <summary>Gets how many objects the last capture holds.</summary>
    internal int Count => _count;

    /// <summary>The first thing found that cannot be rewound, or null.</summary>
    internal string? Refusal { get; private set; }

    internal struct Entry
    {
        internal object Live;
        internal object? Spare;
        internal CopyPlan Plan;
        internal int Epoch;
        internal bool Copied;       // false for a pooled wait that was free at the capture (a stale reference)
        internal object? State;     // what an IRewindable captured
    }

    /// <summary>Gets the entries of the last capture (the first <see cref="Count"/>).</summary>
    internal Entry[] Entries => _entries;

    /// <summary>The copy the last capture made of <paramref name="obj"/>, or null when it did not reach it.</summary>
    internal object? CopyOf(object obj) => _index.TryGetValue(obj, out int i) && _entries[i].Epoch == _epoch && _entries[i].Copied ? _entries[i].Spare : null;

    /// <summary>Whether the last capture reached <paramref name="obj"/>.</summary>
    internal bool Holds(object obj) => _index.TryGetValue(obj, out int i) && _entries[i].Epoch == _epoch;

    /// <summary>Captures the closure of <paramref name="loop"/> and of <paramref name="roots"/> into this walk.</summary>
    internal void Capture(EventLoop loop, List<object>? roots)
    {
        _loop = loop;
        Refusal = null;
        _epoch++;
        _workCount = 0;
        _logCursor = 0;
        if (_index.TryGetValue(loop, out int root))
        {
            _entries[root].Epoch = _epoch;
            Push(root);
        }
        else
        {
            Reach(loop, CopyPlan.Loop);
        }
        if (roots is not null)
        {
            for (int i = 0; i < roots.Count; i++)
            {
                Visit(roots[i]);
            }
        }

        while (_workCount > 0)
        {
            Process(_work[--_workCount]);
        }

        _logCount = _logCursor;
        Sweep();
        _pooled.Clear();
        for (int i = 0; i < _count; i++)
        {
            if (_entries[i].Plan.Pooled && _entries[i].Copied)
            {
                _pooled.Add(i);
            }
        }
    }

    /// <summary>Gets the entries of the pooled waits the last capture copied.</summary>
    internal List<int> PooledEntries => _pooled;

    /// <summary>Visits a reference found in a field: queues the object for copying when it is the loop's.</summary>
    /// <remarks>Called by the compiled copiers (<see cref="CopyPlan"/>); kept small so the common case (an object already
    /// seen in this capture) costs one lookup.</remarks>
    internal void Visit(object? obj)
    {
        if (obj is null)
        {
            return;
        }

        int at = _logCursor++;
        if (at == _log.Length)
        {
            Array.Resize(ref _log, at * 2);
        }

        int i;
        if (at < _logCount && (uint)(i = _log[at]) < (uint)_count && ReferenceEquals(_entries[i].Live, obj)
            || _index.TryGetValue(obj, out i))
        {
            _log[at] = i;
            ref Entry entry = ref _entries[i];
            if (entry.Epoch != _epoch)
            {
                entry.Epoch = _epoch;
                Push(i);
            }

            return;
        }

        _log[at] = -1;

        Type type = obj.GetType();
        CopyPlan plan;
        if (ReferenceEquals(type, _lastType))
        {
            plan = _lastPlan!;
        }
        else
        {
            if (!_plans.TryGetValue(type, out plan!))
            {
                plan = CopyPlan.For(type);
                _plans[type] = plan;
            }

            _lastType = type;
            _lastPlan = plan;
        }

        switch (plan.Kind)
        {
            case PlanKind.Opaque:
                return;
            case PlanKind.Delegate:
                // Immutable itself; what it captured (a closure) is the loop's state when the compiler made it.
                var d = (Delegate)obj;
                if (d.Target is { } target)
                {
                    Visit(target);
                }

                return;
            case PlanKind.Weak:
                Visit(plan.WeakTarget!(obj));
                return;
            default:
                _log[at] = _count;
                Reach(obj, plan);
                return;
        }
    }

    /// <summary>The reflection fallback's visit: boxed structs are walked field by field.</summary>
    internal void VisitBoxed(object? value, Type declared)
    {
        if (value is null)
        {
            return;
        }

        if (declared.IsValueType && !declared.IsPrimitive && !declared.IsEnum)
        {
            foreach (System.Reflection.FieldInfo f in declared.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
            {
                if (CopyPlan.MayHoldLoopState(f.FieldType))
                {
                    VisitBoxed(f.GetValue(value), f.FieldType);
                }
            }

            return;
        }

        if (!declared.IsValueType)
        {
            Visit(value);
        }
    }

    private void Reach(object obj, CopyPlan plan)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _count * 2);
        }

        int i = _count++;
        _entries[i] = new Entry { Live = obj, Plan = plan, Epoch = _epoch };
        _index.Add(obj, i);
        Push(i);
    }

    private void Push(int index)
    {
        if (_workCount == _work.Length)
        {
            Array.Resize(ref _work, _workCount * 2);
        }

        _work[_workCount++] = index;
    }

    private void Process(int i)
    {
        ref Entry entry = ref _entries[i];
        object live = entry.Live;
        CopyPlan plan = entry.Plan;
        switch (plan.Kind)
        {
            case PlanKind.Fields:
                if (plan.Pooled && !((IPooledWait)live).IsRented)
                {
                    // A coroutine's stale reference to a wait it already finished: the object may serve someone else
                    // by now; its contents are not this loop's.
                    entry.Copied = false;
                    return;
                }

                object spare = entry.Spare ??= plan.NewSpare(live);
                entry.Copied = true;
                plan.CopyAndVisit!(live, spare, this);
                if (plan.Node && ((LoopNode)live)._loop is { } owner && !ReferenceEquals(owner, _loop) && Refusal is null)
                {
                    Refusal = $"{((LoopNode)live).Describe()} belongs to loop '{owner.Name}', not to loop '{_loop!.Name}': a checkpoint rewinds one loop, and that loop goes on without it. Wait for it to complete before the checkpoint, or checkpoint the loops separately with nothing waited on across them.";
                }

                return;
            case PlanKind.Array:
                var array = (Array)live;
                var copy = (Array)(entry.Spare ??= plan.NewSpare(live));
                entry.Copied = true;
                Array.Copy(array, copy, array.Length);
                if (plan.ReferenceElements)
                {
                    if (array is object?[] objects)
                    {
                        for (int k = 0; k < objects.Length; k++)
                        {
                            Visit(objects[k]);
                        }
                    }
                }
                else if (plan.VisitElements is { } visitElements)
                {
                    visitElements(array, this);
                }

                return;
            case PlanKind.Rewindable:
                entry.Copied = true;
                ((IRewindable)live).Capture(ref entry.State);
                return;
            case PlanKind.Exception:
                entry.Copied = true;
                var marks = (ExceptionMarks)(entry.State ??= new ExceptionMarks());
                marks.Capture((Exception)live);
                Visit(marks.Trace);
                Visit(marks.Suppressed);
                return;
        }
    }

    // Drops the objects the last capture did not reach, so the walk holds no memory of a finished timeline.
    private void Sweep()
    {
        int i = 0;
        while (i < _count)
        {
            if (_entries[i].Epoch == _epoch)
            {
                i++;
                continue;
            }

            _index.Remove(_entries[i].Live);
            int last = --_count;
            if (i != last)
            {
                _entries[i] = _entries[last];
                _index[_entries[i].Live] = i;
            }

            _entries[last] = default;
        }
    }

    /// <summary>Copies every captured object's spare back into it.</summary>
    internal void Restore()
    {
        for (int i = 0; i < _count; i++)
        {
            ref Entry entry = ref _entries[i];
            if (!entry.Copied)
            {
                continue;
            }

            switch (entry.Plan.Kind)
            {
                case PlanKind.Fields:
                    entry.Plan.Copy!(entry.Spare!, entry.Live);
                    break;
                case PlanKind.Array:
                    var spare = (Array)entry.Spare!;
                    Array.Copy(spare, (Array)entry.Live, spare.Length);
                    break;
                case PlanKind.Rewindable:
                    ((IRewindable)entry.Live).Rewind(entry.State);
                    break;
                case PlanKind.Exception:
                    ((ExceptionMarks)entry.State!).Restore((Exception)entry.Live);
                    break;
            }
        }
    }

    /// <summary>Forgets everything (a checkpoint that is dropped or belongs to a closed loop).</summary>
    internal void Clear()
    {
        _index.Clear();
        Array.Clear(_entries, 0, _count);
        _count = 0;
        _logCount = 0;
        _pooled.Clear();
        _loop = null;
    }
}

/// <summary>
/// What the engine keeps in an exception's <c>Data</c>: whether the loop reported it, its coroutine trace and the
/// failures suppressed behind it. A fault before a checkpoint that is reported after it must be reported again in the
/// restored timeline, and its trace must not gain the abandoned timeline's frames.
/// </summary>
internal sealed class ExceptionMarks
{
    internal bool Reported;
    internal CoroutineTraceRecord? Trace;
    internal System.Collections.Generic.List<Exception>? Suppressed;

    internal void Capture(Exception exception)
    {
        System.Collections.IDictionary data = exception.Data;
        Reported = data.Contains(CoroutineTraceRecord.ReportedKey);
        Trace = data.Contains(CoroutineTraceRecord.Key) ? data[CoroutineTraceRecord.Key] as CoroutineTraceRecord : null;
        Suppressed = data.Contains(CoroutineTraceRecord.SuppressedKey) ? data[CoroutineTraceRecord.SuppressedKey] as System.Collections.Generic.List<Exception> : null;
    }

    internal void Restore(Exception exception)
    {
        try
        {
            System.Collections.IDictionary data = exception.Data;
            Set(data, CoroutineTraceRecord.ReportedKey, Reported ? true : null);
            Set(data, CoroutineTraceRecord.Key, Trace);
            Set(data, CoroutineTraceRecord.SuppressedKey, Suppressed);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            // A read-only Data dictionary: the engine could not write its marks there in the first place.
        }
    }

    private static void Set(System.Collections.IDictionary data, string key, object? value)
    {
        if (value is null)
        {
            data.Remove(key);
        }
        else
        {
            data[key] = value;
        }
    }
}
