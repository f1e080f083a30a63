using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace YieldLoop.Tests.Docs;

/// <summary>A region of a snippet file between <c>// &lt;snippet:name&gt;</c> and <c>// &lt;/snippet:name&gt;</c>.</summary>
internal sealed record Snippet(string Name, string File, int Line, string Text);

/// <summary>A fenced code block of a markdown file, with the snippet name of the marker just above it, if any.</summary>
internal sealed record CodeBlock(string Language, string? SnippetName, int Line, string Text)
{
    /// <summary>Gets whether the block is C# (and so must be a compiled snippet).</summary>
    public bool IsCSharp => Language is "csharp" or "cs" or "c#";
}

/// <summary>
/// Keeps the code of the docs compiled and run: each <c>```csharp</c> block of a docs/*.md file is preceded by
/// <c>&lt;!-- snippet: name --&gt;</c> and must equal the region of that name in a file under Engine.Tests/Docs/Snippets,
/// which the test project compiles and the Docs tests run.
/// </summary>
/// <remarks>Texts are compared after trimming each line's trailing white space, removing the indentation common to all
/// lines, and dropping leading and trailing blank lines, so a region can sit indented inside a class.</remarks>
internal static class DocSnippets
{
    private static readonly Regex OpenMarker = new(@"^\s*//\s*<snippet:([\w.-]+)>\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex CloseMarker = new(@"^\s*//\s*</snippet:([\w.-]+)>\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex DocMarker = new(@"^\s*<!--\s*snippet:\s*([\w.-]+)\s*-->\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex Fence = new(@"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)", RegexOptions.CultureInvariant);

    /// <summary>Finds the repository root: the closest folder above the tests (or this source file) holding YieldLoop.sln.</summary>
    /// <remarks>The test's own directory comes first; with <c>--artifacts-path</c> outside the repository it has no
    /// such parent, so the working directory and then the compile-time path of this file are tried.</remarks>
    public static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        var starts = new[]
        {
            NUnit.Framework.TestContext.CurrentContext.TestDirectory,
            Environment.CurrentDirectory,
            Path.GetDirectoryName(sourceFile) ?? string.Empty,
        };
        foreach (string start in starts)
        {
            for (DirectoryInfo? dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "YieldLoop.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"No folder containing YieldLoop.sln was found above {string.Join(", ", starts)}; the doc tests need the repository's docs and snippet files.");
    }

    /// <summary>Reads every snippet region of the .cs files under <paramref name="folder"/>.</summary>
    /// <param name="folder">The snippet folder.</param>
    /// <param name="problems">Where malformed markers are reported (unclosed, nested, duplicate names).</param>
    public static Dictionary<string, Snippet> ReadSnippetFolder(string folder, List<string> problems)
    {
        var snippets = new Dictionary<string, Snippet>(StringComparer.Ordinal);
        string[] files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            foreach (Snippet snippet in ReadSnippets(File.ReadAllText(file), Path.GetRelativePath(folder, file), problems))
            {
                if (snippets.TryGetValue(snippet.Name, out Snippet? first))
                {
                    problems.Add($"Snippet '{snippet.Name}' is defined twice: {first.File}:{first.Line} and {snippet.File}:{snippet.Line}. Give each region its own name.");
                }
                else
                {
                    snippets.Add(snippet.Name, snippet);
                }
            }
        }

        return snippets;
    }

    /// <summary>Reads the snippet regions of one source text.</summary>
    public static List<Snippet> ReadSnippets(string source, string file, List<string> problems)
    {
        var result = new List<Snippet>();
        string[] lines = SplitLines(source);
        string? open = null;
        int openLine = 0;
        var body = new StringBuilder();
        for (int i = 0; i < lines.Length; i++)
        {
            Match start = OpenMarker.Match(lines[i]);
            Match end = CloseMarker.Match(lines[i]);
            if (start.Success)
            {
                if (open is not null)
                {
                    problems.Add($"{file}:{i + 1}: snippet '{start.Groups[1].Value}' starts inside snippet '{open}' (line {openLine}); regions do not nest.");
                }

                open = start.Groups[1].Value;
                openLine = i + 1;
                body.Clear();
            }
            else if (end.Success)
            {
                if (open != end.Groups[1].Value)
                {
                    problems.Add($"{file}:{i + 1}: '</snippet:{end.Groups[1].Value}>' closes {(open is null ? "no open snippet" : $"snippet '{open}' (line {openLine})")}.");
                }
                else
                {
                    result.Add(new Snippet(open, file, openLine, Normalize(body.ToString())));
                }

                open = null;
            }
            else if (open is not null)
            {
                body.Append(lines[i]).Append('\n');
            }
        }

        if (open is not null)
        {
            problems.Add($"{file}:{openLine}: snippet '{open}' is never closed; end it with '// </snippet:{open}>'.");
        }

        return result;
    }

    /// <summary>Reads the fenced code blocks of a markdown text, with the snippet marker that precedes each, if any.</summary>
    public static List<CodeBlock> ReadCodeBlocks(string markdown)
    {
        var blocks = new List<CodeBlock>();
        string[] lines = SplitLines(markdown);
        string? pendingMarker = null;
        for (int i = 0; i < lines.Length; i++)
        {
            Match marker = DocMarker.Match(lines[i]);
            Match fence = Fence.Match(lines[i]);
            if (marker.Success)
            {
                pendingMarker = marker.Groups[1].Value;
            }
            else if (fence.Success)
            {
                string fenceChars = fence.Groups[2].Value;
                int startLine = i + 1;
                var body = new StringBuilder();
                for (i++; i < lines.Length; i++)
                {
                    string trimmed = lines[i].Trim();
                    if (trimmed.Length >= fenceChars.Length && trimmed.Trim(fenceChars[0]).Length == 0)
                    {
                        break;   // the closing fence: the same character, at least as many
                    }

                    body.Append(lines[i]).Append('\n');
                }

                blocks.Add(new CodeBlock(fence.Groups[3].Value.ToLowerInvariant(), pendingMarker, startLine, Normalize(body.ToString())));
                pendingMarker = null;
            }
            else if (lines[i].Trim().Length != 0)
            {
                pendingMarker = null;   // a marker applies only to the block right below it (blank lines allowed)
            }
        }

        return blocks;
    }

    /// <summary>Checks one markdown text against the snippets; returns the problems (empty when it is in order).</summary>
    /// <param name="markdown">The markdown text.</param>
    /// <param name="file">The file's name, for messages.</param>
    /// <param name="snippets">The snippet regions by name.</param>
    /// <param name="used">Collects the names of the snippets the text uses.</param>
    public static List<string> Check(string markdown, string file, IReadOnlyDictionary<string, Snippet> snippets, ISet<string> used)
    {
        var problems = new List<string>();
        foreach (CodeBlock block in ReadCodeBlocks(markdown))
        {
            if (block.SnippetName is null)
            {
                if (block.IsCSharp)
                {
                    problems.Add($"{file}:{block.Line}: a ```{block.Language} block has no '<!-- snippet: name -->' marker above it, so nothing compiles it. Put the code in a region of a file under Engine.Tests/Docs/Snippets and mark the block with the region's name.");
                }

                continue;
            }

            used.Add(block.SnippetName);
            if (!snippets.TryGetValue(block.SnippetName, out Snippet? snippet))
            {
                problems.Add($"{file}:{block.Line}: the block is marked 'snippet: {block.SnippetName}', but no file under Engine.Tests/Docs/Snippets has a region '// <snippet:{block.SnippetName}>'.");
            }
            else if (!block.IsCSharp)
            {
                problems.Add($"{file}:{block.Line}: snippet '{block.SnippetName}' is shown in a ```{block.Language} block; mark it ```csharp.");
            }
            else if (block.Text != snippet.Text)
            {
                problems.Add($"{file}:{block.Line}: the block differs from snippet '{block.SnippetName}' ({snippet.File}:{snippet.Line}) {FirstDifference(block.Text, snippet.Text)}. Copy the region into the doc.");
            }
        }

        return problems;
    }

    /// <summary>Trims each line's trailing white space, removes the common indentation and the blank lines at both ends.</summary>
    public static string Normalize(string text)
    {
        var lines = new List<string>(SplitLines(text));
        for (int i = 0; i < lines.Count; i++)
        {
            lines[i] = lines[i].TrimEnd();
        }

        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        int indent = int.MaxValue;
        foreach (string line in lines)
        {
            if (line.Length != 0)
            {
                indent = Math.Min(indent, line.Length - line.TrimStart().Length);
            }
        }

        for (int i = 0; i < lines.Count; i++)
        {
            lines[i] = lines[i].Length == 0 ? lines[i] : lines[i][indent..];
        }

        return string.Join("\n", lines);
    }

    private static string[] SplitLines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    private static string FirstDifference(string doc, string code)
    {
        string[] a = doc.Split('\n');
        string[] b = code.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string left = i < a.Length ? a[i] : "(end of block)";
            string right = i < b.Length ? b[i] : "(end of region)";
            if (left != right)
            {
                return $"at its line {i + 1}: the doc has \"{left}\", the code has \"{right}\"";
            }
        }

        return "in line endings";
    }
}
