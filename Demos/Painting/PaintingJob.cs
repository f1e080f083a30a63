using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Painting;

/// <summary>
/// The job: <see cref="WallCount"/> walls need <see cref="CoatCount"/> coats each. A coat keeps the one painter busy
/// for <see cref="PaintTime"/>, then dries for <see cref="DryTime"/> before the next coat can go on. The same job
/// runs blocking (<see cref="RunBlocking"/>) or non-blocking (<see cref="RunNonBlocking"/>).
/// </summary>
internal sealed class PaintingJob
{
    /// <summary>The simulated time between two ticks of the loop, and one column of the timeline.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(5);

    /// <summary>Creates a job; both times must be whole steps (see <see cref="Step"/>).</summary>
    /// <param name="wallCount">How many walls, 1 to 26.</param>
    /// <param name="coatCount">How many coats each wall needs, at least 1.</param>
    /// <param name="paintTime">How long a coat keeps the painter busy.</param>
    /// <param name="dryTime">How long a coat dries before the next one.</param>
    public PaintingJob(int wallCount, int coatCount, TimeSpan paintTime, TimeSpan dryTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wallCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(wallCount, 26);
        ArgumentOutOfRangeException.ThrowIfLessThan(coatCount, 1);
        CheckWholeSteps(paintTime, nameof(paintTime));
        CheckWholeSteps(dryTime, nameof(dryTime));
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
    /// Runs the job blocking: one task paints the walls one after the other and waits for every coat to dry before
    /// doing anything else.
    /// </summary>
    /// <returns>How long it took, and the timeline.</returns>
    public PaintingRun RunBlocking() => Run(blocking: true);

    /// <summary>
    /// Runs the job non-blocking: one task per wall. While a wall dries, its task sleeps and the loop runs the
    /// others, so the painter moves on to another wall.
    /// </summary>
    /// <returns>How long it took, and the timeline.</returns>
    public PaintingRun RunNonBlocking() => Run(blocking: false);

    private PaintingRun Run(bool blocking)
    {
        var time = new SimulatedTime(Step, blocking ? "painting, blocking" : "painting, non-blocking");
        var walls = new Wall[WallCount];
        for (int i = 0; i < walls.Length; i++)
        {
            walls[i] = new Wall((char)('A' + i));
        }

        var painter = new Painter(time.Loop, PaintTime);
        var timeline = new Timeline(walls);

        // The only difference between the two runs is here: one task that runs the walls in turn, or a task per wall.
        var tasks = new List<LoopTask>();
        if (blocking)
        {
            tasks.Add(time.Loop.Start(PaintWallsInTurn(walls, painter), "painter"));
        }
        else
        {
            foreach (Wall wall in walls)
            {
                tasks.Add(time.Loop.Start(PaintWall(wall, painter), "wall " + wall.Name));
            }
        }

        TimeSpan total = time.RunUntilAllComplete(tasks, timeline.Record);
        return new PaintingRun(total, painter.BusyTime, timeline);
    }

    // Blocking: Co.Call runs a wall's coroutine inline and resumes here only when it has ended, drying included.
    // While a coat dries this task sleeps, and there is no other task for the loop to run.
    private IEnumerator<IAwaitable> PaintWallsInTurn(Wall[] walls, Painter painter)
    {
        foreach (Wall wall in walls)
        {
            yield return Co.Call(PaintWall(wall, painter));
        }
    }

    // One wall, coat after coat. Started as a task of its own, its sleep while a coat dries lets the loop run the
    // other walls' tasks: that is the whole trick of non-blocking.
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

    private static void CheckWholeSteps(TimeSpan duration, string name)
    {
        if (duration <= TimeSpan.Zero || duration.Ticks % Step.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(name, duration,
                $"The demo's clock moves in steps of {Step.TotalMinutes} minutes; give a positive whole number of steps.");
        }
    }
}
