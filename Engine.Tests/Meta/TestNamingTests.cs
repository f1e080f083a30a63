using System;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace YieldLoop.Tests.Meta;

/// <summary>
/// Every test method in this assembly is named in one style: PascalCase words joined by underscores, a sentence that
/// says the behaviour, and the rule numbers of docs/semantics.md last when one applies
/// (<c>CallSoon_RunsInTheNextTickNotInline_R4</c>).
/// </summary>
public class TestNamingTests
{
    /// <summary>
    /// Chunks of PascalCase words (a chunk may start with a digit after the first) joined by single underscores; a chunk
    /// that is a rule number (R, digits, an optional letter) may appear only at the end, after at least one other chunk.
    /// </summary>
    private static readonly Regex Style = new(
        @"^(?!R\d+[a-z]?(?:_|$))[A-Z][A-Za-z0-9]*(?:_(?!R\d+[a-z]?(?:_|$))[A-Z0-9][A-Za-z0-9]*)*(?:_R\d+[a-z]?)*$",
        RegexOptions.CultureInvariant);

    [TestCase("CallSoon_RunsInTheNextTickNotInline_R4", true)]
    [TestCase("Cancel_OfADelayedCallback_MeansItNeverRunsAndItsTimerLeaves_R12", true)]
    [TestCase("TimerWheel_HoldsDeadlinesUpToTheEndOfTime_R7_R10", true)]
    [TestCase("ACoroutine_RunsAcrossTwoTicks", true)]
    [TestCase("Progress_GrowsBy5PercentEveryQuarterSecond_AndStopsAt100", true)]
    [TestCase("Scope_Pauses_R1b", true)]
    [TestCase("A_coroutine_runs_across_two_ticks", false)]
    [TestCase("R33_SelfCancel_YieldedFutureIsCancelled_NotAwaited", false)]
    [TestCase("SelfCancel_R33_YieldedFutureIsCancelled", false)]
    [TestCase("R4", false)]
    [TestCase("callSoon_RunsInTheNextTick", false)]
    [TestCase("CallSoon__RunsInTheNextTick", false)]
    [TestCase("CallSoon_RunsInTheNextTick_", false)]
    [TestCase("Call-Soon_Runs", false)]
    public void TheStyle_AcceptsSentencesWithRulesLast_AndRejectsOtherShapes(string name, bool expected)
    {
        Assert.That(Style.IsMatch(name), Is.EqualTo(expected), name);
    }

    [Test]
    public void EveryTestMethod_FollowsTheNamingStyle()
    {
        MethodInfo[] tests = typeof(TestNamingTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.IsDefined(typeof(TestAttribute), inherit: false)
                        || m.IsDefined(typeof(TestCaseAttribute), inherit: false)
                        || m.IsDefined(typeof(TestCaseSourceAttribute), inherit: false))
            .ToArray();
        string[] offenders = tests.Where(m => !Style.IsMatch(m.Name))
                                  .Select(m => $"{m.DeclaringType?.FullName}.{m.Name}")
                                  .OrderBy(n => n, StringComparer.Ordinal)
                                  .ToArray();

        Assert.That(tests, Has.Length.GreaterThan(1000), "the reflection found too few test methods: is the search right?");
        Assert.That(
            offenders,
            Is.Empty,
            "these test methods are not named PascalCase_Chunks_WithTheRulesLast_R4:\n  " + string.Join("\n  ", offenders));
    }
}
