using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Spectre.Console.Testing;
using YieldLoop.Demos;
using YieldLoop.Demos.Gallery;
using YieldLoop.Demos.Kitchen;

namespace YieldLoop.Tests.Demos;

[TestFixture]
public class GalleryTests
{
    // ---- helpers ------------------------------------------------------------------------------------------------

    // A terminal the menu accepts: interactive, ANSI, wide enough for a line of the menu.
    private static TestConsole Terminal()
    {
        return new TestConsole().Interactive().SupportsAnsi(true).Width(100);
    }

    // The keys that move the cursor from the top of the menu down to an item, then choose it.
    private static void Choose(TestConsole console, int index)
    {
        for (int i = 0; i < index; i++)
        {
            console.Input.PushKey(ConsoleKey.DownArrow);
        }

        console.Input.PushKey(ConsoleKey.Enter);
    }

    private static (int ExitCode, string Output, string Error) RunWithoutATerminal(IReadOnlyList<IDemo> demos)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = DemoHost.Run([], output, error, menu: null, demos);
        return (exitCode, output.ToString(), error.ToString());
    }

    // A demo that prints its name and ends with the given exit code: quick, for the parts of the gallery that do not
    // care what a demo shows.
    private sealed class FakeDemo(string name, int exitCode = 0) : IDemo
    {
        public string Name => name;

        public string Description => $"The {name} demo, a stand-in.";

        public int Runs { get; private set; }

        public int Run(TextWriter output)
        {
            Runs++;
            output.WriteLine($"{name} ran");
            return exitCode;
        }
    }

    // ---- when there is a menu -----------------------------------------------------------------------------------

    [TestCase(false, false, true, true, ExpectedResult = true)]
    [TestCase(true, false, true, true, ExpectedResult = false)]
    [TestCase(false, true, true, true, ExpectedResult = false)]
    [TestCase(false, false, false, true, ExpectedResult = false)]
    [TestCase(false, false, true, false, ExpectedResult = false)]
    public bool TheMenu_ShowsOnlyAtAnInteractiveANSITerminal_WithNothingRedirected(
        bool inputRedirected, bool outputRedirected, bool interactive, bool ansi)
    {
        var console = new TestConsole();
        console.Profile.Capabilities.Interactive = interactive;
        console.Profile.Capabilities.Ansi = ansi;

        return DemoGallery.CanShowMenu(inputRedirected, outputRedirected, console);
    }

    // ---- the menu -----------------------------------------------------------------------------------------------

    [Test]
    public void TheMenu_ListsEveryDemoWithItsDescription_AndQuitWhichExits0()
    {
        using TestConsole console = Terminal();
        using var output = new StringWriter();
        Choose(console, DemoCatalog.All.Count);   // Quit is the last item

        int exitCode = DemoHost.Run([], output, TextWriter.Null, console, DemoCatalog.All);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output.ToString(), Is.Empty, "Quit runs no demo");
        Assert.That(console.Output, Does.Contain("YieldLoop demos"));
        foreach (IDemo demo in DemoCatalog.All)
        {
            Assert.That(console.Output, Does.Match($@"{demo.Name} +{Regex.Escape(demo.Description)}"));
        }

        Assert.That(console.Output, Does.Contain(DemoGallery.QuitLabel));
    }

    [Test]
    public void Escape_LeavesTheMenuLikeQuit()
    {
        using TestConsole console = Terminal();
        var demo = new FakeDemo("first");
        console.Input.PushKey(ConsoleKey.Escape);

        int exitCode = new DemoGallery(console, () => TextWriter.Null, [demo]).Run();

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(demo.Runs, Is.Zero);
    }

    [Test]
    public void ChoosingKitchen_RunsIt_ThenAKeyReturnsToTheMenu_AndQuitExits0()
    {
        using TestConsole console = Terminal();
        using var output = new StringWriter();
        int kitchen = DemoCatalog.All.ToList().FindIndex(demo => demo is KitchenDemo);
        Choose(console, kitchen);
        console.Input.PushKey(ConsoleKey.Spacebar);                 // "press a key to return to the menu"
        Choose(console, DemoCatalog.All.Count - kitchen);           // the cursor starts on kitchen again: down to Quit

        int exitCode = DemoHost.Run([], output, TextWriter.Null, console, DemoCatalog.All);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output.ToString(), Does.StartWith("The kitchen: producers, consumers, and who waits for what"));
        Assert.That(output.ToString(), Does.Match(@"(?m)^Orders served +4 of 6\r?$"));
        Assert.That(console.Output, Does.Contain(DemoGallery.ReturnPrompt));
    }

    [Test]
    public void TheMenu_ComesBackWithTheCursorOnIt_AfterADemo()
    {
        using TestConsole console = Terminal();
        var first = new FakeDemo("first");
        var second = new FakeDemo("second");
        using var output = new StringWriter();
        Choose(console, 1);                          // second
        console.Input.PushKey(ConsoleKey.Enter);     // back to the menu
        console.Input.PushKey(ConsoleKey.Enter);     // the cursor is on second: run it again
        console.Input.PushKey(ConsoleKey.Enter);     // back to the menu
        Choose(console, 1);                          // Quit, right below second

        int exitCode = new DemoGallery(console, () => output, [first, second]).Run();

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(first.Runs, Is.Zero);
        Assert.That(second.Runs, Is.EqualTo(2));
        Assert.That(output.ToString().ReplaceLineEndings("\n"), Is.EqualTo("second ran\nsecond ran\n"));
    }

    [Test]
    public void ADemoThatFails_IsReported_AndTheMenuGoesOn()
    {
        using TestConsole console = Terminal();
        var failing = new FakeDemo("failing", exitCode: 3);
        Choose(console, 0);
        console.Input.PushKey(ConsoleKey.Enter);
        Choose(console, 1);

        int exitCode = new DemoGallery(console, () => TextWriter.Null, [failing]).Run();

        Assert.That(exitCode, Is.EqualTo(0), "leaving the menu is not an error");
        Assert.That(failing.Runs, Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("The 'failing' demo ended with exit code 3."));
    }

    [Test]
    public void ADemoNamedOnTheCommandLine_RunsWithoutTheMenu()
    {
        using TestConsole console = Terminal();
        var first = new FakeDemo("first");
        var second = new FakeDemo("second");
        using var output = new StringWriter();

        int exitCode = DemoHost.Run(["second"], output, TextWriter.Null, console, [first, second]);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output.ToString().ReplaceLineEndings("\n"), Is.EqualTo("second ran\n"));
        Assert.That(console.Output, Is.Empty);
    }

    // ---- without a terminal -------------------------------------------------------------------------------------

    [Test]
    public void ThePaintingDemo_Runs_ThenEveryOtherDemoIsListedWithItsCommand_WithoutATerminal()
    {
        (int exitCode, string output, string error) = RunWithoutATerminal(DemoCatalog.All);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(error, Is.Empty);
        Assert.That(output, Does.StartWith("Painting walls: blocking vs non-blocking"));
        Assert.That(output, Does.Contain("  Done after 110 min;"));
        int list = output.IndexOf("That was the 'painting' demo. There are more; run one by name:", StringComparison.Ordinal);
        Assert.That(list, Is.GreaterThan(output.IndexOf("times as fast", StringComparison.Ordinal)), "the list comes after the demo");
        string listed = output[list..].ReplaceLineEndings("\n");
        foreach (IDemo demo in DemoCatalog.All.Skip(1))
        {
            Assert.That(listed, Does.Contain($"\n  dotnet run --project Demos -- {demo.Name}\n      {demo.Description}\n"));
        }

        Assert.That(listed, Does.Not.Contain("-- painting"), "the demo that just ran is not listed again");
        Assert.That(listed, Does.EndWith("In a terminal, 'dotnet run --project Demos' shows a menu of them all.\n"));
        foreach (string line in output.Split('\n'))
        {
            Assert.That(line.TrimEnd('\r').Length, Is.LessThanOrEqualTo(80), line);
        }
    }

    [Test]
    public void TheExitCode_IsTheDefaultDemos_WithoutATerminal()
    {
        var failing = new FakeDemo("failing", exitCode: 1);
        var other = new FakeDemo("other");

        (int exitCode, string output, _) = RunWithoutATerminal([failing, other]);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(failing.Runs, Is.EqualTo(1));
        Assert.That(other.Runs, Is.Zero);
        Assert.That(output, Does.Contain("  dotnet run --project Demos -- other"));
    }

    [Test]
    public void TheCommandForADemo_NamesItAfterTheDoubleDash()
    {
        Assert.That(DemoCommands.For(new FakeDemo("kitchen")), Is.EqualTo("dotnet run --project Demos -- kitchen"));
    }

    [Test]
    public void TheHost_NeedsAtLeastOneDemo()
    {
        Assert.That(() => DemoHost.Run([], TextWriter.Null, TextWriter.Null, menu: null, []),
            Throws.ArgumentException.With.Message.StartWith("There are no demos to run; give at least one"));
    }
}
