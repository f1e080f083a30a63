using System;

namespace YieldLoop.Demos;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.WriteLine("YieldLoop demos: (being written)");
        return 0;
    }
}
