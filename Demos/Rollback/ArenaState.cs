using System;
using System.Globalization;
using System.Text;

namespace YieldLoop.Demos.Rollback;

/// <summary>The whole arena as a value at the end of a frame: what the delayed run and the reference run compare.</summary>
/// <param name="Frame">Frames simulated (the loop's tick count).</param>
/// <param name="Time">The loop's time.</param>
/// <param name="Left">The arena's leftmost open cell.</param>
/// <param name="Right">The arena's rightmost open cell.</param>
/// <param name="Over">Whether the match has ended.</param>
/// <param name="One">Player 1.</param>
/// <param name="Two">Player 2.</param>
/// <param name="PendingTasks">Coroutines still pending on the loop (shots in flight, cooldowns...).</param>
internal readonly record struct ArenaState(
    long Frame, TimeSpan Time, int Left, int Right, bool Over, FighterState One, FighterState Two, int PendingTasks)
{
    /// <summary>Draws the arena as one line: walls, open cells, and the two players.</summary>
    /// <returns>For example <c>#####.....1....2.....#####</c>.</returns>
    public string Draw()
    {
        var line = new StringBuilder(Arena.Width);
        for (int x = 0; x < Arena.Width; x++)
        {
            line.Append(x == One.Position ? '1' : x == Two.Position ? '2' : x < Left || x > Right ? '#' : '.');
        }

        return line.ToString();
    }

    /// <summary>Describes the arena in one line.</summary>
    /// <returns>Frame, open cells and the number of pending coroutines.</returns>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"frame {Frame} ({Time.TotalSeconds:0.00} s), cells {Left}..{Right}, {PendingTasks} coroutines pending{(Over ? ", over" : "")}");
}
