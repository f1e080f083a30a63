using System;
using System.Globalization;
using System.IO;

namespace YieldLoop.Demos.Rollback;

/// <summary>
/// Rollback netcode on checkpoints: two players duel on a line; player 2's inputs reach player 1's machine 1 to 8
/// frames late, so the simulation predicts them, and on every late input that differs from its prediction restores the
/// loop to that frame and simulates up to the present again. It ends in the same state as a run with no delay.
/// </summary>
internal sealed class RollbackDemo : IDemo
{
    /// <summary>The seed of the demo's input script and delays.</summary>
    public const int Seed = 2026;

    /// <summary>The number of frames played: the match (until the arena has closed in <see cref="Arena.Shrinks"/> times)
    /// and a second more: the match timer starts in the first frame's tick, so the last shrink and the final whistle
    /// come a frame after 30 s; in the extra second the cooldowns run out and the loop empties.</summary>
    public static readonly int MatchFrames = (int)Math.Round(((Arena.Shrinks * Arena.ShrinkEvery.TotalSeconds) + 1) * Arena.FramesPerSecond);

    /// <inheritdoc/>
    public string Name => "rollback";

    /// <inheritdoc/>
    public string Description => "Rollback netcode on checkpoints: late inputs, restore, resimulate.";

    /// <inheritdoc/>
    public int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var script = new InputScript(Seed, MatchFrames);
        output.WriteLine("rollback: a duel whose player 2 is on the other side of a slow network");
        output.WriteLine();
        output.WriteLine(Invariant($"Two players on a line of {Arena.Width} cells, {Arena.FramesPerSecond} frames a second, {MatchFrames} frames. Each"));
        output.WriteLine("player's brain, dash, cooldown, reload and shots are coroutines; every 6 s the");
        output.WriteLine(Invariant($"walls close in. Inputs come from a script (seed {Seed}); player 2's arrive 1 to 8"));
        output.WriteLine("frames late. Until then the game predicts them (the last input, repeated), and");
        output.WriteLine("when one turns out different it restores the checkpoint of that frame and");
        output.WriteLine("simulates up to the present again:");
        output.WriteLine();
        output.WriteLine("  loop.Checkpoint(ring[frame % 9]);   every frame, into reused checkpoints");
        output.WriteLine("  loop.Restore(ring[wrong % 9]);      coroutines, timers, fighters: all back");
        output.WriteLine("  for (f = wrong; f < now; f++) Simulate(f);");
        output.WriteLine();

        RollbackRun reference = RollbackSession.PlayWithoutDelay(script);
        RollbackRun rollback = RollbackSession.PlayWithDelay(script);
        foreach (string line in rollback.FirstRollbacks)
        {
            output.WriteLine("  " + line);
        }

        output.WriteLine("  ...");
        output.WriteLine();
        Print(output, "No delay (reference)", reference.Final);
        Print(output, "Late inputs, rollback", rollback.Final);
        output.WriteLine();
        output.WriteLine(Invariant($"Rollbacks            {rollback.Rollbacks} in {MatchFrames} frames, deepest {rollback.MaxDepth} frames"));
        output.WriteLine(Invariant($"Resimulated frames   {rollback.ResimulatedFrames} ({(double)rollback.ResimulatedFrames / MatchFrames:0.0} per frame)"));
        output.WriteLine(Invariant($"Predictions right    {rollback.RightPredictions} of {rollback.LateInputs} late inputs"));
        output.WriteLine(Invariant($"Checkpoint           {Micros(rollback.CheckpointTime, rollback.Checkpoints)} per frame ({rollback.Checkpoints} taken; as measured)"));
        output.WriteLine(Invariant($"Restore              {Micros(rollback.RestoreTime, rollback.Rollbacks)} per rollback (as measured)"));

        int same = 0;
        for (int frame = 0; frame < MatchFrames; frame++)
        {
            same += reference.History[frame] == rollback.History[frame] ? 1 : 0;
        }

        output.WriteLine(Invariant($"Same as reference    {same} of {MatchFrames} frames, compared frame by frame"));
        bool match = reference.Final == rollback.Final && same == MatchFrames;
        output.WriteLine();
        output.WriteLine("match: " + (match ? "yes" : "no"));
        foreach (Exception failure in reference.Failures)
        {
            output.WriteLine($"rollback: a coroutine failed in the reference run: {failure.GetType().Name}: {failure.Message}");
        }

        foreach (Exception failure in rollback.Failures)
        {
            output.WriteLine($"rollback: a coroutine failed in the rollback run: {failure.GetType().Name}: {failure.Message}");
        }

        return match && reference.Failures.Count == 0 && rollback.Failures.Count == 0 ? 0 : 1;
    }

    private static void Print(TextWriter output, string title, ArenaState state)
    {
        output.WriteLine($"{title}: {state.Draw()}");
        output.WriteLine("  " + state.Describe());
        output.WriteLine("  P1 " + state.One.Describe());
        output.WriteLine("  P2 " + state.Two.Describe());
    }

    private static string Micros(TimeSpan total, int count) =>
        count == 0 ? "-" : (total.TotalMilliseconds * 1000 / count).ToString("0.0", CultureInfo.InvariantCulture) + " us";

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
