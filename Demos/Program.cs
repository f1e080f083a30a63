using System;
using Spectre.Console;
using YieldLoop.Demos.Gallery;

namespace YieldLoop.Demos;

/// <summary>
/// The entry point: <c>dotnet run --project Demos -- [demo]</c>. With no demo named, a person at a terminal gets the
/// gallery's menu; a pipe, a file or CI gets the default demo and the list of the others.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        IAnsiConsole? menu = args.Length == 0
            && DemoGallery.CanShowMenu(Console.IsInputRedirected, Console.IsOutputRedirected, AnsiConsole.Console)
                ? AnsiConsole.Console
                : null;
        return DemoHost.Run(args, Console.Out, Console.Error, menu, DemoCatalog.All);
    }
}
