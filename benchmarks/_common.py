"""Helpers the benchmark scripts share: command line, data, timing, optional PyTorch, tables.

Benchmarks are scripts, never timed tests: run them with
``.venv/bin/python benchmarks/bench_engine.py`` (add ``--quick`` for a smoke run).
"""

import argparse
import contextlib
import gc
import statistics
import time
from dataclasses import dataclass

from autograd.check import format_table
from nn.data import moons

TORCH_HINT = ("PyTorch is not installed, so the comparison with it is skipped; "
              "install the CPU build with: .venv/bin/pip install torch==2.13.0")


def parse_args(description, argv=None):
    """The options every benchmark takes: ``--quick`` for a short smoke run."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true",
                        help="a few repetitions of small workloads: checks the script runs, "
                             "the numbers mean little")
    parser.add_argument("--baseline", metavar="REVISION",
                        help="git revision of the engine to compare against, where a "
                             "benchmark does (default: the last one before engine v2)")
    return parser.parse_args(argv)


def demo_moons(n=100, seed=1):
    """micrograd's demo data: ``n`` two-moons points with labels −1/+1 (for the hinge loss)."""
    return moons(n, noise=0.1, seed=seed, labels=(-1, 1))


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of repeated runs of one workload."""

    times: tuple

    @property
    def mean(self):
        return statistics.fmean(self.times)

    @property
    def median(self):
        return statistics.median(self.times)

    @property
    def stdev(self):
        return statistics.stdev(self.times) if len(self.times) > 1 else 0.0

    def __str__(self):
        return f"{format_seconds(self.mean)} ± {format_seconds(self.stdev)} (n={len(self.times)})"


def time_runs(run, repeats, warmup=1):
    """Call ``run()`` ``warmup`` times untimed, then ``repeats`` times timed: a Timing."""
    return time_interleaved({"run": run}, repeats, warmup)["run"]


def time_interleaved(runs, repeats, warmup=1, clock=time.perf_counter):
    """Time several workloads (name -> callable) taking turns, one call each per round, so
    that a slow spell of a shared machine falls on all of them alike; name -> Timing.
    ``clock`` is wall-clock time; ``time.process_time`` counts the process's CPU time
    instead, which a busy machine does not inflate by running other jobs in between.

    The collector is emptied first so every workload starts from the same heap.
    While the cyclic collector is disabled (see :func:`gc_paused`) the garbage a
    run leaves is collected after it, outside the timed region, so cyclic
    garbage cannot pile up across runs.
    """
    for run in runs.values():
        for _ in range(warmup):
            run()
    gc.collect()
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = clock()
            run()
            times[name].append(clock() - start)
            if not gc.isenabled():
                gc.collect()
    return {name: Timing(tuple(t)) for name, t in times.items()}


@contextlib.contextmanager
def gc_paused():
    """Disable CPython's cyclic garbage collector inside the block (for context lines only)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def import_torch():
    """The ``torch`` module, or None after printing how to install it."""
    try:
        import torch
    except ImportError:
        print(TORCH_HINT)
        return None
    return torch


def format_seconds(seconds):
    """A duration with a unit a person reads at a glance: 1.23 s, 45.6 ms, 7.89 µs."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def print_table(title, headers, rows):
    """Print ``rows`` (lists of strings) under ``title`` as an aligned text table."""
    print(f"\n{title}")
    print(format_table(headers, rows))
