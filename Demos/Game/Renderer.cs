using System;
using System.Text;
using static System.FormattableString;

namespace YieldLoop.Demos.Game;

/// <summary>
/// Draws a frame of the game as text: the bordered playfield, a status line, the legend of the symbols, the keys, the
/// HUD message, and the cutscene's caption.
/// </summary>
/// <remarks>The whole frame is built in one string, so a screen writes it at once and nothing flickers.</remarks>
internal static class Renderer
{
    private const string Keys = " P pause world   S slow-mo enemies   Q quit";

    /// <summary>The line under the status line that says what the symbols on the playfield are.</summary>
    public const string Legend = " a-z enemies (enemies clock)   * comet (world clock)   PAUSED banner (ui clock)";
    private const string Banner = "  P A U S E D  ";

    // The cutscene's fade fills the empty cells with these, darker at each level (level 0: empty).
    private const string Shades = " .:+#";

    /// <summary>Draws <paramref name="world"/> as it is now.</summary>
    /// <param name="world">The world.</param>
    /// <param name="stepsThisFrame">How many fixed steps the host ran this frame.</param>
    /// <returns>The frame's lines, each ending with a newline, none longer than 80 characters.</returns>
    public static string Render(World world, int stepsThisFrame)
    {
        ArgumentNullException.ThrowIfNull(world);
        var grid = new char[World.Height, World.Width];
        for (int y = 0; y < World.Height; y++)
        {
            for (int x = 0; x < World.Width; x++)
            {
                grid[y, x] = Shades[Math.Clamp(world.Fade, 0, Shades.Length - 1)];
            }
        }

        // The comet is first in the list, so enemies draw over it; then it is drawn again, on top.
        foreach (Entity entity in world.Entities)
        {
            Plot(grid, entity);
        }

        Plot(grid, world.Comet);
        if (world.Herald is { } herald)
        {
            Plot(grid, herald);
        }
        if (world.WorldClock.IsPaused && world.IsBannerLit)
        {
            int left = (World.Width - Banner.Length) / 2;
            for (int i = 0; i < Banner.Length; i++)
            {
                grid[World.Height / 2, left + i] = Banner[i];
            }
        }

        var frame = new StringBuilder((World.Width + 3) * (World.Height + 6));
        string border = "+" + new string('-', World.Width) + "+";
        frame.Append(border).Append('\n');
        for (int y = 0; y < World.Height; y++)
        {
            frame.Append('|');
            for (int x = 0; x < World.Width; x++)
            {
                frame.Append(grid[y, x]);
            }

            frame.Append("|\n");
        }

        frame.Append(border).Append('\n');
        frame.Append(Status(world, stepsThisFrame)).Append('\n');
        frame.Append(Legend).Append('\n');
        frame.Append(Keys).Append('\n');
        frame.Append(world.Message is null ? string.Empty : " > " + world.Message).Append('\n');
        frame.Append(world.Caption is null ? string.Empty : " \"" + world.Caption + "\"").Append('\n');
        return frame.ToString();
    }

    private static string Status(World world, int steps)
    {
        GameClock clock = world.WorldClock;
        string state = clock.IsPaused ? "  paused" : string.Empty;
        return Invariant($" world {clock.Now.TotalSeconds,6:0.00} s x{clock.Scale:0.00}  enemies x{world.EnemiesClock.Scale:0.00}")
            + Invariant($"  entities {world.Entities.Count,2}  steps/frame {steps}{state}");
    }

    private static void Plot(char[,] grid, Entity entity)
    {
        int x = Math.Clamp((int)Math.Round(entity.X), 0, World.Width - 1);
        int y = Math.Clamp((int)Math.Round(entity.Y), 0, World.Height - 1);
        grid[y, x] = entity.Glyph;
    }
}
