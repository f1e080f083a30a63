// Snippets of docs/embedding.md, section "Pitfalls".
using System;
using System.Collections.Generic;
using System.Threading;
using YieldLoop;

namespace MyGame;

public sealed class Door
{
    public bool IsOpen { get; set; }
}

public static class PitfallSnippets
{
    // <snippet:pitfall-wait>
    public static IEnumerator<IAwaitable> EnterWhenOpen(Door door, Action enter)
    {
        // Not loop.Tick() in a loop here: this code runs inside a Tick, and the loop throws.
        yield return Co.WaitUntil(() => door.IsOpen);   // checked once per tick; the frame goes on meanwhile
        enter();
    }
    // </snippet:pitfall-wait>
}

/// <summary>A chat fed by a network thread.</summary>
public sealed class Chat
{
    private readonly EventLoop _loop;

    public Chat(EventLoop loop) => _loop = loop;

    public List<string> Lines { get; } = new();

    // <snippet:pitfall-post>
    // Called on the network thread.
    public void OnMessage(string text) => _loop.Post(() => Lines.Add(text));   // runs on the loop thread, next tick

    // Called on the network thread when a request gets its answer: completes a future that a coroutine waits on.
    public static void OnReply(FutureSource<string> reply, string text) => reply.PostResult(text);
    // </snippet:pitfall-post>
}

public static class PathSnippets
{
    public static int[] FindPath(int from, int to)
    {
        var path = new int[Math.Abs(to - from) + 1];
        for (int i = 0; i < path.Length; i++)
        {
            path[i] = from + (from < to ? i : -i);
        }

        Thread.SpinWait(1000);   // stands for a long search
        return path;
    }

    // <snippet:pitfall-offload>
    public static IEnumerator<IAwaitable> Walk(int from, int to, Action<int> moveTo)
    {
        Future<int[]> path = Co.Offload(() => FindPath(from, to));   // a thread-pool thread; no game objects there
        yield return path;                                           // the frame goes on meanwhile
        foreach (int cell in path.Result)                            // back on the loop thread
        {
            moveTo(cell);
            yield return Co.NextTick;
        }
    }
    // </snippet:pitfall-offload>
}
