using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MyGame.Docs.Cookbook;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>Runs the recipes of docs/cookbook.md (Engine.Tests/Docs/Snippets/Cookbook*.cs) and checks what they do.</summary>
public class CookbookSnippetTests
{
    private ManualClock _clock = null!;
    private EventLoop _loop = null!;
    private List<Exception> _unhandled = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualClock();
        _loop = new EventLoop(_clock, "cookbook");
        _unhandled = new List<Exception>();
        _loop.UnhandledExceptionHandler = _unhandled.Add;
    }

    [TearDown]
    public void TearDown()
    {
        if (!_loop.IsClosed)
        {
            _loop.Close();
        }

        Assert.That(_unhandled, Is.Empty, string.Join("\n", _unhandled));
    }

    /// <summary>Moves the clock in frames of <paramref name="frame"/> seconds until <paramref name="seconds"/> passed, ticking each frame.</summary>
    private void RunFrames(double seconds, double frame = 0.1, Action<TimeSpan>? eachFrame = null)
    {
        int frames = (int)Math.Round(seconds / frame);
        for (int i = 0; i < frames; i++)
        {
            _clock.Advance(frame);
            eachFrame?.Invoke(_clock.Now);
            _loop.Tick();
        }
    }

    // ---- timeouts -------------------------------------------------------------------------------------------------

    [Test]
    public void FetchProfile_ShowsTheProfile_WhenTheServerAnswersInTime()
    {
        _clock.AutoJump = true;
        var server = new Server(_loop) { Latency = 4 };
        string? shown = null;

        _loop.RunUntilComplete(TimeoutRecipes.FetchProfile(server, p => shown = p));

        Assert.That(shown, Is.EqualTo("profile #1"));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromSeconds(4)));
    }

    [Test]
    public void WithDefault_GivesTheResultOfWorkDoneInTime()
    {
        _clock.AutoJump = true;
        var server = new Server(_loop) { Latency = 1 };
        string? shown = null;

        _loop.RunUntilComplete(TimeoutRecipes.ShowHighScores(server, s => shown = s));

        Assert.That(shown, Is.EqualTo("scores #1"));
    }

    [Test]
    public void WithDefault_GivesTheFallbackAtTheDeadline_AndCancelsTheRequest()
    {
        _clock.AutoJump = true;
        var server = new Server(_loop) { Latency = 30 };
        string? shown = null;

        _loop.RunUntilComplete(TimeoutRecipes.ShowHighScores(server, s => shown = s));

        Assert.That(shown, Is.EqualTo("(offline)"));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromSeconds(2)));
        _loop.RunUntilIdle();
        Assert.That(server.Cancelled, Is.EqualTo(1));
        Assert.That(_loop.PendingTimerCount, Is.Zero);
    }

    [Test]
    public void WithDefault_PassesOtherFailuresOn()
    {
        _clock.AutoJump = true;
        var server = new Server(_loop) { Latency = 1, FailuresLeft = 1 };

        var error = Assert.Throws<IOException>(() => _loop.RunUntilComplete(TimeoutRecipes.ShowHighScores(server, _ => { })));

        Assert.That(error!.Message, Is.EqualTo("The connection was reset during the scores request."));
    }

    // ---- retries --------------------------------------------------------------------------------------------------

    [Test]
    public void Retry_BacksOffExponentiallyWithSeededJitter_UntilARequestSucceeds()
    {
        _clock.AutoJump = true;
        var server = new Server(_loop) { Latency = 1, FailuresLeft = 3 };
        string? save = null;

        _loop.RunUntilComplete(RetryRecipes.LoadSaveGame(server, new Random(7), s => save = s));

        Assert.That(save, Is.EqualTo("save #4"));
        var expected = new List<double> { 0 };
        var same = new Random(7);
        for (int n = 1; n <= 3; n++)
        {
            double backoff = 0.5 * Math.Pow(2, n - 1);
            expected.Add(expected[^1] + 1 + backoff * (0.5 + 0.5 * same.NextDouble()));   // the failure takes 1 s, then the wait
        }

        Assert.That(server.RequestTimes.Select(t => t.TotalSeconds), Is.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public void Retry_GivesUpAfterTheLastAttempt_WithItsFailure()
    {
        _clock.AutoJump = true;
        var server = new Server(_loop) { Latency = 1, FailuresLeft = 100 };

        Assert.Throws<IOException>(() => _loop.RunUntilComplete(RetryRecipes.LoadSaveGame(server, new Random(7), _ => { })));

        Assert.That(server.Requests, Is.EqualTo(5));
        double[] gaps = server.RequestTimes.Zip(server.RequestTimes.Skip(1), (a, b) => (b - a).TotalSeconds - 1).ToArray();
        for (int n = 1; n <= gaps.Length; n++)
        {
            double backoff = Math.Min(8, 0.5 * Math.Pow(2, n - 1));
            Assert.That(gaps[n - 1], Is.InRange(backoff / 2 - 1e-6, backoff + 1e-6), $"wait after failure {n}");
        }
    }

    // ---- the first of several -------------------------------------------------------------------------------------

    [Test]
    public void AskToQuit_TakesTheFirstButton_AndCancelsTheOtherWaits()
    {
        var yes = new CoEvent(_loop);
        var no = new CoEvent(_loop);
        string? answer = null;
        LoopTask ask = _loop.Start(FirstOfRecipes.AskToQuit(_loop, yes, no, a => answer = a));

        RunFrames(3);
        Assert.That(answer, Is.Null);
        yes.Set();
        RunFrames(0.3);

        Assert.That(answer, Is.EqualTo("quit"));
        Assert.That(ask.IsSucceeded, Is.True);
        Assert.That(_loop.PendingTaskCount, Is.Zero, "the losers were cancelled and awaited");
        Assert.That(_loop.PendingTimerCount, Is.Zero, "the ten-second wait left the loop");
    }

    [Test]
    public void AskToQuit_Stays_AfterTenSecondsWithoutAClick()
    {
        _clock.AutoJump = true;
        string? answer = null;

        _loop.RunUntilComplete(FirstOfRecipes.AskToQuit(_loop, new CoEvent(_loop), new CoEvent(_loop), a => answer = a));

        Assert.That(answer, Is.EqualTo("stay"));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void FirstMirror_ShowsTheFastestAnswer_AndThenSettlesTheOthers()
    {
        _clock.AutoJump = true;
        Server[] mirrors = { new(_loop) { Latency = 3 }, new(_loop) { Latency = 1 }, new(_loop) { Latency = 2, FailuresLeft = 1 } };
        var shown = new List<string>();
        int succeeded = -1;

        _loop.RunUntilComplete(FirstOfRecipes.FirstMirror(mirrors, shown.Add, n => succeeded = n));

        Assert.That(shown, Is.EqualTo(new[] { "patch notes #1" }));
        Assert.That(mirrors[1].Requests, Is.EqualTo(1));
        Assert.That(succeeded, Is.EqualTo(2), "the failed mirror is observed by SettleAll, not reported");
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    // ---- task groups ----------------------------------------------------------------------------------------------

    [Test]
    public void Wave_WaitsForEverySpawner()
    {
        _clock.AutoJump = true;
        var arena = new Arena { Spawners = 2 };

        _loop.RunUntilComplete(GroupRecipes.Wave(arena));

        Assert.That(arena.Log.Count(l => l.EndsWith("spawned", StringComparison.Ordinal)), Is.EqualTo(6));
        Assert.That(arena.Log[^1], Is.EqualTo("wave cleared"));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromSeconds(6)));
    }

    [Test]
    public void Wave_FailsWithEveryChildFailure_AfterCancellingTheSiblings()
    {
        _clock.AutoJump = true;
        var arena = new Arena { Spawners = 2, Broken = 0 };

        var error = Assert.Throws<AggregateException>(() => _loop.RunUntilComplete(GroupRecipes.Wave(arena)));

        Assert.That(error!.InnerExceptions.Single().Message, Is.EqualTo("Spawner 0 is blocked."));
        Assert.That(arena.Log, Is.EquivalentTo(new[] { "spawner 0 closed", "spawner 1 closed" }));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    // ---- cutscene -------------------------------------------------------------------------------------------------

    [Test]
    public void TheIntro_PlaysToTheEnd_WhenNobodySkips()
    {
        _clock.AutoJump = true;
        var stage = new Stage();

        _loop.RunUntilComplete(CutsceneRecipes.PlayIntro(_loop, stage, new CoEvent(_loop)));

        Assert.That(stage.Log, Is.EqualTo(new[]
        {
            "Captain: We are not alone.", "camera on nebula", "Pilot: Shields up!", "camera on player", "gameplay",
        }));
        Assert.That(stage.Letterbox, Is.False);
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromSeconds(7)));
    }

    [Test]
    public void SkippingTheIntro_CancelsIt_AndItsFinallyBlockRestoresTheWorld()
    {
        var stage = new Stage();
        var skip = new CoEvent(_loop);
        LoopTask play = _loop.Start(CutsceneRecipes.PlayIntro(_loop, stage, skip));

        RunFrames(3);
        Assert.That(stage.Letterbox, Is.True);
        skip.Set();
        RunFrames(0.3);

        Assert.That(play.IsSucceeded, Is.True);
        Assert.That(stage.Log, Is.EqualTo(new[] { "Captain: We are not alone.", "camera on nebula", "camera on player", "gameplay" }));
        Assert.That(stage.Letterbox, Is.False);
        Assert.That(stage.Camera, Is.EqualTo("player"));
        Assert.That(_loop.PendingTimerCount, Is.Zero);
    }

    // ---- AI states ------------------------------------------------------------------------------------------------

    [Test]
    public void TheGuard_PatrolsChasesSearches_AndPatrolsAgain()
    {
        var guard = new Guard();
        LoopTask brain = _loop.Start(GuardBrain.Brain(_loop, guard));
        _loop.Tick();

        RunFrames(2.5);
        Assert.That(guard.Waypoint, Is.EqualTo(2), "two seconds of walking");
        Assert.That(guard.Log, Is.Empty);

        guard.SeesPlayer = true;
        RunFrames(1);
        Assert.That(guard.Log, Is.EqualTo(new[] { "Patrol -> Chase" }));

        guard.SeesPlayer = false;
        RunFrames(1);
        Assert.That(guard.Log, Is.EqualTo(new[] { "Patrol -> Chase", "Chase -> Search" }));

        RunFrames(3);
        Assert.That(guard.Log, Is.EqualTo(new[] { "Patrol -> Chase", "Chase -> Search", "Search -> Patrol" }));

        brain.Cancel();
        _loop.Tick();                                // the race's tasks end first, then the brain, in this tick
        Assert.That(brain.IsCancelled, Is.True, () => _loop.Diagnostics.Dump());
        Assert.That(_loop.PendingTaskCount, Is.Zero, "cancelling the brain cancelled the race of its state");
    }

    [Test]
    public void ASearchingGuardThatSeesThePlayerAgain_ChasesHim()
    {
        var guard = new Guard();
        _loop.Start(GuardBrain.Brain(_loop, guard));
        _loop.Tick();

        guard.SeesPlayer = true;
        RunFrames(0.5);
        guard.SeesPlayer = false;
        RunFrames(1);
        guard.SeesPlayer = true;
        RunFrames(0.5);

        Assert.That(guard.Log, Is.EqualTo(new[] { "Patrol -> Chase", "Chase -> Search", "Search -> Chase" }));
    }

    // ---- loading --------------------------------------------------------------------------------------------------

    [Test]
    public void LoadLevel_LoadsInParallel_AndReportsRisingProgress()
    {
        _clock.AutoJump = true;
        var progress = new List<double>();

        _loop.RunUntilComplete(LoadingRecipes.LoadLevel(_loop, new[] { "a", "bb", "cccc" }, progress.Add));

        Assert.That(_clock.Now.TotalSeconds, Is.EqualTo(0.4).Within(1e-9), "as long as the longest load, not the sum");
        Assert.That(progress, Is.Ordered);
        Assert.That(progress[0], Is.GreaterThan(0));
        Assert.That(progress[^1], Is.EqualTo(1));
        Assert.That(progress.Count(p => p < 1), Is.GreaterThanOrEqualTo(4));
    }

    // ---- input ----------------------------------------------------------------------------------------------------

    [Test]
    public void TheSearchBox_Searches_OnceTheTypingStops()
    {
        var box = new SearchBox(_loop);

        foreach (string text in new[] { "h", "he", "hel" })
        {
            box.OnTextChanged(text);
            RunFrames(0.1);
        }

        Assert.That(box.Searches, Is.Empty);
        Assert.That(_loop.PendingTimerCount, Is.EqualTo(1), "each key press cancelled the search before it");
        RunFrames(0.3);
        Assert.That(box.Searches, Is.EqualTo(new[] { "hel" }));

        box.OnTextChanged("help");
        RunFrames(1);
        Assert.That(box.Searches, Is.EqualTo(new[] { "hel", "help" }));
    }

    [Test]
    public void TheWeapon_FiresAtMostOncePerCooldown()
    {
        var weapon = new Weapon();
        _loop.Start(weapon.Fire(_loop, cooldown: 0.25));
        _loop.Tick();

        RunFrames(0.5, frame: 0.05);
        Assert.That(weapon.Shots, Is.Empty);
        weapon.TriggerHeld = true;
        RunFrames(1, frame: 0.05);
        weapon.TriggerHeld = false;
        RunFrames(1, frame: 0.05);

        double[] shots = weapon.Shots.Select(t => Math.Round(t.TotalSeconds, 6)).ToArray();
        Assert.That(shots, Is.EqualTo(new[] { 0.55, 0.8, 1.05, 1.3 }));
    }

    // ---- periodic -------------------------------------------------------------------------------------------------

    [Test]
    public void Autosave_StaysOnItsGrid_WhenTheFramesDoNotDivideThePeriod()
    {
        var saver = new Autosaver();
        _loop.Start(saver.Autosave(_loop));
        _loop.Tick();                                // t0 = 0

        RunFrames(126, frame: 7);

        Assert.That(saver.Saves.Select(t => t.TotalSeconds), Is.EqualTo(new double[] { 35, 63, 91, 126 }), "the first tick at or past 30, 60, 90, 120");
        Assert.That(saver.Missed, Is.Zero);

        _clock.Advance(100);                        // a very late tick: 150, 180 and 210 passed
        _loop.Tick();
        Assert.That(saver.Saves[^1].TotalSeconds, Is.EqualTo(226));
        Assert.That(saver.Missed, Is.EqualTo(2), "210 is taken; 150 and 180 are skipped");
        _clock.Advance(14);
        _loop.Tick();
        Assert.That(saver.Saves[^1].TotalSeconds, Is.EqualTo(240), "back on the grid");
    }

    [Test]
    public void ShowClock_IsCalledOnExactSeconds()
    {
        var dues = new List<TimeSpan>();
        LoopTask clockTask = Autosaver.ShowClock(_loop, dues);

        RunFrames(3.3, frame: 0.3);
        clockTask.Cancel();
        RunFrames(1);

        Assert.That(dues, Is.EqualTo(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3) }));
        Assert.That(clockTask.IsCancelled, Is.True);
    }

    // ---- pausing and slow motion ----------------------------------------------------------------------------------

    [Test]
    public void PausingTheEnemiesScope_StopsThem_AndBulletTimeSlowsThem()
    {
        var log = new List<string>();
        (Scope enemies, GameClock world) = PauseRecipes.SetUpLevel(_loop, log);
        _loop.Tick();

        RunFrames(2, frame: 0.25);
        Assert.That(log, Is.EqualTo(new[] { "orc", "troll", "orc", "troll" }));

        PauseRecipes.OpenMenu(enemies);
        RunFrames(10, frame: 0.25);
        Assert.That(log, Has.Count.EqualTo(4), "a paused scope does not step");

        PauseRecipes.CloseMenu(enemies);
        RunFrames(1, frame: 0.25);
        Assert.That(log, Has.Count.EqualTo(6));

        PauseRecipes.BulletTime(world, on: true);
        RunFrames(2, frame: 0.25);
        Assert.That(log, Has.Count.EqualTo(6), "two real seconds are half a second of world time");
        RunFrames(2, frame: 0.25);
        Assert.That(log, Has.Count.EqualTo(8));

        PauseRecipes.BulletTime(world, on: false);
        RunFrames(1, frame: 0.25);
        Assert.That(log, Has.Count.EqualTo(10));
        enemies.Dispose();
    }

    // ---- producer and consumer ------------------------------------------------------------------------------------

    [Test]
    public void TheBoundedChannel_HoldsTheProducerBack()
    {
        _clock.AutoJump = true;
        var log = new List<string>();
        (LoopTask producer, LoopTask consumer) = ChannelRecipes.StartPipeline(_loop, log);

        _loop.RunUntilComplete(producer);
        TimeSpan producerDone = _clock.Now;
        _loop.RunUntilComplete(consumer);

        Assert.That(log.Where(l => l.StartsWith("used", StringComparison.Ordinal)), Is.EqualTo(new[] { "used 0", "used 1", "used 2", "used 3", "used 4" }));
        Assert.That(log.IndexOf("wrote 4"), Is.GreaterThan(log.IndexOf("used 0")), "the producer waited for the consumer");
        Assert.That(producerDone, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    // ---- offloading -----------------------------------------------------------------------------------------------

    [Test]
    public void BakeLighting_ComputesOnTheThreadPool_AndResumesOnTheLoop()
    {
        var map = new Lightmap { Texels = new[] { 1, 2, 3 }, Passes = 2 };
        long result = 0;
        int loopThread = Environment.CurrentManagedThreadId;
        int doneThread = -1;

        _loop.RunUntilComplete(OffloadRecipes.BakeLighting(map, limitSeconds: 5, sum =>
        {
            result = sum;
            doneThread = Environment.CurrentManagedThreadId;
        }));

        Assert.That(result, Is.EqualTo(6 + 12));
        Assert.That(doneThread, Is.EqualTo(loopThread));
    }

    [Test]
    public void BakeLighting_GivesUpAtItsLimit_AndCancelsTheWork()
    {
        var map = new Lightmap { Texels = new[] { 1, 2, 3 }, Passes = int.MaxValue };   // would take minutes
        LoopTask bake = _loop.Start(OffloadRecipes.BakeLighting(map, limitSeconds: 2, _ => { }));
        _loop.Start(Observe(bake));                 // its failure is expected: observe it, so it is not reported
        _loop.Tick();

        for (int frame = 0; frame < 20 && !bake.IsCompleted; frame++)
        {
            _clock.Advance(0.25);
            _loop.Tick();                           // the loop goes on while the work runs
        }

        Assert.That(bake.IsFaulted, Is.True);
        Assert.That(bake.Exception, Is.TypeOf<TimeoutException>());
        Assert.That(_clock.Now, Is.EqualTo(TimeSpan.FromSeconds(2.25)));
    }

    private static IEnumerator<IAwaitable> Observe(Future future)
    {
        yield return Co.Settle(future);
    }
}
