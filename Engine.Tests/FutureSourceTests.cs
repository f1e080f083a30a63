using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>The write side: a future completes once, whatever the mix of completions (docs/semantics.md R14).</summary>
[TestFixture]
public class FutureSourceTests
{
    private const string AlreadySucceeded =
        "The future is already completed (Succeeded); a future completes once. Use the Try form to ignore a late completion.";

    private const string AlreadyFaulted =
        "The future is already completed (Faulted); a future completes once. Use the Try form to ignore a late completion.";

    private const string AlreadyCancelled =
        "The future is already completed (Cancelled); a future completes once. Use the Try form to ignore a late completion.";

    // ---- throwing forms -----------------------------------------------------------------------------------------

    [Test]
    public void SetResult_Twice_ThrowsInvalidOperationException_AndKeepsTheFirstResult_R14()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        source.SetResult(1);

        var ex = Assert.Throws<InvalidOperationException>(() => source.SetResult(2));

        Assert.That(ex!.Message, Is.EqualTo(AlreadySucceeded));
        Assert.That(source.Future.Result, Is.EqualTo(1));
    }

    [Test]
    public void SetException_AfterSetResult_Throws_AndKeepsTheResult_R14()
    {
        var t = new TestLoop();
        var source = new FutureSource<string>(t.Loop);
        source.SetResult("first");

        var ex = Assert.Throws<InvalidOperationException>(() => source.SetException(new FormatException()));

        Assert.That(ex!.Message, Is.EqualTo(AlreadySucceeded));
        Assert.That(source.Future.IsSucceeded, Is.True);
        Assert.That(source.Future.Result, Is.EqualTo("first"));
    }

    [Test]
    public void SetCanceled_AfterSetException_Throws_AndKeepsTheException_R14()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var failure = new FormatException("first");
        source.SetException(failure);

        var ex = Assert.Throws<InvalidOperationException>(() => source.SetCanceled());

        Assert.That(ex!.Message, Is.EqualTo(AlreadyFaulted));
        Assert.That(source.Future.Exception, Is.SameAs(failure));
    }

    [Test]
    public void SetResult_AfterSetCanceled_Throws_AndStaysCancelled_R14()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        source.SetCanceled();

        var ex = Assert.Throws<InvalidOperationException>(() => source.SetResult());

        Assert.That(ex!.Message, Is.EqualTo(AlreadyCancelled));
        Assert.That(source.Future.IsCancelled, Is.True);
    }

    [Test]
    public void SetException_Twice_Throws_AndKeepsTheFirstException_R14()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        var first = new FormatException("first");
        source.SetException(first);

        Assert.Throws<InvalidOperationException>(() => source.SetException(new FormatException("second")));

        Assert.That(source.Future.Exception, Is.SameAs(first));
    }

    [Test]
    public void SetResult_AfterFutureCancel_Throws_R14()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        source.Future.Cancel();

        Assert.Throws<InvalidOperationException>(() => source.SetResult(3));
        Assert.That(source.Future.IsCancelled, Is.True);
    }

    // ---- Try forms ----------------------------------------------------------------------------------------------

    [Test]
    public void TrySetResult_Twice_SecondReturnsFalse_AndKeepsTheFirstResult_R14()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);

        Assert.That(source.TrySetResult(1), Is.True);
        Assert.That(source.TrySetResult(2), Is.False);

        Assert.That(source.Future.Result, Is.EqualTo(1));
    }

    [Test]
    public void TryForms_AfterAnyCompletion_ReturnFalse_AndChangeNothing_R14()
    {
        var t = new TestLoop();
        var ok = new FutureSource(t.Loop);
        var bad = new FutureSource(t.Loop);
        var off = new FutureSource(t.Loop);
        var failure = new FormatException("first");
        Assert.That(ok.TrySetResult(), Is.True);
        Assert.That(bad.TrySetException(failure), Is.True);
        Assert.That(off.TrySetCanceled(), Is.True);

        foreach (FutureSource source in new[] { ok, bad, off })
        {
            Assert.That(source.TrySetResult(), Is.False);
            Assert.That(source.TrySetException(new FormatException("late")), Is.False);
            Assert.That(source.TrySetCanceled(), Is.False);
        }

        Assert.That(ok.Future.IsSucceeded, Is.True);
        Assert.That(bad.Future.Exception, Is.SameAs(failure));
        Assert.That(off.Future.IsCancelled, Is.True);
    }

    [Test]
    public void TryForms_OfTypedSource_AfterCompletion_ReturnFalse_R14()
    {
        var t = new TestLoop();
        var source = new FutureSource<string>(t.Loop);
        Assert.That(source.TrySetResult("a"), Is.True);

        Assert.That(source.TrySetResult("b"), Is.False);
        Assert.That(source.TrySetException(new FormatException()), Is.False);
        Assert.That(source.TrySetCanceled(), Is.False);

        Assert.That(source.Future.Result, Is.EqualTo("a"));
    }

    [Test]
    public void LateCompletion_DoesNotWakeWaitersAgain_R14()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        int callbacks = 0;
        source.Future.AddCallback(_ => callbacks++);
        source.SetResult();
        source.TrySetResult();
        source.TrySetCanceled();

        t.Tick(3);

        Assert.That(callbacks, Is.EqualTo(1));
    }

    // ---- arguments, waking ---------------------------------------------------------------------------------------

    [Test]
    public void Constructor_NullLoop_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => _ = new FutureSource(null!));
        Assert.Throws<ArgumentNullException>(() => _ = new FutureSource<int>(null!));
    }

    [Test]
    public void SetException_Null_ThrowsArgumentNullException_AndLeavesItPending()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        var typed = new FutureSource<int>(t.Loop);

        Assert.Throws<ArgumentNullException>(() => source.SetException(null!));
        Assert.Throws<ArgumentNullException>(() => typed.TrySetException(null!));

        Assert.That(source.Future.State, Is.EqualTo(FutureState.Pending));
        Assert.That(typed.Future.State, Is.EqualTo(FutureState.Pending));
    }

    [Test]
    public void Future_BelongsToTheSourcesLoop()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);

        Assert.That(source.Future.Loop, Is.SameAs(t.Loop));
    }

    [Test]
    public void SetResult_WakesAWaiterInTheNextTick_WithTheValue()
    {
        var t = new TestLoop();
        var source = new FutureSource<int>(t.Loop);
        var seen = new List<int>();
        t.Loop.Start(Await(source.Future, seen));
        t.Tick();

        source.SetResult(42);
        Assert.That(seen, Is.Empty);
        t.Tick();

        Assert.That(seen, Is.EqualTo(new[] { 42 }));
    }

    [Test]
    public void SetResult_OnClosedLoop_ThrowsObjectDisposedException_AndTryReturnsFalse()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        t.Loop.Close();

        Assert.Throws<ObjectDisposedException>(() => source.SetResult());
        Assert.That(source.TrySetResult(), Is.False);
        Assert.That(source.Future.State, Is.EqualTo(FutureState.Pending), "the state stays readable");
    }

    private static IEnumerator<IAwaitable> Await(Future<int> future, List<int> seen)
    {
        yield return future;
        seen.Add(future.Result);
    }
}
