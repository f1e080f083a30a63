using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NUnit.Framework;

namespace YieldLoop.Analyzers.Tests;

/// <summary>
/// The analyzer DLL as built, seen the way a compiler and Unity see it: what it references (Unity 2021.2-2022.3 load
/// only analyzers built against Microsoft.CodeAnalysis 3.8 or older, and none that need Workspaces), and which analyzers
/// a compiler discovers in it and in the code fixes' DLL when it loads them from their files.
/// </summary>
[TestFixture]
public class AnalyzerAssemblyTests
{
    private static readonly string[] Ids = ["YL0001", "YL0002", "YL0003", "YL0004", "YL0005"];

    /// <summary>The newest Microsoft.CodeAnalysis that Unity 2021.2-2022.3 accept in an analyzer.</summary>
    private static readonly Version UnityRoslynCeiling = new(3, 8, 0, 0);

    private static string AnalyzerPath => typeof(EndlessLoopAnalyzer).Assembly.Location;

    private static string CodeFixesPath => typeof(BlockingCallCodeFixProvider).Assembly.Location;

    [Test]
    public void The_analyzer_dll_references_Microsoft_CodeAnalysis_3_8_or_older_so_that_Unity_loads_it()
    {
        Dictionary<string, Version> references = References(AnalyzerPath);

        Assert.That(references, Does.ContainKey("Microsoft.CodeAnalysis"));
        Assert.That(references, Does.ContainKey("Microsoft.CodeAnalysis.CSharp"));
        Assert.Multiple(() =>
        {
            foreach (KeyValuePair<string, Version> reference in references.Where(r => r.Key.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)))
            {
                Assert.That(reference.Value, Is.LessThanOrEqualTo(UnityRoslynCeiling), reference.Key);
            }
        });
    }

    [Test]
    public void The_analyzer_dll_references_no_Workspaces_assembly()
    {
        Assert.That(References(AnalyzerPath).Keys, Has.None.Contains("Workspaces"));

        // The code fixes are where Workspaces belongs; had they moved back, the check above would still pass only if
        // their DLL were another one.
        Assert.That(References(CodeFixesPath).Keys, Has.Some.Contains("Workspaces"));
        Assert.That(Path.GetFileName(CodeFixesPath), Is.EqualTo("YieldLoop.CodeFixes.dll"));
    }

    [Test]
    public void The_analyzer_dll_targets_netstandard_2_0()
    {
        Assert.That(References(AnalyzerPath)["netstandard"], Is.EqualTo(new Version(2, 0, 0, 0)));
    }

    [Test]
    public void A_compiler_loading_the_analyzer_dll_from_its_file_finds_every_rule_and_each_reports()
    {
        ImmutableArray<DiagnosticAnalyzer> analyzers = LoadFromFile(AnalyzerPath);

        Assert.That(analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct(), Is.EquivalentTo(Ids));

        RunOverEveryMistake(analyzers, out ImmutableArray<Diagnostic> diagnostics);
        Assert.That(diagnostics.Select(d => d.Id).Distinct(), Is.EquivalentTo(Ids), string.Join("\n", diagnostics));
        Assert.That(diagnostics.Where(d => d.Id == "YL0003").Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)), Has.Some.Contains("has no 'yield'"),
            "the second shape of YL0003: a method returning a coroutine with no yield");
        Assert.That(diagnostics.Where(d => d.Id.StartsWith("AD", StringComparison.Ordinal)), Is.Empty, "an analyzer threw");
    }

    [Test]
    public void A_compiler_loading_the_code_fixes_dll_finds_no_analyzer_and_no_load_error()
    {
        ImmutableArray<DiagnosticAnalyzer> analyzers = LoadFromFile(CodeFixesPath);

        Assert.That(analyzers, Is.Empty);
    }

    private static void RunOverEveryMistake(ImmutableArray<DiagnosticAnalyzer> analyzers, out ImmutableArray<Diagnostic> diagnostics)
    {
        Compilation compilation = Verify.Compile(Verify.WithUsings("""
            public static class Game
            {
                private static int s_health;

                private static IEnumerator<IAwaitable> Child() { yield return Co.NextTick; }

                public static IEnumerator<IAwaitable> Mistakes(EventLoop loop)
                {
                    Child();                                   // YL0001
                    Thread.Sleep(100);                         // YL0002
                    IEnumerator<IAwaitable> it = Child();
                    loop.Start(it);
                    loop.Start(it);                            // YL0005
                    yield return Co.NextTick;
                    while (true) { s_health++; }               // YL0003
                }

                public static IEnumerator<IAwaitable> Regenerate()
                {
                    while (true) { s_health++; }               // YL0003: not an iterator at all
                }

                public static IEnumerator UnityStyle()
                {
                    yield return Co.Sleep(1);                  // YL0004
                }
            }
            """));
        diagnostics = compilation.WithAnalyzers(analyzers)
            .GetAllDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult()
            .Where(d => d.Id.StartsWith("YL", StringComparison.Ordinal) || d.Id.StartsWith("AD", StringComparison.Ordinal))
            .ToImmutableArray();
    }

    /// <summary>Loads the analyzers of <paramref name="path"/> as a compiler does: by file, finding the types marked
    /// [DiagnosticAnalyzer]; fails on any load error.</summary>
    private static ImmutableArray<DiagnosticAnalyzer> LoadFromFile(string path)
    {
        var reference = new AnalyzerFileReference(path, new Loader());
        var errors = new List<string>();
        reference.AnalyzerLoadFailed += (_, e) => errors.Add($"{e.ErrorCode} {e.TypeName}: {e.Message}");
        ImmutableArray<DiagnosticAnalyzer> analyzers = reference.GetAnalyzers(LanguageNames.CSharp);
        Assert.That(errors, Is.Empty, "loading " + path);
        return analyzers;
    }

    private static Dictionary<string, Version> References(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        MetadataReader reader = pe.GetMetadataReader();
        var references = new Dictionary<string, Version>(StringComparer.Ordinal);
        foreach (AssemblyReferenceHandle handle in reader.AssemblyReferences)
        {
            AssemblyReference reference = reader.GetAssemblyReference(handle);
            references[reader.GetString(reference.Name)] = reference.Version;
        }

        return references;
    }

    /// <summary>Loads analyzer assemblies into the test's own context, where the DLL under test is already loaded.</summary>
    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
