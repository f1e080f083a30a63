using System.Collections.Generic;
using System.Diagnostics;

namespace YieldLoop;

/// <summary>
/// What <see cref="Co.Wait{TFuture}(IEnumerable{TFuture}, WaitMode)"/> gives: the futures that had completed when the
/// wait ended, and those still pending (asyncio's <c>done, pending</c>).
/// </summary>
/// <typeparam name="TFuture">The type of the futures, as passed.</typeparam>
/// <remarks>Both lists keep argument order (a future passed twice is listed twice). A future in <see cref="Done"/> may
/// have succeeded, faulted or been cancelled: look at its <see cref="Future.State"/>. Those in <see cref="Pending"/>
/// go on: the wait cancels nothing.</remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class WaitResult<TFuture>
    where TFuture : Future
{
    internal WaitResult(TFuture[] done, TFuture[] pending)
    {
        Done = done;
        Pending = pending;
    }

    /// <summary>Gets the futures that had completed when the wait ended, in argument order.</summary>
    public IReadOnlyList<TFuture> Done { get; }

    /// <summary>Gets the futures still pending when the wait ended, in argument order.</summary>
    public IReadOnlyList<TFuture> Pending { get; }

    /// <summary>Describes the result: how many are done and pending.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString() => $"WaitResult ({Done.Count} done, {Pending.Count} pending)";
}
