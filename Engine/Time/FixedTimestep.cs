using System;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// Turns variable frame times into a whole number of fixed steps per frame ("fix your timestep"): the host adds each
/// frame's delta and runs its fixed update that many times (for example <c>fixedUpdate.Run()</c> of a
/// <see cref="LoopPhase"/>).
/// </summary>
/// <remarks>
/// <para><b>Deterministic.</b> The accumulator is an integer count of 100 ns ticks, so the same sequence of deltas
/// always gives the same sequence of step counts, on every machine. Deltas given in seconds are rounded to the nearest
/// tick first.</para>
/// <para><b>No spiral of death.</b> A frame runs at most <see cref="MaxStepsPerFrame"/> steps. When more time has
/// piled up (a long hitch, a debugger break), the excess whole steps are dropped, counted in
/// <see cref="DroppedSteps"/>, and the fraction of a step is kept, so the simulation slows down instead of falling
/// further behind each frame.</para>
/// <para><see cref="Alpha"/> is the leftover fraction of a step, for interpolating what is drawn between the last two
/// fixed states.</para>
/// </remarks>
public sealed class FixedTimestep
{
    private readonly long _step;
    private long _accumulator;

    /// <summary>Creates a fixed timestep of <paramref name="step"/>.</summary>
    /// <param name="step">The length of one fixed step, in seconds (rounded to 100 ns: <c>1.0 / 50</c>) or as a
    /// <see cref="TimeSpan"/>; more than zero.</param>
    /// <param name="maxStepsPerFrame">The most steps one frame may run (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is zero or negative (once rounded), or a NaN
    /// or infinite number of seconds; or <paramref name="maxStepsPerFrame"/> is less than 1.</exception>
    public FixedTimestep(Duration step, int maxStepsPerFrame = 8)
    {
        long ticks;
        if (step.IsSeconds)
        {
            double seconds = step.Seconds;
            ticks = double.IsNaN(seconds) || double.IsInfinity(seconds) ? 0 : TimeMath.SecondsToTicks(seconds);
            if (ticks <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(step), seconds,
                    "A fixed step must be a finite number of seconds, at least 100 ns (for example 1.0 / 50).");
            }
        }
        else
        {
            TimeSpan span = step.Span;
            if (span <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(step), span, "A fixed step must be longer than zero (for example TimeSpan.FromSeconds(1.0 / 50)).");
            }

            ticks = span.Ticks;
        }

        if (maxStepsPerFrame < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxStepsPerFrame), maxStepsPerFrame, "A frame must be allowed at least one fixed step.");
        }

        _step = ticks;
        MaxStepsPerFrame = maxStepsPerFrame;
    }

    /// <summary>Gets the length of one fixed step.</summary>
    public TimeSpan Step => new(_step);

    /// <summary>Gets the most steps one frame may run.</summary>
    public int MaxStepsPerFrame { get; }

    /// <summary>Gets the time accumulated and not yet consumed by a step (always less than <see cref="Step"/>).</summary>
    public TimeSpan Accumulated => new(_accumulator);

    /// <summary>Gets the leftover fraction of a step, in [0, 1): how far the present lies between the last two steps.</summary>
    public double Alpha
    {
        get
        {
            // The quotient is rounded: with a step near TimeSpan.MaxValue, an accumulator a few ticks short of it reads as 1.
            double alpha = (double)_accumulator / _step;
            return alpha < 1.0 ? alpha : LargestBelowOne;
        }
    }

    private const double LargestBelowOne = 1.0 - (1.0 / (1L << 53));

    /// <summary>Gets how many steps all frames so far were given.</summary>
    public long TotalSteps { get; private set; }

    /// <summary>Gets how many whole steps were dropped because a frame had more than <see cref="MaxStepsPerFrame"/>.</summary>
    public long DroppedSteps { get; private set; }

    /// <summary>Adds a frame's elapsed time and returns how many fixed steps to run for it.</summary>
    /// <param name="frameDelta">The time since the previous frame, in seconds (rounded to 100 ns) or as a
    /// <see cref="TimeSpan"/>; zero or more.</param>
    /// <returns>The number of steps, from 0 to <see cref="MaxStepsPerFrame"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frameDelta"/> is negative, or a NaN or infinite
    /// number of seconds.</exception>
    public int Advance(Duration frameDelta)
    {
        if (frameDelta.IsSeconds)
        {
            double seconds = frameDelta.Seconds;
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(frameDelta), seconds, "A frame's delta time must be a finite number of seconds, zero or more.");
            }

            return AdvanceTicks(TimeMath.SecondsToTicks(seconds));
        }

        TimeSpan span = frameDelta.Span;
        if (span < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(frameDelta), span, "A frame's delta time cannot be negative.");
        }

        return AdvanceTicks(span.Ticks);
    }

    private int AdvanceTicks(long delta)
    {
        // Whole steps of the delta first, then its remainder against the accumulator: _accumulator + delta would overflow
        // a long when Step is close to TimeSpan.MaxValue (both terms can be near 2^63), giving a negative count. A delta
        // saturates at the end of time (R10), like every step of time in the engine.
        delta = Math.Min(delta, TimeMath.EndOfTime);
        long steps = delta / _step;
        long rest = delta - (steps * _step);
        if (_accumulator >= _step - rest)
        {
            steps++;
            _accumulator -= _step - rest;
        }
        else
        {
            _accumulator += rest;
        }

        if (steps > MaxStepsPerFrame)
        {
            DroppedSteps += steps - MaxStepsPerFrame;
            steps = MaxStepsPerFrame;
        }

        TotalSteps += steps;
        return (int)steps;
    }
}
