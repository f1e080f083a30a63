using System;
using System.Collections.Generic;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A scaled, pausable time line for a group of tasks — a game world, a slowed character, a menu — in a tree of clocks
/// above the loop's real time (docs/design.md, "Game-loop integration").
/// </summary>
/// <remarks>
/// <para><b>Model.</b> A root clock (<see cref="GameClock(EventLoop, string)"/>) runs at <see cref="Scale"/> times the
/// loop's real time (<see cref="EventLoop.Time"/>); a child clock (<see cref="CreateChild"/>) runs at its scale times
/// its parent's time. A clock stands still while it or any ancestor is paused or has scale 0. So a world clock at 0.5
/// with a "hero" child at 2 runs the hero at real speed, pausing the world pauses the hero, and a menu clock that is a
/// separate root keeps running.</para>
/// <para><b>Waits.</b> <see cref="Sleep"/> waits in this clock's time. A task bound to a clock — started with
/// <see cref="Start(IEnumerator{IAwaitable}, string)"/> or by a <see cref="Scope"/> created with a clock — sleeps in
/// that clock when it yields <see cref="Co.Sleep(Duration)"/>; <see cref="Co.SleepRealtime(Duration)"/> always waits in real
/// time. A wait ends in the first tick at which the clock's time is at or past its deadline (R7), and waits of one clock
/// with equal deadlines end in the order they began (R8). Zero or negative delays mean "next tick", paused or not
/// (R9). An <see cref="Interval"/> (<see cref="Co.Every"/>) yielded by a bound task keeps its grid in the
/// clock's time too. Timeouts, <see cref="EventLoop.CallLater(Duration, Action)"/> and <see cref="EventLoop.CallEvery(Duration, Action{PeriodicTick})"/>
/// count real time.</para>
/// <para><b>Changes (R13).</b> Changing <see cref="Scale"/>, pausing or resuming takes effect at that moment (the
/// loop's time: the tick's time inside a step, else the loop clock's reading): the time accrued so far is kept, and the
/// rest of every pending wait of this clock and its descendants runs at the new rate. A change costs one timer update
/// per clock of the subtree, however many tasks are waiting.</para>
/// <para><b>Only time stops.</b> A clock at rate 0 stops its waits, not its tasks: a task woken by something else
/// (a future, <see cref="Co.NextTick"/>) still runs, as Unity coroutines do under <c>timeScale = 0</c>. To stop tasks
/// from running, pause their <see cref="Scope"/>.</para>
/// <para>Loop-only: create, change and read a clock on the loop's thread. Time is kept in 100 ns ticks: a clock's time
/// is the exact time it had at its last change plus the real time since, times its rate, rounded down to a tick (never
/// ahead of the exact line), so waits do not drift however long the game runs.</para>
/// <para><b>The end of time (R10).</b> A clock's time saturates at the same end of time as the loop's
/// (<see cref="EventLoop.Time"/>): 2^62 - 1 ticks of 100 ns (<c>TimeSpan.FromTicks(4611686018427387903)</c>, about
/// 14,600 years). A fast clock (a scale of 1e12 gets there in under half a real second) stops there and stays there,
/// whatever its scale later. Its waits follow the loop's rule: a wait computed from a delay saturates at the end of time
/// and comes due in the first tick at which the clock reads it (at once, once the clock is there); a grid point past the
/// end is never reached. A wait that the clock's current line reaches only after the loop's own end of time (a slow
/// clock near the end of real time), or never (rate 0), does not come due: it stays pending and cancellable, and a change
/// of scale or a resume that makes it reachable puts it back on time. No computation of a deadline loops without bound,
/// whatever the scale.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class GameClock
{
    private readonly EventLoop _loop;
    private readonly List<WeakReference<GameClock>> _children = new();
    private double _scale = 1.0;
    private bool _paused;

    // The clock's line since its last change: local(t) = _anchorLocal + round((t - _anchorReal) * _rate).
    private double _rate;
    private long _anchorReal;
    private long _anchorLocal;

    // The clock's own timers, keyed by local ticks (created on the first one), and its one node in the loop's wheel.
    private TimerWheel? _wheel;
    private ClockDriver? _driver;
    private long _armedLocal = long.MaxValue;   // the local deadline the driver is armed for (MaxValue: not armed)
    private bool _dirty;

    // A rate is kept finite: scales multiply down the tree, and 1e300 * 1e300 would be infinity (then 0 * infinity, NaN).
    private const double MaxRate = double.MaxValue;

    /// <summary>Creates a root clock that runs at real time (scale 1) on <paramref name="loop"/>.</summary>
    /// <param name="loop">The loop whose real time the clock scales.</param>
    /// <param name="name">A name for diagnostics.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public GameClock(EventLoop loop, string? name = null)
        : this(loop ?? throw new ArgumentNullException(nameof(loop)), null, name ?? "game")
    {
    }

    private GameClock(EventLoop loop, GameClock? parent, string name)
    {
        loop.CheckAccess();
        _loop = loop;
        Parent = parent;
        Name = name;
        _anchorReal = loop.NowTicks;
        _rate = parent is null ? 1.0 : parent._rate;
        if (parent is null)
        {
            loop.AddRootClock(this);
        }
    }

    /// <summary>Gets the clock's name.</summary>
    public string Name { get; }

    /// <summary>Gets the loop the clock belongs to.</summary>
    public EventLoop Loop => _loop;

    /// <summary>Gets the parent clock, or null for a root clock (which runs on the loop's real time).</summary>
    public GameClock? Parent { get; }

    /// <summary>
    /// Gets or sets how fast this clock runs relative to its parent: 1 is the same speed, 0.5 half speed, 0 stopped.
    /// A change applies from this moment (R13).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    /// <exception cref="InvalidOperationException">Set from another thread.</exception>
    public double Scale
    {
        get => _scale;
        set
        {
            if (double.IsNaN(value) || double.IsInfinity(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    $"The scale of clock '{Name}' must be a finite number, zero or more (0 stops the clock; use Pause to keep the scale).");
            }

            _loop.CheckAccess();
            if (value != _scale)
            {
                _scale = value;
                Changed();
            }
        }
    }

    /// <summary>Gets whether this clock itself is paused (see <see cref="Pause"/>); an ancestor may also stop it.</summary>
    public bool IsPaused => _paused;

    /// <summary>
    /// Gets the rate at which this clock runs relative to real time: the product of the scales from this clock to its
    /// root (at most <see cref="double.MaxValue"/>: the product never overflows to infinity), or 0 when any of them is
    /// paused.
    /// </summary>
    public double EffectiveScale => _rate;

    /// <summary>
    /// Gets the clock's time: how much time has passed on it since it was created (the loop's tick time inside a step,
    /// else the loop clock's current reading). It saturates at the end of time (see the remarks on <see cref="GameClock"/>).
    /// </summary>
    public TimeSpan Now => new(LocalAt(_loop.NowTicks));

    /// <summary>Gets how many waits are pending on this clock (not counting child clocks).</summary>
    public int PendingTimerCount => _wheel?.Count ?? 0;

    /// <summary>Creates a child clock that runs at this clock's time (scale 1), starting at time zero.</summary>
    /// <param name="name">A name for diagnostics.</param>
    /// <returns>The child clock.</returns>
    /// <exception cref="InvalidOperationException">Called from another thread.</exception>
    public GameClock CreateChild(string? name = null)
    {
        var child = new GameClock(_loop, this, name ?? Name + "/child");
        for (int i = _children.Count - 1; i >= 0; i--)
        {
            if (!_children[i].TryGetTarget(out _))
            {
                _children.RemoveAt(i);   // a child nobody holds and with no pending wait is gone
            }
        }

        _children.Add(new WeakReference<GameClock>(child));
        return child;
    }

    /// <summary>Stops this clock (and its descendants) until <see cref="Resume"/>; its scale is kept. Pausing twice does nothing.</summary>
    /// <exception cref="InvalidOperationException">Called from another thread.</exception>
    public void Pause()
    {
        _loop.CheckAccess();
        if (!_paused)
        {
            _paused = true;
            Changed();
        }
    }

    /// <summary>Lets this clock run again at its scale. Resuming a running clock does nothing.</summary>
    /// <exception cref="InvalidOperationException">Called from another thread.</exception>
    public void Resume()
    {
        _loop.CheckAccess();
        if (_paused)
        {
            _paused = false;
            Changed();
        }
    }

    /// <summary>Sleeps for <paramref name="duration"/> of this clock's time, whatever clock the task is bound to.</summary>
    /// <param name="duration">The delay, in seconds or as a <see cref="TimeSpan"/>; zero or less means "next tick" (R9).</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is a NaN or infinite number of
    /// seconds.</exception>
    public IAwaitable Sleep(Duration duration) => SleepRequest.Rent(duration.ToDelayTicks(nameof(duration)), this, realtime: false);

    /// <summary>
    /// Starts <paramref name="coroutine"/> as a task bound to this clock: its <see cref="Co.Sleep(Duration)"/> waits
    /// count this clock's time (see <see cref="EventLoop.Start"/> for the rest).
    /// </summary>
    /// <param name="coroutine">A fresh coroutine iterator.</param>
    /// <param name="name">A name for the task.</param>
    /// <returns>The task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="coroutine"/> is null.</exception>
    /// <exception cref="InvalidOperationException">As for <see cref="EventLoop.Start"/>.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public LoopTask Start(IEnumerator<IAwaitable> coroutine, string? name = null) => _loop.StartIn(null, this, coroutine, name);

    /// <summary>Describes the clock.</summary>
    /// <returns>The name, the scale and whether it is paused.</returns>
    public override string ToString() =>
        $"GameClock '{Name}' (scale {_scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}{(_paused ? ", paused" : string.Empty)}, now {Now})";

    // ---- engine side --------------------------------------------------------------------------------------------

    /// <summary>The clock's local time at loop time <paramref name="real"/> on the current line, saturated at the end of
    /// time. Non-decreasing in <paramref name="real"/>.</summary>
    internal long LocalAt(long real)
    {
        long elapsed = real - _anchorReal;
        if (elapsed <= 0 || _rate == 0)
        {
            return _anchorLocal;
        }

        if (_rate == 1.0)
        {
            return TimeMath.After(_anchorLocal, elapsed);
        }

        // Floor, so a clock never runs ahead of its exact line; the 1e-6 absorbs the last-bit error of the multiply
        // (0.3 s at scale 0.3 is 2999999.9999999995 ticks in binary floating point, and must count as 3000000).
        double scaled = Math.Floor((elapsed * _rate) + 1e-6);
        return scaled >= TimeMath.EndOfTimeAsDouble ? TimeMath.EndOfTime : TimeMath.After(_anchorLocal, (long)scaled);
    }

    /// <summary>The first loop time at which the local time reaches <paramref name="local"/> on the current line, or
    /// <see cref="TimeMath.Never"/> when it does not by the loop's end of time (or at all: rate 0).</summary>
    /// <remarks><see cref="LocalAt"/> is the rule, so this settles on its first tick exactly. The inverse of the line gives
    /// an estimate that is right or a tick off in the common case (two calls of LocalAt to confirm it); when it is further
    /// off — a tiny rate, where the 1e-6 allowance spans up to 10^11 real ticks, or a local time that saturates at the end —
    /// a galloping search and a bisection over [anchor, end of time] settle it: at most about 3 * 63 calls, never a walk
    /// of one tick at a time (which spun forever at scale 1e12 once the local time reached its end).</remarks>
    internal long RealAt(long local)
    {
        long d = local - _anchorLocal;   // local <= EndOfTime or Never, _anchorLocal >= 0: no overflow
        if (d <= 0)
        {
            return _anchorReal;
        }

        if (_rate == 0 || local > TimeMath.EndOfTime)
        {
            return TimeMath.Never;
        }

        long room = TimeMath.EndOfTime - _anchorReal;
        if (_rate == 1.0)
        {
            return d <= room ? _anchorReal + d : TimeMath.Never;   // LocalAt adds elapsed exactly
        }

        // An estimate below 'room' as a double converts to a long of at most 'room'; infinity and beyond go to the end.
        double estimate = Math.Ceiling(d / _rate);
        long t = estimate < room ? _anchorReal + (long)estimate : TimeMath.EndOfTime;
        long lo;   // invariant: LocalAt(lo) < local <= LocalAt(hi); LocalAt(_anchorReal) = _anchorLocal < local
        long hi;
        if (LocalAt(t) >= local)
        {
            if (LocalAt(t - 1) < local)
            {
                return t;   // t > _anchorReal here, since LocalAt(_anchorReal) < local
            }

            hi = t - 1;
            long step = 1;
            while (true)
            {
                lo = hi - _anchorReal > step ? hi - step : _anchorReal;
                if (lo == _anchorReal || LocalAt(lo) < local)
                {
                    break;
                }

                hi = lo;
                step = step < (1L << 61) ? step << 1 : step;
            }
        }
        else
        {
            if (t == TimeMath.EndOfTime || LocalAt(TimeMath.EndOfTime) < local)
            {
                return TimeMath.Never;   // the line reaches it only after the end of time
            }

            lo = t;
            long step = 1;
            while (true)
            {
                hi = TimeMath.EndOfTime - lo > step ? lo + step : TimeMath.EndOfTime;
                if (hi == TimeMath.EndOfTime || LocalAt(hi) >= local)
                {
                    break;
                }

                lo = hi;
                step = step < (1L << 61) ? step << 1 : step;
            }
        }

        while (hi - lo > 1)
        {
            long mid = lo + ((hi - lo) / 2);
            if (LocalAt(mid) >= local)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return hi;
    }

    /// <summary>Puts a sleeping task on this clock's wheel (loop thread, inside its step).</summary>
    internal void InsertTimer(Future task, long delayTicks)
    {
        InsertAt(task, TimeMath.After(LocalAt(_loop.NowTicks), delayTicks));   // saturates at the end of time (R10)
    }

    /// <summary>Puts a task on this clock's wheel at local time <paramref name="deadline"/>.</summary>
    internal void InsertAt(Future task, long deadline)
    {
        TimerWheel wheel = _wheel ??= new TimerWheel();
        wheel.Insert(task, deadline);
        task._state |= StateBits.ClockTimer;
        _loop.ClockTimerCount++;
        if (task._deadline < _armedLocal)
        {
            Arm();
        }
    }

    /// <summary>Flags a task's timer as cancelled; it leaves the wheel at the end of the tick (R12).</summary>
    internal void CancelTimer(Future task)
    {
        TimerWheel wheel = _wheel!;
        int before = wheel.Count;
        wheel.Cancel(task);
        _loop.ClockTimerCount += wheel.Count - before;
        if (!_dirty)
        {
            _dirty = true;
            _loop.AddDirtyClock(this);
        }
    }

    /// <summary>Takes a task's timer out at once (a paused scope freezes it); returns the local time it had left.</summary>
    internal long RemoveTimer(Future task)
    {
        TimerWheel wheel = _wheel!;
        int before = wheel.Count;
        wheel.Remove(task);
        _loop.ClockTimerCount += wheel.Count - before;
        RearmIfArmed();   // the driver may be armed for the frozen timer: a stale driver would wake (or auto-jump) the loop
        return TimeMath.Remaining(task._deadline, LocalAt(_loop.NowTicks));   // a 'never' deadline stays never
    }

    /// <summary>Puts a frozen timer back with the local time it had left.</summary>
    internal void RestoreTimer(Future task, long remaining) => InsertAt(task, TimeMath.Resume(LocalAt(_loop.NowTicks), remaining));

    /// <summary>The driver came due in a tick at loop time <paramref name="now"/>: queue this clock's due tasks.</summary>
    /// <remarks>Called while the loop's wheel is advancing, so it must not touch that wheel: the loop re-arms the
    /// driver (<see cref="Arm"/>) once the wheel has finished.</remarks>
    internal void FireDue(long now)
    {
        _armedLocal = long.MaxValue;
        TimerWheel wheel = _wheel!;
        int before = wheel.Count;
        wheel.Advance(LocalAt(now), _loop);
        _loop.ClockTimerCount += wheel.Count - before;
    }

    /// <summary>Ends the tick for a clock with cancelled timers (R12).</summary>
    internal void Purge()
    {
        _dirty = false;
        _wheel?.Purge();
        RearmIfArmed();   // the cancelled timers may have been the ones the driver was armed for (NextWakeTime, auto-jump)
    }

    /// <summary>Moves the driver to the earliest remaining wait, or takes it out, when it sits in the loop's wheel.</summary>
    /// <remarks>Never called while the loop's wheel advances (a freeze runs in a step, a purge at the end of a tick).</remarks>
    private void RearmIfArmed()
    {
        if (_driver is not null && (_driver._state & StateBits.InWheel) != 0)
        {
            Arm();
        }
    }

    /// <summary>Puts the driver in the loop's wheel at the real time of the earliest local wake-up, or takes it out.</summary>
    internal void Arm()
    {
        long nextLocal = _wheel is { Count: > 0 } wheel ? wheel.NextWakeTime() : long.MaxValue;
        long real = nextLocal == long.MaxValue ? long.MaxValue : RealAt(nextLocal);
        ClockDriver? driver = _driver;
        if (driver is not null && (driver._state & StateBits.InWheel) != 0)
        {
            if (real != long.MaxValue && driver._deadline == real)
            {
                _armedLocal = nextLocal;
                return;
            }

            _loop.RemoveTimer(driver);
        }

        if (real == long.MaxValue)
        {
            _armedLocal = long.MaxValue;
            return;
        }

        driver ??= _driver = new ClockDriver(_loop, this);
        _armedLocal = nextLocal;
        _loop.InsertDriver(driver, real);
    }

    private void Changed()
    {
        long now = _loop.NowTicks;
        Reanchor(now);
    }

    /// <summary>Starts a new line at <paramref name="now"/> for this clock and its descendants (R13), and re-arms.</summary>
    private void Reanchor(long now)
    {
        _anchorLocal = LocalAt(now);
        _anchorReal = now;
        _rate = _paused ? 0 : Math.Min((Parent is null ? 1.0 : Parent._rate) * _scale, MaxRate);
        if (_wheel is { Count: > 0 } || (_driver is not null && (_driver._state & StateBits.InWheel) != 0))
        {
            Arm();   // never called while the loop's wheel advances: no user code runs then
        }

        for (int i = 0; i < _children.Count; i++)
        {
            if (_children[i].TryGetTarget(out GameClock? child))
            {
                child.Reanchor(now);
            }
        }
    }
}
