using System.Collections.Generic;

namespace YieldLoop;

/// <summary>When <see cref="Co.Wait{TFuture}(IEnumerable{TFuture}, WaitMode)"/> completes (asyncio's
/// <c>return_when</c>).</summary>
public enum WaitMode
{
    /// <summary>When every future has completed (asyncio's <c>ALL_COMPLETED</c>).</summary>
    AllCompleted = 0,

    /// <summary>When any future has completed, in any way (asyncio's <c>FIRST_COMPLETED</c>).</summary>
    FirstCompleted = 1,

    /// <summary>When any future has faulted, or else when every future has completed (asyncio's
    /// <c>FIRST_EXCEPTION</c>). A cancelled future is not a fault here, as in asyncio.</summary>
    FirstException = 2,
}
