using System;
using System.Collections.Generic;
using System.IO;
using Spectre.Console;
using YieldLoop.Demos.Gallery;

namespace YieldLoop.Demos;

/// <summary>
/// Reads the command line and runs the demo it names, or lists the demos. With no demo named it opens the gallery:
/// a menu of the demos in a terminal (<see cref="DemoGallery"/>); elsewhere the default demo, then the command for
/// each of the others (<see cref="DemoCommands"/>).
/// </summary>
internal static class DemoHost
{
    /// <summary>The exit code for a command line that names no known demo.</summary>
    public const int UsageError = 2;

    /// <summary>
    /// Runs the demo named in <paramref name="args"/> from <see cref="DemoCatalog.All"/>; with none named, the default
    /// demo and the list of the others, as without a terminal.
    /// </summary>
    /// <param name="args">The command-line arguments: nothing, a demo name, or <c>--help</c> / <c>-h</c>.</param>
    /// <param name="output">Where demos and the help text print.</param>
    /// <param name="error">Where a wrong command line is reported, with the list of demos.</param>
    /// <returns>The demo's exit code; 0 for help; <see cref="UsageError"/> for an unknown demo.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error) =>
        Run(args, output, error, menu: null, DemoCatalog.All);

    /// <summary>Runs the demo named in <paramref name="args"/>; with none named, the gallery.</summary>
    /// <param name="args">The command-line arguments: nothing, a demo name (with its options, for a demo that takes
    /// some), or <c>--help</c> / <c>-h</c>.</param>
    /// <param name="output">Where demos and the help text print.</param>
    /// <param name="error">Where a wrong command line is reported, with the list of demos.</param>
    /// <param name="menu">The terminal to show the gallery's menu on when no demo is named, or null where there is
    /// none (see <see cref="DemoGallery.CanShowMenu"/>): then the default demo runs and the others are listed.</param>
    /// <param name="demos">The demos to choose from, in the order to list them; the first is the default.</param>
    /// <returns>The demo's exit code; 0 for help and for leaving the menu; <see cref="UsageError"/> for an unknown
    /// demo.</returns>
    /// <exception cref="ArgumentException"><paramref name="demos"/> is empty.</exception>
    public static int Run(
        IReadOnlyList<string> args, TextWriter output, TextWriter error, IAnsiConsole? menu, IReadOnlyList<IDemo> demos)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(demos);
        if (demos.Count == 0)
        {
            throw new ArgumentException("There are no demos to run; give at least one (DemoCatalog.All has them all).", nameof(demos));
        }

        if (args.Count == 0)
        {
            if (menu is not null)
            {
                // Console.Out may be replaced while the gallery runs (a demo that sets Console.OutputEncoding does
                // it), and the demos that take over the terminal look for the current one: so ask each time.
                Func<TextWriter> demoOutput = ReferenceEquals(output, Console.Out) ? () => Console.Out : () => output;
                return new DemoGallery(menu, demoOutput, demos).Run();
            }

            IDemo first = demos[0];
            int exitCode = first.Run(output);
            DemoCommands.WriteOthers(output, demos, first);
            return exitCode;
        }

        if (args.Count == 1 && args[0] is "--help" or "-h")
        {
            WriteUsage(output, demos);
            return 0;
        }

        if (args.Count > 1 && Find(demos, args[0]) is IDemoWithOptions withOptions)
        {
            var options = new List<string>(args.Count - 1);
            for (int i = 1; i < args.Count; i++)
            {
                options.Add(args[i]);
            }

            return withOptions.Run(output, error, options);
        }

        IDemo? demo = args.Count == 1 ? Find(demos, args[0]) : null;
        if (demo is null)
        {
            error.WriteLine(args.Count == 1
                ? $"There is no demo called '{args[0]}'."
                : "Name one demo at most.");
            error.WriteLine();
            WriteUsage(error, demos);
            return UsageError;
        }

        return demo.Run(output);
    }

    private static IDemo? Find(IReadOnlyList<IDemo> demos, string name)
    {
        foreach (IDemo demo in demos)
        {
            if (string.Equals(demo.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return demo;
            }
        }

        return null;
    }

    private static void WriteUsage(TextWriter output, IReadOnlyList<IDemo> demos)
    {
        output.WriteLine("YieldLoop demos");
        output.WriteLine();
        output.WriteLine("Usage: dotnet run --project Demos -- [demo] [options]");
        output.WriteLine("With no demo named, a terminal shows a menu of them all; with input or output");
        output.WriteLine($"redirected, '{demos[0].Name}' runs and the others are listed.");
        output.WriteLine();

        int width = 0;
        foreach (IDemo demo in demos)
        {
            width = Math.Max(width, demo.Name.Length);
        }

        foreach (IDemo demo in demos)
        {
            output.WriteLine($"  {demo.Name.PadRight(width)}  {demo.Description}");
            if (demo is IDemoWithOptions withOptions)
            {
                output.WriteLine($"  {new string(' ', width)}  options: {withOptions.OptionsUsage}");
            }
        }
    }
}
