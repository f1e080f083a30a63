using System;
using System.Threading;

namespace YieldLoop;

/// <summary>
/// A <see cref="SynchronizationContext"/> for a loop's thread: <c>async</c> methods called from coroutines, callbacks or
/// the host continue on the loop thread, as ordinary loop work in FIFO order with the rest. Install it with
/// <see cref="EventLoop.InstallSynchronizationContext"/>.
/// </summary>
/// <remarks>
/// <para><b>Post</b> (what <c>await</c> uses to continue): from the loop thread it is queued like
/// <see cref="EventLoop.CallSoon"/>, so a continuation runs in the next tick in FIFO order with the callbacks and tasks
/// made ready before and after it (R3); from another thread it is <see cref="EventLoop.Post"/>, through the inbox, in
/// posting order per thread (R51), waking an idle loop (R53). Either way it never runs inline, and either way it is an
/// accepted post: if <see cref="EventLoop.Close"/> comes before the next tick, Close runs it before it cancels the
/// tasks, as it runs what <see cref="EventLoop.Post"/> accepted (R51), so an awaiting async method is never left
/// hanging. A continuation that throws (an <c>async void</c> method) goes to
/// <see cref="EventLoop.UnhandledExceptionHandler"/> like any callback (R18).</para>
/// <para><b>After Close</b> the loop can run nothing, and the caller of <see cref="Post"/> is .NET's await machinery on
/// some thread, where an exception would crash the process. So, deliberately unlike <see cref="EventLoop.Post"/>
/// (R36), a post to a closing or closed loop runs on the thread pool instead, like the base
/// <see cref="SynchronizationContext"/>: async methods that were waiting (typically woken by a token that Close fired)
/// can finish their cleanup, and any loop-only call they make throws <see cref="ObjectDisposedException"/>. An
/// exception such a post throws goes to <see cref="EventLoop.UnhandledExceptionHandler"/>, on that pool thread, instead
/// of crashing the process (R18). Rejected: throwing (crashes the process from a timer or I/O thread) and dropping (the
/// async method would hang forever and its <c>finally</c> blocks would never run).</para>
/// <para><b>Send</b> runs the callback inline when called on the loop thread (it is already there). From another thread
/// it throws <see cref="InvalidOperationException"/> rather than blocking: a blocking Send deadlocks whenever the loop
/// thread waits for the sender, and the loop may not tick at all while the host is paused. Use <see cref="Post"/>, or
/// a <see cref="FutureSource{T}"/> completed with <c>PostResult</c>, and wait for that.</para>
/// </remarks>
public sealed class EventLoopSynchronizationContext : SynchronizationContext
{
    /// <summary>Creates a context that posts to <paramref name="loop"/>.</summary>
    /// <param name="loop">The loop whose thread this context stands for.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loop"/> is null.</exception>
    public EventLoopSynchronizationContext(EventLoop loop)
    {
        Loop = loop ?? throw new ArgumentNullException(nameof(loop));
    }

    /// <summary>Gets the loop this context posts to.</summary>
    public EventLoop Loop { get; }

    /// <summary>Queues <paramref name="d"/> to run on the loop thread (see the remarks); never runs it inline.</summary>
    /// <param name="d">The callback.</param>
    /// <param name="state">The callback's argument.</param>
    /// <exception cref="ArgumentNullException"><paramref name="d"/> is null.</exception>
    public override void Post(SendOrPostCallback d, object? state)
    {
        if (d is null)
        {
            throw new ArgumentNullException(nameof(d));
        }

        if (Loop.CanRunHereNow)
        {
            // Not a plain CallSoon: Close cancels those, and the async method waiting for this continuation would hang.
            Loop.CallSoonPosted(() => d(state));
            return;
        }

        if (!Loop.TryPost(() => d(state)))
        {
            // Closing or closed: the thread pool (see the remarks), where an escaping exception would end the process.
            EventLoop loop = Loop;
            base.Post(_ => RunOrReport(loop, d, state), null);
        }
    }

    /// <summary>Runs <paramref name="d"/> inline when called on the loop thread.</summary>
    /// <param name="d">The callback.</param>
    /// <param name="state">The callback's argument.</param>
    /// <exception cref="ArgumentNullException"><paramref name="d"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a thread other than the loop's (Send does not block; use Post).</exception>
    public override void Send(SendOrPostCallback d, object? state)
    {
        if (d is null)
        {
            throw new ArgumentNullException(nameof(d));
        }

        if (!Loop.IsLoopThread)
        {
            throw new InvalidOperationException(
                $"EventLoopSynchronizationContext.Send was called from thread {Environment.CurrentManagedThreadId}, but loop '{Loop.Name}' runs on thread {Loop.OwnerThreadId}. Send runs callbacks inline on the loop's thread only and never blocks another thread; use Post instead.");
        }

        d(state);
    }

    /// <summary>A post that runs after Close, on the thread pool: its exception goes to the loop's handler (R18).</summary>
    private static void RunOrReport(EventLoop loop, SendOrPostCallback d, object? state)
    {
        try
        {
            d(state);
        }
        catch (Exception ex)
        {
            loop.Report(ex);
        }
    }

    /// <summary>Returns this context: posts do not depend on the instance, only on the loop.</summary>
    /// <returns>This context.</returns>
    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Describes the context.</summary>
    /// <returns>The context's type and loop name.</returns>
    public override string ToString() => $"EventLoopSynchronizationContext ('{Loop.Name}')";
}
