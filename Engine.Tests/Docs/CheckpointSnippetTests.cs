using System.IO;
using DocExamples.Checkpoints;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

// Runs the snippets of docs/checkpoints.md and checks what they print against what the page says.
public sealed class CheckpointSnippetTests
{
    [Test]
    public void RollbackSnippet_GoesBackFiveFramesAndReplaysThemToTheSameState()
    {
        var log = new StringWriter();
        string end = CheckpointSnippets.Rollback(log);
        Assert.That(log.ToString().ReplaceLineEndings("\n"), Is.EqualTo("frame 20: x=20 fuel=50\nframe 15: x=16 fuel=60\nframe 20 again: x=20 fuel=50\n"));
        Assert.That(end, Is.EqualTo("20,50"));
    }

    [Test]
    public void SaveSnippet_LoadsIntoANewLoopAndTheFlightEndsAsItWould()
    {
        var log = new StringWriter();
        Assert.That(CheckpointSnippets.SaveAndLoad(log), Is.EqualTo("40,0"));
        Assert.That(log.ToString().Trim(), Is.EqualTo("landed at x=40 with fuel=0"));
    }

    [Test]
    public void FingerprintSnippet_GivesAStableHexValue()
    {
        string first = CheckpointSnippets.Fingerprint();
        Assert.That(first, Does.Match("^[0-9a-f]{16}$"));
        Assert.That(CheckpointSnippets.Fingerprint(), Is.EqualTo(first));
    }
}
