"""Engine benchmark: our Value against micrograd's, PyTorch 0-dim tensors and the engine before v2.

1. micrograd's demo training step, written once with bare Value operations and
   run with either engine's Value class, so both build the same expression graph:
   MLP 2-16-16-1 (per neuron ``sum((wᵢ·xᵢ for …), b)``, ReLU on hidden layers),
   100 two-moons points, hinge loss mean(relu(1 − yᵢ·scoreᵢ)) + 1e-4·Σp², then
   backward and the SGD update with micrograd's learning-rate schedule.  Each engine
   runs in a fresh process, timed with CPython's default garbage-collector
   settings; a second line with the collector disabled is given for context only.
2. A chain x ← tanh(x·w + b) of 10,000 steps, forward and backward: our Value
   against float64 0-dim tensors with ``requires_grad`` on w and b (3 ops a step).
3. The same chain with 10⁶ nodes, built and backpropagated in a fresh process
   per run (default GC), against the engine as it was before v2 (``--baseline``, a
   git revision, extracted with ``git archive``): seconds, and bytes per node after
   the forward pass from the process's resident set size (no tracemalloc).

Every workload also runs on ``minimal_engine.Value``, the least an engine of this
design can do in CPython (no features at all): its lines, marked "floor", show what
a target asks of the interpreter rather than of our engine.

Run: ``.venv/bin/python benchmarks/bench_engine.py [--quick]``.
"""

import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile

from _common import (Timing, demo_moons, format_seconds, gc_paused, import_torch, parse_args,
                     print_table, time_interleaved, time_runs)

import minimal_engine
from autograd import Value

BENCHMARKS = os.path.dirname(os.path.abspath(__file__))
REPOSITORY = os.path.dirname(BENCHMARKS)
SIZES = [2, 16, 16, 1]
DEMO_TARGET = 20.0   # ours at least this many times faster than micrograd per step
CHAIN_TARGET = 10.0  # ours at least this many times faster than PyTorch per op
BIG_CHAIN_TARGET = 2.0      # build + backward at least this many times faster than before v2
BYTES_PER_NODE_TARGET = 200  # resident memory per node after the forward pass
BASELINE = "c8cfafd"  # the last revision before engine v2 (issue 15)
OPS_PER_LINK = 3     # x·w, + b, tanh


# -- 1. micrograd's demo step, engine-agnostic -----------------------------------

def init_mlp(value_cls, sizes, seed=1337):
    """micrograd's init: weights U(−1, 1), biases 0; layer l is n_l neurons of (w, b)."""
    rng = random.Random(seed)
    return [[([value_cls(rng.uniform(-1, 1)) for _ in range(nin)], value_cls(0.0))
             for _ in range(nout)]
            for nin, nout in zip(sizes, sizes[1:])]


def forward(layers, x):
    """The score of one input: z = Σ wᵢxᵢ + b per neuron, ReLU except on the last layer."""
    for depth, layer in enumerate(layers):
        hidden = depth < len(layers) - 1
        x = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
        if hidden:
            x = [z.relu() for z in x]
    return x[0]


class DemoTraining:
    """micrograd's demo loop for one Value class; each call is one training step."""

    def __init__(self, value_cls, X, y):
        self.value_cls = value_cls
        self.X, self.y = X, y
        self.layers = init_mlp(value_cls, SIZES)
        self.params = [p for layer in self.layers for w, b in layer for p in (*w, b)]
        self.k = 0
        self.losses = []

    def __call__(self):
        inputs = [[self.value_cls(v) for v in row] for row in self.X]
        scores = [forward(self.layers, x) for x in inputs]
        losses = [(1 + -yi * score).relu() for yi, score in zip(self.y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in self.params)
        loss = data_loss + reg_loss
        for p in self.params:
            p.grad = 0.0
        loss.backward()
        learning_rate = 1.0 - 0.9 * self.k / 100
        for p in self.params:
            p.data -= learning_rate * p.grad
        self.k += 1
        self.losses.append(loss.data)


def demo_engine(name):
    """The Value class of engine ``name``: "ours", "micrograd" or "minimal"."""
    if name == "micrograd":
        from micrograd.engine import Value as MicrogradValue
        return MicrogradValue
    return minimal_engine.Value if name == "minimal" else Value


def demo_child(name, steps, paused):
    """In a fresh process: time engine ``name``'s demo step; print the seconds and losses."""
    X, y = demo_moons()
    run = DemoTraining(demo_engine(name), X, y)
    with gc_paused() if paused else contextlib.nullcontext():
        timing = time_runs(run, steps)
    print(json.dumps({"times": timing.times, "losses": run.losses}))


DEMO_CHILD = "import sys; sys.path.insert(0, sys.argv[1]); import bench_engine; " \
             "bench_engine.demo_child(sys.argv[2], int(sys.argv[3]), sys.argv[4] == 'paused')"


def bench_demo(steps, rounds):
    """Time the demo step in each engine, each in a fresh process so that none inherits
    another's heap or collector state, the engines taking turns for ``rounds`` rounds;
    a step's time is the median over the processes of their mean step (the mean keeps
    the collector's occasional long passes in).  Returns summary rows (or [] without
    micrograd)."""
    try:
        demo_engine("micrograd")
    except ImportError:
        print("micrograd is not installed, so the demo comparison is skipped; "
              "install it with: .venv/bin/pip install micrograd==0.1.0")
        return []
    print(f"\n1. micrograd demo step: MLP {'-'.join(map(str, SIZES))}, {len(demo_moons()[0])} "
          f"moons points, hinge + L2, forward + backward + SGD; {steps} steps after 1 warm-up "
          f"in each of {rounds} fresh processes per engine, the engines taking turns")
    rows = []
    for setting, paused in (("default GC", False), ("GC disabled (context)", True)):
        results = {"ours": [], "micrograd": [], "minimal": []}
        for _ in range(rounds):
            for name, processes in results.items():
                out = subprocess.run([sys.executable, "-c", DEMO_CHILD, BENCHMARKS, name,
                                      str(steps), "paused" if paused else "default"],
                                     check=True, capture_output=True, text=True).stdout
                processes.append(json.loads(out))
        timings = {name: Timing(tuple(Timing(tuple(p["times"])).mean for p in processes))
                   for name, processes in results.items()}
        drift = max(abs(a - b) for processes in results.values() for p in processes
                    for a, b in zip(results["ours"][0]["losses"], p["losses"]))
        for name, timing in timings.items():
            print(f"   {setting:<22} {name:<10} {format_seconds(timing.median)} per step "
                  f"(processes' means {', '.join(map(format_seconds, timing.times))})")
        for name in ("ours", "minimal"):
            ratio = timings["micrograd"].median / timings[name].median
            print(f"   {setting:<22} micrograd / {name} = {ratio:.1f}×")
            floor = name == "minimal"
            target = "(context)" if paused else f"≥ {DEMO_TARGET:g}×" + (" (floor)" if floor else "")
            met = "" if paused else ("yes" if ratio >= DEMO_TARGET else "NO")
            rows.append([f"demo step, {setting}" + (", minimal engine" if floor else ""),
                         format_seconds(timings[name].median),
                         f"micrograd {format_seconds(timings['micrograd'].median)}",
                         f"{ratio:.1f}×", target, met])
        print(f"   (same losses in all three engines: max |Δloss| = {drift:.1e})")
    return rows


# -- 2. a long tanh chain: ours against PyTorch ---------------------------------------

def chain_ours(length, value_cls=Value):
    w, b = value_cls(0.9), value_cls(0.1)
    x = value_cls(0.5)
    for _ in range(length):
        x = (x * w + b).tanh()
    x.backward()
    return w.grad


def chain_torch(torch, length):
    w = torch.tensor(0.9, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    x = torch.tensor(0.5, dtype=torch.float64)
    for _ in range(length):
        x = torch.tanh(x * w + b)
    x.backward()
    return w.grad.item()


def bench_chain(length, repeats):
    """Time the chain in both engines; returns summary rows (or [] without torch)."""
    ops = OPS_PER_LINK * length
    print(f"\n2. chain x ← tanh(x·w + b), {length} links ({ops} ops), forward + backward; "
          f"{repeats} runs each after 1 warm-up, taking turns")
    torch = import_torch()
    if torch is None:
        ours = time_runs(lambda: chain_ours(length), repeats)
        return [["tanh chain, per op", format_seconds(ours.median / ops), "PyTorch missing",
                 "-", f"≥ {CHAIN_TARGET:g}×", "skipped"]]
    timings = time_interleaved({"ours": lambda: chain_ours(length),
                                "PyTorch": lambda: chain_torch(torch, length),
                                "minimal": lambda: chain_ours(length, minimal_engine.Value)},
                               repeats)
    for name, timing in timings.items():
        print(f"   {name:<8} {timing} per chain, median {format_seconds(timing.median / ops)} "
              f"per op" + (f" (torch {torch.__version__}, float64 0-dim tensors)"
                           if name == "PyTorch" else ""))
    agree = abs(chain_ours(length) - chain_torch(torch, length))
    rows = []
    for name in ("ours", "minimal"):
        ratio = timings["PyTorch"].median / timings[name].median
        print(f"   PyTorch / {name} = {ratio:.1f}× (medians)")
        floor = name == "minimal"
        rows.append(["tanh chain, per op" + (", minimal engine" if floor else ""),
                     format_seconds(timings[name].median / ops),
                     f"PyTorch {format_seconds(timings['PyTorch'].median / ops)}", f"{ratio:.1f}×",
                     f"≥ {CHAIN_TARGET:g}×" + (" (floor)" if floor else ""),
                     "yes" if ratio >= CHAIN_TARGET else "NO"])
    print(f"   (∂x/∂w agrees to {agree:.1e})")
    return rows


# -- 3. a 10⁶-node chain in a fresh process: ours against the engine before v2 -------------

CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])  # the engine to measure: this repository's, the baseline's
Value = __import__(sys.argv[3]).Value  # or the minimal engine's (see minimal_engine.py)

def rss():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize()
    except OSError:  # no /proc: the peak, which only grows while the chain is built
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
links = int(sys.argv[1])
w, b, x = Value(0.9), Value(0.1), Value(0.5)
before, start = rss(), time.perf_counter()
for _ in range(links):
    x = (x * w + b).tanh()
built, after = time.perf_counter(), rss()
x.backward()
done = time.perf_counter()
print(json.dumps({"build": built - start, "backward": done - built,
                  "bytes": (after - before) / (3 * links), "grad": w.grad}))
"""


def baseline_engine(revision, into):
    """Extract ``autograd/`` as of ``revision`` into the directory ``into``; False if git cannot."""
    try:
        archive = subprocess.run(["git", "-C", REPOSITORY, "archive", revision, "autograd"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"   cannot extract the baseline engine at {revision!r} ({error}); skipped")
        return False
    return True




def run_child(links, engine_path, module="autograd"):
    """One fresh process building and backpropagating the chain with ``module.Value`` found
    at ``engine_path``, run from an empty directory so nothing else of that name is found."""
    with tempfile.TemporaryDirectory() as empty:
        out = subprocess.run([sys.executable, "-c", CHILD, str(links), engine_path, module],
                             cwd=empty, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def bench_big_chain(nodes, repeats, revision):
    """Build + backward of a chain of ``nodes`` nodes, each run in a fresh process."""
    links = nodes // 3
    print(f"\n3. chain x ← tanh(x·w + b) of {3 * links:,} nodes, build + backward in a fresh "
          f"process (default GC), {repeats} runs each, interleaved; baseline = {revision}")
    with tempfile.TemporaryDirectory() as old:
        have_old = baseline_engine(revision, old)
        runs = {"ours": [], "before v2": [], "minimal": []}
        for _ in range(repeats):
            runs["ours"].append(run_child(links, REPOSITORY))
            if have_old:
                runs["before v2"].append(run_child(links, old))
            runs["minimal"].append(run_child(links, BENCHMARKS, "minimal_engine"))
    rows = []
    for name, results in runs.items():
        if not results:
            continue
        total = min(r["build"] + r["backward"] for r in results)
        build = min(r["build"] for r in results)
        bytes_per_node = min(r["bytes"] for r in results)
        print(f"   {name:<10} build + backward {format_seconds(total)} (best of {len(results)}; "
              f"build {format_seconds(build)}), {bytes_per_node:.0f} bytes per node after "
              f"the forward pass")
    ours = runs["ours"]
    best = min(r["build"] + r["backward"] for r in ours)
    bytes_per_node = min(r["bytes"] for r in ours)
    if runs["before v2"]:
        old_best = min(r["build"] + r["backward"] for r in runs["before v2"])
        ratio = old_best / best
        agree = abs(ours[0]["grad"] - runs["before v2"][0]["grad"])
        print(f"   before v2 / ours = {ratio:.1f}×   (∂x/∂w agrees to {agree:.1e})")
        rows.append(["10⁶-node chain, build + backward", format_seconds(best),
                     f"before v2 {format_seconds(old_best)}", f"{ratio:.1f}×",
                     f"≥ {BIG_CHAIN_TARGET:g}×", "yes" if ratio >= BIG_CHAIN_TARGET else "NO"])
        floor = min(r["build"] + r["backward"] for r in runs["minimal"])
        floor_ratio = old_best / floor
        print(f"   before v2 / minimal engine = {floor_ratio:.1f}×")
        rows.append(["10⁶-node chain, minimal engine", format_seconds(floor),
                     f"before v2 {format_seconds(old_best)}", f"{floor_ratio:.1f}×",
                     f"≥ {BIG_CHAIN_TARGET:g}× (floor)",
                     "yes" if floor_ratio >= BIG_CHAIN_TARGET else "NO"])
    rows.append(["10⁶-node chain, bytes per node", f"{bytes_per_node:.0f} B", "-", "-",
                 f"≤ {BYTES_PER_NODE_TARGET} B",
                 "yes" if bytes_per_node <= BYTES_PER_NODE_TARGET else "NO"])
    return rows


def main(argv=None):
    args = parse_args(__doc__.splitlines()[0], argv)
    steps, rounds, length, repeats = (2, 1, 1_000, 2) if args.quick else (10, 3, 10_000, 10)
    nodes, big_repeats = (30_000, 1) if args.quick else (1_000_000, 3)
    rows = (bench_demo(steps, rounds) + bench_chain(length, repeats)
            + bench_big_chain(nodes, big_repeats, args.baseline or BASELINE))
    print_table("Summary" + (" (--quick: smoke run, numbers are rough)" if args.quick else ""),
                ["workload", "ours", "reference", "speed-up", "target", "met"], rows)


if __name__ == "__main__":
    main()
