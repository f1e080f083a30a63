using System;
using System.Collections.Generic;
using System.IO;

namespace YieldLoop.Demos.Game;

/// <summary>
/// The game's state and its coroutines: three clocks, a spawner, enemies that wander and die, a comet, a HUD, and a
/// cutscene: a herald walks in along a path while captions speak, then the screen fades out and back in.
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
/// <para><b>Save games.</b> The world's coroutines are saved by the loop (<see cref="EventLoop.Save"/>); the world itself
/// and its entities are game objects, which the game writes itself (<see cref="Write"/>) and the loop's save names by
/// id (<see cref="GameSaveResolver"/>). The random numbers are saved as the seed and how many were drawn.</para>
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

    /// <summary>When the cutscene begins, in seconds of world time.</summary>
    public const double CutsceneStart = 1;

    /// <summary>How long each caption of the cutscene stays up, in seconds of world time.</summary>
    public const double CaptionSeconds = 1;

    /// <summary>The herald's speed, in cells per second of world time.</summary>
    public const double HeraldSpeed = 5;

    /// <summary>How many shades the cutscene's fade goes through, each way.</summary>
    public const int FadeLevels = 4;

    private const double FadeStepSeconds = 0.1;

    /// <summary>What the herald says, one caption after another.</summary>
    public static readonly IReadOnlyList<string> Captions = new[]
    {
        "Herald: Hear me! The comet has come back.",
        "Herald: The creatures wake in its light.",
        "Herald: Slow them, pause the world if you must.",
        "Herald: And hold out until the dark passes.",
    };

    // The herald's path: in from the left along row 13, then up to row 9.
    private static readonly (int X, int Y)[] HeraldPath = { (2, 13), (14, 13), (14, 9) };

    private readonly double _stepSeconds;
    private readonly int _seed;
    private readonly List<Entity> _entities = new();
    private LoopPhase _fixedUpdate;
    private Random _random;
    private Scope _enemies;

    // How many random numbers were drawn: a save keeps the seed and this count, a load draws as many again.
    private long _draws;

    // The next entity's number, its id in a save.
    private int _nextNumber;

    // A save cannot hold a task parked on a LoopPhase (the loop refuses it), and between two frames every body is
    // parked on the fixed-update phase. So in the frame before a save, each body ends instead of parking (after its
    // step, or at its first step if it started this frame), and says so in _lifted, in the order they would have
    // parked. The loaded world starts those bodies again in that order, and until each has parked on the phase (in
    // the loaded loop's first tick) the host steps it directly (_restarting): the field moves exactly as if the bodies
    // had never left. A body's only state is its entity and its clock, so nothing is lost. A body started but not yet
    // run stays in the save as it is.
    private readonly List<Entity> _lifted = new();
    private bool _liftingBodies;
    private List<Entity>? _restarting;

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
        _seed = seed;
        _random = new Random(seed);

        WorldClock = new GameClock(loop, "world");
        EnemiesClock = WorldClock.CreateChild("enemies");
        UiClock = new GameClock(loop, "ui");

        // Every task of this scope sleeps in enemies time; disposing the scope ends them all.
        _enemies = new Scope(loop, "enemies", EnemiesClock);
        _enemies.Start(Spawner(), "spawner");

        Comet = new Entity(_nextNumber++, EntityKind.Comet, '*', 2, 2, CometSpeed);
        Comet.Head(0.3);
        _entities.Add(Comet);
        WorldClock.Start(Body(Comet, WorldClock), "comet");
        WorldClock.Start(Cutscene(), "cutscene");
    }

    // A world read from a save: its loop objects come from the loaded loop (Attach), its coroutines are already there.
    private World(int seed, double stepSeconds, Entity comet)
    {
        _seed = seed;
        _stepSeconds = stepSeconds;
        _random = new Random(seed);
        Comet = comet;
        _fixedUpdate = null!;
        _enemies = null!;
        WorldClock = EnemiesClock = UiClock = null!;
    }

    /// <summary>Gets the root clock of the game; <c>P</c> pauses it.</summary>
    public GameClock WorldClock { get; private set; }

    /// <summary>Gets the enemies' clock, a child of <see cref="WorldClock"/>; <c>S</c> changes its scale.</summary>
    public GameClock EnemiesClock { get; private set; }

    /// <summary>Gets the HUD's clock, a root of its own: it runs while the world is paused.</summary>
    public GameClock UiClock { get; private set; }

    /// <summary>Gets the comet, which lives on the world clock.</summary>
    public Entity Comet { get; }

    /// <summary>Gets the phase the bodies move in, which the host runs once per fixed step.</summary>
    public LoopPhase FixedUpdate => _fixedUpdate;

    /// <summary>Gets the herald while the cutscene shows it, or null.</summary>
    public Entity? Herald { get; private set; }

    /// <summary>Gets the cutscene's caption, or null when there is none.</summary>
    public string? Caption { get; private set; }

    /// <summary>Gets how dark the cutscene's fade has made the screen, from 0 (not at all) to <see cref="FadeLevels"/>.</summary>
    public int Fade { get; private set; }

    /// <summary>Gets whether the cutscene has played to its end.</summary>
    public bool CutsceneOver { get; private set; }

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
        double x = 5 + (NextRandom() * (Width - 10));
        var enemy = new Entity(_nextNumber++, EntityKind.Enemy, glyph, x, 2 + (NextRandom() * (Height - 4)), EnemySpeed);
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
        _restarting?.Remove(entity);   // after a load: parked on the phase from here on, the host steps it no more
        while (true)
        {
            if (_liftingBodies)
            {
                _lifted.Add(entity);   // a save follows this frame: the body leaves the phase (see LiftBodies)
                yield break;
            }

            yield return _fixedUpdate;   // one-shot: resumes at the host's next fixedUpdate.Run()
            if (!entity.IsAlive)
            {
                yield break;
            }

            Step(entity, clock);
        }
    }

    private void Step(Entity entity, GameClock clock)
    {
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

    /// <summary>The cutscene, on the world clock: a pause holds it, slow motion (of the enemies) does not reach it.</summary>
    private IEnumerator<IAwaitable> Cutscene()
    {
        yield return Co.Sleep(CutsceneStart);
        Herald = new Entity(_nextNumber++, EntityKind.Herald, 'H', HeraldPath[0].X, HeraldPath[0].Y, HeraldSpeed);
        LoopTask walk = WorldClock.Start(Walk(Herald), "herald walk");
        for (int line = 0; line < Captions.Count; line++)
        {
            Caption = Captions[line];
            yield return Co.Sleep(CaptionSeconds);
        }

        Caption = null;
        yield return walk;   // the herald finishes its path before the fade
        for (int level = 1; level <= FadeLevels; level++)
        {
            Fade = level;
            yield return Co.Sleep(FadeStepSeconds);
        }

        Herald = null;   // gone in the dark
        for (int level = FadeLevels - 1; level >= 0; level--)
        {
            Fade = level;
            yield return Co.Sleep(FadeStepSeconds);
        }

        CutsceneOver = true;
    }

    /// <summary>Walks the herald along its path, one cell per 1/<see cref="HeraldSpeed"/> s of world time.</summary>
    private static IEnumerator<IAwaitable> Walk(Entity herald)
    {
        for (int corner = 1; corner < HeraldPath.Length; corner++)
        {
            (int x, int y) = HeraldPath[corner];
            while (herald.X != x || herald.Y != y)
            {
                yield return Co.Sleep(1 / HeraldSpeed);
                herald.StepToward(x, y);
            }
        }
    }

    // ---- save games ------------------------------------------------------------------------------------------------

    /// <summary>Ends every body instead of parking it on the fixed-update phase, from this frame's fixed update on, for
    /// a save after the frame: a save cannot hold tasks parked on a phase. A loaded world starts them again
    /// (<see cref="Attach"/>).</summary>
    public void LiftBodies() => _liftingBodies = true;

    /// <summary>Gets the entities whose bodies <see cref="LiftBodies"/> ended, which a save must hold.</summary>
    public IReadOnlyList<Entity> LiftedBodies => _lifted;

    /// <summary>Moves the entities whose bodies a load started again and which are not parked on the fixed-update phase
    /// yet (they park in the loaded loop's first tick): the host calls it before each <c>fixedUpdate.Run()</c>.</summary>
    public void StepRestartingBodies()
    {
        if (_restarting is null)
        {
            return;
        }

        foreach (Entity entity in _restarting)
        {
            if (entity.IsAlive)
            {
                Step(entity, entity.Kind == EntityKind.Comet ? WorldClock : EnemiesClock);
            }
        }
    }

    /// <summary>Gets the loop objects the world holds, for <see cref="EventLoop.Save"/>'s roots: <see cref="Attach"/>
    /// takes their loaded counterparts, in the same order.</summary>
    /// <param name="fixedStep">The host's fixed timestep, saved with them.</param>
    /// <returns>The phase, the clocks, the enemies' scope, the host's timestep, and the banner's task if it runs.</returns>
    public IReadOnlyList<object> LoopRoots(FixedTimestep fixedStep)
    {
        var roots = new List<object> { _fixedUpdate, WorldClock, EnemiesClock, UiClock, _enemies, fixedStep };
        if (_banner is not null)
        {
            roots.Add(_banner);
        }

        return roots;
    }

    /// <summary>Takes the loop objects back from a loaded loop's roots (see <see cref="LoopRoots"/>), and starts a body
    /// again for every entity on the field (see <see cref="LiftBodies"/>).</summary>
    /// <param name="roots">What <see cref="EventLoop.Load"/> returned.</param>
    /// <returns>The host's fixed timestep.</returns>
    public FixedTimestep Attach(IReadOnlyList<object?> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        _fixedUpdate = (LoopPhase)roots[0]!;
        WorldClock = (GameClock)roots[1]!;
        EnemiesClock = (GameClock)roots[2]!;
        UiClock = (GameClock)roots[3]!;
        _enemies = (Scope)roots[4]!;
        _banner = roots.Count > 6 ? (LoopTask)roots[6]! : null;
        _restarting = new List<Entity>(_lifted);
        foreach (Entity entity in _lifted)
        {
            if (entity.Kind == EntityKind.Comet)
            {
                WorldClock.Start(Body(entity, WorldClock), "comet");
            }
            else
            {
                _enemies.Start(Body(entity, EnemiesClock), "body " + entity.Glyph);
            }
        }

        _lifted.Clear();
        return (FixedTimestep)roots[5]!;
    }

    /// <summary>Writes the world's own state (not its coroutines: the loop's save has them), entities by number.</summary>
    /// <param name="writer">Where to write; the entities themselves are written apart (<see cref="Entity.Write"/>).</param>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(_seed);
        writer.Write(_stepSeconds);
        writer.Write(_draws);
        writer.Write(_nextNumber);
        writer.Write(_messageNumber);
        writer.Write(Comet.Number);
        writer.Write(Herald?.Number ?? -1);
        writer.Write(_entities.Count);
        foreach (Entity entity in _entities)
        {
            writer.Write(entity.Number);
        }

        writer.Write(_lifted.Count);
        foreach (Entity entity in _lifted)
        {
            writer.Write(entity.Number);
        }

        writer.Write(Message ?? string.Empty);
        writer.Write(Caption ?? string.Empty);
        writer.Write(Fade);
        writer.Write(CutsceneOver);
        writer.Write(IsBannerLit);
        writer.Write(Spawned);
        writer.Write(Died);
        writer.Write(EnemyDistance);
        writer.Write(EnemySteps);
        writer.Write(CometDistance);
        writer.Write(CometSteps);
    }

    /// <summary>Reads a world that <see cref="Write"/> wrote; <see cref="Attach"/> then gives it its loop objects.</summary>
    /// <param name="reader">Where to read.</param>
    /// <param name="entities">The saved entities, by number.</param>
    /// <returns>The world, as it was when saved, without its loop objects yet.</returns>
    public static World Read(BinaryReader reader, IReadOnlyDictionary<int, Entity> entities)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(entities);
        int seed = reader.ReadInt32();
        double stepSeconds = reader.ReadDouble();
        long draws = reader.ReadInt64();
        int nextNumber = reader.ReadInt32();
        int messageNumber = reader.ReadInt32();
        var world = new World(seed, stepSeconds, entities[reader.ReadInt32()]) { _draws = draws, _nextNumber = nextNumber, _messageNumber = messageNumber };
        for (long i = 0; i < draws; i++)
        {
            world._random.NextDouble();
        }

        int herald = reader.ReadInt32();
        world.Herald = herald < 0 ? null : entities[herald];
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            world._entities.Add(entities[reader.ReadInt32()]);
        }

        count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            world._lifted.Add(entities[reader.ReadInt32()]);
        }

        string message = reader.ReadString(), caption = reader.ReadString();
        world.Message = message.Length == 0 ? null : message;
        world.Caption = caption.Length == 0 ? null : caption;
        world.Fade = reader.ReadInt32();
        world.CutsceneOver = reader.ReadBoolean();
        world.IsBannerLit = reader.ReadBoolean();
        world.Spawned = reader.ReadInt32();
        world.Died = reader.ReadInt32();
        world.EnemyDistance = reader.ReadDouble();
        world.EnemySteps = reader.ReadInt64();
        world.CometDistance = reader.ReadDouble();
        world.CometSteps = reader.ReadInt64();
        return world;
    }

    /// <summary>Describes the world in a few lines: every entity where it is, the counters, the cutscene.</summary>
    /// <returns>Lines of at most 80 characters; two worlds that played the same print the same.</returns>
    public IEnumerable<string> Describe()
    {
        yield return FormattableString.Invariant(
            $"world: {Spawned} spawned, {Died} died, {EnemyCount} left; cutscene {(CutsceneOver ? "over" : "playing")}, fade {Fade}");
        yield return FormattableString.Invariant(
            $"world: enemies moved {EnemyDistance:0.000000} cells in {EnemySteps} steps, comet {CometDistance:0.000000} in {CometSteps}");
        foreach (Entity entity in _entities)
        {
            yield return FormattableString.Invariant($"  {entity.Glyph} at ({entity.X:0.000000}, {entity.Y:0.000000})");
        }

        yield return "world digest: " + Digest();
    }

    /// <summary>Describes where the cutscene is, in a few words.</summary>
    /// <returns>For example "cutscene: the herald at (9, 13), caption 2 of 4, fade 0".</returns>
    public string DescribeCutscene()
    {
        if (CutsceneOver)
        {
            return "cutscene: over";
        }

        if (Herald is null && Fade == 0 && WorldClock.Now.TotalSeconds < CutsceneStart)
        {
            return "cutscene: not begun";
        }

        int caption = 0;
        for (int i = 0; i < Captions.Count; i++)
        {
            caption = ReferenceEquals(Caption, Captions[i]) ? i + 1 : caption;
        }

        string herald = Herald is null ? "the herald gone" : FormattableString.Invariant($"the herald at ({Herald.X}, {Herald.Y})");
        return FormattableString.Invariant($"cutscene: {herald}, caption {caption} of {Captions.Count}, fade {Fade}");
    }

    /// <summary>Gets a digest of the world's whole state, every number to the last bit: two worlds with the same digest
    /// played the same.</summary>
    /// <returns>16 hex digits (FNV-1a of the world and its entities as <see cref="Write"/> writes them).</returns>
    public string Digest()
    {
        var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes))
        {
            Write(writer);
            foreach (Entity entity in _entities)
            {
                entity.Write(writer);
            }

            Herald?.Write(writer);
        }

        ulong hash = 14695981039346656037;
        foreach (byte b in bytes.ToArray())
        {
            hash = (hash ^ b) * 1099511628211;
        }

        return hash.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private double NextRandom()
    {
        _draws++;
        return _random.NextDouble();
    }

    private double RandomAngle() => NextRandom() * 2 * Math.PI;

    private double Between(double low, double high) => low + (NextRandom() * (high - low));
}
