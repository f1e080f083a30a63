using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Game;

/// <summary>
/// The game's state and its coroutines: three clocks, a spawner, enemies that wander and die, a comet, and a HUD.
/// The host (<see cref="GameHost"/>) drives it; the world never touches the console or real time.
/// </summary>
/// <remarks>
/// <para><b>Clocks.</b> <see cref="WorldClock"/> is the root of the game's time; <see cref="EnemiesClock"/> is its
/// child, so pausing the world stops the enemies too, and slow motion (the child's scale) reaches the enemies only.
/// <see cref="UiClock"/> is a second root: the HUD keeps its time while the world is paused.</para>
/// <para><b>Two kinds of coroutine.</b> Brains sleep (<c>Co.Sleep</c>) and run in the host's <c>loop.Tick()</c>;
/// bodies yield the fixed-update phase and move once per fixed step. A brain's sleep counts the time of the clock its
/// task is bound to, so the enemies' timers stretch in slow motion and freeze while the world is paused. A clock at
/// rate 0 stops waits, not tasks: bodies still step while the world is paused, and move by the clock's rate (0).</para>
/// </remarks>
internal sealed class World : IDisposable
{
    /// <summary>The playfield's width in cells.</summary>
    public const int Width = 60;

    /// <summary>The playfield's height in cells.</summary>
    public const int Height = 16;

    /// <summary>The enemies clock's scale in slow motion.</summary>
    public const double SlowMotionScale = 0.25;

    /// <summary>The enemies' speed, in cells per second of enemies time.</summary>
    public const double EnemySpeed = 6;

    /// <summary>The comet's speed, in cells per second of world time.</summary>
    public const double CometSpeed = 15;

    /// <summary>The time between two spawns, in seconds of enemies time.</summary>
    public const double SpawnInterval = 1.5;

    /// <summary>How many enemies the spawner brings at once when the game begins.</summary>
    public const int OpeningWave = 3;

    /// <summary>The most enemies on the field at once; the spawner skips its turn at the cap.</summary>
    public const int MaxEnemies = 8;

    private const double MinLifetime = 4;
    private const double MaxLifetime = 8;
    private const double MinTurn = 0.6;
    private const double MaxTurn = 1.6;
    private const double MessageSeconds = 2;
    private const double BannerOnSeconds = 0.6;
    private const double BannerOffSeconds = 0.3;

    private readonly LoopPhase _fixedUpdate;
    private readonly double _stepSeconds;
    private readonly Random _random;
    private readonly Scope _enemies;
    private readonly List<Entity> _entities = new();

    // The blinking banner runs while the world is paused; a resume cancels it (a new pause starts a new one).
    private LoopTask? _banner;

    // Each message gets a number; its clearing coroutine clears it only if no newer message replaced it.
    private int _messageNumber;

    /// <summary>Creates the world and starts its coroutines; their first steps run in the loop's next tick.</summary>
    /// <param name="loop">The loop the host ticks.</param>
    /// <param name="fixedUpdate">The phase the host runs once per fixed step.</param>
    /// <param name="fixedStep">How much real time one fixed step stands for.</param>
    /// <param name="seed">The seed of the world's random numbers: the same seed plays the same game.</param>
    public World(EventLoop loop, LoopPhase fixedUpdate, TimeSpan fixedStep, int seed)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(fixedUpdate);
        _fixedUpdate = fixedUpdate;
        _stepSeconds = fixedStep.TotalSeconds;
        _random = new Random(seed);

        WorldClock = new GameClock(loop, "world");
        EnemiesClock = WorldClock.CreateChild("enemies");
        UiClock = new GameClock(loop, "ui");

        // Every task of this scope sleeps in enemies time; disposing the scope ends them all.
        _enemies = new Scope(loop, "enemies", EnemiesClock);
        _enemies.Start(Spawner(), "spawner");

        Comet = new Entity(EntityKind.Comet, '*', 2, 2, CometSpeed);
        Comet.Head(0.3);
        _entities.Add(Comet);
        WorldClock.Start(Body(Comet, WorldClock), "comet");
    }

    /// <summary>Gets the root clock of the game; <c>P</c> pauses it.</summary>
    public GameClock WorldClock { get; }

    /// <summary>Gets the enemies' clock, a child of <see cref="WorldClock"/>; <c>S</c> changes its scale.</summary>
    public GameClock EnemiesClock { get; }

    /// <summary>Gets the HUD's clock, a root of its own: it runs while the world is paused.</summary>
    public GameClock UiClock { get; }

    /// <summary>Gets the comet, which lives on the world clock.</summary>
    public Entity Comet { get; }

    /// <summary>Gets everything on the field, the comet first.</summary>
    public IReadOnlyList<Entity> Entities => _entities;

    /// <summary>Gets how many enemies are on the field.</summary>
    public int EnemyCount => _entities.Count - 1;

    /// <summary>Gets whether the enemies are in slow motion.</summary>
    public bool IsSlowMotion => EnemiesClock.Scale < 1;

    /// <summary>Gets the HUD message, or null when there is none.</summary>
    public string? Message { get; private set; }

    /// <summary>Gets whether the blinking "PAUSED" banner is lit.</summary>
    public bool IsBannerLit { get; private set; }

    /// <summary>Gets how many enemies were spawned.</summary>
    public int Spawned { get; private set; }

    /// <summary>Gets how many enemies died of old age.</summary>
    public int Died { get; private set; }

    /// <summary>Gets the path length all enemies moved, in cells.</summary>
    public double EnemyDistance { get; private set; }

    /// <summary>Gets how many fixed steps enemy bodies ran (one per enemy per step).</summary>
    public long EnemySteps { get; private set; }

    /// <summary>Gets the path length the comet moved, in cells.</summary>
    public double CometDistance { get; private set; }

    /// <summary>Gets how many fixed steps the comet's body ran.</summary>
    public long CometSteps { get; private set; }

    /// <summary>Pauses the world clock, or resumes it; the enemies clock, its child, follows.</summary>
    /// <returns>What happened, for the HUD and the log.</returns>
    public string TogglePause()
    {
        if (WorldClock.IsPaused)
        {
            WorldClock.Resume();
            _banner?.Cancel();
            _banner = null;
            return Say("world resumed");
        }

        WorldClock.Pause();
        _banner = UiClock.Start(Banner(), "paused banner");
        return Say("world paused; the ui clock runs on");
    }

    /// <summary>Puts the enemies in slow motion (their clock at <see cref="SlowMotionScale"/>), or back to speed.</summary>
    /// <returns>What happened, for the HUD and the log.</returns>
    public string ToggleSlowMotion()
    {
        EnemiesClock.Scale = IsSlowMotion ? 1 : SlowMotionScale;
        return Say(IsSlowMotion ? "slow motion: enemies clock x0.25" : "slow motion off: enemies clock x1");
    }

    /// <summary>Ends the enemies' tasks (each runs its <c>finally</c> at its turn).</summary>
    public void Dispose() => _enemies.Dispose();

    // ---- coroutines: brains run in the tick, bodies in the fixed update ------------------------------------------

    /// <summary>Brings the opening wave, then an enemy every <see cref="SpawnInterval"/> of enemies time.</summary>
    private IEnumerator<IAwaitable> Spawner()
    {
        for (int i = 0; i < OpeningWave; i++)
        {
            Spawn();
        }

        while (true)
        {
            yield return Co.Sleep(SpawnInterval);   // enemies time: slow motion stretches it, a pause holds it
            if (EnemyCount < MaxEnemies)
            {
                Spawn();
            }
        }
    }

    private void Spawn()
    {
        char glyph = (char)('a' + (Spawned % 26));
        var enemy = new Entity(EntityKind.Enemy, glyph, 5 + (_random.NextDouble() * (Width - 10)),
            2 + (_random.NextDouble() * (Height - 4)), EnemySpeed);
        enemy.Head(RandomAngle());
        double lifetime = Between(MinLifetime, MaxLifetime);
        Spawned++;
        _enemies.Start(Enemy(enemy, lifetime), "enemy " + glyph);
    }

    /// <summary>An enemy's brain: it turns now and then, and leaves the field when its lifetime is over.</summary>
    private IEnumerator<IAwaitable> Enemy(Entity enemy, double lifetime)
    {
        _entities.Add(enemy);
        _enemies.Start(Body(enemy, EnemiesClock), "body " + enemy.Glyph);
        try
        {
            double age = 0;
            while (age < lifetime)
            {
                double wait = Math.Min(lifetime - age, Between(MinTurn, MaxTurn));
                yield return Co.Sleep(wait);
                age += wait;
                enemy.Head(RandomAngle());
            }

            Died++;
        }
        finally
        {
            // Whatever ends the brain (old age, or the scope cancelling it at the end of the game), the enemy leaves
            // the field, and its body ends at its next fixed step.
            enemy.IsAlive = false;
            _entities.Remove(enemy);
        }
    }

    /// <summary>A body: moves its entity once per fixed step, by the time that step is worth on its clock.</summary>
    /// <remarks>
    /// The time a step covers is the fixed step times the clock's effective rate (0 while the world is paused, 0.25
    /// for enemies in slow motion), not the difference of two readings of <c>clock.Now</c>: the host runs the fixed
    /// steps of a frame before that frame's tick, and inside a phase run the loop's time (so every clock's Now) is
    /// still that of the previous tick, so all steps of one frame would read the same Now and the first would take
    /// the whole frame's time. A fixed step always stands for the same real time; the clock says what it is worth.
    /// </remarks>
    private IEnumerator<IAwaitable> Body(Entity entity, GameClock clock)
    {
        while (true)
        {
            yield return _fixedUpdate;   // one-shot: resumes at the host's next fixedUpdate.Run()
            if (!entity.IsAlive)
            {
                yield break;
            }

            double moved = entity.Move(_stepSeconds * clock.EffectiveScale);
            if (entity.Kind == EntityKind.Enemy)
            {
                EnemyDistance += moved;
                EnemySteps++;
            }
            else
            {
                CometDistance += moved;
                CometSteps++;
            }
        }
    }

    /// <summary>Blinks "PAUSED" on the ui clock, which the world's pause does not reach, until it is cancelled.</summary>
    private IEnumerator<IAwaitable> Banner()
    {
        try
        {
            while (true)
            {
                IsBannerLit = true;
                yield return Co.Sleep(BannerOnSeconds);   // this task is bound to the ui clock
                IsBannerLit = false;
                yield return Co.Sleep(BannerOffSeconds);
            }
        }
        finally
        {
            IsBannerLit = false;
        }
    }

    private string Say(string message)
    {
        Message = message;
        UiClock.Start(ClearMessage(++_messageNumber), "clear message");
        return message;
    }

    private IEnumerator<IAwaitable> ClearMessage(int number)
    {
        yield return Co.Sleep(MessageSeconds);   // ui time: a message stays readable while the world is paused
        if (number == _messageNumber)
        {
            Message = null;
        }
    }

    private double RandomAngle() => _random.NextDouble() * 2 * Math.PI;

    private double Between(double low, double high) => low + (_random.NextDouble() * (high - low));
}
