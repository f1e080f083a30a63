using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using YieldLoop.Demos;
using YieldLoop.Demos.Tui;

namespace YieldLoop.Tests.Demos;

// The model's timeline on a manual clock, one tick every 50 ms from t = 0 (the first tick is at 0):
//   loader   +5 % at every 0.25 s; an asset is in every 1 s (textures 1.00 ... scripts 5.00).
//   spinner  a frame every 0.1 s on a fixed grid, until the loader is done: 50 frames by 5.00.
//   marker   one cell every 0.05 s, from cell 0; it turns at cell 23 (1.15, 3.45) and at cell 0 (2.30, 4.60).
//   show     waits for the loader (done at 5.00; the show resumes one tick later, 5.05), then for the spinner and
//            the marker (already done at 5.00), counts down 2 s and finishes at 7.05: 142 ticks in all.
// At 5.00 the loader, the spinner and the marker are all due; they run in the order their timers were scheduled
// (R8): the loader (at 4.75), the spinner (4.90), the marker (4.95).
[TestFixture]
[NonParallelizable]   // the Terminal.Gui runs set a process environment variable and a static frame rate
public class TuiDemoTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    private static readonly string[] UnpausedLog =
    [
        " 1.00 s  loader: textures loaded (20%)",
        " 1.15 s  marker: bounced at the right end",
        " 2.00 s  loader: sounds loaded (40%)",
        " 2.30 s  marker: bounced at the left end",
        " 3.00 s  loader: fonts loaded (60%)",
        " 3.45 s  marker: bounced at the right end",
        " 4.00 s  loader: maps loaded (80%)",
        " 4.60 s  marker: bounced at the left end",
        " 5.00 s  loader: scripts loaded (100%)",
        " 5.00 s  spinner: stopped after 50 frames",
        " 5.00 s  marker: parked after 4 bounces",
        " 5.05 s  show: all coroutines finished; closing in 2 s",
    ];

    /// <summary>A model on a manual clock, ticked once at time zero: the coroutines have taken their first step.</summary>
    private sealed class Harness : IDisposable
    {
        public Harness()
        {
            Model = new TuiDemoModel(Clock);
            Model.Tick();
        }

        public ManualClock Clock { get; } = new();

        public TuiDemoModel Model { get; }

        /// <summary>Moves the clock one step and ticks, until the clock reads <paramref name="seconds"/>.</summary>
        public void RunTo(double seconds)
        {
            var until = TimeSpan.FromSeconds(seconds);
            while (Clock.Now < until)
            {
                StepOnce();
            }
        }

        public void StepOnce()
        {
            Clock.Advance(Step);
            Model.Tick();
        }

        public void Dispose() => Model.Dispose();
    }

    private static int ExpectedProgress(TimeSpan time) => Math.Min(100, 5 * (int)(time.Ticks / TuiDemoModel.LoadStep.Ticks));

    // ---- the model ----------------------------------------------------------------------------------------------

    [Test]
    public void Nothing_HasMoved_BeforeTheFirstTick()
    {
        using var model = new TuiDemoModel(new ManualClock());

        Assert.That(model.Progress, Is.Zero);
        Assert.That(model.MarkerPosition, Is.Zero);
        Assert.That(model.Log, Is.Empty);
        Assert.That(model.TickCount, Is.Zero);
        Assert.That(model.IsFinished, Is.False);
    }

    [Test]
    public void Progress_GrowsBy5PercentEveryQuarterSecond_AndStopsAt100()
    {
        using var harness = new Harness();
        var seen = new List<int> { harness.Model.Progress };

        while (harness.Clock.Now < TimeSpan.FromSeconds(6))
        {
            harness.StepOnce();
            Assert.That(harness.Model.Progress, Is.EqualTo(ExpectedProgress(harness.Clock.Now)), $"at {harness.Clock.Now}");
            if (harness.Model.Progress != seen[^1])
            {
                seen.Add(harness.Model.Progress);
            }
        }

        Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 21).Select(i => i * 5)));
        Assert.That(harness.Model.LoadingText, Is.EqualTo("all assets loaded"));
    }

    [Test]
    public void TheMarker_MovesOneCellPerStep_AndTurnsAtTheEndsOfItsTrack()
    {
        using var harness = new Harness();
        var positions = new List<int>();

        for (int i = 0; i < 50; i++)
        {
            harness.StepOnce();
            positions.Add(harness.Model.MarkerPosition);
        }

        // Up from 1 to 23 (the right end), back down to 0 (the left end), and up again.
        int[] expected = Enumerable.Range(1, 23).Concat(Enumerable.Range(0, 23).Reverse()).Concat(Enumerable.Range(1, 4)).ToArray();
        Assert.That(positions, Is.EqualTo(expected));
        Assert.That(harness.Model.Bounces, Is.EqualTo(2));
        Assert.That(harness.Model.Track, Has.Length.EqualTo(TuiDemoModel.TrackWidth));
        Assert.That(harness.Model.Track.IndexOf('●', StringComparison.Ordinal), Is.EqualTo(4));
    }

    [Test]
    public void TheSpinner_ChangesFrameEveryTenthOfASecond()
    {
        using var harness = new Harness();
        var changes = 0;
        string last = harness.Model.SpinnerText;

        for (int i = 0; i < 20; i++)   // 1 s: 20 steps, 10 frames
        {
            harness.StepOnce();
            if (harness.Model.SpinnerText != last)
            {
                changes++;
                last = harness.Model.SpinnerText;
                Assert.That(i % 2, Is.EqualTo(1), "a frame is due at every second step (0.1 s, 0.2 s, ...)");
            }
        }

        Assert.That(changes, Is.EqualTo(10));
    }

    [Test]
    public void TheLog_ReceivesTheLinesOfAllCoroutines_InTimeOrder()
    {
        using var harness = new Harness();

        harness.RunTo(8);

        Assert.That(harness.Model.Log, Is.EqualTo(UnpausedLog));
    }

    [Test]
    public void TheShow_FinishesTwoSecondsAfterLoading_AndReportsASummary()
    {
        using var harness = new Harness();

        harness.RunTo(7.0);
        Assert.That(harness.Model.IsFinished, Is.False);
        Assert.That(harness.Model.ClosingIn, Is.EqualTo(1));
        Assert.That(harness.Model.StatusText, Is.EqualTo("all done: closing in 1 s"));

        harness.StepOnce();   // 7.05

        Assert.That(harness.Model.IsFinished, Is.True);
        Assert.That(harness.Model.Progress, Is.EqualTo(100));
        Assert.That(harness.Model.SpinnerText, Is.EqualTo("✓ loaded in 5.00 s"));
        Assert.That(harness.Model.Failure, Is.Null);
        Assert.That(harness.Model.Summary, Is.EqualTo("tui: loaded 100%, 4 coroutines, 142 ticks, 7.05 s"));
    }

    [Test]
    public void Pausing_FreezesTheProgressTheSpinnerAndTheMarker()
    {
        using var harness = new Harness();
        harness.RunTo(1.1);
        string spinner = harness.Model.SpinnerText;

        harness.Model.TogglePause();
        harness.RunTo(3.1);

        Assert.That(harness.Model.IsPaused, Is.True);
        Assert.That(harness.Model.Progress, Is.EqualTo(20));
        Assert.That(harness.Model.MarkerPosition, Is.EqualTo(22));
        Assert.That(harness.Model.SpinnerText, Is.EqualTo(spinner));
        Assert.That(harness.Model.Log[^1], Is.EqualTo(" 1.10 s  you: paused at 20%"));
        Assert.That(harness.Model.StatusText, Is.EqualTo("paused: press P to resume"));
    }

    [Test]
    public void Resuming_ContinuesEachSleep_WithTheTimeItHadLeft()
    {
        using var harness = new Harness();
        harness.RunTo(1.1);
        harness.Model.TogglePause();
        harness.RunTo(3.1);

        harness.Model.TogglePause();
        Assert.That(harness.Model.IsPaused, Is.False);

        // The marker had 0.05 s left of its sleep, the loader 0.15 s: they move at 3.15 and 3.25.
        harness.StepOnce();   // 3.15
        Assert.That(harness.Model.MarkerPosition, Is.EqualTo(23));
        Assert.That(harness.Model.Progress, Is.EqualTo(20));
        harness.RunTo(3.2);
        Assert.That(harness.Model.Progress, Is.EqualTo(20));
        harness.StepOnce();   // 3.25
        Assert.That(harness.Model.Progress, Is.EqualTo(25));
        Assert.That(harness.Model.SpinnerText, Does.Contain("working for 3.2"));

        // Everything happens 2 s later than unpaused, in the same order.
        harness.RunTo(9.0);
        Assert.That(harness.Model.IsFinished, Is.False);
        harness.StepOnce();   // 9.05
        Assert.That(harness.Model.IsFinished, Is.True);
        Assert.That(harness.Model.Log.Select(StripTime), Is.EqualTo(
            UnpausedLog.Take(1).Select(StripTime).Append("you: paused at 20%").Append("you: resumed").Concat(UnpausedLog.Skip(1).Select(StripTime))));
        Assert.That(harness.Model.Log[3], Is.EqualTo(" 3.15 s  marker: bounced at the right end"));
    }

    [Test]
    public void TogglingPause_DoesNothing_AfterTheEnd()
    {
        using var harness = new Harness();
        harness.RunTo(7.05);
        int lines = harness.Model.Log.Count;

        harness.Model.TogglePause();

        Assert.That(harness.Model.IsPaused, Is.False);
        Assert.That(harness.Model.Log, Has.Count.EqualTo(lines));
    }

    [Test]
    public void TheModel_BelongsToTheThreadThatCreatedIt()
    {
        using var harness = new Harness();
        Exception? error = null;
        var thread = new System.Threading.Thread(() => error = Assert.Catch(() => harness.Model.Tick()));

        thread.Start();
        thread.Join();

        Assert.That(error, Is.InstanceOf<InvalidOperationException>());
    }

    private static string StripTime(string line) => line[(line.IndexOf(" s  ", StringComparison.Ordinal) + 4)..];

    // ---- the Terminal.Gui app, headless -------------------------------------------------------------------------

    /// <summary>Runs the real Terminal.Gui app headless, one 50 ms step of simulated time per timeout.</summary>
    private static (TuiScreen Screen, TuiDemoModel Model) RunApp(
        Action<Terminal.Gui.App.IApplication, TuiWindow, TuiDemoModel>? afterTick = null, bool closesWhenFinished = true)
    {
        var clock = new ManualClock();
        var model = new TuiDemoModel(clock, closesWhenFinished);
        TuiScreen screen = TuiApp.Run(model, new TuiAppOptions
        {
            Headless = true,
            TickPeriod = TuiDemo.HeadlessTickPeriod,
            IterationsPerSecond = TuiDemo.HeadlessIterationsPerSecond,
            BeforeTick = () =>
            {
                if (model.TickCount > 0)
                {
                    clock.Advance(Step);
                }
            },
            AfterTick = afterTick is null ? null : (app, window) => afterTick(app, window, model),
            MaxTicks = 1000,
        });
        return (screen, model);
    }

    [Test]
    public void TheTerminalGuiApp_RunsHeadless_EndsByItself_AndItsWidgetsShowTheFinalState()
    {
        (TuiScreen screen, TuiDemoModel model) = RunApp();
        using (model)
        {
            Assert.That(model.IsFinished, Is.True);
            Assert.That(model.TickCount, Is.EqualTo(142));
            Assert.That(screen.ProgressFraction, Is.EqualTo(1f));
            Assert.That(screen.Percent, Is.EqualTo("100%"));
            Assert.That(screen.Spinner, Is.EqualTo("✓ loaded in 5.00 s"));
            Assert.That(screen.Track, Is.EqualTo(model.Track));
            Assert.That(screen.PauseButton, Is.EqualTo("_Pause"));
            Assert.That(screen.Log, Is.EqualTo(UnpausedLog));

            // What the driver drew: the window, the widgets' final text, and the newest log line.
            Assert.That(screen.Text, Does.Contain("Loading assets"));
            Assert.That(screen.Text, Does.Contain("100%"));
            Assert.That(screen.Text, Does.Contain("all assets loaded"));
            Assert.That(screen.Text, Does.Contain("✓ loaded in 5.00 s"));
            Assert.That(screen.Text, Does.Contain(model.Track));
            Assert.That(screen.Text, Does.Contain("show: all coroutines finished"));
            Assert.That(screen.Text, Does.Contain("P pause/resume · Q or Esc quit"));
        }
    }

    [Test]
    public void ThePKey_PausesAndResumesTheAnimations_InTheApp()
    {
        bool pausedSeen = false;
        (TuiScreen screen, TuiDemoModel model) = RunApp((app, window, m) =>
        {
            if (m.TickCount == 23)        // 1.10 s
            {
                app.InjectKey(Key.P);
            }
            else if (m.TickCount == 63)   // 3.10 s
            {
                pausedSeen = m.IsPaused && window.PauseButtonText == "_Resume" && m.Progress == 20;
                app.InjectKey(Key.P);
            }
        });
        using (model)
        {
            Assert.That(pausedSeen, Is.True, "paused between the two key presses, with the button saying Resume");
            Assert.That(model.IsFinished, Is.True);
            Assert.That(model.Log, Does.Contain(" 1.10 s  you: paused at 20%"));
            Assert.That(model.Log, Does.Contain(" 3.10 s  you: resumed"));
            Assert.That(model.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(9.05)));
            Assert.That(screen.PauseButton, Is.EqualTo("_Pause"));
        }
    }

    [Test]
    public void QAndEsc_QuitBeforeTheEnd_InTheApp([Values("Q", "Esc")] string keyName)
    {
        Key key = keyName == "Q" ? Key.Q : Key.Esc;
        (TuiScreen _, TuiDemoModel model) = RunApp((app, _, m) =>
        {
            if (m.TickCount == 30)
            {
                app.InjectKey(key);
            }
        });
        using (model)
        {
            Assert.That(model.IsFinished, Is.False);
            Assert.That(model.TickCount, Is.LessThan(40));
            Assert.That(model.Summary, Does.StartWith("tui: stopped at 25%, 4 coroutines"));
        }
    }

    [Test]
    public void AShowThatWaitsForTheUser_StaysOpenAfterItEnds_UntilQ()
    {
        int callsAfterTheEnd = 0;
        string status = string.Empty;
        (TuiScreen _, TuiDemoModel model) = RunApp((app, _, m) =>
        {
            if (m.IsFinished && ++callsAfterTheEnd == 50)
            {
                status = m.StatusText;
                app.InjectKey(Key.Q);
            }
        }, closesWhenFinished: false);
        using (model)
        {
            Assert.That(callsAfterTheEnd, Is.EqualTo(50), "the app stayed open after the show, until Q");
            Assert.That(model.IsFinished, Is.True);
            Assert.That(status, Is.EqualTo("done: press Q or Esc to quit"));

            // No countdown: the show is over at 5.05 s, and the loop is not ticked while the app waits for Q.
            Assert.That(model.TickCount, Is.EqualTo(102));
            Assert.That(model.Log[^1], Is.EqualTo(" 5.05 s  show: all coroutines finished; Q or Esc quits"));
            Assert.That(model.Summary, Is.EqualTo("tui: loaded 100%, 4 coroutines, 102 ticks, 5.05 s"));
        }
    }

    // ---- the demo -----------------------------------------------------------------------------------------------

    [Test]
    public void TheDemo_RunsWithoutATerminal_EndsByItself_AndPrintsTheSummary()
    {
        using var output = new StringWriter();

        int exitCode = new TuiDemo().Run(output);

        string text = output.ToString();
        Assert.That(exitCode, Is.EqualTo(0), text);
        string[] lines = text.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.That(lines[^1], Does.Match(@"^tui: loaded 100%, 4 coroutines, \d+ ticks, \d+\.\d\d s$"));
        Assert.That(lines[^1], Is.EqualTo("tui: loaded 100%, 4 coroutines, 142 ticks, 7.05 s"));
        foreach (string line in UnpausedLog)
        {
            Assert.That(text, Does.Contain(line));
        }

        foreach (string line in lines)
        {
            Assert.That(line.Length, Is.LessThanOrEqualTo(80), line);
        }
    }

    [Test]
    public void TheDemo_IsListedInTheCatalog()
    {
        Assert.That(DemoCatalog.Find("tui"), Is.InstanceOf<TuiDemo>());
    }

    [Test]
    public void TheSummaryOfARunStoppedEarly_SaysWhereItStopped()
    {
        using var harness = new Harness();
        harness.RunTo(1.0);

        Assert.That(harness.Model.Summary, Is.EqualTo("tui: stopped at 20%, 4 coroutines, 21 ticks, 1.00 s"));
        Assert.That(Regex.IsMatch(harness.Model.Summary, "^tui: "), Is.True);
    }
}
