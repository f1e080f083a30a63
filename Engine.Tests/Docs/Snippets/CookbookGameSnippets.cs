// Snippets of docs/cookbook.md: cutscenes, AI states, loading, input, periodic jobs, pausing and slow motion.
// The regions between the markers are printed in the doc verbatim; Engine.Tests/Docs/CookbookSnippetTests.cs runs them.
using System;
using System.Collections.Generic;
using YieldLoop;

namespace MyGame.Docs.Cookbook;

/// <summary>What the cutscene recipe draws on: it only records what it is told.</summary>
public sealed class Stage
{
    public List<string> Log { get; } = new();

    public string Camera { get; private set; } = "player";

    public bool Letterbox { get; set; }

    public void Say(string who, string line) => Log.Add($"{who}: {line}");

    public void MoveCamera(string target)
    {
        Camera = target;
        Log.Add($"camera on {target}");
    }
}

public static class CutsceneRecipes
{
    // <snippet:cookbook-cutscene>
    public static IEnumerator<IAwaitable> Intro(Stage stage)
    {
        stage.Letterbox = true;
        try
        {
            stage.Say("Captain", "We are not alone.");
            yield return Co.Sleep(2);
            stage.MoveCamera("nebula");
            yield return Co.Sleep(3);
            stage.Say("Pilot", "Shields up!");
            yield return Co.Sleep(2);
        }
        finally
        {
            // Runs when the scene ends and when it is skipped (cancelled): leave the world as the scene would.
            stage.Letterbox = false;
            stage.MoveCamera("player");
        }
    }

    public static IEnumerator<IAwaitable> PlayIntro(EventLoop loop, Stage stage, CoEvent skipPressed)
    {
        // Whichever finishes first wins; the loser is cancelled and its finally blocks run before the race completes.
        yield return Co.Race(loop, Intro(stage), WaitFor(skipPressed));
        stage.Log.Add("gameplay");
    }

    private static IEnumerator<IAwaitable> WaitFor(CoEvent e)
    {
        yield return e.Wait();
    }
    // </snippet:cookbook-cutscene>
}

/// <summary>A guard with the few senses the state machine recipe needs.</summary>
public sealed class Guard
{
    public bool SeesPlayer { get; set; }

    public int Waypoint { get; set; }

    public List<string> Log { get; } = new();
}

public enum GuardState
{
    Patrol,
    Chase,
    Search,
}

public static class GuardBrain
{
    // <snippet:cookbook-ai-brain>
    // Each state is a coroutine that runs while the state lasts and returns the next state.
    public static IEnumerator<IAwaitable> Brain(EventLoop loop, Guard guard)
    {
        GuardState state = GuardState.Patrol;
        while (true)
        {
            Call<GuardState> next = Co.Call<GuardState>(state switch
            {
                GuardState.Patrol => Patrol(loop, guard),
                GuardState.Chase => Chase(guard),
                _ => Search(loop, guard),
            });
            yield return next;                      // the state runs inline, as part of the brain's task
            guard.Log.Add($"{state} -> {next.Result}");
            state = next.Result;
        }
    }
    // </snippet:cookbook-ai-brain>

    // <snippet:cookbook-ai-states>
    private static IEnumerator<IAwaitable> Patrol(EventLoop loop, Guard guard)
    {
        yield return Co.Race(loop, WalkRoute(guard), Until(() => guard.SeesPlayer));   // walk until the player shows up
        yield return Co.Return(GuardState.Chase);
    }

    private static IEnumerator<IAwaitable> Chase(Guard guard)
    {
        yield return Co.WaitWhile(() => guard.SeesPlayer);
        yield return Co.Return(GuardState.Search);
    }

    private static IEnumerator<IAwaitable> Search(EventLoop loop, Guard guard)
    {
        Future<int> found = Co.Race(loop, Until(() => guard.SeesPlayer), Wait(3));   // look around for three seconds
        yield return found;
        yield return Co.Return(found.Result == 0 ? GuardState.Chase : GuardState.Patrol);
    }

    private static IEnumerator<IAwaitable> WalkRoute(Guard guard)
    {
        while (true)
        {
            yield return Co.Sleep(1);
            guard.Waypoint = (guard.Waypoint + 1) % 4;
        }
    }

    private static IEnumerator<IAwaitable> Until(Func<bool> condition)
    {
        yield return Co.WaitUntil(condition);
    }

    private static IEnumerator<IAwaitable> Wait(double seconds)
    {
        yield return Co.Sleep(seconds);
    }
    // </snippet:cookbook-ai-states>
}

public static class LoadingRecipes
{
    // <snippet:cookbook-loading>
    public static IEnumerator<IAwaitable> LoadLevel(EventLoop loop, string[] assets, Action<double> showProgress)
    {
        var parts = new double[assets.Length];      // each load's progress, 0 to 1; only the loop thread writes it
        var loads = new LoopTask<int>[assets.Length];
        for (int i = 0; i < assets.Length; i++)
        {
            int index = i;
            loads[i] = loop.Start<int>(Load(assets[i], part =>
            {
                parts[index] = part;
                double sum = 0;
                foreach (double p in parts)
                {
                    sum += p;
                }

                showProgress(sum / parts.Length);
            }));
        }

        Future<int[]> all = Co.WhenAll(loads);      // results in argument order; the first failure cancels the rest
        yield return all;
        showProgress(1);
    }

    private static IEnumerator<IAwaitable> Load(string asset, Action<double> report)
    {
        int chunks = asset.Length;                  // pretend: a longer name is a bigger file
        for (int chunk = 1; chunk <= chunks; chunk++)
        {
            yield return Co.Sleep(0.1);             // in a real game: Co.Await(stream.ReadAsync(...)) for each chunk
            report((double)chunk / chunks);
        }

        yield return Co.Return(chunks * 1024);      // the size in bytes
    }
    // </snippet:cookbook-loading>
}

// <snippet:cookbook-debounce>
public sealed class SearchBox
{
    private readonly EventLoop _loop;
    private CallbackHandle? _pending;

    public SearchBox(EventLoop loop) => _loop = loop;

    public List<string> Searches { get; } = new();

    // Called for each key press, on the loop thread. Searches once the player stopped typing for 0.3 s.
    public void OnTextChanged(string text)
    {
        _pending?.Cancel();                         // a newer key press replaces the waiting search
        _pending = _loop.CallLater(0.3, () => Searches.Add(text));
    }
}
// </snippet:cookbook-debounce>

// <snippet:cookbook-throttle>
public sealed class Weapon
{
    public bool TriggerHeld { get; set; }           // set by the input code each frame

    public List<TimeSpan> Shots { get; } = new();

    // At most one shot per cooldown, however fast the trigger is pressed or however long it is held.
    public IEnumerator<IAwaitable> Fire(EventLoop loop, double cooldown)
    {
        while (true)
        {
            yield return Co.WaitUntil(() => TriggerHeld);   // checked once per tick
            Shots.Add(loop.Time);
            yield return Co.Sleep(cooldown);
        }
    }
}
// </snippet:cookbook-throttle>

// <snippet:cookbook-every>
public sealed class Autosaver
{
    public List<TimeSpan> Saves { get; } = new();

    public long Missed { get; private set; }

    public IEnumerator<IAwaitable> Autosave(EventLoop loop)
    {
        Interval every = Co.Every(30);              // due at t0 + 30, t0 + 60, ...; t0 is the time of the first yield
        while (true)
        {
            yield return every;                     // not Co.Sleep(30): that would add up each tick's lateness
            Saves.Add(loop.Time);
            Missed += every.Skipped;                // periods passed over because a tick came more than 30 s late
        }
    }

    public static LoopTask ShowClock(EventLoop loop, List<TimeSpan> dues) =>
        loop.CallEvery(1.0, tick => dues.Add(tick.Due));   // a callback on its own grid; cancel the task to stop it
}
// </snippet:cookbook-every>

public static class PauseRecipes
{
    // <snippet:cookbook-pause>
    public static (Scope Enemies, GameClock World) SetUpLevel(EventLoop loop, List<string> log)
    {
        var world = new GameClock(loop, "world");
        var enemies = new Scope(loop, "enemies", world);   // enemy tasks sleep in world time
        enemies.Start(Patrol("orc", log));
        enemies.Start(Patrol("troll", log));
        return (enemies, world);
    }

    public static void OpenMenu(Scope enemies) => enemies.Pause();    // no enemy task steps; sleeps keep their rest

    public static void CloseMenu(Scope enemies) => enemies.Resume();

    public static void BulletTime(GameClock world, bool on) => world.Scale = on ? 0.25 : 1;   // 4x slower

    private static IEnumerator<IAwaitable> Patrol(string who, List<string> log)
    {
        while (true)
        {
            yield return Co.Sleep(1);               // one second of world time
            log.Add(who);
        }
    }
    // </snippet:cookbook-pause>
}
