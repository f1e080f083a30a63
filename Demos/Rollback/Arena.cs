using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Rollback;

/// <summary>
/// A deterministic duel on a line of cells, written as coroutines: a brain per player reads its buttons each frame,
/// walks, dashes (three frames, then a cooldown) and fires shots that travel a cell a frame; a match timer closes the
/// arena in from both ends every few seconds.
/// </summary>
/// <remarks>
/// <para>Nothing here reads real time, random numbers or anything but the fighters' <see cref="Fighter.Input"/>: the same
/// buttons give the same match, frame for frame, which is what lets a rollback replay a stretch of frames.</para>
/// <para>Where the state lives decides how it rolls back. A shot's position is a local of its coroutine, and a
/// cooldown's remaining time is a timer of the loop: both are the loop's state, and a checkpoint copies them. The
/// fighters and the arena's walls are game objects, which a checkpoint keeps by reference: they implement
/// <see cref="IRewindable"/> (see <see cref="Fighter"/> for why).</para>
/// </remarks>
internal sealed class Arena : IRewindable
{
    /// <summary>The number of cells.</summary>
    public const int Width = 26;

    /// <summary>Frames per second of the simulation.</summary>
    public const int FramesPerSecond = 20;

    /// <summary>Each fighter's starting hit points.</summary>
    public const int MaxHealth = 30;

    /// <summary>How many times the arena closes in before the match ends.</summary>
    public const int Shrinks = 5;

    /// <summary>The duration of one frame.</summary>
    public static readonly TimeSpan FrameTime = TimeSpan.FromSeconds(1.0 / FramesPerSecond);

    /// <summary>The time between two shrinks of the arena; the match lasts <see cref="Shrinks"/> of them.</summary>
    public static readonly TimeSpan ShrinkEvery = TimeSpan.FromSeconds(6);

    /// <summary>The dash's cooldown, counted from its first frame.</summary>
    public static readonly TimeSpan DashCooldown = TimeSpan.FromSeconds(0.5);

    /// <summary>The time to reload after a shot.</summary>
    public static readonly TimeSpan Reload = TimeSpan.FromSeconds(0.6);

    private const int DashFrames = 3;
    private const int DashSpeed = 2;

    private readonly EventLoop _loop;

    /// <summary>Creates the arena and starts its coroutines; their first steps run in the loop's next tick.</summary>
    /// <param name="loop">The loop the session ticks once per frame.</param>
    public Arena(EventLoop loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        _loop = loop;
        One = new Fighter("P1", 6, +1, MaxHealth);
        Two = new Fighter("P2", Width - 7, -1, MaxHealth);
        Left = 0;
        Right = Width - 1;
        loop.Start(Brain(One, Two), "brain P1");
        loop.Start(Brain(Two, One), "brain P2");
        loop.Start(MatchTimer(), "match timer");
    }

    /// <summary>Gets player 1.</summary>
    public Fighter One { get; }

    /// <summary>Gets player 2.</summary>
    public Fighter Two { get; }

    /// <summary>Gets the leftmost open cell.</summary>
    public int Left { get; private set; }

    /// <summary>Gets the rightmost open cell.</summary>
    public int Right { get; private set; }

    /// <summary>Gets whether the match has ended (time is up, or a fighter is down).</summary>
    public bool Over { get; private set; }

    /// <summary>Gets the arena's state as a value.</summary>
    public ArenaState State => new(_loop.TickCount, _loop.Time, Left, Right, Over, One.State, Two.State, _loop.PendingTaskCount);

    /// <inheritdoc/>
    public void Capture(ref object? state)
    {
        var box = state as Box ?? new Box();
        box.Left = Left;
        box.Right = Right;
        box.Over = Over;
        state = box;
    }

    /// <inheritdoc/>
    public void Rewind(object? state)
    {
        var box = (Box)state!;
        Left = box.Left;
        Right = box.Right;
        Over = box.Over;
    }

    // One step per frame: fire, dash or walk by this frame's buttons. A dash is a sub-coroutine the brain waits for, so
    // the player cannot walk while dashing; shots, reloads and cooldowns are tasks of their own that outlive the step.
    private IEnumerator<IAwaitable> Brain(Fighter me, Fighter foe)
    {
        while (!Over)
        {
            Buttons buttons = me.Input;
            if ((buttons & Buttons.Fire) != 0 && me.ShotReady)
            {
                me.ShotReady = false;
                me.Shots++;
                _loop.Start(Shot(me, foe), "shot " + me.Name);
                _loop.Start(Reloading(me), "reload " + me.Name);
            }

            if ((buttons & Buttons.Dash) != 0 && me.DashReady)
            {
                yield return Co.Call(Dash(me, foe));
                continue;
            }

            int direction = ((buttons & Buttons.Right) != 0 ? 1 : 0) - ((buttons & Buttons.Left) != 0 ? 1 : 0);
            if (direction != 0)
            {
                me.Facing = direction;
                Walk(me, foe, direction);
            }

            yield return Co.NextTick;
        }
    }

    private IEnumerator<IAwaitable> Dash(Fighter me, Fighter foe)
    {
        me.DashReady = false;
        _loop.Start(Cooldown(me), "dash cooldown " + me.Name);
        for (int frame = 0; frame < DashFrames; frame++)
        {
            for (int cell = 0; cell < DashSpeed; cell++)
            {
                Walk(me, foe, me.Facing);
            }

            yield return Co.NextTick;
        }
    }

    private static IEnumerator<IAwaitable> Cooldown(Fighter me)
    {
        yield return Co.Sleep(DashCooldown);
        me.DashReady = true;
    }

    private static IEnumerator<IAwaitable> Reloading(Fighter me)
    {
        yield return Co.Sleep(Reload);
        me.ShotReady = true;
    }

    // The shot's position and direction are locals of this coroutine: they roll back with the loop, for free.
    private IEnumerator<IAwaitable> Shot(Fighter me, Fighter foe)
    {
        int x = me.Position;
        int direction = me.Facing;
        while (!Over)
        {
            x += direction;
            if (x < Left || x > Right)
            {
                yield break;
            }

            if (x == foe.Position)
            {
                foe.Health--;
                me.Hits++;
                if (foe.Health <= 0)
                {
                    Over = true;
                }

                yield break;
            }

            yield return Co.NextTick;
        }
    }

    // Every few seconds the walls close in by a cell at each end; a fighter caught in the wall is pushed back in and
    // loses a hit point. After the last shrink the match is over.
    private IEnumerator<IAwaitable> MatchTimer()
    {
        for (int shrink = 0; shrink < Shrinks && !Over; shrink++)
        {
            yield return Co.Sleep(ShrinkEvery);
            Left++;
            Right--;
            PushIn(One, Two);
            PushIn(Two, One);
        }

        Over = true;
    }

    private void PushIn(Fighter me, Fighter foe)
    {
        int inside = Math.Clamp(me.Position, Left, Right);
        if (inside == me.Position)
        {
            return;
        }

        me.Health--;
        me.Position = inside != foe.Position ? inside : inside + (inside == Left ? 1 : -1);
        if (me.Health <= 0)
        {
            Over = true;
        }
    }

    private void Walk(Fighter me, Fighter foe, int direction)
    {
        int next = me.Position + direction;
        if (next >= Left && next <= Right && next != foe.Position)
        {
            me.Position = next;
        }
    }

    // The walls and the end of the match, captured with the loop.
    private sealed class Box
    {
        public int Left;
        public int Right;
        public bool Over;
    }
}
