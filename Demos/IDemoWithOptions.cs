using System.Collections.Generic;
using System.IO;

namespace YieldLoop.Demos;

/// <summary>A demo that takes options after its name: <c>dotnet run --project Demos -- game --save-at 90 ...</c>.</summary>
internal interface IDemoWithOptions : IDemo
{
    /// <summary>Gets the options in one line for the usage text, for example "[--load &lt;path&gt;]".</summary>
    string OptionsUsage { get; }

    /// <summary>Runs the demo with the options that followed its name on the command line.</summary>
    /// <param name="output">Where the demo prints.</param>
    /// <param name="error">Where wrong options are reported.</param>
    /// <param name="options">The arguments after the demo's name; none runs it as <see cref="IDemo.Run"/> does.</param>
    /// <returns>The process exit code: 0 when the demo ran as it should, <see cref="DemoHost.UsageError"/> for wrong
    /// options.</returns>
    int Run(TextWriter output, TextWriter error, IReadOnlyList<string> options);
}
