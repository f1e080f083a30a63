using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>Scenarios for R60-R61: custom awaitables that break their contract, and misuse at run time.</summary>
public partial class EventLoopTests
{
    private sealed class ThrowingIsCompletedAwaitable : IAwaitable
    {
        public bool IsCompleted => throw new NotSupportedException("IsCompleted broke");

        public void OnCompleted(Action continuation)
        {
        }
    }

    private sealed class ThrowingOnCompletedAwaitable : IAwaitable
    {
        public bool IsCompleted => false;

        public void OnCompleted(Action continuation) => throw new NotSupportedException("OnCompleted broke");
    }

    private sealed class ManualAwaitable : IAwaitable
    {
        public Action? Continuation { get; private set; }

        public int Registrations { get; private set; }

        public bool IsCompleted => false;

        public void OnCompleted(Action continuation)
        {
            Registrations++;
            Continuation = continuation;
        }
    }

    private sealed class DoubleInlineAwaitable : IAwaitable
    {
        public bool IsCompleted => false;

        public void OnCompleted(Action continuation)
        {
            continuation();
            continuation();
        }
    }

    private int _healthySteps;

    private IEnumerator<IAwaitable> Healthy()
    {
        while (true)
        {
            _healthySteps++;
            yield return Co.NextTick;
        }
    }

    private IEnumerator<IAwaitable> YieldsBadThing(IAwaitable bad, List<string> log)
    {
        try
        {
            log.Add("before");
            yield return bad;
            log.Add("after");
            yield return Co.NextTick;
            log.Add("after2");
        }
        finally
        {
            log.Add("finally");
        }
    }

    private static void AssertNamesCoroutineAndType(string message, string typeName)
    {
        Assert.That(message, Does.Contain(nameof(YieldsBadThing)), "message should name the coroutine: " + message);
        Assert.That(message, Does.Contain(typeName), "message should name the awaitable type: " + message);
    }

    // ---------------- R60 ----------------

    [Test]
    public void IsCompletedThrows_TaskFaultsWithNamingMessage_LoopGoesOn_R60()
    {
        var log = new List<string>();
        var healthy = _loop.Start(Healthy());
        var t = _loop.Start(YieldsBadThing(new ThrowingIsCompletedAwaitable(), log));
        Ticks(3);
        Assert.That(t.IsFaulted, Is.True, $"state {t.State}");
        AssertNamesCoroutineAndType(t.Exception!.Message, nameof(ThrowingIsCompletedAwaitable));
        Assert.That(log, Is.EqualTo(new[] { "before", "finally" }));
        int before = _healthySteps;
        Ticks(2);
        Assert.That(_healthySteps, Is.EqualTo(before + 2));
        Assert.That(healthy.IsCompleted, Is.False);
    }

    [Test]
    public void OnCompletedThrows_TaskFaultsWithNamingMessage_LoopGoesOn_R60()
    {
        var log = new List<string>();
        _loop.Start(Healthy());
        var t = _loop.Start(YieldsBadThing(new ThrowingOnCompletedAwaitable(), log));
        Ticks(3);
        Assert.That(t.IsFaulted, Is.True, $"state {t.State}");
        AssertNamesCoroutineAndType(t.Exception!.Message, nameof(ThrowingOnCompletedAwaitable));
        Assert.That(log, Is.EqualTo(new[] { "before", "finally" }));
        int before = _healthySteps;
        Ticks(2);
        Assert.That(_healthySteps, Is.EqualTo(before + 2));
    }

    [Test]
    public void ContinuationInvokedOnce_OnLoopThread_ResumesNormally_R60()
    {
        var log = new List<string>();
        var aw = new ManualAwaitable();
        var t = _loop.Start(YieldsBadThing(aw, log));
        Ticks(2);
        Assert.That(aw.Registrations, Is.EqualTo(1));
        _loop.CallSoon(() => aw.Continuation!());
        Ticks(4);
        Assert.That(t.IsSucceeded, Is.True, t.Exception?.ToString());
        Assert.That(log, Is.EqualTo(new[] { "before", "after", "after2", "finally" }));
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void ContinuationInvokedTwiceInARow_NoDoubleResume_MisuseReportedWithNames_R60()
    {
        var log = new List<string>();
        var aw = new ManualAwaitable();
        var t = _loop.Start(YieldsBadThing(aw, log));
        Ticks(2);
        _loop.CallSoon(() =>
        {
            aw.Continuation!();
            aw.Continuation!();
        });
        Ticks(5);
        Assert.That(t.IsCompleted, Is.True);
        Assert.That(log.FindAll(l => l == "after"), Has.Count.LessThanOrEqualTo(1), "the task resumed twice");
        Assert.That(log.FindAll(l => l == "finally"), Has.Count.EqualTo(1));
        string message = t.IsFaulted ? t.Exception!.Message : (_unhandled.Count > 0 ? _unhandled[0].Message : "");
        Assert.That(t.IsFaulted || _unhandled.Count > 0, Is.True, "the double completion went unnoticed");
        AssertNamesCoroutineAndType(message, nameof(ManualAwaitable));
    }

    [Test]
    public void ContinuationInvokedTwiceInline_FaultsTaskOrReports_LoopGoesOn_R60()
    {
        var log = new List<string>();
        _loop.Start(Healthy());
        var t = _loop.Start(YieldsBadThing(new DoubleInlineAwaitable(), log));
        Ticks(5);
        Assert.That(t.IsCompleted, Is.True);
        Assert.That(log.FindAll(l => l == "after"), Has.Count.LessThanOrEqualTo(1), "the task resumed twice");
        Assert.That(t.IsFaulted || _unhandled.Count > 0, Is.True, "the double completion went unnoticed");
        string message = t.IsFaulted ? t.Exception!.Message : _unhandled[0].Message;
        AssertNamesCoroutineAndType(message, nameof(DoubleInlineAwaitable));
        int before = _healthySteps;
        Ticks(2);
        Assert.That(_healthySteps, Is.EqualTo(before + 2));
    }

    [Test]
    public void ContinuationInvokedAfterTaskMovedOn_GoesToHandler_R60()
    {
        var log = new List<string>();
        var aw = new ManualAwaitable();
        var t = _loop.Start(YieldsBadThing(aw, log));
        Ticks(2);
        _loop.CallSoon(() => aw.Continuation!());
        Ticks(5);
        Assert.That(t.IsSucceeded, Is.True);
        _loop.CallSoon(() => aw.Continuation!());   // the task has finished long ago
        Ticks(3);
        Assert.That(t.IsSucceeded, Is.True, "the late call must not change the task's outcome");
        Assert.That(_unhandled, Has.Count.EqualTo(1), "the misuse after the task moved on should be reported");
        AssertNamesCoroutineAndType(_unhandled[0].Message, nameof(ManualAwaitable));
    }

    [Test]
    public void ContinuationInvokedAfterTaskParkedElsewhere_GoesToHandler_TaskUndisturbed_R60()
    {
        var log = new List<string>();
        var aw = new ManualAwaitable();
        var gate = new FutureSource(_loop);
        IEnumerator<IAwaitable> Body()
        {
            yield return aw;
            log.Add("after custom");
            yield return gate.Future;
            log.Add("after gate");
        }

        var t = _loop.Start(Body());
        Ticks(2);
        _loop.CallSoon(() => aw.Continuation!());
        Ticks(2);
        Assert.That(log, Is.EqualTo(new[] { "after custom" }));
        _loop.CallSoon(() => aw.Continuation!());   // task now parked on the gate
        Ticks(3);
        Assert.That(log, Is.EqualTo(new[] { "after custom" }), "a stale continuation resumed the task");
        Assert.That(t.IsCompleted, Is.False);
        Assert.That(_unhandled, Has.Count.EqualTo(1));
        Assert.That(_unhandled[0].Message, Does.Contain(nameof(ManualAwaitable)));
        Assert.That(_unhandled[0].Message, Does.Contain("Body"));
        gate.SetResult();
        Ticks(2);
        Assert.That(t.IsSucceeded, Is.True, t.Exception?.ToString());
    }

    [Test]
    public void ContinuationInvokedFromAnotherThread_FaultsTaskWithNames_LoopGoesOn_R60()
    {
        var log = new List<string>();
        var aw = new ManualAwaitable();
        _loop.Start(Healthy());
        var t = _loop.Start(YieldsBadThing(aw, log));
        Ticks(2);
        Exception? onThread = null;
        var th = new Thread(() =>
        {
            try
            {
                aw.Continuation!();
            }
            catch (Exception ex)
            {
                onThread = ex;
            }
        });
        th.Start();
        Assert.That(th.Join(HangGuard.Limit), Is.True);
        Ticks(4);
        Assert.That(log, Does.Not.Contain("after"), "the task resumed from the wrong thread's call");
        Assert.That(t.IsFaulted, Is.True, $"state {t.State}; thrown on the other thread: {onThread}");
        AssertNamesCoroutineAndType(t.Exception!.Message, nameof(ManualAwaitable));
        Assert.That(log, Does.Contain("finally"));
        int before = _healthySteps;
        Ticks(2);
        Assert.That(_healthySteps, Is.EqualTo(before + 2));
    }

    [Test]
    public void CustomAwaitable_CompletingFromAnotherThreadViaPost_Works_R60()
    {
        var log = new List<string>();
        var aw = new ManualAwaitable();
        var t = _loop.Start(YieldsBadThing(aw, log));
        Ticks(2);
        var th = new Thread(() => _loop.Post(() => aw.Continuation!()));
        th.Start();
        th.Join();
        Ticks(4);
        Assert.That(t.IsSucceeded, Is.True, t.Exception?.ToString());
        Assert.That(_unhandled, Is.Empty);
    }

    [Test]
    public void CancelledWhileParkedOnCustomAwaitable_LateContinuationIsHarmless_R60()
    {
        var log = new List<string>();
        var aw = new ManualAwaitable();
        var t = _loop.Start(YieldsBadThing(aw, log));
        Ticks(2);
        t.Cancel();
        Ticks(2);
        Assert.That(t.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "before", "finally" }));
        _loop.CallSoon(() => aw.Continuation!());
        Ticks(3);
        Assert.That(t.IsCancelled, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "before", "finally" }));
    }

    // ---------------- R61 ----------------

    private static IEnumerator<IAwaitable> Simple()
    {
        yield return Co.NextTick;
    }

    [Test]
    public void NullCoroutine_ArgumentNull_Everywhere_R61()
    {
        Assert.Throws<ArgumentNullException>(() => _loop.Start(null!));
        Assert.Throws<ArgumentNullException>(() => _loop.Start<int>(null!));
        Assert.Throws<ArgumentNullException>(() => _loop.RunUntilComplete((IEnumerator<IAwaitable>)null!));
        using var scope = new Scope(_loop);
        Assert.Throws<ArgumentNullException>(() => scope.Start(null!));
        using var group = new TaskGroup(_loop);
        Assert.Throws<ArgumentNullException>(() => group.Start(null!));
        Assert.That(_loop.PendingTaskCount, Is.EqualTo(0));
    }

    [Test]
    public void NullCoroutine_InsideACoroutine_Combinators_R61()
    {
        Exception? whenAll = null;
        Exception? call = null;
        IEnumerator<IAwaitable> Main()
        {
            try
            {
                Co.WhenAll(_loop, Simple(), null!);
            }
            catch (Exception ex)
            {
                whenAll = ex;
            }

            try
            {
                IAwaitable unused = Co.Call(null!);
                GC.KeepAlive(unused);
            }
            catch (Exception ex)
            {
                call = ex;
            }

            yield break;
        }

        _loop.Start(Main());
        Ticks(1);
        Assert.That(whenAll, Is.InstanceOf<ArgumentNullException>());
        Assert.That(call, Is.InstanceOf<ArgumentNullException>());
    }

    [Test]
    public void SameIteratorTwice_InvalidOperation_EvenAfterFinished_R61()
    {
        var it = Simple();
        _loop.Start(it);
        Assert.Throws<InvalidOperationException>(() => _loop.Start(it));
        Ticks(3);
        Assert.Throws<InvalidOperationException>(() => _loop.Start(it));
        Assert.Throws<InvalidOperationException>(() => _loop.Start<int>(it));
        Assert.Throws<InvalidOperationException>(() => _loop.RunUntilComplete(it));
    }

    [Test]
    public void IteratorRunByHandThenStarted_InvalidOperation_R61()
    {
        var it = Simple();
        it.MoveNext();
        Assert.Throws<InvalidOperationException>(() => _loop.Start(it));
    }

    [Test]
    public void YieldingAStartedIteratorInline_FaultsTheTask_R61()
    {
        var it = Simple();
        _loop.Start(it);
        IEnumerator<IAwaitable> Main()
        {
            yield return Co.Call(it);
        }

        var t = _loop.Start(Main());
        Ticks(3);
        Assert.That(t.IsFaulted, Is.True, $"state {t.State}");
        Assert.That(t.Exception, Is.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public void YieldingFutureOfAnotherLoop_FaultsNamingBothLoops_R61()
    {
        var other = new EventLoop(new ManualClock(), "elsewhere-loop");
        try
        {
            var foreign = new FutureSource(other);
            IEnumerator<IAwaitable> Main()
            {
                yield return foreign.Future;
            }

            var t = _loop.Start(Main());
            Ticks(3);
            Assert.That(t.IsFaulted, Is.True, $"state {t.State}");
            string m = t.Exception!.Message;
            Assert.That(m, Does.Contain("another loop"), m);
            Assert.That(m, Does.Contain("event-loop"), m);
            Assert.That(m, Does.Contain("elsewhere-loop"), m);
        }
        finally
        {
            other.Close();
        }
    }

    [Test]
    public void YieldingTaskOfAnotherLoop_FaultsNamingBothLoops_R61()
    {
        var other = new EventLoop(new ManualClock(), "elsewhere-loop");
        try
        {
            var foreignTask = other.Start(Simple());
            IEnumerator<IAwaitable> Main()
            {
                yield return foreignTask;
            }

            var t = _loop.Start(Main());
            Ticks(3);
            Assert.That(t.IsFaulted, Is.True, $"state {t.State}");
            string m = t.Exception!.Message;
            Assert.That(m, Does.Contain("another loop"), m);
            Assert.That(m, Does.Contain("event-loop"), m);
            Assert.That(m, Does.Contain("elsewhere-loop"), m);
        }
        finally
        {
            other.Close();
        }
    }

    [Test]
    public void YieldingCompletedFutureOfAnotherLoop_StillFaults_R61()
    {
        var other = new EventLoop(new ManualClock(), "elsewhere-loop");
        try
        {
            var foreign = new FutureSource(other);
            foreign.SetResult();
            bool after = false;
            IEnumerator<IAwaitable> Main()
            {
                yield return foreign.Future;
                after = true;
            }

            var t = _loop.Start(Main());
            Ticks(3);
            Assert.That(t.IsFaulted, Is.True, $"state {t.State}");
            Assert.That(after, Is.False);
            Assert.That(t.Exception!.Message, Does.Contain("another loop"));
        }
        finally
        {
            other.Close();
        }
    }

    [Test]
    public void CombinatorOverFuturesOfDifferentLoops_ArgumentException_R61()
    {
        var other = new EventLoop(new ManualClock(), "elsewhere-loop");
        try
        {
            var a = new FutureSource(_loop);
            var b = new FutureSource(other);
            Assert.Throws<ArgumentException>(() => Co.WhenAll(a.Future, b.Future));
            Assert.Throws<ArgumentException>(() => Co.WhenAny(a.Future, b.Future));
            Assert.Throws<ArgumentException>(() => Co.Race(a.Future, b.Future));
            Assert.Throws<ArgumentException>(() => Co.SettleAll(a.Future, b.Future));
        }
        finally
        {
            other.Close();
        }
    }

    [Test]
    public void TaskWaitingOnItself_FaultsSayingSo_R61()
    {
        LoopTask? self = null;
        IEnumerator<IAwaitable> Main()
        {
            yield return Co.NextTick;
            yield return self!;
        }

        self = _loop.Start(Main());
        Ticks(4);
        Assert.That(self.IsFaulted, Is.True, $"state {self.State}");
        Assert.That(self.Exception!.Message, Does.Contain("itself"), self.Exception.Message);
    }

    [Test]
    public void TypedTaskWaitingOnItself_FaultsSayingSo_R61()
    {
        LoopTask<int>? self = null;
        IEnumerator<IAwaitable> Main()
        {
            yield return self!;
            yield return Co.Return(self!.Result);
        }

        self = _loop.Start<int>(Main());
        Ticks(4);
        Assert.That(self.IsFaulted, Is.True, $"state {self.State}");
        Assert.That(self.Exception!.Message, Does.Contain("itself"), self.Exception.Message);
    }

    [Test]
    public void TaskWaitingOnItself_InsideInlineChild_FaultsSayingSo_R61()
    {
        LoopTask? self = null;
        IEnumerator<IAwaitable> Child()
        {
            yield return self!;
        }

        IEnumerator<IAwaitable> Main()
        {
            yield return Co.Call(Child());
        }

        self = _loop.Start(Main());
        Ticks(4);
        Assert.That(self.IsFaulted, Is.True, $"state {self.State}");
        Assert.That(self.Exception!.Message, Does.Contain("itself"), self.Exception.Message);
    }

    [Test]
    public void NaNDelay_Rejected_R61()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Co.Sleep(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => _loop.CallLater(double.PositiveInfinity, () => { }));
    }
}
