using System;
using BenchmarkDotNet.Running;
using YieldLoop.Benchmarks.Ratios;

namespace YieldLoop.Benchmarks;

/// <summary>
/// Entry point. <c>ratios [--json PATH]</c>: issue 3's quick side-by-side mode. <c>bdn [BenchmarkDotNet args]</c>:
/// the BenchmarkDotNet suite of the engine's operations (for example <c>bdn --filter '*'</c>).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "ratios")
        {
            return RatiosMode.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "bdn")
        {
            // In process by default: BenchmarkDotNet's out-of-process toolchain looks for a project file named
            // after the assembly (YieldLoop.Benchmarks.csproj), and the assembly keeps that name because the engine
            // grants it its internals (the bare baseline hands Co.Sleep requests back to their pool).
            string[] bdnArgs = args[1..];
            if (Array.IndexOf(bdnArgs, "--inProcess") < 0 && Array.IndexOf(bdnArgs, "-i") < 0)
            {
                bdnArgs = [.. bdnArgs, "--inProcess"];
            }

            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(bdnArgs);
            return 0;
        }

        Console.Error.WriteLine(
            """
            usage: dotnet run -c Release --project Benchmarks -- ratios [--json PATH] [--no-peers] [--verbose] [--only KEYS]
                   dotnet run -c Release --project Benchmarks -- bdn [BenchmarkDotNet arguments, e.g. --filter '*']
            """);
        return 2;
    }
}
