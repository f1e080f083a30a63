using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace YieldLoop.Tests.Interop;

/// <summary>
/// Futures have no <c>GetAwaiter</c> in any YieldLoop namespace: with one in scope, every plain <c>loop.Start(...);</c>
/// in an <c>async</c> method raises CS4014, which breaks warnings-as-errors builds (docs/design.md, "Public API
/// decisions"). Async code awaits <c>future.AsTask()</c>.
/// </summary>
public class NoAwaiterTests
{
    private const string AsyncCaller = """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public static class Caller
        {
            public static async Task<int> RunAsync(EventLoop loop)
            {
                loop.Start(Work());
                loop.Start<int>(Answer());
                new FutureSource(loop).Future.AddCallback(_ => { });
                await Task.Yield();
                loop.Start(Work());
                return await loop.Start<int>(Answer()).AsTask();
            }

            private static IEnumerator<IAwaitable> Work()
            {
                yield return Co.NextTick;
            }

            private static IEnumerator<IAwaitable> Answer()
            {
                yield return Co.Return(42);
            }
        }
        """;

    // What the removed YieldLoop.Async extensions did: a GetAwaiter for the loop's task types.
    private const string AnAwaiterInScope = """
        namespace Elsewhere
        {
            public static class AwaitExtensions
            {
                public static System.Runtime.CompilerServices.TaskAwaiter GetAwaiter(this YieldLoop.Future future) =>
                    System.Threading.Tasks.Task.CompletedTask.GetAwaiter();
            }
        }
        """;

    [Test]
    public void AsyncMethod_StartingCoroutines_WithEveryYieldLoopNamespaceImported_CompilesWithoutAnyWarning()
    {
        Diagnostic[] problems = Compile(Usings(), AsyncCaller);

        Assert.That(problems, Is.Empty, string.Join("\n", problems.Select(d => d.ToString())));
    }

    [Test]
    public void TheCheckCanFail_AGetAwaiterInScope_MakesThePlainStartWarnCS4014()
    {
        Diagnostic[] problems = Compile(Usings() + "using Elsewhere;\n", AsyncCaller + AnAwaiterInScope);

        Assert.That(problems.Select(d => d.Id), Has.Member("CS4014"));
    }

    [Test]
    public void NoPublicTypeOfTheEngine_HasAGetAwaiter()
    {
        string[] found = typeof(EventLoop).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods())
            .Where(m => m.Name == "GetAwaiter" && m.DeclaringType!.Assembly == typeof(EventLoop).Assembly)
            .Select(m => m.DeclaringType!.FullName + "." + m.Name)
            .ToArray();

        Assert.That(found, Is.Empty);
    }

    /// <summary><c>using</c> lines for every namespace of the engine's public types (YieldLoop first).</summary>
    private static string Usings()
    {
        IEnumerable<string> namespaces = typeof(EventLoop).Assembly.GetExportedTypes()
            .Select(t => t.Namespace!)
            .Append("YieldLoop")
            .Distinct()
            .OrderBy(n => n.Length)
            .ThenBy(n => n, StringComparer.Ordinal);
        return string.Concat(namespaces.Select(n => "using " + n + ";\n"));
    }

    private static Diagnostic[] Compile(string usings, string code)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => p.Length > 0)
            .Select(p => MetadataReference.CreateFromFile(p))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(EventLoop).Assembly.Location));

        CSharpCompilation compilation = CSharpCompilation.Create(
            "NoAwaiter",
            new[] { CSharpSyntaxTree.ParseText(usings + code, new CSharpParseOptions(LanguageVersion.Latest)) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999));

        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(image);
        return result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
    }
}
