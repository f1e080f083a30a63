using System;
using System.Collections.Generic;

namespace YieldLoop.Internal;

/// <summary>
/// The frames of a task that runs child coroutines inline (the trampoline, R24-R25), or that has a name.
/// </summary>
/// <remarks>
/// Yielding <c>Co.Call(child)</c> pushes the child's iterator; when the child ends it is popped and the parent
/// continues in the same step. The loop walks the top frame in a <c>while</c> loop, so nesting depth costs heap
/// (these arrays), never call stack: 100,000 nested children run and unwind without stack overflow. The arrays are
/// allocated once per task and reused as the depth goes up and down, so a nested call allocates nothing in steady
/// state (W4 in docs/performance.md).
/// </remarks>
internal sealed class FrameStack
{
    internal IEnumerator<IAwaitable>?[] Frames;

    // Calls[i] is the Co.Call request that pushed Frames[i] (null for the root frame): where its result goes.
    internal Call?[] Calls;
    internal int Count;

    // The name given at start, or null to derive it from the root iterator.
    internal string? Name;

    // The scope the task was started in, or null.
    internal Scope? Scope;

    // The clock the task is bound to (its Co.Sleep waits follow it), or null for loop time.
    internal GameClock? Clock;

    // The clock whose wheel holds (or froze) the task's current timer, when StateBits.ClockTimer is set.
    internal GameClock? TimerClock;

    internal FrameStack(IEnumerator<IAwaitable> root, string? name)
    {
        Frames = new IEnumerator<IAwaitable>?[4];
        Calls = new Call?[4];
        Frames[0] = root;
        Count = 1;
        Name = name;
    }

    internal IEnumerator<IAwaitable> Top => Frames[Count - 1]!;

    internal void Push(IEnumerator<IAwaitable> frame, Call call)
    {
        if (Count == Frames.Length)
        {
            Array.Resize(ref Frames, Count * 2);
            Array.Resize(ref Calls, Count * 2);
        }

        Frames[Count] = frame;
        Calls[Count] = call;
        Count++;
    }

    internal Call? Pop()
    {
        Count--;
        Call? call = Calls[Count];
        Frames[Count] = null;
        Calls[Count] = null;
        return call;
    }
}
