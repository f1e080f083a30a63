using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using YieldLoop.Checkpoints;

namespace YieldLoop;

// Save games (see docs/checkpoints.md): the state a checkpoint copies, written to a stream in a versioned format and
// read back into a new loop, possibly in another process. The format and its checks are in Checkpoints/SaveWriter.cs
// and SaveReader.cs.
public sealed partial class EventLoop
{
    /// <summary>
    /// Writes the loop's whole scheduling state to <paramref name="stream"/>: every task with its coroutines' fields,
    /// timers, futures, callbacks, game clocks, the loop's time and tick count. <see cref="Load"/> reads it into a new loop.
    /// </summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="resolver">Names the game objects the coroutines refer to; null when they refer to none.</param>
    /// <param name="roots">Objects of the loop that the game holds and wants back after the load (a task handle, a
    /// future source, a channel): <see cref="Load"/> returns their loaded counterparts in the same order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from another thread or during a tick; something cannot be
    /// rewound (as for <see cref="Checkpoint()"/>); or a coroutine refers to a game object the resolver does not name,
    /// a native handle or another loop. The message names the coroutine and the field.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    /// <remarks>
    /// Coroutine fields are written when they hold numbers, strings, enums, structs of such, or the loop's objects;
    /// game objects go through <paramref name="resolver"/>. Each coroutine type is written with its layout and a
    /// fingerprint of its compiled body, so that a load refuses a save whose coroutine changed since.
    /// </remarks>
    public void Save(Stream stream, SaveResolver? resolver = null, IReadOnlyList<object>? roots = null)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        CheckBetweenTicks(nameof(Save));
        if (FindUnrewindable() is { } refusal)
        {
            throw new InvalidOperationException($"Loop '{Name}' cannot be saved: {refusal}");
        }

        List<object>? list = roots is null ? null : new List<object>(roots);
        new SaveWriter(this, resolver).Write(stream, _now, ReadClock(), _tickCount, list);
    }

    /// <summary>
    /// Reads a save written by <see cref="Save"/> into this loop, which must be new (no task, timer or callback yet):
    /// the saved tasks continue from where they were, and loop time goes on from the saved time.
    /// </summary>
    /// <param name="stream">Where to read.</param>
    /// <param name="resolver">Gives back the game objects the save names; null when it names none.</param>
    /// <returns>The loaded counterparts of the roots passed to <see cref="Save"/>, in the same order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from another thread or during a tick, or the loop already has
    /// work.</exception>
    /// <exception cref="InvalidDataException">The stream is not a save this build can read, or a coroutine (or engine
    /// type) changed since the save: the message names each one and what changed; nothing was loaded.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    /// <remarks>
    /// With a <see cref="ManualClock"/> the clock is set to the saved time; with another clock the loop's time is
    /// offset so that it goes on from the saved time. Either way every timer keeps its distance from now.
    /// </remarks>
    public IReadOnlyList<object?> Load(Stream stream, SaveResolver? resolver = null)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        CheckBetweenTicks(nameof(Load));
        if (_registry.Count != 0 || _timers.Count != 0 || _readyCount != 0 || _tickCount != 0)
        {
            throw new InvalidOperationException(
                $"Loop '{Name}' cannot load a save: it already has work ({_registry.Count} task(s), {_timers.Count} timer(s)) or has ticked ({_tickCount} tick(s)). Load into a new loop.");
        }

        var reader = new SaveReader(this, resolver);
        reader.ReadTypes(stream);
        reader.ReadObjects();
        if (_clock is ManualClock manual)
        {
            manual.RewindTo(reader.ClockTicks);
            _clockOffset = 0;
        }
        else
        {
            _clockOffset = reader.ClockTicks - _clock.Now.Ticks;
        }

        _lastIteratorType = null;
        _lastIteratorShape = null;
        return reader.Roots;
    }
}
