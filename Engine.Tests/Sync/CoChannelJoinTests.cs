using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests.Sync;

/// <summary>CoChannel.TaskDone and Join: asyncio's Queue.task_done and join.</summary>
public class CoChannelJoinTests : LoopFixture
{
    public CoChannelJoinTests()
        : base("sync")
    {
    }

    [Test]
    public void Join_WaitsUntilEveryWrittenItemIsMarkedDone()
    {
        CoChannel<string> queue = CoChannel.Unbounded<string>(_loop);
        queue.TryWrite("a");
        queue.TryWrite("b");
        Assert.That(queue.UnfinishedCount, Is.EqualTo(2));
        Future join = queue.Join();

        queue.TryRead(out _);
        queue.TaskDone();
        Assert.That(join.IsCompleted, Is.False, "one item is still unfinished");
        queue.TryRead(out _);
        queue.TaskDone();

        Assert.That(join.IsSucceeded, Is.True);
        Assert.That(queue.UnfinishedCount, Is.Zero);
    }

    [Test]
    public void Join_WithNothingUnfinished_IsAlreadyComplete()
    {
        CoChannel<int> queue = CoChannel.Bounded<int>(_loop, 1);

        Assert.That(queue.Join().IsSucceeded, Is.True);
    }

    [Test]
    public void TaskDone_MoreTimesThanItems_Throws()
    {
        CoChannel<int> queue = CoChannel.Unbounded<int>(_loop);
        queue.TryWrite(1);
        queue.TaskDone();

        var error = Assert.Throws<InvalidOperationException>(() => queue.TaskDone());

        Assert.That(error!.Message, Does.StartWith("CoChannel.TaskDone() was called more times than items were written"));
        Assert.That(queue.UnfinishedCount, Is.Zero);
    }

    [Test]
    public void UnfinishedCount_CountsParkedWritesOnlyOnceAccepted_AndNotAFailedOne()
    {
        CoChannel<int> queue = CoChannel.Bounded<int>(_loop, 1);
        queue.TryWrite(1);
        Future parked = queue.Write(2);
        Assert.That(queue.UnfinishedCount, Is.EqualTo(1), "the parked write is not accepted yet");

        queue.TryRead(out _);
        Assert.That(parked.IsSucceeded, Is.True);
        Assert.That(queue.UnfinishedCount, Is.EqualTo(2));
        Future refused = queue.Write(3);
        queue.Complete();
        Assert.That(refused.IsFaulted, Is.True);
        Assert.That(queue.UnfinishedCount, Is.EqualTo(2), "a write that failed adds nothing");
        _ = refused.Exception;
    }

    [Test]
    public void Join_ProducerWaitsForConsumersToFinish_AsAsyncioQueueJoin()
    {
        CoChannel<int> queue = CoChannel.Unbounded<int>(_loop);
        var log = new List<string>();
        _loop.Start(Consume(queue, log));
        LoopTask producer = _loop.Start(ProduceAndJoin(queue, log));

        AdvanceAndTickUntil(producer);

        Assert.That(log, Is.EqualTo(new[] { "handled 1", "handled 2", "handled 3", "all handled" }));
    }

    private static IEnumerator<IAwaitable> ProduceAndJoin(CoChannel<int> queue, List<string> log)
    {
        for (int i = 1; i <= 3; i++)
        {
            yield return queue.Write(i);
        }

        yield return queue.Join();
        log.Add("all handled");
    }

    private static IEnumerator<IAwaitable> Consume(CoChannel<int> queue, List<string> log)
    {
        while (true)
        {
            Future<int> item = queue.Read();
            yield return item;
            yield return Co.Sleep(1);
            log.Add($"handled {item.Result}");
            queue.TaskDone();
        }
    }
}
