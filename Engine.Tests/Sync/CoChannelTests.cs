using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace YieldLoop.Tests.Sync;

/// <summary>CoChannel: FIFO items, parked producers and consumers, completion, and cancel-safe reads.</summary>
public class CoChannelTests : LoopFixture
{
    public CoChannelTests()
        : base("sync")
    {
    }

    [Test]
    public void Items_AreReadInTheOrderTheyWereWritten()
    {
        var t = new TestLoop();
        var ch = CoChannel.Unbounded<int>(t.Loop);

        for (int i = 0; i < 5; i++)
        {
            Assert.That(ch.Write(i).IsSucceeded, Is.True);
        }

        Assert.That(ch.Count, Is.EqualTo(5));
        var got = new List<int>();
        while (ch.TryRead(out int x))
        {
            got.Add(x);
        }

        Assert.That(got, Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
    }

    [Test]
    public void ParkedReaders_AreServedFifo_InTheNextTick()
    {
        var t = new TestLoop();
        var ch = CoChannel.Unbounded<string>(t.Loop);
        var log = new List<string>();
        foreach (string name in new[] { "A", "B", "C" })
        {
            t.Loop.Start(ReadOne(ch, name, log));
        }

        t.Tick();
        ch.Write("x");
        ch.Write("y");
        ch.Write("z");
        Assert.That(ch.Count, Is.Zero, "handed straight to the parked readers");
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "A got x", "B got y", "C got z" }));
    }

    [Test]
    public void ABoundedChannel_ParksProducersWhileFull_AndResumesThemFifo()
    {
        var t = new TestLoop();
        var ch = CoChannel.Bounded<string>(t.Loop, 2);
        var log = new List<string>();
        foreach (string name in new[] { "P", "Q", "R" })
        {
            t.Loop.Start(WriteOne(ch, name, log));
        }

        Assert.That(ch.TryWrite("early"), Is.True);
        Assert.That(ch.TryWrite("early2"), Is.True);
        t.Tick();
        Assert.That(log, Is.Empty, "all three park: the channel is full");
        Assert.That(ch.TryWrite("barger"), Is.False);

        Assert.That(ch.TryRead(out string? first), Is.True);
        Assert.That(first, Is.EqualTo("early"));
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "P wrote" }));
        Assert.That(ch.TryRead(out _), Is.True);
        Assert.That(ch.TryRead(out _), Is.True);
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { "P wrote", "Q wrote", "R wrote" }));

        var rest = new List<string>();
        while (ch.TryRead(out string? x))
        {
            rest.Add(x);
        }

        Assert.That(rest, Is.EqualTo(new[] { "Q", "R" }));
    }

    [Test]
    public void AReaderCancelledBeforeAnItemArrived_TakesNothing()
    {
        var t = new TestLoop();
        var ch = CoChannel.Unbounded<int>(t.Loop);
        var log = new List<string>();
        LoopTask a = t.Loop.Start(ReadOne(ch, "A", log));
        t.Loop.Start(ReadOne(ch, "B", log));
        t.Tick();
        a.Cancel();
        t.Tick();

        ch.Write(1);
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "B got 1" }));
        Assert.That(ch.Count, Is.Zero);
    }

    [Test]
    public void AReaderCancelledAfterItsItemWasDelivered_PutsTheItemBackAtTheFront_NeitherLostNorDuplicated()
    {
        var t = new TestLoop();
        var ch = CoChannel.Unbounded<int>(t.Loop);
        var log = new List<string>();
        LoopTask a = t.Loop.Start(ReadOne(ch, "A", log));
        t.Tick();

        ch.Write(1);    // delivered to A, which resumes only in the next tick
        ch.Write(2);
        a.Cancel();

        Assert.That(ch.Count, Is.EqualTo(2));
        Assert.That(ch.TryRead(out int x), Is.True);
        Assert.That(x, Is.EqualTo(1), "back in its place, ahead of the later item");
        Assert.That(ch.TryRead(out x), Is.True);
        Assert.That(x, Is.EqualTo(2));
        t.Tick();
        Assert.That(log, Is.Empty);
    }

    [Test]
    public void AReaderCancelledAfterDelivery_HandsTheItemToTheNextParkedReader()
    {
        var t = new TestLoop();
        var ch = CoChannel.Unbounded<int>(t.Loop);
        var log = new List<string>();
        LoopTask a = t.Loop.Start(ReadOne(ch, "A", log));
        t.Loop.Start(ReadOne(ch, "B", log));
        t.Tick();

        ch.Write(7);
        a.Cancel();
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "B got 7" }));
    }

    [Test]
    public void TwoReadersCancelledAfterDelivery_PutTheirItemsBackInWriteOrder()
    {
        var t = new TestLoop();
        var ch = CoChannel.Unbounded<int>(t.Loop);
        var log = new List<string>();
        LoopTask a = t.Loop.Start(ReadOne(ch, "A", log));
        LoopTask b = t.Loop.Start(ReadOne(ch, "B", log));
        t.Tick();

        ch.Write(1);
        ch.Write(2);
        ch.Write(3);
        b.Cancel();   // returns 2 first
        a.Cancel();   // then 1, which still goes ahead of 2

        var got = new List<int>();
        while (ch.TryRead(out int x))
        {
            got.Add(x);
        }

        Assert.That(got, Is.EqualTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public void AReadFutureCancelledDirectly_IsSkipped()
    {
        var t = new TestLoop();
        var ch = CoChannel.Unbounded<int>(t.Loop);
        Future<int> first = ch.Read();
        Future<int> second = ch.Read();

        first.Cancel();
        ch.Write(5);

        Assert.That(first.IsCancelled, Is.True);
        Assert.That(second.Result, Is.EqualTo(5));
    }

    [Test]
    public void Complete_LetsReadersDrainTheRest_ThenTheNaturalLoopEnds()
    {
        var t = new TestLoop();
        var ch = CoChannel.Bounded<int>(t.Loop, 3);
        var got = new List<int>();
        LoopTask consumer = t.Loop.Start(DrainAll(ch, got));
        LoopTask producer = t.Loop.Start(Produce(ch, 10, complete: true));

        t.Tick(40);

        Assert.That(producer.IsSucceeded, Is.True);
        Assert.That(consumer.IsSucceeded, Is.True);
        Assert.That(got, Is.EqualTo(Enumerable.Range(0, 10)));
        Assert.That(ch.WaitToRead().Result, Is.False);
        Future<int> read = ch.Read();
        Assert.That(read.IsFaulted, Is.True);
        Assert.That(read.Exception!.Message, Is.EqualTo(
            "The channel is completed and every item was read. Use WaitToRead() to find the end without an exception."));
    }

    [Test]
    public void Complete_WithAnError_FailsReadersWithThatSameException_AfterTheItemsLeft()
    {
        var t = new TestLoop();
        var ch = CoChannel.Unbounded<int>(t.Loop);
        var boom = new InvalidProgramException("producer failed");
        ch.Write(1);
        ch.Complete(boom);

        Assert.That(ch.Read().Result, Is.EqualTo(1));
        Future<int> read = ch.Read();
        Future<bool> more = ch.WaitToRead();

        Assert.That(read.Exception, Is.SameAs(boom));
        Assert.That(more.Exception, Is.SameAs(boom));
    }

    [Test]
    public void Complete_FailsParkedReadersAndWaits_AndACoroutineReadingSeesTheError()
    {
        var t = new TestLoop();
        var ch = CoChannel.Unbounded<int>(t.Loop);
        var boom = new InvalidProgramException("producer failed");
        LoopTask reader = t.Loop.Start(ReadOne(ch, "A", new List<string>()));
        Future<bool> waiting = ch.WaitToRead();
        t.Tick();

        ch.Complete(boom);
        Assert.That(waiting.Exception, Is.SameAs(boom));
        t.Tick();

        Assert.That(reader.Exception, Is.SameAs(boom));
        Assert.That(t.Unhandled, Is.EqualTo(new[] { boom }), "R23: nobody waited for the failed reader task, so it is reported once");
    }

    [Test]
    public void Complete_WithoutAnError_EndsParkedWaitToReadWithFalse()
    {
        var t = new TestLoop();
        var ch = CoChannel.Unbounded<int>(t.Loop);
        Future<bool> waiting = ch.WaitToRead();

        ch.Complete();

        Assert.That(waiting.Result, Is.False);
    }

    [Test]
    public void AfterComplete_WritesThrow_ParkedWritersFail_AndASecondCompleteThrows()
    {
        var t = new TestLoop();
        var ch = CoChannel.Bounded<string>(t.Loop, 1);
        ch.Write("1");
        var log = new List<string>();
        LoopTask writer = t.Loop.Start(WriteOne(ch, "P", log));
        t.Tick();

        ch.Complete();
        t.Tick();

        Assert.That(writer.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(writer.Exception!.Message, Is.EqualTo(
            "The channel was completed while this write waited for room, so the item was not written."));
        var ex = Assert.Throws<InvalidOperationException>(() => ch.Write("2"));
        Assert.That(ex!.Message, Is.EqualTo(
            "The channel is completed, so no more items can be written to it. Complete() must be the producers' last call; TryWrite returns false instead of throwing."));
        Assert.That(ch.TryWrite("2"), Is.False);
        Assert.That(() => ch.Complete(), Throws.InvalidOperationException.With.Message.EqualTo(
            "The channel is already completed; a channel completes once. Use TryComplete to ignore a second completion."));
        Assert.That(ch.TryComplete(), Is.False);
        Assert.That(ch.TryRead(out string? x) && x == "1", Is.True, "the item written before Complete is still there");
    }

    [Test]
    public void AWriterCancelledWhileParked_DoesNotWriteItsItem()
    {
        var t = new TestLoop();
        var ch = CoChannel.Bounded<string>(t.Loop, 1);
        ch.Write("first");
        var log = new List<string>();
        LoopTask p = t.Loop.Start(WriteOne(ch, "P", log));
        t.Loop.Start(WriteOne(ch, "Q", log));
        t.Tick();
        p.Cancel();
        t.Tick();

        Assert.That(ch.TryRead(out _), Is.True);
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "Q wrote" }));
        Assert.That(ch.TryRead(out string? next) ? next : null, Is.EqualTo("Q"));
    }

    [Test]
    public void Factories_RejectBadArguments()
    {
        var t = new TestLoop();

        Assert.That(() => CoChannel.Bounded<int>(t.Loop, 0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => CoChannel.Bounded<int>(null!, 1), Throws.TypeOf<ArgumentNullException>());
        Assert.That(() => CoChannel.Unbounded<int>(null!), Throws.TypeOf<ArgumentNullException>());
    }

    [Test]
    public void Randomized_ProducersConsumersAndCancellations_ReadEveryAcceptedItemExactlyOnce()
    {
        foreach (int seed in new[] { 1, 7, 99, 2024 })
        {
            RunRandomized(seed);
        }
    }

    private static void RunRandomized(int seed)
    {
        var rng = new Random(seed);
        var t = new TestLoop();
        var ch = CoChannel.Bounded<int>(t.Loop, 3);
        var writes = new List<(int Item, Future Write)>();
        var read = new List<int>();
        var directReads = new List<Future<int>>();
        var producers = new List<LoopTask>();
        var consumers = new List<LoopTask>();
        int nextItem = 0;

        for (int step = 0; step < 1500; step++)
        {
            switch (rng.Next(12))
            {
                case 0:
                    producers.Add(t.Loop.Start(RandomProducer(ch, writes, () => nextItem++, rng.Next(1, 6), rng.Next(3))));
                    break;
                case 1:
                    consumers.Add(t.Loop.Start(RandomConsumer(ch, read, directReads, rng.Next(1, 6), rng.Next(3))));
                    break;
                case 2 when consumers.Count > 0:
                    consumers[rng.Next(consumers.Count)].Cancel();
                    break;
                case 3 when producers.Count > 0:
                    producers[rng.Next(producers.Count)].Cancel();
                    break;
                case 4 when directReads.Count > 0:
                    directReads[rng.Next(directReads.Count)].Cancel();   // a no-op once delivered
                    break;
                case 5 when ch.TryRead(out int x):
                    read.Add(x);
                    break;
                default:
                    break;
            }

            t.AdvanceAndTick(rng.Next(3) * 0.25);
            producers.RemoveAll(p => p.IsCompleted);
            consumers.RemoveAll(c => c.IsCompleted);
        }

        foreach (LoopTask p in producers)
        {
            p.Cancel();
        }

        t.Tick();
        foreach (LoopTask c in consumers)
        {
            c.Cancel();
        }

        t.Tick(2);
        ch.Complete();
        while (ch.TryRead(out int x))
        {
            read.Add(x);
        }

        int[] accepted = writes.Where(w => w.Write.IsSucceeded).Select(w => w.Item).OrderBy(i => i).ToArray();
        Assert.That(read.Count, Is.EqualTo(read.Distinct().Count()), $"seed {seed}: an item was read twice");
        Assert.That(read.OrderBy(i => i).ToArray(), Is.EqualTo(accepted), $"seed {seed}: read items differ from accepted ones");
        Assert.That(accepted.Length, Is.GreaterThan(100), $"seed {seed}: enough traffic to mean something");
        Assert.That(t.Unhandled, Is.Empty);
    }

    private static IEnumerator<IAwaitable> RandomProducer(CoChannel<int> ch, List<(int, Future)> writes, Func<int> next, int count, int pause)
    {
        for (int i = 0; i < count; i++)
        {
            int item = next();
            Future write = ch.Write(item);
            writes.Add((item, write));
            yield return write;
            yield return Co.Sleep(pause * 0.25);
        }
    }

    private static IEnumerator<IAwaitable> RandomConsumer(CoChannel<int> ch, List<int> read, List<Future<int>> directReads, int count, int pause)
    {
        for (int i = 0; i < count; i++)
        {
            Future<int> r = ch.Read();
            if (i % 2 == 0)
            {
                yield return r;
                read.Add(r.Result);
            }
            else
            {
                // Waits without failing, so the test may cancel the read future itself.
                directReads.Add(r);
                yield return Co.Settle(r);
                if (r.IsSucceeded)
                {
                    read.Add(r.Result);
                }
            }

            yield return Co.Sleep(pause * 0.25);
        }
    }

    private static IEnumerator<IAwaitable> ReadOne<T>(CoChannel<T> ch, string name, List<string> log)
    {
        Future<T> r = ch.Read();
        yield return r;
        log.Add($"{name} got {r.Result}");
    }

    private static IEnumerator<IAwaitable> WriteOne(CoChannel<string> ch, string name, List<string> log)
    {
        yield return ch.Write(name);
        log.Add(name + " wrote");
    }

    private static IEnumerator<IAwaitable> Produce(CoChannel<int> ch, int count, bool complete)
    {
        for (int i = 0; i < count; i++)
        {
            yield return ch.Write(i);
        }

        if (complete)
        {
            ch.Complete();
        }
    }

    private static IEnumerator<IAwaitable> DrainAll(CoChannel<int> ch, List<int> got)
    {
        while (true)
        {
            var more = ch.WaitToRead();
            yield return more;
            if (!more.Result)
            {
                break;
            }

            while (ch.TryRead(out var x))
            {
                got.Add(x);
            }
        }
    }

    // ---- scenarios: FIFO fairness and cancel safety ---------------------------------------------------------------

    [Test]
    public void Channel_Bounded_WriterParksAtCapacity_ReaderGetsFifo()
    {
        var ch = CoChannel.Bounded<int>(_loop, 2);
        int written = 0;
        IEnumerator<IAwaitable> Producer()
        {
            for (int i = 0; i < 6; i++)
            {
                yield return ch.Write(i);
                written++;
            }

            ch.Complete();
        }

        _loop.Start(Producer());
        Ticks(5);
        Assert.That(ch.Count, Is.EqualTo(2));
        Assert.That(written, Is.EqualTo(2), "the third write must park while the channel is full");
        var got = new List<int>();
        IEnumerator<IAwaitable> Consumer()
        {
            while (true)
            {
                var more = ch.WaitToRead();
                yield return more;
                if (!more.Result)
                {
                    yield break;
                }

                while (ch.TryRead(out int x))
                {
                    got.Add(x);
                    Assert.That(ch.Count, Is.LessThanOrEqualTo(2));
                }
            }
        }

        var c = _loop.Start(Consumer());
        Ticks(30);
        Assert.That(c.IsSucceeded, Is.True, c.Exception?.ToString());
        Assert.That(got, Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void Channel_TryWriteFalseWhenFull()
    {
        var ch = CoChannel.Bounded<int>(_loop, 1);
        Assert.That(ch.TryWrite(1), Is.True);
        Assert.That(ch.TryWrite(2), Is.False);
        Assert.That(ch.Count, Is.EqualTo(1));
    }

    [Test]
    public void Channel_Complete_ParkedWriterFails_ReadersDrainThenFail()
    {
        var ch = CoChannel.Bounded<string>(_loop, 1);
        Assert.That(ch.TryWrite("x"), Is.True);
        Future? parked = null;
        IEnumerator<IAwaitable> Writer()
        {
            parked = ch.Write("y");
            yield return Co.Settle(parked);
        }

        _loop.Start(Writer());
        Ticks(2);
        ch.Complete();
        Ticks(2);
        Assert.That(parked!.Exception, Is.InstanceOf<InvalidOperationException>());
        Assert.Throws<InvalidOperationException>(() => ch.Write("z"));
        Assert.That(ch.TryWrite("z"), Is.False);
        Assert.That(ch.TryRead(out string? first), Is.True);
        Assert.That(first, Is.EqualTo("x"));
        Future<string> r = ch.Read();
        Ticks(1);
        Assert.That(r.Exception, Is.InstanceOf<InvalidOperationException>());
        Future<bool> w = ch.WaitToRead();
        Ticks(1);
        Assert.That(w.Result, Is.False);
    }

    [Test]
    public void Channel_CompleteWithError_ReadersSeeSameObject_ParkedReaderToo()
    {
        var ch = CoChannel.Unbounded<int>(_loop);
        var err = new FormatException("producer broke");
        Future<int>? read = null;
        IEnumerator<IAwaitable> Reader()
        {
            read = ch.Read();
            yield return Co.Settle(read);
        }

        _loop.Start(Reader());
        Ticks(2);
        ch.Complete(err);
        Ticks(2);
        Assert.That(read!.Exception, Is.SameAs(err));
        var wait = ch.WaitToRead();
        Ticks(1);
        Assert.That(wait.Exception, Is.SameAs(err));
        Assert.That(ch.TryComplete(), Is.False);
        Assert.Throws<InvalidOperationException>(() => ch.Complete());
    }

    [Test]
    public void Channel_ReaderCancelledAfterDelivery_ItemGoesToNextReader_NoLossNoDuplicate()
    {
        var ch = CoChannel.Unbounded<int>(_loop);
        var got = new List<string>();
        IEnumerator<IAwaitable> Reader(string n)
        {
            var r = ch.Read();
            yield return r;
            got.Add(n + ":" + r.Result);
        }

        var a = _loop.Start(Reader("a"));
        var b = _loop.Start(Reader("b"));
        Ticks(2);
        Assert.That(ch.TryWrite(1), Is.True);   // delivered to a
        a.Cancel();                              // before a resumes
        Ticks(3);
        Assert.That(ch.TryWrite(2), Is.True);
        Ticks(3);
        Assert.That(got, Is.EqualTo(new[] { "b:1" }));
        Assert.That(ch.TryRead(out int left), Is.True);
        Assert.That(left, Is.EqualTo(2));
        Assert.That(ch.Count, Is.EqualTo(0));
    }

    [Test]
    public void Channel_WriterCancelledWhileParked_ItemNotWritten()
    {
        var ch = CoChannel.Bounded<int>(_loop, 1);
        Assert.That(ch.TryWrite(1), Is.True);
        IEnumerator<IAwaitable> Writer(int v)
        {
            yield return ch.Write(v);
        }

        var w2 = _loop.Start(Writer(2));
        var w3 = _loop.Start(Writer(3));
        Ticks(2);
        w2.Cancel();
        Ticks(2);
        var items = new List<int>();
        while (ch.TryRead(out int x))
        {
            items.Add(x);
            Ticks(2);
        }

        Assert.That(items, Is.EqualTo(new[] { 1, 3 }));
        Assert.That(w3.IsSucceeded, Is.True);
    }

    [Test]
    public void Channel_ReadersServedFifo()
    {
        var ch = CoChannel.Unbounded<int>(_loop);
        var got = new List<string>();
        IEnumerator<IAwaitable> Reader(string n)
        {
            var r = ch.Read();
            yield return r;
            got.Add(n + ":" + r.Result);
        }

        foreach (string n in new[] { "a", "b", "c" })
        {
            _loop.Start(Reader(n));
        }

        Ticks(2);
        ch.TryWrite(10);
        ch.TryWrite(20);
        ch.TryWrite(30);
        Ticks(3);
        Assert.That(got, Is.EqualTo(new[] { "a:10", "b:20", "c:30" }));
    }
}
