using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// Maps a completed child future back to its argument positions. A future passed twice (<c>WhenAll(a, a)</c>) is
/// watched once but occupies two positions, so the watcher learns every position from one notification.
/// </summary>
/// <remarks>Small argument lists are scanned (no allocation beyond the chain array); large ones (a wait on 10,000
/// tasks) use a dictionary, so each completion costs O(1) rather than O(n).</remarks>
internal sealed class ChildIndex
{
    private const int ScanLimit = 16;

    private readonly Future[] _children;
    private readonly Dictionary<object, int>? _first;

    // _next[i]: the next position holding the same future as position i, or -1.
    private readonly int[] _next;

    internal ChildIndex(Future[] children)
    {
        _children = children;
        _next = new int[children.Length];
        if (children.Length <= ScanLimit)
        {
            for (int i = 0; i < children.Length; i++)
            {
                _next[i] = -1;
                for (int j = i + 1; j < children.Length; j++)
                {
                    if (ReferenceEquals(children[i], children[j]))
                    {
                        _next[i] = j;
                        break;
                    }
                }
            }

            return;
        }

        _first = new Dictionary<object, int>(children.Length, ReferenceComparer.Instance);
        var last = new Dictionary<object, int>(ReferenceComparer.Instance);
        for (int i = 0; i < children.Length; i++)
        {
            _next[i] = -1;
            if (last.TryGetValue(children[i], out int previous))
            {
                _next[previous] = i;
            }
            else
            {
                _first.Add(children[i], i);
            }

            last[children[i]] = i;
        }
    }

    /// <summary>Whether position <paramref name="index"/> is the first one holding its future.</summary>
    internal bool IsFirst(int index)
    {
        if (_first is not null)
        {
            return _first[_children[index]] == index;
        }

        for (int j = 0; j < index; j++)
        {
            if (ReferenceEquals(_children[j], _children[index]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first position of <paramref name="child"/>, or -1.</summary>
    internal int First(Future child)
    {
        if (_first is not null)
        {
            return _first.TryGetValue(child, out int index) ? index : -1;
        }

        for (int i = 0; i < _children.Length; i++)
        {
            if (ReferenceEquals(_children[i], child))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The next position holding the same future as <paramref name="index"/>, or -1.</summary>
    internal int Next(int index) => _next[index];
}
