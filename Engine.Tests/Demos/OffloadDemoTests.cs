using System.IO;
using System.Text.RegularExpressions;
using NUnit.Framework;
using YieldLoop.Demos.Offload;

namespace YieldLoop.Tests.Demos;

[TestFixture]
[Category("Timing")]
public class OffloadDemoTests
{
    private static (int ExitCode, string Output) RunDemo()
    {
        using var output = new StringWriter();
        int exitCode = new OffloadDemo().Run(output);
        return (exitCode, output.ToString());
    }

    private static int Longest(string output, string run)
    {
        Match match = Regex.Match(output, "^" + run + @" +longest frame +(\d+) ms", RegexOptions.Multiline);
        Assert.That(match.Success, Is.True, $"The demo prints no longest frame for the {run} run:\n{output}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Test]
    public void The_demo_ends_by_itself_and_the_offloaded_animation_has_shorter_frames_than_the_inline_one()
    {
        (int exitCode, string output) = RunDemo();

        Assert.That(exitCode, Is.EqualTo(0));
        int inline = Longest(output, "Inline");
        int offloaded = Longest(output, "Offloaded");

        // Inline, the 1 s job freezes the loop; generous bounds for a loaded machine.
        Assert.That(inline, Is.GreaterThanOrEqualTo(900), output);
        Assert.That(offloaded, Is.LessThan(inline), output);
        Assert.That(offloaded, Is.LessThan(600), output);
        foreach (string line in output.Split('\n'))
        {
            Assert.That(line.TrimEnd('\r').Length, Is.LessThanOrEqualTo(80), line);
        }
    }
}
