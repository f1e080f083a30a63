// Snippets of docs/testing.md: a helper class to copy, failure messages with the live task tree, game clocks and
// phases. The regions between the markers are printed in the doc verbatim.
using System;
using System.Collections.Generic;
using NUnit.Framework;
using YieldLoop;

namespace MyGame.Docs.Testing;

// <snippet:testing-helper>
// A loop on a manual clock for tests. Copy it into your test project and add what your game needs.
public sealed partial class TestLoop
{
    public TestLoop(string name = "test") =>
        Loop = new EventLoop(Clock, name) { UnhandledExceptionHandler = Unhandled.Add };

    public ManualClock Clock { get; } = new();
    public EventLoop Loop { get; }
    public List<Exception> Unhandled { get; } = new();   // failures nobody observed

    // Plays `seconds` of frames: moves the clock one frame, ticks, and again.
    public void Run(double seconds, double frame = 1.0 / 60)
    {
        TimeSpan end = Clock.Now + TimeSpan.FromSeconds(seconds), step = TimeSpan.FromSeconds(frame);
        while (Clock.Now < end)
        {
            Clock.Set(Clock.Now + step < end ? Clock.Now + step : end);
            Loop.Tick();
        }
    }

    // Call from [TearDown]: cancels what still runs (finally blocks run), then fails on unobserved failures.
    public void Close()
    {
        Loop.Close();
        Assert.That(Unhandled, Is.Empty, () => string.Join("\n\n", Unhandled));
    }
}
// </snippet:testing-helper>

// <snippet:testing-helper-run-until>
public sealed partial class TestLoop
{
    // Ticks until the future completes, jumping the clock to the next deadline whenever nothing is ready.
    // Fails with the live task tree when it does not complete; never hangs.
    public void RunUntil(Future future, int maxTicks = 10_000)
    {
        for (int i = 0; i < maxTicks && !future.IsCompleted; i++)
        {
            if (!Loop.HasReadyWork && Loop.NextWakeTime is TimeSpan next && next > Clock.Now)
            {
                Clock.Set(next);
            }

            Loop.Tick();
        }

        Assert.That(future.IsCompleted, Is.True, () => $"{future} did not complete.\n{Loop.Diagnostics.Dump()}");
    }
}
// </snippet:testing-helper-run-until>

public class TestLoopUseTests
{
    // <snippet:testing-helper-use>
    private TestLoop _t = null!;

    [SetUp]
    public void SetUp() => _t = new TestLoop();

    [TearDown]
    public void TearDown() => _t.Close();

    [Test]
    public void TwoBombs_GoOffInFuseOrder()
    {
        var (slow, fast) = (new Bomb(), new Bomb());
        LoopTask last = _t.Loop.Start(slow.Fuse(5));
        _t.Loop.Start(fast.Fuse(2));
        _t.Loop.Tick();                             // their first steps, at 0 s: the fuses start burning

        _t.Run(seconds: 3);                         // three seconds at 60 frames per second
        Assert.That(fast.Log, Does.Contain("boom"));
        Assert.That(slow.Log, Does.Not.Contain("boom"));

        _t.RunUntil(last);
        Assert.That(_t.Clock.Now, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }
    // </snippet:testing-helper-use>
}

/// <summary>A door that opens when a key is found: something that can wait forever, for the dump section.</summary>
public sealed class Vault
{
    private readonly FutureSource _key;

    public Vault(EventLoop loop) => _key = new FutureSource(loop);

    public bool Open { get; private set; }

    public void FindKey() => _key.SetResult();

    public IEnumerator<IAwaitable> WaitForKey()
    {
        yield return _key.Future;
        Open = true;
    }
}

public class DumpTests
{
    // <snippet:testing-dump>
    [Test]
    public void TheVault_Opens_WhenTheKeyIsFound()
    {
        var loop = new EventLoop(new ManualClock(), "test");
        var vault = new Vault(loop);
        LoopTask opening = loop.Start(vault.WaitForKey(), "open vault");
        loop.Tick();

        vault.FindKey();
        loop.Tick();
        loop.Tick();

        // On failure, the message shows every live task and what it waits on. The lambda runs only on failure.
        Assert.That(opening.IsCompleted, Is.True, () => loop.Diagnostics.Dump());
        Assert.That(loop.Diagnostics.FindDeadlock(), Is.Null);   // nothing waits for what nothing can complete
        Assert.That(vault.Open, Is.True);
    }
    // </snippet:testing-dump>
}

public class GameTimeTests
{
    // <snippet:testing-game-clock>
    [Test]
    public void AnEnemy_AttacksHalfAsOften_InSlowMotion()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "test");
        var world = new GameClock(loop, "world") { Scale = 0.5 };
        var attacks = new List<double>();
        world.Start(Attack(world, attacks));        // Co.Sleep in this task counts world time
        loop.Tick();                                // its first step, at 0 s: the first attack is due at 1 world second

        for (int frame = 0; frame < 16; frame++)    // four real seconds, in frames of a quarter second
        {
            clock.Advance(0.25);
            loop.Tick();
        }

        Assert.That(attacks, Is.EqualTo(new[] { 1.0, 2.0 }));   // in world seconds
        Assert.That(world.Now, Is.EqualTo(TimeSpan.FromSeconds(2)));
    }

    private static IEnumerator<IAwaitable> Attack(GameClock world, List<double> attacks)
    {
        while (true)
        {
            yield return Co.Sleep(1);
            attacks.Add(world.Now.TotalSeconds);
        }
    }
    // </snippet:testing-game-clock>

    // <snippet:testing-phase>
    [Test]
    public void TheBall_MovesOncePerPhysicsStep_NotPerFrame()
    {
        var loop = new EventLoop(new ManualClock(), "test");
        var fixedUpdate = new LoopPhase(loop, "FixedUpdate");
        int moves = 0;
        loop.Start(Roll(fixedUpdate, () => moves++));
        loop.Tick();                                // its first step: now it waits for the phase

        loop.Tick();
        loop.Tick();
        Assert.That(moves, Is.Zero);                // ticks alone do not run the phase

        fixedUpdate.Run();
        fixedUpdate.Run();
        Assert.That(moves, Is.EqualTo(2));          // the test plays the host: two physics steps
    }

    private static IEnumerator<IAwaitable> Roll(LoopPhase fixedUpdate, Action move)
    {
        while (true)
        {
            yield return fixedUpdate;
            move();
        }
    }
    // </snippet:testing-phase>
}
