namespace YieldLoop.Demos.Kitchen;

/// <summary>How an order ended, or where it is.</summary>
internal enum OrderOutcome
{
    /// <summary>Not taken by a cook yet, or cooking.</summary>
    Open,

    /// <summary>Every dish was done in time.</summary>
    Served,

    /// <summary>The order's timeout expired: its dishes were cancelled, and the table gets the meal on the house.</summary>
    Late,

    /// <summary>A dish went wrong, so the order's task group cancelled the other dishes.</summary>
    Failed,
}
