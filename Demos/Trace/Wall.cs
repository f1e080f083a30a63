using System.Collections.Generic;

namespace YieldLoop.Demos.Trace;

/// <summary>
/// The coroutine of one wall of the traced painting job (see <see cref="PaintingTrace"/>). Short names on purpose: the
/// dump prints the frame as <c>Wall.Paint</c>, and its lines stay within 80 columns.
/// </summary>
internal static class Wall
{
    /// <summary>
    /// Paints a wall, coat after coat. The lock is the painter: while another wall holds it, this task waits in line;
    /// it holds the lock for the whole coat, through the sleep, and lets go before the coat dries.
    /// </summary>
    /// <param name="painter">The painter's lock, shared by all walls.</param>
    /// <returns>The coroutine; start it with <c>loop.Start(Wall.Paint(painter), "wall A")</c>.</returns>
    public static IEnumerator<IAwaitable> Paint(CoLock painter)
    {
        for (int coat = 1; coat <= PaintingTrace.Coats; coat++)
        {
            yield return painter.Acquire();
            try
            {
                yield return Co.Sleep(PaintingTrace.PaintTime);
            }
            finally
            {
                painter.Release();
            }

            yield return Co.Sleep(PaintingTrace.DryTime);
        }
    }
}
