using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.Composition.CompositionWork;

namespace YieldLoop.Tests.Composition;

/// <summary>
/// Every combinator with every kind of item (futures, typed futures, coroutines, typed coroutines), called from the
/// host between ticks, where no loop is ticking (<see cref="EventLoop.Current"/> is null); and the errors for bad items
/// (docs/design.md, "Combinators: items and loops").
/// </summary>
[TestFixture]
public class FromTheHostTests
{
    private TestLoop _t = null!;
    private List<string> _log = null!;

    [SetUp]
    public void SetUp()
    {
        _t = new TestLoop();
        _log = new List<string>();
        Assert.That(EventLoop.Current, Is.Null, "these tests call the combinators between ticks");
    }

    // ---- WhenAll ---------------------------------------------------------------------------------------------------

    [Test]
    public void WhenAll_OfFutures_FromTheHost_WaitsForAll_R40()
    {
        LoopTask a = _t.Loop.Start(Sleep(2, _log, "a"));
        var b = new FutureSource(_t.Loop);

        Future all = Co.WhenAll(a, b.Future);
        b.SetResult();
        _t.Tick();
        _t.AdvanceAndTick(2);

        Assert.That(all.IsSucceeded, Is.True);
        Assert.That(all.Loop, Is.SameAs(_t.Loop));
    }

    [Test]
    public void WhenAll_OfTypedFutures_FromTheHost_GivesTheResultsInArgumentOrder_R40()
    {
        LoopTask<int> a = _t.Loop.Start<int>(SleepReturn(2, 1, _log, "a"));
        var b = new FutureSource<int>(_t.Loop);

        Future<int[]> all = Co.WhenAll<int>(a, b.Future);
        b.SetResult(2);
        _t.Tick();
        _t.AdvanceAndTick(2);

        Assert.That(all.Result, Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void WhenAll_OfCoroutines_FromTheHost_StartsThemOnTheGivenLoop_R40()
    {
        Future all = Co.WhenAll(_t.Loop, Sleep(1, _log, "a"), Sleep(2, _log, "b"));

        Assert.That(_t.Loop.PendingTaskCount, Is.EqualTo(2), "started at the call, as tasks of the given loop");
        _t.Tick();
        _t.AdvanceAndTick(1);
        _t.AdvanceAndTick(1);

        Assert.That(all.IsSucceeded, Is.True);
        Assert.That(_log, Is.EqualTo(new[] { "a done", "a finally", "b done", "b finally" }));
    }

    [Test]
    public void WhenAll_OfTypedCoroutines_FromTheHost_GivesTheResultsInArgumentOrder_R40()
    {
        Future<string[]> all = Co.WhenAll<string>(_t.Loop, SleepReturn(2, "slow", _log, "a"), SleepReturn(1, "quick", _log, "b"));

        _t.Tick();
        _t.AdvanceAndTick(1);
        _t.AdvanceAndTick(1);

        Assert.That(all.Result, Is.EqualTo(new[] { "slow", "quick" }));
    }

    [Test]
    public void WhenAll_OfCoroutines_FromTheHost_FirstFailureCancelsTheOthers_R40()
    {
        var boom = new FormatException("boom");

        Future all = Co.WhenAll(_t.Loop, SleepThrow(1, boom, _log, "a"), Sleep(5, _log, "b"));
        _t.Tick();
        _t.AdvanceAndTick(1);
        _t.Tick();

        Assert.That(all.Exception, Is.SameAs(boom));
        Assert.That(_log, Is.EqualTo(new[] { "a throws", "a finally", "b finally" }));
    }

    // ---- SettleAll -------------------------------------------------------------------------------------------------

    [Test]
    public void SettleAll_OfFutures_FromTheHost_GivesEachOutcome_R41()
    {
        var boom = new FormatException("boom");
        var ok = new FutureSource(_t.Loop);
        var failed = new FutureSource(_t.Loop);
        var cancelled = new FutureSource(_t.Loop);

        Future<Settled[]> settled = Co.SettleAll(ok.Future, failed.Future, cancelled.Future);
        ok.SetResult();
        failed.SetException(boom);
        cancelled.SetCanceled();

        Settled[] outcomes = settled.Result;
        Assert.That(outcomes.Length, Is.EqualTo(3));
        Assert.That(outcomes[0].State, Is.EqualTo(FutureState.Succeeded));
        Assert.That(outcomes[0].Exception, Is.Null);
        Assert.That(outcomes[1].State, Is.EqualTo(FutureState.Faulted));
        Assert.That(outcomes[1].Exception, Is.SameAs(boom));
        Assert.That(outcomes[2].State, Is.EqualTo(FutureState.Cancelled));
        Assert.That(outcomes[2].Exception, Is.Null);
    }

    [Test]
    public void SettleAll_OfTypedFutures_FromTheHost_GivesTheValuesOfThoseThatSucceeded_R41()
    {
        var boom = new FormatException("boom");
        LoopTask<int> task = _t.Loop.Start<int>(SleepReturn(1, 7, _log, "task"));
        var failed = new FutureSource<int>(_t.Loop);

        Future<Settled<int>[]> settled = Co.SettleAll<int>(task, failed.Future);
        failed.SetException(boom);
        _t.Tick();
        _t.AdvanceAndTick(1);

        Settled<int>[] outcomes = settled.Result;
        Assert.That(outcomes[0].Value, Is.EqualTo(7));
        Assert.That(outcomes[1].State, Is.EqualTo(FutureState.Faulted));
        Assert.That(outcomes[1].Exception, Is.SameAs(boom));
    }

    [Test]
    public void SettleAll_OfCoroutines_FromTheHost_WaitsForEveryOneAndCancelsNone_R41()
    {
        var boom = new FormatException("boom");

        Future<Settled[]> settled = Co.SettleAll(_t.Loop, SleepThrow(1, boom, _log, "a"), Sleep(3, _log, "b"));
        _t.Tick();
        _t.AdvanceAndTick(1);
        Assert.That(settled.IsCompleted, Is.False, "a failure does not end the wait");
        _t.AdvanceAndTick(2);

        Assert.That(_log, Is.EqualTo(new[] { "a throws", "a finally", "b done", "b finally" }), "b was not cancelled");
        Assert.That(settled.Result[0].Exception, Is.SameAs(boom));
        Assert.That(settled.Result[1].State, Is.EqualTo(FutureState.Succeeded));
    }

    [Test]
    public void SettleAll_OfTypedCoroutines_FromTheHost_GivesTheValues_R41()
    {
        Future<Settled<string>[]> settled = Co.SettleAll<string>(
            _t.Loop, SleepReturn(1, "one", _log, "a"), SleepThrow(1, new FormatException("boom"), _log, "b"));
        _t.Tick();
        _t.AdvanceAndTick(1);
        _t.Tick();

        Assert.That(settled.Result[0].Value, Is.EqualTo("one"));
        Assert.That(settled.Result[1].State, Is.EqualTo(FutureState.Faulted));
        Assert.That(_t.Unhandled, Is.Empty);
    }

    // ---- WhenAny ---------------------------------------------------------------------------------------------------

    [Test]
    public void WhenAny_OfFutures_FromTheHost_GivesThePositionOfTheFirstToComplete_R42()
    {
        LoopTask slow = _t.Loop.Start(Sleep(5, _log, "slow"));
        var quick = new FutureSource(_t.Loop);

        Future<int> first = Co.WhenAny(slow, quick.Future);
        quick.SetResult();

        Assert.That(first.Result, Is.EqualTo(1));
        Assert.That(slow.IsCompleted, Is.False, "WhenAny leaves the others alone");
        slow.Cancel();
        _t.Tick();
    }

    [Test]
    public void WhenAny_OfTypedFutures_FromTheHost_GivesThePositionOfTheFirstToComplete_R42()
    {
        LoopTask<int> task = _t.Loop.Start<int>(SleepReturn(1, 5, _log, "task"));
        var never = new FutureSource<int>(_t.Loop);

        Future<int> first = Co.WhenAny(never.Future, task);
        _t.Tick();
        _t.AdvanceAndTick(1);

        Assert.That(first.Result, Is.EqualTo(1));
    }

    // ---- Race ------------------------------------------------------------------------------------------------------

    [Test]
    public void Race_OfFutures_FromTheHost_CancelsTheLosers_R42()
    {
        LoopTask slow = _t.Loop.Start(Sleep(5, _log, "slow"));
        var quick = new FutureSource(_t.Loop);

        Future<int> race = Co.Race(slow, quick.Future);
        quick.SetResult();
        _t.Tick();

        Assert.That(race.Result, Is.EqualTo(1));
        Assert.That(slow.IsCancelled, Is.True);
    }

    [Test]
    public void Race_OfTypedFutures_FromTheHost_GivesTheWinnersResult_R42()
    {
        LoopTask<string> slow = _t.Loop.Start<string>(SleepReturn(5, "slow", _log, "slow"));
        var quick = new FutureSource<string>(_t.Loop);

        Future<string> race = Co.Race<string>(slow, quick.Future);
        quick.SetResult("quick");
        _t.Tick();

        Assert.That(race.Result, Is.EqualTo("quick"));
        Assert.That(slow.IsCancelled, Is.True);
    }

    [Test]
    public void Race_OfCoroutines_FromTheHost_CancelsTheLosersAndWaitsForThem_R42()
    {
        Future<int> race = Co.Race(_t.Loop, Sleep(5, _log, "slow"), Sleep(1, _log, "quick"));
        _t.Tick();
        _t.AdvanceAndTick(1);
        _t.Tick();

        Assert.That(race.Result, Is.EqualTo(1));
        Assert.That(_log, Is.EqualTo(new[] { "quick done", "quick finally", "slow finally" }));
    }

    [Test]
    public void Race_OfTypedCoroutines_FromTheHost_GivesTheWinnersResult_R42()
    {
        Future<string> race = Co.Race<string>(_t.Loop, SleepReturn(5, "slow", _log, "slow"), SleepReturn(1, "quick", _log, "quick"));
        _t.Tick();
        _t.AdvanceAndTick(1);
        _t.Tick();

        Assert.That(race.Result, Is.EqualTo("quick"));
    }

    // ---- Timeout ---------------------------------------------------------------------------------------------------

    [Test]
    public void Timeout_OfAFuture_FromTheHost_InSecondsAndAsATimeSpan_TimesOutAtTheDeadline_R43()
    {
        var seconds = new FutureSource(_t.Loop);
        var span = new FutureSource(_t.Loop);

        Future bySeconds = Co.Timeout(seconds.Future, 2);
        Future bySpan = Co.Timeout(span.Future, TimeSpan.FromMilliseconds(2500));
        _t.AdvanceAndTick(2);
        _t.Tick();
        Assert.That(bySpan.IsCompleted, Is.False, "2.5 s are not up after 2 s");
        _t.AdvanceAndTick(0.5);
        _t.Tick();

        Assert.That(bySeconds.Exception!.Message, Does.Contain("within 2 seconds"));
        Assert.That(bySpan.Exception!.Message, Does.Contain("within 2.5 seconds"));
        Assert.That(seconds.Future.IsCancelled && span.Future.IsCancelled, Is.True);
    }

    [Test]
    public void Timeout_OfATypedFuture_FromTheHost_InSecondsAndAsATimeSpan_PassesTheResultThrough_R43()
    {
        LoopTask<int> task = _t.Loop.Start<int>(SleepReturn(1, 42, _log, "task"));

        Future<int> bySeconds = Co.Timeout<int>(task, 5.0);
        Future<int> bySpan = Co.Timeout<int>(task, TimeSpan.FromSeconds(5));
        _t.Tick();
        _t.AdvanceAndTick(1);

        Assert.That(bySeconds.Result, Is.EqualTo(42));
        Assert.That(bySpan.Result, Is.EqualTo(42));
    }

    [Test]
    public void Timeout_OfACoroutine_FromTheHost_InSecondsAndAsATimeSpan_CancelsItAtTheDeadline_R43()
    {
        Future bySeconds = Co.Timeout(_t.Loop, Sleep(5, _log, "seconds"), 1);
        Future bySpan = Co.Timeout(_t.Loop, Sleep(5, _log, "span"), TimeSpan.FromSeconds(1));
        _t.Tick();
        _t.AdvanceAndTick(1);
        _t.Tick();

        Assert.That(bySeconds.Exception, Is.TypeOf<TimeoutException>());
        Assert.That(bySpan.Exception, Is.TypeOf<TimeoutException>());
        Assert.That(_log, Is.EquivalentTo(new[] { "seconds finally", "span finally" }));
    }

    [Test]
    public void Timeout_OfATypedCoroutine_FromTheHost_InSecondsAndAsATimeSpan_PassesTheResultThrough_R43()
    {
        Future<int> bySeconds = Co.Timeout<int>(_t.Loop, SleepReturn(1, 1, _log, "seconds"), 5);
        Future<int> bySpan = Co.Timeout<int>(_t.Loop, SleepReturn(1, 2, _log, "span"), TimeSpan.FromSeconds(5));
        _t.Tick();
        _t.AdvanceAndTick(1);

        Assert.That(bySeconds.Result, Is.EqualTo(1));
        Assert.That(bySpan.Result, Is.EqualTo(2));
    }

    [Test]
    public void Timeout_OfACoroutine_WithATimeSpanOfZero_NeverRunsIt_R43()
    {
        Future timed = Co.Timeout(_t.Loop, Body(_log, "work"), TimeSpan.Zero);
        _t.Tick();

        Assert.That(_log, Is.Empty);
        Assert.That(timed.Exception, Is.TypeOf<TimeoutException>());
    }

    // ---- bad input: null items and loops ---------------------------------------------------------------------------

    [Test]
    public void CoroutineForms_WithANullLoop_ThrowArgumentNullExceptionNamingTheLoop_AndStartNothing()
    {
        var forms = new Dictionary<string, Func<IEnumerator<IAwaitable>, object>>
        {
            ["WhenAll"] = c => Co.WhenAll(null!, c),
            ["WhenAll<T>"] = c => Co.WhenAll<int>(null!, c),
            ["SettleAll"] = c => Co.SettleAll(null!, c),
            ["SettleAll<T>"] = c => Co.SettleAll<int>(null!, c),
            ["Race"] = c => Co.Race(null!, c),
            ["Race<T>"] = c => Co.Race<int>(null!, c),
            ["Timeout"] = c => Co.Timeout(null!, c, 1),
            ["Timeout(TimeSpan)"] = c => Co.Timeout(null!, c, TimeSpan.FromSeconds(1)),
            ["Timeout<T>"] = c => Co.Timeout<int>(null!, c, 1),
            ["Timeout<T>(TimeSpan)"] = c => Co.Timeout<int>(null!, c, TimeSpan.FromSeconds(1)),
        };

        foreach (KeyValuePair<string, Func<IEnumerator<IAwaitable>, object>> form in forms)
        {
            IEnumerator<IAwaitable> coroutine = Body(_log, form.Key);
            var ex = Assert.Throws<ArgumentNullException>(() => form.Value(coroutine), form.Key);
            Assert.That(ex!.ParamName, Is.EqualTo("loop"), form.Key);
            Assert.DoesNotThrow(() => _t.Loop.Start(coroutine), $"{form.Key}: the coroutine was not started");
        }
    }

    [Test]
    public void CoroutineForms_WithANullCoroutine_ThrowNamingItsIndex_AndStartNone()
    {
        var forms = new Dictionary<string, Func<IEnumerator<IAwaitable>, object>>
        {
            ["WhenAll"] = c => Co.WhenAll(_t.Loop, c, null!),
            ["WhenAll<T>"] = c => Co.WhenAll<int>(_t.Loop, c, null!),
            ["SettleAll"] = c => Co.SettleAll(_t.Loop, c, null!),
            ["SettleAll<T>"] = c => Co.SettleAll<int>(_t.Loop, c, null!),
            ["Race"] = c => Co.Race(_t.Loop, c, null!),
            ["Race<T>"] = c => Co.Race<int>(_t.Loop, c, null!),
        };

        foreach (KeyValuePair<string, Func<IEnumerator<IAwaitable>, object>> form in forms)
        {
            var ex = Assert.Throws<ArgumentNullException>(() => form.Value(Body(_log, form.Key)), form.Key);
            Assert.That(ex!.ParamName, Is.EqualTo("coroutines"), form.Key);
            Assert.That(ex.Message, Does.StartWith("The coroutine at index 1 is null."), form.Key);
        }

        Assert.Throws<ArgumentNullException>(() => Co.Timeout(_t.Loop, null!, 1));
        Assert.Throws<ArgumentNullException>(() => Co.Timeout<int>(_t.Loop, null!, TimeSpan.FromSeconds(1)));
        Assert.That(_t.Loop.PendingTaskCount, Is.Zero);
        _t.Tick();
        Assert.That(_log, Is.Empty, "no coroutine ran");
    }

    [Test]
    public void FutureForms_WithANullArrayOrItem_ThrowArgumentNullExceptionNamingTheIndex()
    {
        var ok = new FutureSource(_t.Loop);

        Assert.Throws<ArgumentNullException>(() => Co.WhenAll((Future[])null!));
        Assert.Throws<ArgumentNullException>(() => Co.SettleAll((Future<int>[])null!));
        Assert.Throws<ArgumentNullException>(() => Co.Timeout((Future)null!, 1));
        Assert.Throws<ArgumentNullException>(() => Co.Timeout((Future<int>)null!, TimeSpan.FromSeconds(1)));
        foreach (Func<object> call in new Func<object>[]
                 {
                     () => Co.WhenAll(ok.Future, null!),
                     () => Co.SettleAll(ok.Future, null!),
                     () => Co.WhenAny(ok.Future, null!),
                     () => Co.Race(ok.Future, null!),
                 })
        {
            var ex = Assert.Throws<ArgumentNullException>(() => call());
            Assert.That(ex!.Message, Does.StartWith("The future at index 1 is null."));
        }
    }

    // ---- bad input: empty ------------------------------------------------------------------------------------------

    [Test]
    public void WhenAnyAndRace_OfNothing_ThrowArgumentException_InEveryForm()
    {
        const string Message = "At least one future is needed: with none, the first to complete would never come.";

        Assert.That(Assert.Throws<ArgumentException>(() => Co.WhenAny())!.Message, Does.StartWith(Message));
        Assert.That(Assert.Throws<ArgumentException>(() => Co.Race())!.Message, Does.StartWith(Message));
        Assert.That(Assert.Throws<ArgumentException>(() => Co.Race<int>())!.Message, Does.StartWith(Message));
        Assert.That(Assert.Throws<ArgumentException>(() => Co.Race(_t.Loop))!.ParamName, Is.EqualTo("coroutines"));
        Assert.That(Assert.Throws<ArgumentException>(() => Co.Race<int>(_t.Loop))!.ParamName, Is.EqualTo("coroutines"));
    }

    [Test]
    public void WhenAllAndSettleAll_OfNoFutures_FromTheHost_ThrowNamingTheFix_AndOfNoCoroutinesOnALoop_CompleteAtOnce()
    {
        var whenAll = Assert.Throws<InvalidOperationException>(() => Co.WhenAll());
        var settleAll = Assert.Throws<InvalidOperationException>(() => Co.SettleAll<int>());

        Assert.That(whenAll!.Message, Is.EqualTo(
            "Co.WhenAll of no futures has no future to take the loop from, and no loop is ticking on this thread to give the (already complete) result to. Pass the loop: Co.WhenAll(loop) of no coroutines completes at once on it."));
        Assert.That(settleAll!.Message, Does.StartWith("Co.SettleAll of no futures"));
        Assert.That(Co.SettleAll(_t.Loop).Result, Is.Empty);
        Assert.That(Co.SettleAll<int>(_t.Loop).Result, Is.Empty);
        Assert.That(Co.WhenAll(_t.Loop).IsSucceeded, Is.True);
    }

    // ---- bad input: another loop, a closed loop --------------------------------------------------------------------

    [Test]
    public void FutureForms_WithItemsOfAnotherLoop_ThrowArgumentExceptionNamingBothLoops_R61()
    {
        var other = new TestLoop(name: "other-loop");
        var here = new FutureSource<int>(_t.Loop);
        var there = new FutureSource<int>(other.Loop);
        const string Message = "The future at index 1 belongs to loop 'other-loop', but the first one belongs to loop 'test-loop'. A combinator waits on futures of one loop; hand results between loops with Post.";

        foreach (Func<object> call in new Func<object>[]
                 {
                     () => Co.WhenAll(here.Future, there.Future),
                     () => Co.WhenAll<int>(here.Future, there.Future),
                     () => Co.SettleAll(here.Future, there.Future),
                     () => Co.SettleAll<int>(here.Future, there.Future),
                     () => Co.WhenAny(here.Future, there.Future),
                     () => Co.Race(here.Future, there.Future),
                     () => Co.Race<int>(here.Future, there.Future),
                 })
        {
            var ex = Assert.Throws<ArgumentException>(() => call());
            Assert.That(ex!.Message, Does.StartWith(Message));
            Assert.That(ex.ParamName, Is.EqualTo("futures"));
        }
    }

    [Test]
    public void EveryForm_OnAClosedLoop_ThrowsObjectDisposedException_AndStartsNothing()
    {
        var pending = new FutureSource<int>(_t.Loop);
        Future<int> future = pending.Future;
        _t.Loop.Close();
        IEnumerator<IAwaitable> coroutine = Body(_log, "never");

        foreach (Func<object> call in new Func<object>[]
                 {
                     () => Co.WhenAll((Future)future),
                     () => Co.WhenAll<int>(future),
                     () => Co.SettleAll((Future)future),
                     () => Co.SettleAll<int>(future),
                     () => Co.WhenAny(future),
                     () => Co.Race((Future)future),
                     () => Co.Race<int>(future),
                     () => Co.Timeout((Future)future, 1),
                     () => Co.Timeout<int>(future, TimeSpan.FromSeconds(1)),
                     () => Co.WhenAll(_t.Loop, coroutine),
                     () => Co.WhenAll(_t.Loop),
                     () => Co.WhenAll<int>(_t.Loop, coroutine),
                     () => Co.SettleAll(_t.Loop, coroutine),
                     () => Co.SettleAll<int>(_t.Loop),
                     () => Co.Race(_t.Loop, coroutine),
                     () => Co.Race<int>(_t.Loop, coroutine),
                     () => Co.Timeout(_t.Loop, coroutine, 1),
                     () => Co.Timeout<int>(_t.Loop, coroutine, TimeSpan.FromSeconds(1)),
                 })
        {
            Assert.Throws<ObjectDisposedException>(() => call());
        }

        Assert.That(_log, Is.Empty);
    }
}
