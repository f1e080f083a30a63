using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using YieldLoop;

namespace YieldLoop.Tests.Checkpoints;

// Random coroutine programs for the checkpoint property (CheckpointPropertyTests): a program is a tree of Ops made
// from a seed, run by one interpreting coroutine (ProgramRun.Body). The Ops are game objects (sealed user classes,
// immutable): a checkpoint keeps them by reference. Everything the program mutates while it runs is either the loop's
// (tasks, futures, game clocks, the arrays the coroutines hold, the coroutines' locals) or the Trace, which is the
// game's and is rolled back by the runner itself (ProgramRun.Rewind).
internal enum OpKind
{
    Sleep,          // Co.Sleep(Ms)
    ClockSleep,     // clocks[A].Sleep(Ms)
    NextTick,
    WaitTicks,      // Co.WaitTicks(A)
    AwaitSource,    // yield sources[A].Future (B == 1: through Co.Settle)
    CompleteSource, // sources[A]: B == 0 result, 1 exception, 2 cancel
    Call,           // Co.Call(body); A == 1: Co.Call<int> of a body that returns B
    Guarded,        // Co.Call of a body with a try/finally that traces
    Spawn,          // slots[A] = loop.Start(body) (B > 0: on clocks[B - 1]), guarded
    Cancel,         // slots[A].Cancel()
    AwaitSlot,      // Co.Settle(slots[A])
    WhenAll,        // Co.WhenAll(loop, branches); A == 1: Co.WhenAll<int>
    SettleAll,      // Co.SettleAll(loop, branches)
    Race,           // Co.Race<int>(loop, typed branches)
    WhenAny,        // Co.WhenAny(sources[A].Future, task of Body), B: unused
    Timeout,        // Co.Timeout(loop, body, Ms)
    Group,          // using TaskGroup, Start(branches), Settle(group.WhenAll())
    Throw,          // throw InvalidOperationException
    Scale,          // clocks[A].Scale = Ms / 100
    Pause,          // clocks[A].Pause()
    Resume,         // clocks[A].Resume()
    CallLater,      // loop.CallLater(Ms, trace)
    CallSoon,       // loop.CallSoon(trace)
    WaitUntil,      // Co.WaitUntil of a lambda that counts its polls in a captured local, true at the A-th poll
}

internal sealed class Op
{
    public Op(OpKind kind, int a = 0, int b = 0, double ms = 0, Op[]? body = null, Op[][]? branches = null)
    {
        Kind = kind;
        A = a;
        B = b;
        Ms = ms;
        Body = body;
        Branches = branches;
    }

    public OpKind Kind { get; }

    public int A { get; }

    public int B { get; }

    public double Ms { get; }

    public Op[]? Body { get; }

    public Op[][]? Branches { get; }

    public void Describe(StringBuilder sb, int indent)
    {
        sb.Append(' ', indent * 2).Append(Kind);
        sb.Append(CultureInfo.InvariantCulture, $" a={A} b={B} ms={Ms}");
        sb.AppendLine();
        if (Body is not null)
        {
            foreach (Op op in Body)
            {
                op.Describe(sb, indent + 1);
            }
        }

        if (Branches is not null)
        {
            for (int i = 0; i < Branches.Length; i++)
            {
                sb.Append(' ', (indent + 1) * 2).Append("branch ").Append(i).AppendLine();
                foreach (Op op in Branches[i])
                {
                    op.Describe(sb, indent + 2);
                }
            }
        }
    }
}

/// <summary>A top-level coroutine of a program: started by <see cref="ProgramRun.Build"/>.</summary>
internal sealed class ActorSpec
{
    public ActorSpec(Op[] ops, int clock, bool guarded)
    {
        Ops = ops;
        Clock = clock;
        Guarded = guarded;
    }

    public Op[] Ops { get; }

    /// <summary>-1: started on the loop; otherwise started on that game clock.</summary>
    public int Clock { get; }

    public bool Guarded { get; }
}

internal sealed class ProgramSpec
{
    public ProgramSpec(int seed, ActorSpec[] actors, int sources, int clocks, int slots, double[] deltasMs, int frames)
    {
        Seed = seed;
        Actors = actors;
        Sources = sources;
        Clocks = clocks;
        Slots = slots;
        DeltasMs = deltasMs;
        Frames = frames;
    }

    public int Seed { get; }

    public ActorSpec[] Actors { get; }

    public int Sources { get; }

    /// <summary>0, 1 (a root game clock) or 2 (a root and a child of it).</summary>
    public int Clocks { get; }

    public int Slots { get; }

    /// <summary>The frame time of the frame that starts at tick t is DeltasMs[t % DeltasMs.Length].</summary>
    public double[] DeltasMs { get; }

    public int Frames { get; }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"program {Seed}: {Frames} frames of [{string.Join(", ", DeltasMs)}] ms, {Sources} sources, {Clocks} clocks, {Slots} slots");
        sb.AppendLine();
        for (int i = 0; i < Actors.Length; i++)
        {
            ActorSpec actor = Actors[i];
            sb.Append(CultureInfo.InvariantCulture, $"actor a{i} clock={actor.Clock} guarded={actor.Guarded}").AppendLine();
            foreach (Op op in actor.Ops)
            {
                op.Describe(sb, 1);
            }
        }

        return sb.ToString();
    }
}

/// <summary>Makes a random program from a seed (System.Random: the same seed gives the same program).</summary>
internal static class RandomPrograms
{
    private static readonly double[] s_sleeps = { 0, 1, 5, 10, 16, 20, 33, 50, 100, 250 };
    private static readonly double[] s_deltas = { 5, 10, 16, 33, 50 };
    private static readonly double[] s_scales = { 0, 25, 50, 100, 200, 300 };

    internal const int MaxDepth = 3;

    public static ProgramSpec Generate(int seed)
    {
        var r = new Random(seed);
        int sources = r.Next(0, 4);
        int clocks = r.Next(0, 3);
        int slots = r.Next(1, 4);
        double[] deltas = r.Next(2) == 0
            ? new[] { s_deltas[r.Next(s_deltas.Length)] }
            : Pick(r, r.Next(2, 6));
        int frames = r.Next(30, 70);
        var ctx = new Context(r, sources, clocks, slots);
        var actors = new ActorSpec[r.Next(1, 6)];
        for (int i = 0; i < actors.Length; i++)
        {
            actors[i] = new ActorSpec(ctx.Ops(0, r.Next(1, 7)), clocks > 0 && r.Next(4) == 0 ? r.Next(clocks) : -1, r.Next(2) == 0);
        }

        return new ProgramSpec(seed, actors, sources, clocks, slots, deltas, frames);
    }

    private static double[] Pick(Random r, int n)
    {
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = s_deltas[r.Next(s_deltas.Length)];
        }

        return result;
    }

    private sealed class Context
    {
        private readonly Random _r;
        private readonly int _sources;
        private readonly int _clocks;
        private readonly int _slots;

        public Context(Random r, int sources, int clocks, int slots)
        {
            _r = r;
            _sources = sources;
            _clocks = clocks;
            _slots = slots;
        }

        public Op[] Ops(int depth, int count, bool noThrow = false)
        {
            var ops = new Op[count];
            for (int i = 0; i < count; i++)
            {
                ops[i] = One(depth, noThrow);
            }

            return ops;
        }

        private Op[] Child(int depth, bool noThrow) => Ops(depth + 1, _r.Next(1, 4), noThrow);

        // Branches may throw: a child failure is reported (or attached to another failure) in a later tick than the one
        // it was thrown in, and a checkpoint between the two must replay the report (the exception's engine marks are
        // rewound).
        private Op[][] Branches(int depth)
        {
            var branches = new Op[_r.Next(1, 4)][];
            for (int i = 0; i < branches.Length; i++)
            {
                branches[i] = Child(depth, noThrow: false);
            }

            return branches;
        }

        private double Sleep() => s_sleeps[_r.Next(s_sleeps.Length)];

        private Op One(int depth, bool noThrow)
        {
            Random r = _r;
            while (true)
            {
                var kind = (OpKind)r.Next((int)OpKind.WaitUntil + 1);
                bool nest = depth < MaxDepth;
                switch (kind)
                {
                    case OpKind.Sleep:
                        return new Op(kind, ms: Sleep());
                    case OpKind.ClockSleep when _clocks > 0:
                        return new Op(kind, r.Next(_clocks), ms: Sleep());
                    case OpKind.NextTick:
                        return new Op(kind);
                    case OpKind.WaitTicks:
                        return new Op(kind, r.Next(1, 5));
                    case OpKind.AwaitSource when _sources > 0:
                        return new Op(kind, r.Next(_sources), r.Next(2));
                    case OpKind.CompleteSource when _sources > 0:
                        // How: 0 result, 1 exception (reported after a checkpoint must be reported again), 2 cancel.
                        return new Op(kind, r.Next(_sources), r.Next(3));
                    case OpKind.Call when nest:
                        return new Op(kind, r.Next(2), r.Next(100), body: Child(depth, noThrow));
                    case OpKind.Guarded when nest:
                        return new Op(kind, body: Child(depth, noThrow));
                    case OpKind.Spawn when nest:
                        return new Op(kind, r.Next(_slots), _clocks > 0 && r.Next(3) == 0 ? 1 + r.Next(_clocks) : 0, body: Child(depth, noThrow));
                    case OpKind.Cancel:
                        return new Op(kind, r.Next(_slots));
                    case OpKind.AwaitSlot:
                        return new Op(kind, r.Next(_slots));
                    case OpKind.WhenAll when nest:
                    case OpKind.Race when nest:
                    case OpKind.SettleAll when nest:
                    case OpKind.Group when nest:
                        return new Op(kind, r.Next(2), body: null, branches: Branches(depth));
                    case OpKind.WhenAny when nest && _sources > 0:
                        return new Op(kind, r.Next(_sources), body: Child(depth, noThrow: true));
                    case OpKind.Timeout when nest:
                        return new Op(kind, ms: Sleep() + 1, body: Child(depth, noThrow: true));
                    case OpKind.Throw when !noThrow && r.Next(3) == 0:
                        return new Op(kind);
                    case OpKind.Scale when _clocks > 0:
                        return new Op(kind, r.Next(_clocks), ms: s_scales[r.Next(s_scales.Length)]);
                    case OpKind.Pause when _clocks > 0:
                    case OpKind.Resume when _clocks > 0:
                        return new Op(kind, r.Next(_clocks));
                    case OpKind.CallLater:
                        return new Op(kind, r.Next(1000), ms: Sleep());
                    case OpKind.CallSoon:
                        return new Op(kind, r.Next(1000));
                    case OpKind.WaitUntil:
                        return new Op(kind, r.Next(1, 5));
                }
            }
        }
    }
}
