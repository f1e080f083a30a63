using System;

namespace YieldLoop.Demos.Painting;

/// <summary>The outcome of one run of the painting job.</summary>
/// <param name="Total">The simulated time from the start until the last coat was dry.</param>
/// <param name="PainterBusy">How much of that time the painter spent painting.</param>
/// <param name="Timeline">Who did what, step by step.</param>
internal sealed record PaintingRun(TimeSpan Total, TimeSpan PainterBusy, Timeline Timeline);
