using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace YieldLoop.Demos.Trace;

/// <summary>
/// The second part of the trace demo: a deadlock made on purpose. Two tasks, "left hand" and "right hand", each take
/// one of two locks (the fork and the knife) and then wait for the other's; the loop runs until nothing moves, and
/// <see cref="LoopDiagnostics.FindDeadlock"/> names the cycle. Closing the loop cancels the two tasks, and their
/// <c>finally</c> blocks put down what they hold.
/// </summary>
/// <remarks>Short names on purpose: the report prints the frame as <c>Hands.Reach</c>, and its tree lines stay within
/// 80 columns.</remarks>
internal static class Hands
{
    /// <summary>The name of the task that takes the fork first.</summary>
    public const string LeftHand = "left hand";

    /// <summary>The name of the task that takes the knife first.</summary>
    public const string RightHand = "right hand";

    /// <summary>Runs the example and prints the report.</summary>
    /// <param name="output">Where to print.</param>
    /// <returns>True when the loop was found stuck (as it should be).</returns>
    public static bool Run(TextWriter output)
    {
        var loop = new EventLoop(new ManualClock { AutoJump = true }, "hands");
        var fork = new CoLock(loop);
        var knife = new CoLock(loop);
        loop.Start(Reach(output, LeftHand, fork, "fork", knife), LeftHand);
        loop.Start(Reach(output, RightHand, knife, "knife", fork), RightHand);

        // RunUntilIdle returns when nothing is ready and no timer is pending, even with tasks still waiting.
        loop.RunUntilIdle();
        DeadlockReport? report = loop.Diagnostics.FindDeadlock();
        bool stuck = report is not null;
        if (report is null)
        {
            output.WriteLine("loop.Diagnostics.FindDeadlock() found no deadlock: the hands got both locks.");
        }
        else
        {
            output.WriteLine($"The loop stopped moving at {report.Time.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s. loop.Diagnostics.FindDeadlock():");
            output.WriteLine();
            EngineText.Write(output, report.ToString());
            output.WriteLine();
            output.WriteLine("The tree is the wait-for graph: each hand waits for a lock the other holds.");
        }

        output.WriteLine("loop.Close() cancels what is still pending; the finally blocks run:");
        output.WriteLine();
        IReadOnlyList<Future> cancelled = loop.Close();
        output.WriteLine();
        output.WriteLine($"Close() returned {cancelled.Count} cancelled tasks.");
        return stuck;
    }

    // Takes the first lock, and a second later reaches for the other. Started for both hands with the locks the other
    // way round, each ends up holding what the other needs.
    private static IEnumerator<IAwaitable> Reach(TextWriter output, string hand, CoLock first, string firstName, CoLock second)
    {
        yield return first.Acquire();
        try
        {
            yield return Co.Sleep(TimeSpan.FromSeconds(1));   // time for the other hand to take its own
            yield return second.Acquire();
            second.Release();   // never reached: the other hand never lets go
        }
        finally
        {
            first.Release();
            output.WriteLine($"  finally of '{hand}' ran: it put down the {firstName}.");
        }
    }
}
