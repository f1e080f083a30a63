namespace YieldLoop;

/// <summary>
/// The result type of the engine's typed futures that stand for work without a result (an offloaded
/// <see cref="System.Action"/>, a plain <see cref="System.Threading.Tasks.Task"/>): one generic code path for both, and
/// no accidental match with a user's result type.
/// </summary>
internal readonly struct NoResult
{
}
