using System;

namespace YieldLoop.Demos;

/// <summary>The entry point: <c>dotnet run --project Demos -- [demo]</c>.</summary>
internal static class Program
{
    private static int Main(string[] args) => DemoHost.Run(args, Console.Out, Console.Error);
}
