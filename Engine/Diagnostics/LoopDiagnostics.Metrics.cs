using System;

namespace YieldLoop;

/// <summary>Metrics through System.Diagnostics.Metrics.</summary>
public sealed partial class LoopDiagnostics
{
    /// <summary>The name of the <c>System.Diagnostics.Metrics.Meter</c> that reports the loops' metrics: <c>YieldLoop</c>
    /// (see <see cref="EnableMetrics"/>).</summary>
    public const string MeterName = "YieldLoop";

#if NET
    // Created at the first EnableMetrics and kept: its step count survives DisableMetrics/EnableMetrics, so the steps
    // counter never goes backwards.
    private LoopMetrics? _metrics;
    private bool _metricsEnabled;
#endif

    /// <summary>
    /// Makes the <c>YieldLoop</c> meter (<see cref="MeterName"/>) report this loop; available on .NET 8 and later. Calling
    /// it again does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed: it has nothing left to report.</exception>
    /// <exception cref="PlatformNotSupportedException">This is the netstandard2.1 build of YieldLoop, which has no
    /// System.Diagnostics.Metrics.</exception>
    /// <remarks>
    /// <para>Every measurement carries the tag <c>loop</c> = <see cref="EventLoop.Name"/> (give loops distinct names).
    /// The instruments:</para>
    /// <list type="table">
    /// <listheader><term>Instrument</term><description>Kind, unit: meaning</description></listheader>
    /// <item><term><c>yieldloop.ticks</c></term><description>ObservableCounter&lt;long&gt;, <c>{tick}</c>:
    /// <see cref="EventLoop.TickCount"/>.</description></item>
    /// <item><term><c>yieldloop.steps</c></term><description>ObservableCounter&lt;long&gt;, <c>{step}</c>: steps (coroutine
    /// turns and callbacks) run while metrics were enabled.</description></item>
    /// <item><term><c>yieldloop.ready_queue.length</c></term><description>ObservableGauge&lt;int&gt;, <c>{entry}</c>: the
    /// entries the last tick started with.</description></item>
    /// <item><term><c>yieldloop.tasks.live</c></term><description>ObservableUpDownCounter&lt;int&gt;, <c>{task}</c>:
    /// <see cref="EventLoop.PendingTaskCount"/>.</description></item>
    /// <item><term><c>yieldloop.step.duration</c></term><description>Histogram&lt;double&gt;, <c>ms</c>: the duration of
    /// each step, recorded only while a listener is subscribed to it.</description></item>
    /// </list>
    /// <para>Cost: while enabled the loop runs its monitored run loop (two timestamps per step) and counts each step; the
    /// observable instruments read a few fields when a listener collects, on the listener's thread. A loop that is
    /// dropped without <see cref="DisableMetrics"/> stops being reported once it is garbage-collected.</para>
    /// </remarks>
    public void EnableMetrics()
    {
        _loop.CheckAccess();
#if NET
        if (_metricsEnabled)
        {
            return;
        }

        _metrics ??= new LoopMetrics(_loop);
        _loop.AddMonitor(_metrics);
        _metrics.Register();
        _metricsEnabled = true;
#else
        throw new PlatformNotSupportedException(
            "Loop metrics use System.Diagnostics.Metrics, which this netstandard2.1 build of YieldLoop does not have; use the .NET 8 (or later) build.");
#endif
    }

    /// <summary>
    /// Stops reporting this loop's metrics and detaches the step counter (see <see cref="EnableMetrics"/>); does nothing
    /// when they are not enabled. Enabling them again resumes the counts where they stopped.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's.</exception>
    public void DisableMetrics()
    {
        _loop.CheckThread();
#if NET
        if (!_metricsEnabled)
        {
            return;
        }

        _metrics!.Unregister();
        _loop.RemoveMonitor(_metrics);
        _metricsEnabled = false;
#endif
    }
}
