using System;
using System.Collections.Generic;
using System.Threading;
using MyGame;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>Runs the pitfall snippets of docs/embedding.md.</summary>
public class PitfallSnippetTests
{
    [Test]
    public void EnterWhenOpen_WaitsTickByTick_WithoutBlockingTheFrame()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        var door = new Door();
        bool entered = false;
        loop.Start(PitfallSnippets.EnterWhenOpen(door, () => entered = true));

        for (int i = 0; i < 5; i++)
        {
            loop.Tick();
        }

        Assert.That(entered, Is.False);
        door.IsOpen = true;
        loop.Tick();
        loop.Tick();
        Assert.That(entered, Is.True);
    }

    [Test]
    public void MessagesPostedFromANetworkThread_ArriveOnTheLoopThread_AtTheNextTick()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        var chat = new Chat(loop);
        var network = new Thread(() =>
        {
            chat.OnMessage("hello");
            chat.OnMessage("world");
        });

        network.Start();
        network.Join();
        Assert.That(chat.Lines, Is.Empty);
        loop.Tick();

        Assert.That(chat.Lines, Is.EqualTo(new[] { "hello", "world" }));
    }

    [Test]
    public void AReplyPostedFromAnotherThread_CompletesTheFutureACoroutineWaitsOn()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        var reply = new FutureSource<string>(loop);
        var network = new Thread(() => Chat.OnReply(reply, "pong"));

        network.Start();
        string answer = loop.RunUntilComplete<string>(Ask(reply.Future));
        network.Join();

        Assert.That(answer, Is.EqualTo("pong"));

        static IEnumerator<IAwaitable> Ask(Future<string> reply)
        {
            yield return reply;
            yield return Co.Return(reply.Result);
        }
    }

    [Test]
    public void Walk_FindsItsPathOnTheThreadPool_AndMovesOnTheLoopThread()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        int loopThread = Environment.CurrentManagedThreadId;
        var cells = new List<int>();
        var threads = new HashSet<int>();

        loop.RunUntilComplete(PathSnippets.Walk(3, 7, cell =>
        {
            cells.Add(cell);
            threads.Add(Environment.CurrentManagedThreadId);
        }));

        Assert.That(cells, Is.EqualTo(new[] { 3, 4, 5, 6, 7 }));
        Assert.That(threads, Is.EqualTo(new[] { loopThread }));
    }
}
