using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;

namespace YieldLoop.Demos.Offload;

/// <summary>
/// Blocking vs non-blocking, with a CPU-heavy job: a loop animates a spinner and a clock in real time while the job
/// runs, first inline on the loop thread (the animation freezes) and then offloaded to the thread pool with
/// <see cref="Co.Offload(Action)"/> (the animation goes on); the longest frame of each run shows the difference.
/// </summary>
internal sealed class OffloadDemo : IDemo
{
    /// <summary>The frame period of the animation: 25 frames per second.</summary>
    internal static readonly TimeSpan FramePeriod = TimeSpan.FromMilliseconds(40);

    /// <summary>How long the CPU-heavy job computes.</summary>
    internal static readonly TimeSpan JobTime = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(300);
    private static readonly string Spinner = "|/-\\";

    /// <inheritdoc/>
    public string Name => "offload";

    /// <inheritdoc/>
    public string Description => "Blocking vs non-blocking: offload CPU work, keep animating.";

    /// <inheritdoc/>
    public int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("Offloading CPU work: blocking vs non-blocking");
        output.WriteLine();
        output.WriteLine($"A loop draws a spinner and a clock {1000 / FramePeriod.TotalMilliseconds:0} times a second (a line every 5th");
        output.WriteLine($"frame) while a job hashes data for {JobTime.TotalSeconds:0.0} s of CPU time. The job runs twice.");
        output.WriteLine();

        output.WriteLine("Inline: the job runs in a coroutine on the loop thread:  Hash(JobTime);");
        TimeSpan inline = RunOnce(output, offload: false);
        output.WriteLine();

        output.WriteLine("Offloaded: yield return Co.Offload(() => Hash(JobTime));");
        TimeSpan offloaded = RunOnce(output, offload: true);
        output.WriteLine();

        output.WriteLine($"Inline     longest frame {Ms(inline),6} ms");
        output.WriteLine($"Offloaded  longest frame {Ms(offloaded),6} ms");
        output.WriteLine();
        output.WriteLine($"A frame is due every {Ms(FramePeriod)} ms. Inline, the job holds the loop thread, so no");
        output.WriteLine("frame is drawn until it ends: the animation freezes. Offloaded, the job runs on");
        output.WriteLine("the thread pool, the loop keeps drawing, and the coroutine resumes with the");
        output.WriteLine("result when the job is done.");
        return 0;
    }

    /// <summary>One run: animate, run the job after a short lead, animate a little more; returns the longest frame.</summary>
    private static TimeSpan RunOnce(TextWriter output, bool offload)
    {
        var loop = new EventLoop(new RealClock(), offload ? "offloaded" : "inline");
        var longest = TimeSpan.Zero;
        var wall = Stopwatch.StartNew();
        bool jobDone = false;
        LoopTask animation = loop.Start(Animate());
        loop.RunUntilComplete(Job());
        jobDone = true;
        loop.RunUntilComplete(animation);
        loop.Close();
        output.WriteLine($"  longest frame: {Ms(longest)} ms");
        return longest;

        IEnumerator<IAwaitable> Job()
        {
            yield return Co.Sleep(Lead);
            output.WriteLine($"  {Stamp(wall)}  job starts");
            if (offload)
            {
                Future<long> hashed = Co.Offload(() => Hash(JobTime));
                yield return hashed;
                output.WriteLine($"  {Stamp(wall)}  job done ({hashed.Result} blocks hashed)");
            }
            else
            {
                long blocks = Hash(JobTime);
                output.WriteLine($"  {Stamp(wall)}  job done ({blocks} blocks hashed)");
            }

            yield return Co.NextTick;   // a new tick reads the clock again: the lead is after the job
            yield return Co.Sleep(Lead);
        }

        IEnumerator<IAwaitable> Animate()
        {
            TimeSpan last = wall.Elapsed;
            Interval frame = Co.Every(FramePeriod);
            for (int n = 0; !jobDone; n++)
            {
                yield return frame;
                TimeSpan now = wall.Elapsed;
                if (now - last > longest)
                {
                    longest = now - last;
                }

                last = now;
                if (n % 5 == 0)
                {
                    output.WriteLine($"  {Stamp(wall)}  {Spinner[n / 5 % Spinner.Length]}");
                }
            }
        }
    }

    /// <summary>The CPU-heavy job: hashes blocks of data until <paramref name="time"/> has passed.</summary>
    private static long Hash(TimeSpan time)
    {
        var block = new byte[4096];
        var clock = Stopwatch.StartNew();
        long blocks = 0;
        while (clock.Elapsed < time)
        {
            SHA256.HashData(block, block.AsSpan(0, 32));   // chain: each digest feeds the next block
            blocks++;
        }

        return blocks;
    }

    private static string Stamp(Stopwatch clock) => clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static string Ms(TimeSpan time) => Math.Round(time.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
