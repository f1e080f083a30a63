// Snippets of docs/from-unity.md: Unity coroutine idioms in their YieldLoop form. They use plain classes in place of
// MonoBehaviours (a method named OnDisable stands for Unity's message), so Engine.Tests/Docs/FromUnitySnippetTests.cs
// can drive them on a ManualClock.
using System;
using System.Collections.Generic;
using System.Threading;
using YieldLoop;

namespace DocExamples.FromUnity;

public sealed class Door
{
    public bool IsUnlocked { get; set; }

    public bool IsBlocked { get; set; }

    public bool IsOpen { get; set; }
}

public sealed class Body
{
    public List<string> Log { get; } = new();
}

// <snippet:from-unity-start>
public sealed class Lamp
{
    private readonly Scope _tasks;                // this object's coroutines
    private LoopTask? _blink;

    public Lamp(EventLoop loop) => _tasks = new Scope(loop, "lamp");

    public bool IsOn { get; private set; }

    public void SwitchOn() => _blink = _tasks.Start(Blink());   // StartCoroutine(Blink())
    public void SwitchOff() => _blink?.Cancel();                // StopCoroutine(_blink)
    public void OnDisable() => _tasks.Pause();                  // Unity would stop them for good
    public void OnEnable() => _tasks.Resume();                  // sleeps go on with the time they had left
    public void OnDestroy() => _tasks.Dispose();                // StopAllCoroutines(), for good

    private IEnumerator<IAwaitable> Blink()
    {
        try
        {
            while (true)
            {
                IsOn = !IsOn;
                yield return Co.Sleep(0.5);       // yield return new WaitForSeconds(0.5f)
            }
        }
        finally
        {
            IsOn = false;                         // runs when the task is cancelled, at its next turn
        }
    }
}
// </snippet:from-unity-start>

public static class FromUnitySnippets
{
    // <snippet:from-unity-waits>
    public static IEnumerator<IAwaitable> OpenDoor(Door door, Action<string> say)
    {
        yield return Co.NextTick;                          // yield return null
        say("next frame");
        yield return Co.Sleep(1.5);                        // new WaitForSeconds(1.5f): the task's game time
        say("1.5 s later");
        yield return Co.SleepRealtime(1);                  // new WaitForSecondsRealtime(1)
        yield return Co.WaitUntil(() => door.IsUnlocked);  // new WaitUntil(() => door.IsUnlocked)
        yield return Co.WaitWhile(() => door.IsBlocked);   // new WaitWhile(() => door.IsBlocked)
        yield return Co.WaitUntil(() => door.IsUnlocked, timeout: 10);          // fails with TimeoutException after 10 s
        door.IsOpen = true;
        say("open");
    }
    // </snippet:from-unity-waits>

    // <snippet:from-unity-phases>
    public static IEnumerator<IAwaitable> Jump(Body body, LoopPhase fixedUpdate, LoopPhase endOfFrame)
    {
        yield return fixedUpdate;                 // yield return new WaitForFixedUpdate()
        body.Log.Add("push in the physics step");
        yield return endOfFrame;                  // yield return new WaitForEndOfFrame()
        body.Log.Add("screenshot after rendering");
    }
    // </snippet:from-unity-phases>

    // <snippet:from-unity-nested>
    public static IEnumerator<IAwaitable> Attack(string enemy, Action<string> say)
    {
        yield return Co.Call(WalkTo(enemy, say));         // yield return StartCoroutine(WalkTo(enemy))
        Call<int> swing = Co.Call<int>(Swing(enemy));     // a child coroutine with a result
        yield return swing;
        say($"hit {enemy} for {swing.Result}");
    }

    private static IEnumerator<IAwaitable> WalkTo(string enemy, Action<string> say)
    {
        yield return Co.Sleep(2);
        say($"reached {enemy}");
    }

    private static IEnumerator<IAwaitable> Swing(string enemy)
    {
        yield return Co.Sleep(0.5);
        yield return Co.Return(enemy.Length * 3);         // ends the child with its result
    }
    // </snippet:from-unity-nested>

    // <snippet:from-unity-custom>
    // Unity: class WaitForOpen : CustomYieldInstruction { public override bool keepWaiting => !door.IsOpen; }
    public static IAwaitable WaitForOpen(Door door) => Co.WaitUntil(() => door.IsOpen);   // checked once per tick

    // Without polling: whoever opens the door sets an event, and the waiters wake.
    public static IEnumerator<IAwaitable> Enter(CoEvent doorOpened, Action<string> say)
    {
        yield return doorOpened.Wait();
        say("entered");
    }
    // </snippet:from-unity-custom>

    public static List<Exception> Failures(Action<string> say)
    {
        var clock = new ManualClock { AutoJump = true };
        // <snippet:from-unity-exceptions>
        var errors = new List<Exception>();
        var loop = new EventLoop(clock) { UnhandledExceptionHandler = errors.Add };   // Unity: Debug.LogException
        loop.Start(LoadLevel("swamp"));                // fails, and nobody waits: goes to the handler
        loop.RunUntilComplete(ShowLevel(loop, "castle", say));

        static IEnumerator<IAwaitable> ShowLevel(EventLoop loop, string name, Action<string> say)
        {
            LoopTask load = loop.Start(LoadLevel(name));
            yield return Co.Settle(load);              // waits for it without failing; `yield return load;` would fail
            say(load.IsFaulted ? $"could not load {name}: {load.Exception!.Message}" : $"{name} loaded");
        }

        static IEnumerator<IAwaitable> LoadLevel(string name)
        {
            yield return Co.Sleep(1);
            throw new InvalidOperationException($"Level '{name}' is missing.");
        }
        // </snippet:from-unity-exceptions>
        return errors;
    }

    public static (GameClock World, LoopTask Spawner, LoopTask Menu) TimeScale(EventLoop loop, Action<string> say)
    {
        // <snippet:from-unity-timescale>
        var world = new GameClock(loop, "world");      // game time: scale it, pause it
        var level = new Scope(loop, "level", world);   // Co.Sleep in the level's tasks counts world time
        LoopTask spawner = level.Start(Spawn(say));
        LoopTask menu = loop.Start(BlinkCursor(say));   // not bound to a clock: loop (real) time
        world.Scale = 0.5;                             // Time.timeScale = 0.5f, for the world only

        static IEnumerator<IAwaitable> Spawn(Action<string> say)
        {
            while (true)
            {
                yield return Co.Sleep(1);              // one second of world time: two real ones at scale 0.5
                say("spawn");
            }
        }

        static IEnumerator<IAwaitable> BlinkCursor(Action<string> say)
        {
            while (true)
            {
                yield return Co.Sleep(1);              // one real second, whatever the world's scale
                say("blink");
            }
        }
        // </snippet:from-unity-timescale>
        return (world, spawner, menu);
    }

    // <snippet:from-unity-several>
    public static IEnumerator<IAwaitable> OpenGate(EventLoop loop, Action<string> say)
    {
        LoopTask<string> left = loop.Start<string>(PullLever("left", 1));
        LoopTask<string> right = loop.Start<string>(PullLever("right", 3));
        Future<int> first = Co.WhenAny(left, right);             // the first to finish, by position
        yield return first;
        say($"first: {(first.Result == 0 ? left : right).Result}");
        Future<string[]> both = Co.WhenAll<string>(left, right); // all, results in argument order
        yield return both;
        say($"gate opens after {string.Join(" and ", both.Result)}");
    }

    private static IEnumerator<IAwaitable> PullLever(string side, double seconds)
    {
        yield return Co.Sleep(seconds);
        yield return Co.Return(side);
    }
    // </snippet:from-unity-several>

#pragma warning disable YL0001 // the snippet shows the bug (a Co.Call never yielded); outside the region so the doc is unchanged
#pragma warning disable YL0001 // the snippet shows the bug that YL0001 reports
    // <snippet:from-unity-unitask>
    public static IEnumerator<IAwaitable> LoadScene(EventLoop loop, Action<string> say)
    {
        LoopTask<int> level = loop.Start<int>(Load(3, 2));
        LoopTask<string> music = loop.Start<string>(Load("theme", 1));
        Future<(int, string)> both = Co.WhenAll(level, music);   // var (lvl, clip) = await UniTask.WhenAll(level, music)
        yield return both;
        (int number, string clip) = both.Result;
        say($"level {number} with {clip}");

        Future<(int Index, string Value)> first = Co.WhenAnyValue(  // var (i, v) = await UniTask.WhenAny(rain, wind)
            loop.Start<string>(Load("rain", 2)), loop.Start<string>(Load("wind", 1)));
        yield return first;
        say($"first: {first.Result.Value} (#{first.Result.Index})");
    }

    public static IEnumerator<IAwaitable> Patrol(Action<string> say, CancellationToken token)
    {
        try
        {
            while (true)
            {
                say("step");
                yield return Co.Sleep(1, token);            // await UniTask.Delay(1000, cancellationToken: token)
                yield return Co.WaitTicks(1, token);        // await UniTask.NextFrame(token)
            }
        }
        finally
        {
            say("patrol over");                             // the token cancelled the task: its finally ran
        }
    }

    private static IEnumerator<IAwaitable> Load<T>(T value, double seconds)
    {
        yield return Co.Sleep(seconds);
        yield return Co.Return(value);
    }
    // </snippet:from-unity-unitask>

    // <snippet:from-unity-forgotten>
    public static IEnumerator<IAwaitable> Fire(List<string> log)
    {
        PlaySound("bang", log);                   // the classic bug: makes the coroutine, never runs it
        Co.Call(PlaySound("whizz", log));         // the same bug, wrapped: debug mode reports this one
        log.Add("fired");
        yield return Co.Call(PlaySound("echo", log));   // right: runs the child inline
    }
    // </snippet:from-unity-forgotten>
#pragma warning restore YL0001
#pragma warning restore YL0001

    private static IEnumerator<IAwaitable> PlaySound(string sound, List<string> log)
    {
        log.Add(sound);
        yield return Co.NextTick;
    }
}
