using System;
using System.Collections.Generic;
using System.IO;

namespace YieldLoop.Demos.Gallery;

/// <summary>
/// The gallery without a terminal: after the default demo, the other demos, each with the command that runs it,
/// so a person who ran <c>dotnet run --project Demos</c> through a pipe (or CI) sees what else there is.
/// </summary>
internal static class DemoCommands
{
    /// <summary>The command that runs a demo, without the demo's name.</summary>
    public const string Command = "dotnet run --project Demos --";

    /// <summary>Gets the command that runs <paramref name="demo"/>, for example <c>dotnet run --project Demos -- kitchen</c>.</summary>
    /// <param name="demo">The demo.</param>
    /// <returns>The command line.</returns>
    public static string For(IDemo demo)
    {
        ArgumentNullException.ThrowIfNull(demo);
        return $"{Command} {demo.Name}";
    }

    /// <summary>Writes every demo but <paramref name="shown"/>, each with its command and description.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="demos">All demos, in the order to list them.</param>
    /// <param name="shown">The demo that has just run, left out of the list.</param>
    public static void WriteOthers(TextWriter output, IReadOnlyList<IDemo> demos, IDemo shown)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(demos);
        ArgumentNullException.ThrowIfNull(shown);
        output.WriteLine();
        output.WriteLine($"That was the '{shown.Name}' demo. There are more; run one by name:");
        output.WriteLine();
        foreach (IDemo demo in demos)
        {
            if (ReferenceEquals(demo, shown))
            {
                continue;
            }

            output.WriteLine("  " + For(demo));
            output.WriteLine("      " + demo.Description);
        }

        output.WriteLine();
        output.WriteLine("In a terminal, 'dotnet run --project Demos' shows a menu of them all.");
    }
}
