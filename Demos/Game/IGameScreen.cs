using System;

namespace YieldLoop.Demos.Game;

/// <summary>Where the host shows the game: redrawn in place in a terminal, or as labelled snapshots in a log.</summary>
internal interface IGameScreen
{
    /// <summary>Shows a frame the host has just drawn.</summary>
    /// <param name="frame">The frame number, from 1.</param>
    /// <param name="time">The host's real time at the start of the frame.</param>
    /// <param name="picture">The frame's text (see <see cref="Renderer.Render"/>).</param>
    void Show(int frame, TimeSpan time, string picture);

    /// <summary>Reports a key press and what it did.</summary>
    /// <param name="time">The host's real time when the key was read.</param>
    /// <param name="key">The key.</param>
    /// <param name="effect">What it did, in a few words.</param>
    void Report(TimeSpan time, char key, string effect);
}
