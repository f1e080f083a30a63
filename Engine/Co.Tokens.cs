using System;
using System.Collections.Generic;
using System.Threading;
using YieldLoop.Internal;

namespace YieldLoop;

// The common waits with a CancellationToken, for code that lives by tokens (UniTask's Delay(..., ct), Yield(ct),
// WaitUntil(..., ct)): while the wait lasts, the token cancels the waiting task, exactly as task.Cancel() would
// (R30: its finally blocks run at its next turn, what it waited on is cancelled with it, R31). The wait is an inline
// child coroutine, as the condition waits are, that links the token to the task while it waits (WaitTokenLink).
// A token that cannot be cancelled (CancellationToken.None) gives the plain wait, at no extra cost.
public static partial class Co
{
    /// <summary>
    /// Sleeps as <see cref="Sleep(Duration)"/> does; if <paramref name="token"/> fires while the coroutine sleeps, the
    /// waiting task is cancelled, as if <see cref="Future.Cancel"/> had been called on it.
    /// </summary>
    /// <param name="duration">The delay, in seconds or as a <see cref="TimeSpan"/>; zero or less means "next tick" (R9).</param>
    /// <param name="token">The token. Already cancelled at the yield: the task is cancelled there and the sleep never
    /// starts (R33). Firing after the sleep ended: nothing happens to the task.</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is a NaN or infinite number of
    /// seconds.</exception>
    /// <remarks>The token's callback may run on any thread; the cancel is handed to the loop (R51) and delivered at the
    /// task's next turn (R30), so the task ends cancelled in the tick after the hand-over arrives at the latest.</remarks>
    public static IAwaitable Sleep(Duration duration, CancellationToken token)
    {
        long ticks = duration.ToDelayTicks(nameof(duration));
        return token.CanBeCanceled ? Call(SleepWithToken(ticks, realtime: false, token)) : SleepRequest.Rent(ticks);
    }

    /// <summary>
    /// Sleeps in real (unscaled) time as <see cref="SleepRealtime(Duration)"/> does; if <paramref name="token"/> fires
    /// while the coroutine sleeps, the waiting task is cancelled (see <see cref="Sleep(Duration, CancellationToken)"/>).
    /// </summary>
    /// <param name="duration">The delay, in seconds or as a <see cref="TimeSpan"/>; zero or less means "next tick" (R9).</param>
    /// <param name="token">The token that cancels the waiting task while it sleeps.</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is a NaN or infinite number of
    /// seconds.</exception>
    public static IAwaitable SleepRealtime(Duration duration, CancellationToken token)
    {
        long ticks = duration.ToDelayTicks(nameof(duration));
        return token.CanBeCanceled
            ? Call(SleepWithToken(ticks, realtime: true, token))
            : SleepRequest.Rent(ticks, null, realtime: true);
    }

    /// <summary>
    /// Resumes the coroutine <paramref name="ticks"/> ticks after the yield, as <see cref="WaitTicks(int)"/> does;
    /// <c>Co.WaitTicks(1, token)</c> is <see cref="NextTick"/> with a token. If <paramref name="token"/> fires while
    /// the coroutine waits, the waiting task is cancelled (see <see cref="Sleep(Duration, CancellationToken)"/>).
    /// </summary>
    /// <param name="ticks">How many ticks to wait; zero or less continues at once (the token is still checked).</param>
    /// <param name="token">The token that cancels the waiting task while it waits.</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    public static IAwaitable WaitTicks(int ticks, CancellationToken token) =>
        token.CanBeCanceled ? Call(WithToken(CountTicks(ticks, NoTimeout), token)) : WaitTicks(ticks);

    /// <summary>
    /// Waits until <paramref name="predicate"/> returns <see langword="true"/>, as <see cref="WaitUntil(Func{bool})"/>
    /// does; if <paramref name="token"/> fires while the coroutine waits, the waiting task is cancelled (see
    /// <see cref="Sleep(Duration, CancellationToken)"/>).
    /// </summary>
    /// <param name="predicate">The condition, checked at the yield and then once per tick in the task's turn.</param>
    /// <param name="token">The token that cancels the waiting task while it waits.</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public static IAwaitable WaitUntil(Func<bool> predicate, CancellationToken token)
    {
        Func<bool> condition = NotNull(predicate, nameof(predicate));
        return token.CanBeCanceled ? Call(WithToken(PollCondition(condition, true, NoTimeout), token)) : WaitUntil(condition);
    }

    /// <summary>
    /// Waits while <paramref name="predicate"/> returns <see langword="true"/>, as <see cref="WaitWhile(Func{bool})"/>
    /// does; if <paramref name="token"/> fires while the coroutine waits, the waiting task is cancelled (see
    /// <see cref="Sleep(Duration, CancellationToken)"/>).
    /// </summary>
    /// <param name="predicate">The condition, checked at the yield and then once per tick in the task's turn.</param>
    /// <param name="token">The token that cancels the waiting task while it waits.</param>
    /// <returns>A one-shot wait to yield at once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public static IAwaitable WaitWhile(Func<bool> predicate, CancellationToken token)
    {
        Func<bool> condition = NotNull(predicate, nameof(predicate));
        return token.CanBeCanceled ? Call(WithToken(PollCondition(condition, false, NoTimeout), token)) : WaitWhile(condition);
    }

    // The sleep is rented here, inside the waiting task's step, so the pool's renter check (one-shot waits) holds.
    private static IEnumerator<IAwaitable> SleepWithToken(long ticks, bool realtime, CancellationToken token)
    {
        using (WaitTokenLink.Begin(token))
        {
            yield return realtime ? SleepRequest.Rent(ticks, null, realtime: true) : SleepRequest.Rent(ticks);
        }
    }

    private static IEnumerator<IAwaitable> WithToken(IEnumerator<IAwaitable> wait, CancellationToken token)
    {
        using (WaitTokenLink.Begin(token))
        {
            yield return Call(wait);
        }
    }
}
