using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Painting;

/// <summary>
/// The one painter. He paints one coat at a time, for the walls in the order they ask; a wall that asks while he is
/// busy waits for its turn. Only that wall's coroutine waits: the loop goes on running the others.
/// </summary>
/// <remarks>
/// The painter keeps a calendar rather than a queue of waiting walls: a wall that asks at time t gets the first
/// free slot after the coats already promised, and sleeps until then. So every wait in the demo is a timer, and a
/// timer resumes its coroutine in the very tick of its deadline (R7), which makes the simulated minutes come out
/// exactly as a person works them out by hand. (A lock built from futures would also work, but a future wakes its
/// waiter one tick after it completes (R1), and on a fixed-step clock that tick is a step later.)
/// </remarks>
internal sealed class Painter
{
    private readonly EventLoop _loop;

    // The end of the last coat promised. Never earlier than the loop's time once a coat was promised, and it only
    // grows: each wall that asks is served after all that asked before it.
    private TimeSpan _busyUntil;

    /// <summary>Creates the painter for the walls painted on <paramref name="loop"/>.</summary>
    /// <param name="loop">The loop whose time is the painter's time.</param>
    /// <param name="coatTime">How long one coat keeps him busy.</param>
    public Painter(EventLoop loop, TimeSpan coatTime)
    {
        _loop = loop;
        CoatTime = coatTime;
    }

    /// <summary>Gets how long one coat keeps the painter busy.</summary>
    public TimeSpan CoatTime { get; }

    /// <summary>Gets how much time the painter has spent painting, or has promised to.</summary>
    public TimeSpan BusyTime { get; private set; }

    /// <summary>
    /// Paints one coat on <paramref name="wall"/>: waits for the painter's turn, then keeps him busy for
    /// <see cref="CoatTime"/>. Run it inline with <c>yield return Co.Call(painter.PaintCoat(wall));</c>.
    /// </summary>
    /// <param name="wall">The wall to paint.</param>
    /// <returns>The coroutine.</returns>
    public IEnumerator<IAwaitable> PaintCoat(Wall wall)
    {
        TimeSpan now = _loop.Time;
        TimeSpan start = now > _busyUntil ? now : _busyUntil;
        _busyUntil = start + CoatTime;
        BusyTime += CoatTime;
        if (start > now)
        {
            yield return Co.Sleep(start - now);   // he is on another wall: wait in line
        }

        wall.Activity = WallActivity.Painting;
        yield return Co.Sleep(CoatTime);          // busy work: he can do nothing else meanwhile
        wall.Activity = WallActivity.Idle;
    }
}
