using System.IO;

namespace YieldLoop.Demos;

/// <summary>
/// One demo: a small program that shows one idea, prints what is happening, and ends by itself.
/// To add a demo, implement this interface in a folder of its own and list it in <see cref="DemoCatalog"/>.
/// </summary>
internal interface IDemo
{
    /// <summary>Gets the name that selects the demo on the command line, in lower case (for example "painting").</summary>
    string Name { get; }

    /// <summary>Gets what the demo shows, in one line for the demo list.</summary>
    string Description { get; }

    /// <summary>Runs the demo to its end, writing everything to <paramref name="output"/>.</summary>
    /// <param name="output">Where the demo prints; the console, or a <see cref="StringWriter"/> in tests.</param>
    /// <returns>The process exit code: 0 when the demo ran as it should.</returns>
    int Run(TextWriter output);
}
