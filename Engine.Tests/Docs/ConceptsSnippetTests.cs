using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using DocExamples.Concepts;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>Runs the snippets of docs/concepts.md and checks what they print against the page.</summary>
public class ConceptsSnippetTests
{
    private static string Doc => File.ReadAllText(Path.Combine(DocSnippets.RepositoryRoot(), "docs", "concepts.md"));

    /// <summary>The text of the fenced block right below <c>&lt;!-- output: name --&gt;</c> in docs/concepts.md.</summary>
    internal static string OutputBlock(string doc, string name)
    {
        string marker = $"<!-- output: {name} -->";
        int at = doc.IndexOf(marker, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"the page has no '{marker}'");
        CodeBlock block = DocSnippets.ReadCodeBlocks(doc[(at + marker.Length)..])[0];
        Assert.That(block.Language, Is.EqualTo("text"));
        return block.Text;
    }

    private static string Lines(StringWriter log) => DocSnippets.Normalize(log.ToString());

    private static string[] RawLines(StringWriter log) =>
        log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToArray();

    [Test]
    public void ATaskPerWall_PaintsAWallWhileAnotherDries_AndPrintsWhatThePageShows()
    {
        var log = new StringWriter();

        ConceptsSnippets.NonBlocking(log);

        Assert.That(RawLines(log), Is.EqualTo(new[]
        {
            "  0 min: wall A, coat 1",
            " 10 min: wall B, coat 1",
            " 20 min: wall C, coat 1",
            " 30 min: wall A, coat 2",
            " 40 min: wall B, coat 2",
            " 50 min: wall C, coat 2",
            " 80 min: all walls done",
        }));
        Assert.That(OutputBlock(Doc, "concepts-loop"), Is.EqualTo(Lines(log)));
    }

    [Test]
    public void OneTaskPaintingTheWallsInTurn_Takes180Minutes()
    {
        var log = new StringWriter();

        ConceptsSnippets.Blocking(log);

        Assert.That(log.ToString(), Does.Contain("150 min: wall C, coat 2").And.EndWith("180 min: all walls done" + Environment.NewLine));
    }

    [Test]
    public void TheTimelinePicture_IsWhatTheTwoRunsDo()
    {
        var blocking = new StringWriter();
        var nonBlocking = new StringWriter();
        ConceptsSnippets.Blocking(blocking);
        ConceptsSnippets.NonBlocking(nonBlocking);

        string picture = OutputBlock(Doc, "concepts-timeline");

        Assert.That(picture, Does.Contain(Chart(blocking.ToString())));
        Assert.That(picture, Does.Contain(Chart(nonBlocking.ToString())));
        Assert.That(Chart(blocking.ToString()), Does.Contain("Done after 180 min"));
        Assert.That(Chart(nonBlocking.ToString()), Does.Contain("Done after 80 min"));
    }

    [Test]
    public void ATask_IsAFutureTheParentCanWaitOn_WithAResult()
    {
        var log = new StringWriter();

        ConceptsSnippets.House(log);

        Assert.That(RawLines(log), Is.EqualTo(new[]
        {
            "  0 min: wall A, coat 1",
            "  1 min: 3 brushes; walls A and B: Pending, Pending",
            " 10 min: wall B, coat 1",
            " 30 min: wall A, coat 2",
            " 40 min: wall B, coat 2",
            " 70 min: walls A and B: Succeeded, Succeeded",
        }));
        Assert.That(OutputBlock(Doc, "concepts-task"), Is.EqualTo(Lines(log)));
    }

    [Test]
    public void ACoroutineParkedOnAFuture_ResumesWhenTheFutureCompletes()
    {
        var log = new StringWriter();

        int litres = ConceptsSnippets.Future(log);

        Assert.That(litres, Is.EqualTo(20));
        Assert.That(RawLines(log), Is.EqualTo(new[] { "  0 min: waiting for the paint", " 15 min: 20 litres delivered" }));
        Assert.That(OutputBlock(Doc, "concepts-future"), Is.EqualTo(Lines(log)));
    }

    [Test]
    public void Tasks_SwitchOnlyAtYields_AndTakeTurnsInFIFOOrder()
    {
        var log = new StringWriter();

        ConceptsSnippets.ContextSwitch(log);

        Assert.That(Lines(log), Is.EqualTo(
            "wall A takes a litre: 3 left\nwall B takes a litre: 2 left\nwall A takes a litre: 1 left\nwall B takes a litre: 0 left"));
        Assert.That(OutputBlock(Doc, "concepts-switch"), Is.EqualTo(Lines(log)));
    }

    [Test]
    public void WorkMadeReadyDuringATick_RunsInTheNextTick()
    {
        var log = new StringWriter();

        ConceptsSnippets.Tick(log);

        Assert.That(Lines(log).Split('\n'), Is.EqualTo(new[]
        {
            "tick 1: the waiter parks on the future",
            "tick 1: the completer completes the future and starts a task",
            "tick 1: a callback",
            "tick 2: the waiter resumes",
            "tick 2: the new task runs",
        }));
        Assert.That(OutputBlock(Doc, "concepts-tick"), Is.EqualTo(Lines(log)));
    }

    [Test]
    public void DebugMode_NamesTheStepThatBlocksTheLoop()
    {
        var reports = new ConcurrentQueue<string>();

        ConceptsSnippets.Watchdog(reports);

        string[] finished = reports.Where(r => r.Contains(" took ", StringComparison.Ordinal)).ToArray();
        Assert.That(finished, Has.Length.EqualTo(1), string.Join("\n", reports));
        Assert.That(finished[0], Does.StartWith("step of task 'MatchColours' in ").And.Contain("blocked loop 'main' meanwhile; yield inside long work, or move it off the loop with Co.Offload."));
        Assert.That(Doc, Does.Contain("step of task 'MatchColours' in "));
        TestContext.Out.WriteLine(finished[0]);
    }

    [Test]
    public void WorkInSlices_LetsTheOtherTasksRunBetweenSlices()
    {
        (int ticks, long rounds) = ConceptsSnippets.Sliced();

        Assert.That(rounds, Is.GreaterThan(0));
        Assert.That(ticks, Is.GreaterThanOrEqualTo(3), "the counting task ran once per slice at least");
    }

    [Test]
    public void OffloadedWork_RunsOnTheThreadPool_WhileTheLoopGoesOn()
    {
        (long rounds, _, int ticks) = ConceptsSnippets.Offloaded();

        Assert.That(rounds, Is.GreaterThan(0));
        Assert.That(ticks, Is.GreaterThan(10), "the loop kept ticking for 40 ms of offloaded work");
    }

    /// <summary>Draws the timeline of a run from its printed lines: a column per 5 minutes; a coat is painted for 10
    /// minutes (P) and dries for 20 (d).</summary>
    private static string Chart(string printed)
    {
        var coats = new List<(int Minute, char Wall)>();
        int total = 0;
        foreach (string line in printed.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int minute = int.Parse(line[..line.IndexOf(" min:", StringComparison.Ordinal)].Trim(), CultureInfo.InvariantCulture);
            if (line.Contains("all walls done", StringComparison.Ordinal))
            {
                total = minute;
            }
            else
            {
                coats.Add((minute, line[line.IndexOf("wall ", StringComparison.Ordinal) + 5]));
            }
        }

        int columns = total / 5;
        var text = new StringBuilder("  minutes  ");
        for (int t = 0; t <= total; t += 30)
        {
            text.Append(t.ToString(CultureInfo.InvariantCulture).PadRight(6));
        }

        text = new StringBuilder(text.ToString().TrimEnd()).Append('\n');
        var painter = new string('.', columns).ToCharArray();
        foreach (char wall in coats.Select(c => c.Wall).Distinct().Order())
        {
            var row = new string('.', columns).ToCharArray();
            foreach ((int minute, _) in coats.Where(c => c.Wall == wall))
            {
                for (int col = minute / 5; col < (minute + 30) / 5; col++)
                {
                    row[col] = col < (minute + 10) / 5 ? 'P' : 'd';
                    if (row[col] == 'P')
                    {
                        painter[col] = wall;
                    }
                }
            }

            text.Append("  Wall ").Append(wall).Append("   ").Append(row).Append('\n');
        }

        int busy = coats.Count * 10;
        text.Append("  Painter  ").Append(painter).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"  Done after {total} min; the painter was busy {busy} min of it ({busy * 100 / total}%).");
        return text.ToString();
    }
}
