using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Painting;

/// <summary>
/// Something unrelated to the painting that shares its loop: a radio that plays a beat every simulated minute, as a
/// coroutine of its own. It has nothing to wait for but its next minute, so it plays whenever the loop gets to run
/// it; a step that blocks the loop silences it.
/// </summary>
internal sealed class Radio
{
    /// <summary>How often the radio plays a beat.</summary>
    public static readonly TimeSpan BeatInterval = TimeSpan.FromMinutes(1);

    /// <summary>Gets how many beats the radio has played.</summary>
    public int Beats { get; private set; }

    /// <summary>The radio's coroutine: a beat, then a sleep until the next minute, for ever. Start it before the job
    /// and leave it out of the tasks to wait for: closing the loop cancels it.</summary>
    /// <returns>The coroutine.</returns>
    public IEnumerator<IAwaitable> Play()
    {
        while (true)
        {
            Beats++;
            yield return Co.Sleep(BeatInterval);
        }
    }
}
