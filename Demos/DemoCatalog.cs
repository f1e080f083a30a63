using System;
using System.Collections.Generic;
using YieldLoop.Demos.Painting;

namespace YieldLoop.Demos;

/// <summary>Every demo, in the order the list shows them; the first one is the default.</summary>
internal static class DemoCatalog
{
    /// <summary>Gets all demos.</summary>
    public static IReadOnlyList<IDemo> All { get; } = new IDemo[]
    {
        new PaintingDemo(),
        new Kitchen.KitchenDemo(),
        new Offload.OffloadDemo(),
        new Tui.TuiDemo(),
        new Game.GameDemo(),
        new Trace.TraceDemo(),
        new Rollback.RollbackDemo(),
    };

    /// <summary>Gets the demo that runs when none is named.</summary>
    public static IDemo Default => All[0];

    /// <summary>Finds a demo by name, ignoring case.</summary>
    /// <param name="name">The name given on the command line.</param>
    /// <returns>The demo, or null when there is none of that name.</returns>
    public static IDemo? Find(string name)
    {
        foreach (IDemo demo in All)
        {
            if (string.Equals(demo.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return demo;
            }
        }

        return null;
    }
}
