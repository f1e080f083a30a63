using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using NUnit.Framework;

namespace YieldLoop.Tests.Properties;

/// <summary>
/// Properties: CoLock, CoSemaphore and a bounded CoChannel&lt;int&gt; agree with FIFO reference models under random
/// interleavings of coroutines that acquire / release (read / write), cancellations of those coroutines at any point,
/// calls from outside a coroutine (TryAcquire, Release, TryRead, TryWrite) and ticks.
/// </summary>
/// <remarks>
/// <para>Every coroutine logs what it does (asks, resumes with the turn or item, releases) into one event log, and the
/// test logs its own calls there too; after every operation the log is replayed through the model. Because a
/// cancellation outside a step takes the task off its wait at once (R31), the model applies it at the moment of the
/// call. The model fails the property on: a resume that the model did not grant, or out of grant order (FIFO, no
/// double grant); an item other than the model's (none lost, none duplicated, none out of place); a free permit
/// count different from the engine's; and, after a final drain, any coroutine left waiting while the permits are free,
/// permits not conserved, or an accepted item not read exactly once.</para>
/// </remarks>
public class PrimitivePropertyTests
{
    private enum OpKind
    {
        Spawn,
        Cancel,
        Tick,
        TryAcquire,
        Release,
        SpawnWriter,
        SpawnReader,
        TryRead,
        TryWrite,
    }

    private readonly record struct Op(OpKind Kind, int Arg)
    {
        public override string ToString() => Kind switch
        {
            OpKind.Spawn => $"Spawn(hold {Arg} ticks)",
            OpKind.Cancel => $"Cancel(task #{Arg})",
            _ => Kind.ToString(),
        };
    }

    private sealed record LockScenario(bool IsLock, int Permits, Op[] Ops)
    {
        public override string ToString() =>
            (IsLock ? "CoLock" : $"CoSemaphore({Permits})") + PropertyRunner.Lines(Ops);
    }

    private sealed record ChannelScenario(int Capacity, Op[] Ops)
    {
        public override string ToString() => $"CoChannel.Bounded<int>({Capacity})" + PropertyRunner.Lines(Ops);
    }

    private static readonly Gen<LockScenario> LockScenarios =
        from isLock in Gen.Bool
        from permits in Gen.Int[1, 3]
        from ops in Gen.Frequency(
            (4, Gen.Int[0, 3].Select(h => new Op(OpKind.Spawn, h))),
            (2, Gen.Int[0, 15].Select(k => new Op(OpKind.Cancel, k))),
            (4, Gen.Const(new Op(OpKind.Tick, 0))),
            (1, Gen.Const(new Op(OpKind.TryAcquire, 0))),
            (1, Gen.Const(new Op(OpKind.Release, 0)))).Array[0, 40]
        select new LockScenario(isLock, isLock ? 1 : permits, ops);

    private static readonly Gen<ChannelScenario> ChannelScenarios =
        from capacity in Gen.Int[1, 3]
        from ops in Gen.Frequency(
            (3, Gen.Const(new Op(OpKind.SpawnWriter, 0))),
            (3, Gen.Const(new Op(OpKind.SpawnReader, 0))),
            (2, Gen.Int[0, 15].Select(k => new Op(OpKind.Cancel, k))),
            (4, Gen.Const(new Op(OpKind.Tick, 0))),
            (1, Gen.Const(new Op(OpKind.TryRead, 0))),
            (1, Gen.Const(new Op(OpKind.TryWrite, 0)))).Array[0, 40]
        select new ChannelScenario(capacity, ops);

    [Test]
    public void LockAndSemaphore_GrantFifo_NoDoubleGrant_ConservePermits_UnderRandomCancellation() =>
        PropertyRunner.Run(LockScenarios, RunLock, iterations: 3000, seed: 5_0001UL, print: s => s.ToString());

    [Test]
    public void BoundedChannel_DeliversEveryAcceptedItemOnceInModelOrder_UnderRandomCancellation() =>
        PropertyRunner.Run(ChannelScenarios, RunChannel, iterations: 3000, seed: 5_0002UL, print: s => s.ToString());

    [Test]
    [Category("Stress")]
    public void LockAndSemaphore_ManyMoreSamples() =>
        PropertyRunner.Run(LockScenarios, RunLock, iterations: 20_000, seed: 15_0001UL, print: s => s.ToString());

    [Test]
    [Category("Stress")]
    public void BoundedChannel_ManyMoreSamples() =>
        PropertyRunner.Run(ChannelScenarios, RunChannel, iterations: 20_000, seed: 15_0002UL, print: s => s.ToString());

    // ---- lock and semaphore -----------------------------------------------------------------------------------

    private enum Ev
    {
        Call,      // a task asks for a turn (logged just before Acquire)
        Acquired,  // a task resumed holding the turn
        Released,  // a task gives its turn back (in its finally)
        Cancel,    // the test cancels a task
        TryOk,     // the test's TryAcquire succeeded
        TryFailed, // the test's TryAcquire failed
        ExtRelease,
    }

    private static IEnumerator<IAwaitable> Worker(int id, int hold, List<(Ev, int)> log, Func<Future> acquire, Action release)
    {
        bool held = false;
        try
        {
            log.Add((Ev.Call, id));
            yield return acquire();
            held = true;
            log.Add((Ev.Acquired, id));
            for (int i = 0; i < hold; i++)
            {
                yield return Co.NextTick;
            }
        }
        finally
        {
            if (held)
            {
                log.Add((Ev.Released, id));
                release();
            }
        }
    }

    private static void RunLock(LockScenario sc)
    {
        var t = new TestLoop();
        CoLock? lck = sc.IsLock ? new CoLock(t.Loop) : null;
        CoSemaphore? sem = sc.IsLock ? null : new CoSemaphore(t.Loop, sc.Permits, sc.Permits);
        Func<Future> acquire = lck is not null ? lck.Acquire : sem!.Acquire;
        Action release = lck is not null ? lck.Release : () => sem!.Release();
        Func<bool> tryAcquire = lck is not null ? lck.TryAcquire : sem!.TryAcquire;

        var log = new List<(Ev Ev, int Id)>();
        var tasks = new List<LoopTask>();
        var model = new TurnModel(sc.Permits);
        int replayed = 0;
        int external = 0;

        void Check(string when)
        {
            string where = $"{when}\n{sc}\nlog: {string.Join(", ", log.Select(e => $"{e.Ev} {e.Id}"))}";
            for (; replayed < log.Count; replayed++)
            {
                model.Apply(log[replayed].Ev, log[replayed].Id, where);
            }

            model.CheckImmediateDone(where);
            if (sem is not null)
            {
                Prop.That(sem.CurrentCount, Is.EqualTo(model.Free), $"free permits {where}");
            }
            else
            {
                Prop.That(lck!.IsLocked, Is.EqualTo(model.Free == 0), $"lock held {where}");
            }
        }

        for (int i = 0; i < sc.Ops.Length; i++)
        {
            Op op = sc.Ops[i];
            switch (op.Kind)
            {
                case OpKind.Spawn:
                    model.Spawn(tasks.Count);
                    tasks.Add(t.Loop.Start(Worker(tasks.Count, op.Arg, log, acquire, release)));
                    break;
                case OpKind.Cancel when tasks.Count > 0:
                    int k = op.Arg % tasks.Count;
                    bool expected = !tasks[k].IsCompleted && !model.CancelRequested(k);
                    Prop.That(tasks[k].Cancel(), Is.EqualTo(expected), $"Cancel of task #{k} at op {i}\n{sc}");
                    if (expected)
                    {
                        log.Add((Ev.Cancel, k));   // nothing runs inside Cancel: the log order is still exact
                    }
                    break;
                case OpKind.Tick:
                    t.Tick();
                    break;
                case OpKind.TryAcquire:
                    bool ok = tryAcquire();
                    log.Add((ok ? Ev.TryOk : Ev.TryFailed, -1));
                    external += ok ? 1 : 0;
                    break;
                case OpKind.Release when external > 0:
                    external--;
                    log.Add((Ev.ExtRelease, -1));
                    release();
                    break;
            }

            Check($"after op {i}: {op}");
        }

        // Drain: give back the outside holds, then every task that was not cancelled must get its turn and finish.
        for (; external > 0; external--)
        {
            log.Add((Ev.ExtRelease, -1));
            release();
        }

        Check("after the outside releases");
        for (int n = 0; n < 200 && tasks.Any(x => !x.IsCompleted); n++)
        {
            t.Tick();
            Check($"in drain tick {n}");
        }

        string end = $"at the end\n{sc}";
        for (int k = 0; k < tasks.Count; k++)
        {
            Prop.That(tasks[k].IsCompleted, Is.True, $"task #{k} is left hanging {end}");
            Prop.That(tasks[k].State, Is.EqualTo(model.CancelRequested(k) ? FutureState.Cancelled : FutureState.Succeeded), $"task #{k} outcome {end}");
        }

        Prop.That(model.Free, Is.EqualTo(sc.Permits), $"permits conserved {end}");
        Prop.That(t.Unhandled, Is.Empty, $"nothing reported {end}");
    }

    /// <summary>FIFO model of a lock or semaphore: free permits, waiters in order, turns granted but not yet used.</summary>
    private sealed class TurnModel
    {
        private readonly List<int> _queued = new();    // asked, not granted, FIFO
        private readonly List<int> _granted = new();   // granted, not resumed, in grant order
        private readonly HashSet<int> _holding = new();
        private readonly HashSet<int> _cancelled = new();
        private readonly HashSet<int> _spawned = new();
        private readonly HashSet<int> _called = new();
        private int _immediate = -1;   // a task granted at once: its Acquired must be the very next event
        private int _external;

        public TurnModel(int permits) => Free = permits;

        public int Free { get; private set; }

        public bool CancelRequested(int id) => _cancelled.Contains(id);

        public void Spawn(int id) => _spawned.Add(id);

        public void CheckImmediateDone(string where) =>
            Prop.That(_immediate, Is.EqualTo(-1), $"task #{_immediate} was granted at once but did not continue in the same step (R19) {where}");

        public void Apply(Ev ev, int id, string where)
        {
            if (_immediate >= 0)
            {
                Prop.That((ev, id), Is.EqualTo((Ev.Acquired, _immediate)), $"a free turn continues in the same step {where}");
                _immediate = -1;
                _holding.Add(id);
                return;
            }

            switch (ev)
            {
                case Ev.Call:
                    Prop.That(_cancelled.Contains(id), Is.False, $"task #{id} cancelled before its first step never runs (R32) {where}");
                    _called.Add(id);
                    if (Free > 0)
                    {
                        Prop.That(_queued, Is.Empty, "model: free permits with waiters");
                        Free--;
                        _immediate = id;
                    }
                    else
                    {
                        _queued.Add(id);
                    }

                    break;
                case Ev.Acquired:
                    Prop.That(_granted, Is.Not.Empty, $"task #{id} resumed with a turn nobody granted (double grant) {where}");
                    Prop.That(id, Is.EqualTo(_granted[0]), $"turns are used in grant (FIFO) order {where}");
                    _granted.RemoveAt(0);
                    _holding.Add(id);
                    break;
                case Ev.Released:
                    Prop.That(_holding.Remove(id), Is.True, $"task #{id} releases a turn it holds {where}");
                    HandOver();
                    break;
                case Ev.ExtRelease:
                    _external--;
                    HandOver();
                    break;
                case Ev.TryOk:
                case Ev.TryFailed:
                    Prop.That(ev == Ev.TryOk, Is.EqualTo(Free > 0), $"TryAcquire succeeds exactly when a permit is free and nobody waits {where}");
                    if (ev == Ev.TryOk)
                    {
                        Free--;
                        _external++;
                    }

                    break;
                case Ev.Cancel:
                    _cancelled.Add(id);
                    if (_queued.Remove(id))
                    {
                        break;   // leaves the queue; nobody else is affected
                    }

                    if (_granted.Remove(id))
                    {
                        HandOver();   // granted but never used: the turn goes on (cancel safety)
                    }

                    break;
            }
        }

        private void HandOver()
        {
            if (_queued.Count > 0)
            {
                _granted.Add(_queued[0]);
                _queued.RemoveAt(0);
            }
            else
            {
                Free++;
            }
        }
    }

    // ---- channel ----------------------------------------------------------------------------------------------

    private enum CEv
    {
        WCall,
        WDone,
        RCall,
        RDone,
        Cancel,
        ExtRead,
        ExtReadNone,
        ExtWrite,
        ExtWriteFull,
    }

    private static IEnumerator<IAwaitable> Writer(int id, int item, CoChannel<int> ch, List<(CEv, int, int)> log)
    {
        log.Add((CEv.WCall, id, item));
        yield return ch.Write(item);
        log.Add((CEv.WDone, id, item));
    }

    private static IEnumerator<IAwaitable> Reader(int id, CoChannel<int> ch, List<(CEv, int, int)> log)
    {
        log.Add((CEv.RCall, id, 0));
        Future<int> read = ch.Read();
        yield return read;
        log.Add((CEv.RDone, id, read.Result));
    }

    private static void RunChannel(ChannelScenario sc)
    {
        var t = new TestLoop();
        CoChannel<int> ch = CoChannel.Bounded<int>(t.Loop, sc.Capacity);
        var log = new List<(CEv Ev, int Id, int Item)>();
        var tasks = new List<LoopTask>();
        var writers = new HashSet<int>();
        var model = new ChannelModel(sc.Capacity);
        int replayed = 0;
        int nextItem = 100;

        void Check(string when)
        {
            string where = $"{when}\n{sc}\nlog: {string.Join(", ", log.Select(e => $"{e.Ev} #{e.Id} {e.Item}"))}";
            for (; replayed < log.Count; replayed++)
            {
                model.Apply(log[replayed].Ev, log[replayed].Id, log[replayed].Item, where);
            }

            model.CheckImmediateDone(where);
            Prop.That(ch.Count, Is.EqualTo(model.Buffered), $"items in the channel {where}");
        }

        void ExternalRead()
        {
            if (ch.TryRead(out int item))
            {
                log.Add((CEv.ExtRead, -1, item));
            }
            else
            {
                log.Add((CEv.ExtReadNone, -1, 0));
            }
        }

        for (int i = 0; i < sc.Ops.Length; i++)
        {
            Op op = sc.Ops[i];
            switch (op.Kind)
            {
                case OpKind.SpawnWriter:
                    writers.Add(tasks.Count);
                    model.Spawn(tasks.Count);
                    tasks.Add(t.Loop.Start(Writer(tasks.Count, nextItem++, ch, log)));
                    break;
                case OpKind.SpawnReader:
                    model.Spawn(tasks.Count);
                    tasks.Add(t.Loop.Start(Reader(tasks.Count, ch, log)));
                    break;
                case OpKind.Cancel when tasks.Count > 0:
                    int k = op.Arg % tasks.Count;
                    bool expected = !tasks[k].IsCompleted && !model.CancelRequested(k);
                    Prop.That(tasks[k].Cancel(), Is.EqualTo(expected), $"Cancel of task #{k} at op {i}\n{sc}");
                    if (expected)
                    {
                        log.Add((CEv.Cancel, k, 0));   // nothing runs inside Cancel: the log order is still exact
                    }
                    break;
                case OpKind.Tick:
                    t.Tick();
                    break;
                case OpKind.TryRead:
                    ExternalRead();
                    break;
                case OpKind.TryWrite:
                    int extItem = nextItem++;
                    log.Add((ch.TryWrite(extItem) ? CEv.ExtWrite : CEv.ExtWriteFull, -1, extItem));
                    break;
            }

            Check($"after op {i}: {op}");
        }

        // Drain: read from outside until every writer is done and every delivered reader has resumed; then the readers
        // still parked wait on an empty channel: cancel them.
        for (int n = 0; n < 200 && (writers.Any(w => !tasks[w].IsCompleted) || model.Delivered > 0 || ch.Count > 0); n++)
        {
            t.Tick();
            Check($"in drain tick {n}");
            while (ch.Count > 0)
            {
                ExternalRead();
                Check($"in drain tick {n}, after TryRead");
            }
        }

        for (int k = 0; k < tasks.Count; k++)
        {
            if (!tasks[k].IsCompleted)
            {
                Prop.That(writers.Contains(k), Is.False, $"writer #{k} is left hanging with room in the channel\n{sc}");
                log.Add((CEv.Cancel, k, 0));
                tasks[k].Cancel();
            }
        }

        t.Tick();
        Check("at the end");
        string end = $"at the end\n{sc}";
        Prop.That(tasks.All(x => x.IsCompleted), Is.True, $"every task completed {end}");
        Prop.That(model.Read, Is.EquivalentTo(model.Accepted), $"every accepted item was read exactly once {end}");
        Prop.That(model.Read.Distinct().Count(), Is.EqualTo(model.Read.Count), $"no item read twice {end}");
        Prop.That(t.Unhandled, Is.Empty, $"nothing reported {end}");
    }

    /// <summary>
    /// FIFO model of a bounded channel: the buffer with sequence numbers, parked readers, items delivered to readers not
    /// yet resumed, parked writers with their items, and writers whose item was accepted but who have not resumed.
    /// </summary>
    private sealed class ChannelModel
    {
        private readonly int _capacity;
        private readonly List<(int Item, long Seq)> _buffer = new();
        private readonly List<int> _readers = new();
        private readonly List<(int Reader, int Item, long Seq)> _delivered = new();
        private readonly List<(int Writer, int Item)> _writers = new();
        private readonly List<int> _accepted = new();
        private readonly HashSet<int> _cancelled = new();
        private long _seq;
        private (CEv Ev, int Id, int Item)? _immediate;

        public ChannelModel(int capacity) => _capacity = capacity;

        public int Buffered => _buffer.Count;

        public int Delivered => _delivered.Count;

        public List<int> Accepted { get; } = new();

        public List<int> Read { get; } = new();

        public bool CancelRequested(int id) => _cancelled.Contains(id);

        public void Spawn(int id)
        {
        }

        public void CheckImmediateDone(string where) =>
            Prop.That(_immediate, Is.Null, $"{_immediate} was due in the same step (R19) {where}");

        public void Apply(CEv ev, int id, int item, string where)
        {
            if (_immediate is { } expected)
            {
                Prop.That((ev, id, item), Is.EqualTo(expected), $"a write with room / a read with items continues in the same step with the model's item {where}");
                _immediate = null;
                Bookkeep(ev, item);
                return;
            }

            switch (ev)
            {
                case CEv.WCall:
                case CEv.RCall:
                    Prop.That(_cancelled.Contains(id), Is.False, $"task #{id} cancelled before its first step never runs (R32) {where}");
                    if (ev == CEv.WCall)
                    {
                        if (Offer(item))
                        {
                            _immediate = (CEv.WDone, id, item);
                        }
                        else
                        {
                            _writers.Add((id, item));
                        }
                    }
                    else if (_buffer.Count > 0)
                    {
                        _immediate = (CEv.RDone, id, TakeFirst());
                    }
                    else
                    {
                        _readers.Add(id);
                    }

                    break;
                case CEv.WDone:
                    Prop.That(_accepted, Is.Not.Empty, $"writer #{id} resumed but no parked write was accepted {where}");
                    Prop.That(id, Is.EqualTo(_accepted[0]), $"parked writers resume in acceptance (FIFO) order {where}");
                    _accepted.RemoveAt(0);
                    break;
                case CEv.RDone:
                    Prop.That(_delivered, Is.Not.Empty, $"reader #{id} resumed with item {item} nobody delivered {where}");
                    Prop.That((id, item), Is.EqualTo((_delivered[0].Reader, _delivered[0].Item)), $"readers get the model's items in delivery order {where}");
                    _delivered.RemoveAt(0);
                    Read.Add(item);
                    break;
                case CEv.ExtRead:
                    Prop.That(_buffer, Is.Not.Empty, $"TryRead got {item} from a channel the model has empty {where}");
                    Prop.That(TakeFirst(), Is.EqualTo(item), $"TryRead takes the first item {where}");
                    Read.Add(item);
                    break;
                case CEv.ExtReadNone:
                    Prop.That(_buffer, Is.Empty, $"TryRead failed on a channel with items {where}");
                    break;
                case CEv.ExtWrite:
                case CEv.ExtWriteFull:
                    Prop.That(ev == CEv.ExtWrite, Is.EqualTo(Offer(item)), $"TryWrite succeeds exactly when a reader waits or there is room {where}");
                    break;
                case CEv.Cancel:
                    _cancelled.Add(id);
                    int r = _delivered.FindIndex(d => d.Reader == id);
                    if (r >= 0)
                    {
                        // Delivered but never seen: to the next parked reader, or back into the buffer in its place.
                        (int _, int back, long seq) = _delivered[r];
                        _delivered.RemoveAt(r);
                        if (_readers.Count > 0)
                        {
                            _delivered.Add((_readers[0], back, seq));
                            _readers.RemoveAt(0);
                        }
                        else
                        {
                            int at = _buffer.FindIndex(b => b.Seq > seq);
                            _buffer.Insert(at < 0 ? _buffer.Count : at, (back, seq));
                        }
                    }

                    _readers.Remove(id);
                    _writers.RemoveAll(w => w.Writer == id);   // its item is not written
                    _accepted.Remove(id);                      // its write stands, but it never resumes
                    break;
            }
        }

        private void Bookkeep(CEv ev, int item)
        {
            if (ev == CEv.RDone)
            {
                Read.Add(item);
            }
        }

        // A write: straight to the first parked reader, else into the buffer if there is room.
        private bool Offer(int item)
        {
            if (_readers.Count > 0)
            {
                Accepted.Add(item);
                _delivered.Add((_readers[0], item, _seq++));
                _readers.RemoveAt(0);
                return true;
            }

            if (_buffer.Count < _capacity)
            {
                Accepted.Add(item);
                _buffer.Add((item, _seq++));
                return true;
            }

            return false;
        }

        private int TakeFirst()
        {
            int item = _buffer[0].Item;
            _buffer.RemoveAt(0);
            while (_buffer.Count < _capacity && _writers.Count > 0)
            {
                (int writer, int next) = _writers[0];
                _writers.RemoveAt(0);
                Accepted.Add(next);
                _buffer.Add((next, _seq++));
                _accepted.Add(writer);
            }

            return item;
        }
    }
}
