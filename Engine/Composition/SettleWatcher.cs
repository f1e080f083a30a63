using System;

namespace YieldLoop;

/// <summary>
/// Settle-all (<see cref="Co.SettleAll(Future[])"/>, R41): waits until every child completed, whatever happened to
/// each, never cancels one on its own, and gives one <see cref="Settled"/> per argument position.
/// </summary>
/// <remarks>
/// <para>A child's failure is observed (R23) when this watcher accounts for it, not when the user reads the outcome:
/// the result hands every failure on in its <see cref="Settled"/> array, so there is nothing left to report even if
/// nobody reads it (as with <c>asyncio.gather(..., return_exceptions=True)</c>). Rejected: observing only on reading
/// <see cref="Settled.Exception"/>, which would report failures of a settle whose caller only wanted "all done" and
/// needs a tick-end check per outcome.</para>
/// <para>Cancellation: cancelling the result cancels the children (a failure arriving afterwards is an orphan, reported
/// by <see cref="ChildSetWatcher"/>); when an enclosing combinator drains it, it ends cancelled once they completed.</para>
/// </remarks>
internal class SettleWatcher : ChildSetWatcher
{
    internal SettleWatcher(Future result, Future[] children)
        : base(result, children)
    {
    }

    protected override void OnResultCancelled() => CancelPending(Children);

    protected override void OnOutcome(int index, Future child)
    {
        if (child.IsFaulted)
        {
            child.GetExceptionForRethrow();   // observed: the outcome array hands it on (R23)
        }
    }

    protected override void Finish()
    {
        if (Draining)
        {
            Complete(FutureState.Cancelled, Future.CancelledMarker);
            return;
        }

        SetSuccess();
    }

    /// <summary>Completes the result with one outcome per argument position.</summary>
    protected virtual void SetSuccess()
    {
        Future[] children = Children;
        var outcomes = new Settled[children.Length];
        for (int i = 0; i < children.Length; i++)
        {
            outcomes[i] = new Settled(children[i].State, FailureOf(children[i]));
        }

        CompleteWith(outcomes);
    }

    /// <summary>The exception of a faulted child (already observed), else null.</summary>
    protected static Exception? FailureOf(Future child) =>
        child.IsFaulted ? (Exception)child._slot! : null;
}

/// <summary>Settle-all with typed values (<see cref="Co.SettleAll{T}(Future{T}[])"/>).</summary>
/// <typeparam name="T">The type of each child's result.</typeparam>
internal sealed class SettleWatcher<T> : SettleWatcher
{
    internal SettleWatcher(Future<Settled<T>[]> result, Future[] children)
        : base(result, children)
    {
    }

    protected override void SetSuccess()
    {
        Future[] children = Children;
        var outcomes = new Settled<T>[children.Length];
        for (int i = 0; i < children.Length; i++)
        {
            Future child = children[i];
            T value = child.IsSucceeded ? ((Future<T>)child).Result : default!;
            outcomes[i] = new Settled<T>(child.State, FailureOf(child), value);
        }

        CompleteWith(outcomes);
    }
}
