using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NUnit.Framework;

namespace YieldLoop.Analyzers.Tests;

/// <summary>
/// Runs an analyzer (and a code fix) over a test source compiled against the real YieldLoop assembly and the net10.0
/// reference assemblies. Expected diagnostics are marked in the source with <c>[|...|]</c>; the markers are removed
/// before compiling.
/// </summary>
/// <remarks>Every test source must compile without errors, so a test cannot pass because the code is broken; and the
/// analyzer is checked alone, so other analyzers' rules never leak into the expectations.</remarks>
internal static class Verify
{
    private const string Usings = "using System;\nusing System.Collections;\nusing System.Collections.Generic;\nusing System.IO;\nusing System.Threading;\nusing System.Threading.Tasks;\nusing YieldLoop;\n\n";

    private static readonly ImmutableArray<MetadataReference> References =
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(EventLoop).Assembly.Location))
            .ToImmutableArray();

    private static readonly CSharpCompilationOptions Options = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable);

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>Prefixes the usings every test source shares (System, collections, IO, threading, tasks, YieldLoop).</summary>
    public static string WithUsings(string source) => Usings + source;

    /// <summary>Asserts that <paramref name="analyzer"/> reports exactly the marked spans of <paramref name="markedSource"/>.</summary>
    public static void Diagnostics(DiagnosticAnalyzer analyzer, string markedSource)
    {
        (string source, List<TextSpan> expected) = ParseMarkers(markedSource);
        ImmutableArray<Diagnostic> actual = Analyze(analyzer, source);
        string id = analyzer.SupportedDiagnostics[0].Id;

        Assert.That(actual.Select(d => d.Id).Distinct(), Is.SubsetOf(new[] { id }));
        Assert.That(
            actual.Select(d => Describe(source, d.Location.SourceSpan)),
            Is.EquivalentTo(expected.Select(s => Describe(source, s))),
            "the reported spans (as 'line: text'), against the marked ones");
    }

    /// <summary>Runs <paramref name="analyzer"/> over <paramref name="source"/> (no markers); the source must compile.</summary>
    public static ImmutableArray<Diagnostic> Analyze(DiagnosticAnalyzer analyzer, string source)
    {
        CSharpCompilation compilation = Compile(source);
        return compilation.WithAnalyzers(ImmutableArray.Create(analyzer))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult()
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
    }

    /// <summary>Compiles <paramref name="source"/> and asserts it has no errors.</summary>
    public static CSharpCompilation Compile(string source)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Test",
            new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Test.cs") },
            References,
            Options);
        Diagnostic[] errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.That(errors, Is.Empty, "the test source must compile:\n" + string.Join("\n", errors.Select(e => e.ToString())) + "\n" + source);
        return compilation;
    }

    /// <summary>
    /// Applies the fix with <paramref name="equivalenceKey"/> to the single diagnostic of <paramref name="analyzer"/> in
    /// <paramref name="source"/> and asserts the new text equals <paramref name="expected"/>; then asserts the new text
    /// compiles and the analyzer no longer reports there.
    /// </summary>
    public static void CodeFix(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string source, string expected, string? equivalenceKey = null)
    {
        IReadOnlyList<CodeAction> actions = Actions(analyzer, fix, source, out Document document);
        CodeAction? action = actions.FirstOrDefault(a => equivalenceKey is null || a.EquivalenceKey == equivalenceKey);
        Assert.That(action, Is.Not.Null, $"no fix with key '{equivalenceKey}'; offered: {string.Join(", ", actions.Select(a => a.EquivalenceKey))}");

        ImmutableArray<CodeActionOperation> operations = action!.GetOperationsAsync(CancellationToken.None).GetAwaiter().GetResult();
        Solution changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        string actual = changed.GetDocument(document.Id)!.GetTextAsync().GetAwaiter().GetResult().ToString();

        Assert.That(actual, Is.EqualTo(expected));
        Assert.That(Analyze(analyzer, actual).Select(d => d.ToString()), Is.Empty, "the fixed code still has the diagnostic");
    }

    /// <summary>The fixes offered for the single diagnostic of <paramref name="analyzer"/> in <paramref name="source"/>.</summary>
    public static IReadOnlyList<CodeAction> Actions(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string source, out Document document)
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(analyzer, source);
        Assert.That(diagnostics, Has.Length.EqualTo(1), "the fix test needs exactly one diagnostic");

        var workspace = new AdhocWorkspace();
        Project project = workspace.AddProject("Test", LanguageNames.CSharp)
            .WithCompilationOptions(Options)
            .WithParseOptions(ParseOptions)
            .WithMetadataReferences(References);
        document = project.AddDocument("Test.cs", SourceText.From(source));

        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostics[0], (a, _) => actions.Add(a), CancellationToken.None);
        fix.RegisterCodeFixesAsync(context).GetAwaiter().GetResult();
        return actions;
    }

    private static (string Source, List<TextSpan> Spans) ParseMarkers(string marked)
    {
        var spans = new List<TextSpan>();
        var text = new System.Text.StringBuilder(marked.Length);
        var open = new Stack<int>();
        for (int i = 0; i < marked.Length; i++)
        {
            if (string.CompareOrdinal(marked, i, "[|", 0, 2) == 0)
            {
                open.Push(text.Length);
                i++;
            }
            else if (string.CompareOrdinal(marked, i, "|]", 0, 2) == 0)
            {
                int start = open.Pop();
                spans.Add(TextSpan.FromBounds(start, text.Length));
                i++;
            }
            else
            {
                text.Append(marked[i]);
            }
        }

        Assert.That(open, Is.Empty, "an unclosed [| marker");
        return (text.ToString(), spans);
    }

    private static string Describe(string source, TextSpan span)
    {
        int line = source.Take(span.Start).Count(c => c == '\n') + 1;
        return $"{line}: {source.Substring(span.Start, span.Length)}";
    }
}
