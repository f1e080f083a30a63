using Microsoft.CodeAnalysis;

namespace YieldLoop.Analyzers;

/// <summary>The diagnostics of the YieldLoop analyzers; docs/analyzers.md has one section per ID.</summary>
/// <remarks>IDs are never reused: a retired rule keeps its number in AnalyzerReleases.Shipped.md.</remarks>
internal static class Descriptors
{
    private const string DocsBase = "https://github.com/yieldloop/YieldLoop/blob/main/docs/analyzers.md#";

    /// <summary>YL0001: a coroutine (or a Co.Call around one) made and dropped, so it never runs.</summary>
    public static readonly DiagnosticDescriptor DiscardedCoroutine = new(
        id: "YL0001",
        title: "Coroutine call result is discarded",
        messageFormat: "The coroutine made by '{0}' is discarded, so it never runs. Yield it with 'yield return Co.Call(...)' inside a coroutine, or start it with 'loop.Start(...)'.",
        category: "Usage",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Calling an iterator method only creates the iterator: its body runs when an event loop advances it. A coroutine whose result is dropped never runs at all.",
        helpLinkUri: DocsBase + "yl0001");

    /// <summary>YL0002: a call that blocks the thread, inside a coroutine body.</summary>
    public static readonly DiagnosticDescriptor BlockingCall = new(
        id: "YL0002",
        title: "Blocking call inside a coroutine",
        messageFormat: "'{0}' blocks the event loop's thread inside coroutine '{1}', and every other task of the loop stops with it. Use '{2}' instead.",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A coroutine runs on the event loop's thread, between its yields. A call that blocks that thread freezes every task of the loop, its timers and its frame.",
        helpLinkUri: DocsBase + "yl0002");

    /// <summary>YL0003: an endless loop without a yield inside a coroutine body.</summary>
    public static readonly DiagnosticDescriptor EndlessLoop = new(
        id: "YL0003",
        title: "Endless loop without a yield inside a coroutine",
        messageFormat: "This endless loop in coroutine '{0}' never yields and never leaves, so it holds the event loop's thread forever. Yield inside it (for example 'yield return Co.NextTick;') or give it a way out.",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The event loop runs a coroutine until its next yield. A loop that never yields and never ends keeps the loop's thread forever: no other task, timer or frame runs again.",
        helpLinkUri: DocsBase + "yl0003");

    /// <summary>YL0003, second shape: an endless loop in a method that returns a coroutine but has no yield, so it is
    /// not an iterator and the loop runs (forever) when the method is called.</summary>
    /// <remarks>Same ID, title and severity as <see cref="EndlessLoop"/>: one rule, one way to turn it off; only the
    /// message says why this loop runs at the call.</remarks>
    public static readonly DiagnosticDescriptor EndlessLoopNotIterator = new(
        id: "YL0003",
        title: "Endless loop without a yield inside a coroutine",
        messageFormat: "'{0}' returns a coroutine but has no 'yield', so it is not an iterator: this endless loop runs as soon as '{0}' is called, never leaves, and holds the caller's thread forever. Yield inside it (for example 'yield return Co.NextTick;') or give it a way out.",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A method without 'yield' is not an iterator: its body runs when it is called, not when an event loop advances it. An endless loop there never returns the coroutine at all, and the caller (often the event loop's own tick) hangs.",
        helpLinkUri: DocsBase + "yl0003");

    /// <summary>YL0004: a YieldLoop awaitable or coroutine yielded by an iterator that no YieldLoop loop runs.</summary>
    public static readonly DiagnosticDescriptor ForeignYield = new(
        id: "YL0004",
        title: "YieldLoop awaitable yielded from an iterator that is not a YieldLoop coroutine",
        messageFormat: "'{0}' yields a YieldLoop {1} from an iterator of '{2}', which no YieldLoop event loop runs; its runner (a Unity coroutine, a foreach) does not wait for it. Make '{0}' return IEnumerator<IAwaitable> and start it on an EventLoop.",
        category: "Usage",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Only a YieldLoop event loop understands what a YieldLoop coroutine yields. An iterator of object, such as a Unity coroutine, hands the value to a runner that treats it as an unknown object and goes on at once.",
        helpLinkUri: DocsBase + "yl0004");

    /// <summary>YL0005: the same iterator started (or called) twice.</summary>
    public static readonly DiagnosticDescriptor StartedTwice = new(
        id: "YL0005",
        title: "The same coroutine iterator is started twice",
        messageFormat: "Iterator '{0}' is passed to '{1}' here, but it may already have been started at line {2}; an iterator runs only once, so this start fails at run time. Create a new iterator for each start by calling the coroutine method again.",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "An iterator object is a single run of a coroutine. The event loop refuses an iterator that already ran or is running; call the coroutine method again to get a fresh one.",
        helpLinkUri: DocsBase + "yl0005");
}
