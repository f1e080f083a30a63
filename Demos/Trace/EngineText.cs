using System;
using System.IO;

namespace YieldLoop.Demos.Trace;

/// <summary>
/// Prints text the engine formats (a dump, a deadlock report, a slow-step report) inside the demo's 80 columns.
/// </summary>
/// <remarks>
/// The engine names coroutine frames with their full namespace (<c>YieldLoop.Demos.Trace.PaintingTrace.PaintWall</c>);
/// here every frame lives in this demo's namespace, so it is left out and the frames read <c>PaintingTrace.PaintWall</c>.
/// The task and method names are chosen so that dump lines then fit; a line that still does not (a deadlock's cycle
/// line names every task twice, a slow-step report is a whole sentence) is broken at a space, and its continuation
/// indented further. Rejected: formatting the dump ourselves from <see cref="LoopSnapshot"/>; the point of the demo is
/// to show what <see cref="LoopDiagnostics.Dump"/> prints.
/// </remarks>
internal static class EngineText
{
    /// <summary>The widest line the demo prints.</summary>
    public const int Width = 80;

    private const string Indent = "  ";
    private const string ContinuationIndent = "      ";
    private const string DemoNamespace = "YieldLoop.Demos.Trace.";

    /// <summary>Writes <paramref name="text"/> indented by two spaces, frames without the demo's namespace, each line
    /// at most <see cref="Width"/> characters.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="text">The engine's text, lines separated by <c>\n</c>.</param>
    public static void Write(TextWriter output, string text)
    {
        string shortened = text.Replace(DemoNamespace, string.Empty, StringComparison.Ordinal);
        foreach (string line in shortened.Split('\n'))
        {
            WriteWrapped(output, Indent + line.TrimEnd('\r'));
        }
    }

    private static void WriteWrapped(TextWriter output, string line)
    {
        while (line.Length > Width)
        {
            int cut = line.LastIndexOf(' ', Width);
            if (cut <= ContinuationIndent.Length)
            {
                cut = Width;   // one word longer than a line: cut it, rather than loop
            }

            output.WriteLine(line[..cut].TrimEnd());
            line = ContinuationIndent + line[cut..].TrimStart();
        }

        output.WriteLine(line);
    }
}
