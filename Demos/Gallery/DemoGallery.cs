using System;
using System.Collections.Generic;
using System.IO;
using Spectre.Console;

namespace YieldLoop.Demos.Gallery;

/// <summary>
/// The gallery in a terminal: a menu of every demo with its description, and Quit. Choosing a demo runs it, then
/// waits for a key and shows the menu again, with the cursor on the demo that just ran.
/// </summary>
/// <remarks>
/// The menu is a Spectre.Console <see cref="SelectionPrompt{T}"/> on an <see cref="IAnsiConsole"/>, and the demos
/// print to a separate <see cref="TextWriter"/>. In the program both are the process's console; the demos that take
/// over the terminal (tui, game) recognise <see cref="Console.Out"/> and do so from the menu as they do from the
/// command line, in any order (see the constructor's <c>output</c>). Tests give a <c>TestConsole</c> with scripted keys and a <see cref="StringWriter"/>, so the whole
/// menu runs without a terminal.
/// </remarks>
internal sealed class DemoGallery
{
    /// <summary>The menu entry that leaves the gallery (Esc does too).</summary>
    public const string QuitLabel = "Quit";

    /// <summary>What the gallery says after a demo, before the menu comes back.</summary>
    public const string ReturnPrompt = "Press a key to return to the menu.";

    private readonly IAnsiConsole _console;
    private readonly Func<TextWriter> _output;
    private readonly IReadOnlyList<IDemo> _demos;

    /// <summary>Creates the gallery.</summary>
    /// <param name="console">The terminal that shows the menu and reads the keys; see <see cref="CanShowMenu"/>.</param>
    /// <param name="output">Where the chosen demos print, asked again for each demo: in the program it is
    /// <c>() =&gt; Console.Out</c>, because a demo may leave a new <see cref="Console.Out"/> behind (setting
    /// <see cref="Console.OutputEncoding"/> replaces it, and Terminal.Gui does), and the demos that take over the
    /// terminal recognise it by reference.</param>
    /// <param name="demos">The demos on the menu, in order.</param>
    public DemoGallery(IAnsiConsole console, Func<TextWriter> output, IReadOnlyList<IDemo> demos)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(demos);
        _console = console;
        _output = output;
        _demos = demos;
    }

    /// <summary>
    /// Tells whether a menu can be shown: a person is at a terminal on both ends (nothing is piped in or out) and the
    /// console reads keys and understands ANSI escape sequences, which a <see cref="SelectionPrompt{T}"/> needs.
    /// </summary>
    /// <param name="inputRedirected">Whether standard input is redirected (<see cref="Console.IsInputRedirected"/>).</param>
    /// <param name="outputRedirected">Whether standard output is redirected (<see cref="Console.IsOutputRedirected"/>).</param>
    /// <param name="console">The console that would show the menu (<see cref="AnsiConsole.Console"/>).</param>
    /// <returns>True when the menu can be shown; false to run the default demo and list the others instead.</returns>
    public static bool CanShowMenu(bool inputRedirected, bool outputRedirected, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        return !inputRedirected && !outputRedirected && console.Profile.Capabilities is { Interactive: true, Ansi: true };
    }

    /// <summary>Shows the menu and runs the demos chosen, until Quit or Esc.</summary>
    /// <returns>0: leaving the gallery is not an error, even after a demo that failed (it says so when it ends).</returns>
    public int Run()
    {
        IDemo? last = null;
        while (Choose(last) is { } demo)
        {
            RunDemo(demo);
            last = demo;
        }

        return 0;
    }

    // The menu, with the cursor on the demo that ran last (on the first demo at the start).
    private IDemo? Choose(IDemo? last)
    {
        int width = 0;
        foreach (IDemo demo in _demos)
        {
            width = Math.Max(width, demo.Name.Length);
        }

        var quit = new MenuItem(null);
        var prompt = new SelectionPrompt<MenuItem>()
            .Title("[bold]YieldLoop demos[/]  [grey](arrow keys and Enter to run one; Esc quits)[/]")
            .PageSize(Math.Max(3, _demos.Count + 1))
            .WrapAround(true)
            .UseConverter(item => item.Demo is { } demo
                ? $"{Markup.Escape(demo.Name.PadRight(width))}  [grey]{Markup.Escape(demo.Description)}[/]"
                : QuitLabel)
            .AddCancelResult(quit);
        foreach (IDemo demo in _demos)
        {
            prompt.AddChoice(new MenuItem(demo));
        }

        prompt.AddChoice(quit);
        if (last is not null)
        {
            prompt.DefaultValue(new MenuItem(last));
        }

        return _console.Prompt(prompt).Demo;
    }

    private void RunDemo(IDemo demo)
    {
        _console.Write(new Rule($"[bold]{Markup.Escape(demo.Name)}[/]") { Justification = Justify.Left });
        _console.WriteLine();

        TextWriter output = _output();
        int exitCode = demo.Run(output);

        // The demo and the menu share the terminal: what the demo printed goes out before the menu's next words.
        output.Flush();
        _console.WriteLine();
        if (exitCode != 0)
        {
            _console.MarkupLine($"[red]The '{Markup.Escape(demo.Name)}' demo ended with exit code {exitCode}.[/]");
        }

        _console.MarkupLine($"[grey]{ReturnPrompt}[/]");
        _console.Input.ReadKey(intercept: true);
        _console.Clear();
    }

    // A line of the menu: a demo, or Quit when Demo is null. A record, so that the default value (a new item for the
    // demo that ran last) equals the choice it stands for.
    private sealed record MenuItem(IDemo? Demo);
}
