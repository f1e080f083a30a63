using System;
using System.Collections.Generic;
using System.Globalization;
using YieldLoop;

namespace YieldLoop.Tests.Checkpoints;

/// <summary>
/// What a program did, line by line. A game object (a sealed user class): a checkpoint keeps it by reference and never
/// rewinds it, so the runner truncates it itself at a restore (<see cref="ProgramRun.Rewind"/>).
/// </summary>
internal sealed class Trace
{
    public readonly List<string> Lines = new();
}

/// <summary>The game-side state of a run at a checkpoint, to roll the game back with the loop.</summary>
internal readonly struct RunMark
{
    public RunMark(List<string> lines, List<(string Name, Future Task)> tasks)
    {
        Lines = lines;
        Tasks = tasks;
    }

    public List<string> Lines { get; }

    public List<(string Name, Future Task)> Tasks { get; }
}

/// <summary>
/// One run of a <see cref="ProgramSpec"/>: <see cref="Build"/> starts it on a loop, <see cref="Frame"/> advances the
/// clock by the program's frame time and ticks, <see cref="Trace"/> is what happened.
/// </summary>
/// <remarks>
/// The coroutines reach the loop only through <see cref="Loop"/> (never a captured loop), and the shared objects only
/// through the arrays they were given, so a run can be moved to another loop (<see cref="Attach"/>): the save/load
/// variant of the property will load a saved loop into a new one, attach the run to it and continue with
/// <see cref="Frame"/>.
/// </remarks>
internal sealed class ProgramRun
{
    private readonly ProgramSpec _spec;
    private List<(string Name, Future Task)> _tasks = new();
    private GameClock[] _clocks = Array.Empty<GameClock>();
    private FutureSource<int>[] _sources = Array.Empty<FutureSource<int>>();

    public ProgramRun(ProgramSpec spec)
    {
        _spec = spec;
    }

    public Trace Trace { get; } = new();

    public EventLoop Loop { get; private set; } = null!;

    public ManualClock Clock { get; private set; } = null!;

    public ProgramSpec Spec => _spec;

    /// <summary>Creates the program's shared objects on <paramref name="loop"/> and starts its actors.</summary>
    public void Build(EventLoop loop, ManualClock clock)
    {
        Attach(loop, clock);
        loop.UnhandledExceptionHandler = ex => Log("loop", "unhandled " + ex.GetType().Name + " x" + ex.GetFailures().Count);
        var clocks = new GameClock[_spec.Clocks];
        if (clocks.Length > 0)
        {
            clocks[0] = new GameClock(loop, "g0");
        }

        if (clocks.Length > 1)
        {
            clocks[1] = clocks[0].CreateChild("g1");
        }

        var sources = new FutureSource<int>[_spec.Sources];
        for (int i = 0; i < sources.Length; i++)
        {
            sources[i] = new FutureSource<int>(loop);
        }

        var slots = new Future?[_spec.Slots];
        _clocks = clocks;
        _sources = sources;
        for (int i = 0; i < _spec.Actors.Length; i++)
        {
            ActorSpec actor = _spec.Actors[i];
            string name = "a" + i.ToString(CultureInfo.InvariantCulture);
            IEnumerator<IAwaitable> body = Body(name, actor.Ops, actor.Guarded, -1, sources, clocks, slots);
            Register(name, actor.Clock < 0 ? loop.Start(body, name) : clocks[actor.Clock].Start(body, name));
        }
    }

    /// <summary>Points the run at another loop (a loaded copy of the one it ran on).</summary>
    public void Attach(EventLoop loop, ManualClock clock)
    {
        Loop = loop;
        Clock = clock;
    }

    /// <summary>The loop objects the run holds, for <see cref="EventLoop.Save"/>'s roots: tasks, clocks, sources.</summary>
    public List<object> SaveRoots()
    {
        var roots = new List<object>();
        foreach ((string _, Future task) in _tasks)
        {
            roots.Add(task);
        }

        roots.AddRange(_clocks);
        roots.AddRange(_sources);
        return roots;
    }

    /// <summary>Goes on in <paramref name="loop"/>, into which a save of this run was loaded: the run's handles become
    /// the loaded ones (<paramref name="roots"/>, in <see cref="SaveRoots"/>'s order).</summary>
    public void AttachLoaded(EventLoop loop, ManualClock clock, IReadOnlyList<object?> roots)
    {
        Attach(loop, clock);
        loop.UnhandledExceptionHandler = ex => Log("loop", "unhandled " + ex.GetType().Name + " x" + ex.GetFailures().Count);
        int k = 0;
        for (int i = 0; i < _tasks.Count; i++)
        {
            _tasks[i] = (_tasks[i].Name, (Future)roots[k++]!);
        }

        for (int i = 0; i < _clocks.Length; i++)
        {
            _clocks[i] = (GameClock)roots[k++]!;
        }

        for (int i = 0; i < _sources.Length; i++)
        {
            _sources[i] = (FutureSource<int>)roots[k++]!;
        }
    }

    /// <summary>One frame: the clock moves by the program's frame time for this tick, the loop ticks, a line is traced.</summary>
    public void Frame()
    {
        double[] deltas = _spec.DeltasMs;
        Clock.Advance(TimeSpan.FromMilliseconds(deltas[Loop.TickCount % deltas.Length]));
        Loop.Tick();
        string clocks = string.Empty;
        foreach (GameClock c in _clocks)
        {
            clocks += " " + c.Now.Ticks.ToString(CultureInfo.InvariantCulture) + (c.IsPaused ? "p" : string.Empty) + c.Scale.ToString(CultureInfo.InvariantCulture);
        }

        Log("frame", $"pending={Loop.PendingTaskCount} timers={Loop.PendingTimerCount}{clocks}");
    }

    /// <summary>The game-side state to put back with a checkpoint taken now.</summary>
    public RunMark Mark() => new(new List<string>(Trace.Lines), new List<(string, Future)>(_tasks));

    /// <summary>Puts the game-side state back to <paramref name="mark"/> (after <see cref="EventLoop.Restore"/>).</summary>
    public void Rewind(RunMark mark)
    {
        Trace.Lines.Clear();
        Trace.Lines.AddRange(mark.Lines);
        _tasks = new List<(string, Future)>(mark.Tasks);
    }

    /// <summary>Every task the program started (by name, in order) and every source, with its outcome.</summary>
    public List<string> FinalStates()
    {
        var states = new List<string>();
        foreach ((string name, Future task) in _tasks)
        {
            states.Add(name + " " + Outcome(task));
        }

        for (int i = 0; i < _sources.Length; i++)
        {
            states.Add("source" + i.ToString(CultureInfo.InvariantCulture) + " " + Outcome(_sources[i].Future));
        }

        return states;
    }

    private void Register(string name, Future task) => _tasks.Add((name, task));

    private void Log(string who, string what) =>
        Trace.Lines.Add($"{who} {what} @{Loop.TickCount} {Loop.Time.Ticks}");

    internal static string Outcome(Future f)
    {
        string text = f.State.ToString();
        if (f.IsFaulted)
        {
            Exception ex = f.Exception!;
            text += ":" + ex.GetType().Name + " x" + ex.GetFailures().Count;
        }
        else if (f.IsSucceeded)
        {
            switch (f)
            {
                case Future<int> typed:
                    text += "=" + typed.Result.ToString(CultureInfo.InvariantCulture);
                    break;
                case Future<int[]> many:
                    text += "=[" + string.Join(",", many.Result) + "]";
                    break;
                case Future<Settled[]> settled:
                    foreach (Settled s in settled.Result)
                    {
                        text += " " + s.State;
                    }

                    break;
                case LoopTask task:
                    text += "=" + (task.Result is int n ? n.ToString(CultureInfo.InvariantCulture) : task.Result is null ? "null" : task.Result.GetType().Name);
                    break;
            }
        }

        return text;
    }

    // The interpreter: one coroutine runs a list of Ops. Every shared object comes in as an argument (an iterator
    // field, so a checkpoint reaches it); `this` (the run, a game object) is used only for the loop and the trace.
    // ret >= 0: a typed body, which ends with Co.Return(ret).
    private IEnumerator<IAwaitable> Body(string who, Op[] ops, bool guarded, int ret, FutureSource<int>[] sources, GameClock[] clocks, Future?[] slots)
    {
        try
        {
            for (int i = 0; i < ops.Length; i++)
            {
                Op op = ops[i];
                string me = who + "." + i.ToString(CultureInfo.InvariantCulture);
                EventLoop loop = Loop;
                switch (op.Kind)
                {
                    case OpKind.Sleep:
                        Log(me, "sleep " + op.Ms.ToString(CultureInfo.InvariantCulture));
                        yield return Co.Sleep(TimeSpan.FromMilliseconds(op.Ms));
                        break;
                    case OpKind.ClockSleep:
                        Log(me, "clock sleep " + op.Ms.ToString(CultureInfo.InvariantCulture) + " at " + clocks[op.A].Now.Ticks.ToString(CultureInfo.InvariantCulture));
                        yield return clocks[op.A].Sleep(TimeSpan.FromMilliseconds(op.Ms));
                        break;
                    case OpKind.NextTick:
                        Log(me, "next tick");
                        yield return Co.NextTick;
                        break;
                    case OpKind.WaitTicks:
                        Log(me, "wait ticks " + op.A.ToString(CultureInfo.InvariantCulture));
                        yield return Co.WaitTicks(op.A);
                        break;
                    case OpKind.AwaitSource:
                    {
                        Future<int> f = sources[op.A].Future;
                        Log(me, "await source " + op.A.ToString(CultureInfo.InvariantCulture) + (op.B == 1 ? " settled" : string.Empty));
                        yield return op.B == 1 ? Co.Settle(f) : f;
                        Log(me, "source " + Outcome(f));
                        break;
                    }

                    case OpKind.CompleteSource:
                    {
                        FutureSource<int> s = sources[op.A];
                        bool done = op.B switch
                        {
                            0 => s.TrySetResult(i + who.Length),
                            1 => s.TrySetException(new InvalidOperationException("source failed by " + me)),
                            _ => s.TrySetCanceled(),
                        };
                        Log(me, "complete source " + op.A.ToString(CultureInfo.InvariantCulture) + " how " + op.B.ToString(CultureInfo.InvariantCulture) + " " + done.ToString());
                        break;
                    }

                    case OpKind.Call:
                        Log(me, "call");
                        if (op.A == 1)
                        {
                            Call<int> call = Co.Call<int>(Body(me, op.Body!, false, op.B, sources, clocks, slots));
                            yield return call;
                            Log(me, "call returned " + call.Result.ToString(CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            yield return Co.Call(Body(me, op.Body!, false, -1, sources, clocks, slots));
                            Log(me, "call done");
                        }

                        break;
                    case OpKind.Guarded:
                        Log(me, "guarded");
                        yield return Co.Call(Body(me, op.Body!, true, -1, sources, clocks, slots));
                        Log(me, "guarded done");
                        break;
                    case OpKind.Spawn:
                    {
                        IEnumerator<IAwaitable> child = Body(me, op.Body!, true, -1, sources, clocks, slots);
                        LoopTask task = op.B == 0 ? loop.Start(child, me) : clocks[op.B - 1].Start(child, me);
                        slots[op.A] = task;
                        Register(me, task);
                        Log(me, "spawned into " + op.A.ToString(CultureInfo.InvariantCulture));
                        break;
                    }

                    case OpKind.Cancel:
                        Log(me, "cancel " + op.A.ToString(CultureInfo.InvariantCulture) + " " + (slots[op.A]?.Cancel().ToString() ?? "none"));
                        break;
                    case OpKind.AwaitSlot:
                    {
                        Future? f = slots[op.A];
                        Log(me, "await slot " + op.A.ToString(CultureInfo.InvariantCulture) + (f is null ? " none" : string.Empty));
                        if (f is not null)
                        {
                            yield return Co.Settle(f);
                            Log(me, "slot " + Outcome(f));
                        }

                        break;
                    }

                    case OpKind.WhenAll:
                    case OpKind.SettleAll:
                    case OpKind.Race:
                    {
                        Op[][] branches = op.Branches!;
                        bool typed = op.Kind == OpKind.Race || op.A == 1;
                        var children = new IEnumerator<IAwaitable>[branches.Length];
                        for (int k = 0; k < branches.Length; k++)
                        {
                            children[k] = Body(me + "/" + k.ToString(CultureInfo.InvariantCulture), branches[k], k % 2 == 0, typed ? k : -1, sources, clocks, slots);
                        }

                        Future f = op.Kind switch
                        {
                            OpKind.Race => Co.Race<int>(loop, children),
                            OpKind.SettleAll => Co.SettleAll(loop, children),
                            _ => typed ? Co.WhenAll<int>(loop, children) : Co.WhenAll(loop, children),
                        };
                        Log(me, op.Kind + " of " + branches.Length.ToString(CultureInfo.InvariantCulture));
                        yield return Co.Settle(f);
                        Log(me, op.Kind + " " + Outcome(f));
                        break;
                    }

                    case OpKind.WhenAny:
                    {
                        LoopTask other = loop.Start(Body(me + "/any", op.Body!, true, -1, sources, clocks, slots), me + "/any");
                        Register(me + "/any", other);
                        Future<int> any = Co.WhenAny(sources[op.A].Future, other);
                        Log(me, "when any");
                        yield return any;
                        Log(me, "when any " + any.Result.ToString(CultureInfo.InvariantCulture));
                        break;
                    }

                    case OpKind.Timeout:
                    {
                        Future f = Co.Timeout(loop, Body(me + "/t", op.Body!, true, -1, sources, clocks, slots), TimeSpan.FromMilliseconds(op.Ms));
                        Log(me, "timeout " + op.Ms.ToString(CultureInfo.InvariantCulture));
                        yield return Co.Settle(f);
                        Log(me, "timeout " + Outcome(f));
                        break;
                    }

                    case OpKind.Group:
                    {
                        using (var group = new TaskGroup(loop))
                        {
                            Op[][] branches = op.Branches!;
                            for (int k = 0; k < branches.Length; k++)
                            {
                                string name = me + "/g" + k.ToString(CultureInfo.InvariantCulture);
                                Register(name, group.Start(Body(name, branches[k], true, -1, sources, clocks, slots), name));
                            }

                            Future all = group.WhenAll();
                            Log(me, "group of " + branches.Length.ToString(CultureInfo.InvariantCulture));
                            yield return Co.Settle(all);
                            Log(me, "group " + Outcome(all));
                        }

                        break;
                    }

                    case OpKind.Throw:
                        Log(me, "throw");
                        throw new InvalidOperationException("thrown by " + me);
                    case OpKind.Scale:
                        clocks[op.A].Scale = op.Ms / 100;
                        Log(me, "scale " + op.A.ToString(CultureInfo.InvariantCulture) + " " + op.Ms.ToString(CultureInfo.InvariantCulture));
                        break;
                    case OpKind.Pause:
                        clocks[op.A].Pause();
                        Log(me, "pause " + op.A.ToString(CultureInfo.InvariantCulture));
                        break;
                    case OpKind.Resume:
                        clocks[op.A].Resume();
                        Log(me, "resume " + op.A.ToString(CultureInfo.InvariantCulture));
                        break;
                    case OpKind.CallLater:
                    {
                        string label = me + " later " + op.A.ToString(CultureInfo.InvariantCulture);
                        loop.CallLater(TimeSpan.FromMilliseconds(op.Ms), () => Log(label, "called"));
                        Log(me, "call later " + op.Ms.ToString(CultureInfo.InvariantCulture));
                        break;
                    }

                    case OpKind.WaitUntil:
                    {
                        // The counter lives in a closure (a compiler-generated class): the loop's state, rewound.
                        int polls = 0;
                        int target = op.A;
                        Log(me, "wait until " + target.ToString(CultureInfo.InvariantCulture));
                        yield return Co.WaitUntil(() => ++polls >= target);
                        Log(me, "waited " + polls.ToString(CultureInfo.InvariantCulture));
                        break;
                    }

                    case OpKind.CallSoon:
                    {
                        string label = me + " soon " + op.A.ToString(CultureInfo.InvariantCulture);
                        loop.CallSoon(() => Log(label, "called"));
                        Log(me, "call soon");
                        break;
                    }
                }
            }

            Log(who, "end");
            if (ret >= 0)
            {
                yield return Co.Return(ret);
            }
        }
        finally
        {
            if (guarded)
            {
                Log(who, "finally");
            }
        }
    }
}
