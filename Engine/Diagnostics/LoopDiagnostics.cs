using System;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// What a loop can tell about its coroutines: debug mode with the blocking-step watchdog, and (in the other parts of this
/// class) live snapshots, deadlock reports and timelines. Get it from <see cref="EventLoop.Diagnostics"/>.
/// </summary>
/// <remarks>
/// <para>Everything here is off until asked for, and costs nothing while off: the loop's hot path runs unchanged unless a
/// diagnostic that watches steps (debug mode, a timeline, step metrics) is on (docs/design.md, "Diagnostics").</para>
/// <para>Loop-only: use it on the loop's thread, outside steps or inside them (but see each member).</para>
/// </remarks>
[Checkpoints.NotRewound]
public sealed partial class LoopDiagnostics
{
    private readonly EventLoop _loop;
    private Watchdog? _watchdog;
    private TimeSpan _threshold = TimeSpan.FromMilliseconds(100);

    internal LoopDiagnostics(EventLoop loop)
    {
        _loop = loop;
    }

    /// <summary>Gets the loop.</summary>
    public EventLoop Loop => _loop;

    /// <summary>
    /// Gets or sets debug mode: a watchdog thread reports any step that runs longer than
    /// <see cref="SlowStepThreshold"/> while it is still running, and again when it ends (see
    /// <see cref="SlowStepHandler"/>); and a <c>Co.Call(child)</c> made in a step but not yielded by the end of that step
    /// (its child would never run) is reported to <see cref="EventLoop.UnhandledExceptionHandler"/> at the end of that
    /// step; and .NET code that begins to wait on the loop's work (<see cref="FutureInteropExtensions.AsTask(Future)"/>,
    /// <see cref="EventLoop.RunCoroutineThreadsafeAsync(System.Func{System.Collections.Generic.IEnumerator{IAwaitable}}, System.Threading.CancellationToken)"/>)
    /// while the loop has not ticked for 2 seconds (real time, outside <see cref="EventLoop.RunForever"/> and
    /// <see cref="EventLoop.RunUntilComplete(Future)"/>) is reported once per loop, naming the loop and what is awaited:
    /// through <see cref="Trace"/> and <see cref="EventLoop.UnhandledExceptionHandler"/> (an
    /// <see cref="InvalidOperationException"/>; standard error without a handler), on the waiting thread, or on a
    /// thread-pool thread when the loop stops ticking after the wait began. Off by default; it costs a timestamp per
    /// step and per tick while on.
    /// </summary>
    /// <remarks>A task that faults with nobody waiting is reported at the end of its tick in every mode (R23).</remarks>
    /// <exception cref="InvalidOperationException">Set from another thread.</exception>
    /// <exception cref="ObjectDisposedException">Switched on after the loop was closed.</exception>
    public bool DebugMode
    {
        get => _watchdog is not null;
        set
        {
            _loop.CheckThread();
            if (value == (_watchdog is not null))
            {
                return;
            }

            if (value)
            {
                _loop.CheckAccess();   // no watchdog thread for a closed loop: nothing would stop it
                ResetStaleCheck();
                _watchdog = new Watchdog(this);
                _loop.AddMonitor(_watchdog);
                _watchdog.Start();
            }
            else
            {
                _loop.RemoveMonitor(_watchdog!);
                _watchdog!.Stop();
                _watchdog = null;
            }
        }
    }

    /// <summary>
    /// Gets or sets how long a step may run before debug mode reports it (100 ms by default; at a 60 fps frame budget of
    /// 16 ms, a smaller value suits games).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public TimeSpan SlowStepThreshold
    {
        get => _threshold;
        set
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The slow-step threshold must be longer than zero.");
            }

            _threshold = value;
        }
    }

    /// <summary>
    /// Gets or sets what receives slow-step reports in debug mode; when null they are written to standard error. The
    /// report of a step still running comes on the watchdog's thread (the loop thread is busy running the step); the
    /// report of a finished slow step comes on the loop thread, between steps. An exception from the handler is
    /// caught and written whole (with its stack trace) to <see cref="Trace"/> and standard error.
    /// </summary>
    public Action<SlowStepReport>? SlowStepHandler { get; set; }

    /// <summary>The loop closed: stop the watchdog thread.</summary>
    internal void OnLoopClosed()
    {
        _watchdog?.Stop();
    }

    internal void Deliver(SlowStepReport report)
    {
        Action<SlowStepReport>? handler = SlowStepHandler;
        try
        {
            if (handler is null)
            {
                Console.Error.WriteLine("YieldLoop: " + report);
            }
            else
            {
                handler(report);
            }
        }
        catch (Exception ex)
        {
            // The whole exception, stack trace included, as the loop writes a throwing unhandled-exception handler's.
            EventLoop.WriteFallback($"YieldLoop: the slow-step handler of loop '{_loop.Name}' threw while handling a report:", ex, null);
        }
    }
}

/// <summary>A step that ran (or is running) longer than <see cref="LoopDiagnostics.SlowStepThreshold"/>.</summary>
public sealed class SlowStepReport
{
    internal SlowStepReport(string loopName, string taskName, string frame, TimeSpan elapsed, bool finished)
    {
        LoopName = loopName;
        TaskName = taskName;
        Frame = frame;
        Elapsed = elapsed;
        IsFinished = finished;
    }

    /// <summary>Gets the name of the loop the step blocks.</summary>
    public string LoopName { get; }

    /// <summary>Gets the name of the task (or callback) whose step is slow.</summary>
    public string TaskName { get; }

    /// <summary>Gets the innermost coroutine frame of the task when the step began (the method that is running).</summary>
    public string Frame { get; }

    /// <summary>Gets how long the step had run when reported (its whole duration once <see cref="IsFinished"/>).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Gets whether the step has ended (false: reported while still running, by the watchdog).</summary>
    public bool IsFinished { get; }

    /// <summary>Describes the report in one line.</summary>
    /// <returns>For example <c>step of task 'Load' in Loader.LoadLevel() still running after 250 ms: it blocks loop 'main'</c>.</returns>
    public override string ToString() => IsFinished
        ? $"step of task '{TaskName}' in {Frame} took {Elapsed.TotalMilliseconds:F0} ms and blocked loop '{LoopName}' meanwhile; yield inside long work, or move it off the loop with Co.Offload."
        : $"step of task '{TaskName}' in {Frame} still running after {Elapsed.TotalMilliseconds:F0} ms: it blocks loop '{LoopName}' (no other coroutine runs until it yields).";
}

/// <summary>
/// Debug mode's monitor: stamps each step's start, and a background thread reports a step that runs past the threshold
/// while it runs. Only two fields cross threads: the start timestamp (0 between steps) and the running task.
/// </summary>
internal sealed class Watchdog : LoopMonitor
{
    private readonly LoopDiagnostics _owner;
    private readonly System.Threading.AutoResetEvent _stop = new(false);
    private System.Threading.Thread? _thread;
    private long _stepStart;          // Stopwatch ticks of the running step's start; 0 between steps
    private Future? _stepTask;
    private string _stepFrame = string.Empty;
    private long _reportedStart;      // the step start already reported by the thread (once per step)
    private volatile bool _stopping;

    internal Watchdog(LoopDiagnostics owner)
    {
        _owner = owner;
    }

    internal void Start()
    {
        _thread = new System.Threading.Thread(Run) { IsBackground = true, Name = "YieldLoop watchdog (" + _owner.Loop.Name + ")" };
        _thread.Start();
    }

    internal void Stop()
    {
        _stopping = true;
        _stop.Set();
    }

    internal override void TickStarting(long tick, int ready) => _owner.NoteTickStart();

    internal override void StepStarting(Future task, long timestamp)
    {
        UnyieldedCalls.Begin();
        _stepTask = task;
        _stepFrame = FrameName(task);
        System.Threading.Volatile.Write(ref _stepStart, timestamp);
    }

    internal override void StepEnded(Future task, long started, long ended)
    {
        System.Threading.Volatile.Write(ref _stepStart, 0);
        if (UnyieldedCalls.End() is { } unyielded)
        {
            foreach (Type child in unyielded)
            {
                _owner.Loop.Report(new InvalidOperationException(
                    $"Coroutine '{task.NodeName}' made Co.Call({Names.Short(child)}) in a step but never yielded it, so the child coroutine never ran. " +
                    "Yield the call where you make it: 'yield return Co.Call(...);' (or start it as its own task with loop.Start)."));
            }
        }

        var elapsed = TimeSpan.FromSeconds((ended - started) / (double)Stopwatch.Frequency);
        if (elapsed >= _owner.SlowStepThreshold)
        {
            _owner.Deliver(new SlowStepReport(_owner.Loop.Name, task.NodeName, _stepFrame, elapsed, finished: true));
        }

        _stepTask = null;
    }

    private static string FrameName(Future task)
    {
        System.Collections.Generic.IEnumerator<IAwaitable>? top = TaskText.TopFrame(task);
        return top is null ? task.NodeName : Names.Short(top.GetType());
    }

    private void Run()
    {
        while (!_stopping)
        {
            long thresholdTicks = (long)(_owner.SlowStepThreshold.TotalSeconds * Stopwatch.Frequency);
            int pollMs = (int)Math.Max(1, Math.Min(250, _owner.SlowStepThreshold.TotalMilliseconds / 4));
            if (_stop.WaitOne(pollMs))
            {
                break;
            }

            long start = System.Threading.Volatile.Read(ref _stepStart);
            if (start == 0 || start == _reportedStart)
            {
                continue;
            }

            long now = Stopwatch.GetTimestamp();
            if (now - start < thresholdTicks)
            {
                continue;
            }

            Future? task = _stepTask;
            string frame = _stepFrame;
            if (task is null || System.Threading.Volatile.Read(ref _stepStart) != start)
            {
                continue;   // the step ended meanwhile
            }

            _reportedStart = start;
            string name;
            try
            {
                name = task.NodeName;
            }
            catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException or IndexOutOfRangeException)
            {
                name = "(unknown)";   // the loop thread changed the task's frames as we read them
            }

            var elapsed = TimeSpan.FromSeconds((now - start) / (double)Stopwatch.Frequency);
            _owner.Deliver(new SlowStepReport(_owner.Loop.Name, name, frame, elapsed, finished: false));
        }
    }
}
