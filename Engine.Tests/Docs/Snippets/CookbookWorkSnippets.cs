// Snippets of docs/cookbook.md: producer and consumer, offloading CPU work, and a first test.
// The regions between the markers are printed in the doc verbatim; Engine.Tests/Docs/CookbookSnippetTests.cs runs them.
using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using YieldLoop;

namespace MyGame.Docs.Cookbook;

public static class ChannelRecipes
{
    // <snippet:cookbook-channel>
    public static (LoopTask Producer, LoopTask Consumer) StartPipeline(EventLoop loop, List<string> log)
    {
        CoChannel<int> chunks = CoChannel.Bounded<int>(loop, capacity: 2);   // at most two items wait
        return (loop.Start(Produce(chunks, log)), loop.Start(Consume(chunks, log)));
    }

    private static IEnumerator<IAwaitable> Produce(CoChannel<int> chunks, List<string> log)
    {
        for (int i = 0; i < 5; i++)
        {
            yield return chunks.Write(i);           // parks while the channel is full: backpressure
            log.Add($"wrote {i}");
        }

        chunks.Complete();                          // no more items: the reader drains the rest, then stops
    }

    private static IEnumerator<IAwaitable> Consume(CoChannel<int> chunks, List<string> log)
    {
        while (true)
        {
            Future<bool> more = chunks.WaitToRead();
            yield return more;
            if (!more.Result)
            {
                yield break;                        // completed and drained
            }

            while (chunks.TryRead(out int chunk))
            {
                yield return Co.Sleep(1);           // a slow consumer: one item per second
                log.Add($"used {chunk}");
            }
        }
    }
    // </snippet:cookbook-channel>
}

/// <summary>The input of the offloading recipe.</summary>
public sealed class Lightmap
{
    public int[] Texels { get; set; } = Array.Empty<int>();

    public int Passes { get; set; } = 1;
}

public static class OffloadRecipes
{
    // <snippet:cookbook-offload>
    public static IEnumerator<IAwaitable> BakeLighting(Lightmap map, double limitSeconds, Action<long> done)
    {
        int[] texels = (int[])map.Texels.Clone();   // the work gets its own copy: it runs on another thread
        int passes = map.Passes;
        Future<long> bake = Co.Timeout(Co.Offload(token => Bake(texels, passes, token)), limitSeconds);
        yield return bake;                          // the loop ticks on meanwhile; this resumes on the loop thread
        done(bake.Result);
    }

    private static long Bake(int[] texels, int passes, CancellationToken token)
    {
        long sum = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            token.ThrowIfCancellationRequested();   // the work is asked to stop, never interrupted: look often
            foreach (int texel in texels)
            {
                sum += texel * (pass + 1L);
            }
        }

        return sum;
    }
    // </snippet:cookbook-offload>
}

public class CookbookFirstTest
{
    // <snippet:cookbook-first-test>
    [Test]
    public void FetchingTheProfile_GivesUpAfterFiveSeconds()
    {
        var clock = new ManualClock { AutoJump = true };   // time jumps to the next deadline when nothing is ready
        var loop = new EventLoop(clock, "test");
        var server = new Server(loop) { Latency = 60 };    // a server that takes a minute to answer

        Assert.Throws<TimeoutException>(() => loop.RunUntilComplete(TimeoutRecipes.FetchProfile(server, _ => { })));
        Assert.That(clock.Now, Is.EqualTo(TimeSpan.FromSeconds(5)));   // exactly at the deadline, in microseconds
        Assert.That(server.Cancelled, Is.EqualTo(1));
    }
    // </snippet:cookbook-first-test>
}
