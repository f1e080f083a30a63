// Snippets of docs/from-asyncio.md: asyncio's API in its YieldLoop form. Engine.Tests/Docs/FromAsyncioSnippetTests.cs
// runs each on a ManualClock that jumps to the next timer, and checks what it prints.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using YieldLoop;

namespace DocExamples.FromAsyncio;

public static class FromAsyncioSnippets
{
    public static string Run(IClock clock, TextWriter log)
    {
        // <snippet:from-asyncio-run>
        // asyncio.run(main()): make a loop, run main to the end, close the loop.
        var loop = new EventLoop(clock);                  // new EventLoop() reads the real clock
        string breakfast = loop.RunUntilComplete<string>(MakeBreakfast(loop));
        loop.Close();                                     // cancels what is still pending
        log.WriteLine(breakfast);                         // coffee after 2 min, tea after 3 min
        // </snippet:from-asyncio-run>
        return breakfast;
    }

    // <snippet:from-asyncio-tasks>
    static IEnumerator<IAwaitable> MakeBreakfast(EventLoop loop)
    {
        LoopTask<string> tea = loop.Start<string>(Brew("tea", 3));   // tea = asyncio.create_task(brew("tea", 3))
        Call<string> coffee = Co.Call<string>(Brew("coffee", 2));    // coffee = await brew("coffee", 2)
        yield return coffee;
        yield return tea;                                            // await tea
        yield return Co.Return($"{coffee.Result}, {tea.Result}");    // return ...
    }

    static IEnumerator<IAwaitable> Brew(string drink, double minutes)
    {
        yield return Co.Sleep(minutes * 60);                         // await asyncio.sleep(minutes * 60)
        yield return Co.Return($"{drink} after {minutes} min");
    }
    // </snippet:from-asyncio-tasks>

    // <snippet:from-asyncio-gather>
    public static IEnumerator<IAwaitable> Gather(EventLoop loop, TextWriter log)
    {
        Future<string[]> drinks = Co.WhenAll<string>(loop, Brew("tea", 3), Brew("coffee", 2));   // asyncio.gather(...)
        yield return drinks;
        log.WriteLine(string.Join("; ", drinks.Result));             // in argument order

        LoopTask<string> toast = loop.Start<string>(Brew("toast", 2));
        LoopTask eggs = loop.Start(Burn("eggs", 1));
        Future<Settled[]> meals = Co.SettleAll(toast, eggs);          // gather(..., return_exceptions=True)
        yield return meals;                                          // never fails: one outcome per item
        Settled eaten = meals.Result[0], burnt = meals.Result[1];
        log.WriteLine($"toast: {eaten.State}, eggs: {burnt.State} ({burnt.Exception!.Message})");
    }

    static IEnumerator<IAwaitable> Burn(string dish, double minutes)
    {
        yield return Co.Sleep(minutes * 60);
        throw new InvalidOperationException($"The {dish} burnt.");
    }
    // </snippet:from-asyncio-gather>

    // <snippet:from-asyncio-timeout>
    public static IEnumerator<IAwaitable> Soup(EventLoop loop, TextWriter log)
    {
        Future<string> soup = Co.Timeout<string>(loop, Cook("soup", 30, log), 10 * 60);   // asyncio.wait_for(..., 600)
        yield return Co.Settle(soup);                      // no try/except around a yield: settle, then look
        if (soup.Exception is TimeoutException)
        {
            log.WriteLine("gave up on the soup");
        }
    }

    static IEnumerator<IAwaitable> Cook(string dish, double minutes, TextWriter log)
    {
        try
        {
            yield return Co.Sleep(minutes * 60);
            yield return Co.Return(dish);
        }
        finally
        {
            log.WriteLine($"{dish}: stove off");          // runs before the timeout fails
        }
    }
    // </snippet:from-asyncio-timeout>

    // <snippet:from-asyncio-shield>
    public static IEnumerator<IAwaitable> SaveWithDeadline(EventLoop loop, TextWriter log)
    {
        LoopTask save = loop.Start(Save(log));
        Future wait = Co.Timeout(Co.Shield(save), 1);     // asyncio.wait_for(asyncio.shield(save), 1)
        yield return Co.Settle(wait);
        log.WriteLine($"stopped waiting: {wait.Exception!.GetType().Name}");
        yield return save;                                 // the save itself went on
        log.WriteLine("saved");
    }

    static IEnumerator<IAwaitable> Save(TextWriter log)
    {
        yield return Co.Sleep(3);
        log.WriteLine("file written");
    }
    // </snippet:from-asyncio-shield>

    // <snippet:from-asyncio-wait>
    public static IEnumerator<IAwaitable> FirstDrink(EventLoop loop, TextWriter log)
    {
        LoopTask<string> tea = loop.Start<string>(Brew("tea", 3));
        LoopTask<string> coffee = loop.Start<string>(Brew("coffee", 2));
        Future<int> first = Co.WhenAny(tea, coffee);       // asyncio.wait({tea, coffee}, return_when=FIRST_COMPLETED)
        yield return first;
        log.WriteLine($"first: {(first.Result == 0 ? tea : coffee).Result}; tea: {tea.State}");   // tea goes on

        Future<string> fastest = Co.Race<string>(loop, Brew("water", 1), Brew("juice", 4));   // the others are cancelled
        yield return fastest;
        log.WriteLine($"race: {fastest.Result}");
    }
    // </snippet:from-asyncio-wait>

    // <snippet:from-asyncio-as-completed>
    public static IEnumerator<IAwaitable> AsCompleted(EventLoop loop, TextWriter log)
    {
        CompletionOrder<LoopTask<string>> each = Co.AsCompleted(
            loop.Start<string>(Brew("tea", 3)),
            loop.Start<string>(Brew("coffee", 2)),
            loop.Start<string>(Brew("water", 1)));
        while (each.HasNext)                               // for drink in asyncio.as_completed(...):
        {
            yield return each.Next();                      //     await drink
            log.WriteLine(each.Current.Result);            // the task that completed, as it was passed
        }
    }
    // </snippet:from-asyncio-as-completed>

    // <snippet:from-asyncio-wait-sets>
    public static IEnumerator<IAwaitable> WaitSets(EventLoop loop, TextWriter log)
    {
        LoopTask<string> tea = loop.Start<string>(Brew("tea", 3));
        LoopTask<string> coffee = loop.Start<string>(Brew("coffee", 2));
        // done, pending = await asyncio.wait({tea, coffee}, timeout=150)
        Future<WaitResult<LoopTask<string>>> wait = Co.Wait(new[] { tea, coffee }, WaitMode.AllCompleted, timeout: 150);
        yield return wait;
        log.WriteLine($"done: {wait.Result.Done[0].Result}; pending: {wait.Result.Pending.Count}");
        yield return tea;                                  // the timeout cancelled nothing: the tea is still brewing
        log.WriteLine(tea.Result);
    }
    // </snippet:from-asyncio-wait-sets>

    // <snippet:from-asyncio-timeout-scope>
    public static IEnumerator<IAwaitable> Stew(EventLoop loop, TextWriter log)
    {
        TimeoutScope scope = Co.TimeoutScope(loop, Cook("stew", 40, log), 30 * 60);   // async with asyncio.timeout(1800) as cm:
        yield return Co.Sleep(20 * 60);
        scope.Reschedule(scope.When + TimeSpan.FromMinutes(30));                      // cm.reschedule(cm.when() + 1800)
        yield return Co.Settle(scope.Future);
        log.WriteLine($"stew: {scope.Future.State}, expired: {scope.Expired}");         // cm.expired()
    }
    // </snippet:from-asyncio-timeout-scope>

    // <snippet:from-asyncio-wait-for>
    public static IEnumerator<IAwaitable> Toast(EventLoop loop, TextWriter log)
    {
        var lck = new CoLock(loop);
        var ready = new CoCondition(lck);
        int slices = 0;
        loop.Start(Toaster());
        yield return lck.Acquire();                        // async with cond:
        try
        {
            yield return ready.WaitFor(() => slices >= 2); //     await cond.wait_for(lambda: slices >= 2)
            log.WriteLine($"{slices} slices");
        }
        finally
        {
            lck.Release();
        }

        IEnumerator<IAwaitable> Toaster()
        {
            for (int i = 0; i < 3; i++)
            {
                yield return Co.Sleep(60);
                yield return lck.Acquire();
                slices++;
                ready.NotifyAll();                         // cond.notify_all()
                lck.Release();
            }
        }
    }
    // </snippet:from-asyncio-wait-for>

    // <snippet:from-asyncio-join>
    public static IEnumerator<IAwaitable> Kitchen(EventLoop loop, TextWriter log)
    {
        var queue = CoChannel.Unbounded<string>(loop);
        loop.Start(Cooks(queue, log));
        foreach (string order in new[] { "tea", "toast" })
        {
            yield return queue.Write(order);               // await queue.put(order)
        }

        yield return queue.Join();                         // await queue.join(): every order was handled
        log.WriteLine("all orders served");
    }

    static IEnumerator<IAwaitable> Cooks(CoChannel<string> queue, TextWriter log)
    {
        while (true)
        {
            Future<string> order = queue.Read();
            yield return order;
            yield return Co.Sleep(60);
            log.WriteLine($"served {order.Result}");
            queue.TaskDone();                              // queue.task_done()
        }
    }
    // </snippet:from-asyncio-join>

    // <snippet:from-asyncio-threadsafe>
    public static async Task<string> OrderFromAWorker(EventLoop loop, CancellationToken token)
    {
        // asyncio.run_coroutine_threadsafe(brew("tea", 3), loop): from any thread, while the loop runs on its own
        Task<string> tea = loop.RunCoroutineThreadsafeAsync<string>(() => Brew("tea", 3), token);
        return await tea.ConfigureAwait(false);           // cancelling the token cancels the loop task (its finally runs)
    }
    // </snippet:from-asyncio-threadsafe>

    // <snippet:from-asyncio-taskgroup>
    public static IEnumerator<IAwaitable> TeaAndToast(EventLoop loop, TextWriter log)
    {
        using (var group = new TaskGroup(loop))            // async with asyncio.TaskGroup() as tg:
        {
            LoopTask<string> tea = group.Start<string>(Brew("tea", 3));     // tg.create_task(brew("tea", 3))
            LoopTask<string> toast = group.Start<string>(Brew("toast", 2));
            yield return group.WhenAll();                  // the end of the async with block
            log.WriteLine($"{tea.Result}; {toast.Result}");
        }
    }
    // </snippet:from-asyncio-taskgroup>

#pragma warning disable CA2219 // the example is a clean-up that fails
    // <snippet:from-asyncio-failures>
    public static IEnumerator<IAwaitable> BurntBreakfast(EventLoop loop, TextWriter log)
    {
        using var group = new TaskGroup(loop);
        group.Start(Burn("toast", 1));
        group.Start(Fry("eggs"));                          // cancelled when the toast burns; its clean-up fails
        Future all = group.WhenAll();
        yield return Co.Settle(all);
        // all.Exception is an AggregateException; GetFailures() lists what it holds.
        foreach (Exception e in all.Exception!.GetFailures())   // except* ...:
        {
            log.WriteLine($"group: {e.Message}");
        }

        Future both = Co.WhenAll(loop, Burn("toast", 1), Fry("eggs"));
        yield return Co.Settle(both);
        log.WriteLine($"WhenAll: {both.Exception!.Message}");   // the first failure itself
        foreach (Exception e in both.Exception.GetFailures().Skip(1))   // the same accessor: the first, then the rest
        {
            log.WriteLine($"  also: {e.Message}");
        }
    }

    static IEnumerator<IAwaitable> Fry(string dish)
    {
        try
        {
            yield return Co.Sleep(5 * 60);
        }
        finally
        {
            throw new InvalidOperationException($"The {dish} stuck to the pan.");
        }
    }
    // </snippet:from-asyncio-failures>
#pragma warning restore CA2219

    // <snippet:from-asyncio-lock>
    public static IEnumerator<IAwaitable> BoilWater(CoLock kettle, string who, TextWriter log)
    {
        yield return kettle.Acquire();                     // async with kettle:
        try
        {
            log.WriteLine($"{who} boils water");
            yield return Co.Sleep(60);
        }
        finally
        {
            kettle.Release();                              // also when the task is cancelled
        }
    }
    // </snippet:from-asyncio-lock>

    // <snippet:from-asyncio-queue>
    public static IEnumerator<IAwaitable> Orders(EventLoop loop, TextWriter log)
    {
        var queue = CoChannel.Bounded<string>(loop, capacity: 2);   // asyncio.Queue(maxsize=2)
        LoopTask waiter = loop.Start(Serve(queue, log));
        foreach (string order in new[] { "tea", "toast", "eggs" })
        {
            yield return queue.Write(order);               // await queue.put(order): parks while the queue is full
        }

        queue.Complete();                                  // no more orders: the reader ends when it is empty
        yield return waiter;
    }

    static IEnumerator<IAwaitable> Serve(CoChannel<string> queue, TextWriter log)
    {
        while (true)
        {
            Future<bool> more = queue.WaitToRead();        // parks until there is an order, or the end
            yield return more;
            if (!more.Result)
            {
                yield break;
            }

            while (queue.TryRead(out string? order))
            {
                log.WriteLine($"serving {order}");
                yield return Co.Sleep(30);
            }
        }
    }
    // </snippet:from-asyncio-queue>

    public static void Callbacks(IClock clock, TextWriter log)
    {
        // <snippet:from-asyncio-callbacks>
        var loop = new EventLoop(clock);
        loop.CallSoon(() => log.WriteLine($"{loop.Time.TotalSeconds} s: soon"));         // loop.call_soon(cb)
        loop.CallLater(2, () => log.WriteLine($"{loop.Time.TotalSeconds} s: later"));    // loop.call_later(2, cb)
        loop.CallAt(loop.Time + TimeSpan.FromSeconds(1),                                  // loop.call_at(loop.time() + 1, cb)
            () => log.WriteLine($"{loop.Time.TotalSeconds} s: at"));
        CallbackHandle never = loop.CallLater(3, () => log.WriteLine("never"));
        never.Cancel();                                                                   // handle.cancel()
        loop.RunUntilIdle();
        // </snippet:from-asyncio-callbacks>
    }

    // <snippet:from-asyncio-threads>
    public static IEnumerator<IAwaitable> Checksums(byte[] data, TextWriter log)
    {
        Future<int> sum = Co.Offload(() => Checksum(data));   // await asyncio.to_thread(checksum, data)
        yield return sum;                                     // the loop runs other tasks meanwhile
        log.WriteLine($"checksum {sum.Result}");

        Future<int> answer = Co.Await(Task.Run(() => 6 * 7)); // await a .NET Task (asyncio.wrap_future)
        yield return answer;
        log.WriteLine($"answer {answer.Result}");
    }

    static int Checksum(byte[] data)
    {
        int sum = 0;
        foreach (byte b in data)
        {
            sum = (sum * 31) + b;
        }

        return sum;
    }
    // </snippet:from-asyncio-threads>

    public static string Future(IClock clock, TextWriter log)
    {
        // <snippet:from-asyncio-future>
        var loop = new EventLoop(clock);
        var source = new FutureSource<string>(loop);       // fut = loop.create_future()
        loop.CallLater(1, () =>
        {
            log.WriteLine($"tick {loop.TickCount}: set_result");
            source.SetResult("pong");                      // fut.set_result("pong")
        });
        string reply = loop.RunUntilComplete<string>(Wait(source.Future));

        IEnumerator<IAwaitable> Wait(Future<string> future)
        {
            yield return future;                           // await fut
            log.WriteLine($"tick {loop.TickCount}: the waiter has {future.Result}");
            yield return Co.Return(future.Result);
        }
        // </snippet:from-asyncio-future>
        return reply;
    }

    // <snippet:from-asyncio-cancel>
    public static IEnumerator<IAwaitable> NoTea(EventLoop loop, TextWriter log)
    {
        LoopTask<string> tea = loop.Start<string>(Steep(log));
        yield return Co.Sleep(60);
        tea.Cancel();                                      // tea.cancel()
        yield return Co.Settle(tea);                       // `yield return tea;` would cancel this coroutine too
        log.WriteLine($"tea: {tea.State}");
    }

    static IEnumerator<IAwaitable> Steep(TextWriter log)
    {
        try
        {
            yield return Co.Sleep(300);
            yield return Co.Return("tea");
        }
        finally
        {
            log.WriteLine("tea bag out");                  // where `except CancelledError:` clean-up goes
        }
    }
    // </snippet:from-asyncio-cancel>

#pragma warning disable YL0001 // the snippet shows the bug that YL0001 reports
    public static void Debug(IClock clock, TextWriter log)
    {
        // <snippet:from-asyncio-debug>
        var loop = new EventLoop(clock, "main") { UnhandledExceptionHandler = e => log.WriteLine(e.Message) };
        loop.Diagnostics.DebugMode = true;                                     // asyncio.run(main(), debug=True)
        loop.Diagnostics.SlowStepThreshold = TimeSpan.FromMilliseconds(100);   // loop.slow_callback_duration = 0.1
        loop.Start(Forgetful(), "forgetful");
        loop.Tick();
        log.WriteLine(loop.Diagnostics.Dump());                                // asyncio.all_tasks(), with stacks

        static IEnumerator<IAwaitable> Forgetful()
        {
            _ = Co.Call(Brew("tea", 3));                   // "coroutine 'brew' was never awaited"
            yield return Co.Sleep(60);
        }
        // </snippet:from-asyncio-debug>
    }
#pragma warning restore YL0001
}
