using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using YieldLoop.Internal;

namespace YieldLoop.Tests.Internal;

/// <summary>
/// The engine's one pool (<see cref="Pool{T}"/>: per thread, capped) and the version stamp of a pooled wait
/// (<see cref="PoolStamp"/>). What a coroutine sees of them (a stale wait faults its task) is in <see cref="CoTests"/>.
/// </summary>
[TestFixture]
public class PoolTests
{
    // A type of its own per concern, so that no other test leaves objects in these lists.
    private sealed class Item
    {
    }

    private sealed class CappedItem
    {
    }

    private sealed class ThreadItem
    {
    }

    [Test]
    public void Rent_AfterReturnOnTheSameThread_GivesTheSameObjectBack()
    {
        Drain<Item>();
        Item item = Pool<Item>.Rent();

        Pool<Item>.Return(item);

        Assert.That(Pool<Item>.FreeCount, Is.EqualTo(1));
        Assert.That(Pool<Item>.Rent(), Is.SameAs(item));
        Assert.That(Pool<Item>.FreeCount, Is.Zero);
    }

    [Test]
    public void Return_BeyondTheCapacity_KeepsOnlyCapacityObjectsAndDropsTheRest()
    {
        Drain<CappedItem>();
        var rented = new List<CappedItem>();
        for (int i = 0; i < Pool<CappedItem>.Capacity + 10; i++)
        {
            rented.Add(Pool<CappedItem>.Rent());
        }

        foreach (CappedItem item in rented)
        {
            Pool<CappedItem>.Return(item);
        }

        Assert.That(Pool<CappedItem>.FreeCount, Is.EqualTo(Pool<CappedItem>.Capacity));
        var kept = new HashSet<CappedItem>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Pool<CappedItem>.Capacity; i++)
        {
            kept.Add(Pool<CappedItem>.Rent());
        }

        Assert.That(kept, Has.Count.EqualTo(Pool<CappedItem>.Capacity), "each kept object is handed out once");
        Assert.That(kept, Is.SubsetOf(rented.GetRange(0, Pool<CappedItem>.Capacity)), "the first Capacity returned were kept");
        Assert.That(Pool<CappedItem>.FreeCount, Is.Zero);
    }

    [Test]
    public void AnObjectReturnedOnOneThread_IsRentedOnlyOnThatThread()
    {
        Drain<ThreadItem>();
        ThreadItem mine = Pool<ThreadItem>.Rent();
        Pool<ThreadItem>.Return(mine);
        ThreadItem? rentedThere = null;
        ThreadItem? returnedThere = null;
        int freeThereAfterReturn = -1;
        var scheduler = new DedicatedThreadScheduler();

        Task work = Task.Factory.StartNew(
            () =>
            {
                rentedThere = Pool<ThreadItem>.Rent();   // this thread's list is empty: a new object
                returnedThere = new ThreadItem();
                Pool<ThreadItem>.Return(returnedThere);
                freeThereAfterReturn = Pool<ThreadItem>.FreeCount;
            },
            CancellationToken.None,
            TaskCreationOptions.None,
            scheduler);

        Assert.That(work.Wait(HangGuard.Limit), Is.True, "the dedicated thread finished");
        Assert.That(rentedThere, Is.Not.Null.And.Not.SameAs(mine), "the other thread did not get this thread's object");
        Assert.That(freeThereAfterReturn, Is.EqualTo(1), "the other thread's list holds what it returned");
        Assert.That(Pool<ThreadItem>.FreeCount, Is.EqualTo(1), "this thread's list is unchanged");
        Assert.That(Pool<ThreadItem>.Rent(), Is.SameAs(mine), "this thread gets its own object back, not the other thread's");
    }

    [Test]
    public void Stamp_VersionIsOddWhileRented_AndAHolderSeesBothReturnAndReRent()
    {
        SleepRequest request = SleepRequest.Rent(1);
        int held = request._stamp.Version;

        Assert.That(request._stamp.IsRented, Is.True);
        Assert.That(held % 2, Is.EqualTo(1));
        Assert.That(request._stamp.IsCurrent(held), Is.True);

        request.Release();

        Assert.That(request._stamp.IsRented, Is.False);
        Assert.That(request._stamp.IsCurrent(held), Is.False, "stale after the return");

        SleepRequest again = SleepRequest.Rent(2);

        Assert.That(again, Is.SameAs(request), "the pool handed the same object out again");
        Assert.That(again._stamp.IsRented, Is.True);
        Assert.That(again._stamp.IsCurrent(held), Is.False, "still stale after the object was rented again");
        again.Release();
    }

    [Test]
    public void Release_TwiceForOneRent_ReturnsTheObjectToThePoolOnce()
    {
        SleepRequest request = SleepRequest.Rent(1);
        int freeBefore = Pool<SleepRequest>.FreeCount;

        request.Release();
        request.Release();

        Assert.That(Pool<SleepRequest>.FreeCount, Is.EqualTo(freeBefore + 1));
        Assert.That(SleepRequest.Rent(1), Is.SameAs(request));
        Assert.That(SleepRequest.Rent(1), Is.Not.SameAs(request), "the object was in the list once, so two renters never share it");
    }

    private static void Drain<T>()
        where T : class, new()
    {
        while (Pool<T>.FreeCount > 0)
        {
            _ = Pool<T>.Rent();
        }
    }
}
