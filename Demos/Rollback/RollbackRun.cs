using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Rollback;

/// <summary>What a run of the match left: its final state and, for the run with late inputs, the netcode's work.</summary>
internal sealed class RollbackRun
{
    /// <summary>Gets or sets the arena at the end, once every input has arrived and been taken into account.</summary>
    public ArenaState Final { get; set; }

    /// <summary>Gets or sets the arena at the end of each frame, as the run finally simulated it (after the last
    /// rollback that went back over that frame).</summary>
    public ArenaState[] History { get; set; } = Array.Empty<ArenaState>();

    /// <summary>Gets or sets the number of rollbacks: restores of a checkpoint because a late input differed from the
    /// prediction.</summary>
    public int Rollbacks { get; set; }

    /// <summary>Gets or sets the frames simulated again after the rollbacks.</summary>
    public int ResimulatedFrames { get; set; }

    /// <summary>Gets or sets the deepest rollback, in frames.</summary>
    public int MaxDepth { get; set; }

    /// <summary>Gets or sets how many of player 2's inputs arrived after the frame they were for had been simulated
    /// on a prediction (all of them: every input is at least a frame late).</summary>
    public int LateInputs { get; set; }

    /// <summary>Gets or sets how many of those inputs the prediction got right (no rollback needed for them).</summary>
    public int RightPredictions { get; set; }

    /// <summary>Gets or sets the number of checkpoints taken.</summary>
    public int Checkpoints { get; set; }

    /// <summary>Gets or sets the wall-clock time spent in <c>loop.Checkpoint</c>, as measured; informative only.</summary>
    public TimeSpan CheckpointTime { get; set; }

    /// <summary>Gets or sets the wall-clock time spent in <c>loop.Restore</c>, as measured; informative only.</summary>
    public TimeSpan RestoreTime { get; set; }

    /// <summary>Gets the first rollbacks, described for the demo's output.</summary>
    public List<string> FirstRollbacks { get; } = new();

    /// <summary>Gets the exceptions coroutines failed with (none in a good run).</summary>
    public List<Exception> Failures { get; } = new();
}
