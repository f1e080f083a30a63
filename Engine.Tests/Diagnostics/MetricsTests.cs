using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using NUnit.Framework;

namespace YieldLoop.Tests.Diagnostics;

/// <summary>Loop metrics through System.Diagnostics.Metrics (issue 7, item 6).</summary>
/// <remarks>The meter is process-wide and other tests may enable metrics on their loops: every test gives its loop a
/// unique name and looks only at measurements tagged with it.</remarks>
[TestFixture]
public class MetricsTests
{
    private static IEnumerator<IAwaitable> Spin(int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            yield return Co.NextTick;
        }
    }

    private static IEnumerator<IAwaitable> Forever()
    {
        while (true)
        {
            yield return Co.Sleep(3600);
        }
    }

    /// <summary>Listens to the YieldLoop meter and keeps the measurements tagged with one loop's name.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly string _loop;

        public Recorder(string loop)
        {
            _loop = loop;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == LoopDiagnostics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Add(i, value, tags));
            _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Add(i, value, tags));
            _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Add(i, value, tags));
            _listener.Start();
        }

        public List<(string Instrument, double Value)> Measurements { get; } = new();

        public Dictionary<string, Instrument> Instruments { get; } = new();

        public Dictionary<string, double> Observe()
        {
            Measurements.Clear();
            _listener.RecordObservableInstruments();
            return Measurements.GroupBy(m => m.Instrument).ToDictionary(g => g.Key, g => g.Single().Value);
        }

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "loop" && (string?)tag.Value == _loop)
                {
                    Instruments[instrument.Name] = instrument;
                    Measurements.Add((instrument.Name, value));
                }
            }
        }
    }

    private static EventLoop NewLoop(out string name)
    {
        name = "metrics-" + Guid.NewGuid().ToString("N");
        return new EventLoop(new ManualClock(), name);
    }

    [Test]
    public void TheObservableInstruments_ReportTicksStepsReadyQueueAndLiveTasks_TaggedWithTheLoop()
    {
        EventLoop loop = NewLoop(out string name);
        using var recorder = new Recorder(name);
        loop.Diagnostics.EnableMetrics();
        loop.Start(Forever(), "forever");
        loop.Start(Spin(3), "spin");
        loop.Start(Spin(3), "spin2");
        for (int i = 0; i < 5; i++)
        {
            loop.Tick();
        }

        Dictionary<string, double> seen = recorder.Observe();

        Assert.That(seen["yieldloop.ticks"], Is.EqualTo(loop.TickCount).And.EqualTo(5));
        Assert.That(seen["yieldloop.steps"], Is.EqualTo(1 + 4 + 4), "forever: 1 step; each spin: 4 steps");
        Assert.That(seen["yieldloop.ready_queue.length"], Is.Zero, "the last tick had nothing to run");
        Assert.That(seen["yieldloop.tasks.live"], Is.EqualTo(1).And.EqualTo(loop.PendingTaskCount));
        Assert.That(recorder.Instruments["yieldloop.ticks"], Is.InstanceOf<ObservableCounter<long>>());
        Assert.That(recorder.Instruments["yieldloop.steps"], Is.InstanceOf<ObservableCounter<long>>());
        Assert.That(recorder.Instruments["yieldloop.ready_queue.length"], Is.InstanceOf<ObservableGauge<int>>());
        Assert.That(recorder.Instruments["yieldloop.tasks.live"].Meter.Name, Is.EqualTo("YieldLoop"));
        loop.Close();
    }

    [Test]
    public void TheReadyGauge_ShowsTheEntriesOfTheLastTick()
    {
        EventLoop loop = NewLoop(out string name);
        using var recorder = new Recorder(name);
        loop.Diagnostics.EnableMetrics();
        loop.Start(Spin(5), "a");
        loop.Start(Spin(5), "b");
        loop.Start(Spin(5), "c");
        loop.Tick();

        Assert.That(recorder.Observe()["yieldloop.ready_queue.length"], Is.EqualTo(3));
        loop.Close();
    }

    [Test]
    public void TheStepDurationHistogram_GetsOneMeasurementPerStep_InMilliseconds()
    {
        EventLoop loop = NewLoop(out string name);
        using var recorder = new Recorder(name);
        loop.Diagnostics.EnableMetrics();
        LoopTask task = loop.Start(Spin(3), "spin");
        loop.CallSoon(() => { });
        loop.RunUntilComplete(task);

        List<double> durations = recorder.Measurements.Where(m => m.Instrument == "yieldloop.step.duration").Select(m => m.Value).ToList();
        Assert.That(durations, Has.Count.EqualTo(4 + 1), "4 coroutine steps and a callback");
        Assert.That(durations, Is.All.GreaterThanOrEqualTo(0));
        Assert.That(recorder.Instruments["yieldloop.step.duration"], Is.InstanceOf<Histogram<double>>());
        Assert.That(recorder.Instruments["yieldloop.step.duration"].Unit, Is.EqualTo("ms"));
        loop.Close();
    }

    [Test]
    public void DisableMetrics_StopsCountingAndReporting_AndEnablingAgainResumesTheCounts()
    {
        EventLoop loop = NewLoop(out string name);
        using var recorder = new Recorder(name);
        loop.Diagnostics.EnableMetrics();
        loop.Diagnostics.EnableMetrics();   // idempotent: one monitor, one registration
        loop.Start(Spin(10), "spin");
        loop.Tick();
        loop.Tick();
        Assert.That(recorder.Observe()["yieldloop.steps"], Is.EqualTo(2));

        loop.Diagnostics.DisableMetrics();
        loop.Diagnostics.DisableMetrics();
        recorder.Measurements.Clear();
        loop.Tick();
        loop.Tick();
        Assert.That(loop.IsMonitored, Is.False);
        Assert.That(recorder.Measurements, Is.Empty, "no step durations while disabled");
        Assert.That(recorder.Observe(), Is.Empty, "a disabled loop is not reported");

        loop.Diagnostics.EnableMetrics();
        Assert.That(recorder.Observe()["yieldloop.steps"], Is.EqualTo(2), "no steps were counted while disabled; the counter never goes back");
        loop.Tick();
        Assert.That(recorder.Observe()["yieldloop.steps"], Is.EqualTo(3));
        loop.Close();
    }

    [Test]
    public void CountingAndTimingSteps_AllocatesNothing()
    {
        EventLoop loop = NewLoop(out string name);
        using var recorder = new Recorder(name);   // subscribed: the histogram is enabled and records every step
        loop.Diagnostics.EnableMetrics();
        for (int i = 0; i < 1_000; i++)
        {
            loop.Start(Spin(int.MaxValue), "spin");
        }

        for (int i = 0; i < 20; i++)
        {
            loop.Tick();
        }

        recorder.Measurements.Capacity = 200_000;   // the test's own list must not grow during the measurement
        recorder.Measurements.Clear();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            loop.Tick();
        }

        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(recorder.Measurements, Has.Count.EqualTo(100_000), "one duration per step");
        // 100,000 timed steps: an allocation per step would be 2 MB at least; a one-off growth under load stays far below.
        Assert.That(bytes, Is.LessThanOrEqualTo(64 * 1024));
        loop.Close();
    }

    [Test]
    public void EnableMetrics_OnAClosedLoop_ThrowsObjectDisposedException_R36()
    {
        EventLoop loop = NewLoop(out string name);
        loop.Close();

        Assert.That(() => loop.Diagnostics.EnableMetrics(), Throws.TypeOf<ObjectDisposedException>().With.Message.StartsWith(
            $"The event loop '{name}' is closed; create a new EventLoop to run more work."));
        Assert.That(loop.IsMonitored, Is.False, "nothing was attached to the closed loop");
        Assert.That(() => loop.Diagnostics.DisableMetrics(), Throws.Nothing, "turning off what is off stays harmless");
    }

    [Test]
    public void TheLoop_HasNoMonitor_WithNoDiagnosticEnabled()
    {
        EventLoop loop = NewLoop(out _);
        _ = loop.Diagnostics;
        loop.Start(Spin(2), "spin");
        loop.Tick();
        Assert.That(loop.IsMonitored, Is.False);

        loop.Diagnostics.EnableMetrics();
        Assert.That(loop.IsMonitored, Is.True);
        loop.Diagnostics.DisableMetrics();
        Assert.That(loop.IsMonitored, Is.False);
        loop.Close();
    }

    [Test]
    public void TheMeter_IsNamedYieldLoop_AndVersionedLikeTheAssembly()
    {
        EventLoop loop = NewLoop(out string name);
        using var recorder = new Recorder(name);
        loop.Diagnostics.EnableMetrics();
        loop.Tick();
        recorder.Observe();

        Meter meter = recorder.Instruments["yieldloop.ticks"].Meter;
        Assert.That(LoopDiagnostics.MeterName, Is.EqualTo("YieldLoop"));
        Assert.That(meter.Name, Is.EqualTo(LoopDiagnostics.MeterName));
        Assert.That(meter.Version, Is.EqualTo(typeof(EventLoop).Assembly.GetName().Version!.ToString()));
        loop.Close();
    }

    [Test]
    public void MetricsAndATimeline_ComposeOnOneLoop()
    {
        EventLoop loop = NewLoop(out string name);
        using var recorder = new Recorder(name);
        loop.Diagnostics.EnableMetrics();
        TimelineRecorder timeline = loop.Diagnostics.StartTimeline();
        LoopTask task = loop.Start(Spin(2), "spin");
        loop.RunUntilComplete(task);
        timeline.Stop();

        Assert.That(recorder.Observe()["yieldloop.steps"], Is.EqualTo(3));
        Assert.That(timeline.EventCount, Is.GreaterThan(3));
        Assert.That(loop.IsMonitored, Is.True, "metrics still watch");
        loop.Diagnostics.DisableMetrics();
        Assert.That(loop.IsMonitored, Is.False);
        loop.Close();
    }
}
