using System;
using System.Collections.Generic;
using YieldLoop;

// An EventLoop runs coroutines (iterator methods that yield waits) on this one thread. They take turns at each
// yield: while one waits, the loop runs the others. A wait that does not yield (Thread.Sleep, a long computation)
// would stop them all.
var loop = new EventLoop();
loop.Start(Ticker(count: 3, every: 0.1), "ticker");
string greeting = loop.RunUntilComplete<string>(Greet("YieldLoopConsole", after: 0.35));
Console.WriteLine(greeting);
loop.Close();   // cancels whatever still runs; nothing does here

static IEnumerator<IAwaitable> Ticker(int count, double every)
{
    for (int i = 1; i <= count; i++)
    {
        yield return Co.Sleep(every);   // seconds
        Console.WriteLine($"tick {i}");
    }
}

static IEnumerator<IAwaitable> Greet(string name, double after)
{
    Console.WriteLine("Greet waits without blocking; the ticker runs meanwhile.");
    yield return Co.Sleep(after);
    yield return Co.Return($"Hello from {name}!");   // ends the coroutine with its result
}
