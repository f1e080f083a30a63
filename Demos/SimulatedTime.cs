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

    // What RunUntilAllComplete calls once per step of time; Block calls it too, for the steps that pass inside a step.
    private Action _afterStep = static () => { };

    // Set by Block: the current tick has already used up its time, so the next tick follows at once.
    private bool _blockedThisTick;

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
    /// <param name="afterTick">Called once for every step of time while a task is pending: after each tick, before
    /// the clock moves, it sees what the coroutines are doing during the step that follows; and from
    /// <see cref="Block"/>, for each step that passes inside a step.</param>
    /// <param name="maxSteps">A guard against a demo that never ends.</param>
    /// <returns>The simulated time at which the last task completed.</returns>
    /// <exception cref="InvalidOperationException">The tasks did not complete within <paramref name="maxSteps"/> steps.</exception>
    /// <remarks>A task that failed throws its exception from here, once the loop is closed.</remarks>
    public TimeSpan RunUntilAllComplete(IReadOnlyList<LoopTask> tasks, Action afterTick, int maxSteps = 100_000)
    {
        ArgumentNullException.ThrowIfNull(afterTick);
        _afterStep = afterTick;
        for (int step = 0; ; step++)
        {
            _blockedThisTick = false;
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

            if (_blockedThisTick)
            {
                continue;   // Block already recorded this tick's steps and moved the clock past them
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

    /// <summary>
    /// Stands for a wait that does not hand control back, called from inside a step: <c>Thread.Sleep</c>, a long
    /// computation, <c>Task.Result</c>. The clock moves on by <paramref name="duration"/> while the step goes on, so
    /// nothing else on the loop runs meanwhile; each step of time that passes is recorded as it passes (the
    /// <c>afterTick</c> of <see cref="RunUntilAllComplete"/>), showing what the others did in it: nothing.
    /// </summary>
    /// <param name="duration">How long the step blocks the loop: a positive whole number of <see cref="Step"/>s.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is not a positive whole number of
    /// steps.</exception>
    /// <remarks>
    /// <para>The tick in which the step blocks has then used up its time, so the next tick follows at once, at the
    /// clock's new time: the first chance the loop has to run anyone else, who is late by then.</para>
    /// <para>Within a tick every step sees the loop time of the tick (R10), so a coroutine that blocked should yield
    /// before it starts a timed wait (<c>yield return Co.NextTick;</c>): a sleep started in the same step would count
    /// from the tick's time, before the block.</para>
    /// </remarks>
    public void Block(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero || duration.Ticks % Step.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration,
                $"A simulated block lasts a positive whole number of steps of {Step}; give one.");
        }

        for (long i = duration.Ticks / Step.Ticks; i > 0; i--)
        {
            _afterStep();
            _clock.Advance(Step);
        }

        _blockedThisTick = true;
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
