using System;
using System.Collections.Generic;
using NUnit.Framework;
using static YieldLoop.Tests.TestCoroutines;

namespace YieldLoop.Tests;

/// <summary>
/// Inline calls of child coroutines, the trampoline (docs/semantics.md R24, R27; the deep and long cases of R25 and R26 are
/// in <see cref="StressTests"/>).
/// </summary>
[TestFixture]
public class CallTests
{
    // ---- R24: the child runs inline ------------------------------------------------------------------------------

    [Test]
    public void Call_RunsTheChildInline_InTheSameStepAndTick_R24()
    {
        var t = new TestLoop();
        var log = new List<string>();
        t.Loop.Start(Parent(log, t.Loop));
        t.Loop.Start(Log(log, "other task"));

        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "parent @1", "child @1", "parent again @1", "other task" }),
            "no other task runs between the parent, its child and the parent's resumption");
    }

    [Test]
    public void CallT_GivesTheChildsResultToTheParent_R24()
    {
        var t = new TestLoop();

        LoopTask<string> task = t.Loop.Start<string>(AskForTheAnswer());
        t.Tick();

        Assert.That(task.IsSucceeded, Is.True, "child and parent ran in one step");
        Assert.That(task.Result, Is.EqualTo("the answer is 42"));
    }

    [Test]
    public void CallT_NestedCalls_PassResultsOutwards_R24()
    {
        var t = new TestLoop();

        LoopTask<int> task = t.Loop.Start<int>(SumOfAnswers(3));
        t.TickUntil(task);

        Assert.That(task.Result, Is.EqualTo(3 * 42));
    }

    [Test]
    public void Call_OfAChildThatWaits_ResumesTheParentInTheStepInWhichTheChildEnds_R24()
    {
        var t = new TestLoop();
        var log = new List<string>();

        LoopTask task = t.Loop.Start(ParentOfWaitingChild(log, t.Loop));
        t.Tick(2);
        Assert.That(task.State, Is.EqualTo(FutureState.Pending));
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "child @1", "child @2", "child @3", "parent @3" }));
        Assert.That(task.IsSucceeded, Is.True);
    }

    [Test]
    public void Call_ChildEndingWithCoReturn_EndsOnlyTheChild_AndRunsItsFinally_R24()
    {
        var t = new TestLoop();
        var log = new List<string>();

        LoopTask task = t.Loop.Start(CallReturningChild(log));
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "child body", "child finally", "parent goes on" }));
        Assert.That(task.IsSucceeded, Is.True);
    }

    [Test]
    public void Call_ManyChildrenInSequence_RunInOrder_R24()
    {
        var t = new TestLoop();
        var log = new List<string>();

        LoopTask task = t.Loop.Start(CallEach(log, 5));
        t.Tick();

        Assert.That(log, Is.EqualTo(new[] { "child 0", "child 1", "child 2", "child 3", "child 4" }));
        Assert.That(task.IsSucceeded, Is.True);
    }

    [Test]
    public void Call_TheTaskKeepsTheNameOfItsRootCoroutine()
    {
        var t = new TestLoop();
        var names = new List<string>();
        var self = new List<LoopTask>();

        self.Add(t.Loop.Start(CallChildThatReadsTheName(self, names)));
        t.Tick();

        Assert.That(names, Is.EqualTo(new[] { nameof(CallChildThatReadsTheName) }));
    }

    // ---- typed calls: results and their errors ---------------------------------------------------------------------

    [Test]
    public void CallT_Result_BeforeTheYield_ThrowsInvalidOperationException()
    {
        Call<int> call = Co.Call<int>(Answer());

        var ex = Assert.Throws<InvalidOperationException>(() => _ = call.Result);

        Assert.That(ex!.Message, Is.EqualTo(
            "The child coroutine has not returned a value yet: yield the call first, then read Result."));
    }

    [Test]
    public void CallT_ChildReturningTheWrongType_FaultsTheTaskWithAClearMessage_R20()
    {
        var t = new TestLoop();

        LoopTask task = t.Loop.Start(ExpectIntFrom(Text()));
        t.Tick();

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(task.Exception!.Message, Is.EqualTo(
            "Coroutine 'Text' returned a value of type String, but its caller used Co.Call<Int32>."));
    }

    [Test]
    public void CallT_ChildEndingWithoutCoReturn_FaultsTheTaskWithAClearMessage_R20()
    {
        var t = new TestLoop();

        LoopTask task = t.Loop.Start(ExpectIntFrom(NoReturn()));
        t.Tick();

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception!.Message, Is.EqualTo(
            "Coroutine 'NoReturn' ended without yielding Co.Return(value), but its caller used Co.Call<Int32> and expects a result."));
    }

    [Test]
    public void CallT_WrongTypeFailure_RunsThePendingFinallyBlocks_R21()
    {
        var t = new TestLoop();
        var log = new List<string>();

        LoopTask task = t.Loop.Start(ExpectIntInsideTry(log, Text()));
        t.Tick();

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "parent finally" }));
    }

    // ---- R27: an iterator runs once --------------------------------------------------------------------------------

    [Test]
    public void Start_TheSameIteratorTwice_BeforeItRan_ThrowsInvalidOperationException_R27()
    {
        var t = new TestLoop();
        IEnumerator<IAwaitable> coroutine = Answer();
        t.Loop.Start(coroutine);

        var ex = Assert.Throws<InvalidOperationException>(() => t.Loop.Start(coroutine));

        Assert.That(ex!.Message, Is.EqualTo(
            "The coroutine iterator YieldLoop.Tests.CallTests.Answer has already been started; an iterator runs once. Call the coroutine method again to get a fresh iterator."));
    }

    [Test]
    public void Start_TheSameFreshIteratorOnTwoLoops_TheSecondStartThrowsAndTheFirstTaskOwnsTheIterator_R27()
    {
        var a = new TestLoop();
        var b = new TestLoop();
        var log = new List<string>();
        IEnumerator<IAwaitable> coroutine = Logged(log);
        LoopTask first = a.Loop.Start(coroutine);

#pragma warning disable YL0005 // the test starts one iterator on two loops on purpose (R27)
        var ex = Assert.Throws<InvalidOperationException>(() => b.Loop.Start(coroutine));
#pragma warning restore YL0005

        Assert.That(ex!.Message, Does.Contain("has already been started; an iterator runs once."));
        Assert.That(b.Loop.PendingTaskCount, Is.Zero, "the refused start left nothing behind");
        a.Tick(3);
        Assert.That(first.IsSucceeded, Is.True, "the task that claimed it first still owns the iterator");
        Assert.That(log, Is.EqualTo(new[] { "start", "end", "finally" }), "the body and its finally ran once");
    }

    [Test]
    public void Start_AnIteratorWhoseTaskWasCancelledBeforeItsFirstStep_Throws_R27()
    {
        var t = new TestLoop();
        var log = new List<string>();
        IEnumerator<IAwaitable> coroutine = Logged(log);
        LoopTask task = t.Loop.Start(coroutine);
        task.Cancel();
        t.Tick();

        Assert.That(task.IsCancelled, Is.True);
        Assert.Throws<InvalidOperationException>(() => t.Loop.Start(coroutine));
        Assert.That(log, Is.Empty, "the body never ran");
    }

    [Test]
    public void Start_AHandWrittenIteratorTwiceBeforeItRan_ThrowsAndOnceStepped_ItRunsOnce_R27()
    {
        var t = new TestLoop();
        var coroutine = new HandWrittenIterator(2);
        LoopTask task = t.Loop.Start(coroutine);

        Assert.Throws<InvalidOperationException>(() => t.Loop.Start(coroutine));
        t.Tick(4);
        Assert.That(task.IsSucceeded, Is.True);
        Assert.That(coroutine.Moves, Is.EqualTo(3), "two yields and the end, in one task");
    }

    [Test]
    public void Start_AnIteratorOfAFutureTypeTwiceBeforeItRan_ThrowsInvalidOperationException_R27()
    {
        // IEnumerator<T> is covariant: an iterator method of IEnumerator<Future> is an IEnumerator<IAwaitable> whose
        // current field the loop cannot mark (it is not of type IAwaitable); the second start is refused all the same.
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        IEnumerator<IAwaitable> coroutine = FutureTyped(source.Future);
        LoopTask task = t.Loop.Start(coroutine);

        Assert.Throws<InvalidOperationException>(() => t.Loop.Start(coroutine));
        t.Tick();
        source.SetResult();
        t.Tick(2);
        Assert.That(task.IsSucceeded, Is.True);
        Assert.Throws<InvalidOperationException>(() => t.Loop.Start(coroutine), "and after it ran");
    }

    [Test]
    public void Call_OfAHandWrittenIteratorStartedAsATaskThatHasNotStepped_FaultsTheYieldingTask_R27()
    {
        var t = new TestLoop();
        var coroutine = new HandWrittenIterator(1);
        LoopTask caller = t.Loop.Start(CallChild(coroutine));
        LoopTask owner = t.Loop.Start(coroutine);

        t.Tick(3);

        Assert.That(caller.IsFaulted, Is.True);
        Assert.That(caller.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(owner.IsSucceeded, Is.True);
        Assert.That(coroutine.Moves, Is.EqualTo(2), "it ran once, in the task that owns it");
    }

    private static IEnumerator<Future> FutureTyped(Future future)
    {
        yield return future;
    }

    /// <summary>An iterator class written by hand: no compiler fields for the loop to read or mark.</summary>
    private sealed class HandWrittenIterator : IEnumerator<IAwaitable>
    {
        private readonly int _yields;

        internal HandWrittenIterator(int yields) => _yields = yields;

        internal int Moves { get; private set; }

        public IAwaitable Current => null!;

        object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext() => ++Moves <= _yields;

        public void Reset() => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    private static IEnumerator<IAwaitable> Logged(List<string> log)
    {
        try
        {
            log.Add("start");
            yield return Co.NextTick;
            log.Add("end");
        }
        finally
        {
            log.Add("finally");
        }
    }

    [Test]
    public void Start_AnIteratorThatAlreadyFinished_ThrowsInvalidOperationException_R27()
    {
        var t = new TestLoop();
        IEnumerator<IAwaitable> coroutine = Answer();
        LoopTask first = t.Loop.Start(coroutine);
        t.TickUntil(first);

        Assert.Throws<InvalidOperationException>(() => t.Loop.Start(coroutine));
        Assert.Throws<InvalidOperationException>(() => t.Loop.Start<int>(coroutine));
    }

    [Test]
    public void Start_AnIteratorMovedByHand_ThrowsInvalidOperationException_R27()
    {
        var t = new TestLoop();
        IEnumerator<IAwaitable> coroutine = Answer();
        coroutine.MoveNext();

        Assert.Throws<InvalidOperationException>(() => t.Loop.Start(coroutine));
        Assert.That(t.Loop.PendingTaskCount, Is.Zero);
    }

    [Test]
    public void Start_AnIteratorThatIsRunningInlineInAnotherTask_ThrowsInvalidOperationException_R27()
    {
        var t = new TestLoop();
        var source = new FutureSource(t.Loop);
        IEnumerator<IAwaitable> child = Wait(source.Future);
        t.Loop.Start(CallChild(child));
        t.Tick();

        Assert.Throws<InvalidOperationException>(() => t.Loop.Start(child));
    }

    [Test]
    public void Call_OfAnIteratorMovedByHand_FaultsTheYieldingTask_R27()
    {
        var t = new TestLoop();
        IEnumerator<IAwaitable> child = Answer();
        child.MoveNext();

        LoopTask task = t.Loop.Start(CallChild(child), "caller");
        t.Tick();

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(task.Exception!.Message, Does.StartWith("The coroutine iterator YieldLoop.Tests.CallTests.Answer has already been started"));
    }

    [Test]
    public void Call_OfAnIteratorThatAlreadyFinished_FaultsTheYieldingTask_R27()
    {
        var t = new TestLoop();
        var log = new List<string>();
        IEnumerator<IAwaitable> child = Log(log, "child ran");

        LoopTask task = t.Loop.Start(CallTwice(child));
        t.Tick();

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(log, Is.EqualTo(new[] { "child ran" }), "it ran once");
    }

    [Test]
    public void Call_OfAnIteratorStartedAsATask_FaultsTheYieldingTask_AndTheTaskStillRuns_R27()
    {
        var t = new TestLoop();
        var log = new List<string>();
        IEnumerator<IAwaitable> coroutine = Log(log, "ran");
        LoopTask caller = t.Loop.Start(CallChild(coroutine));   // steps first, before the task below
        LoopTask owner = t.Loop.Start(coroutine);

        t.Tick();

        Assert.That(caller.IsFaulted, Is.True);
        Assert.That(caller.Exception, Is.TypeOf<InvalidOperationException>());
        Assert.That(owner.IsSucceeded, Is.True);
        Assert.That(log, Is.EqualTo(new[] { "ran" }), "it ran once, in the task that owns it");
    }

    // ---- bad input (R61) ---------------------------------------------------------------------------------------------

    [Test]
    public void Start_NullCoroutine_ThrowsArgumentNullException_R61()
    {
        var t = new TestLoop();

        Assert.Throws<ArgumentNullException>(() => t.Loop.Start(null!));
        Assert.Throws<ArgumentNullException>(() => t.Loop.Start<int>(null!));
#pragma warning disable YL0001 // the test checks that Co.Call rejects null; the result is never meant to run
        Assert.Throws<ArgumentNullException>(() => Co.Call(null!));
        Assert.Throws<ArgumentNullException>(() => Co.Call<int>(null!));
#pragma warning restore YL0001
    }

    // ---- coroutines --------------------------------------------------------------------------------------------------

    private static IEnumerator<IAwaitable> Log(List<string> log, string text)
    {
        log.Add(text);
        yield break;
    }

    private static IEnumerator<IAwaitable> Parent(List<string> log, EventLoop loop)
    {
        log.Add("parent @" + loop.TickCount);
        yield return Co.Call(Child(log, loop));
        log.Add("parent again @" + loop.TickCount);
    }

    private static IEnumerator<IAwaitable> Child(List<string> log, EventLoop loop)
    {
        log.Add("child @" + loop.TickCount);
        yield break;
    }

    private static IEnumerator<IAwaitable> Answer()
    {
        yield return Co.Return(42);
    }

    private static IEnumerator<IAwaitable> Text()
    {
        yield return Co.Return("not a number");
    }

    private static IEnumerator<IAwaitable> NoReturn()
    {
        yield break;
    }

    private static IEnumerator<IAwaitable> AskForTheAnswer()
    {
        Call<int> call = Co.Call<int>(Answer());
        yield return call;
        yield return Co.Return("the answer is " + call.Result);
    }

    private static IEnumerator<IAwaitable> SumOfAnswers(int count)
    {
        if (count == 0)
        {
            yield return Co.Return(0);
            yield break;
        }

        Call<int> rest = Co.Call<int>(SumOfAnswers(count - 1));
        yield return rest;
        yield return Co.NextTick;
        Call<int> one = Co.Call<int>(Answer());
        yield return one;
        yield return Co.Return(rest.Result + one.Result);
    }

    private static IEnumerator<IAwaitable> ParentOfWaitingChild(List<string> log, EventLoop loop)
    {
        yield return Co.Call(WaitingChild(log, loop));
        log.Add("parent @" + loop.TickCount);
    }

    private static IEnumerator<IAwaitable> WaitingChild(List<string> log, EventLoop loop)
    {
        log.Add("child @" + loop.TickCount);
        yield return Co.NextTick;
        log.Add("child @" + loop.TickCount);
        yield return Co.NextTick;
        log.Add("child @" + loop.TickCount);
    }

    private static IEnumerator<IAwaitable> CallReturningChild(List<string> log)
    {
        yield return Co.Call(ReturningChild(log));
        log.Add("parent goes on");
    }

    private static IEnumerator<IAwaitable> ReturningChild(List<string> log)
    {
        try
        {
            log.Add("child body");
            yield return Co.Return(1);
            log.Add("child after return");
        }
        finally
        {
            log.Add("child finally");
        }
    }

    private static IEnumerator<IAwaitable> CallEach(List<string> log, int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return Co.Call(Log(log, "child " + i));
        }
    }

    private static IEnumerator<IAwaitable> CallChildThatReadsTheName(List<LoopTask> self, List<string> names)
    {
        yield return Co.Call(ReadName(self, names));
    }

    private static IEnumerator<IAwaitable> ReadName(List<LoopTask> self, List<string> names)
    {
        names.Add(self[0].Name);
        yield break;
    }

    private static IEnumerator<IAwaitable> ExpectIntFrom(IEnumerator<IAwaitable> child)
    {
        Call<int> call = Co.Call<int>(child);
        yield return call;
        _ = call.Result;
    }

    private static IEnumerator<IAwaitable> ExpectIntInsideTry(List<string> log, IEnumerator<IAwaitable> child)
    {
        try
        {
            yield return Co.Call<int>(child);
        }
        finally
        {
            log.Add("parent finally");
        }
    }

    private static IEnumerator<IAwaitable> CallChild(IEnumerator<IAwaitable> child)
    {
        yield return Co.Call(child);
    }

    private static IEnumerator<IAwaitable> CallTwice(IEnumerator<IAwaitable> child)
    {
        yield return Co.Call(child);
#pragma warning disable YL0005 // the test calls one iterator twice on purpose
        yield return Co.Call(child);
#pragma warning restore YL0005
    }
}
