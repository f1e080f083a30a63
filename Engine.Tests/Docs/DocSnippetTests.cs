using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>
/// Every ```csharp block of docs/*.md is a region of a compiled file under Engine.Tests/Docs/Snippets (see
/// <see cref="DocSnippets"/>); the other tests in this folder run those regions.
/// </summary>
public class DocSnippetTests
{
    private static string Root => DocSnippets.RepositoryRoot();

    private static string SnippetFolder => Path.Combine(Root, "Engine.Tests", "Docs", "Snippets");

    private static IEnumerable<TestCaseData> DocFiles()
    {
        foreach (string file in Directory.GetFiles(Path.Combine(DocSnippets.RepositoryRoot(), "docs"), "*.md").OrderBy(f => f, StringComparer.Ordinal))
        {
            yield return new TestCaseData(Path.GetFileName(file)).SetName($"Every_csharp_block_of_docs_{Path.GetFileNameWithoutExtension(file)}_is_a_compiled_snippet");
        }
    }

    [TestCaseSource(nameof(DocFiles))]
    public void EveryCsharpBlock_IsACompiledSnippet(string docFile)
    {
        var problems = new List<string>();
        Dictionary<string, Snippet> snippets = DocSnippets.ReadSnippetFolder(SnippetFolder, problems);
        string path = Path.Combine(Root, "docs", docFile);
        problems.AddRange(DocSnippets.Check(File.ReadAllText(path), "docs/" + docFile, snippets, new HashSet<string>()));

        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }

    [Test]
    public void EverySnippetRegion_IsShownInADoc_AndTheMarkersAreWellFormed()
    {
        var problems = new List<string>();
        Dictionary<string, Snippet> snippets = DocSnippets.ReadSnippetFolder(SnippetFolder, problems);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"))
        {
            DocSnippets.Check(File.ReadAllText(file), file, snippets, used);
        }

        foreach (Snippet snippet in snippets.Values.Where(s => !used.Contains(s.Name)))
        {
            problems.Add($"Snippet '{snippet.Name}' ({snippet.File}:{snippet.Line}) is shown in no docs/*.md file; show it or remove its markers.");
        }

        Assert.That(snippets, Is.Not.Empty);
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }

    [Test]
    public void TheEmbeddingGuide_ShowsSnippets()
    {
        List<CodeBlock> blocks = DocSnippets.ReadCodeBlocks(File.ReadAllText(Path.Combine(Root, "docs", "embedding.md")));

        Assert.That(blocks.Count(b => b.IsCSharp && b.SnippetName is not null), Is.GreaterThanOrEqualTo(10));
    }

    // ---- the checker itself --------------------------------------------------------------------------------------

    private static readonly Dictionary<string, Snippet> OneSnippet = new()
    {
        ["hello"] = new Snippet("hello", "Hello.cs", 3, DocSnippets.Normalize("    int x = 1;\n    if (x > 0)\n    {\n        x++;\n    }\n")),
    };

    private static List<string> CheckText(string markdown) => DocSnippets.Check(markdown, "test.md", OneSnippet, new HashSet<string>());

    [Test]
    public void Check_AcceptsAMarkedBlock_WithOtherIndentationAndTrailingSpaces()
    {
        const string Markdown = "Text.\n\n<!-- snippet: hello -->\n\n```csharp\nint x = 1;   \nif (x > 0)\n{\n    x++;\n}\n```\n";

        Assert.That(CheckText(Markdown), Is.Empty);
    }

    [Test]
    public void Check_AcceptsAMarkedBlockInsideAListItem()
    {
        const string Markdown = "- item\n\n  <!-- snippet: hello -->\n  ```csharp\n  int x = 1;\n  if (x > 0)\n  {\n      x++;\n  }\n  ```\n";

        Assert.That(CheckText(Markdown), Is.Empty);
    }

    [Test]
    public void Check_RejectsACSharpBlockWithoutMarker()
    {
        List<string> problems = CheckText("Intro\n\n```csharp\nint y = 2;\n```\n");

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("test.md:3: a ```csharp block has no '<!-- snippet: name -->' marker above it"));
    }

    [Test]
    public void Check_IgnoresOtherLanguages_AndBlocksWithoutLanguage()
    {
        Assert.That(CheckText("```text\nint y = 2;\n```\n\n```bash\ndotnet test\n```\n\n```\nplain\n```\n"), Is.Empty);
    }

    [Test]
    public void Check_ReportsTheFirstDifferingLine()
    {
        List<string> problems = CheckText("<!-- snippet: hello -->\n```csharp\nint x = 1;\nif (x > 1)\n{\n    x++;\n}\n```\n");

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.Contain("at its line 2: the doc has \"if (x > 1)\", the code has \"if (x > 0)\""));
    }

    [Test]
    public void Check_ReportsAnUnknownSnippetName()
    {
        List<string> problems = CheckText("<!-- snippet: nope -->\n```csharp\nint x = 1;\n```\n");

        Assert.That(problems, Is.EqualTo(new[]
        {
            "test.md:2: the block is marked 'snippet: nope', but no file under Engine.Tests/Docs/Snippets has a region '// <snippet:nope>'.",
        }));
    }

    [Test]
    public void Check_AMarkerAppliesOnlyToTheBlockRightBelowIt()
    {
        List<string> problems = CheckText("<!-- snippet: hello -->\nSome text.\n```csharp\nint x = 1;\n```\n");

        Assert.That(problems.Single(), Does.Contain("has no '<!-- snippet: name -->' marker"));
    }

    [Test]
    public void Check_DoesNotReadMarkersOrFencesInsideACodeBlock()
    {
        List<CodeBlock> blocks = DocSnippets.ReadCodeBlocks("````markdown\n<!-- snippet: hello -->\n```csharp\nx\n```\n````\n");

        Assert.That(blocks, Has.Count.EqualTo(1));
        Assert.That(blocks[0].Language, Is.EqualTo("markdown"));
    }

    [Test]
    public void ReadSnippets_TakesTheRegionBetweenTheMarkers_WithoutCommonIndentation()
    {
        const string Source = "class C\n{\n    // <snippet:a>\n    void M()\n    {\n    }\n    // </snippet:a>\n}\n";
        var problems = new List<string>();

        List<Snippet> snippets = DocSnippets.ReadSnippets(Source, "C.cs", problems);

        Assert.That(problems, Is.Empty);
        Assert.That(snippets.Single(), Is.EqualTo(new Snippet("a", "C.cs", 3, "void M()\n{\n}")));
    }

    [Test]
    public void ReadSnippets_ReportsUnclosedNestedAndMismatchedMarkers()
    {
        var problems = new List<string>();

        DocSnippets.ReadSnippets("// <snippet:a>\n// <snippet:b>\n// </snippet:a>\n// <snippet:c>\n", "C.cs", problems);

        Assert.That(problems, Is.EqualTo(new[]
        {
            "C.cs:2: snippet 'b' starts inside snippet 'a' (line 1); regions do not nest.",
            "C.cs:3: '</snippet:a>' closes snippet 'b' (line 2).",
            "C.cs:4: snippet 'c' is never closed; end it with '// </snippet:c>'.",
        }));
    }

    [Test]
    public void RepositoryRoot_IsTheFolderWithTheSolution()
    {
        Assert.That(File.Exists(Path.Combine(Root, "YieldLoop.sln")), Is.True);
        Assert.That(Directory.Exists(SnippetFolder), Is.True);
    }
}
