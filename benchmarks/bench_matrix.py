"""Matrix engine benchmark: ``fit(engine="matrix")`` against the lean NumPy loop, PyTorch
and scikit-learn, and its memory at MNIST's size.

1. micrograd's demo step (MLP 2-16-16-1, ReLU hidden, linear output, 100 two-moons
   points, hinge loss + 1e-4·Σθ², backward, SGD lr 0.1) through the scalar
   ``nn.MLP`` graph and through ``nn.matrix`` (the same model, full batch).
2. One epoch of the 8×8 digits (1,797 × 64, NumPy arrays): MLP 64-32-10, ReLU hidden,
   linear logits, cross-entropy, SGD, batch 64.
3. One epoch of 10,000 × 784 uniform random pixels with random labels (MNIST's
   shape): MLP 784-128-10, the same loss and optimizer, batch 128.
4. Peak memory of one 60,000 × 784 epoch (MNIST's training set) above the
   process's memory before X was made, each measurement in a fresh process.

In 2 and 3 every line trains the same network from the same weights on the same
batches (fit's own shuffle, drawn beforehand for the others), and the lines take
turns epoch by epoch, so a slow spell of this shared machine falls on all of them:

* ``limit``: the lean loop, the lecture notes' equations written plainly in NumPy
  (Z = W A + b, ReLU, softmax, δ = Ŷ − Y, δ = Wᵀδ ⊙ f′(Z), ∂W = δAᵀ/m, ∂b = Σδ/m,
  θ ← θ − α∂θ), also summing the loss and counting the correct argmaxes (what fit
  reports), with the batches' row indices made before the clock starts;
* ``fit``: ``fit(model, X, y, epochs=1, engine="matrix", verbose=False)`` per epoch,
  every per-call cost included (input checks, the model's parameters in and out,
  the shuffle), the divergence checks on;
* PyTorch float64 (and float32) ``nn.Sequential`` with ``torch.optim.SGD`` and
  ``cross_entropy``, on tensors made once; scikit-learn's ``MLPClassifier``
  (``solver="sgd"``, no momentum or L2, its own initialisation and shuffle) one
  ``partial_fit`` per epoch.

Every library runs on one thread: the BLAS thread count is set to 1 before NumPy
loads (unless OPENBLAS_NUM_THREADS is already set), and PyTorch's too.  On this
2-core machine shared by other jobs, OpenBLAS's default of two threads made the
same NumPy epoch 10 to 20 times slower (threads waiting on each other), so one
thread is both the fair and the fast setting here.

Ratios are of the medians over the interleaved rounds, with the interquartile range of
the ratios round by round (with fewer than 4 rounds, their range); the targets are judged
on wall-clock time.  The lines then take turns as often again timed by the process's CPU
time, which other jobs on a busy machine do not inflate (every line runs on one thread),
and that ratio is printed beside.  The epoch losses printed show that the lines compute
the same thing.

    .venv/bin/python benchmarks/bench_matrix.py [--quick]

PyTorch and scikit-learn are optional: ``.venv/bin/pip install torch==2.13.0
scikit-learn`` (a missing one's lines are skipped, saying so).  On some processors
OPENBLAS_CORETYPE is set in the environment (see the README's speed section); it
changes NumPy's and PyTorch's matrix kernels, so the script prints it.
"""

import os
import sys

# Before NumPy (or PyTorch) is imported: one BLAS thread for every line.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

from _common import (Timing, demo_moons, format_seconds, import_torch,  # noqa: E402
                     parse_args, print_table, time_interleaved)

from nn import optim  # noqa: E402
from nn.data import digits  # noqa: E402
from nn.layers import MLP  # noqa: E402
from nn.losses import hinge  # noqa: E402
from nn.matrix._numpy import np  # noqa: E402
from nn.matrix.data import epoch_order  # noqa: E402
from nn.matrix.trainer import MatrixTrainer  # noqa: E402
from nn.regularization import l2_penalty  # noqa: E402
from nn.train import fit  # noqa: E402

DEMO_SIZES, DEMO_L2, DEMO_LR = [16, 16, 1], 1e-4, 0.1
DIGITS_PER_CALL = 10    # epochs per fit call in the digits target lines (a 1-epoch call too)
DEMO_TARGET = 50.0      # matrix step at least this many times faster than the scalar step
SCALAR_TARGET = 100.0   # fit(matrix) digits epoch at least this many times faster than scalar
LIMIT_TARGET = 1.5      # fit(matrix) epoch at most this many times the lean loop's
DIGITS_TORCH_TARGET, DIGITS_SKLEARN_TARGET, MNIST_TORCH_TARGET = 3.0, 2.0, 1.5
MEMORY_TARGET = 1.5     # peak RSS above the baseline at most this many times X's size
SKLEARN_HINT = ("scikit-learn is not installed, so its line is skipped; install it with: "
                ".venv/bin/pip install scikit-learn")


# -- 1. micrograd's demo step ---------------------------------------------------------------

def demo_model():
    return MLP(2, DEMO_SIZES, seed=1337)


class ScalarDemo:
    """The step of benchmarks/bench_nn.py: the graph of Values."""

    def __init__(self, X, y):
        self.model, self.X, self.y = demo_model(), X, y
        self.params = self.model.parameters()
        self.optimizer = optim.SGD(self.params, lr=DEMO_LR)
        self.losses = []

    def __call__(self):
        loss = (hinge([self.model(x) for x in self.X], self.y)
                + DEMO_L2 * l2_penalty(self.params))
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.losses.append(loss.data)


class MatrixDemo:
    """The same step through nn.matrix: one full batch of 100 columns."""

    def __init__(self, X, y):
        model = demo_model()
        self.trainer = MatrixTrainer(model, X, y, "hinge", optim.SGD(model.parameters(),
                                                                     lr=DEMO_LR), l2=DEMO_L2)
        self.everything = np.arange(len(X))
        self.losses = []

    def __call__(self):
        self.losses.append(self.trainer.step(self.everything)[0])


def bench_demo(steps_scalar, steps_fast):
    X, y = demo_moons()
    print(f"\n1. micrograd demo step: MLP 2-{'-'.join(map(str, DEMO_SIZES))}, {len(X)} moons "
          f"points, hinge + {DEMO_L2:g}·Σθ², backward, SGD; each after 1 warm-up step")
    runs = {"scalar": ScalarDemo(X, y), "matrix": MatrixDemo(X, y)}
    timings = time_interleaved(runs, steps_scalar)
    timings["matrix"] = time_interleaved({"matrix": runs["matrix"]}, steps_fast)["matrix"]
    drift = max(abs(a - b) for a, b in zip(runs["scalar"].losses, runs["matrix"].losses))
    ratio = timings["scalar"].median / timings["matrix"].median
    for name, timing in timings.items():
        print(f"   {name:<8} {timing} per step")
    print(f"   scalar / matrix = {ratio:.1f}×   (same losses: max |Δloss| = {drift:.1e})")
    return [["demo step", format_seconds(timings["matrix"].median),
             f"scalar {format_seconds(timings['scalar'].median)}", f"{ratio:.1f}×", "", "",
             f"≥ {DEMO_TARGET:g}×", "yes" if ratio >= DEMO_TARGET else "NO"]]


# -- 2 and 3: an epoch, every line on the same batches --------------------------------------

class Workload:
    """Data, a model maker and the batches of every epoch.  A round is one call of
    ``per_call`` epochs: round k is what ``fit(..., epochs=per_call, seed=k)`` visits, and
    the lines that do not shuffle themselves visit the same batches."""

    def __init__(self, name, X, y, sizes, batch, lr, rounds, per_call=1):
        self.name, self.X, self.y, self.sizes = name, X, y, sizes
        self.n_inputs = X.shape[1]
        self.batch, self.lr, self.per_call = batch, lr, per_call
        self.orders = []
        for k in range(rounds):
            rng = random.Random(k)
            self.orders.append([epoch_order(len(y), True, rng) for _ in range(per_call)])

    def model(self):
        return MLP(self.n_inputs, self.sizes, ["relu", "linear"], init="he_uniform", seed=0)

    def batches(self, k, e=0):
        order = self.orders[k][e]
        return [order[start:start + self.batch] for start in range(0, len(order), self.batch)]

    def title(self):
        calls = ("one fit call per epoch" if self.per_call == 1
                 else f"{self.per_call} epochs per fit call")
        return (f"{self.name}: {len(self.X):,} × {self.X.shape[1]}, MLP "
                f"{self.X.shape[1]}-{'-'.join(map(str, self.sizes))} (ReLU, linear logits), "
                f"cross-entropy, SGD lr {self.lr:g}, batch {self.batch}; {calls}")


class Epochs:
    """A callable that runs the next round (``per_call`` epochs) and keeps the epochs'
    mean losses."""

    def __init__(self, workload):
        self.workload, self.round, self.losses = workload, 0, []

    def __call__(self):
        self.losses.extend(self.run(self.round))
        self.round += 1

    def run(self, k):
        return [self.epoch(k, e) for e in range(self.workload.per_call)]


class LeanEpochs(Epochs):
    """The limit: the lecture notes' equations written plainly in NumPy."""

    def __init__(self, workload):
        super().__init__(workload)
        state = {k: np.array(v) for k, v in workload.model().state_dict().items()}
        self.W1, self.W2 = state["0.weight"], state["2.weight"]
        self.b1, self.b2 = state["0.bias"][:, None], state["2.bias"][:, None]
        y = workload.y
        self.Y = np.zeros((workload.sizes[-1], len(y)))
        self.Y[y, np.arange(len(y))] = 1.0
        self.batch_list = [[workload.batches(k, e) for e in range(workload.per_call)]
                           for k in range(len(workload.orders))]

    def epoch(self, k, e):
        X, Y, lr = self.workload.X, self.Y, self.workload.lr
        W1, b1, W2, b2 = self.W1, self.b1, self.W2, self.b2
        total, correct = 0.0, 0
        for idx in self.batch_list[k][e]:
            A0, Yb = X[idx].T, Y[:, idx]
            m = A0.shape[1]
            Z1 = W1 @ A0 + b1
            A1 = np.maximum(Z1, 0.0)
            Z2 = W2 @ A1 + b2
            top = Z2.max(axis=0)
            E = np.exp(Z2 - top)
            S = E.sum(axis=0)
            total += float((top + np.log(S) - (Z2 * Yb).sum(axis=0)).sum())
            correct += int(np.count_nonzero(Z2.argmax(axis=0) == Yb.argmax(axis=0)))
            delta2 = (E / S - Yb) / m
            delta1 = (W2.T @ delta2) * (Z1 > 0.0)
            W2 -= lr * (delta2 @ A1.T)
            b2 -= lr * delta2.sum(axis=1, keepdims=True)
            W1 -= lr * (delta1 @ A0.T)
            b1 -= lr * delta1.sum(axis=1, keepdims=True)
        self.accuracy = correct / len(Y[0])
        return total / len(Y[0])


class FitEpochs(Epochs):
    """``fit(engine="matrix")``, one call per round, on the workload's arrays (or lists)."""

    def __init__(self, workload, as_lists=False):
        super().__init__(workload)
        self.model = workload.model()
        self.optimizer = optim.SGD(self.model.parameters(), lr=workload.lr)
        self.X, self.y = ((workload.X.tolist(), workload.y.tolist()) if as_lists
                          else (workload.X, workload.y))

    def run(self, k):
        history = fit(self.model, self.X, self.y, loss="cross_entropy", optimizer=self.optimizer,
                      epochs=self.workload.per_call, batch_size=self.workload.batch, seed=k,
                      verbose=False, engine="matrix")
        return history.history["loss"]


class TorchEpochs(Epochs):
    def __init__(self, workload, torch, dtype):
        super().__init__(workload)
        self.torch = torch
        n_in, (hidden, n_out) = workload.X.shape[1], workload.sizes
        self.net = torch.nn.Sequential(torch.nn.Linear(n_in, hidden), torch.nn.ReLU(),
                                       torch.nn.Linear(hidden, n_out)).to(dtype)
        state = {k: torch.tensor(v, dtype=dtype)
                 for k, v in workload.model().state_dict().items()}
        self.net.load_state_dict(state)   # our MLP's state_dict keys are nn.Sequential's
        self.optimizer = torch.optim.SGD(self.net.parameters(), lr=workload.lr)
        self.X = torch.tensor(workload.X, dtype=dtype)
        self.y = torch.tensor(workload.y)
        self.batch_list = [[[torch.from_numpy(idx) for idx in workload.batches(k, e)]
                            for e in range(workload.per_call)]
                           for k in range(len(workload.orders))]

    def epoch(self, k, e):
        total, torch = 0.0, self.torch
        for idx in self.batch_list[k][e]:
            self.optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(self.net(self.X[idx]), self.y[idx])
            loss.backward()
            self.optimizer.step()
            total += loss.item() * len(idx)
        return total / len(self.X)


class SklearnEpochs(Epochs):
    def __init__(self, workload, neural_network):
        super().__init__(workload)
        self.net = neural_network.MLPClassifier(
            hidden_layer_sizes=tuple(workload.sizes[:-1]), activation="relu", solver="sgd",
            alpha=0.0, batch_size=workload.batch, learning_rate_init=workload.lr,
            momentum=0.0, nesterovs_momentum=False, shuffle=True, random_state=0)
        self.classes = np.arange(workload.sizes[-1])

    def epoch(self, k, e):
        self.net.partial_fit(self.workload.X, self.workload.y, classes=self.classes)
        return self.net.loss_


def import_sklearn():
    """``sklearn.neural_network``, or None after printing how to install scikit-learn."""
    try:
        from sklearn import neural_network
    except ImportError:
        print(SKLEARN_HINT)
        return None
    return neural_network


def spread(numerator, denominator):
    """The median ratio of two interleaved Timings, and the interquartile range of the
    per-round ratios (a slow spell of the machine moves single rounds, not the quartiles)."""
    per_round = sorted(a / b for a, b in zip(numerator.times, denominator.times))
    if len(per_round) < 4:
        return numerator.median / denominator.median, per_round[0], per_round[-1]
    q1, _, q3 = statistics.quantiles(per_round, n=4)
    return numerator.median / denominator.median, q1, q3


def ratio_row(workload, label, ours, reference, reference_name, target, faster):
    """A summary row of two lines' (wall, CPU) Timings: ``faster`` asks reference/ours ≥
    target, else ours/reference ≤ target; judged on wall-clock time, the CPU-time ratio
    beside it."""
    pair = (reference, ours) if faster else (ours, reference)
    value, low, high = spread(pair[0][0], pair[1][0])
    cpu = spread(pair[0][1], pair[1][1])[0]
    met = value >= target if faster else value <= target
    return [f"{workload} {label}", format_seconds(ours[0].median),
            f"{reference_name} {format_seconds(reference[0].median)}", f"{value:.2f}×",
            f"{low:.2f}–{high:.2f}", f"{cpu:.2f}×", f"{'≥' if faster else '≤'} {target:g}×",
            "yes" if met else "NO"]


def timed(runs, rounds, per=1):
    """name -> (wall-clock Timing, CPU-time Timing) per ``per``-th of a call: the lines
    take turns for ``rounds`` rounds on the wall clock, then as many on the CPU clock."""
    def scaled(timings):
        return {name: Timing(tuple(t / per for t in timing.times))
                for name, timing in timings.items()}
    wall = scaled(time_interleaved(runs, rounds))
    cpu = scaled(time_interleaved(runs, rounds, warmup=0, clock=time.process_time))
    return {name: (wall[name], cpu[name]) for name in runs}


def bench_epochs(workload, rounds, torch, sklearn, extra=()):
    """Interleaved epochs of every line; returns (timings, runs)."""
    print(f"\n{workload.title()}")
    runs = {"limit": LeanEpochs(workload), "fit": FitEpochs(workload)}
    for name, run in extra:
        runs[name] = run
    if torch is not None:
        runs["PyTorch f64"] = TorchEpochs(workload, torch, torch.float64)
    if sklearn is not None:
        runs["scikit-learn"] = SklearnEpochs(workload, sklearn)
    timings = timed(runs, rounds, workload.per_call)
    for name, (wall, cpu) in timings.items():
        print(f"   {name:<13} median {format_seconds(wall.median):>8} per epoch, CPU "
              f"{format_seconds(cpu.median):>8}  ({wall}); first epoch's mean loss "
              f"{runs[name].losses[0]:.12f}")
    same = ["limit", "fit"] + [name for name in ("PyTorch f64", "PyTorch f32", "fit, lists")
                               if name in runs]
    drift = max(abs(runs[name].losses[k] - runs["limit"].losses[k])
                for name in same for k in range(len(runs["limit"].losses)))
    print(f"   same batches and weights: max |Δ epoch loss| vs the limit = {drift:.1e} "
          f"({', '.join(same)}; scikit-learn starts from its own weights)")
    return timings, runs


def bench_digits(rounds, single_rounds, scalar_rounds, torch, sklearn):
    X, y = digits()
    X, y = np.array(X), np.array(y)
    workload = Workload("2. digits", X, y, [32, 10], 64, 0.1, 2 * rounds + 1,
                        per_call=DIGITS_PER_CALL)
    extra = [] if torch is None else [("PyTorch f32", TorchEpochs(workload, torch,
                                                                  torch.float32))]
    timings, _ = bench_epochs(workload, rounds, torch, sklearn, extra)
    label = f"fit ({DIGITS_PER_CALL} epochs a call)"
    rows = [ratio_row("digits", f"{label} vs limit", timings["fit"], timings["limit"], "limit",
                      LIMIT_TARGET, faster=False)]
    rows += _reference_rows("digits", timings, DIGITS_TORCH_TARGET, DIGITS_SKLEARN_TARGET,
                            label)
    single = Workload("2b. digits", X, y, [32, 10], 64, 0.1, 2 * single_rounds + 2)
    timings, _ = bench_epochs(single, single_rounds, None, None,
                              [("fit, lists", FitEpochs(single, as_lists=True))])
    rows += [ratio_row("digits", "fit (1 epoch a call) vs limit", timings["fit"],
                       timings["limit"], "limit", LIMIT_TARGET, faster=False),
             ratio_row("digits", "fit (1 epoch a call, lists) vs limit", timings["fit, lists"],
                       timings["limit"], "limit", LIMIT_TARGET, faster=False)[:-2]
             + ["(context)", ""]]
    return rows + bench_scalar(single, scalar_rounds)


def _reference_rows(name, timings, torch_target, sklearn_target, label="fit"):
    rows = []
    for line, target in (("PyTorch f64", torch_target), ("PyTorch f32", None),
                         ("scikit-learn", sklearn_target)):
        if line in timings:
            row = ratio_row(name, f"{label} vs {line}", timings["fit"], timings[line], line,
                            target or 1.0, faster=True)
            rows.append(row if target else row[:-2] + ["(context)", ""])
        elif target:
            rows.append([f"{name} {label} vs {line}", format_seconds(timings["fit"][0].median),
                         f"{line} missing", "-", "-", "-", f"≥ {target:g}×", "skipped"])
    return rows


def bench_scalar(workload, rounds):
    """fit(engine="scalar") against fit(engine="matrix"), taking turns (a scalar epoch is
    seconds long, so only a few rounds)."""
    class ScalarFit(FitEpochs):
        def run(self, k):
            history = fit(self.model, self.X, self.y, loss="cross_entropy",
                          optimizer=self.optimizer, epochs=1, batch_size=self.workload.batch,
                          seed=k, verbose=False, engine="scalar")
            return history.history["loss"]

    lists = (workload.X.tolist(), workload.y.tolist())
    scalar = ScalarFit(workload)
    scalar.X, scalar.y = lists
    timings = timed({"scalar": scalar, "fit": FitEpochs(workload)}, rounds)
    print(f"   fit(engine='scalar') median {format_seconds(timings['scalar'][0].median)} per "
          f"epoch ({timings['scalar'][0]}); first epoch's mean loss {scalar.losses[0]:.12f}")
    return [ratio_row("digits", "fit (1 epoch a call) vs fit(engine='scalar')", timings["fit"],
                      timings["scalar"], "scalar", SCALAR_TARGET, faster=True)]


def bench_mnist_shape(rounds, torch, sklearn):
    rng = np.random.default_rng(0)
    X, y = rng.random((10_000, 784)), rng.integers(0, 10, 10_000)
    workload = Workload("3. MNIST-shaped epoch", X, y, [128, 10], 128, 0.01, 2 * rounds + 1)
    timings, _ = bench_epochs(workload, rounds, torch, sklearn)
    rows = [ratio_row("MNIST-shaped", "fit vs limit", timings["fit"], timings["limit"],
                      "limit", LIMIT_TARGET, faster=False)]
    return rows + _reference_rows("MNIST-shaped", timings, MNIST_TORCH_TARGET, None)


# -- 4. memory of a 60,000 × 784 epoch, one fresh process per measurement --------------------

MEMORY_SHAPE = (60_000, 784)
MEMORY_LINES = {"fit": "fit(engine='matrix') on a float64 array",
                "fit-uint8": "fit(engine='matrix') on uint8 pixels (one float64 copy)",
                "limit": "the lean loop (reference)"}


def _rss_bytes(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise OSError(f"no {field} in /proc/self/status")


def memory_child(what):
    """Run one 60,000 × 784 epoch and print {"baseline", "peak", "x_bytes"} as JSON."""
    workload_sizes, batch, lr = [128, 10], 128, 0.01
    model = MLP(MEMORY_SHAPE[1], workload_sizes, ["relu", "linear"], init="he_uniform", seed=0)
    optimizer = optim.SGD(model.parameters(), lr=lr)
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, MEMORY_SHAPE[0])
    # X is made after the baseline; everything else before it (the lean loop's weights too)
    workload = Workload("memory", np.empty((0, MEMORY_SHAPE[1])), y, workload_sizes, batch,
                        lr, 1)
    lean = LeanEpochs(workload) if what == "limit" else None
    with open("/proc/self/clear_refs", "w") as clear:   # the peak (VmHWM) restarts here
        clear.write("5")
    baseline = _rss_bytes("VmRSS")
    if what == "fit-uint8":
        X = rng.integers(0, 256, MEMORY_SHAPE, dtype=np.uint8)
        x_bytes = X.size * 8   # the float64 array fit makes of it
    else:
        X = rng.random(MEMORY_SHAPE)
        x_bytes = X.nbytes
    if lean is not None:
        workload.X = X
        lean()
    else:
        fit(model, X, y, loss="cross_entropy", optimizer=optimizer, epochs=1, batch_size=batch,
            seed=0, verbose=False, engine="matrix")
    print(json.dumps({"baseline": baseline, "peak": _rss_bytes("VmHWM"), "x_bytes": x_bytes}))


def bench_memory():
    print(f"\n4. peak RSS of one {MEMORY_SHAPE[0]:,} × {MEMORY_SHAPE[1]} epoch (MLP 784-128-10, "
          f"batch 128) above the process's RSS before X was made, each in a fresh process; "
          f"X itself counts (it is made after the baseline)")
    rows = []
    for what, label in MEMORY_LINES.items():
        result = subprocess.run([sys.executable, __file__, "--memory-child", what],
                                capture_output=True, text=True, timeout=1800)
        if result.returncode != 0:
            print(f"   {label}: failed: {result.stderr.strip()[-300:]}")
            rows.append([f"memory, {label}", "failed", "", "", "", "", "", "NO"])
            continue
        m = json.loads(result.stdout.strip().splitlines()[-1])
        above = m["peak"] - m["baseline"]
        ratio = above / m["x_bytes"]
        print(f"   {label:<58} {above / 2**20:7.0f} MiB above the baseline = {ratio:.2f} × "
              f"X as float64 ({m['x_bytes'] / 2**20:.0f} MiB)")
        target = what == "fit"
        rows.append([f"memory, {label}", f"{above / 2**20:.0f} MiB",
                     f"X {m['x_bytes'] / 2**20:.0f} MiB", f"{ratio:.2f}×", "", "",
                     f"≤ {MEMORY_TARGET:g}×" if target else "(context)",
                     ("yes" if ratio <= MEMORY_TARGET else "NO") if target else ""])
    return rows


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--memory-child"]:
        return memory_child(argv[1])
    args = parse_args(__doc__.splitlines()[0], argv)
    demo_steps, demo_fast, digits_rounds, single_rounds, scalar_rounds, mnist_rounds = (
        (2, 5, 2, 3, 1, 1) if args.quick else (10, 200, 20, 40, 3, 8))
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    print(f"OPENBLAS_CORETYPE={coretype}" if coretype else "OPENBLAS_CORETYPE is not set")
    print(f"BLAS threads: OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; "
          f"NumPy {np.__version__}")
    torch, sklearn = import_torch(), import_sklearn()
    if torch is not None:
        torch.set_num_threads(1)
        print(f"PyTorch {torch.__version__} (1 thread)")
    if sklearn is not None:
        import sklearn as sklearn_package

        print(f"scikit-learn {sklearn_package.__version__}")
    rows = bench_demo(demo_steps, demo_fast)
    rows += bench_digits(digits_rounds, single_rounds, scalar_rounds, torch, sklearn)
    rows += bench_mnist_shape(mnist_rounds, torch, sklearn)
    if not args.quick:
        rows += bench_memory()
    print_table("Summary" + (" (--quick: smoke run, numbers are rough)" if args.quick else ""),
                ["workload", "ours", "reference", "ratio", "per-round IQR", "CPU ratio", "target",
                 "met"],
                rows)


if __name__ == "__main__":
    main()
