// Snippets of docs/concepts.md. Each public method runs one example of the page and writes what it prints to `log`;
// Engine.Tests/Docs/ConceptsSnippetTests.cs runs them and checks the output against the page.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using YieldLoop;
using YieldLoop.Tests;

namespace DocExamples.Concepts;

public static class ConceptsSnippets
{
    // <snippet:concepts-coroutine>
    static IEnumerator<IAwaitable> PaintWall(char wall, CoLock painter, Action<string> say)
    {
        for (int coat = 1; coat <= 2; coat++)
        {
            yield return painter.Acquire();                    // one painter: wait while he paints another wall
            say($"wall {wall}, coat {coat}");
            yield return Co.Sleep(TimeSpan.FromMinutes(10));   // painting
            painter.Release();
            yield return Co.Sleep(TimeSpan.FromMinutes(20));   // drying: the painter is free meanwhile
        }
    }
    // </snippet:concepts-coroutine>

    public static void NonBlocking(TextWriter log)
    {
        // <snippet:concepts-loop>
        var clock = new ManualClock { AutoJump = true };   // simulated time: see below
        var loop = new EventLoop(clock);
        var painter = new CoLock(loop);                    // the one painter
        Action<string> say = text => log.WriteLine($"{loop.Time.TotalMinutes,3} min: {text}");

        loop.Start(PaintWall('A', painter, say));          // a task per wall
        loop.Start(PaintWall('B', painter, say));
        loop.Start(PaintWall('C', painter, say));
        loop.RunUntilIdle();                               // tick until nothing is left to do
        say("all walls done");
        // </snippet:concepts-loop>
    }

    public static void Blocking(TextWriter log)
    {
        var clock = new ManualClock { AutoJump = true };
        var loop = new EventLoop(clock);
        var painter = new CoLock(loop);
        Action<string> say = text => log.WriteLine($"{loop.Time.TotalMinutes,3} min: {text}");

        loop.Start(PaintWallsInTurn(painter, say));
        loop.RunUntilIdle();
        say("all walls done");
    }

    // <snippet:concepts-blocking>
    static IEnumerator<IAwaitable> PaintWallsInTurn(CoLock painter, Action<string> say)
    {
        foreach (char wall in "ABC")
        {
            yield return Co.Call(PaintWall(wall, painter, say));   // resumes when the wall is done, drying included
        }
    }
    // </snippet:concepts-blocking>

    public static void House(TextWriter log)
    {
        var clock = new ManualClock { AutoJump = true };
        var loop = new EventLoop(clock);
        var painter = new CoLock(loop);
        Action<string> say = text => log.WriteLine($"{loop.Time.TotalMinutes,3} min: {text}");
        loop.RunUntilComplete(PaintHouse(loop, painter, say));
    }

    // <snippet:concepts-task>
    static IEnumerator<IAwaitable> PaintHouse(EventLoop loop, CoLock painter, Action<string> say)
    {
        LoopTask a = loop.Start(PaintWall('A', painter, say));   // runs on its own, from the next tick
        LoopTask b = loop.Start(PaintWall('B', painter, say));
        LoopTask<int> count = loop.Start<int>(CountBrushes());   // a task with a result
        yield return count;                                      // parks until the task has completed
        say($"{count.Result} brushes; walls A and B: {a.State}, {b.State}");
        yield return Co.WhenAll(a, b);                           // parks until both have completed
        say($"walls A and B: {a.State}, {b.State}");
    }

    static IEnumerator<IAwaitable> CountBrushes()
    {
        yield return Co.Sleep(TimeSpan.FromMinutes(1));
        yield return Co.Return(3);                               // the task's result
    }
    // </snippet:concepts-task>

    public static int Future(TextWriter log)
    {
        // <snippet:concepts-future>
        var clock = new ManualClock { AutoJump = true };
        var loop = new EventLoop(clock);
        Action<string> say = text => log.WriteLine($"{loop.Time.TotalMinutes,3} min: {text}");

        var delivery = new FutureSource<int>(loop);        // the write side: the shop keeps it
        loop.CallLater(TimeSpan.FromMinutes(15), () => delivery.SetResult(20));   // 20 litres in 15 minutes
        int litres = loop.RunUntilComplete<int>(WaitForPaint(delivery.Future, say));

        static IEnumerator<IAwaitable> WaitForPaint(Future<int> paint, Action<string> say)
        {
            say("waiting for the paint");
            yield return paint;                            // parks until the future completes
            say($"{paint.Result} litres delivered");
            yield return Co.Return(paint.Result);
        }
        // </snippet:concepts-future>

        return litres;
    }

    public static void ContextSwitch(TextWriter log)
    {
        // <snippet:concepts-switch>
        var loop = new EventLoop(new ManualClock());
        int litres = 4;                                    // shared by two tasks, without a lock

        loop.Start(Brush('A'));
        loop.Start(Brush('B'));
        loop.RunUntilIdle();

        IEnumerator<IAwaitable> Brush(char wall)
        {
            while (litres > 0)
            {
                litres--;                                  // no other task runs between this line...
                log.WriteLine($"wall {wall} takes a litre: {litres} left");   // ...and this one
                yield return Co.NextTick;                  // a context switch: the loop runs the next ready task
            }
        }
        // </snippet:concepts-switch>
    }

    public static void Tick(TextWriter log)
    {
        // <snippet:concepts-tick>
        var loop = new EventLoop(new ManualClock());
        var paint = new FutureSource(loop);
        loop.Start(Waiter());
        loop.Start(Completer());
        loop.CallSoon(() => log.WriteLine($"tick {loop.TickCount}: a callback"));
        for (int i = 0; i < 3; i++)
        {
            loop.Tick();
        }

        IEnumerator<IAwaitable> Waiter()
        {
            log.WriteLine($"tick {loop.TickCount}: the waiter parks on the future");
            yield return paint.Future;
            log.WriteLine($"tick {loop.TickCount}: the waiter resumes");
        }

        IEnumerator<IAwaitable> Completer()
        {
            log.WriteLine($"tick {loop.TickCount}: the completer completes the future and starts a task");
            paint.SetResult();
            loop.Start(Helper());
            yield break;
        }

        IEnumerator<IAwaitable> Helper()
        {
            log.WriteLine($"tick {loop.TickCount}: the new task runs");
            yield break;
        }
        // </snippet:concepts-tick>
    }

    // Set by a test that needs the work to go on until something happened elsewhere (see Offloaded).
    private static volatile Func<bool>? s_workGoesOnUntil;

    /// <summary>Stands for CPU-heavy work: spins for <paramref name="milliseconds"/> of real time (and, in
    /// <see cref="Offloaded"/>, on until the loop has ticked enough).</summary>
    public static long MatchColour(int milliseconds)
    {
        long rounds = 0;
        var watch = Stopwatch.StartNew();
        Func<bool>? until = s_workGoesOnUntil;
        while (watch.ElapsedMilliseconds < milliseconds || (until is not null && !until() && watch.Elapsed < HangGuard.Limit))
        {
            rounds++;
        }

        return rounds;
    }

    public static void Watchdog(ConcurrentQueue<string> reports)
    {
        // <snippet:concepts-watchdog>
        var loop = new EventLoop(new ManualClock(), "main");
        loop.Diagnostics.DebugMode = true;                                    // a watchdog thread times every step
        loop.Diagnostics.SlowStepThreshold = TimeSpan.FromMilliseconds(16);   // one frame at 60 frames per second
        loop.Diagnostics.SlowStepHandler = report => reports.Enqueue(report.ToString());   // default: standard error
        loop.RunUntilComplete(MatchColours(photos: 3));

        static IEnumerator<IAwaitable> MatchColours(int photos)
        {
            for (int i = 0; i < photos; i++)
            {
                MatchColour(milliseconds: 20);             // CPU-heavy work, and no yield in between
            }

            yield break;
        }
        // </snippet:concepts-watchdog>
        loop.Close();
    }

    public static (int Ticks, long Rounds) Sliced()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        int ticks = 0;
        LoopTask<long> work = loop.Start<long>(MatchColoursInSlices(photos: 3));
        LoopTask counter = loop.Start(CountTicks());
        loop.RunUntilComplete(work);
        counter.Cancel();
        loop.Tick();
        return (ticks, work.Result);

        IEnumerator<IAwaitable> CountTicks()
        {
            while (true)
            {
                ticks++;
                yield return Co.NextTick;
            }
        }
    }

    // <snippet:concepts-slices>
    static IEnumerator<IAwaitable> MatchColoursInSlices(int photos)
    {
        long total = 0;
        for (int i = 0; i < photos; i++)
        {
            total += MatchColour(milliseconds: 5);         // a slice of the work...
            yield return Co.NextTick;                      // ...then the other tasks get their turn
        }

        yield return Co.Return(total);
    }

    static IEnumerator<IAwaitable> MatchColoursOffloaded(int photos)
    {
        Future<long> total = Co.Offload(() =>              // runs on the .NET thread pool
        {
            long sum = 0;
            for (int i = 0; i < photos; i++)
            {
                sum += MatchColour(milliseconds: 20);
            }

            return sum;
        });
        yield return total;                                // the loop runs the other tasks meanwhile
        yield return Co.Return(total.Result);              // back on the loop thread
    }
    // </snippet:concepts-slices>

    public static (long Rounds, int LoopThread, int Ticks) Offloaded()
    {
        var loop = new EventLoop(new ManualClock(), "main");
        int ticks = 0;

        // The offloaded work goes on until the loop has ticked more than ten times (a signal; the hang guard bounds
        // it), so the count says whether the loop kept ticking while the work ran, not how many ticks a loaded machine
        // fits into 40 ms. A loop that waited for the work would never tick meanwhile.
        s_workGoesOnUntil = () => Volatile.Read(ref ticks) > 10;
        try
        {
            LoopTask<long> work = loop.Start<long>(MatchColoursOffloaded(photos: 2));
            LoopTask counter = loop.Start(CountTicks());
            loop.RunUntilComplete(work);
            counter.Cancel();
            loop.Tick();
            return (work.Result, Environment.CurrentManagedThreadId, ticks);
        }
        finally
        {
            s_workGoesOnUntil = null;
        }

        IEnumerator<IAwaitable> CountTicks()
        {
            while (true)
            {
                Volatile.Write(ref ticks, ticks + 1);
                yield return Co.NextTick;
            }
        }
    }
}
