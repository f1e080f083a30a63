using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>
/// The Unity code of the docs compiles as Unity 2021.2-2022.3 compile it (C# 9, see <see cref="UnitySnippetCompiler"/>),
/// and every snippet the docs show as Unity code comes from a file marked for that compilation.
/// </summary>
public class UnityCSharp9SnippetTests
{
    private static string Root => DocSnippets.RepositoryRoot();

    private static string SnippetFolder => Path.Combine(Root, "Engine.Tests", "Docs", "Snippets");

    [Test]
    public void TheMarkedUnitySnippetFiles_CompileAsCSharp9_AgainstUnityEngineStubs()
    {
        string[] files = UnitySnippetCompiler.MarkedFiles(SnippetFolder);
        Assert.That(files.Select(Path.GetFileName), Is.SupersetOf(new[] { "UnityDriverSnippets.cs", "UnitySnippets.cs", "UnityTurret.cs" }));

        List<Diagnostic> errors = UnitySnippetCompiler.Errors(files.Select(f => (Path.GetFileName(f), File.ReadAllText(f))));

        Assert.That(errors.Select(e => e.ToString()), Is.Empty);
    }

    [Test]
    public void EverySnippetOfTheUnitySections_ComesFromAFileCompiledAsCSharp9()
    {
        var problems = new List<string>();
        Dictionary<string, Snippet> snippets = DocSnippets.ReadSnippetFolder(SnippetFolder, problems);
        var marked = new HashSet<string>(
            UnitySnippetCompiler.MarkedFiles(SnippetFolder).Select(f => Path.GetRelativePath(SnippetFolder, f)), StringComparer.Ordinal);

        int shown = 0;
        foreach ((string doc, string heading) in new[] { ("embedding.md", "## Unity") })
        {
            string markdown = File.ReadAllText(Path.Combine(Root, "docs", doc));
            foreach (CodeBlock block in DocSnippets.ReadCodeBlocks(Section(markdown, heading)).Where(b => b.IsCSharp && b.SnippetName is not null))
            {
                shown++;
                if (snippets.TryGetValue(block.SnippetName!, out Snippet? snippet) && !marked.Contains(snippet.File))
                {
                    problems.Add($"docs/{doc}, section '{heading}': snippet '{block.SnippetName}' comes from {snippet.File}, which lacks the line '{UnitySnippetCompiler.Marker}', so nothing checks that Unity can compile it.");
                }
            }
        }

        Assert.That(shown, Is.GreaterThanOrEqualTo(5));
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }

    [Test]
    public void TheCompilation_RejectsWhatCSharp9Lacks_SoTheCheckCanFail()
    {
        List<Diagnostic> errors = UnitySnippetCompiler.Errors(new[]
        {
            ("FileScoped.cs", "namespace MyGame;\n\npublic sealed class Runner : UnityEngine.MonoBehaviour\n{\n}\n"),
        });

        Assert.That(errors.Select(e => e.Id), Does.Contain("CS8773"), "a file-scoped namespace is C# 10");
    }

    [Test]
    public void TheCompilation_AcceptsCSharp9_AgainstTheStubs()
    {
        List<Diagnostic> errors = UnitySnippetCompiler.Errors(new[]
        {
            ("Ok.cs", "namespace MyGame\n{\n    public sealed class Runner : UnityEngine.MonoBehaviour\n    {\n        private readonly YieldLoop.ManualClock _clock = new();\n        private void Update() { _clock.Advance(UnityEngine.Time.deltaTime); UnityEngine.Debug.Log(name); }\n    }\n}\n"),
        });

        Assert.That(errors.Select(e => e.ToString()), Is.Empty);
    }

    /// <summary>The text of the section that starts at the line <paramref name="heading"/>, up to the next heading of the
    /// same level.</summary>
    private static string Section(string markdown, string heading)
    {
        string[] lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int start = Array.FindIndex(lines, l => l.TrimEnd() == heading);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"no heading '{heading}'");
        int end = Array.FindIndex(lines, start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        return string.Join("\n", lines[start..(end < 0 ? lines.Length : end)]);
    }
}
