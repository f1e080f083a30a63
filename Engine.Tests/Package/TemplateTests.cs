using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using NUnit.Framework;
using YieldLoop.Tests.Docs;

namespace YieldLoop.Tests.Package;

/// <summary>
/// The <c>dotnet new</c> templates as a user gets them: packs the engine and <c>templates/</c> into a folder feed
/// (<c>dotnet pack Engine -c Release -o feed</c>, <c>dotnet pack templates -c Release -o feed</c>), installs the
/// template package into a private <c>dotnet new</c> hive (<c>--debug:custom-hive</c>, so the user's own templates are
/// never touched), then creates a project from each template with <c>--feed</c>, builds it against the feed into an
/// empty package folder, runs it, and checks what it prints.
/// </summary>
/// <remarks>
/// The engine is packed here again rather than shared with <see cref="PackageTests"/>: each fixture owns and deletes
/// its temporary folder. After CI's Release build the two packs take seconds; the builds of the two projects and the
/// game's 4.5 s of real time make up most of the run.
/// </remarks>
[TestFixture]
[Category("Package")]
[NonParallelizable]
public sealed class TemplateTests
{
    private const string TemplatePackageId = "YieldLoop.Templates";
    private static readonly string[] ShortNames = ["yieldloop-console", "yieldloop-game"];

    private string _work = string.Empty;
    private string _feed = string.Empty;
    private string _hive = string.Empty;
    private string _apps = string.Empty;
    private string _templatePackage = string.Empty;
    private string _version = string.Empty;
    private string _installOutput = string.Empty;
    private readonly Dictionary<string, string?> _environment = new();

    [OneTimeSetUp]
    public void PackAndInstallOnce()
    {
        string root = DocSnippets.RepositoryRoot();
        _work = Path.Combine(Path.GetTempPath(), "yieldloop-templates-" + Guid.NewGuid().ToString("N")[..12]);
        _feed = Path.Combine(_work, "feed");
        _hive = Path.Combine(_work, "hive");
        _apps = Path.Combine(_work, "apps");
        Directory.CreateDirectory(_feed);
        Directory.CreateDirectory(_apps);

        // The projects the templates make are a user's: none of the repository's build settings may reach them.
        File.WriteAllText(Path.Combine(_apps, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(_apps, "Directory.Build.targets"), "<Project />\n");
        _environment["NUGET_PACKAGES"] = Path.Combine(_work, "nuget-packages");

        string? artifacts = PackageTests.ArtifactsRoot(TestContext.CurrentContext.TestDirectory);
        Pack(root, "Engine", artifacts);
        Pack(root, "templates", artifacts);

        string[] packages = Directory.GetFiles(_feed, TemplatePackageId + ".*.nupkg");
        Assert.That(packages, Has.Length.EqualTo(1), "dotnet pack templates should write exactly one .nupkg.");
        _templatePackage = packages[0];
        _version = Path.GetFileNameWithoutExtension(_templatePackage)[(TemplatePackageId.Length + 1)..];
        Assert.That(File.Exists(Path.Combine(_feed, $"YieldLoop.{_version}.nupkg")), Is.True,
            "The engine and the templates should carry the one version of Directory.Build.props.");

        _installOutput = PackageTests.Run("dotnet new install", _work, "dotnet", _environment,
            "new", "install", _templatePackage, "--debug:custom-hive", _hive).Output;
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
    public void TheTemplatePackage_IsATemplatePackage_WithBothTemplatesAndNoAssembly()
    {
        using ZipArchive zip = ZipFile.OpenRead(_templatePackage);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();

        XElement nuspec;
        using (Stream stream = zip.GetEntry(TemplatePackageId + ".nuspec")!.Open())
        {
            nuspec = XElement.Load(stream);
        }

        XNamespace ns = nuspec.Name.Namespace;
        Assert.That(nuspec.Descendants(ns + "packageType").Select(t => t.Attribute("name")?.Value), Is.EqualTo(new[] { "Template" }));
        foreach (string shortName in ShortNames)
        {
            Assert.That(entries, Does.Contain($"content/{shortName}/.template.config/template.json"));
            Assert.That(entries, Does.Contain($"content/{shortName}/Program.cs"));
        }

        Assert.That(entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal) || e.EndsWith(".dll", StringComparison.Ordinal)),
            Is.Empty, "A template package carries no assembly; the templates' code is content.");
        Assert.That(entries.Where(e => e.Contains("/bin/", StringComparison.Ordinal) || e.Contains("/obj/", StringComparison.Ordinal)),
            Is.Empty);
    }

    [TestCase("yieldloop-console", "YieldLoopConsole.csproj")]
    [TestCase("yieldloop-game", "YieldLoopGame.csproj")]
    public void TheTemplatesProject_ReferencesTheYieldLoopPackageOfThisVersion(string shortName, string project)
    {
        using ZipArchive zip = ZipFile.OpenRead(_templatePackage);
        using var reader = new StreamReader(zip.GetEntry($"content/{shortName}/{project}")!.Open());
        string text = reader.ReadToEnd();

        Assert.That(text, Does.Contain($"<PackageReference Include=\"YieldLoop\" Version=\"{_version}\" />"));
        Assert.That(text, Does.Not.Contain("YIELDLOOP_VERSION"), "the pack fills in the version");
    }

    [Test]
    public void Installing_ListsBothTemplates()
    {
        foreach (string shortName in ShortNames)
        {
            Assert.That(_installOutput, Does.Contain(shortName));
        }
    }

    [Test]
    public void TheConsoleTemplate_BuildsAgainstTheLocalFeed_AndRunsItsCoroutines()
    {
        string output = CreateBuildAndRun("yieldloop-console", "HelloLoop");

        // The ticker runs while Greet waits: its three ticks come between Greet's first line and its result.
        Assert.That(Lines(output), Is.EqualTo(new[]
        {
            "Greet waits without blocking; the ticker runs meanwhile.",
            "tick 1",
            "tick 2",
            "tick 3",
            "Hello from HelloLoop!",
        }));
    }

    [Test]
    public void TheGameTemplate_BuildsAgainstTheLocalFeed_AndPlaysTheSameEveryRun()
    {
        string output = CreateBuildAndRun("yieldloop-game", "SpaceGame");

        // 60 fixed steps a second of 1/60 s each, rounded to the clock's 100 ns: a 1 s sleep that starts in the first
        // step (at 0.0167 s) ends in step 61. The drone flies 4 cells a second.
        Assert.That(Lines(output), Is.EqualTo(new[]
        {
            "1.02 s  drone at x = 4.00  turns",
            "2.02 s  drone at x = 0.00  turns",
            "2.27 s  drone at x = 0.00  ends leg 1",
            "3.27 s  drone at x = 4.00  turns",
            "4.27 s  drone at x = 0.00  turns",
            "4.52 s  drone at x = 0.00  ends leg 2",
            "Game over after 271 fixed steps; the drone is back at x = 0.00.",
        }));
    }

    [Test]
    public void WithoutAFeed_ATemplateWritesNoNugetConfig_AndNamesTheProjectAfterTheApp()
    {
        string app = Path.Combine(_apps, "NoFeed");

        PackageTests.Run("dotnet new yieldloop-console", _work, "dotnet", _environment,
            "new", "yieldloop-console", "-n", "NoFeed", "-o", app, "--debug:custom-hive", _hive);

        Assert.That(Directory.GetFiles(app).Select(Path.GetFileName), Is.EquivalentTo(new[] { "NoFeed.csproj", "Program.cs" }));
        Assert.That(File.ReadAllText(Path.Combine(app, "Program.cs")), Does.Contain("Greet(\"NoFeed\""));
    }

    private void Pack(string root, string project, string? artifacts)
    {
        var arguments = new List<string> { "pack", Path.Combine(root, project), "-c", "Release", "-o", _feed, "-nodeReuse:false" };
        if (artifacts is not null)
        {
            arguments.Add("--artifacts-path");
            arguments.Add(artifacts);
        }

        PackageTests.Run("pack " + project, root, "dotnet", arguments.ToArray());
    }

    // dotnet new (with --feed, so the project gets a nuget.config naming the feed), dotnet build, and a run of the
    // built program; returns what it printed. The build must be free of warnings, the analyzers' included.
    private string CreateBuildAndRun(string shortName, string name)
    {
        string app = Path.Combine(_apps, name);
        PackageTests.Run("dotnet new " + shortName, _work, "dotnet", _environment,
            "new", shortName, "-n", name, "-o", app, "--feed", _feed, "--debug:custom-hive", _hive);
        Assert.That(File.ReadAllText(Path.Combine(app, "nuget.config")), Does.Contain($"value=\"{_feed}\""));

        PackageTests.ProcessResult build = PackageTests.Run("build " + name, app, "dotnet", _environment,
            "build", Path.Combine(app, name + ".csproj"), "-c", "Release", "-nodeReuse:false");
        Assert.That(build.Output, Does.Not.Contain(": warning "), build.Output);
        Assert.That(Directory.Exists(Path.Combine(_work, "nuget-packages", "yieldloop", _version.ToLowerInvariant())), Is.True,
            "YieldLoop was not restored from the local feed into the test's own package folder.");

        return PackageTests.Run("run " + name, app, "dotnet", _environment,
            Path.Combine(app, "bin", "Release", "net10.0", name + ".dll")).Output;
    }

    private static string[] Lines(string output) =>
        output.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
