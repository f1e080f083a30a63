using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace YieldLoop.Tests;

/// <summary>
/// Every rule test of R2-R6 (a test whose name ends with one of those rules) runs again with same-tick wake-ups on
/// (R1b says they all still hold): the test's class is made, its set-up runs, the test runs with every
/// <see cref="TestLoop"/> it makes turning the option on, and its tear-down runs. Tests whose loop is not a
/// <see cref="TestLoop"/> run as they are, and still must pass.
/// </summary>
[TestFixture]
public class SameTickRuleTests
{
    private static readonly Regex s_rules = new(@"(_R\d+b?)+$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Rule tests that also assert R1's boundary, "work made ready during a tick waits for the next tick", which the
    /// option changes on purpose for wake-ups and starts; what they check of R3, R4 and R6 is checked with the option
    /// on by SameTickWakeUpsTests (FIFO behind the queued work, never inline, ten thousand tasks started and
    /// completed in waves, each once).
    /// </summary>
    private static readonly HashSet<string> s_notApplicable = new(StringComparer.Ordinal)
    {
        "CompletingAFutureAndAddingCallbacks_NeverRunUserCodeInline_R4",
        "CompletingTenThousandFuturesInsideAStep_ResumesEachWaiterOnceInCompletionOrder_R6",
        "FifoUnderMixedSources_CallbacksStartedTasksWokenTasksAndTimers_R3",
        "StartingTenThousandTasksInsideAStep_RunsEachExactlyOnceInTheNextTick_R6",
        "WorkQueuedInsideAStep_NeverRunsInsideIt_R4",
    };

    /// <summary>Whether every rule the test's name ends with is one of R2-R6.</summary>
    private static bool CitesOnlyR2ToR6(string name)
    {
        Match match = s_rules.Match(name);
        if (!match.Success)
        {
            return false;
        }

        foreach (string rule in match.Value.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            if (rule is not ("R2" or "R3" or "R4" or "R5" or "R6"))
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<TestCaseData> RuleTests() =>
        typeof(SameTickRuleTests).Assembly.GetTypes()
            .Where(type => type.IsClass && !type.IsAbstract && type != typeof(SameTickWakeUpsTests) && type.GetConstructor(Type.EmptyTypes) is not null)
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Where(method => method.GetCustomAttribute<TestAttribute>() is not null && method.GetParameters().Length == 0
                && CitesOnlyR2ToR6(method.Name) && !s_notApplicable.Contains(method.Name))
            .OrderBy(method => method.DeclaringType!.Name + "." + method.Name, StringComparer.Ordinal)
            .Select(method => new TestCaseData(method).SetName("WithSameTickWakeUps_" + method.DeclaringType!.Name + "_" + method.Name));

    [TestCaseSource(nameof(RuleTests))]
    public void RuleTest_StillPasses_WithSameTickWakeUpsOn_R1b(MethodInfo test)
    {
        object fixture = Activator.CreateInstance(test.DeclaringType!)!;
        TestLoop.SameTickWakeUps = true;
        try
        {
            Invoke<SetUpAttribute>(fixture);
            try
            {
                Run(fixture, test);
            }
            finally
            {
                Invoke<TearDownAttribute>(fixture);
            }
        }
        finally
        {
            TestLoop.SameTickWakeUps = false;
        }
    }

    [Test]
    public void RuleTests_AreFound_R1b()
    {
        Assert.That(RuleTests().Count(), Is.GreaterThanOrEqualTo(20), "the rule tests of R2-R6 are found by name");
    }

    private static void Invoke<TAttribute>(object fixture)
        where TAttribute : Attribute
    {
        foreach (MethodInfo method in fixture.GetType().GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                     .Where(m => m.GetCustomAttribute<TAttribute>() is not null))
        {
            Run(fixture, method);
        }
    }

    private static void Run(object fixture, MethodInfo method)
    {
        try
        {
            method.Invoke(fixture, null);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
        }
    }
}
