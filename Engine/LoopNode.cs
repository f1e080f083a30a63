using System.ComponentModel;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// The engine's unit of scheduling: what its ready queue, timer wheel and waiter lists hold. <see cref="Future"/>
/// (and so every task and callback handle) derives from it; only the engine can derive from it, and it has no public
/// members.
/// </summary>
/// <remarks>
/// It is public only because C# does not let a public class (<see cref="Future"/>) derive from an internal one; its
/// constructor and fields are internal. See docs/design.md, "The scheduled node".
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class LoopNode
{
    // The node's layout, shared by every kind so that the queues, the wheel and the waiter lists hold one type and the
    // hot path reads fields without virtual calls. On a 64-bit runtime: header 16 + these 40 bytes = 56 for a watcher
    // or callback node; Future adds its outcome slot (8) for 64 bytes, the size of an untyped task. Which meaning a
    // field holds depends on the node's kind and state; each two-meaning field has one typed accessor per meaning
    // below, with a Debug.Assert of which meaning holds.

    /// <summary>The loop this node belongs to; fixed for life. Yielding a future on another loop is an error (R61).</summary>
    internal readonly EventLoop _loop;

    /// <summary>
    /// For a task, while pending: its coroutine frames (the iterator itself when it has one frame and no name, else
    /// a FrameStack); once completed, what its name needs (a string or the root iterator's Type), so a finished task
    /// keeps its name without holding its iterator. For a callback node: its delegate. For a watcher: a marker string.
    /// </summary>
    internal object? _frame;

    /// <summary>
    /// While the node sits in the timer wheel (<see cref="StateBits.InWheel"/>): the next node of its slot. Otherwise,
    /// for a parked task: what it waits on (a Future, SettleRequest, CustomWaker, LoopPhase), null when ready; for a
    /// completion callback: the future it reports; for a succeeded untyped task: the value its coroutine returned.
    /// </summary>
    internal object? _link;

    /// <summary>The timer deadline in loop ticks while the node is in the wheel.</summary>
    internal long _deadline;

    /// <summary>StateBits: the FutureState in the low bits plus the engine's flags (kind, cancel, wheel...).</summary>
    internal int _state;

    /// <summary>Tasks and callback handles: the index in the loop's registry of live work; -1 when not registered.</summary>
    internal int _liveIndex = -1;

    internal LoopNode(EventLoop loop, object? frame, int flags)
    {
        _loop = loop;
        _frame = frame;
        _state = flags;
    }

    /// <summary>The name used in messages: a task's or callback's name (see <see cref="Names.OfTask"/>).</summary>
    internal string NodeName => Names.OfTask(this);

    /// <summary>Whether the node is a coroutine task (not a callback, completion callback or watcher).</summary>
    internal bool IsCoroutineTask => (_state & StateBits.KindMask) == 0;

    /// <summary>The next node of the same timer slot; only while the node is in the wheel.</summary>
    internal LoopNode? NextInSlot
    {
        get
        {
            Debug.Assert((_state & StateBits.InWheel) != 0, "NextInSlot read on a node that is not in the timer wheel");
            return (LoopNode?)_link;
        }

        set
        {
            Debug.Assert((_state & StateBits.InWheel) != 0, "NextInSlot set on a node that is not in the timer wheel");
            _link = value;
        }
    }

    /// <summary>
    /// What a parked task waits on (a Future, SettleRequest, CustomWaker or LoopPhase), null when it waits on nothing;
    /// only while it is not in the wheel. (A stale queue entry that only compares identity may read <see cref="_link"/>
    /// directly: a reference comparison is right whatever the field holds.)
    /// </summary>
    internal object? WaitedOn
    {
        get
        {
            Debug.Assert((_state & StateBits.InWheel) == 0, "WaitedOn read on a node in the timer wheel (its link is the slot chain)");
            return _link;
        }

        set
        {
            Debug.Assert((_state & StateBits.InWheel) == 0, "WaitedOn set on a node in the timer wheel (its link is the slot chain)");
            Debug.Assert((_state & StateBits.StateMask) == 0, "a completed task waits on nothing");
            _link = value;
        }
    }

    /// <summary>A short name used in messages: "future", "task 'Paint'".</summary>
    internal abstract string Describe();
}
