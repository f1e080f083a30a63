using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime;
using System.Runtime.InteropServices;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// The quick side-by-side mode of issue 3: <c>ratios [--json PATH]</c>. Runs W1..W11, each engine figure beside its
/// baseline in this process, prints a table (workload, figure, baseline, ratio, target, met?) and writes the keys
/// as JSON when asked. Finishes in well under 3 minutes on 2 cores (the elapsed time is printed); W9 and W10 add about
/// a minute each.
/// </summary>
internal static class RatiosMode
{
    internal static int Run(string[] args)
    {
        string? jsonPath = null;
        bool skipPeers = false;
        string? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json" when i + 1 < args.Length:
                    jsonPath = args[++i];
                    break;
                case "--no-peers":
                    skipPeers = true;
                    break;
                case "--only" when i + 1 < args.Length:
                    only = "," + args[++i] + ",";
                    break;
                case "--verbose":
                    Measure.Verbose = true;
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

#if DEBUG
        _ = skipPeers;   // read only by the Release branch
        Console.Error.WriteLine("The ratios mode measures Release builds only: dotnet run -c Release --project Benchmarks -- ratios");
        return 2;
#else
        return RunAll(jsonPath, skipPeers, only);
#endif
    }

    internal const string Usage =
        "usage: ratios [--json PATH] [--no-peers] [--verbose] [--only next_tick,sleep,ping_pong,nested_call,parked,scale,lifecycle,autojump,checkpoint,nito,asyncio]";

    private static int RunAll(string? jsonPath, bool skipPeers, string? only)
    {
        bool Selected(string key) => only is null || only.Contains("," + key + ",", StringComparison.Ordinal);

        long start = Stopwatch.GetTimestamp();
        Console.WriteLine(Describe());
        var report = new Report();

        double nextTick = Selected("next_tick") ? Step("W1 next_tick", () => NextTickWorkload.Run(report)) : double.NaN;
        double sleep = Selected("sleep") ? Step("W2 sleep", () => SleepWorkload.Run(report)) : double.NaN;
        double pingPong = Selected("ping_pong") ? Step("W3 ping_pong", () => PingPongWorkload.Run(report)) : double.NaN;
        if (Selected("nested_call"))
        {
            Step("W4 nested_call", () => { NestedCallWorkload.Run(report); return 0; });
        }

        if (Selected("parked") || Selected("idle"))
        {
            Step("W5/W6 parked, idle", () => { ParkedWorkload.Run(report); return 0; });
        }

        if (Selected("scale"))
        {
            Step("W8 scale", () => { ScaleWorkload.Run(report); return 0; });
        }

        if (Selected("lifecycle"))
        {
            Step("W9 lifecycle", () => { LifecycleWorkload.Run(report); return 0; });
        }

        if (Selected("autojump"))
        {
            Step("W10 autojump", () => { AutoJumpWorkload.Run(report); return 0; });
        }

        if (Selected("checkpoint"))
        {
            Step("W11 checkpoint", () => { CheckpointWorkload.Run(report); return 0; });
        }

        if (skipPeers || !Selected("nito") || double.IsNaN(nextTick))
        {
            report.Row("nito", "skipped (--no-peers, or W1 not run)", "-", "-", "-", "-", null);
        }
        else
        {
            Step("nito AsyncContext", () => { NitoPeer.Run(report, nextTick); return 0; });
        }

        if (skipPeers || !Selected("asyncio") || double.IsNaN(nextTick + sleep + pingPong))
        {
            report.Row("W7 asyncio", "skipped (--no-peers, or W1-W3 not run)", "-", "-", "-", ">= 300 on W1", null);
        }
        else
        {
            Step("W7 asyncio (python3)", () => { AsyncioPeer.Run(report, nextTick, sleep, pingPong); return 0; });
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        report.Note(FormattableString.Invariant($"Ratios mode finished in {elapsed.TotalSeconds:F0} s; {report.TargetsMissed} target(s) missed."));
        Console.WriteLine();
        Console.Write(report.Table());

        if (jsonPath is not null)
        {
            report.Key("run", "elapsed_seconds", elapsed.TotalSeconds);
            report.Key("run", "targets_missed", report.TargetsMissed);
            report.WriteJson(jsonPath);
            Console.WriteLine("Wrote " + Path.GetFullPath(jsonPath));
        }

        return 0;
    }

    private static double Step(string name, Func<double> run)
    {
        long start = Stopwatch.GetTimestamp();
        Console.Write(name + " ... ");
        double result = run();
        Console.WriteLine(FormattableString.Invariant($"{Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s"));
        return result;
    }

    /// <summary>The machine and runtime, for the record.</summary>
    internal static string Describe()
    {
        string cpu = CpuModel();
        return string.Format(
            CultureInfo.InvariantCulture,
            "YieldLoop ratios: {0}, {1} logical cores, {2}, {3}, GC {4}{5}, tiered compilation {6}, dynamic PGO {7}",
            cpu,
            System.Environment.ProcessorCount,
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription,
            GCSettings.IsServerGC ? "server" : "workstation",
            AppContext.TryGetSwitch("System.GC.Concurrent", out bool concurrent) && concurrent ? " concurrent" : " non-concurrent",
            Switch("System.Runtime.TieredCompilation"),
            Switch("System.Runtime.TieredPGO"));
    }

    private static string Switch(string name) =>
        AppContext.GetData(name) is { } value ? value.ToString() ?? "?" : "default";

    private static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line.Substring(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
