using System;

namespace YieldLoop.Demos.Rollback;

/// <summary>
/// The buttons both players press, frame by frame, and how late each of player 2's inputs reaches player 1's machine:
/// all drawn up front from one seed, so a run with delays and a run without see the same match.
/// </summary>
internal sealed class InputScript
{
    /// <summary>The most frames an input can be late: the depth of the rollback window.</summary>
    public const int MaxDelay = 8;

    // What a player may hold: walking, firing while walking or standing, dashing either way.
    private static readonly Buttons[] Choices =
    {
        Buttons.None, Buttons.Left, Buttons.Right, Buttons.Fire, Buttons.Left | Buttons.Fire,
        Buttons.Right | Buttons.Fire, Buttons.Dash | Buttons.Left, Buttons.Dash | Buttons.Right,
    };

    private readonly Buttons[] _one;
    private readonly Buttons[] _two;
    private readonly int[] _delays;

    /// <summary>Draws a script.</summary>
    /// <param name="seed">The seed: the same seed gives the same script.</param>
    /// <param name="frames">The number of frames.</param>
    /// <param name="changeChance">The chance, each frame, that a player switches to other buttons.</param>
    public InputScript(int seed, int frames, double changeChance = 0.2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        Seed = seed;
        var random = new Random(seed);
        _one = Draw(random, frames, changeChance);
        _two = Draw(random, frames, changeChance);
        _delays = new int[frames];
        for (int frame = 0; frame < frames; frame++)
        {
            _delays[frame] = random.Next(1, MaxDelay + 1);
        }
    }

    /// <summary>Gets the seed the script was drawn from.</summary>
    public int Seed { get; }

    /// <summary>Gets the number of frames.</summary>
    public int Frames => _one.Length;

    /// <summary>Gets what a player holds during a frame.</summary>
    /// <param name="player">1 or 2.</param>
    /// <param name="frame">The frame, from 0.</param>
    /// <returns>The buttons.</returns>
    public Buttons Input(int player, int frame) => player == 1 ? _one[frame] : _two[frame];

    /// <summary>Gets how many frames late player 2's input for <paramref name="frame"/> arrives: 1 to
    /// <see cref="MaxDelay"/>.</summary>
    /// <param name="frame">The frame, from 0.</param>
    /// <returns>The delay in frames: the input is known from frame <c>frame + delay</c> on.</returns>
    public int Delay(int frame) => _delays[frame];

    private static Buttons[] Draw(Random random, int frames, double changeChance)
    {
        var buttons = new Buttons[frames];
        Buttons held = Buttons.None;
        for (int frame = 0; frame < frames; frame++)
        {
            if (random.NextDouble() < changeChance)
            {
                held = Choices[random.Next(Choices.Length)];
            }

            buttons[frame] = held;
        }

        return buttons;
    }
}
