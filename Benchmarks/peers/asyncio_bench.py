#!/usr/bin/env python3
"""Issue 3's W1 (next tick), W2 (sleep) and W3 (ping-pong) workloads written for Python's asyncio.

Prints one JSON object: nanoseconds per resume (one resume = one step of a task, the counterpart of one MoveNext
of a coroutine), the median of --reps timed repetitions after one warm-up. The ratios mode of the C# benchmarks
(`dotnet run -c Release --project Benchmarks -- ratios`) runs this script and divides by its own figures.

asyncio costs about a microsecond per resume, so the counts are scaled down from the C# workloads (100,000
coroutines) to stay within the ratios mode's time budget; the per-resume cost does not grow with N (a smaller
working set only favours asyncio).

W2 runs on a loop whose clock is manual, as in the C# workload: every iteration of the loop (one "tick") advances
it by 1 ms, and the selector never blocks.
"""

import argparse
import asyncio
import gc
import json
import platform
import random
import selectors
import statistics
import sys
import time

SEED = 20241129


async def yield_null(count):
    for _ in range(count):
        await asyncio.sleep(0)


async def sleeper(durations):
    for seconds in durations:
        await asyncio.sleep(seconds)


class Pair:
    __slots__ = ("ball", "to_pong", "to_ping")

    def __init__(self, loop):
        self.ball = 0
        self.to_pong = loop.create_future()
        self.to_ping = None


async def ping(pair, round_trips, loop):
    for _ in range(round_trips):
        reply = loop.create_future()
        pair.to_ping = reply
        pair.to_pong.set_result(pair.ball)
        pair.ball = (await reply) + 1


async def pong(pair, round_trips, loop):
    for i in range(round_trips):
        ball = await pair.to_pong
        pair.to_pong = loop.create_future() if i + 1 < round_trips else None
        pair.to_ping.set_result(ball + 1)


class _TickSelector(selectors.SelectSelector):
    """A selector that never waits: each select() is one tick of the manual clock (1 ms)."""

    def __init__(self):
        super().__init__()
        self.now = 0.0

    def select(self, timeout=None):
        self.now += 0.001
        return []


class ManualClockLoop(asyncio.SelectorEventLoop):
    """An event loop on a manual clock advanced 1 ms per iteration (asyncio's counterpart of ManualClock)."""

    def __init__(self):
        self._tick_selector = _TickSelector()
        super().__init__(self._tick_selector)

    def time(self):
        return self._tick_selector.now


def run_tasks(loop, coroutines):
    """Creates the tasks (their first step is scheduled, not run), then times the loop until all have ended."""
    tasks = [loop.create_task(c) for c in coroutines]
    gc.collect()
    start = time.perf_counter_ns()
    # Tasks of one workload end in creation order within their last tick; waiting for every one costs a callback
    # each, so wait for the last one and check the others afterwards.
    loop.run_until_complete(tasks[-1])
    while not all(t.done() for t in tasks):
        loop.run_until_complete(asyncio.sleep(0))
    elapsed = time.perf_counter_ns() - start
    for t in tasks:
        t.result()
    return elapsed


def next_tick(n, k):
    loop = asyncio.new_event_loop()
    try:
        elapsed = run_tasks(loop, [yield_null(k) for _ in range(n)])
    finally:
        loop.close()
    return elapsed / (n * (k + 1))


def sleep(n, k, rng):
    loop = ManualClockLoop()
    try:
        coroutines = [sleeper([rng.random() * 0.010 for _ in range(k)]) for _ in range(n)]
        elapsed = run_tasks(loop, coroutines)
    finally:
        loop.close()
    return elapsed / (n * (k + 1))


def ping_pong(pairs, round_trips):
    loop = asyncio.new_event_loop()
    try:
        coroutines = []
        for _ in range(pairs):
            pair = Pair(loop)
            coroutines.append(pong(pair, round_trips, loop))
            coroutines.append(ping(pair, round_trips, loop))
        elapsed = run_tasks(loop, coroutines)
    finally:
        loop.close()
    return elapsed / (pairs * 2 * (round_trips + 1))


def measure(fn, reps):
    fn()  # warm-up
    samples = [fn() for _ in range(reps)]
    return statistics.median(samples), samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="W1 coroutines (the C# workload has 100,000)")
    parser.add_argument("--k", type=int, default=100, help="W1 yields per coroutine")
    parser.add_argument("--sleep-n", type=int, default=5_000, help="W2 coroutines (the C# workload has 100,000)")
    parser.add_argument("--sleep-k", type=int, default=20, help="W2 sleeps per coroutine")
    parser.add_argument("--pairs", type=int, default=2_000, help="W3 pairs (the C# workload has 50,000)")
    parser.add_argument("--round-trips", type=int, default=100, help="W3 round trips per pair")
    parser.add_argument("--reps", type=int, default=5, help="timed repetitions (after one warm-up)")
    parser.add_argument("--skip", default="", help="comma-separated workloads to skip: next_tick,sleep,ping_pong")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    result = {"python": platform.python_version(), "implementation": platform.python_implementation(), "reps": args.reps}
    if "next_tick" not in skip:
        median, samples = measure(lambda: next_tick(args.n, args.k), args.reps)
        result["next_tick"] = {"n": args.n, "k": args.k, "ns_per_resume": median, "samples": samples}
    if "sleep" not in skip:
        rng = random.Random(SEED)
        median, samples = measure(lambda: sleep(args.sleep_n, args.sleep_k, rng), args.reps)
        result["sleep"] = {"n": args.sleep_n, "k": args.sleep_k, "ns_per_resume": median, "samples": samples}
    if "ping_pong" not in skip:
        median, samples = measure(lambda: ping_pong(args.pairs, args.round_trips), args.reps)
        result["ping_pong"] = {"pairs": args.pairs, "round_trips": args.round_trips, "ns_per_resume": median, "samples": samples}
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
