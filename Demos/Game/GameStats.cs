using System;
using System.Collections.Generic;
using System.IO;
using static System.FormattableString;

namespace YieldLoop.Demos.Game;

/// <summary>
/// Measures, per <see cref="GameMode"/>, how much real time passed, how far each clock moved, and how far the
/// entities moved: the numbers that show slow motion and pause at work.
/// </summary>
/// <remarks>
/// The host samples the world just before each change of the clocks (a key press) and at the end; the interval since
/// the previous sample counts for the mode that held in it, and so do the fixed steps run in it (the host runs a
/// frame's steps after its key presses, so a step always runs under the mode its interval is counted in).
/// </remarks>
internal sealed class GameStats
{
    private readonly double _stepSeconds;
    private readonly Totals[] _totals = { new(), new(), new() };
    private Sample _last;
    private GameMode _mode;

    /// <summary>Creates the statistics of a world whose fixed steps stand for <paramref name="fixedStep"/> each.</summary>
    /// <param name="world">The world, sampled now as the starting point.</param>
    /// <param name="fixedStep">How much real time a fixed step stands for.</param>
    /// <param name="now">The host's real time now.</param>
    public GameStats(World world, TimeSpan fixedStep, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(world);
        _stepSeconds = fixedStep.TotalSeconds;
        _last = Sample.Of(world, now);
        _mode = ModeOf(world);
    }

    /// <summary>Adds what happened since the last sample to the totals of the mode that held since.</summary>
    /// <param name="world">The world.</param>
    /// <param name="now">The host's real time now.</param>
    public void Add(World world, TimeSpan now)
    {
        Sample sample = Sample.Of(world, now);
        _totals[(int)_mode].Add(sample, _last);
        _last = sample;
    }

    /// <summary>Takes the mode from the world's clocks: the host calls it after each change.</summary>
    /// <param name="world">The world.</param>
    public void Observe(World world) => _mode = ModeOf(world);

    /// <summary>Gets how much real time the world spent paused.</summary>
    public double PausedSeconds => _totals[(int)GameMode.Paused].Real;

    /// <summary>Gets how far the world clock moved while paused (0 when pausing works).</summary>
    public double WorldSecondsWhilePaused => _totals[(int)GameMode.Paused].World;

    /// <summary>Gets how far the enemies moved while the world was paused, in cells.</summary>
    public double EnemyDistanceWhilePaused => _totals[(int)GameMode.Paused].EnemyDistance;

    /// <summary>Gets the enemies' speed in slow motion as a fraction of their normal speed, or NaN if not measured.</summary>
    public double EnemySlowMotionRatio => EnemySpeed(GameMode.SlowMotion) / EnemySpeed(GameMode.Normal);

    /// <summary>Gets the comet's speed in slow motion as a fraction of its normal speed, or NaN if not measured.</summary>
    public double CometSlowMotionRatio => CometSpeed(GameMode.SlowMotion) / CometSpeed(GameMode.Normal);

    /// <summary>Gets the enemies' measured speed in <paramref name="mode"/>, in cells per second of real time.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>The speed, or NaN when no enemy moved in that mode.</returns>
    public double EnemySpeed(GameMode mode)
    {
        Totals totals = _totals[(int)mode];
        return totals.EnemySteps == 0 ? double.NaN : totals.EnemyDistance / (totals.EnemySteps * _stepSeconds);
    }

    /// <summary>Gets the comet's measured speed in <paramref name="mode"/>, in cells per second of real time.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>The speed, or NaN when the comet took no step in that mode.</returns>
    public double CometSpeed(GameMode mode)
    {
        Totals totals = _totals[(int)mode];
        return totals.CometSteps == 0 ? double.NaN : totals.CometDistance / (totals.CometSteps * _stepSeconds);
    }

    /// <summary>Writes the measurements so far, for a save game; <see cref="Read"/> reads them back.</summary>
    /// <param name="writer">Where to write.</param>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write((int)_mode);
        _last.Write(writer);
        foreach (Totals totals in _totals)
        {
            totals.Write(writer);
        }
    }

    /// <summary>Reads measurements that <see cref="Write"/> wrote, for the game a save goes on with.</summary>
    /// <param name="reader">Where to read.</param>
    /// <param name="world">The loaded world.</param>
    /// <param name="fixedStep">How much real time a fixed step stands for.</param>
    /// <returns>The measurements, as they were when saved.</returns>
    public static GameStats Read(BinaryReader reader, World world, TimeSpan fixedStep)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var stats = new GameStats(world, fixedStep, TimeSpan.Zero) { _mode = (GameMode)reader.ReadInt32() };
        stats._last = Sample.Read(reader);
        foreach (Totals totals in stats._totals)
        {
            totals.Read(reader);
        }

        return stats;
    }

    /// <summary>Describes the measurements: a table by mode, then what it shows about pause and slow motion.</summary>
    /// <returns>Lines of at most 80 characters.</returns>
    public IEnumerable<string> Describe()
    {
        yield return "mode      real s  world s  enemies s   ui s   enemy cells/s  comet cells/s";
        foreach (GameMode mode in new[] { GameMode.Normal, GameMode.SlowMotion, GameMode.Paused })
        {
            Totals t = _totals[(int)mode];
            yield return Invariant($"{Label(mode),-8}{t.Real,8:0.00}{t.World,9:0.00}{t.Enemies,11:0.00}{t.Ui,7:0.00}")
                + $"{Speed(EnemySpeed(mode)),16}{Speed(CometSpeed(mode)),15}";
        }

        Totals paused = _totals[(int)GameMode.Paused];
        yield return paused.Real == 0
            ? "paused: never (P pauses the world)"
            : Invariant($"paused {paused.Real:0.00} s: world clock +{paused.World:0.000} s, enemies moved ")
                + Invariant($"{paused.EnemyDistance:0.0} cells in {paused.EnemySteps} steps");
        yield return _totals[(int)GameMode.SlowMotion].Real == 0
            ? "slow-mo: never (S slows the enemies down)"
            : Invariant($"slow-mo {_totals[(int)GameMode.SlowMotion].Real:0.00} s: enemies at {Ratio(EnemySlowMotionRatio)} x normal ")
                + Invariant($"speed, comet at {Ratio(CometSlowMotionRatio)} x");
    }

    private static string Label(GameMode mode) => mode switch
    {
        GameMode.SlowMotion => "slow-mo",
        GameMode.Paused => "paused",
        _ => "normal",
    };

    private static string Speed(double speed) => double.IsNaN(speed) ? "-" : Invariant($"{speed:0.00}");

    private static string Ratio(double ratio) => double.IsNaN(ratio) ? "?" : Invariant($"{ratio:0.00}");

    private static GameMode ModeOf(World world) =>
        world.WorldClock.IsPaused ? GameMode.Paused : world.IsSlowMotion ? GameMode.SlowMotion : GameMode.Normal;

    /// <summary>The world's counters and clocks at one moment.</summary>
    private readonly record struct Sample(
        TimeSpan Real, TimeSpan WorldTime, TimeSpan EnemiesTime, TimeSpan UiTime,
        double EnemyDistance, long EnemySteps, double CometDistance, long CometSteps)
    {
        public static Sample Of(World world, TimeSpan now) => new(
            now, world.WorldClock.Now, world.EnemiesClock.Now, world.UiClock.Now,
            world.EnemyDistance, world.EnemySteps, world.CometDistance, world.CometSteps);

        public static Sample Read(BinaryReader reader) => new(
            new TimeSpan(reader.ReadInt64()), new TimeSpan(reader.ReadInt64()), new TimeSpan(reader.ReadInt64()),
            new TimeSpan(reader.ReadInt64()), reader.ReadDouble(), reader.ReadInt64(), reader.ReadDouble(), reader.ReadInt64());

        public void Write(BinaryWriter writer)
        {
            writer.Write(Real.Ticks);
            writer.Write(WorldTime.Ticks);
            writer.Write(EnemiesTime.Ticks);
            writer.Write(UiTime.Ticks);
            writer.Write(EnemyDistance);
            writer.Write(EnemySteps);
            writer.Write(CometDistance);
            writer.Write(CometSteps);
        }
    }

    /// <summary>What happened in one mode, summed over its intervals.</summary>
    private sealed class Totals
    {
        public double Real { get; private set; }

        public double World { get; private set; }

        public double Enemies { get; private set; }

        public double Ui { get; private set; }

        public double EnemyDistance { get; private set; }

        public long EnemySteps { get; private set; }

        public double CometDistance { get; private set; }

        public long CometSteps { get; private set; }

        public void Add(Sample now, Sample before)
        {
            Real += (now.Real - before.Real).TotalSeconds;
            World += (now.WorldTime - before.WorldTime).TotalSeconds;
            Enemies += (now.EnemiesTime - before.EnemiesTime).TotalSeconds;
            Ui += (now.UiTime - before.UiTime).TotalSeconds;
            EnemyDistance += now.EnemyDistance - before.EnemyDistance;
            EnemySteps += now.EnemySteps - before.EnemySteps;
            CometDistance += now.CometDistance - before.CometDistance;
            CometSteps += now.CometSteps - before.CometSteps;
        }

        public void Write(BinaryWriter writer)
        {
            writer.Write(Real);
            writer.Write(World);
            writer.Write(Enemies);
            writer.Write(Ui);
            writer.Write(EnemyDistance);
            writer.Write(EnemySteps);
            writer.Write(CometDistance);
            writer.Write(CometSteps);
        }

        public void Read(BinaryReader reader)
        {
            Real = reader.ReadDouble();
            World = reader.ReadDouble();
            Enemies = reader.ReadDouble();
            Ui = reader.ReadDouble();
            EnemyDistance = reader.ReadDouble();
            EnemySteps = reader.ReadInt64();
            CometDistance = reader.ReadDouble();
            CometSteps = reader.ReadInt64();
        }
    }
}
