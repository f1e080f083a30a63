using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Text;
using System.Threading.Tasks;
using System.Xml.Linq;
using NUnit.Framework;
using YieldLoop.Tests.Docs;

namespace YieldLoop.Tests.Package;

/// <summary>
/// The NuGet package as a user gets it: packs Engine/ with the README's own pack command (its "install: pack" block),
/// looks inside the .nupkg and the .snupkg, then follows the README's "install: add" commands in a fresh console
/// project (<c>dotnet new console</c>) that restores into an empty package folder, and runs the README's first example.
/// A change to those README blocks changes what this test runs.
/// </summary>
/// <remarks>
/// The pack runs once for the fixture and builds the real three-framework package (and the analyzers). Every child
/// <c>dotnet</c> has a bounded time and is killed (with its children) past it; each step prints how long it took.
/// Measured on the 2-core machine: after a Release build (as in CI) the pack takes about 3-6 s and the console project
/// 4-8 s; a pack from nothing takes 15-25 s on an idle machine, a minute or more while other builds run.
/// </remarks>
[TestFixture]
[Category("Package")]
[NonParallelizable]
public sealed class PackageTests
{
    private const string PackageId = "YieldLoop";
    private const string RepositoryUrl = "https://github.com/yieldloop/YieldLoop";
    private static readonly string[] Frameworks = ["netstandard2.1", "net8.0", "net10.0"];
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(4);

    // Set by OneTimeSetUp; the tests only read them.
    private string _work = string.Empty;
    private string _feed = string.Empty;
    private string _repositoryRoot = string.Empty;
    private string _nupkgPath = string.Empty;
    private string _snupkgPath = string.Empty;
    private XElement _metadata = new("metadata");
    private string _version = string.Empty;
    private string _commit = string.Empty;
    private readonly Dictionary<string, long> _entries = new(StringComparer.Ordinal);

    private static XNamespace Ns(XElement element) => element.Name.Namespace;

    [OneTimeSetUp]
    public void PackOnce()
    {
        _repositoryRoot = DocSnippets.RepositoryRoot();
        _work = Path.Combine(Path.GetTempPath(), "yieldloop-package-" + Guid.NewGuid().ToString("N")[..12]);
        _feed = Path.Combine(_work, "feed");
        Directory.CreateDirectory(_feed);

        // Read before the pack, which records the same HEAD: a commit landing during the test cannot confuse it.
        _commit = Run("git rev-parse", _repositoryRoot, "git", "rev-parse", "HEAD").Output.Trim();
        Assert.That(_commit, Does.Match("^[0-9a-f]{40}$"), "The tests need the repository's git history.");

        // The README's command, run from the repository root as the README says, with the package folder it names
        // moved to this test's own (the work tree stays untouched) and no build node left behind.
        string[][] readmePack = ReadmeCommands("pack");
        Assert.That(readmePack, Has.Length.EqualTo(1), "The README's 'install: pack' block should hold one command.");
        Assert.That(readmePack[0].Take(3), Is.EqualTo(new[] { "dotnet", "pack", "Engine" }));
        var pack = readmePack[0].Skip(1).Select(MapPackageFolder).ToList();
        pack.Add("-nodeReuse:false");
        string? artifacts = ArtifactsRoot(TestContext.CurrentContext.TestDirectory);
        if (artifacts is not null)
        {
            pack.Add("--artifacts-path");
            pack.Add(artifacts);
        }

        Run("pack", _repositoryRoot, "dotnet", pack.ToArray());

        string[] packages = Directory.GetFiles(_feed, PackageId + ".*.nupkg");
        Assert.That(packages, Has.Length.EqualTo(1), "dotnet pack should write exactly one .nupkg into the feed.");
        _nupkgPath = packages[0];
        _snupkgPath = Path.ChangeExtension(_nupkgPath, ".snupkg");

        using ZipArchive zip = ZipFile.OpenRead(_nupkgPath);
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            _entries[entry.FullName] = entry.Length;
        }

        ZipArchiveEntry nuspec = zip.GetEntry(PackageId + ".nuspec")
            ?? throw new AssertionException($"The package has no {PackageId}.nuspec at its root.");
        using Stream stream = nuspec.Open();
        XElement package = XElement.Load(stream);
        _metadata = package.Element(Ns(package) + "metadata")
            ?? throw new AssertionException("The .nuspec has no <metadata> element.");
        _version = Meta("version");
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
    public void Package_IsNamedAfterItsIdAndVersion()
    {
        Assert.That(Meta("id"), Is.EqualTo(PackageId));
        Assert.That(_version, Does.Match(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$"));
        Assert.That(Path.GetFileName(_nupkgPath), Is.EqualTo($"{PackageId}.{_version}.nupkg"));
    }

    [TestCaseSource(nameof(Frameworks))]
    public void Package_HoldsTheAssemblyAndItsXmlDocs_ForEachFramework(string framework)
    {
        Assert.That(_entries.Keys, Does.Contain($"lib/{framework}/YieldLoop.dll"));
        Assert.That(_entries.Keys, Does.Contain($"lib/{framework}/YieldLoop.xml"));
        Assert.That(_entries[$"lib/{framework}/YieldLoop.xml"], Is.GreaterThan(10_000), "The XML docs look empty.");
    }

    [Test]
    public void Package_HasNoOtherLibraryFolders_AndNoDependencies()
    {
        string[] libFolders = _entries.Keys.Where(e => e.StartsWith("lib/", StringComparison.Ordinal))
            .Select(e => e.Split('/')[1]).Distinct().OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.That(libFolders, Is.EquivalentTo(Frameworks));

        // The analyzer project is referenced with PrivateAssets="all": consumers must not get a package dependency.
        XElement? dependencies = _metadata.Element(Ns(_metadata) + "dependencies");
        Assert.That(dependencies?.Descendants(Ns(_metadata) + "dependency"), Is.Null.Or.Empty);
    }

    [Test]
    public void Package_CarriesThePackageReadmeAndTheMitLicense()
    {
        Assert.That(Meta("readme"), Is.EqualTo("README.md"));
        Assert.That(_entries.Keys, Does.Contain("README.md"));
        Assert.That(_entries["README.md"],
            Is.EqualTo(new FileInfo(Path.Combine(_repositoryRoot, "Engine", "PackageReadme.md")).Length));

        XElement license = _metadata.Element(Ns(_metadata) + "license")
            ?? throw new AssertionException("The .nuspec has no <license> element.");
        Assert.That(license.Attribute("type")?.Value, Is.EqualTo("expression"));
        Assert.That(license.Value, Is.EqualTo("MIT"));
        Assert.That(_entries.Keys, Does.Contain("LICENSE"));
    }

    [Test]
    public void Package_DescribesItself()
    {
        Assert.That(Meta("authors"), Is.EqualTo("The YieldLoop authors"));
        Assert.That(Meta("description"), Does.StartWith("A coroutine engine for C#"));
        Assert.That(Meta("projectUrl"), Is.EqualTo(RepositoryUrl));
        Assert.That(Meta("copyright"), Does.Contain("The YieldLoop authors"));
        Assert.That(Meta("tags").Split(' '),
            Is.EquivalentTo(new[] { "coroutines", "event-loop", "game", "unity", "async", "scheduler" }));
    }

    [Test]
    public void Package_NamesTheRepositoryAndTheCommitItWasBuiltFrom()
    {
        XElement repository = _metadata.Element(Ns(_metadata) + "repository")
            ?? throw new AssertionException("The .nuspec has no <repository> element.");
        Assert.That(repository.Attribute("type")?.Value, Is.EqualTo("git"));
        Assert.That(repository.Attribute("url")?.Value, Is.EqualTo(RepositoryUrl));
        Assert.That(repository.Attribute("commit")?.Value, Is.EqualTo(_commit));
    }

    [Test]
    public void Package_CarriesTheAnalyzers_WhenTheAnalyzerProjectExists()
    {
        if (!File.Exists(Path.Combine(_repositoryRoot, "Engine.Analyzers", "Engine.Analyzers.csproj")))
        {
            Assert.Ignore("Engine.Analyzers/Engine.Analyzers.csproj does not exist, so the package has no analyzers.");
        }

        Assert.That(_entries.Keys, Does.Contain("analyzers/dotnet/cs/YieldLoop.Analyzers.dll"));
        Assert.That(_entries.Keys.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)),
            Has.None.Contains("Analyzers"), "The analyzer must not be a library that consumers compile against.");
    }

    [Test]
    public void Package_CarriesTheCodeFixesBesideTheAnalyzers_WhenTheCodeFixProjectExists()
    {
        if (!File.Exists(Path.Combine(_repositoryRoot, "Engine.CodeFixes", "Engine.CodeFixes.csproj")))
        {
            Assert.Ignore("Engine.CodeFixes/Engine.CodeFixes.csproj does not exist, so the package has no code fixes.");
        }

        // Both DLLs in the one analyzer folder: an IDE loads the fixes from there; a compiler without Workspaces loads
        // the fixes' DLL too and finds no analyzer in it. Nothing else rides along (no Roslyn, no Workspaces).
        string[] analyzerFiles = _entries.Keys.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal))
            .OrderBy(e => e, StringComparer.Ordinal).ToArray();
        Assert.That(analyzerFiles, Is.EqualTo(new[]
        {
            "analyzers/dotnet/cs/YieldLoop.Analyzers.dll",
            "analyzers/dotnet/cs/YieldLoop.CodeFixes.dll",
        }));
        Assert.That(_entries.Keys.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)),
            Has.None.Contains("CodeFixes"), "The code fixes must not be a library that consumers compile against.");
    }

    [TestCaseSource(nameof(Frameworks))]
    public void SymbolPackage_HoldsAPortablePdbWithSourceLinkToTheCommit(string framework)
    {
        Assert.That(File.Exists(_snupkgPath), Is.True, $"dotnet pack should write {Path.GetFileName(_snupkgPath)}.");
        using ZipArchive zip = ZipFile.OpenRead(_snupkgPath);
        ZipArchiveEntry pdb = zip.GetEntry($"lib/{framework}/YieldLoop.pdb")
            ?? throw new AssertionException($"The symbol package has no lib/{framework}/YieldLoop.pdb.");

        var bytes = new MemoryStream();
        using (Stream stream = pdb.Open())
        {
            stream.CopyTo(bytes);
        }

        bytes.Position = 0;
        // FromPortablePdbStream throws BadImageFormatException for a Windows (full) PDB.
        using MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(bytes);
        MetadataReader reader = provider.GetMetadataReader();

        var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
        var embeddedSourceKind = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
        string? sourceLink = null;
        int embeddedSources = 0;
        foreach (CustomDebugInformationHandle handle in reader.CustomDebugInformation)
        {
            CustomDebugInformation info = reader.GetCustomDebugInformation(handle);
            Guid kind = reader.GetGuid(info.Kind);
            if (kind == sourceLinkKind)
            {
                sourceLink = Encoding.UTF8.GetString(reader.GetBlobBytes(info.Value));
            }
            else if (kind == embeddedSourceKind)
            {
                embeddedSources++;
            }
        }

        Assert.That(sourceLink, Does.Contain($"https://raw.githubusercontent.com/yieldloop/YieldLoop/{_commit}/"));
        // EmbedUntrackedSources: the files the build generates (assembly info) are not in git, so they ride in the PDB.
        Assert.That(embeddedSources, Is.GreaterThan(0), "No untracked source was embedded in the PDB.");
    }

    [Test]
    public void Assemblies_CarryThePackageVersion()
    {
        using ZipArchive zip = ZipFile.OpenRead(_nupkgPath);
        string dll = Path.Combine(_work, "inspect", "YieldLoop.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        zip.GetEntry("lib/net10.0/YieldLoop.dll")!.ExtractToFile(dll, overwrite: true);

        string numeric = _version.Split('-')[0];
        Assert.That(AssemblyName.GetAssemblyName(dll).Version, Is.EqualTo(new Version(numeric + ".0")));
        FileVersionInfo file = FileVersionInfo.GetVersionInfo(dll);
        Assert.That(file.FileVersion, Is.EqualTo(numeric + ".0"));
        Assert.That(file.ProductVersion, Is.EqualTo($"{_version}+{_commit}"));

        // The engine these tests run against is built from the same Directory.Build.props.
        string? informational = typeof(EventLoop).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        Assert.That(informational, Does.StartWith(_version + "+"));
    }

    [Test]
    public void PackageReadme_LinksOnlyToAbsoluteAddresses_SoNoLinkBreaksOnAPackagePage()
    {
        string text = File.ReadAllText(Path.Combine(_repositoryRoot, "Engine", "PackageReadme.md"));
        string[] targets = System.Text.RegularExpressions.Regex.Matches(text, @"\]\(([^)\s]+)\)")
            .Select(m => m.Groups[1].Value).ToArray();

        Assert.That(targets, Is.Not.Empty);
        Assert.That(targets, Has.All.StartWith("https://"));
    }

    [Test]
    public void PackageReadme_ShowsTheReadmesFirstExample_WhichTheReadmeTestsRun()
    {
        string package = File.ReadAllText(Path.Combine(_repositoryRoot, "Engine", "PackageReadme.md"));
        Assert.That(FirstCsharpBlock(package), Is.EqualTo(FirstExample()));
    }

    [Test]
    public void ReadmeInstallCommands_InstallThePackageIntoAFreshConsoleProject_AndItsFirstExampleRuns()
    {
        string app = Path.Combine(_work, "MyGame");
        string packages = Path.Combine(_work, "nuget-packages");
        Directory.CreateDirectory(app);
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = packages };

        // The user's new project. The empty Directory.Build.* files only keep any build settings of the folders above
        // the temp folder out of it (a user's project has none of YieldLoop's).
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(app, "Directory.Build.targets"), "<Project />\n");
        Run("dotnet new console", app, "dotnet", environment, "new", "console");

        string[][] commands = ReadmeCommands("add");
        Assert.That(commands.Select(c => string.Join(' ', c.Take(3))), Is.EqualTo(new[]
        {
            "dotnet new nugetconfig", "dotnet nuget add", "dotnet add package",
        }), "The README's 'install: add' block changed: check that this test still says what a user does.");
        foreach (string[] command in commands)
        {
            Run(string.Join(' ', command), app, command[0], environment, command.Skip(1).Select(MapPackageFolder).ToArray());
        }

        // The version the README's commands chose, taken from the local folder (not from nuget.org).
        XElement project = XElement.Load(Path.Combine(app, "MyGame.csproj"));
        XElement reference = project.Descendants("PackageReference").Single(e => (string?)e.Attribute("Include") == PackageId);
        Assert.That((string?)reference.Attribute("Version"), Is.EqualTo(_version));
        string restored = Path.Combine(packages, "yieldloop", _version.ToLowerInvariant());
        Assert.That(File.ReadAllText(Path.Combine(restored, ".nupkg.metadata")), Does.Contain(_feed.Replace("\\", "\\\\")),
            "The package should come from the folder the README's commands added.");

        File.WriteAllText(Path.Combine(app, "Program.cs"), FirstExample());

        // A user's mistake, for the package's analyzers to catch: a coroutine called and dropped never runs (YL0001).
        File.WriteAllText(Path.Combine(app, "Mistake.cs"), """
            using System.Collections.Generic;
            using YieldLoop;

            internal static class Mistake
            {
                public static void Forget()
                {
                    Wait();
                }

                private static IEnumerator<IAwaitable> Wait()
                {
                    yield return Co.NextTick;
                }
            }
            """);

        ProcessResult build = Run("build the console project", app, "dotnet", environment,
            "build", "-c", "Release", "-nodeReuse:false");
        if (File.Exists(Path.Combine(_repositoryRoot, "Engine.Analyzers", "Engine.Analyzers.csproj")))
        {
            // CS8032: an analyzer that cannot be loaded; AD0001: an analyzer that threw.
            Assert.That(build.Output, Does.Contain("warning YL0001"), "The package's analyzers did not run:\n" + build.Output);
            Assert.That(build.Output, Does.Not.Contain("CS8032").And.Not.Contain("AD0001"), build.Output);
        }

        string output = Path.Combine(app, "bin", "Release", "net10.0");
        ProcessResult run = Run("run the first example", app, "dotnet", environment, Path.Combine(output, "MyGame.dll"));

        Assert.That(run.ExitCode, Is.Zero);
        Assert.That(run.Output.Trim(), Is.EqualTo("The answer is 42."));
        Assert.That(FileVersionInfo.GetVersionInfo(Path.Combine(output, "YieldLoop.dll")).ProductVersion,
            Is.EqualTo($"{_version}+{_commit}"), "The engine that ran should be the one just packed.");
    }

    /// <summary>The commands of the README's <c>&lt;!-- install: name --&gt;</c> block, each split into its words (the
    /// README's commands need no quoting).</summary>
    private static string[][] ReadmeCommands(string name)
    {
        string[] lines = File.ReadAllLines(Path.Combine(DocSnippets.RepositoryRoot(), "README.md"));
        int marker = Array.IndexOf(lines, $"<!-- install: {name} -->");
        Assert.That(marker, Is.GreaterThanOrEqualTo(0), $"README.md has no '<!-- install: {name} -->' block.");
        Assert.That(lines[marker + 1], Is.EqualTo("```sh"), $"The '<!-- install: {name} -->' marker should precede a ```sh block.");
        var commands = new List<string[]>();
        for (int i = marker + 2; lines[i] != "```"; i++)
        {
            if (lines[i].Trim().Length > 0 && !lines[i].TrimStart().StartsWith('#'))
            {
                commands.Add(lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return commands.ToArray();
    }

    /// <summary>The README's package folder (<c>artifacts/packages</c> in the clone) is this test's own folder.</summary>
    private string MapPackageFolder(string argument) =>
        argument == "artifacts/packages" || argument.EndsWith("/YieldLoop/artifacts/packages", StringComparison.Ordinal)
            ? _feed
            : argument;

    /// <summary>The README's first example (its "A first example" section), a complete Program.cs.</summary>
    private static string FirstExample()
    {
        string readme = File.ReadAllText(Path.Combine(DocSnippets.RepositoryRoot(), "README.md"));
        int section = readme.IndexOf("\n## A first example\n", StringComparison.Ordinal);
        Assert.That(section, Is.GreaterThanOrEqualTo(0), "README.md has no 'A first example' section.");
        return FirstCsharpBlock(readme.Substring(section));
    }

    private static string FirstCsharpBlock(string markdown)
    {
        int open = markdown.IndexOf("```csharp\n", StringComparison.Ordinal);
        Assert.That(open, Is.GreaterThanOrEqualTo(0), "No ```csharp block.");
        int start = open + "```csharp\n".Length;
        int close = markdown.IndexOf("\n```", start, StringComparison.Ordinal);
        return markdown.Substring(start, close - start + 1);
    }

    /// <summary>
    /// The artifacts folder these tests were built into (<c>dotnet test --artifacts-path X</c> puts them in
    /// X/bin/Engine.Tests/debug), or null for the usual layout (Engine.Tests/bin/Debug/net10.0).
    /// </summary>
    /// <remarks>
    /// The pack writes its Release build where the tests' own build went: in CI that is the work tree, which
    /// <c>.ci/run</c> has just built in Release, so the pack only compiles what changed; a developer who builds into a
    /// folder of their own keeps the pack there too, out of the work tree that others may be building in.
    /// </remarks>
    internal static string? ArtifactsRoot(string testDirectory)
    {
        DirectoryInfo? project = Directory.GetParent(testDirectory);
        DirectoryInfo? bin = project?.Parent;
        return project?.Name == "Engine.Tests" && bin?.Name == "bin" ? bin.Parent?.FullName : null;
    }

    private string Meta(string name)
    {
        XElement element = _metadata.Element(Ns(_metadata) + name)
            ?? throw new AssertionException($"The .nuspec has no <{name}> element.");
        return element.Value;
    }

    internal static ProcessResult Run(string step, string directory, string fileName, params string[] arguments)
        => Run(step, directory, fileName, new Dictionary<string, string?>(), arguments);

    /// <summary>Runs a child process to its end within <see cref="ProcessTimeout"/>; fails the test if it fails.</summary>
    /// <remarks>Also used by <see cref="UnityPackageTests"/>.</remarks>
    internal static ProcessResult Run(
        string step, string directory, string fileName, Dictionary<string, string?> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The test host inherits `dotnet test`'s MSBuild settings (MSBuildExtensionsPath, MSBuildSDKsPath,
        // MSBuildLoadMicrosoftTargetsReadOnly, DOTNET_HOST_PATH, VSTEST_*: seen here). They name the SDK that runs the
        // tests; a nested dotnet that resolved another SDK (a global.json) would load that one's targets from the
        // wrong place, so the child starts without them, as a user's shell would.
        foreach (string key in info.Environment.Keys.ToArray())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("VSTEST_", StringComparison.OrdinalIgnoreCase)
                || key is "DOTNET_HOST_PATH" or "MSBUILD_EXE_PATH" or "NUGET_PACKAGES")
            {
                info.Environment.Remove(key);
            }
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No MSBuild node or server may outlive the child: it would keep the output pipes open and use the machine.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        foreach (KeyValuePair<string, string?> pair in environment)
        {
            info.Environment[pair.Key] = pair.Value;
        }

        var output = new StringBuilder();
        var outputClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errorClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data, outputClosed);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data, errorClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // WaitForExit(timeout) does not wait for the pipes to close, so a process the build leaves running on purpose
        // (the compiler server) cannot hang the test while it holds them; then the last lines get a moment to arrive.
        if (!process.WaitForExit(ProcessTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
            Assert.Fail($"{step} did not finish within {ProcessTimeout.TotalMinutes} minutes:\n{Text(output)}");
        }

        Task.WaitAll([outputClosed.Task, errorClosed.Task], TimeSpan.FromSeconds(10));
        stopwatch.Stop();
        string text = Text(output);
        TestContext.Progress.WriteLine($"Package tests: {step} took {stopwatch.Elapsed.TotalSeconds:F1} s.");
        if (process.ExitCode != 0)
        {
            Assert.Fail($"{step} failed with exit code {process.ExitCode}:\n{text}");
        }

        return new ProcessResult(process.ExitCode, text);
    }

    private static void Append(StringBuilder output, string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult(); // the stream reached its end
            return;
        }

        // Called on two reader threads at once (standard output and error).
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    internal sealed record ProcessResult(int ExitCode, string Output);
}
