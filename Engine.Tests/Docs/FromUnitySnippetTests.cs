using System;
using System.Collections.Generic;
using DocExamples.FromUnity;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>Runs the snippets of docs/from-unity.md on a manual clock, one simulated frame of 0.1 s at a time.</summary>
public class FromUnitySnippetTests
{
    private ManualClock _clock = null!;
    private EventLoop _loop = null!;
    private List<string> _said = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualClock();
        _loop = new EventLoop(_clock, "unity");
        _said = new List<string>();
    }

    [TearDown]
    public void TearDown() => _loop.Close();

    private void Say(string text) => _said.Add($"{_loop.Time.TotalSeconds:0.0} {text}");

    private void Frames(int count)
    {
        for (int i = 0; i < count; i++)
        {
            _clock.Advance(0.1);
            _loop.Tick();
        }
    }

    [Test]
    public void TheLamp_Blinks_PausesWhileDisabled_AndCleansUpWhenStopped()
    {
        var lamp = new Lamp(_loop);
        lamp.SwitchOn();
        Assert.That(lamp.IsOn, Is.False, "Start only queues the task");
        _loop.Tick();                                  // frame 0: first step
        Assert.That(lamp.IsOn, Is.True);
        Frames(5);                                     // 0.5 s: toggles
        Assert.That(lamp.IsOn, Is.False);
        Frames(2);                                     // 0.2 s of the next 0.5 s

        lamp.OnDisable();
        Frames(30);
        Assert.That(lamp.IsOn, Is.False, "paused: no toggle");
        lamp.OnEnable();
        Frames(2);
        Assert.That(lamp.IsOn, Is.False, "0.3 s were left, 0.2 s have passed");
        Frames(1);
        Assert.That(lamp.IsOn, Is.True, "the sleep went on with the time it had left");

        lamp.SwitchOff();
        Assert.That(lamp.IsOn, Is.True, "cancellation is delivered at the task's next turn");
        _loop.Tick();
        Assert.That(lamp.IsOn, Is.False, "the finally block ran");
        Assert.That(_loop.PendingTaskCount, Is.EqualTo(0));
        _loop.Tick();
        Assert.That(_loop.PendingTimerCount, Is.EqualTo(0), "the sleep was cancelled with the task");
    }

    [Test]
    public void DestroyingTheLamp_CancelsItsCoroutines_AndRunsTheirFinallyBlocks()
    {
        var lamp = new Lamp(_loop);
        lamp.SwitchOn();
        _loop.Tick();
        Assert.That(lamp.IsOn, Is.True);

        lamp.OnDestroy();
        _loop.Tick();

        Assert.That(lamp.IsOn, Is.False);
        Assert.That(_loop.PendingTaskCount, Is.EqualTo(0));
        Assert.That(() => lamp.SwitchOn(), Throws.InstanceOf<ObjectDisposedException>().Or.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public void OpenDoor_WaitsAFrame_ThenGameTimeRealTimeAndConditions()
    {
        var door = new Door();
        LoopTask task = _loop.Start(FromUnitySnippets.OpenDoor(door, Say));
        _loop.Tick();                                  // t = 0: first step
        Frames(1);
        Assert.That(_said, Is.EqualTo(new[] { "0.1 next frame" }));

        Frames(15);
        Assert.That(_said, Has.Count.EqualTo(2));
        Assert.That(_said[1], Is.EqualTo("1.6 1.5 s later"));

        Frames(10);                                    // the real-time second is over; the door is locked
        door.IsBlocked = true;
        Frames(10);
        door.IsUnlocked = true;
        Frames(10);
        Assert.That(door.IsOpen, Is.False, "still blocked");
        door.IsBlocked = false;
        Frames(2);

        Assert.That(door.IsOpen, Is.True);
        Assert.That(task.IsSucceeded, Is.True);
    }

    [Test]
    public void TheLastWaitUntilOfOpenDoor_FailsWithATimeoutException_After10Seconds()
    {
        var door = new Door { IsUnlocked = true };
        LoopTask task = _loop.Start(FromUnitySnippets.OpenDoor(door, Say));
        _loop.Tick();
        Frames(30);                                    // next frame, 1.5 s, 1 s real: then the conditions hold
        Assert.That(door.IsOpen, Is.True);

        _loop.UnhandledExceptionHandler = _ => { };
        var locked = new Door();
        LoopTask stuck = _loop.Start(WaitUntilThenTimeout(locked));
        Frames(101);

        Assert.That(stuck.IsFaulted, Is.True);
        Assert.That(stuck.Exception, Is.TypeOf<TimeoutException>());
        Assert.That(task.IsSucceeded, Is.True);

        static IEnumerator<IAwaitable> WaitUntilThenTimeout(Door door)
        {
            yield return Co.WaitUntil(() => door.IsUnlocked, timeout: 10);
        }
    }

    [Test]
    public void CoSleep_FollowsTheTaskClock_AndSleepRealtimeDoesNot()
    {
        var world = new GameClock(_loop, "world") { Scale = 0.5 };
        var door = new Door { IsUnlocked = true };
        world.Start(FromUnitySnippets.OpenDoor(door, Say));
        _loop.Tick();
        Frames(1);
        Frames(30);                                    // 1.5 s of world time at half speed: 3 real seconds

        Assert.That(_said[1], Is.EqualTo("3.1 1.5 s later"));
        Frames(10);                                    // then one real second
        Frames(2);
        Assert.That(door.IsOpen, Is.True);
        Assert.That(_said[2], Is.EqualTo("4.1 open").Or.EqualTo("4.2 open"));
    }

    [Test]
    public void Jump_RunsInTheFixedPhase_ThenInTheEndOfFramePhase()
    {
        var fixedUpdate = new LoopPhase(_loop, "FixedUpdate");
        var endOfFrame = new LoopPhase(_loop, "EndOfFrame");
        var body = new Body();
        _loop.Start(FromUnitySnippets.Jump(body, fixedUpdate, endOfFrame));
        _loop.Tick();
        Assert.That(body.Log, Is.Empty);

        fixedUpdate.Run();
        Assert.That(body.Log, Is.EqualTo(new[] { "push in the physics step" }));
        _loop.Tick();
        Assert.That(body.Log, Has.Count.EqualTo(1), "not before the end of the frame");
        endOfFrame.Run();
        Assert.That(body.Log, Is.EqualTo(new[] { "push in the physics step", "screenshot after rendering" }));
    }

    [Test]
    public void Attack_RunsItsChildrenInline_AndReadsTheResultOfTheSecond()
    {
        _clock.AutoJump = true;

        _loop.RunUntilComplete(FromUnitySnippets.Attack("orc", Say));

        Assert.That(_said, Is.EqualTo(new[] { "2.0 reached orc", "2.5 hit orc for 9" }));
        Assert.That(_loop.PendingTaskCount, Is.EqualTo(0), "the children ran inside the one task");
    }

    [Test]
    public void WaitForOpen_Polls_AndEnterWakesOnTheEvent()
    {
        var door = new Door();
        var opened = new CoEvent(_loop);
        LoopTask polling = _loop.Start(WaitThenSay(FromUnitySnippets.WaitForOpen(door)));
        _loop.Start(FromUnitySnippets.Enter(opened, Say));
        Frames(5);
        Assert.That(polling.IsCompleted, Is.False);
        Assert.That(_said, Is.Empty);

        door.IsOpen = true;
        opened.Set();
        Frames(2);

        Assert.That(polling.IsSucceeded, Is.True);
        Assert.That(_said, Is.EqualTo(new[] { "0.6 entered" }));

        static IEnumerator<IAwaitable> WaitThenSay(IAwaitable wait)
        {
            yield return wait;
        }
    }

    [Test]
    public void AFailure_ReachesTheCoroutineThatWaits_AndAnUnobservedOneReachesTheHandler()
    {
        List<Exception> errors = FromUnitySnippets.Failures(Say);

        Assert.That(_said, Has.Count.EqualTo(1));
        Assert.That(_said[0], Does.EndWith("could not load castle: Level 'castle' is missing."));
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Message, Is.EqualTo("Level 'swamp' is missing."));
    }

    [Test]
    public void AWorldClockAtHalfSpeed_SlowsTheLevel_ButNotTheMenu()
    {
        (GameClock world, _, _) = FromUnitySnippets.TimeScale(_loop, Say);
        _loop.Tick();
        Frames(40);                                    // 4 real seconds

        Assert.That(_said.FindAll(s => s.EndsWith("spawn", StringComparison.Ordinal)), Has.Count.EqualTo(2));
        Assert.That(_said.FindAll(s => s.EndsWith("blink", StringComparison.Ordinal)), Has.Count.EqualTo(4));

        world.Pause();                                 // Time.timeScale = 0, for the world only
        Frames(40);
        Assert.That(_said.FindAll(s => s.EndsWith("spawn", StringComparison.Ordinal)), Has.Count.EqualTo(2));
        Assert.That(_said.FindAll(s => s.EndsWith("blink", StringComparison.Ordinal)), Has.Count.EqualTo(8));
    }

    [Test]
    public void OpenGate_WaitsForTheFirstLever_ThenForBoth()
    {
        _clock.AutoJump = true;

        _loop.RunUntilComplete(FromUnitySnippets.OpenGate(_loop, Say));

        Assert.That(_said, Is.EqualTo(new[] { "1.0 first: left", "3.0 gate opens after left and right" }));
    }

    [Test]
    public void UniTaskShapes_ATupleOfResults_TheWinnersValue_AndAWaitThatATokenCancels()
    {
        _clock.AutoJump = true;
        _loop.RunUntilComplete(FromUnitySnippets.LoadScene(_loop, Say));
        Assert.That(_said, Is.EqualTo(new[] { "2.0 level 3 with theme", "3.0 first: wind (#1)" }));

        _said.Clear();
        _clock.AutoJump = false;
        using var cts = new System.Threading.CancellationTokenSource();
        LoopTask patrol = _loop.Start(FromUnitySnippets.Patrol(Say, cts.Token));
        Frames(12);
        cts.Cancel();
        Frames(1);

        Assert.That(patrol.IsCancelled, Is.True);
        Assert.That(_said, Is.EqualTo(new[] { "3.1 step", "4.2 step", "4.3 patrol over" }));
    }

    [Test]
    public void DebugMode_ReportsACoCallThatWasNeverYielded()
    {
        var errors = new List<Exception>();
        _loop.UnhandledExceptionHandler = errors.Add;
        _loop.Diagnostics.DebugMode = true;
        var log = new List<string>();

        _loop.RunUntilComplete(FromUnitySnippets.Fire(log));

        Assert.That(log, Is.EqualTo(new[] { "fired", "echo" }), "neither the bang nor the whizz played");
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Message, Does.Contain("never yielded it, so the child coroutine never ran"));
        TestContext.Out.WriteLine(errors[0].Message);
    }
}
