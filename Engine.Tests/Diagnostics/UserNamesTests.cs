using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using YieldLoop.Internal;

namespace YieldLoop.Tests.Diagnostics;

/// <summary>
/// Wherever a coroutine's or callback's name is shown (a task's <c>Name</c>, its coroutine trace, a snapshot's frames), it
/// is the name the user wrote: <c>Worker</c>, not the compiler's <c>&lt;Main&gt;g__Worker|0_0</c>,
/// <c>&lt;&lt;Main&gt;g__Worker|0_0&gt;d</c> or <c>Program.&lt;&gt;c__DisplayClass0_0.Worker</c>.
/// </summary>
[TestFixture]
public class UserNamesTests
{
    private const string Type = "YieldLoop.Tests.Diagnostics.UserNamesTests";

    [TestCase("<Main>g__Worker|0_0", "Worker")]
    [TestCase("<<Main>$>g__Worker|0_0", "Worker")]
    [TestCase("<Run>g__Worker|3_1", "Worker")]
    [TestCase("<Main>b__0_0", "lambda in Main")]
    [TestCase("<<Main>$>b__0_0", "lambda in Main")]
    [TestCase("Paint", "Paint")]
    public void OfMethod_GivesTheNameTheUserWrote(string compilerName, string expected)
    {
        Assert.That(Names.OfMethod(compilerName), Is.EqualTo(expected));
    }

    [Test]
    public void ALocalFunctionCoroutine_IsNamedAfterTheLocalFunction_InItsNameTraceAndSnapshot()
    {
        var t = new TestLoop();
        var failure = new FormatException("worker failed");

        LoopTask task = t.Loop.Start(Worker());
        Assert.That(Names.Short(Worker().GetType()), Is.EqualTo("Worker"));
        Assert.That(task.Name, Is.EqualTo("Worker"));
        Assert.That(task.ToString(), Does.Contain("'Worker'"));
        Assert.That(t.Loop.Diagnostics.Snapshot().Tasks.Single().Frames, Is.EqualTo(new[] { Type + ".Worker" }));

        t.Tick(2);

        Assert.That(task.Exception, Is.SameAs(failure));
        string trace = failure.GetCoroutineTrace()!;
        Assert.That(trace, Does.StartWith($"   at {Type}.Worker() in "));
        Assert.That(trace, Does.Contain("(task 'Worker', threw FormatException)"));
        Assert.That(trace, Does.Not.Contain("g__").And.Not.Contain("<"));

        IEnumerator<IAwaitable> Worker()
        {
            yield return Co.NextTick;
            throw failure;
        }
    }

    [Test]
    public void ALocalFunctionInALambdasDisplayClass_IsNamedWithoutTheDisplayClass()
    {
        var t = new TestLoop();
        int steps = 0;
        Action count = () => steps++;   // a lambda that captures 'steps' too: Worker moves into a display class

        IEnumerator<IAwaitable> worker = Worker();
        Assert.That(worker.GetType().DeclaringType!.Name, Does.StartWith("<>c__DisplayClass"),
            "the compiler should have put the local function into the lambda's display class");
        Assert.That(Names.Short(worker.GetType()), Is.EqualTo("Worker"));
        Assert.That(Names.Full(worker.GetType()), Is.EqualTo(Type + ".Worker"));

        LoopTask task = t.Loop.Start(worker);
        Assert.That(task.Name, Is.EqualTo("Worker"));
        t.Tick(2);
        Assert.That(steps, Is.EqualTo(2));

        IEnumerator<IAwaitable> Worker()
        {
            count();
            yield return Co.NextTick;
            steps++;
        }
    }

    [Test]
    public void ACoroutineCalledInline_IsNamedAfterItsLocalFunction_InTheCallersTraceLine()
    {
        var t = new TestLoop();
        var failure = new FormatException("inner failed");

        LoopTask task = t.Loop.Start(Outer());
        t.Tick(2);

        Assert.That(task.Exception, Is.SameAs(failure));
        string[] lines = failure.GetCoroutineTrace()!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[0], Does.StartWith($"   at {Type}.Inner() in ").And.EndWith("(task 'Outer', threw FormatException)"));
        Assert.That(lines[1], Does.StartWith($"   at {Type}.Outer() in ").And.EndWith("(task 'Outer', calling Inner inline)"));

        IEnumerator<IAwaitable> Outer()
        {
            yield return Co.Call(Inner());
        }

        IEnumerator<IAwaitable> Inner()
        {
            yield return Co.NextTick;
            throw failure;
        }
    }

    [Test]
    public void ACallbackFromALocalFunction_IsNamedAfterIt_AndOneFromALambda_AfterItsEnclosingMethod()
    {
        var t = new TestLoop();

        CallbackHandle local = t.Loop.CallSoon(Ring);
        CallbackHandle lambda = t.Loop.CallSoon(() => { });

        Assert.That(local.Name, Is.EqualTo("Ring"));
        Assert.That(lambda.Name, Is.EqualTo("lambda in " + nameof(ACallbackFromALocalFunction_IsNamedAfterIt_AndOneFromALambda_AfterItsEnclosingMethod)));
        t.Tick();

        static void Ring()
        {
        }
    }
}
