#pragma warning disable CA2219 // finally blocks that throw are the scenario (R35, R43)
using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace YieldLoop.Tests.Acceptance;

/// <summary>Acceptance scenarios for R40-R44, written from docs/semantics.md (outsider's view).</summary>
[TestFixture]
public sealed class CompositionAcceptanceTests : LoopFixture
{
    public CompositionAcceptanceTests()
        : base("comp")
    {
    }

    private List<string> _log = null!;

    [SetUp]
    public void SetUp()
    {
        _log = new List<string>();
    }

    private void Advance(double seconds)
    {
        _clock.Advance(seconds);
        _loop.Tick();
    }

    private void TickUntil(Future f, int max = 200)
    {
        for (int i = 0; i < max && !f.IsCompleted; i++)
        {
            _clock.Advance(0.25);
            _loop.Tick();
        }

        Assert.That(f.IsCompleted, Is.True, $"{f} did not complete");
    }

    private IEnumerator<IAwaitable> Value(string name, double secs, int value)
    {
        try
        {
            yield return Co.Sleep(secs);
            _log.Add(name + " done");
            yield return Co.Return(value);
        }
        finally
        {
            _log.Add(name + " finally");
        }
    }

    private IEnumerator<IAwaitable> Fail(string name, double secs, Exception ex)
    {
        try
        {
            yield return Co.Sleep(secs);
            _log.Add(name + " throws");
            throw ex;
        }
        finally
        {
            _log.Add(name + " finally");
        }
    }

    private IEnumerator<IAwaitable> ThrowingFinally(string name, double secs, Exception ex)
    {
        try
        {
            yield return Co.Sleep(secs);
        }
        finally
        {
            _log.Add(name + " finally");
            throw ex;
        }
    }

    private IEnumerator<IAwaitable> SettleAndLog(string name, Future f)
    {
        try
        {
            yield return Co.Settle(f);
            _log.Add(name + " resumed " + f.State);
        }
        finally
        {
            _log.Add(name + " finally");
        }
    }

    private static IEnumerator<IAwaitable> Forever(List<string> log, string name)
    {
        try
        {
            while (true)
            {
                yield return Co.Sleep(1000);
            }
        }
        finally
        {
            log.Add(name + " finally");
        }
    }

    // ---------------- R40 ----------------

    [Test]
    public void WhenAll_GivesResultsInArgumentOrder_NotCompletionOrder_R40()
    {
        var a = _loop.Start<int>(Value("a", 3, 1));
        var b = _loop.Start<int>(Value("b", 1, 2));
        var c = _loop.Start<int>(Value("c", 2, 3));
        Future<int[]> all = Co.WhenAll<int>(a, b, c);
        TickUntil(all);
        Assert.That(all.Result, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void WhenAll_OfCoroutines_FromInsideACoroutine_ResultsInArgumentOrder_R40()
    {
        int[]? got = null;
        IEnumerator<IAwaitable> Main()
        {
            var all = Co.WhenAll<int>(_loop, Value("a", 2, 10), Value("b", 1, 20), Value("c", 0, 30));
            yield return all;
            got = all.Result;
        }

        var t = _loop.Start(Main());
        TickUntil(t);
        Assert.That(t.IsSucceeded, Is.True, t.Exception?.ToString());
        Assert.That(got, Is.EqualTo(new[] { 10, 20, 30 }));
    }

    [Test]
    public void WhenAll_FirstFailureCancelsOthers_WaitsForTheirFinally_ThenFailsWithSameException_R40()
    {
        var boom = new InvalidOperationException("boom");
        var a = _loop.Start<int>(Value("a", 100, 1));
        var b = _loop.Start(Fail("b", 1, boom));
        var c = _loop.Start<int>(Value("c", 100, 3));
        Future all = Co.WhenAll(a, b, c);
        var waiter = _loop.Start(SettleAndLog("waiter", all));
        TickUntil(waiter);

        Assert.That(all.IsFaulted, Is.True);
        Assert.That(all.Exception, Is.SameAs(boom));
        Assert.That(a.IsCancelled, Is.True);
        Assert.That(c.IsCancelled, Is.True);
        int resumed = _log.IndexOf("waiter resumed Faulted");
        Assert.That(resumed, Is.GreaterThan(_log.IndexOf("a finally")));
        Assert.That(resumed, Is.GreaterThan(_log.IndexOf("c finally")));
        Assert.That(_log, Does.Contain("a finally").And.Contain("c finally"));
        Assert.That(_log, Does.Not.Contain("a done").And.Not.Contain("c done"));
    }

    [Test]
    public void WhenAll_DoesNotCompleteBeforeCancelledSiblingsFinished_R40()
    {
        var boom = new InvalidOperationException("boom");
        var a = _loop.Start(Fail("a", 1, boom));
        var b = _loop.Start<int>(Value("b", 100, 1));
        Future all = Co.WhenAll(a, b);
        for (int i = 0; i < 50 && !all.IsCompleted; i++)
        {
            Advance(0.5);
            if (all.IsCompleted)
            {
                break;
            }
        }

        Assert.That(all.IsCompleted, Is.True);
        // When the wait completed, the sibling had already completed (its finally ran).
        Assert.That(b.IsCompleted, Is.True);
        Assert.That(_log, Does.Contain("b finally"));
        Assert.That(all.Exception, Is.SameAs(boom));
    }

    [Test]
    public void WhenAll_CancelledChildCountsAsFailure_WaitEndsCancelled_OthersCancelled_R40()
    {
        var a = _loop.Start<int>(Value("a", 100, 1));
        var b = _loop.Start<int>(Value("b", 100, 2));
        Future<int[]> all = Co.WhenAll<int>(a, b);
        Advance(1);
        Assert.That(b.Cancel(), Is.True);
        TickUntil(all);
        Assert.That(all.IsCancelled, Is.True);
        Assert.That(a.IsCancelled, Is.True);
        Assert.That(_log, Does.Contain("a finally").And.Contain("b finally"));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void WhenAll_FutureChildCancelled_WaitEndsCancelled_R40()
    {
        var s1 = new FutureSource<int>(_loop);
        var s2 = new FutureSource<int>(_loop);
        var all = Co.WhenAll<int>(s1.Future, s2.Future);
        s1.SetCanceled();
        TickUntil(all);
        Assert.That(all.IsCancelled, Is.True);
        Assert.That(s2.Future.IsCancelled, Is.True);
    }

    [Test]
    public void WhenAll_LaterFailuresAreAttached_NotDropped_R40()
    {
        var first = new InvalidOperationException("first");
        var later = new ArgumentException("later, from a finally during cancellation");
        var a = _loop.Start(Fail("a", 1, first));
        var b = _loop.Start(ThrowingFinally("b", 100, later));
        Future all = Co.WhenAll(a, b);
        var waiter = _loop.Start(SettleAndLog("waiter", all));
        TickUntil(waiter);
        Assert.That(all.Exception, Is.SameAs(first));
        Assert.That(b.IsFaulted, Is.True);
        Assert.That(first.GetFailures(), Is.EqualTo(new Exception[] { first, later }));
        Assert.That(_unhandled, Is.Empty, "attached failures must not also be reported as unobserved");
    }

    [Test]
    public void WhenAll_TwoChildrenFailInSameTick_SecondAttachedToFirst_R40()
    {
        var first = new InvalidOperationException("first");
        var second = new InvalidOperationException("second");
        var a = _loop.Start(Fail("a", 1, first));
        var b = _loop.Start(Fail("b", 1, second));
        Future all = Co.WhenAll(a, b);
        var waiter = _loop.Start(SettleAndLog("waiter", all));
        TickUntil(waiter);
        Assert.That(all.Exception, Is.SameAs(first));
        // The sibling, already queued in the same tick, is either cancelled at its turn (never throws) or throws;
        // if it did throw, its failure must be attached or reported, never dropped.
        if (b.IsFaulted)
        {
            Assert.That(first.GetFailures().Contains(second) || _unhandled.Contains(second), Is.True,
                "the second failure was silently dropped");
        }
        else
        {
            Assert.That(b.IsCancelled, Is.True);
            Assert.That(_log, Does.Not.Contain("b throws"));
        }
    }

    [Test]
    public void CancellingTheWaiter_CancelsAllChildren_ChildrenFinallyBeforeWaiterFinally_R40()
    {
        IEnumerator<IAwaitable> Waiter()
        {
            try
            {
                yield return Co.WhenAll(_loop, Forever(_log, "c1"), Forever(_log, "c2"), Forever(_log, "c3"));
                _log.Add("waiter after");
            }
            finally
            {
                _log.Add("waiter finally");
            }
        }

        var w = _loop.Start(Waiter());
        Advance(1);
        Advance(1);
        w.Cancel();
        TickUntil(w);
        Assert.That(w.IsCancelled, Is.True);
        int wf = _log.IndexOf("waiter finally");
        Assert.That(wf, Is.GreaterThanOrEqualTo(0));
        foreach (string c in new[] { "c1", "c2", "c3" })
        {
            int cf = _log.IndexOf(c + " finally");
            Assert.That(cf, Is.GreaterThanOrEqualTo(0), c + " finally did not run");
            Assert.That(cf, Is.LessThan(wf), c + " finally ran after the waiter's");
        }

        Assert.That(_log, Does.Not.Contain("waiter after"));
    }

    [Test]
    public void CancellingTheReturnedFuture_CancelsEveryChild_R40()
    {
        var a = _loop.Start(Forever(_log, "a"));
        var b = _loop.Start(Forever(_log, "b"));
        var all = Co.WhenAll(a, b);
        Advance(1);
        Assert.That(all.Cancel(), Is.True);
        _loop.Tick();
        _loop.Tick();
        Assert.That(a.IsCancelled && b.IsCancelled, Is.True);
        Assert.That(_log, Is.EquivalentTo(new[] { "a finally", "b finally" }));
    }

    [Test]
    public void WhenAll_OfNothing_CompletesAtOnce_WithEmptyResult_R40()
    {
        bool untypedDone = false;
        int[]? typed = null;
        bool typedDoneAtOnce = false;
        IEnumerator<IAwaitable> Main()
        {
            Future f = Co.WhenAll(Array.Empty<Future>());
            untypedDone = f.IsCompleted && f.IsSucceeded;
            Future<int[]> g = Co.WhenAll(Array.Empty<Future<int>>());
            typedDoneAtOnce = g.IsSucceeded;
            yield return g;
            typed = g.Result;
        }

        var t = _loop.Start(Main());
        _loop.Tick();
        Assert.That(t.IsSucceeded, Is.True, t.Exception?.ToString());
        Assert.That(untypedDone, Is.True);
        Assert.That(typedDoneAtOnce, Is.True);
        Assert.That(typed, Is.Empty);
    }

    [Test]
    public void WhenAll_OfNoCoroutines_CompletesAtOnce_R40()
    {
        bool done = false;
        IEnumerator<IAwaitable> Main()
        {
            var f = Co.WhenAll<int>(_loop);
            done = f.IsSucceeded && f.Result.Length == 0;
            yield break;
        }

        var t = _loop.Start(Main());
        _loop.Tick();
        Assert.That(t.IsSucceeded, Is.True, t.Exception?.ToString());
        Assert.That(done, Is.True);
    }

    [Test]
    public void WhenAll_AllAlreadyComplete_WaiterContinuesInSameStep_R40()
    {
        var s1 = new FutureSource<int>(_loop);
        var s2 = new FutureSource<int>(_loop);
        s1.SetResult(5);
        s2.SetResult(6);
        int[]? got = null;
        IEnumerator<IAwaitable> Main()
        {
            var all = Co.WhenAll<int>(s1.Future, s2.Future);
            yield return all;
            got = all.Result;
        }

        var t = _loop.Start(Main());
        TickUntil(t);
        Assert.That(got, Is.EqualTo(new[] { 5, 6 }));
    }

    [Test]
    public void WhenAll_FailureIsObserved_NotReportedAsUnhandled_R40()
    {
        var boom = new InvalidOperationException("boom");
        var waiter = _loop.Start(SettleAndLog("w", Co.WhenAll(_loop.Start(Fail("a", 1, boom)), _loop.Start(Forever(_log, "b")))));
        TickUntil(waiter);
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void WhenAll_UnobservedFailure_ReportedOnce_R40()
    {
        var boom = new InvalidOperationException("boom");
        var all = Co.WhenAll(_loop.Start(Fail("a", 1, boom)), _loop.Start(Forever(_log, "b")));
        for (int i = 0; i < 10; i++)
        {
            Advance(1);
        }

        Assert.That(all.IsFaulted, Is.True);
        Assert.That(_unhandled.Count(e => ReferenceEquals(e, boom)), Is.EqualTo(1));
    }

    // ---------------- R41 ----------------

    [Test]
    public void SettleAll_WaitsForEveryChild_NeverCancels_EachOutcomeAvailable_R41()
    {
        var boom = new InvalidOperationException("boom");
        var a = _loop.Start(Fail("a", 1, boom));
        var b = _loop.Start<int>(Value("b", 5, 2));
        var c = _loop.Start(Forever(_log, "c"));
        var settle = Co.SettleAll(a, b, c);
        Advance(3);
        c.Cancel();
        for (int i = 0; i < 4; i++)
        {
            Advance(1);
            if (i < 1)
            {
                Assert.That(settle.IsCompleted, Is.False, "settle-all completed before every child");
            }
        }

        TickUntil(settle);
        Assert.That(settle.IsSucceeded, Is.True);
        Assert.That(a.IsFaulted, Is.True);
        Assert.That(b.IsSucceeded, Is.True);
        Assert.That(b.Result, Is.EqualTo(2));
        Assert.That(c.IsCancelled, Is.True);
        Assert.That(_log, Does.Contain("b done"));
        Assert.That(_unhandled, Is.Empty, "failures under SettleAll count as observed");
    }

    [Test]
    public void SettleAll_NotCompletedWhileAChildIsPending_R41()
    {
        var boom = new InvalidOperationException("boom");
        var a = _loop.Start(Fail("a", 1, boom));
        var b = _loop.Start<int>(Value("b", 10, 2));
        var settle = Co.SettleAll(a, b);
        for (int i = 0; i < 8; i++)
        {
            Advance(1);
        }

        Assert.That(a.IsFaulted, Is.True);
        Assert.That(settle.IsCompleted, Is.False);
        Assert.That(b.IsCompleted, Is.False);
        TickUntil(settle);
        Assert.That(b.Result, Is.EqualTo(2));
    }

    [Test]
    public void SettleAll_CancellingTheReturnedFuture_CancelsChildren_R41()
    {
        var a = _loop.Start(Forever(_log, "a"));
        var b = _loop.Start(Forever(_log, "b"));
        var settle = Co.SettleAll(a, b);
        Advance(1);
        settle.Cancel();
        _loop.Tick();
        _loop.Tick();
        Assert.That(a.IsCancelled && b.IsCancelled, Is.True);
    }

    [Test]
    public void SettleAll_OfNothing_CompletesAtOnce_R41()
    {
        bool done = false;
        IEnumerator<IAwaitable> Main()
        {
            var f = Co.SettleAll();
            done = f.IsSucceeded;
            yield break;
        }

        _loop.Start(Main());
        _loop.Tick();
        Assert.That(done, Is.True);
    }

    // ---------------- R42 ----------------

    [Test]
    public void WhenAny_GivesIndexOfFirst_DoesNotCancelOthers_R42()
    {
        var a = _loop.Start<int>(Value("a", 3, 1));
        var b = _loop.Start<int>(Value("b", 1, 2));
        var c = _loop.Start<int>(Value("c", 2, 3));
        var any = Co.WhenAny(a, b, c);
        TickUntil(any);
        Assert.That(any.Result, Is.EqualTo(1));
        Assert.That(a.IsCompleted || c.IsCompleted, Is.False, "WhenAny must not wait for the others");
        TickUntil(a);
        TickUntil(c);
        Assert.That(a.Result, Is.EqualTo(1));
        Assert.That(c.Result, Is.EqualTo(3));
        Assert.That(_log, Does.Contain("a done").And.Contain("c done"));
    }

    [Test]
    public void WhenAny_FailingFirstChild_WinsWithItsIndex_WaitSucceeds_R42()
    {
        var boom = new InvalidOperationException("boom");
        var a = _loop.Start<int>(Value("a", 5, 1));
        var b = _loop.Start(Fail("b", 1, boom));
        var any = Co.WhenAny(a, b);
        TickUntil(any);
        Assert.That(any.IsSucceeded, Is.True);
        Assert.That(any.Result, Is.EqualTo(1));
        Assert.That(a.IsCompleted, Is.False);
        Assert.That(_unhandled, Is.Empty, "the winner's failure counts as observed");
        TickUntil(a);
        Assert.That(a.IsSucceeded, Is.True);
    }

    [Test]
    public void WhenAny_CancelledFirstChild_Wins_R42()
    {
        var a = _loop.Start<int>(Value("a", 5, 1));
        var b = _loop.Start(Forever(_log, "b"));
        var any = Co.WhenAny(a, b);
        Advance(1);
        b.Cancel();
        TickUntil(any);
        Assert.That(any.Result, Is.EqualTo(1));
        Assert.That(a.IsCompleted, Is.False);
    }

    [Test]
    public void WhenAny_AlreadyComplete_FirstInArgumentOrder_R42()
    {
        var s1 = new FutureSource(_loop);
        var s2 = new FutureSource(_loop);
        var s3 = new FutureSource(_loop);
        s3.SetResult();
        s2.SetResult();
        var any = Co.WhenAny(s1.Future, s2.Future, s3.Future);
        TickUntil(any);
        Assert.That(any.Result, Is.EqualTo(1));
    }

    [Test]
    public void WhenAny_CancellingTheWait_DoesNotCancelChildren_R42()
    {
        var a = _loop.Start(Forever(_log, "a"));
        var b = _loop.Start(Forever(_log, "b"));
        var any = Co.WhenAny(a, b);
        Advance(1);
        Assert.That(any.Cancel(), Is.True);
        Advance(1);
        Advance(1);
        Assert.That(a.IsCompleted || b.IsCompleted, Is.False);
        Assert.That(_log, Is.Empty);
    }

    [Test]
    public void WhenAny_OfNothing_Throws_R42()
    {
        Assert.Throws<ArgumentException>(() => Co.WhenAny());
    }

    [Test]
    public void Race_FirstOutcomeWins_OthersCancelledAndAwaited_R42()
    {
        var a = _loop.Start<int>(Value("a", 5, 1));
        var b = _loop.Start<int>(Value("b", 1, 2));
        var c = _loop.Start<int>(Value("c", 5, 3));
        Future<int> race = Co.Race<int>(a, b, c);
        var waiter = _loop.Start(SettleAndLog("waiter", race));
        TickUntil(waiter);
        Assert.That(race.Result, Is.EqualTo(2));
        Assert.That(a.IsCancelled && c.IsCancelled, Is.True);
        int w = _log.IndexOf("waiter resumed Succeeded");
        Assert.That(_log.IndexOf("a finally"), Is.InRange(0, w));
        Assert.That(_log.IndexOf("c finally"), Is.InRange(0, w));
        Assert.That(_log, Does.Not.Contain("a done").And.Not.Contain("c done"));
    }

    [Test]
    public void Race_RaceNotCompleteBeforeLosersDone_R42()
    {
        var a = _loop.Start<int>(Value("a", 5, 1));
        var b = _loop.Start<int>(Value("b", 1, 2));
        Future<int> race = Co.Race<int>(a, b);
        for (int i = 0; i < 20 && !race.IsCompleted; i++)
        {
            Advance(0.5);
        }

        Assert.That(race.IsCompleted, Is.True);
        Assert.That(a.IsCompleted, Is.True, "race completed before the loser completed");
        Assert.That(_log, Does.Contain("a finally"));
    }

    [Test]
    public void Race_Untyped_GivesWinnerIndex_R42()
    {
        var a = _loop.Start(Forever(_log, "a"));
        var b = _loop.Start<int>(Value("b", 1, 2));
        Future<int> race = Co.Race(a, b);
        TickUntil(race);
        Assert.That(race.Result, Is.EqualTo(1));
        Assert.That(a.IsCancelled, Is.True);
    }

    [Test]
    public void Race_FailingWinner_RaceFailsWithSameException_LosersCancelled_R42()
    {
        var boom = new InvalidOperationException("boom");
        var a = _loop.Start(Forever(_log, "a"));
        var b = _loop.Start(Fail("b", 1, boom));
        Future<int> race = Co.Race(a, b);
        TickUntil(race);
        Assert.That(race.Exception, Is.SameAs(boom));
        Assert.That(a.IsCancelled, Is.True);
        Assert.That(_log, Does.Contain("a finally"));
    }

    [Test]
    public void Race_CancelledWinner_RaceEndsCancelled_R42()
    {
        var a = _loop.Start(Forever(_log, "a"));
        var b = _loop.Start(Forever(_log, "b"));
        Future<int> race = Co.Race(a, b);
        Advance(1);
        b.Cancel();
        TickUntil(race);
        Assert.That(race.IsCancelled, Is.True);
        Assert.That(a.IsCancelled, Is.True);
    }

    [Test]
    public void Race_LoserFinallyThrows_AttachedToWinnersException_R42()
    {
        var boom = new InvalidOperationException("boom");
        var late = new ArgumentException("loser finally");
        var a = _loop.Start(ThrowingFinally("a", 100, late));
        var b = _loop.Start(Fail("b", 1, boom));
        Future<int> race = Co.Race(a, b);
        TickUntil(race);
        Assert.That(race.Exception, Is.SameAs(boom));
        Assert.That(boom.GetFailures(), Is.EqualTo(new Exception[] { boom, late }));
    }

    [Test]
    public void Race_LoserFinallyThrows_WinnerSucceeded_GoesToHandler_R42()
    {
        var late = new ArgumentException("loser finally");
        var a = _loop.Start(ThrowingFinally("a", 100, late));
        var b = _loop.Start<int>(Value("b", 1, 7));
        Future<int> race = Co.Race(a, b);
        TickUntil(race);
        for (int i = 0; i < 3; i++)
        {
            _loop.Tick();
        }

        Assert.That(race.Result, Is.EqualTo(1));
        Assert.That(a.IsFaulted, Is.True);
        Assert.That(_unhandled, Does.Contain(late));
    }

    [Test]
    public void Race_OfCoroutines_CancellingWaiterCancelsAll_ChildrenFinallyFirst_R42()
    {
        IEnumerator<IAwaitable> Waiter()
        {
            try
            {
                yield return Co.Race(_loop, Forever(_log, "r1"), Forever(_log, "r2"));
            }
            finally
            {
                _log.Add("waiter finally");
            }
        }

        var w = _loop.Start(Waiter());
        Advance(1);
        Advance(1);
        w.Cancel();
        TickUntil(w);
        int wf = _log.IndexOf("waiter finally");
        Assert.That(_log.IndexOf("r1 finally"), Is.InRange(0, wf));
        Assert.That(_log.IndexOf("r2 finally"), Is.InRange(0, wf));
    }

    [Test]
    public void Race_OfNothing_Throws_R42()
    {
        Assert.Throws<ArgumentException>(() => Co.Race(Array.Empty<Future>()));
    }

    // ---------------- R43 ----------------

    [Test]
    public void Timeout_CountsFromCreation_NotFromYield_R43()
    {
        var work = _loop.Start(Forever(_log, "work"));
        Future timeout = Co.Timeout(work, 2);
        double? resumedAt = null;
        IEnumerator<IAwaitable> Waiter()
        {
            yield return Co.Sleep(1.5);
            yield return Co.Settle(timeout);
            resumedAt = _loop.Time.TotalSeconds;
        }

        _loop.Start(Waiter());
        for (int i = 0; i < 40 && resumedAt == null; i++)
        {
            Advance(0.25);
        }

        Assert.That(timeout.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(resumedAt, Is.Not.Null);
        Assert.That(resumedAt!.Value, Is.LessThan(3.0), "the deadline was counted from the yield, not the creation");
        Assert.That(resumedAt!.Value, Is.GreaterThanOrEqualTo(2.0));
    }

    [Test]
    public void Timeout_NotBeforeDeadline_R43()
    {
        var work = _loop.Start(Forever(_log, "work"));
        Future timeout = Co.Timeout(work, 2);
        Advance(1.0);
        Advance(0.99);
        Assert.That(timeout.IsCompleted, Is.False);
        Assert.That(work.IsCompleted, Is.False);
        Assert.That(_log, Is.Empty);
        Advance(0.01);
        TickUntil(timeout);
        Assert.That(timeout.Exception, Is.InstanceOf<TimeoutException>());
    }

    [Test]
    public void Expiry_CancelsWork_WaitsForFinally_ThenTimeoutException_R43()
    {
        IEnumerator<IAwaitable> Main()
        {
            var t = Co.Timeout(_loop, Forever(_log, "work"), 1);
            yield return Co.Settle(t);
            _log.Add("main sees " + t.Exception?.GetType().Name);
        }

        var m = _loop.Start(Main());
        TickUntil(m);
        Assert.That(_log, Is.EqualTo(new[] { "work finally", "main sees TimeoutException" }));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void Expiry_TimeoutFutureNotCompleteUntilWorkFinished_R43()
    {
        var work = _loop.Start(Forever(_log, "work"));
        Future timeout = Co.Timeout(work, 1);
        for (int i = 0; i < 20 && !timeout.IsCompleted; i++)
        {
            Advance(0.5);
        }

        Assert.That(timeout.IsCompleted, Is.True);
        Assert.That(work.IsCancelled, Is.True);
        Assert.That(_log, Does.Contain("work finally"));
    }

    [Test]
    public void Expiry_FinallyThrows_ThatExceptionIsTheOutcome_R43()
    {
        var fromFinally = new InvalidOperationException("cleanup failed");
        var work = _loop.Start(ThrowingFinally("work", 100, fromFinally));
        Future timeout = Co.Timeout(work, 1);
        TickUntil(timeout);
        Assert.That(timeout.Exception, Is.SameAs(fromFinally));
    }

    [Test]
    public void WorkFinishingFirst_Wins_WithItsResult_R43()
    {
        var work = _loop.Start<int>(Value("work", 1, 42));
        Future<int> timeout = Co.Timeout<int>(work, 5);
        TickUntil(timeout);
        Assert.That(timeout.Result, Is.EqualTo(42));
        for (int i = 0; i < 10; i++)
        {
            Advance(1);
        }

        Assert.That(_unhandled, Is.Empty);
        Assert.That(timeout.IsSucceeded, Is.True);
    }

    [Test]
    public void WorkFailingFirst_TimeoutFailsWithSameException_R43()
    {
        var boom = new InvalidOperationException("boom");
        var work = _loop.Start(Fail("work", 1, boom));
        Future timeout = Co.Timeout(work, 5);
        TickUntil(timeout);
        Assert.That(timeout.Exception, Is.SameAs(boom));
    }

    [Test]
    public void WorkFinishingInTheDeadlineTick_WorkWins_R43()
    {
        var src = new FutureSource<int>(_loop);
        Future<int> timeout = Co.Timeout<int>(src.Future, 1);
        Advance(0.5);
        src.SetResult(9);
        Advance(0.5);
        TickUntil(timeout);
        Assert.That(timeout.Result, Is.EqualTo(9));
    }

    [Test]
    public void ZeroTimeout_WorkAlreadyDone_GivesResult_R43()
    {
        var src = new FutureSource<int>(_loop);
        src.SetResult(3);
        Future<int> t = Co.Timeout<int>(src.Future, 0);
        TickUntil(t);
        Assert.That(t.Result, Is.EqualTo(3));
    }

    [Test]
    public void NegativeTimeout_WorkAlreadyFailed_GivesThatFailure_R43()
    {
        var boom = new InvalidOperationException("boom");
        var src = new FutureSource(_loop);
        src.SetException(boom);
        Future t = Co.Timeout(src.Future, -1);
        TickUntil(t);
        Assert.That(t.Exception, Is.SameAs(boom));
    }

    [Test]
    public void ZeroTimeout_PendingWork_CancelledAtOnce_TimeoutException_R43()
    {
        var src = new FutureSource(_loop);
        Future t = Co.Timeout(src.Future, 0);
        TickUntil(t, 3);
        Assert.That(src.Future.IsCancelled, Is.True);
        Assert.That(t.Exception, Is.InstanceOf<TimeoutException>());
    }

    [Test]
    public void NegativeTimeout_UnstartedCoroutine_NeverRuns_R43()
    {
        bool ran = false;
        IEnumerator<IAwaitable> Body()
        {
            ran = true;
            yield return Co.NextTick;
        }

        Future? t = null;
        IEnumerator<IAwaitable> Main()
        {
            t = Co.Timeout(_loop, Body(), -5);
            yield return Co.Settle(t);
        }

        var m = _loop.Start(Main());
        TickUntil(m);
        Assert.That(ran, Is.False);
        Assert.That(t!.Exception, Is.InstanceOf<TimeoutException>());
    }

    [Test]
    public void ZeroTimeout_OfCoroutine_NeverRuns_R43()
    {
        bool ran = false;
        IEnumerator<IAwaitable> Body()
        {
            ran = true;
            yield return Co.Return(1);
        }

        Future<int>? t = null;
        IEnumerator<IAwaitable> Main()
        {
            t = Co.Timeout<int>(_loop, Body(), 0);
            yield return Co.Settle(t);
        }

        var m = _loop.Start(Main());
        TickUntil(m);
        Assert.That(ran, Is.False);
        Assert.That(t!.Exception, Is.InstanceOf<TimeoutException>());
    }

    [Test]
    public void CancelFromOutside_IsNotATimeout_R43()
    {
        var work = _loop.Start(Forever(_log, "work"));
        Future t = Co.Timeout(work, 5);
        Advance(1);
        work.Cancel();
        TickUntil(t);
        Assert.That(t.IsCancelled, Is.True, $"expected cancelled, got {t.State}");
        Assert.That(t.Exception, Is.Null);
    }

    [Test]
    public void CancellingTheTimeoutFuture_CancelsWork_IsNotATimeout_R43()
    {
        IEnumerator<IAwaitable> Waiter()
        {
            try
            {
                yield return Co.Timeout(_loop, Forever(_log, "work"), 5);
            }
            finally
            {
                _log.Add("waiter finally");
            }
        }

        var w = _loop.Start(Waiter());
        Advance(1);
        Advance(1);
        w.Cancel();
        TickUntil(w);
        Assert.That(w.IsCancelled, Is.True, w.Exception?.ToString());
        Assert.That(_log, Is.EqualTo(new[] { "work finally", "waiter finally" }));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void NestedEqualDeadlines_OnlyOuterTimesOut_InnerCancelled_R43()
    {
        Future? inner = null;
        Future? outer = null;
        IEnumerator<IAwaitable> Middle()
        {
            inner = Co.Timeout(_loop, Forever(_log, "work"), 2);
            yield return inner;
        }

        IEnumerator<IAwaitable> Main()
        {
            outer = Co.Timeout(_loop, Middle(), 2);
            yield return Co.Settle(outer);
        }

        var m = _loop.Start(Main());
        TickUntil(m);
        Assert.That(outer!.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(inner!.IsCancelled, Is.True, $"inner should be cancelled, was {inner.State} {inner.Exception}");
        Assert.That(_log, Does.Contain("work finally"));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void NestedEqualDeadlines_InnerCreatedFirst_TaskWork_OnlyOuterTimesOut_R43()
    {
        var work = _loop.Start(Forever(_log, "work"));
        _loop.Tick();
        Future inner = Co.Timeout(work, 1);
        Future outer = Co.Timeout(inner, 1);
        TickUntil(outer);
        _loop.Tick();
        Assert.That(outer.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(inner.IsCancelled, Is.True, $"inner was {inner.State}");
        Assert.That(work.IsCancelled, Is.True);
        Assert.That(_log, Does.Contain("work finally"));
    }

    [Test]
    public void NestedInnerShorter_InnerTimesOut_R43()
    {
        var src = new FutureSource(_loop);
        Future inner = Co.Timeout(src.Future, 1);
        Future outer = Co.Timeout(inner, 5);
        TickUntil(outer);
        Assert.That(inner.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(outer.Exception, Is.SameAs(inner.Exception));
    }

    [Test]
    public void NaNOrInfinity_Rejected_R43()
    {
        var src = new FutureSource(_loop);
        Assert.Throws<ArgumentOutOfRangeException>(() => Co.Timeout(src.Future, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Co.Timeout(src.Future, double.PositiveInfinity));
    }

    [Test]
    public void TimeoutOfWhenAll_CancelsAllChildren_WaitsForThem_R43()
    {
        IEnumerator<IAwaitable> Main()
        {
            var t = Co.Timeout(Co.WhenAll(_loop, Forever(_log, "a"), Forever(_log, "b")), 1);
            yield return Co.Settle(t);
            _log.Add("main " + t.Exception?.GetType().Name);
        }

        var m = _loop.Start(Main());
        TickUntil(m);
        Assert.That(_log.Last(), Is.EqualTo("main TimeoutException"));
        Assert.That(_log, Does.Contain("a finally").And.Contain("b finally"));
    }

    // ---------------- R44 ----------------

    [Test]
    public void Group_DoesNotCompleteBeforeAllChildren_R44()
    {
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            g.Start(Value("a", 1, 1));
            g.Start(Value("b", 3, 2));
            yield return g.WhenAll();
            _log.Add("owner after");
        }

        var o = _loop.Start(Owner());
        TickUntil(o);
        Assert.That(o.IsSucceeded, Is.True, o.Exception?.ToString());
        Assert.That(_log.IndexOf("owner after"), Is.GreaterThan(_log.IndexOf("b finally")));
    }

    [Test]
    public void Group_ChildStartedWhileWaiting_IsWaitedFor_R44()
    {
        TaskGroup? group = null;
        IEnumerator<IAwaitable> Spawner()
        {
            yield return Co.Sleep(1);
            group!.Start(Value("late", 5, 0));
        }

        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            group = g;
            g.Start(Spawner());
            yield return g.WhenAll();
            _log.Add("owner after");
        }

        var o = _loop.Start(Owner());
        TickUntil(o);
        Assert.That(_log.IndexOf("owner after"), Is.GreaterThan(_log.IndexOf("late done")));
    }

    [Test]
    public void Group_FailingChildCancelsSiblings_FailsWithAggregateOfFailures_R44()
    {
        var boom = new InvalidOperationException("boom");
        TaskGroup? group = null;
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            group = g;
            g.Start(Forever(_log, "s1"));
            g.Start(Fail("f", 1, boom));
            g.Start(Forever(_log, "s2"));
            yield return g.WhenAll();
            _log.Add("owner after");
        }

        var o = _loop.Start(Owner());
        TickUntil(o);
        Assert.That(o.IsFaulted, Is.True);
        var agg = o.Exception as AggregateException;
        Assert.That(agg, Is.Not.Null, $"expected AggregateException, got {o.Exception}");
        Assert.That(agg!.InnerExceptions, Is.EqualTo(new Exception[] { boom }));
        Assert.That(_log, Does.Contain("s1 finally").And.Contain("s2 finally"));
        Assert.That(_log, Does.Not.Contain("owner after"));
        Assert.That(_log.IndexOf("s1 finally"), Is.GreaterThan(_log.IndexOf("f throws")));
    }

    [Test]
    public void Group_FailsWithEveryChildFailure_R44()
    {
        var e1 = new InvalidOperationException("one");
        var e2 = new ArgumentException("two (finally during cancellation)");
        var e3 = new FormatException("three (same tick)");
        Future? wait = null;
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            g.Start(Fail("f1", 1, e1));
            g.Start(ThrowingFinally("f2", 100, e2));
            g.Start(Fail("f3", 1, e3));
            wait = g.WhenAll();
            yield return wait;
        }

        var o = _loop.Start(Owner());
        TickUntil(o);
        var agg = o.Exception as AggregateException;
        Assert.That(agg, Is.Not.Null, $"expected AggregateException, got {o.Exception}");
        Assert.That(agg!.InnerExceptions[0], Is.SameAs(e1), "in the order they happened");
        Assert.That(agg.InnerExceptions, Does.Contain(e2));
        var expected = new List<Exception> { e1, e2 };
        if (_log.Contains("f3 throws"))
        {
            expected.Add(e3);
        }

        Assert.That(agg.InnerExceptions, Is.EquivalentTo(expected));
    }

    [Test]
    public void Group_OwnerCancelled_ChildrenCancelled_TheirFinallyBeforeOwners_R44()
    {
        IEnumerator<IAwaitable> Owner()
        {
            try
            {
                using var g = new TaskGroup(_loop);
                g.Start(Forever(_log, "c1"));
                g.Start(Forever(_log, "c2"));
                yield return g.WhenAll();
            }
            finally
            {
                _log.Add("owner finally");
            }
        }

        var o = _loop.Start(Owner());
        Advance(1);
        Advance(1);
        o.Cancel();
        TickUntil(o);
        Assert.That(o.IsCancelled, Is.True, o.Exception?.ToString());
        int of = _log.IndexOf("owner finally");
        Assert.That(_log.IndexOf("c1 finally"), Is.InRange(0, of));
        Assert.That(_log.IndexOf("c2 finally"), Is.InRange(0, of));
    }

    [Test]
    public void Group_NoChildOutlivesGroup_AfterOwnerThrows_R44()
    {
        var boom = new InvalidOperationException("owner");
        LoopTask? child = null;
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            child = g.Start(Forever(_log, "child"));
            yield return Co.Sleep(1);
            throw boom;
        }

        var o = _loop.Start(Owner());
        TickUntil(o);
        Assert.That(o.Exception, Is.SameAs(boom));
        _loop.Tick();
        _loop.Tick();
        Assert.That(child!.IsCancelled, Is.True);
        Assert.That(_log, Does.Contain("child finally"));
    }

    [Test]
    public void Group_StartAfterFinished_Throws_R44()
    {
        TaskGroup? kept = null;
        IEnumerator<IAwaitable> Owner()
        {
            var g = new TaskGroup(_loop);
            kept = g;
            g.Start(Value("a", 0, 1));
            yield return g.WhenAll();
        }

        var o = _loop.Start(Owner());
        TickUntil(o);
        Assert.Throws<InvalidOperationException>(() => kept!.Start(Forever(_log, "x")));
        kept!.Dispose();
        Assert.Throws<InvalidOperationException>(() => kept.Start(Forever(_log, "y")));
    }

    [Test]
    public void Group_EmptyCompletesAtOnce_R44()
    {
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            var w = g.WhenAll();
            _log.Add("done at once " + w.IsSucceeded);
            yield return w;
        }

        var o = _loop.Start(Owner());
        _loop.Tick();
        Assert.That(o.IsSucceeded, Is.True);
        Assert.That(_log, Is.EqualTo(new[] { "done at once True" }));
    }

    [Test]
    public void Group_ChildCancelledIsNotAFailure_R44()
    {
        LoopTask? c = null;
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            c = g.Start(Forever(_log, "c"));
            g.Start(Value("v", 2, 0));
            yield return g.WhenAll();
            _log.Add("owner after");
        }

        var o = _loop.Start(Owner());
        Advance(1);
        c!.Cancel();
        TickUntil(o);
        Assert.That(o.IsSucceeded, Is.True, o.Exception?.ToString());
        Assert.That(_log, Does.Contain("v done"));
    }

    [Test]
    public void Group_ChildStartedAfterFailure_NeverRuns_R44()
    {
        var boom = new InvalidOperationException("boom");
        bool lateRan = false;
        TaskGroup? group = null;
        IEnumerator<IAwaitable> Late()
        {
            lateRan = true;
            yield return Co.NextTick;
        }

        IEnumerator<IAwaitable> Cleaner()
        {
            try
            {
                yield return Co.Sleep(100);
            }
            finally
            {
                group!.Start(Late());
            }
        }

        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            group = g;
            g.Start(Cleaner());
            g.Start(Fail("f", 1, boom));
            yield return g.WhenAll();
        }

        var o = _loop.Start(Owner());
        TickUntil(o);
        _loop.Tick();
        Assert.That(lateRan, Is.False);
    }

    // ---------------- more probes ----------------

    [Test]
    public void OutcomeIsCancellation_LaterFailureGoesToHandler_R40()
    {
        var late = new ArgumentException("finally during cancellation");
        var a = _loop.Start(Forever(_log, "a"));
        var b = _loop.Start(ThrowingFinally("b", 100, late));
        Future all = Co.WhenAll(a, b);
        var waiter = _loop.Start(SettleAndLog("waiter", all));
        Advance(1);
        a.Cancel();
        TickUntil(waiter);
        _loop.Tick();
        Assert.That(all.IsCancelled, Is.True);
        Assert.That(b.IsFaulted, Is.True);
        Assert.That(_unhandled, Does.Contain(late), "a later failure under a cancelled outcome was dropped");
        Assert.That(_unhandled.FindAll(e => ReferenceEquals(e, late)), Has.Count.EqualTo(1));
    }

    [Test]
    public void WhenAny_LoserFailingLater_IsNotObserved_ReportedOnce_R42()
    {
        var boom = new InvalidOperationException("loser");
        var a = _loop.Start<int>(Value("a", 1, 1));
        var b = _loop.Start(Fail("b", 3, boom));
        var any = Co.WhenAny(a, b);
        var waiter = _loop.Start(SettleAndLog("waiter", any));
        TickUntil(waiter);
        Assert.That(any.Result, Is.EqualTo(0));
        TickUntil(b);
        _loop.Tick();
        Assert.That(_unhandled.FindAll(e => ReferenceEquals(e, boom)), Has.Count.EqualTo(1));
    }

    [Test]
    public void OwnerCancelled_ChildFinallyThrows_OwnerFaultsWithIt_R44()
    {
        var fromChild = new FormatException("child cleanup failed");
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            g.Start(ThrowingFinally("c", 100, fromChild));
            yield return g.WhenAll();
        }

        var o = _loop.Start(Owner());
        Advance(1);
        Advance(1);
        o.Cancel();
        TickUntil(o);
        Assert.That(_log, Does.Contain("c finally"));
        bool ownerHasIt = o.IsFaulted && (ReferenceEquals(o.Exception, fromChild) ||
            (o.Exception is AggregateException agg && agg.InnerExceptions.Contains(fromChild)));
        Assert.That(ownerHasIt || _unhandled.Contains(fromChild), Is.True,
            $"the child's cleanup failure was lost (owner {o.State})");
    }

    [Test]
    public void GroupDisposedWithoutWaiting_ChildFailureReported_R44()
    {
        var boom = new InvalidOperationException("nobody waited");
        IEnumerator<IAwaitable> Owner()
        {
            using var g = new TaskGroup(_loop);
            g.Start(Fail("f", 0.1, boom));
            yield return Co.Sleep(5);
        }

        var o = _loop.Start(Owner());
        TickUntil(o);
        _loop.Tick();
        Assert.That(_unhandled.Exists(e => ReferenceEquals(e, boom) ||
            (e is AggregateException agg && agg.InnerExceptions.Contains(boom))), Is.True);
    }

    [Test]
    public void ShieldedWork_TimeoutDoesNotCancelIt_R43()
    {
        var work = _loop.Start<int>(Value("work", 3, 5));
        Future t = Co.Timeout(Co.Shield(work), 1);
        TickUntil(t);
        Assert.That(t.Exception, Is.InstanceOf<TimeoutException>());
        TickUntil(work);
        Assert.That(work.Result, Is.EqualTo(5));
    }

    [Test]
    public void TimeoutOfTypedCoroutine_PassesResult_R43()
    {
        int? got = null;
        IEnumerator<IAwaitable> Main()
        {
            var t = Co.Timeout<int>(_loop, Value("w", 1, 77), 5);
            yield return t;
            got = t.Result;
        }

        var m = _loop.Start(Main());
        TickUntil(m);
        Assert.That(got, Is.EqualTo(77));
    }
}
