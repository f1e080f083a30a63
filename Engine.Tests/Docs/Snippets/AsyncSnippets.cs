// Snippets of docs/async.md: YieldLoop and .NET's async/await. Engine.Tests/Docs/AsyncSnippetTests.cs runs each one
// and checks what it prints. They use the real clock with short waits: the point is threads and tasks.
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using YieldLoop;

namespace DocExamples.Async;

public static class AsyncSnippets
{
    // <snippet:async-loopgroup>
    public static async Task<int> AskTheGameLoop()
    {
        using var group = new LoopGroup(1, "game");   // one loop, ticked by a thread of its own
        int answer = await group.Start<int>(0, () => Answer(after: 0.05));
        return answer;                                // 42; disposing the group stops its thread
    }

    static IEnumerator<IAwaitable> Answer(double after)
    {
        yield return Co.Sleep(after);
        yield return Co.Return(42);
    }
    // </snippet:async-loopgroup>

    public static string HostTicks(TextWriter log)
    {
        // <snippet:async-astask>
        var loop = new EventLoop();
        LoopTask<string> level = loop.Start<string>(LoadLevel("forest"));
        Task<string> report = ReportWhenLoaded(level);   // .NET code that awaits the coroutine's task
        loop.RunUntilComplete(level);                    // the host ticks the loop: the level loads, then the Task ends
        log.WriteLine(report.Result);                    // loaded forest
        // </snippet:async-astask>
        loop.Close();
        return report.Result;
    }

    // <snippet:async-astask-method>
    static async Task<string> ReportWhenLoaded(LoopTask<string> level)
    {
        string name = await level.AsTask();   // safe from any thread; goes on off the loop thread
        return "loaded " + name;
    }

    static IEnumerator<IAwaitable> LoadLevel(string name)
    {
        yield return Co.Sleep(0.05);
        yield return Co.Return(name);
    }
    // </snippet:async-astask-method>

    public static void ContextOnTheLoopThread(TextWriter log)
    {
        // <snippet:async-context>
        var loop = new EventLoop();
        using (loop.InstallSynchronizationContext())   // on the loop's thread, before it runs
        {
            loop.RunUntilComplete(Greet(log));
        }

        loop.Close();
        // </snippet:async-context>
    }

    // <snippet:async-context-coroutine>
    static IEnumerator<IAwaitable> Greet(TextWriter log)
    {
        int loopThread = Environment.CurrentManagedThreadId;
        Future<bool> sameThread = Co.Await(CheckThreadAsync(loopThread));   // an async method called from a coroutine
        yield return sameThread;
        log.WriteLine($"after its await, the async method ran on the loop thread: {sameThread.Result}");
    }

    static async Task<bool> CheckThreadAsync(int loopThread)
    {
        await Task.Delay(10);                                   // continues through the loop's context
        return Environment.CurrentManagedThreadId == loopThread;  // true: no lock needed to touch the game's state
    }
    // </snippet:async-context-coroutine>

    // <snippet:async-await-task>
    public static IEnumerator<IAwaitable> ReadSave(TextWriter log)
    {
        Future<string> text = Co.Await(ReadFileAsync("save-1"));   // a Task<T>
        yield return text;
        Future<int> slots = Co.Await(CountSlotsAsync());            // a ValueTask<T>: consumed once
        yield return slots;
        log.WriteLine($"{text.Result}, {slots.Result} slots");       // save-1: level 3, 4 slots

        Future failing = Co.Await(Task.FromException(new IOException("The disk is full.")));
        yield return Co.Settle(failing);                            // a failed Task fails the future with its exception
        log.WriteLine(failing.Exception!.Message);                  // The disk is full.
    }

    static async Task<string> ReadFileAsync(string name)
    {
        await Task.Delay(10);
        return name + ": level 3";
    }

    static ValueTask<int> CountSlotsAsync() => new(4);
    // </snippet:async-await-task>

    // <snippet:async-token-in>
    public static void CancelFromDotNet(EventLoop loop, TextWriter log)
    {
        using var cts = new CancellationTokenSource();
        LoopTask music = loop.Start(PlayMusic(log)).CancelWhen(cts.Token);   // the token cancels the task
        loop.Tick();
        cts.Cancel();                          // from any thread: the task is cancelled in the loop's next tick
        loop.RunUntilIdle();
        log.WriteLine(music.State);            // Cancelled
    }

    static IEnumerator<IAwaitable> PlayMusic(TextWriter log)
    {
        try
        {
            yield return Co.Sleep(3600);
        }
        finally
        {
            log.WriteLine("music stopped");   // cancelling a task runs its finally blocks
        }
    }
    // </snippet:async-token-in>

    // <snippet:async-token-out>
    public static IEnumerator<IAwaitable> Download(EventLoop loop, TextWriter log)
    {
        LoopTask fetch = loop.Start(Fetch(log));
        yield return Co.Sleep(0.05);
        fetch.Cancel();                        // cancels the coroutine, and with it the token of its .NET work
        yield return Co.Settle(fetch);
        log.WriteLine(fetch.State);            // Cancelled
    }

    static IEnumerator<IAwaitable> Fetch(TextWriter log)
    {
        // Co.Await(ct => ...) hands the work a token that fires when the waiting coroutine is cancelled.
        yield return Co.Await(ct => SlowDownloadAsync(log, ct));
    }

    static async Task SlowDownloadAsync(TextWriter log, CancellationToken token)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, token);
        }
        catch (OperationCanceledException)
        {
            log.WriteLine("download cancelled");   // on a thread-pool thread
            throw;
        }
    }
    // </snippet:async-token-out>

    // <snippet:async-offload>
    public static IEnumerator<IAwaitable> BakeLighting(TextWriter log)
    {
        Future<long> lightmap = Co.Offload(ct => Bake(samples: 2_000_000, ct));   // on the thread pool
        yield return lightmap;                     // the loop ticks meanwhile; then back on the loop thread
        log.WriteLine($"baked {lightmap.Result} samples");
    }

    static long Bake(int samples, CancellationToken token)
    {
        long done = 0;
        for (int i = 0; i < samples; i++)
        {
            if (i % 100_000 == 0)
            {
                token.ThrowIfCancellationRequested();   // fires when the waiting coroutine is cancelled
            }

            done++;
        }

        return done;
    }
    // </snippet:async-offload>

    public static int FromAnotherThread()
    {
        // <snippet:async-threadsafe>
        var loop = new EventLoop();
        Task<int> worker = Task.Run(async () =>
        {
            int answer = await loop.RunCoroutineThreadsafeAsync<int>(() => Answer(after: 0.05));
            loop.Stop();                       // Stop is safe from any thread
            return answer;
        });
        loop.RunForever();                     // this thread ticks the loop until Stop
        loop.Close();
        Console.WriteLine(worker.Result);      // 42
        // </snippet:async-threadsafe>
        return worker.Result;
    }
}
