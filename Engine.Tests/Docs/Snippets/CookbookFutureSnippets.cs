// Snippets of docs/cookbook.md: timeouts, retries, the first of several events, structured concurrency.
// The regions between the markers are printed in the doc verbatim; Engine.Tests/Docs/CookbookSnippetTests.cs runs them.
using System;
using System.Collections.Generic;
using System.IO;
using YieldLoop;

namespace MyGame.Docs.Cookbook;

/// <summary>A pretend server: each request answers after a delay, or fails while it is "down".</summary>
public sealed class Server
{
    private readonly EventLoop _loop;

    public Server(EventLoop loop) => _loop = loop;

    /// <summary>Gets or sets how long a request takes, in seconds of loop time.</summary>
    public double Latency { get; set; } = 1;

    /// <summary>Gets or sets how many of the next requests fail.</summary>
    public int FailuresLeft { get; set; }

    /// <summary>Gets how many requests were made.</summary>
    public int Requests { get; private set; }

    /// <summary>Gets the loop times at which requests were made.</summary>
    public List<TimeSpan> RequestTimes { get; } = new();

    /// <summary>Gets how many requests were cancelled before they answered.</summary>
    public int Cancelled { get; private set; }

    public Future<string> Request(string what)
    {
        Requests++;
        RequestTimes.Add(_loop.Time);
        var answer = new FutureSource<string>(_loop);
        bool fail = FailuresLeft > 0;
        if (fail)
        {
            FailuresLeft--;
        }

        CallbackHandle reply = _loop.CallLater(Latency, () =>
        {
            if (fail)
            {
                answer.TrySetException(new IOException($"The connection was reset during the {what} request."));
            }
            else
            {
                answer.TrySetResult($"{what} #{Requests}");
            }
        });
        answer.Future.AddCallback(f =>
        {
            if (f.IsCancelled)
            {
                Cancelled++;
                reply.Cancel();
            }
        });
        return answer.Future;
    }
}

public static class TimeoutRecipes
{
    // <snippet:cookbook-timeout>
    public static IEnumerator<IAwaitable> FetchProfile(Server server, Action<string> show)
    {
        Future<string> profile = Co.Timeout(server.Request("profile"), 5);   // five seconds from here
        yield return profile;   // at the deadline: the request is cancelled, then this fails with TimeoutException
        show(profile.Result);
    }
    // </snippet:cookbook-timeout>

    // <snippet:cookbook-timeout-default>
    // Gives work a deadline; when it is too slow, the result is the fallback. Other failures pass through.
    public static IEnumerator<IAwaitable> WithDefault<T>(Future<T> work, double seconds, T fallback)
    {
        Future<T> limited = Co.Timeout(work, seconds);
        yield return Co.Settle(limited);            // wait without failing: a coroutine cannot catch around a yield
        if (limited.Exception is TimeoutException)
        {
            yield return Co.Return(fallback);
        }

        yield return limited;                       // complete already: passes a failure or cancellation on
        yield return Co.Return(limited.Result);
    }

    public static IEnumerator<IAwaitable> ShowHighScores(Server server, Action<string> show)
    {
        Call<string> scores = Co.Call<string>(WithDefault(server.Request("scores"), 2, "(offline)"));
        yield return scores;
        show(scores.Result);
    }
    // </snippet:cookbook-timeout-default>
}

public static class RetryRecipes
{
    // <snippet:cookbook-retry>
    // Calls attempt() until a future it returns succeeds, at most maxAttempts times, waiting longer after each failure.
    public static IEnumerator<IAwaitable> Retry<T>(Func<Future<T>> attempt, int maxAttempts, Random random)
    {
        const double FirstDelay = 0.5, MaxDelay = 8;
        for (int n = 1; ; n++)
        {
            Future<T> result = attempt();           // a fresh future each time: a future completes once
            yield return Co.Settle(result);
            if (result.IsSucceeded)
            {
                yield return Co.Return(result.Result);
            }

            if (n == maxAttempts || result.IsCancelled)
            {
                yield return result;                // give up: fail (or end cancelled) like the last attempt
            }

            double backoff = Math.Min(MaxDelay, FirstDelay * Math.Pow(2, n - 1));   // 0.5, 1, 2, 4, 8, 8, ...
            yield return Co.Sleep(backoff * (0.5 + 0.5 * random.NextDouble()));    // jitter: half to all of it
        }
    }

    public static IEnumerator<IAwaitable> LoadSaveGame(Server server, Random random, Action<string> use)
    {
        Call<string> save = Co.Call<string>(Retry(() => server.Request("save"), maxAttempts: 5, random));
        yield return save;
        use(save.Result);
    }
    // </snippet:cookbook-retry>
}

public static class FirstOfRecipes
{
    // <snippet:cookbook-race>
    public static IEnumerator<IAwaitable> AskToQuit(EventLoop loop, CoEvent yes, CoEvent no, Action<string> answer)
    {
        // The first to finish wins; the others are cancelled, and the race waits for their finally blocks.
        Future<string> choice = Co.Race<string>(
            loop,                                   // the loop to start the three waits on
            Answer(yes, "quit"),
            Answer(no, "stay"),
            After(10, "stay"));                     // nobody clicked for ten seconds
        yield return choice;
        answer(choice.Result);
    }

    private static IEnumerator<IAwaitable> Answer(CoEvent button, string meaning)
    {
        yield return button.Wait();
        yield return Co.Return(meaning);
    }

    private static IEnumerator<IAwaitable> After(double seconds, string meaning)
    {
        yield return Co.SleepRealtime(seconds);     // a menu counts real time, even when the game is paused
        yield return Co.Return(meaning);
    }
    // </snippet:cookbook-race>

    // <snippet:cookbook-when-any>
    public static IEnumerator<IAwaitable> FirstMirror(Server[] mirrors, Action<string> show, Action<int> done)
    {
        var requests = new Future<string>[mirrors.Length];
        for (int i = 0; i < mirrors.Length; i++)
        {
            requests[i] = mirrors[i].Request("patch notes");
        }

        Future<int> first = Co.WhenAny(requests);   // the index of the first to complete; the others go on
        yield return first;
        show(requests[first.Result].Result);        // throws here if that first one failed

        Future<Settled<string>[]> all = Co.SettleAll(requests);   // later: every outcome, failures observed
        yield return all;
        done(Array.FindAll(all.Result, r => r.State == FutureState.Succeeded).Length);
    }
    // </snippet:cookbook-when-any>
}

public static class GroupRecipes
{
    // <snippet:cookbook-task-group>
    public static IEnumerator<IAwaitable> Wave(Arena arena)
    {
        using var group = new TaskGroup();          // the group of the loop running this coroutine
        for (int i = 0; i < arena.Spawners; i++)
        {
            group.Start(Spawn(arena, i), $"spawner-{i}");
        }

        yield return group.WhenAll();               // every child done; a failure cancels the siblings first
        arena.Log.Add("wave cleared");
    }                                               // leaving the block (even cancelled) cancels what still runs

    private static IEnumerator<IAwaitable> Spawn(Arena arena, int spawner)
    {
        try
        {
            for (int enemy = 0; enemy < 3; enemy++)
            {
                yield return Co.Sleep(1 + spawner);
                arena.Spawn(spawner);
            }
        }
        finally
        {
            arena.Log.Add($"spawner {spawner} closed");
        }
    }
    // </snippet:cookbook-task-group>
}

/// <summary>The state the task group recipe works on.</summary>
public sealed class Arena
{
    public int Spawners { get; set; } = 2;

    /// <summary>Gets or sets the spawner that breaks when it spawns, or -1.</summary>
    public int Broken { get; set; } = -1;

    public List<string> Log { get; } = new();

    public void Spawn(int spawner)
    {
        if (spawner == Broken)
        {
            throw new InvalidOperationException($"Spawner {spawner} is blocked.");
        }

        Log.Add($"spawner {spawner} spawned");
    }
}
