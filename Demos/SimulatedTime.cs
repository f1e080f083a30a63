using System;
using System.Collections.Generic;

namespace YieldLoop.Demos;

/// <summary>
/// An <see cref="EventLoop"/> on a <see cref="ManualClock"/> that the demo moves on by a fixed step after each tick:
/// hours of simulated time pass in a blink, and every run prints the same.
/// </summary>
/// <remarks>
/// A sleep resumes in the first tick at or past its deadline (rule R7), so deadlines that are whole steps are met
/// exactly. A game host drives its loop the same way, with the frame time as the step.
/// </remarks>
internal sealed class SimulatedTime
{
    private readonly ManualClock _clock = new();

    /// <summary>Creates a loop, named <paramref name="loopName"/>, on a manual clock that starts at zero.</summary>
    /// <param name="step">How far the clock moves between two ticks.</param>
    /// <param name="loopName">The loop's name, for messages.</param>
    public SimulatedTime(TimeSpan step, string loopName)
    {
        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The step of simulated time must be positive.");
        }

        Step = step;
        Loop = new EventLoop(_clock, loopName);
    }

    /// <summary>Gets the loop; start the demo's tasks on it.</summary>
    public EventLoop Loop { get; }

    /// <summary>Gets how far the clock moves between two ticks.</summary>
    public TimeSpan Step { get; }

    /// <summary>
    /// Ticks, then moves the clock one step, until every task in <paramref name="tasks"/> has completed; then closes
    /// the loop and returns the time of the tick in which the last task completed.
    /// </summary>
    /// <param name="tasks">The tasks to wait for.</param>
    /// <param name="afterTick">Called after every tick that leaves a task pending, before the clock moves: it sees
    /// what the coroutines are doing during the step that follows.</param>
    /// <param name="maxSteps">A guard against a demo that never ends.</param>
    /// <returns>The simulated time at which the last task completed.</returns>
    /// <exception cref="InvalidOperationException">The tasks did not complete within <paramref name="maxSteps"/> steps.</exception>
    /// <remarks>A task that failed throws its exception from here, once the loop is closed.</remarks>
    public TimeSpan RunUntilAllComplete(IReadOnlyList<LoopTask> tasks, Action afterTick, int maxSteps = 100_000)
    {
        for (int step = 0; ; step++)
        {
            Loop.Tick();
            if (AllCompleted(tasks))
            {
                break;
            }

            if (step == maxSteps)
            {
                throw new InvalidOperationException(
                    $"The tasks of loop '{Loop.Name}' did not complete within {maxSteps} steps of {Step}.");
            }

            afterTick();
            _clock.Advance(Step);
        }

        TimeSpan end = Loop.Time;
        Loop.Close();
        foreach (LoopTask task in tasks)
        {
            task.GetResult();   // a failed task fails the demo, with its own exception
        }

        return end;
    }

    private static bool AllCompleted(IReadOnlyList<LoopTask> tasks)
    {
        foreach (LoopTask task in tasks)
        {
            if (!task.IsCompleted)
            {
                return false;
            }
        }

        return true;
    }
}
