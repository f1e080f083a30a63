using System;
using System.Collections.Generic;
using System.IO;

namespace YieldLoop.Demos;

/// <summary>Reads the command line, runs the demo it names, or lists the demos.</summary>
internal static class DemoHost
{
    /// <summary>The exit code for a command line that names no known demo.</summary>
    public const int UsageError = 2;

    /// <summary>Runs the demo named in <paramref name="args"/>; the default demo when none is named.</summary>
    /// <param name="args">The command-line arguments: nothing, a demo name, or <c>--help</c> / <c>-h</c>.</param>
    /// <param name="output">Where demos and the help text print.</param>
    /// <param name="error">Where a wrong command line is reported, with the list of demos.</param>
    /// <returns>The demo's exit code; 0 for help; <see cref="UsageError"/> for an unknown demo.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0)
        {
            return DemoCatalog.Default.Run(output);
        }

        if (args.Count == 1 && args[0] is "--help" or "-h")
        {
            WriteUsage(output);
            return 0;
        }

        IDemo? demo = args.Count == 1 ? DemoCatalog.Find(args[0]) : null;
        if (demo is null)
        {
            error.WriteLine(args.Count == 1
                ? $"There is no demo called '{args[0]}'."
                : "Name one demo at most.");
            error.WriteLine();
            WriteUsage(error);
            return UsageError;
        }

        return demo.Run(output);
    }

    private static void WriteUsage(TextWriter output)
    {
        output.WriteLine("YieldLoop demos");
        output.WriteLine();
        output.WriteLine("Usage: dotnet run --project Demos -- [demo]");
        output.WriteLine($"With no demo named, '{DemoCatalog.Default.Name}' runs.");
        output.WriteLine();

        int width = 0;
        foreach (IDemo demo in DemoCatalog.All)
        {
            width = Math.Max(width, demo.Name.Length);
        }

        foreach (IDemo demo in DemoCatalog.All)
        {
            output.WriteLine($"  {demo.Name.PadRight(width)}  {demo.Description}");
        }
    }
}
