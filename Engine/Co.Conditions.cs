using System;
using System.Collections.Generic;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>Condition waits: wait until or while a predicate holds, for a number of ticks, or until a value changes.</summary>
/// <remarks>
/// <para><b>Model.</b> A condition wait is a small engine coroutine run inline (like <see cref="Call(IEnumerator{IAwaitable})"/>)
/// that polls: it checks its condition at the yield, and then once per tick, in the waiting task's own turn, by
/// yielding <see cref="NextTick"/> in between. So:</para>
/// <list type="bullet">
/// <item>A condition that already holds at the yield continues the coroutine at once, in the same step (like a
/// completed future, R19).</item>
/// <item>Otherwise it is checked once per tick, in the task's place in the ready queue (FIFO with all other work,
/// R3): a task queued behind the step that makes the condition true sees it in the same tick; a task queued ahead of
/// it sees it in the next tick. Several tasks waiting for the same condition resume in their queue order.</item>
/// <item>The predicate (or reader, or comparer) runs as part of the waiting task's step. If it throws, the task
/// faults with that exception object (R21, R22); its pending <c>finally</c> blocks run.</item>
/// <item>A timeout counts from the yield (the wait starts when the coroutine yields it, not when the wait object is
/// made). The condition is checked first: the wait fails with <see cref="TimeoutException"/> only in a tick at or past
/// the deadline in which the condition still does not hold (the same "first tick at or past" rule as timers, R7). A
/// timeout of zero or less checks the condition once and fails at once if it does not hold (as R43).</item>
/// <item>Cancelling the waiting task ends the wait with it (R30); there is nothing else to clean up.</item>
/// <item><c>WaitTicks(n)</c> counts the waiting task's own turns: in a paused <c>Scope</c> the task does not step, so
/// ticks while paused do not count. A timeout counts loop time, paused or not (like a timeout on other work); at the
/// first turn after the pause the condition is checked before the deadline, so a condition that holds then wins.</item>
/// </list>
/// <para><b>Cost.</b> One allocation per wait (the polling iterator; <see cref="WaitUntilChanged{T}(Func{T})"/>
/// also allocates its <see cref="Call{T}"/>). Nothing per tick while waiting: a poll is a next-tick resume plus one
/// call of the predicate. A polling task is ready in every tick, so a console host running
/// <see cref="EventLoop.RunUntilComplete(Future)"/> on a real clock ticks continuously (it does not sleep, R53) while a
/// condition wait is pending; to wait for something that another piece of code completes, prefer a
/// <see cref="Future"/> (a <see cref="FutureSource"/>), which costs nothing while it waits.</para>
/// <para><b>Rejected alternatives.</b> A dedicated awaitable that the loop re-checks at the start of every tick: it
/// would run user code outside the waiting task's turn (a predicate would see a different world from the task that
/// then resumes) and needs a new branch in the loop's hot path. A completion callback per tick: a closure per tick.
/// An engine timer for the timeout: the poll already runs every tick, so comparing the loop time costs less than
/// inserting and cancelling a timer.</para>
/// <para>While the task waits, its pending wait shows in traces as a frame named after the helper
/// (<c>PollCondition</c>, <c>CountTicks</c>, <c>PollChange</c>).</para>
/// </remarks>
public static partial class Co
{
    // "No timeout": a deadline that is never reached (loop time stops at TimeMath.EndOfTime, below it).
    private const long NoTimeout = TimeMath.Never;

    /// <summary>
    /// Waits until <paramref name="predicate"/> returns <see langword="true"/>: checked at the yield (already true:
    /// the coroutine continues at once, in the same step), then once per tick in the task's turn.
    /// </summary>
    /// <param name="predicate">The condition; it runs on the loop's thread as part of the waiting task's step. If it
    /// throws, the waiting task faults with that exception.</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    /// <remarks>See the remarks on condition waits in <see cref="Co"/>'s <c>Co.Conditions.cs</c>: the predicate is
    /// polled once per tick, in FIFO order with other work, and nothing is allocated per tick.</remarks>
    public static IAwaitable WaitUntil(Func<bool> predicate) =>
        Call(PollCondition(NotNull(predicate, nameof(predicate)), true, NoTimeout));

    /// <summary>
    /// Waits until <paramref name="predicate"/> returns <see langword="true"/>, failing with
    /// <see cref="TimeoutException"/> if it is still false at a tick <paramref name="timeout"/> or more after
    /// the yield.
    /// </summary>
    /// <param name="predicate">The condition; checked before the deadline, so a condition that holds in the tick of
    /// the deadline wins.</param>
    /// <param name="timeout">The time allowed, in seconds or as a <see cref="TimeSpan"/>, counted from the yield; zero or less checks the condition once.</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is a NaN or infinite number of seconds (R9); for
    /// no timeout, use the overload without one.</exception>
    /// <remarks>The timeout fails the waiting coroutine (its task faults unless a caller observes it) with the message
    /// "Co.WaitUntil timed out after {duration}: the condition was still false."</remarks>
    public static IAwaitable WaitUntil(Func<bool> predicate, Duration timeout) =>
        Call(PollCondition(NotNull(predicate, nameof(predicate)), true, timeout.ToDelayTicks(nameof(timeout))));

    /// <summary>
    /// Waits while <paramref name="predicate"/> returns <see langword="true"/>: continues as soon as it returns
    /// <see langword="false"/> (at the yield, or in the task's turn in a later tick).
    /// </summary>
    /// <param name="predicate">The condition; it runs on the loop's thread as part of the waiting task's step. If it
    /// throws, the waiting task faults with that exception.</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public static IAwaitable WaitWhile(Func<bool> predicate) =>
        Call(PollCondition(NotNull(predicate, nameof(predicate)), false, NoTimeout));

    /// <summary>
    /// Waits while <paramref name="predicate"/> returns <see langword="true"/>, failing with
    /// <see cref="TimeoutException"/> if it is still true at a tick <paramref name="timeout"/> or more after the
    /// yield.
    /// </summary>
    /// <param name="predicate">The condition; checked before the deadline.</param>
    /// <param name="timeout">The time allowed, in seconds or as a <see cref="TimeSpan"/>, counted from the yield; zero or less checks the condition once.</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is a NaN or infinite number of seconds (R9).</exception>
    /// <remarks>The timeout's message: "Co.WaitWhile timed out after {duration}: the condition was still true."</remarks>
    public static IAwaitable WaitWhile(Func<bool> predicate, Duration timeout) =>
        Call(PollCondition(NotNull(predicate, nameof(predicate)), false, timeout.ToDelayTicks(nameof(timeout))));

    /// <summary>
    /// Resumes the coroutine exactly <paramref name="ticks"/> ticks after the yield: yielded in tick N, it continues
    /// in tick N + <paramref name="ticks"/>, in its turn. Zero or less continues at once, in the same step.
    /// </summary>
    /// <param name="ticks">How many ticks to wait.</param>
    /// <returns>A wait to yield at once (<see cref="NextTick"/> itself when <paramref name="ticks"/> is 1).</returns>
    public static IAwaitable WaitTicks(int ticks) => ticks == 1 ? NextTick : Call(CountTicks(ticks, NoTimeout));

    /// <summary>
    /// Resumes the coroutine exactly <paramref name="ticks"/> ticks after the yield, failing with
    /// <see cref="TimeoutException"/> if a tick <paramref name="timeout"/> or more after the yield comes first.
    /// </summary>
    /// <param name="ticks">How many ticks to wait; zero or less continues at once (the timeout cannot fire).</param>
    /// <param name="timeout">The time allowed, in seconds or as a <see cref="TimeSpan"/>, counted from the yield. The tick count is checked first: a wait
    /// whose last tick is at or past the deadline still succeeds.</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is a NaN or infinite number of seconds (R9).</exception>
    /// <remarks>The timeout's message: "Co.WaitTicks({ticks}) timed out after {duration}: {n} of {ticks} ticks had passed."</remarks>
    public static IAwaitable WaitTicks(int ticks, Duration timeout) =>
        Call(CountTicks(ticks, timeout.ToDelayTicks(nameof(timeout))));

    /// <summary>
    /// Waits until the value <paramref name="read"/> returns differs from the value it returned at the yield; read
    /// the new value from <see cref="Call{T}.Result"/> after the yield.
    /// </summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="read">Reads the value; called once at the yield (the baseline) and then once per tick in the task's
    /// turn. If it throws, the waiting task faults with that exception.</param>
    /// <returns>A one-shot typed call to yield once; its <see cref="Call{T}.Result"/> is the first value that differed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="read"/> is null.</exception>
    /// <remarks>Values are compared with <see cref="EqualityComparer{T}.Default"/>. A change is a difference between
    /// two reads, so a value that changes and changes back between two ticks is not seen, and an object mutated in
    /// place (the same reference read twice) is not a change for the default comparer of a reference type. The wait
    /// never continues at the yield itself (the baseline is read there).</remarks>
    public static Call<T> WaitUntilChanged<T>(Func<T> read) =>
        Call<T>(PollChange(NotNull(read, nameof(read)), EqualityComparer<T>.Default, NoTimeout));

    /// <summary>
    /// Waits until the value <paramref name="read"/> returns differs, by <paramref name="comparer"/>, from the value it
    /// returned at the yield (see <see cref="WaitUntilChanged{T}(Func{T})"/>).
    /// </summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="read">Reads the value; called at the yield and then once per tick in the task's turn.</param>
    /// <param name="comparer">Compares values; <see cref="EqualityComparer{T}.Default"/> when null. If it throws, the
    /// waiting task faults with that exception.</param>
    /// <returns>A one-shot typed call to yield once; its <see cref="Call{T}.Result"/> is the first value that differed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="read"/> is null.</exception>
    public static Call<T> WaitUntilChanged<T>(Func<T> read, IEqualityComparer<T>? comparer) =>
        Call<T>(PollChange(NotNull(read, nameof(read)), comparer ?? EqualityComparer<T>.Default, NoTimeout));

    /// <summary>
    /// Waits until the value <paramref name="read"/> returns differs from the value it returned at the yield, failing
    /// with <see cref="TimeoutException"/> if it has not changed at a tick <paramref name="timeout"/> or more
    /// after the yield.
    /// </summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="read">Reads the value (see <see cref="WaitUntilChanged{T}(Func{T})"/>).</param>
    /// <param name="timeout">The time allowed, in seconds or as a <see cref="TimeSpan"/>, counted from the yield; a change seen in the tick of the deadline
    /// wins; zero or less fails at once (the value cannot have changed at the yield).</param>
    /// <param name="comparer">Compares values; <see cref="EqualityComparer{T}.Default"/> when null.</param>
    /// <returns>A one-shot typed call to yield once; its <see cref="Call{T}.Result"/> is the first value that differed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="read"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is a NaN or infinite number of seconds (R9).</exception>
    /// <remarks>The timeout's message: "Co.WaitUntilChanged timed out after {duration}: the value did not change."</remarks>
    public static Call<T> WaitUntilChanged<T>(Func<T> read, Duration timeout, IEqualityComparer<T>? comparer = null) =>
        Call<T>(PollChange(NotNull(read, nameof(read)), comparer ?? EqualityComparer<T>.Default, timeout.ToDelayTicks(nameof(timeout))));

    // ---- the polling coroutines (run inline in the waiting task; their first MoveNext is the yield) --------------

    private static IEnumerator<IAwaitable> PollCondition(Func<bool> predicate, bool until, long timeout)
    {
        if (predicate() == until)
        {
            yield break;   // already holds at the yield: the caller continues in this step
        }

        long deadline = Deadline(timeout, out EventLoop? loop);
        while (true)
        {
            if (loop is not null && loop.NowTicks >= deadline)
            {
                throw new TimeoutException(until
                    ? $"Co.WaitUntil timed out after {TimeMath.Format(Math.Max(0, timeout))}: the condition was still false."
                    : $"Co.WaitWhile timed out after {TimeMath.Format(Math.Max(0, timeout))}: the condition was still true.");
            }

            yield return NextTick;
            if (predicate() == until)
            {
                yield break;
            }
        }
    }

    private static IEnumerator<IAwaitable> CountTicks(int ticks, long timeout)
    {
        if (ticks <= 0)
        {
            yield break;
        }

        long deadline = Deadline(timeout, out EventLoop? loop);
        for (int passed = 0; passed < ticks; passed++)
        {
            if (loop is not null && loop.NowTicks >= deadline)
            {
                throw new TimeoutException(
                    $"Co.WaitTicks({ticks}) timed out after {TimeMath.Format(Math.Max(0, timeout))}: {passed} of {ticks} ticks had passed.");
            }

            yield return NextTick;
        }
    }

    private static IEnumerator<IAwaitable> PollChange<T>(Func<T> read, IEqualityComparer<T> comparer, long timeout)
    {
        T baseline = read();
        long deadline = Deadline(timeout, out EventLoop? loop);
        while (true)
        {
            if (loop is not null && loop.NowTicks >= deadline)
            {
                throw new TimeoutException($"Co.WaitUntilChanged timed out after {TimeMath.Format(Math.Max(0, timeout))}: the value did not change.");
            }

            yield return NextTick;
            T current = read();
            if (!comparer.Equals(baseline, current))
            {
                yield return Return(current);
            }
        }
    }

    /// <summary>The deadline of a wait that starts now (at the yield), and the loop to read time from.</summary>
    private static long Deadline(long timeout, out EventLoop? loop)
    {
        if (timeout == NoTimeout)
        {
            loop = null;
            return NoTimeout;
        }

        loop = RequireLoop();
        long now = loop.NowTicks;
        return timeout <= 0 ? now : TimeMath.After(now, timeout);   // a finite timeout saturates at the end of time (R10)
    }

    /// <summary>The loop ticking on this thread; the condition waits and periodic helpers run inside its steps.</summary>
    internal static EventLoop RequireLoop() => EventLoop.Current ?? throw new InvalidOperationException(
        "No event loop is ticking on this thread: yield this wait from a coroutine that a loop runs, or pass the loop.");

    private static TDelegate NotNull<TDelegate>(TDelegate value, string name)
        where TDelegate : class => value ?? throw new ArgumentNullException(name);
}
