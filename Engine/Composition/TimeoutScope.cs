using System;
using System.Diagnostics;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A timeout whose deadline can be read, moved and cleared while the work runs (asyncio's <c>asyncio.timeout()</c>
/// with <c>when()</c>, <c>reschedule()</c> and <c>expired()</c>; Trio's cancel scope deadline). Made by
/// <see cref="Co.TimeoutScope(Future, Duration)"/> and its overloads; yield <see cref="Future"/> to wait for the work.
/// </summary>
/// <example>
/// <code>
/// TimeoutScope scope = Co.TimeoutScope(loop, Download(), 10);   // a deadline 10 s from now
/// scope.Reschedule(loop.Time + TimeSpan.FromSeconds(30));       // more time: the deadline moves
/// yield return Co.Settle(scope.Future);
/// if (scope.Expired) { ... }                                     // the deadline passed and cancelled the work
/// </code>
/// </example>
/// <remarks>
/// <para><b>At the deadline</b> the scope behaves as <see cref="Co.Timeout(Future, Duration)"/> (R43): it cancels the
/// work, waits until it completed (its <c>finally</c> blocks ran), then <see cref="Future"/> fails with
/// <see cref="TimeoutException"/>, or with the exception a <c>finally</c> threw during that cancellation (R35). Work
/// that completes first wins, whatever its outcome; a cancellation from outside is never turned into a timeout; with
/// an enclosing timeout that expires in the same tick, only the outermost times out.</para>
/// <para><b>The deadline</b> is absolute loop time (<see cref="EventLoop.Time"/>), as asyncio's <c>when()</c> is; null
/// means none (yet): the work runs until it ends or a deadline is set. <see cref="Reschedule"/> moves it while the
/// work is pending and the deadline has not passed; a deadline at or before the current time expires the scope at
/// once, as a timeout of zero does. A time past <see cref="EventLoop.EndOfTime"/> means never (R10).</para>
/// <para><b>Cancelling</b> <see cref="Future"/> cancels the work, as for <see cref="Co.Timeout(Future, Duration)"/>.
/// The scope's deadline is a timer in the loop's wheel, so nothing is polled per tick; each
/// <see cref="Reschedule"/> makes one small timer object.</para>
/// <para>All members belong to the loop's thread.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class TimeoutScope
{
    private readonly TimeoutScopeWatcher _watcher;

    internal TimeoutScope(Future result, Future work, long? due)
    {
        Future = result;
        _watcher = new TimeoutScopeWatcher(result, work);
        _watcher.Begin(due);
    }

    /// <summary>
    /// Gets the future of the scope: it completes like the work when the work completes first (success, failure, or a
    /// cancellation from outside), and fails with <see cref="TimeoutException"/> once the deadline passed and the
    /// cancelled work has completed. Cancelling it cancels the work.
    /// </summary>
    public Future Future { get; }

    /// <summary>Gets the loop the scope runs on.</summary>
    public EventLoop Loop => Future._loop;

    /// <summary>
    /// Gets the deadline in loop time (compare with <see cref="EventLoop.Time"/>), or null when the scope has none.
    /// After the scope ended it still gives the last deadline.
    /// </summary>
    public TimeSpan? When => _watcher.Due is long due ? (due >= TimeMath.Never ? TimeSpan.MaxValue : new TimeSpan(due)) : null;

    /// <summary>
    /// Gets whether the deadline passed and the scope cancelled the work (asyncio's <c>expired()</c>). It is true from
    /// that moment on, before the work's <c>finally</c> blocks ran, and stays true even if the work then succeeded.
    /// </summary>
    public bool Expired => _watcher.TimedOut;

    /// <summary>
    /// Moves the deadline to <paramref name="when"/> in loop time, or clears it with null (asyncio's
    /// <c>reschedule()</c>). A time at or before the current loop time expires the scope at once.
    /// </summary>
    /// <param name="when">The new deadline, in loop time (for example <c>loop.Time + TimeSpan.FromSeconds(5)</c>), or
    /// null for no deadline. Past <see cref="EventLoop.EndOfTime"/> it means never.</param>
    /// <exception cref="InvalidOperationException">The scope already expired, or its work already completed, so there
    /// is no deadline left to move; or the call is made from another thread.</exception>
    /// <exception cref="ObjectDisposedException">The loop is closed.</exception>
    public void Reschedule(TimeSpan? when)
    {
        Future._loop.CheckAccess();
        if (!_watcher.IsOpen)
        {
            string state = _watcher.TimedOut ? "it already expired" : "its work already completed";
            throw new InvalidOperationException(
                $"TimeoutScope.Reschedule: {state}, so there is no deadline left to move. Reschedule only while the work runs and Expired is false.");
        }

        long? due = when is TimeSpan time ? (time.Ticks > TimeMath.EndOfTime ? TimeMath.Never : time.Ticks) : null;
        _watcher.Reschedule(due);
    }

    /// <summary>Describes the scope: its deadline and state.</summary>
    /// <returns>A short description for logs and the debugger.</returns>
    public override string ToString()
    {
        string deadline = _watcher.Due is long due ? "deadline " + TimeMath.Format(due) : "no deadline";
        string state = Expired ? ", expired" : string.Empty;
        return $"TimeoutScope ({deadline}{state}, {Future.State})";
    }
}
