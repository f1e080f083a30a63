using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;
using YieldLoop.Tests.Docs;

namespace YieldLoop.Tests.Package;

/// <summary>
/// The Unity package as a user gets it: runs <c>tools/unity-package.sh OUTDIR</c> (the one command docs/embedding.md
/// gives) into a temporary folder once, then checks the UPM layout Unity needs: the manifest, a .meta with a stable,
/// unique GUID beside every file and folder, the analyzer marked as a Roslyn analyzer, and the netstandard2.1 engine.
/// </summary>
/// <remarks>Needs bash (CI has it); without bash the fixture is ignored. The script builds in Release into the usual
/// output folders, so after CI's Release build it only copies files (a few seconds); from nothing it takes a minute.</remarks>
[TestFixture]
[Category("Package")]
[NonParallelizable]
public sealed class UnityPackageTests
{
    private const string PackageName = "com.yieldloop.core";
    private static readonly Regex GuidLine = new(@"^guid: (\S*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    private string _work = string.Empty;
    private string _package = string.Empty;
    private string _repositoryRoot = string.Empty;

    [OneTimeSetUp]
    public void BuildThePackageOnce()
    {
        string? bash = FindOnPath("bash");
        if (bash is null)
        {
            Assert.Ignore("bash is not on PATH, so tools/unity-package.sh cannot run here.");
        }

        _repositoryRoot = DocSnippets.RepositoryRoot();
        _work = Path.Combine(Path.GetTempPath(), "yieldloop-unity-" + Guid.NewGuid().ToString("N")[..12]);
        _package = Path.Combine(_work, PackageName);
        Directory.CreateDirectory(_work);
        PackageTests.Run("tools/unity-package.sh", _repositoryRoot, bash,
            Path.Combine(_repositoryRoot, "tools", "unity-package.sh"), _package);
    }

    [OneTimeTearDown]
    public void DeleteWorkFolder()
    {
        if (_work.Length > 0 && Directory.Exists(_work))
        {
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (IOException)
            {
                // A build server may still hold a file for a moment; the temp folder is not worth failing a run for.
            }
        }
    }

    [Test]
    public void Package_HasTheUpmLayout()
    {
        string[] files = Directory.GetFileSystemEntries(_package, "*", SearchOption.AllDirectories)
            .Where(p => !p.EndsWith(".meta", StringComparison.Ordinal))
            .Select(Relative)
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToArray();

        Assert.That(files, Is.EqualTo(new[]
        {
            "Analyzers",
            "Analyzers/YieldLoop.Analyzers.dll",
            "CHANGELOG.md",
            "LICENSE.md",
            "README.md",
            "Runtime",
            "Runtime/YieldLoop.dll",
            "Runtime/YieldLoop.xml",
            "package.json",
        }));
        Assert.That(new FileInfo(Path.Combine(_package, "Runtime", "YieldLoop.xml")).Length, Is.GreaterThan(10_000), "The XML docs look empty.");
        Assert.That(File.ReadAllText(Path.Combine(_package, "LICENSE.md")), Is.EqualTo(File.ReadAllText(Path.Combine(_repositoryRoot, "LICENSE"))));
        Assert.That(File.ReadAllText(Path.Combine(_package, "CHANGELOG.md")), Is.EqualTo(File.ReadAllText(Path.Combine(_repositoryRoot, "CHANGELOG.md"))));
    }

    [Test]
    public void Manifest_IsValidJson_NamedAfterThePackage_WithTheRepositoryVersion()
    {
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_package, "package.json")));
        JsonElement root = manifest.RootElement;
        string props = File.ReadAllText(Path.Combine(_repositoryRoot, "Directory.Build.props"));
        string version = Regex.Match(props, "<Version>([^<]+)</Version>", RegexOptions.CultureInvariant).Groups[1].Value;

        Assert.That(root.GetProperty("name").GetString(), Is.EqualTo(PackageName));
        Assert.That(version, Is.Not.Empty);
        Assert.That(root.GetProperty("version").GetString(), Is.EqualTo(version));
        Assert.That(root.GetProperty("displayName").GetString(), Is.EqualTo("YieldLoop"));
        Assert.That(root.GetProperty("unity").GetString(), Is.EqualTo("2021.2"));
        Assert.That(root.GetProperty("description").GetString(), Does.StartWith("A coroutine engine for C#"));
        Assert.That(File.ReadAllText(Path.Combine(_package, "README.md")), Does.Contain($"{PackageName} {version}"));
    }

    [Test]
    public void EveryFileAndFolder_HasAMeta_WithAUniqueGuidDerivedFromItsPath()
    {
        string[] assets = Directory.GetFileSystemEntries(_package, "*", SearchOption.AllDirectories)
            .Where(p => !p.EndsWith(".meta", StringComparison.Ordinal))
            .ToArray();
        string[] metas = Directory.GetFiles(_package, "*.meta", SearchOption.AllDirectories);
        Assert.That(metas.Select(m => m[..^".meta".Length]), Is.EquivalentTo(assets), "one .meta per asset, and none without its asset");

        var guids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string asset in assets)
        {
            string meta = File.ReadAllText(asset + ".meta");
            Assert.That(meta, Does.StartWith("fileFormatVersion: 2\n"), Relative(asset));
            Match guid = GuidLine.Match(meta);
            Assert.That(guid.Success, Is.True, $"{Relative(asset)}.meta has no guid line");
            Assert.That(guid.Groups[1].Value, Does.Match("^[0-9a-f]{32}$"), Relative(asset));

            // Stable: the same path gets the same GUID on every run and machine, so a project's references survive an
            // upgrade of the package.
            Assert.That(guid.Groups[1].Value, Is.EqualTo(Md5Hex(PackageName + "/" + Relative(asset))), Relative(asset));
            Assert.That(guids.TryAdd(guid.Groups[1].Value, Relative(asset)), Is.True,
                $"{Relative(asset)} has the GUID of {guids.GetValueOrDefault(guid.Groups[1].Value)}");

            bool folder = Directory.Exists(asset);
            Assert.That(meta.Contains("folderAsset: yes\n", StringComparison.Ordinal), Is.EqualTo(folder), Relative(asset));
        }
    }

    [Test]
    public void AnalyzerMeta_CarriesTheRoslynAnalyzerLabel_AndEnablesNoPlatform()
    {
        string meta = File.ReadAllText(Path.Combine(_package, "Analyzers", "YieldLoop.Analyzers.dll.meta"));

        // The label is a top-level key of the .meta, before the importer, as Unity writes it.
        Assert.That(meta, Does.Match(@"(?m)^labels:\n- RoslynAnalyzer\nPluginImporter:\n"));
        Assert.That(meta, Does.Contain("\n  isExplicitlyReferenced: 1\n"), "an analyzer must not be auto-referenced");
        Assert.That(meta, Does.Contain("\n  validateReferences: 0\n"));
        Assert.That(meta, Does.Not.Contain("enabled: 1"), "an analyzer must not be loaded as a plugin on any platform");
        Assert.That(meta, Does.Contain("enabled: 0"));
    }

    [Test]
    public void RuntimeMeta_IsAManagedPluginForEveryPlatform_WithoutTheAnalyzerLabel()
    {
        string meta = File.ReadAllText(Path.Combine(_package, "Runtime", "YieldLoop.dll.meta"));

        Assert.That(meta, Does.Contain("PluginImporter:\n"));
        Assert.That(meta, Does.Contain("\n  isExplicitlyReferenced: 0\n"), "every assembly of the project should see the engine");
        Assert.That(meta, Does.Match(@"Any: ?\n    second:\n      enabled: 1\n"));
        Assert.That(meta, Does.Not.Contain("RoslynAnalyzer"));
    }

    [Test]
    public void RuntimeDll_IsTheNetStandard21Engine()
    {
        Dictionary<string, Version> references = References(Path.Combine(_package, "Runtime", "YieldLoop.dll"), out string name);

        Assert.That(name, Is.EqualTo("YieldLoop"));
        Assert.That(references, Does.ContainKey("netstandard"));
        Assert.That(references["netstandard"], Is.EqualTo(new Version(2, 1, 0, 0)));
        Assert.That(references.Keys, Has.None.StartsWith("System.Runtime"), "a .NET (Core) build references System.Runtime");
    }

    [Test]
    public void AnalyzerDll_IsTheRoslyn38OrOlderBuild_AndTheCodeFixesStayOut()
    {
        Dictionary<string, Version> references = References(Path.Combine(_package, "Analyzers", "YieldLoop.Analyzers.dll"), out string name);

        Assert.That(name, Is.EqualTo("YieldLoop.Analyzers"));
        Assert.That(references["Microsoft.CodeAnalysis"], Is.LessThanOrEqualTo(new Version(3, 8, 0, 0)),
            "Unity 2021.2-2022.3 load only analyzers built against Microsoft.CodeAnalysis 3.8 or older");
        Assert.That(references.Keys, Has.None.Contains("Workspaces"));
        Assert.That(Directory.GetFiles(_package, "*CodeFixes*", SearchOption.AllDirectories), Is.Empty);
    }

    private string Relative(string path) => Path.GetRelativePath(_package, path).Replace('\\', '/');

    private static string Md5Hex(string text)
    {
#pragma warning disable CA5351 // MD5 names a file here (a stable GUID, as the script makes it); it protects nothing.
        byte[] hash = MD5.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5351
        return Convert.ToHexStringLower(hash);
    }

    private static Dictionary<string, Version> References(string path, out string name)
    {
        using FileStream stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        MetadataReader reader = pe.GetMetadataReader();
        name = reader.GetString(reader.GetAssemblyDefinition().Name);
        var references = new Dictionary<string, Version>(StringComparer.Ordinal);
        foreach (AssemblyReferenceHandle handle in reader.AssemblyReferences)
        {
            AssemblyReference reference = reader.GetAssemblyReference(handle);
            references[reader.GetString(reference.Name)] = reference.Version;
        }

        return references;
    }

    private static string? FindOnPath(string program)
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            foreach (string candidate in new[] { program, program + ".exe" })
            {
                string full = Path.Combine(folder, candidate);
                if (folder.Length > 0 && File.Exists(full))
                {
                    return full;
                }
            }
        }

        return null;
    }
}
