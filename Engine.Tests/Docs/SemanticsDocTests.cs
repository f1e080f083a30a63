using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace YieldLoop.Tests.Docs;

/// <summary>
/// The behaviour contract lives in docs/semantics.md, and the code and tests cite its rules by number: every number
/// they cite is defined there, and no number is defined twice.
/// </summary>
/// <remarks>
/// A citation is an upper-case R, one to three digits and an optional "b", standing alone or between underscores, so
/// both a comment's "(R30)" and a test name's "..._R25_R21" count; the letters and digits around it must not continue
/// a longer word. A definition is a paragraph that starts with the number in bold and a full stop ("**R30.**").
/// </remarks>
public class SemanticsDocTests
{
    private static readonly Regex Citation = new(@"(?<![A-Za-z0-9])R\d{1,3}b?(?![A-Za-z0-9])", RegexOptions.CultureInvariant);

    private static readonly Regex Definition = new(@"^\*\*(R\d{1,3}b?)\.\*\*", RegexOptions.CultureInvariant | RegexOptions.Multiline);

    private static string Root => DocSnippets.RepositoryRoot();

    private static string ContractPath => Path.Combine(Root, "docs", "semantics.md");

    /// <summary>The rule numbers defined in the contract, each with the lines that define it.</summary>
    private static Dictionary<string, List<int>> Definitions()
    {
        string text = File.ReadAllText(ContractPath);
        var definitions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (Match match in Definition.Matches(text))
        {
            int line = 1 + text.AsSpan(0, match.Index).Count('\n');
            string rule = match.Groups[1].Value;
            if (!definitions.TryGetValue(rule, out List<int>? lines))
            {
                definitions.Add(rule, lines = new List<int>());
            }

            lines.Add(line);
        }

        return definitions;
    }

    /// <summary>Every rule number cited in a .cs file under Engine/ or Engine.Tests/ (build output left out), with the
    /// first place that cites it.</summary>
    private static SortedDictionary<string, string> Citations()
    {
        var cited = new SortedDictionary<string, string>(Comparer<string>.Create(CompareRules));
        foreach (string folder in new[] { "Engine", "Engine.Tests" })
        {
            string[] files = Directory.GetFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories);
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string file in files)
            {
                string relative = Path.GetRelativePath(Root, file).Replace('\\', '/');
                if (relative.Split('/').Any(part => part is "bin" or "obj"))
                {
                    continue;
                }

                string[] lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    foreach (Match match in Citation.Matches(lines[i]))
                    {
                        cited.TryAdd(match.Value, $"{relative}:{i + 1}");
                    }
                }
            }
        }

        return cited;
    }

    /// <summary>Orders rule numbers as the contract does: by number, then the lettered rule after its base rule.</summary>
    private static int CompareRules(string a, string b)
    {
        static (int Number, string Suffix) Parse(string rule)
        {
            string digits = rule.Substring(1).TrimEnd('b');
            return (int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture), rule.EndsWith('b') ? "b" : string.Empty);
        }

        (int na, string sa) = Parse(a);
        (int nb, string sb) = Parse(b);
        return na != nb ? na.CompareTo(nb) : string.CompareOrdinal(sa, sb);
    }

    [Test]
    public void EveryRuleNumberCitedInTheEngineOrItsTests_IsDefinedInDocsSemanticsMd()
    {
        Dictionary<string, List<int>> defined = Definitions();
        SortedDictionary<string, string> cited = Citations();
        string[] missing = cited.Where(c => !defined.ContainsKey(c.Key)).Select(c => $"{c.Key} (cited in {c.Value})").ToArray();

        Assert.That(cited, Is.Not.Empty, "no rule citation was found under Engine/ or Engine.Tests/: is the repository root right?");
        Assert.That(
            missing,
            Is.Empty,
            "docs/semantics.md defines no rule (a paragraph starting with **Rnn.**) for these cited numbers:\n  "
            + string.Join("\n  ", missing));
    }

    [Test]
    public void NoRuleNumber_IsDefinedTwiceInDocsSemanticsMd()
    {
        Dictionary<string, List<int>> defined = Definitions();
        string[] twice = defined.Where(d => d.Value.Count > 1)
                                .OrderBy(d => d.Key, Comparer<string>.Create(CompareRules))
                                .Select(d => $"{d.Key} (lines {string.Join(", ", d.Value)})")
                                .ToArray();

        Assert.That(defined, Is.Not.Empty, "docs/semantics.md defines no rule (a paragraph starting with **Rnn.**)");
        Assert.That(twice, Is.Empty, "docs/semantics.md defines these rule numbers more than once:\n  " + string.Join("\n  ", twice));
    }

    [Test]
    public void ACitation_IsFoundInACommentAndInATestName_ButNotInsideALongerWord()
    {
        string[] found = Citation.Matches("// (R30) R1b; Cancel_It_R25_R21(); HR30 R30x R2000 Rx").Select(m => m.Value).ToArray();

        Assert.That(found, Is.EqualTo(new[] { "R30", "R1b", "R25", "R21" }));
    }

    [Test]
    public void EveryRule_HasAnAnchorNamedAfterIt_SoUserDocsCanLinkToIt()
    {
        string text = File.ReadAllText(ContractPath);
        foreach (string rule in Definitions().Keys)
        {
            Assert.That(text, Does.Contain($"**{rule}.**<a id=\"{rule.ToLowerInvariant()}\"></a>"),
                $"Rule {rule} has no anchor; user docs link to it as semantics.md#{rule.ToLowerInvariant()}.");
        }
    }

    /// <summary>User docs speak to users: a rule number appears only as a link to its rule (<c>[R30](semantics.md#r30)</c>),
    /// never bare, and never inside code; an issue number never. design.md and performance.md are for contributors.</summary>
    [Test]
    public void UserDocs_CiteRulesOnlyAsLinksToTheirRule_AndNoIssueNumbers()
    {
        var files = new List<string> { Path.Combine(Root, "README.md") };
        files.AddRange(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Where(f =>
            Path.GetFileName(f) is not ("semantics.md" or "design.md" or "performance.md")));
        var link = new Regex(@"\[(R\d{1,3}b?)\]\((?:docs/)?semantics\.md#(r\d{1,3}b?)\)", RegexOptions.CultureInvariant);
        var issue = new Regex(@"\b[Ii]ssues? #?\d+|\(#\d+\)", RegexOptions.CultureInvariant);
        var problems = new List<string>();
        foreach (string file in files)
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                foreach (Match m in link.Matches(line))
                {
                    if (!string.Equals(m.Groups[1].Value.ToLowerInvariant(), m.Groups[2].Value, StringComparison.Ordinal))
                    {
                        problems.Add($"{Path.GetFileName(file)}:{i + 1}: {m.Value} links to another rule");
                    }
                }

                string rest = link.Replace(line, string.Empty);
                if (Citation.IsMatch(rest))
                {
                    problems.Add($"{Path.GetFileName(file)}:{i + 1}: a bare rule number: {line.Trim()}");
                }

                if (issue.IsMatch(line))
                {
                    problems.Add($"{Path.GetFileName(file)}:{i + 1}: an issue number: {line.Trim()}");
                }
            }
        }

        Assert.That(problems, Is.Empty);
    }
}
