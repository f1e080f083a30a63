// Snippets of docs/checkpoints.md: rollback with a ring of checkpoints, a game object that rewinds itself, a save game
// with a resolver. Engine.Tests/Docs/CheckpointSnippetTests.cs runs each one and checks what it prints.
using System;
using System.Collections.Generic;
using System.IO;
using YieldLoop;

namespace DocExamples.Checkpoints;

// <snippet:checkpoints-rewindable>
public sealed class Ship : IRewindable
{
    public int X { get; set; }
    public int Fuel { get; set; } = 100;

    public void Capture(ref object? state)
    {
        int[] saved = state as int[] ?? new int[2];   // reused by the next capture into the same checkpoint
        saved[0] = X;
        saved[1] = Fuel;
        state = saved;
    }

    public void Rewind(object? state)
    {
        var saved = (int[])state!;
        X = saved[0];
        Fuel = saved[1];
    }
}
// </snippet:checkpoints-rewindable>

public static class CheckpointSnippets
{
    static IEnumerator<IAwaitable> Thrust(Ship ship)
    {
        while (ship.Fuel > 0)
        {
            ship.X += 2;
            ship.Fuel -= 5;
            yield return Co.Sleep(TimeSpan.FromSeconds(0.1));
        }
    }

    public static string Rollback(TextWriter log)
    {
        // <snippet:checkpoints-rollback>
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "match");
        var ship = new Ship();
        loop.Start(Thrust(ship), "thrust");

        var ring = new LoopCheckpoint[9];                 // the last 9 frames, reused every frame
        for (int i = 0; i < ring.Length; i++)
        {
            ring[i] = new LoopCheckpoint();
        }

        for (int frame = 0; frame < 20; frame++)
        {
            loop.Checkpoint(ring[frame % ring.Length]);   // the state at the start of this frame
            clock.Advance(TimeSpan.FromSeconds(1.0 / 20));
            loop.Tick();
        }

        log.WriteLine($"frame 20: x={ship.X} fuel={ship.Fuel}");   // x=20 fuel=50
        loop.Restore(ring[15 % ring.Length]);             // a late input for frame 15 arrived: go back
        log.WriteLine($"frame 15: x={ship.X} fuel={ship.Fuel}");   // x=16 fuel=60
        for (int frame = 15; frame < 20; frame++)         // and play frames 15 to 19 again
        {
            loop.Checkpoint(ring[frame % ring.Length]);
            clock.Advance(TimeSpan.FromSeconds(1.0 / 20));
            loop.Tick();
        }

        log.WriteLine($"frame 20 again: x={ship.X} fuel={ship.Fuel}");   // x=20 fuel=50
        // </snippet:checkpoints-rollback>
        loop.Close();
        return $"{ship.X},{ship.Fuel}";
    }

    // <snippet:checkpoints-resolver>
    public sealed class ShipResolver : SaveResolver
    {
        private readonly Dictionary<string, Ship> _ships;

        public ShipResolver(Dictionary<string, Ship> ships) => _ships = ships;

        public override string? GetId(object value)
        {
            foreach (KeyValuePair<string, Ship> pair in _ships)
            {
                if (ReferenceEquals(pair.Value, value))
                {
                    return pair.Key;
                }
            }

            return null;   // not a ship: Save fails, naming the coroutine and the field
        }

        public override object Resolve(string id, Type type) => _ships[id];
    }
    // </snippet:checkpoints-resolver>

    public static string SaveAndLoad(TextWriter log)
    {
        // <snippet:checkpoints-save>
        // Playing: save in the middle of the flight.
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "game");
        var ship = new Ship();
        LoopTask flight = loop.Start(Thrust(ship), "thrust");
        for (int frame = 0; frame < 5; frame++)
        {
            clock.Advance(TimeSpan.FromSeconds(0.1));
            loop.Tick();
        }

        var file = new MemoryStream();                   // a FileStream in a game
        loop.Save(file, new ShipResolver(new() { ["player"] = ship }), new object[] { flight });
        string world = $"{ship.X},{ship.Fuel}";          // the game saves its own objects as it likes

        // Later, maybe in another process: a new world, a new loop, the same coroutines going on.
        var ship2 = new Ship { X = int.Parse(world.Split(',')[0]), Fuel = int.Parse(world.Split(',')[1]) };
        var clock2 = new ManualClock();
        var loop2 = new EventLoop(clock2, "game");
        file.Position = 0;
        IReadOnlyList<object?> roots = loop2.Load(file, new ShipResolver(new() { ["player"] = ship2 }));
        var flight2 = (LoopTask)roots[0]!;               // the loaded counterpart of 'flight'
        while (!flight2.IsCompleted)
        {
            clock2.Advance(TimeSpan.FromSeconds(0.1));
            loop2.Tick();
        }

        log.WriteLine($"landed at x={ship2.X} with fuel={ship2.Fuel}");   // landed at x=40 with fuel=0
        // </snippet:checkpoints-save>
        loop.Close();
        loop2.Close();
        return $"{ship2.X},{ship2.Fuel}";
    }

    public static string Fingerprint()
    {
        // <snippet:checkpoints-fingerprint>
        // On desktop .NET, in a build step or a test: print the fingerprint of each coroutine a save may hold...
        string fingerprint = CoroutineFingerprintAttribute.Compute(typeof(CheckpointSnippets).GetMethod("Thrust",
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!);
        // ...and put it on the method for an IL2CPP build: [CoroutineFingerprint("<the value>")]
        // </snippet:checkpoints-fingerprint>
        return fingerprint;
    }
}
