using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests.Diagnostics;

/// <summary>Debug mode reports a child coroutine wrapped in Co.Call but never yielded (issue 7, item 7).</summary>
[TestFixture]
public class UnyieldedCallTests
{
    private static IEnumerator<IAwaitable> Child(List<string> log)
    {
        log.Add("child ran");
        yield return Co.NextTick;
    }

    private static IEnumerator<IAwaitable> Forgetful(List<string> log)
    {
#pragma warning disable YL0001 // the bug this test makes the loop report
        _ = Co.Call(Child(log));          // the bug: made, never yielded
#pragma warning restore YL0001
        log.Add("step 1 ended");
        yield return Co.NextTick;
        log.Add("step 2");
    }

    private static IEnumerator<IAwaitable> Careful(List<string> log)
    {
        yield return Co.Call(Child(log));
        Call<int> typed = Co.Call<int>(Answer());
        yield return typed;
        log.Add("answer " + typed.Result);
    }

    private static IEnumerator<IAwaitable> Answer()
    {
        yield return Co.Return(42);
    }

    private static (EventLoop Loop, List<Exception> Reported) NewLoop(bool debug)
    {
        var reported = new List<Exception>();
        var loop = new EventLoop(new ManualClock(), "main") { UnhandledExceptionHandler = reported.Add };
        loop.Diagnostics.DebugMode = debug;
        return (loop, reported);
    }

    [Test]
    public void ACallNeverYielded_IsReportedAtTheEndOfTheStepThatMadeIt()
    {
        (EventLoop loop, List<Exception> reported) = NewLoop(debug: true);
        var log = new List<string>();
        loop.Start(Forgetful(log), "forgetful");

        loop.Tick();   // step 1: the call is made and dropped

        Assert.That(log, Is.EqualTo(new[] { "step 1 ended" }), "the child never ran");
        Assert.That(reported, Has.Count.EqualTo(1), "reported at the end of that step, in the same tick");
        Assert.That(reported[0], Is.TypeOf<InvalidOperationException>());
        Assert.That(reported[0].Message, Does.Contain("'forgetful'").And.Contain("Child").And.Contain("never yielded").And.Contain("yield return Co.Call"));

        loop.Tick();
        Assert.That(log, Is.EqualTo(new[] { "step 1 ended", "step 2" }));
        Assert.That(reported, Has.Count.EqualTo(1), "once, not at every later step");
        loop.Close();
    }

    [Test]
    public void CallsThatAreYielded_AreNotReported()
    {
        (EventLoop loop, List<Exception> reported) = NewLoop(debug: true);
        var log = new List<string>();
        loop.RunUntilComplete(Careful(log));
        Assert.That(log, Is.EqualTo(new[] { "child ran", "answer 42" }));
        Assert.That(reported, Is.Empty);
        loop.Close();
    }

    [Test]
    public void Nothing_IsReported_WithoutDebugMode()
    {
        (EventLoop loop, List<Exception> reported) = NewLoop(debug: false);
        var log = new List<string>();
        loop.RunUntilComplete(Forgetful(log));
        Assert.That(log, Is.EqualTo(new[] { "step 1 ended", "step 2" }));
        Assert.That(reported, Is.Empty);
        loop.Close();
    }
}
