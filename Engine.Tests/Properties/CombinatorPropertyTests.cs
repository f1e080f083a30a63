using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using NUnit.Framework;

namespace YieldLoop.Tests.Properties;

/// <summary>
/// Property: WhenAll&lt;T&gt;, SettleAll, WhenAny and Race&lt;T&gt; over plain futures (FutureSource) agree with a small
/// reference model (R40-R42, R23) under random sequences of complete / fault / cancel-a-child / tick / cancel-the-
/// combinator, with some children already complete when the combinator is created and some futures passed twice.
/// </summary>
/// <remarks>
/// Plain futures complete at once when cancelled, so the model is synchronous: after every operation the state of
/// every child (including which the combinator cancelled), the combinator's outcome (results in argument order, the
/// index, the winner's value, the exact exception object and the failures attached to it) must match; after every tick
/// the failures reported to the loop's handler must be exactly the unobserved ones the model expects (R23).
/// </remarks>
public class CombinatorPropertyTests
{
    private enum Kind
    {
        WhenAll,
        SettleAll,
        WhenAny,
        Race,
    }

    private enum OpKind
    {
        Complete,
        Fault,
        CancelChild,
        Tick,
        CancelCombinator,
    }

    private enum S
    {
        Pending,
        Succeeded,
        Faulted,
        Cancelled,
    }

    private readonly record struct Op(OpKind Kind, int Child, int Value)
    {
        public override string ToString() => Kind switch
        {
            OpKind.Complete => $"Complete(child {Child}, {Value})",
            OpKind.Fault => $"Fault(child {Child})",
            OpKind.CancelChild => $"Cancel(child {Child})",
            _ => Kind.ToString(),
        };
    }

    private sealed record Scenario(Kind Kind, int Sources, int[] Positions, Op[] Before, Op[] Ops)
    {
        public override string ToString() =>
            $"{Kind} of {Sources} futures at positions [{string.Join(", ", Positions)}]\n before creation:{PropertyRunner.Lines(Before)}\n after:{PropertyRunner.Lines(Ops)}";
    }

    private static Gen<Op> ChildOp(int sources) =>
        Gen.Frequency(
            (3, Gen.Select(Gen.Int[0, sources - 1], Gen.Int[0, 99], (c, v) => new Op(OpKind.Complete, c, v))),
            (2, Gen.Int[0, sources - 1].Select(c => new Op(OpKind.Fault, c, 0))),
            (2, Gen.Int[0, sources - 1].Select(c => new Op(OpKind.CancelChild, c, 0))));

    private static readonly Gen<Scenario> Scenarios =
        from kind in Gen.Enum<Kind>()
        from sources in Gen.Int[1, 4]
        from positions in Gen.Int[0, sources - 1].Array[1, 5]
        from before in ChildOp(sources).Array[0, 3]
        from ops in Gen.Frequency(
            (6, ChildOp(sources)),
            (3, Gen.Const(new Op(OpKind.Tick, 0, 0))),
            (1, Gen.Const(new Op(OpKind.CancelCombinator, 0, 0)))).Array[0, 12]
        select new Scenario(kind, sources, positions, before, ops);

    [Test]
    public void Combinators_AgreeWithTheReferenceModel_UnderRandomCompletions_R40_R41_R42_R23() =>
        PropertyRunner.Run(Scenarios, RunScenario, iterations: 5000, seed: 40_4142UL, print: s => s.ToString());

    [Test]
    [Category("Stress")]
    public void Combinators_AgreeWithTheReferenceModel_ManyMoreSamples_R40_R41_R42_R23() =>
        PropertyRunner.Run(Scenarios, RunScenario, iterations: 40_000, seed: 1_4042UL, print: s => s.ToString());

    private static void RunScenario(Scenario sc)
    {
        var t = new TestLoop();
        var sources = new FutureSource<int>[sc.Sources];
        for (int i = 0; i < sources.Length; i++)
        {
            sources[i] = new FutureSource<int>(t.Loop);
        }

        var model = new Model(sc.Kind, sc.Sources, sc.Positions);
        int step = 0;
        foreach (Op op in sc.Before)
        {
            Apply(op, step++, sources, null, model, t);
        }

        Future<int>[] children = sc.Positions.Select(p => sources[p].Future).ToArray();
        Future result = sc.Kind switch
        {
            Kind.WhenAll => Co.WhenAll<int>(children),
            Kind.SettleAll => Co.SettleAll(children),
            Kind.WhenAny => Co.WhenAny(children),
            _ => Co.Race<int>(children),
        };
        model.Create();
        Verify(sc, sources, result, model, t, "after creation");

        foreach (Op op in sc.Ops)
        {
            Apply(op, step, sources, result, model, t);
            Verify(sc, sources, result, model, t, $"after op {step - sc.Before.Length}: {op}");
            step++;
        }

        t.Tick();
        model.Tick();
        Verify(sc, sources, result, model, t, "after the final tick");
    }

    private static void Apply(Op op, int step, FutureSource<int>[] sources, Future? result, Model model, TestLoop t)
    {
        switch (op.Kind)
        {
            case OpKind.Complete:
                Prop.That(sources[op.Child].TrySetResult(op.Value), Is.EqualTo(model.Src[op.Child] == S.Pending), $"TrySetResult of child {op.Child}");
                model.Complete(op.Child, S.Succeeded, op.Value, null);
                break;
            case OpKind.Fault:
                var ex = new InvalidOperationException($"fault of child {op.Child} at step {step}");
                Prop.That(sources[op.Child].TrySetException(ex), Is.EqualTo(model.Src[op.Child] == S.Pending), $"TrySetException of child {op.Child}");
                model.Complete(op.Child, S.Faulted, 0, ex);
                break;
            case OpKind.CancelChild:
                Prop.That(sources[op.Child].Future.Cancel(), Is.EqualTo(model.Src[op.Child] == S.Pending), $"Cancel of child {op.Child}");
                model.Complete(op.Child, S.Cancelled, 0, null);
                break;
            case OpKind.Tick:
                t.Tick();
                model.Tick();
                break;
            case OpKind.CancelCombinator:
                Prop.That(result!.Cancel(), Is.EqualTo(model.Result == S.Pending), "Cancel of the combinator (R16)");
                model.CancelResult();
                break;
        }
    }

    private static void Verify(Scenario sc, FutureSource<int>[] sources, Future result, Model m, TestLoop t, string when)
    {
        string where = $"{when}\n{sc}";
        for (int i = 0; i < sources.Length; i++)
        {
            Prop.That((S)(int)sources[i].Future.State, Is.EqualTo(m.Src[i]), $"state of child {i} {where}");
        }

        Prop.That((S)(int)result.State, Is.EqualTo(m.Result), $"state of the combinator {where}");
        switch (m.Result)
        {
            case S.Succeeded when sc.Kind == Kind.WhenAll:
                Prop.That(((Future<int[]>)result).Result, Is.EqualTo(m.Values), $"results in argument order (R40) {where}");
                break;
            case S.Succeeded when sc.Kind == Kind.WhenAny:
                Prop.That(((Future<int>)result).Result, Is.EqualTo(m.Index), $"index of the first to complete (R42) {where}");
                break;
            case S.Succeeded when sc.Kind == Kind.Race:
                Prop.That(((Future<int>)result).Result, Is.EqualTo(m.WinnerValue), $"the winner's value (R42) {where}");
                break;
            case S.Faulted:
                Exception? actual = result.Exception;   // reading it observes it (R23), as a waiter would
                Prop.That(actual, Is.SameAs(m.Error), $"the first failure, same object (R40/R42) {where}");
                Prop.That(actual!.GetFailures().Skip(1), Is.EqualTo(m.Suppressed).Using<Exception>(ReferenceEquals), $"later failures listed after the first {where}");
                break;
        }

        Prop.That(t.Unhandled, Is.EquivalentTo(m.Reported).Using<Exception>(ReferenceEquals), $"failures reported to the handler (R23) {where}");
    }

    /// <summary>The reference model: sources, the positions that refer to them, and the combinator's bookkeeping.</summary>
    private sealed class Model
    {
        private readonly Kind _kind;
        private readonly int[] _pos;
        private readonly int[] _value;
        private readonly Exception?[] _error;
        private readonly bool[] _observed;
        private readonly List<Exception> _faults = new();
        private readonly List<Exception> _toReport = new();
        private bool _created;
        private bool _watching;   // the combinator's watcher sits on the pending children
        private int _first = -1;  // WhenAll: the first failed source; Race: the winner

        public Model(Kind kind, int sources, int[] positions)
        {
            _kind = kind;
            _pos = positions;
            Src = new S[sources];
            _value = new int[sources];
            _error = new Exception?[sources];
            _observed = new bool[sources];
        }

        public S[] Src { get; }

        public S Result { get; private set; }

        public int[]? Values { get; private set; }

        public int Index { get; private set; }

        public int WinnerValue { get; private set; }

        public Exception? Error { get; private set; }

        public List<Exception> Suppressed { get; } = new();

        public List<Exception> Reported { get; } = new();

        public void Tick()
        {
            Reported.AddRange(_toReport);
            _toReport.Clear();
        }

        public void Create()
        {
            _created = true;
            if (_kind == Kind.WhenAny)
            {
                for (int i = 0; i < _pos.Length; i++)
                {
                    if (Src[_pos[i]] != S.Pending)
                    {
                        Observe(_pos[i]);
                        Decide(S.Succeeded);
                        Index = i;
                        return;
                    }
                }

                _watching = true;
                return;
            }

            _watching = true;
            foreach (int s in FirstPositions())
            {
                if (Src[s] != S.Pending && Result == S.Pending)
                {
                    Account(s);
                }
            }

            FinishIfAllDone();
        }

        public void Complete(int s, S outcome, int value, Exception? error)
        {
            if (Src[s] != S.Pending)
            {
                return;
            }

            Src[s] = outcome;
            _value[s] = value;
            _error[s] = error;
            if (outcome == S.Faulted)
            {
                _toReport.Add(error!);   // removed again if something observes it before the tick ends
            }

            if (!_created || !_watching || !_pos.Contains(s))
            {
                return;
            }

            if (_kind == Kind.WhenAny)
            {
                Observe(s);
                _watching = false;
                Decide(S.Succeeded);
                Index = Array.IndexOf(_pos, s);
                return;
            }

            if (Result == S.Pending)
            {
                Account(s);
                FinishIfAllDone();
            }
            else if (outcome == S.Faulted)
            {
                Observe(s);
                _toReport.Add(error!);   // an orphan: re-raised for the handler (ReportOrphan)
            }
        }

        public void CancelResult()
        {
            if (Result != S.Pending)
            {
                return;
            }

            Decide(S.Cancelled);
            if (_kind == Kind.WhenAny)
            {
                _watching = false;   // the children are not its to cancel (R42)
                return;
            }

            _toReport.AddRange(_faults);
            _faults.Clear();
            CancelPending();
        }

        private IEnumerable<int> FirstPositions()
        {
            var seen = new HashSet<int>();
            foreach (int s in _pos)
            {
                if (seen.Add(s))
                {
                    yield return s;
                }
            }
        }

        // A source's outcome reaches the combinator (All/Settle/Race), in argument order at creation.
        private void Account(int s)
        {
            if (Src[s] == S.Faulted)
            {
                Observe(s);
            }

            switch (_kind)
            {
                case Kind.WhenAll:
                    if (Src[s] == S.Faulted)
                    {
                        _faults.Add(_error[s]!);
                    }

                    if (Src[s] != S.Succeeded && _first < 0)
                    {
                        _first = s;
                        CancelPending();
                    }

                    break;
                case Kind.Race:
                    if (_first < 0)
                    {
                        _first = s;
                        CancelPending();
                    }
                    else if (Src[s] == S.Faulted)
                    {
                        _faults.Add(_error[s]!);
                    }

                    break;
            }
        }

        private void CancelPending()
        {
            foreach (int s in FirstPositions())
            {
                if (Src[s] == S.Pending)
                {
                    Src[s] = S.Cancelled;   // a plain future is cancelled at once
                }
            }
        }

        private void FinishIfAllDone()
        {
            if (Result != S.Pending || _pos.Any(s => Src[s] == S.Pending))
            {
                return;
            }

            switch (_kind)
            {
                case Kind.SettleAll:
                    Decide(S.Succeeded);
                    break;
                case Kind.WhenAll when _first < 0:
                    Decide(S.Succeeded);
                    Values = _pos.Select(s => _value[s]).ToArray();
                    break;
                case Kind.WhenAll when Src[_first] == S.Faulted:
                    Decide(S.Faulted);
                    Error = _faults[0];
                    Suppressed.AddRange(_faults.Skip(1));
                    break;
                case Kind.WhenAll:
                    Decide(S.Cancelled);
                    _toReport.AddRange(_faults);   // a cancellation cannot carry them
                    break;
                case Kind.Race when Src[_first] == S.Faulted:
                    Decide(S.Faulted);
                    Error = _error[_first];
                    Suppressed.AddRange(_faults);
                    break;
                case Kind.Race:
                    _toReport.AddRange(_faults);
                    if (Src[_first] == S.Succeeded)
                    {
                        Decide(S.Succeeded);
                        WinnerValue = _value[_first];
                    }
                    else
                    {
                        Decide(S.Cancelled);
                    }

                    break;
            }
        }

        private void Decide(S outcome) => Result = outcome;

        private void Observe(int s)
        {
            if (!_observed[s] && _error[s] is { } e)
            {
                _observed[s] = true;
                _toReport.Remove(e);
            }
        }
    }
}
