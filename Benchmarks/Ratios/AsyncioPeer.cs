using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace YieldLoop.Benchmarks.Ratios;

/// <summary>
/// W7 (<c>asyncio</c>): runs <c>peers/asyncio_bench.py</c> with <c>python3</c> when present and divides its
/// nanoseconds per resume by the engine's (W1, W2; W3 as an extra). Skipped, and said so, without Python.
/// </summary>
internal static class AsyncioPeer
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(100);

    internal static void Run(Report report, double nextTickNs, double sleepNs, double pingPongNs)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "peers", "asyncio_bench.py");
        string? output = RunPython(script, out string? problem);
        if (output is null)
        {
            report.Row("W7 asyncio", "skipped", "-", "-", "-", ">= 300 on W1", null);
            report.Note("W7: skipped: " + problem);
            Console.WriteLine("W7 asyncio: skipped: " + problem);
            return;
        }

        using JsonDocument document = JsonDocument.Parse(output);
        JsonElement root = document.RootElement;
        string python = root.GetProperty("python").GetString() ?? "?";
        double nextTick = root.GetProperty("next_tick").GetProperty("ns_per_resume").GetDouble();
        double sleep = root.GetProperty("sleep").GetProperty("ns_per_resume").GetDouble();
        double pingPong = root.GetProperty("ping_pong").GetProperty("ns_per_resume").GetDouble();
        int n = root.GetProperty("next_tick").GetProperty("n").GetInt32();
        int sleepN = root.GetProperty("sleep").GetProperty("n").GetInt32();
        int pairs = root.GetProperty("ping_pong").GetProperty("pairs").GetInt32();

        double nextTickSpeedup = nextTick / nextTickNs;
        double sleepSpeedup = sleep / sleepNs;
        double pingPongSpeedup = pingPong / pingPongNs;
        report.Key("asyncio", "next_tick_speedup", nextTickSpeedup);
        report.Key("asyncio", "sleep_speedup", sleepSpeedup);
        report.Key("asyncio", "ping_pong_speedup", pingPongSpeedup);
        report.Key("asyncio", "next_tick_ns_per_resume", nextTick);
        report.Key("asyncio", "sleep_ns_per_resume", sleep);
        report.Key("asyncio", "ping_pong_ns_per_resume", pingPong);
        report.Key("asyncio", "next_tick_n", n);
        report.Key("asyncio", "sleep_n", sleepN);
        report.Key("asyncio", "ping_pong_pairs", pairs);

        const string name = "W7 asyncio";
        report.Row(name, "W1 ns/resume vs asyncio", Report.Format(nextTickNs), Report.Format(nextTick), Report.Format(nextTickSpeedup) + "x faster", ">= 300", nextTickSpeedup >= 300);
        report.Row(name, "W2 ns/resume vs asyncio", Report.Format(sleepNs), Report.Format(sleep), Report.Format(sleepSpeedup) + "x faster", "-", null);
        report.Row(name, "W3 ns/resume vs asyncio", Report.Format(pingPongNs), Report.Format(pingPong), Report.Format(pingPongSpeedup) + "x faster", "-", null);
        report.Note(string.Format(
            CultureInfo.InvariantCulture,
            "W7: CPython {0} asyncio at scaled-down N to stay in time: W1 {1:N0} coroutines, W2 {2:N0}, W3 {3:N0} pairs (the engine runs 100,000 / 100,000 / 50,000); a smaller N only favours asyncio.",
            python,
            n,
            sleepN,
            pairs));
    }

    private static string? RunPython(string script, out string? problem)
    {
        if (!File.Exists(script))
        {
            problem = "the script " + script + " is missing from the build output.";
            return null;
        }

        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception)
        {
            problem = "python3 was not found on PATH.";
            return null;
        }

        if (process is null)
        {
            problem = "python3 could not be started.";
            return null;
        }

        using (process)
        {
            System.Threading.Tasks.Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            System.Threading.Tasks.Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(s_timeout))
            {
                process.Kill(entireProcessTree: true);
                problem = FormattableString.Invariant($"the asyncio run took longer than {s_timeout.TotalSeconds:F0} s and was stopped.");
                return null;
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                problem = FormattableString.Invariant($"python3 exited with code {process.ExitCode}: {stderr.Result.Trim()}");
                return null;
            }

            problem = null;
            return stdout.Result;
        }
    }
}
