using System.Collections.Generic;
using NUnit.Framework;

namespace YieldLoop.Tests;

[TestFixture]
public class SmokeTests
{
    private static IEnumerator<IAwaitable> Twice(List<int> log)
    {
        log.Add(1);
        yield return Co.NextTick;
        log.Add(2);
    }

    [Test]
    public void ACoroutine_RunsAcrossTwoTicks()
    {
        var t = new TestLoop();
        var log = new List<int>();
        LoopTask task = t.Loop.Start(Twice(log));
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { 1 }));
        t.Tick();
        Assert.That(log, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(task.IsSucceeded, Is.True);
    }
}
