using System.IO;
using System.Text.RegularExpressions;
using NUnit.Framework;
using YieldLoop.Demos;

namespace YieldLoop.Tests.Demos;

[TestFixture]
public class DemoHostTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = DemoHost.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [TestCase("--help")]
    [TestCase("-h")]
    public void Help_lists_every_demo_with_its_description(string flag)
    {
        (int exitCode, string output, string error) = Run(flag);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(error, Is.Empty);
        Assert.That(output, Does.Contain("Usage: dotnet run --project Demos -- [demo]"));
        Assert.That(DemoCatalog.All, Is.Not.Empty);
        foreach (IDemo demo in DemoCatalog.All)
        {
            Assert.That(output, Does.Match($@"(?m)^  {demo.Name} +{Regex.Escape(demo.Description)}\r?$"));
        }
    }

    [Test]
    public void Help_lists_the_painting_demo()
    {
        (_, string output, _) = Run("--help");

        Assert.That(output, Does.Contain("  painting  Blocking vs non-blocking: paint other walls while one dries."));
    }

    [Test]
    public void Help_fits_an_80_column_terminal()
    {
        (_, string output, _) = Run("--help");

        foreach (string line in output.Split('\n'))
        {
            Assert.That(line.TrimEnd('\r').Length, Is.LessThanOrEqualTo(80), line);
        }
    }

    [Test]
    public void An_unknown_demo_prints_the_list_and_exits_with_code_2()
    {
        (int exitCode, string output, string error) = Run("juggling");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.StartWith("There is no demo called 'juggling'."));
        Assert.That(error, Does.Contain("  painting  "));
    }

    [Test]
    public void Naming_two_demos_is_a_usage_error()
    {
        (int exitCode, _, string error) = Run("painting", "painting");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error, Does.StartWith("Name one demo at most."));
    }

    [TestCase("painting")]
    [TestCase("Painting")]
    public void A_demo_runs_by_name_ignoring_case(string name)
    {
        (int exitCode, string output, string error) = Run(name);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(error, Is.Empty);
        Assert.That(output, Does.StartWith("Painting walls: blocking vs non-blocking"));
    }

    [Test]
    public void With_no_demo_named_the_painting_demo_runs()
    {
        (int exitCode, string output, _) = Run();

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output, Does.StartWith("Painting walls: blocking vs non-blocking"));
    }

    [Test]
    public void Every_demo_ends_by_itself_with_exit_code_0()
    {
        foreach (IDemo demo in DemoCatalog.All)
        {
            using var output = new StringWriter();
            Assert.That(demo.Run(output), Is.EqualTo(0), demo.Name);
            Assert.That(output.ToString(), Is.Not.Empty, demo.Name);
        }
    }
}
