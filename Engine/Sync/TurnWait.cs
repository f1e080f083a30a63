using System.Diagnostics;

namespace YieldLoop.Internal;

/// <summary>Something that grants turns (a lock, a semaphore permit, a condition's notification) and takes back a
/// turn that was granted but never used.</summary>
internal interface ITurnOwner
{
    /// <summary>Takes back a granted turn whose waiter was cancelled before it resumed: give it to the next waiter.</summary>
    void ReturnTurn();

    /// <summary>Names the owner in messages and in a waiting task's description.</summary>
    string DescribeTurn();
}

/// <summary>
/// One wait for a turn of a <see cref="CoLock"/>, <see cref="CoSemaphore"/> or <see cref="CoCondition"/>: a future of
/// its own per wait, so cancelling one waiter never cancels another (R31 cancels the future a task is parked on).
/// </summary>
/// <remarks>
/// Cancel safety lives in <see cref="OnWaiterCancelled"/>: the loop calls it when the task parked here is cancelled or
/// the loop is closed. If the turn was already granted (the future succeeded) the task never got to use it, so the
/// turn goes back to the owner, which hands it to the next live waiter: no turn is lost, and none is granted twice. A
/// wait still pending needs nothing here: the cancellation cascade cancels it right after, and the owner skips dead
/// waits when granting (<see cref="WaitQueue{TWait}"/>).
/// </remarks>
internal sealed class TurnWait : Future
{
    private readonly ITurnOwner _owner;

    // The turn went back to the owner already: a second parked task (sharing one wait future is not supported, see
    // the primitives' remarks) must not hand the same turn on twice.
    private bool _returned;

    internal TurnWait(EventLoop loop, ITurnOwner owner)
        : base(loop)
    {
        _owner = owner;
    }

    internal override void OnWaiterCancelled(LoopNode waiter)
    {
        if (IsSucceeded && !_returned)
        {
            _returned = true;
            _owner.ReturnTurn();
        }
    }

    /// <summary>The primitive that grants this turn (for the wait-for graph of diagnostics).</summary>
    internal ITurnOwner Owner => _owner;

    internal void Grant()
    {
        bool granted = TryComplete(FutureState.Succeeded, null);
        Debug.Assert(granted, "only live waits are granted");
    }

    internal override string Describe() => _owner.DescribeTurn();
}
