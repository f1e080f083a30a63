using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace YieldLoop.Tests.Docs;

/// <summary>
/// Compiles snippet files as Unity 2021.2-2022.3 compile a project's scripts: C# 9, nullable reference types off,
/// against compile-only stubs of the UnityEngine members the docs use (<see cref="UnityEngineStubs"/>) and the YieldLoop
/// assembly. The test project compiles the same files too (with the fakes of FakeHosts.cs, so the tests can run them),
/// but with the newest C#, which would let a file-scoped namespace or a C# 10+ feature through into a doc that a Unity
/// user pastes.
/// </summary>
/// <remarks>A snippet file opts in with a line <c>// snippet-compile: unity-csharp9</c> (<see cref="Marker"/>) among its
/// first lines; all such files are compiled together, so one may use another's types (the Turret uses the runner).</remarks>
internal static class UnitySnippetCompiler
{
    /// <summary>The line that marks a snippet file as Unity code, compiled as C# 9.</summary>
    public const string Marker = "// snippet-compile: unity-csharp9";

    /// <summary>
    /// Compile-only stand-ins for the UnityEngine API the Unity snippets use, with the real signatures (members are
    /// properties or methods where Unity's are). Written in C# 9 like the code it serves. Nothing here runs.
    /// </summary>
    public const string UnityEngineStubs = """
        namespace UnityEngine
        {
            using System;
            using System.Collections;

            public class Object
            {
                public string name { get; set; }
            }

            public class Component : Object
            {
            }

            public class Behaviour : Component
            {
                public bool enabled { get; set; }
            }

            public class MonoBehaviour : Behaviour
            {
                public Coroutine StartCoroutine(IEnumerator routine) => null;
            }

            public sealed class Coroutine : YieldInstruction
            {
            }

            public class YieldInstruction
            {
            }

            public sealed class WaitForEndOfFrame : YieldInstruction
            {
            }

            [AttributeUsage(AttributeTargets.Class)]
            public sealed class DefaultExecutionOrder : Attribute
            {
                public DefaultExecutionOrder(int order) { }
            }

            public static class Debug
            {
                public static void Log(object message) { }
                public static void LogWarning(object message) { }
                public static void LogError(object message) { }
                public static void LogException(Exception exception) { }
            }

            public static class Time
            {
                public static float deltaTime { get; }
                public static float unscaledDeltaTime { get; }
                public static float fixedDeltaTime { get; set; }
                public static float timeScale { get; set; }
                public static float time { get; }
            }
        }
        """;

    /// <summary>The files under <paramref name="snippetFolder"/> that carry <see cref="Marker"/>, sorted by path.</summary>
    public static string[] MarkedFiles(string snippetFolder)
    {
        string[] files = Directory.GetFiles(snippetFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => File.ReadLines(f).Take(10).Any(line => line.Trim() == Marker))
            .ToArray();
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>Compiles <paramref name="sources"/> (name, text) with the stubs as C# 9; returns the errors.</summary>
    public static List<Diagnostic> Errors(IEnumerable<(string Name, string Text)> sources)
    {
        var parse = new CSharpParseOptions(LanguageVersion.CSharp9);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, path: s.Name)).ToList();
        trees.Add(CSharpSyntaxTree.ParseText(UnityEngineStubs, parse, path: "UnityEngineStubs.cs"));

        // The framework's own assemblies and YieldLoop only: the test assembly holds the fakes and the snippets
        // themselves, which would stand in for what this compilation must find in its sources.
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => p.Length > 0 && string.Equals(Path.GetDirectoryName(p), framework, StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(EventLoop).Assembly.Location));

        CSharpCompilation compilation = CSharpCompilation.Create(
            "UnitySnippets",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }
}
