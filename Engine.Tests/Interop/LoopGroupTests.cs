using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using static YieldLoop.Tests.Interop.InteropSupport;

namespace YieldLoop.Tests.Interop;

/// <summary>Several loops on several threads (issue 5, item 6): <see cref="LoopGroup"/> and <see cref="CrossLoopExtensions"/>.</summary>
[TestFixture]
public class LoopGroupTests
{
    [Test]
    public void EveryLoop_IsCreatedOnItsOwnThread_AndRejectsTicksFromOthers_R50()
    {
        using var group = new LoopGroup(2, "g");
        var threads = new int[2];
        for (int i = 0; i < 2; i++)
        {
            int index = i;
            Done(group.Start(i, () => Record(threads, index)));
        }

        Assert.That(threads[0], Is.Not.EqualTo(threads[1]));
        Assert.That(threads, Has.None.EqualTo(Environment.CurrentManagedThreadId));
        Assert.That(group[0].Name, Is.EqualTo("g-0"));
        Assert.That(() => group[0].Tick(), Throws.InvalidOperationException);
        Assert.That(() => group[2], Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void TwoLoops_ExchangeResults_BothWays_ThroughOn()
    {
        using var group = new LoopGroup(2);
        var sources = new FutureSource<int>[2];
        Done(group.Start(0, () => Make(sources, 0)));
        Done(group.Start(1, () => Make(sources, 1)));

        // Loop 0 waits on loop 1's future and the other way round; each answer is completed on its own loop.
        Task<int> zeroGot = group.Start<int>(0, () => WaitAcross(sources[1].Future, 0));
        Task<int> oneGot = group.Start<int>(1, () => WaitAcross(sources[0].Future, 1));
        group.Post(1, () => sources[1].SetResult(11));
        group.Post(0, () => sources[0].SetResult(7));

        Assert.That(Within(zeroGot), Is.EqualTo(1000 + 11));
        Assert.That(Within(oneGot), Is.EqualTo(2000 + 7));

        IEnumerator<IAwaitable> WaitAcross(Future<int> other, int me)
        {
            int thread = Environment.CurrentManagedThreadId;
            Future<int> mine = other.On(EventLoop.Current!);
            Assert.That(mine.Loop, Is.SameAs(group[me]));
            yield return mine;
            Assert.That(Environment.CurrentManagedThreadId, Is.EqualTo(thread));
            yield return Co.Return((me + 1) * 1000 + mine.Result);
        }
    }

    [Test]
    public void On_MapsFailureAndCancellation_ToTheOtherLoop()
    {
        using var group = new LoopGroup(2);
        var sources = new FutureSource<int>[2];
        Done(group.Start(0, () => Make(sources, 0)));
        var boom = new InvalidOperationException("boom");
        Task<Future<int>> failed = StartWait(group, sources[0].Future);
        group.Post(0, () => sources[0].SetException(boom));
        Future<int> f = Within(failed);
        Assert.That(f.IsFaulted, Is.True);

        Done(group.Start(0, () => Make(sources, 0)));
        Task<Future<int>> cancelled = StartWait(group, sources[0].Future);
        group.Post(0, () => sources[0].Future.Cancel());
        Assert.That(Within(cancelled).IsCancelled, Is.True);
    }

    [Test]
    public void A_LoopTask_OfAnotherLoop_AwaitedThroughOn_HandsItsResultOver()
    {
        using var group = new LoopGroup(2);
        var tasks = new LoopTask<int>[1];
        Done(group.Start(0, () => StartAnswer(tasks)));
        Task<int> got = group.Start<int>(1, () => Relay(tasks[0]));
        Assert.That(Within(got), Is.EqualTo(42));

        static IEnumerator<IAwaitable> StartAnswer(LoopTask<int>[] into)
        {
            into[0] = EventLoop.Current!.Start<int>(Answer());
            yield break;
        }

        static IEnumerator<IAwaitable> Answer()
        {
            yield return Co.NextTick;
            yield return Co.Return(42);
        }

        static IEnumerator<IAwaitable> Relay(LoopTask<int> task)
        {
            Future<int> mine = task.On(EventLoop.Current!);
            yield return mine;
            yield return Co.Return(mine.Result);
        }
    }

    [Test]
    public void YieldingAnotherLoopsFutureDirectly_StillFaults_R61()
    {
        using var group = new LoopGroup(2);
        var sources = new FutureSource<int>[1];
        Done(group.Start(0, () => Make(sources, 0)));
        Task direct = group.Start(1, () => YieldDirectly(sources[0].Future));

        Exception? ex = Assert.Throws<InvalidOperationException>(() => direct.GetAwaiter().GetResult());
        Assert.That(ex!.Message, Does.Contain("another loop"));

        static IEnumerator<IAwaitable> YieldDirectly(Future f)
        {
            yield return f;
        }
    }

    [Test]
    public void Dispose_JoinsTheThreads_ClosesTheLoops_AndCancelsPendingWork()
    {
        var group = new LoopGroup(3);
        var threads = new ConcurrentBag<Thread>();
        var finallies = new ConcurrentBag<int>();
        var forever = new List<Task>();
        for (int i = 0; i < 3; i++)
        {
            group.Post(i, () => threads.Add(Thread.CurrentThread));
            forever.Add(group.Start(i, () => Forever(finallies)));
        }

        // Make sure every loop has started its coroutine before stopping.
        for (int i = 0; i < 3; i++)
        {
            Done(group.Start(i, Nothing));
        }

        group.Dispose();

        Assert.That(threads, Has.Count.EqualTo(3));
        Assert.That(threads, Has.All.Matches<Thread>(t => !t.IsAlive));
        Assert.That(group.Loops, Has.All.Matches<EventLoop>(l => l.IsClosed));
        Assert.That(finallies, Has.Count.EqualTo(3));
        Assert.That(forever, Has.All.Matches<Task>(t => t.IsCanceled));
        Assert.That(() => group.Post(0, () => { }), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => group.Start(0, Nothing), Throws.TypeOf<ObjectDisposedException>());
        group.Dispose();   // twice: nothing happens

        static IEnumerator<IAwaitable> Forever(ConcurrentBag<int> log)
        {
            try
            {
                while (true)
                {
                    yield return Co.Sleep(60);
                }
            }
            finally
            {
                log.Add(Environment.CurrentManagedThreadId);
            }
        }
    }

    [Test]
    public void Stop_FromALoopThread_Throws_InsteadOfWaitingForItself()
    {
        using var group = new LoopGroup(1);
        var done = new TaskCompletionSource<Exception?>();
        group.Post(0, () =>
        {
            try
            {
                group.Stop();
                done.SetResult(null);
            }
            catch (InvalidOperationException ex)
            {
                done.SetResult(ex);
            }
        });

        Assert.That(Within(done.Task), Is.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public void Constructor_RejectsACountBelowOne()
    {
        Assert.That(() => new LoopGroup(0), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    private static void Done(Task task)
    {
        Assert.That(task.Wait(Bound), Is.True, "the task did not complete in time");
    }

    private static Task<Future<int>> StartWait(LoopGroup group, Future<int> other) =>
        group.Start<Future<int>>(1, () => WaitSettled(other));

    private static IEnumerator<IAwaitable> WaitSettled(Future<int> other)
    {
        Future<int> mine = other.On(EventLoop.Current!);
        yield return Co.Settle(mine);
        _ = mine.Exception;   // observed here
        yield return Co.Return(mine);
    }

    private static IEnumerator<IAwaitable> Make(FutureSource<int>[] into, int index)
    {
        into[index] = new FutureSource<int>(EventLoop.Current!);
        yield break;
    }

    private static IEnumerator<IAwaitable> Record(int[] into, int index)
    {
        into[index] = Environment.CurrentManagedThreadId;
        yield break;
    }

    private static IEnumerator<IAwaitable> Nothing()
    {
        yield break;
    }
}
