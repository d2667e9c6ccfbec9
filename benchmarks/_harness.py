"""What the export benchmarks share: an output that only counts, paired best times, and
peak memory.

The scripts run as ``python benchmarks/bench_x.py``, which puts this folder on the import
path: they import it as ``_harness``.
"""

from __future__ import annotations

import argparse
import gc
import io
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any


class Sink(io.RawIOBase):
    """A binary output that only counts what it is given."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        return len(data)


def arguments(doc: str, *, repeat: int, memory: bool = True) -> argparse.Namespace:
    """The command line of an export benchmark: ``--events``, ``--calls``, ``--repeat`` (and
    ``--no-memory`` when it measures memory), described by the first line of ``doc``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=repeat)
    if memory:
        parser.add_argument("--no-memory", action="store_true", help="Skip the tracemalloc runs.")
    return parser.parse_args()


def best_times(
    runs: Sequence[Callable[[], object]],
    repeat: int,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """The best time of each run, over ``repeat`` rounds that take turns (so that a busy
    moment of the machine does not fall on one side only). ``time.process_time`` as the
    clock measures CPU time, steadier on a busy, shared machine."""
    best = [float("inf")] * len(runs)
    for _ in range(repeat):
        for index, run in enumerate(runs):
            gc.collect()
            started = clock()
            run()
            best[index] = min(best[index], clock() - started)
    return best


def peak_mib(run: Callable[[], object]) -> float:
    """Peak Python memory allocated while ``run()`` runs (tracemalloc), in MiB."""
    gc.collect()
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20
