using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>
/// Every C# block of the README is a complete program: each one is compiled in memory against the engine and run, so
/// the README cannot show code that does not build or does not end (issue 8: every code block in the docs is
/// compiled by a test; docs/*.md go through <see cref="DocSnippetTests"/>).
/// </summary>
[TestFixture]
[NonParallelizable]   // runs programs that write to the console and to the working directory
public class ReadmeTests
{
    private static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "YieldLoop.sln")))
            {
                return Path.Combine(dir.FullName, "README.md");
            }
        }

        string here = SourceDirectory();
        return Path.GetFullPath(Path.Combine(here, "..", "..", "README.md"));
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetDirectoryName(path)!;

    private static List<string> CSharpBlocks() =>
        Regex.Matches(File.ReadAllText(ReadmePath()), @"^```csharp\r?\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)
             .Select(m => m.Groups[1].Value)
             .ToList();

    private static IEnumerable<TestCaseData> Blocks()
    {
        List<string> blocks = CSharpBlocks();
        for (int i = 0; i < blocks.Count; i++)
        {
            string first = blocks[i].Split('\n').FirstOrDefault(l => l.Length > 0 && !l.StartsWith("using", StringComparison.Ordinal)) ?? string.Empty;
            yield return new TestCaseData(i, blocks[i]).SetName($"README block {i + 1}: {first.Trim()}");
        }
    }

    [Test]
    public void TheReadme_HasCsharpBlocks() => Assert.That(CSharpBlocks(), Has.Count.GreaterThanOrEqualTo(5));

    [TestCaseSource(nameof(Blocks))]
    public void EachBlock_CompilesAndRunsToItsEnd(int index, string code)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => p.Length > 0)
            .Select(p => MetadataReference.CreateFromFile(p))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(EventLoop).Assembly.Location));

        CSharpCompilation compilation = CSharpCompilation.Create(
            $"ReadmeBlock{index}",
            new[] { CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest)) },
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(image);
        Diagnostic[] problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.That(problems, Is.Empty, "README block " + (index + 1) + ":\n" + string.Join("\n", problems.Select(d => d.ToString())));
        Assert.That(result.Success, Is.True);

        Assembly program = Assembly.Load(image.ToArray());
        MethodInfo entry = program.EntryPoint!;
        string previousDirectory = Environment.CurrentDirectory;
        TextWriter previousOut = Console.Out;
        string scratch = Directory.CreateTempSubdirectory("yieldloop-readme-").FullName;
        using var output = new StringWriter();
        try
        {
            Environment.CurrentDirectory = scratch;   // a block may write a file (the timeline example does)
            Console.SetOut(output);
            // On a thread of its own, not the thread pool: the block may offload work to the pool and wait for it.
            Exception? failure = null;
            var run = new System.Threading.Thread(() =>
            {
                try
                {
                    entry.Invoke(null, entry.GetParameters().Length == 0 ? null : new object[] { Array.Empty<string>() });
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
            })
            { IsBackground = true, Name = "README block " + (index + 1) };
            run.Start();
            Assert.That(run.Join(HangGuard.Limit), Is.True, "README block " + (index + 1) + $" did not end within {HangGuard.Limit.TotalSeconds} s (a hang guard)");
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
        finally
        {
            Console.SetOut(previousOut);
            Environment.CurrentDirectory = previousDirectory;
            Directory.Delete(scratch, recursive: true);
        }
    }
}
