using System;
using System.Collections.Generic;
using MyGame;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>Runs the Godot snippet of docs/embedding.md (YieldLoopNode) through a fake main loop.</summary>
public class GodotSnippetTests
{
    private static IEnumerator<IAwaitable> EveryPhysicsFrame(LoopPhase physics, List<long> seen)
    {
        while (true)
        {
            yield return physics;
            seen.Add(physics.RunCount);
        }
    }

    private static IEnumerator<IAwaitable> SleepOneSecond(FakeGodotMainLoop host, Func<int> frame, List<int> marks)
    {
        marks.Add(frame());
        yield return Co.Sleep(1);
        marks.Add(frame());
    }

    [Test]
    public void APhysicsWaiter_RunsEveryPhysicsFrame_AndA1sSleepTakes60Frames_At60FramesPerSecond()
    {
        var node = new YieldLoopNode();
        var host = new FakeGodotMainLoop(node);
        var seen = new List<long>();
        var marks = new List<int>();
        int frame = 0;
        node.Loop.Start(EveryPhysicsFrame(node.Physics, seen));
        node.Loop.Start(SleepOneSecond(host, () => frame, marks));

        for (frame = 1; frame <= 120; frame++)
        {
            host.Frame(1.0 / 60);
        }

        Assert.That(host.PhysicsFrames, Is.EqualTo(120));
        Assert.That(seen, Is.EqualTo(Sequence(2, 119)), "from the frame after its first step, once per physics frame");
        Assert.That(marks, Is.EqualTo(new[] { 1, 61 }));
        Assert.That(node.ProcessMode, Is.EqualTo(Godot.Node.ProcessModeEnum.Always));
    }

    [Test]
    public void ThePhysicsPhase_RunsOnlyOnFramesWithAPhysicsStep_At144FramesPerSecond()
    {
        var node = new YieldLoopNode();
        var host = new FakeGodotMainLoop(node);
        var seen = new List<long>();
        node.Loop.Start(EveryPhysicsFrame(node.Physics, seen));

        for (int frame = 0; frame < 145; frame++)   // a little over a second: 1/144 s is rounded down to a 100 ns tick
        {
            host.Frame(1.0 / 144);
        }

        Assert.That(host.PhysicsFrames, Is.EqualTo(60));
        Assert.That(node.Physics.RunCount, Is.EqualTo(60));
        Assert.That(seen, Has.Count.EqualTo(59).Or.Count.EqualTo(60));
        Assert.That(seen, Is.Ordered.And.Unique);
    }

    [Test]
    public void ASlowFrame_RunsSeveralPhysicsSteps_AndTheWaiterOnceInEach()
    {
        var node = new YieldLoopNode();
        var host = new FakeGodotMainLoop(node);
        var seen = new List<long>();
        node.Loop.Start(EveryPhysicsFrame(node.Physics, seen));
        host.Frame(1.0 / 60);                 // its first step: now it waits for physics

        host.Frame(4.0 / 60);                 // a hitch: four physics steps before _Process

        Assert.That(seen, Is.EqualTo(new long[] { 2, 3, 4, 5 }));
    }

    [Test]
    public void ExitTree_ClosesTheLoop_AndRunsPendingFinallyBlocks()
    {
        var node = new YieldLoopNode();
        var host = new FakeGodotMainLoop(node);
        bool cleaned = false;
        node.World.Start(Guard(() => cleaned = true));
        host.Frame(1.0 / 60);

        host.ExitTree();

        Assert.That(node.Loop.IsClosed, Is.True);
        Assert.That(cleaned, Is.True);

        static IEnumerator<IAwaitable> Guard(Action cleanUp)
        {
            try
            {
                yield return Co.Sleep(60);
            }
            finally
            {
                cleanUp();
            }
        }
    }

    [Test]
    public void Failures_GoToGDPushError()
    {
        var node = new YieldLoopNode();
        var host = new FakeGodotMainLoop(node);
        node.Loop.Start(Fail());

        host.Frame(1.0 / 60);

        Assert.That(Godot.GD.FakeErrors, Has.Count.EqualTo(1));
        Assert.That(Godot.GD.FakeErrors[0], Does.Contain("The bridge is out."));

        static IEnumerator<IAwaitable> Fail()
        {
            throw new InvalidOperationException("The bridge is out.");
#pragma warning disable CS0162 // an iterator needs a yield
            yield break;
#pragma warning restore CS0162
        }
    }

    private static long[] Sequence(long start, int count)
    {
        var values = new long[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = start + i;
        }

        return values;
    }
}
