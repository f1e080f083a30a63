using System;

namespace YieldLoop;

/// <summary>
/// Reported to <see cref="EventLoop.UnhandledExceptionHandler"/> in debug mode (<see cref="LoopDiagnostics.DebugMode"/>)
/// when <see cref="EventLoop.RunUntilComplete(Future)"/> or <see cref="EventLoop.RunForever"/> is about to wait with
/// nothing that can wake the loop: tasks wait, no work is ready, no timer is pending and no offload or awaited .NET task
/// is in flight. Only another thread (<see cref="EventLoop.Post"/>, <see cref="EventLoop.Stop"/>) can still wake it.
/// </summary>
/// <remarks>It is reported, never thrown: the run goes on waiting for a hand-over or <see cref="EventLoop.Stop"/>.
/// It is reported once per stuck episode: again only after the stuck tasks or what they wait on changed, or the loop
/// was found not stuck in between.</remarks>
public sealed class DeadlockException : InvalidOperationException
{
    internal DeadlockException(DeadlockReport report)
        : base(report.ToString())
    {
        Report = report;
    }

    /// <summary>Gets the report: the stuck tasks, the wait-for graph between them and its cycles.</summary>
    public DeadlockReport Report { get; }
}
