namespace YieldLoop.Demos.Game;

/// <summary>Where the host's key presses come from: the console, or a script in headless runs.</summary>
internal interface IGameInput
{
    /// <summary>Takes the next command given for <paramref name="frame"/>, if any; the host calls it until it returns false.</summary>
    /// <param name="frame">The frame number, from 1.</param>
    /// <param name="command">The command.</param>
    /// <returns>Whether there was one.</returns>
    bool TryRead(int frame, out GameCommand command);
}
