using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Painting;

/// <summary>
/// The job: <see cref="WallCount"/> walls need <see cref="CoatCount"/> coats each. A coat keeps the one painter busy
/// for <see cref="PaintTime"/>, then dries for <see cref="DryTime"/> before the next coat can go on. Beside the job a
/// <see cref="Radio"/> plays on the same loop. The job runs three ways: blocking (<see cref="RunBlocking"/>),
/// non-blocking but sequential (<see cref="RunSequential"/>), and concurrent (<see cref="RunConcurrent"/>).
/// </summary>
internal sealed class PaintingJob
{
    /// <summary>The simulated time between two ticks of the loop: the radio's beat.</summary>
    public static readonly TimeSpan TickTime = Radio.BeatInterval;

    /// <summary>One column of the timeline; the job's times are whole columns.</summary>
    public static readonly TimeSpan ColumnTime = TimeSpan.FromMinutes(5);

    /// <summary>Creates a job; both times must be whole columns (see <see cref="ColumnTime"/>).</summary>
    /// <param name="wallCount">How many walls, 1 to 26.</param>
    /// <param name="coatCount">How many coats each wall needs, at least 1.</param>
    /// <param name="paintTime">How long a coat keeps the painter busy.</param>
    /// <param name="dryTime">How long a coat dries before the next one.</param>
    public PaintingJob(int wallCount, int coatCount, TimeSpan paintTime, TimeSpan dryTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wallCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(wallCount, 26);
        ArgumentOutOfRangeException.ThrowIfLessThan(coatCount, 1);
        CheckWholeColumns(paintTime, nameof(paintTime));
        CheckWholeColumns(dryTime, nameof(dryTime));
        WallCount = wallCount;
        CoatCount = coatCount;
        PaintTime = paintTime;
        DryTime = dryTime;
    }

    /// <summary>Gets the job the demo shows: 3 walls, 3 coats, 10 minutes to paint a coat, 20 to dry.</summary>
    public static PaintingJob Default { get; } = new(3, 3, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20));

    /// <summary>Gets how many walls there are.</summary>
    public int WallCount { get; }

    /// <summary>Gets how many coats each wall needs.</summary>
    public int CoatCount { get; }

    /// <summary>Gets how long a coat keeps the painter busy.</summary>
    public TimeSpan PaintTime { get; }

    /// <summary>Gets how long a coat dries before the next one can go on.</summary>
    public TimeSpan DryTime { get; }

    /// <summary>
    /// Runs the job blocking: one task paints the walls in turn, and while a coat dries its step does not yield (as
    /// with <c>Thread.Sleep</c>): the loop is stuck in that step, and nothing else on it runs, not even the radio.
    /// </summary>
    /// <returns>How long it took, and the timeline.</returns>
    public PaintingRun RunBlocking() => Run(Mode.Blocking);

    /// <summary>
    /// Runs the job non-blocking but sequential: one task paints the walls in turn and yields while a coat dries. The
    /// loop runs the radio meanwhile; the walls are still done one after another, since the one task waits.
    /// </summary>
    /// <returns>How long it took, and the timeline.</returns>
    public PaintingRun RunSequential() => Run(Mode.Sequential);

    /// <summary>
    /// Runs the job concurrently: one task per wall. While a wall dries, its task sleeps and the loop runs the others,
    /// so the painter moves on to another wall, and the radio plays throughout.
    /// </summary>
    /// <returns>How long it took, and the timeline.</returns>
    public PaintingRun RunConcurrent() => Run(Mode.Concurrent);

    private PaintingRun Run(Mode mode)
    {
        var time = new SimulatedTime(TickTime, "painting, " + mode.ToString().ToLowerInvariant());
        var walls = new Wall[WallCount];
        for (int i = 0; i < walls.Length; i++)
        {
            walls[i] = new Wall((char)('A' + i));
        }

        var painter = new Painter(time.Loop, PaintTime);
        var radio = new Radio();
        var timeline = new Timeline(walls, radio, (int)(ColumnTime.Ticks / TickTime.Ticks));

        // The radio is started first and is no part of the job: the run waits for the walls, and closing the loop at
        // the end cancels the radio.
        time.Loop.Start(radio.Play(), "radio");

        // The three runs differ only here: one task that runs the walls in turn (blocking while paint dries, or
        // yielding), or a task per wall.
        var tasks = new List<LoopTask>();
        switch (mode)
        {
            case Mode.Blocking:
                tasks.Add(time.Loop.Start(PaintWallsInTurn(walls, wall => PaintWallBlocking(wall, painter, time)), "painter"));
                break;
            case Mode.Sequential:
                tasks.Add(time.Loop.Start(PaintWallsInTurn(walls, wall => PaintWall(wall, painter)), "painter"));
                break;
            default:
                foreach (Wall wall in walls)
                {
                    tasks.Add(time.Loop.Start(PaintWall(wall, painter), "wall " + wall.Name));
                }

                break;
        }

        TimeSpan total = time.RunUntilAllComplete(tasks, timeline.Record);
        return new PaintingRun(total, painter.BusyTime, timeline);
    }

    // One task for all walls: Co.Call runs a wall's coroutine inline and resumes here only when it has ended, drying
    // included. Whether the loop can run anything else meanwhile depends on how the wall's coroutine waits.
    private static IEnumerator<IAwaitable> PaintWallsInTurn(Wall[] walls, Func<Wall, IEnumerator<IAwaitable>> paintWall)
    {
        foreach (Wall wall in walls)
        {
            yield return Co.Call(paintWall(wall));
        }
    }

    // One wall, coat after coat, waiting for the paint to dry inside the step: the loop's thread is busy waiting, as
    // with Thread.Sleep(DryTime), and the loop can run nothing else until the step ends.
    private IEnumerator<IAwaitable> PaintWallBlocking(Wall wall, Painter painter, SimulatedTime time)
    {
        for (int coat = 1; coat <= CoatCount; coat++)
        {
            yield return Co.Call(painter.PaintCoat(wall));

            wall.Activity = WallActivity.Drying;
            time.Block(DryTime);        // Thread.Sleep(DryTime): no yield, so the loop waits with this step
            wall.Activity = WallActivity.Idle;

            // The step ends here, so that the next coat's sleep counts from the clock's new time: within a tick, every
            // step sees the tick's time (R10), which the block has left behind.
            yield return Co.NextTick;
        }
    }

    // One wall, coat after coat, yielding while a coat dries. Called in turn by one task, it only lets the loop run
    // the radio; started as a task of its own per wall, it lets the loop run the other walls' tasks too: that is the
    // whole trick of concurrency.
    private IEnumerator<IAwaitable> PaintWall(Wall wall, Painter painter)
    {
        for (int coat = 1; coat <= CoatCount; coat++)
        {
            yield return Co.Call(painter.PaintCoat(wall));

            wall.Activity = WallActivity.Drying;
            yield return Co.Sleep(DryTime);
            wall.Activity = WallActivity.Idle;
        }
    }

    private static void CheckWholeColumns(TimeSpan duration, string name)
    {
        if (duration <= TimeSpan.Zero || duration.Ticks % ColumnTime.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(name, duration,
                $"The demo's timeline has columns of {ColumnTime.TotalMinutes} minutes; give a positive whole number of them.");
        }
    }

    private enum Mode
    {
        Blocking,
        Sequential,
        Concurrent,
    }
}
