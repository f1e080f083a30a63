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

    // The spinner lines the animation printed while the job ran: between "job starts" and "job done" in one run's section.
    private static int FramesWhileTheJobRan(string output, string run)
    {
        int section = output.IndexOf(run + ":", System.StringComparison.Ordinal);
        Assert.That(section, Is.GreaterThanOrEqualTo(0), output);
        int start = output.IndexOf("job starts", section, System.StringComparison.Ordinal);
        int done = output.IndexOf("job done", section, System.StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThan(section), output);
        Assert.That(done, Is.GreaterThan(start), output);
        return Regex.Count(output[start..done], @"^ +\d+\.\d\d s  [|/\\-]\r?$", RegexOptions.Multiline);
    }

    [Test]
    public void TheDemo_EndsByItself_AndTheOffloadedAnimationHasShorterFramesThanTheInlineOne()
    {
        (int exitCode, string output) = RunDemo();

        Assert.That(exitCode, Is.EqualTo(0));
        int inline = Longest(output, "Inline");
        int offloaded = Longest(output, "Offloaded");

        // The demo runs in real time. Inline, the 1 s job holds the loop thread, so the longest frame is at least about
        // that long, however loaded the machine, and no frame is drawn while the job runs. Offloaded, the animation goes
        // on: that is counted (frames drawn while the job ran), not timed. How long an offloaded frame takes is up to
        // how soon the loop thread gets a core, so it is only checked grossly: shorter than the inline freeze, which a
        // loaded machine would have to stall the loop thread for a whole second to break.
        Assert.That(inline, Is.GreaterThanOrEqualTo(900), output);
        Assert.That(FramesWhileTheJobRan(output, "Inline"), Is.Zero, "inline, the job freezes the animation:\n" + output);
        Assert.That(FramesWhileTheJobRan(output, "Offloaded"), Is.GreaterThanOrEqualTo(1), "offloaded, the animation goes on while the job runs:\n" + output);
        Assert.That(offloaded, Is.LessThan(inline), output);
        foreach (string line in output.Split('\n'))
        {
            Assert.That(line.TrimEnd('\r').Length, Is.LessThanOrEqualTo(80), line);
        }
    }
}
