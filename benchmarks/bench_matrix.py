"""Matrix engine benchmark: nn.matrix against the scalar nn.MLP step and against PyTorch.

1. micrograd's demo step (MLP 2-16-16-1, ReLU hidden, linear output, 100 two-moons
   points, hinge loss + 1e-4·Σθ², backward, SGD lr 0.1) through the scalar
   ``nn.MLP`` graph and through ``nn.matrix`` (the same model, full batch).
2. One epoch of the 8×8 digits (all 1,797 samples) at batch size 64: MLP 64-32-10,
   ReLU hidden, linear logits, cross-entropy, Adam lr 0.01; the same shuffled batches
   for every engine.  The scalar engine runs ``fit(..., engine="scalar")``; the matrix
   engine its training loop on data converted once (``MatrixTrainer``), and, for
   context, ``fit(..., engine="matrix")`` with its per-call set-up; PyTorch CPU
   float64 (``torch.nn.Sequential`` of Linear and ReLU, ``torch.optim.Adam``) the
   same loop on tensors made once.

Every engine starts from the same weights; the losses printed show they compute the
same thing.  Run: ``.venv/bin/python benchmarks/bench_matrix.py [--quick]``.
On some processors OPENBLAS_CORETYPE is set in the environment (see the README's
speed section); it changes NumPy's and PyTorch's matrix kernels, so note it with
the figures.
"""

import os
import random

from _common import demo_moons, format_seconds, import_torch, parse_args, print_table, time_runs

from nn import optim
from nn.data import batches, digits
from nn.layers import MLP
from nn.losses import hinge
from nn.matrix.trainer import MatrixTrainer
from nn.regularization import l2_penalty
from nn.train import fit

DEMO_SIZES, DEMO_L2, DEMO_LR = [16, 16, 1], 1e-4, 0.1
DIGITS_SIZES, DIGITS_LR, BATCH = [32, 10], 0.01, 64
DEMO_TARGET = 50.0     # matrix step at least this many times faster than the scalar step
EPOCH_TARGET = 100.0   # matrix digits epoch at least this many times faster than scalar
TORCH_TARGET = 1.0     # and at least as fast as PyTorch


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
        self.trainer.load()
        self.everything = list(range(len(X)))
        self.losses = []

    def __call__(self):
        self.losses.append(self.trainer.step(self.everything)[0])


def bench_demo(steps_scalar, steps_fast):
    X, y = demo_moons()
    print(f"\n1. micrograd demo step: MLP 2-{'-'.join(map(str, DEMO_SIZES))}, {len(X)} moons "
          f"points, hinge + {DEMO_L2:g}·Σθ², backward, SGD; each after 1 warm-up step")
    runs = {"scalar": ScalarDemo(X, y), "matrix": MatrixDemo(X, y)}
    timings = {"scalar": time_runs(runs["scalar"], steps_scalar),
               "matrix": time_runs(runs["matrix"], steps_fast)}
    drift = max(abs(a - b) for a, b in zip(runs["scalar"].losses, runs["matrix"].losses))
    ratio = timings["scalar"].mean / timings["matrix"].mean
    for name, timing in timings.items():
        print(f"   {name:<8} {timing} per step")
    print(f"   scalar / matrix = {ratio:.1f}×   (same losses: max |Δloss| = {drift:.1e})")
    return [["demo step", format_seconds(timings["matrix"].mean),
             f"scalar {format_seconds(timings['scalar'].mean)}", f"{ratio:.1f}×",
             f"≥ {DEMO_TARGET:g}×", "yes" if ratio >= DEMO_TARGET else "NO"]]


# -- 2. a digits epoch ----------------------------------------------------------------------

def digits_model():
    return MLP(64, DIGITS_SIZES, ["relu", "linear"], init="he_uniform", seed=0)


def epoch_orders(n, epochs):
    """The index batches of ``epochs`` epochs, shuffled as fit shuffles them (seed 0)."""
    rng = random.Random(0)
    return [[idx for idx, _ in batches(range(n), range(n), BATCH, seed=rng)]
            for _ in range(epochs)]


class ScalarEpoch:
    def __init__(self, X, y):
        self.model, self.X, self.y = digits_model(), X, y
        self.optimizer = optim.Adam(self.model.parameters(), lr=DIGITS_LR)
        self.losses = []

    def __call__(self):
        history = fit(self.model, self.X, self.y, loss="cross_entropy", optimizer=self.optimizer,
                      epochs=1, batch_size=BATCH, seed=len(self.losses), verbose=False)
        self.losses.append(history.history["loss"][-1])


class MatrixFitEpoch(ScalarEpoch):
    def __call__(self):
        history = fit(self.model, self.X, self.y, loss="cross_entropy", optimizer=self.optimizer,
                      epochs=1, batch_size=BATCH, seed=len(self.losses), verbose=False,
                      engine="matrix")
        self.losses.append(history.history["loss"][-1])


class MatrixEpoch:
    def __init__(self, X, y, orders):
        model = digits_model()
        self.trainer = MatrixTrainer(model, X, y, "cross_entropy",
                                     optim.Adam(model.parameters(), lr=DIGITS_LR))
        self.orders, self.losses = iter(orders), []

    def __call__(self):
        self.trainer.load()
        total = sum(self.trainer.step(idx)[0] * len(idx) for idx in next(self.orders))
        self.trainer.store()
        self.losses.append(total / len(self.trainer.X))


class TorchEpoch:
    def __init__(self, torch, X, y, orders):
        self.torch = torch
        layers = [torch.nn.Linear(64, DIGITS_SIZES[0]), torch.nn.ReLU(),
                  torch.nn.Linear(*DIGITS_SIZES)]
        self.net = torch.nn.Sequential(*layers).double()
        state = {k: torch.tensor(v, dtype=torch.float64)
                 for k, v in digits_model().state_dict().items()}
        self.net.load_state_dict(state)   # our MLP's state_dict keys are nn.Sequential's
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=DIGITS_LR)
        self.X = torch.tensor(X, dtype=torch.float64)
        self.y = torch.tensor(y)
        self.orders = iter([[torch.tensor(idx) for idx in epoch] for epoch in orders])
        self.losses = []

    def __call__(self):
        total, torch = 0.0, self.torch
        for idx in next(self.orders):
            self.optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(self.net(self.X[idx]), self.y[idx])
            loss.backward()
            self.optimizer.step()
            total += loss.item() * len(idx)
        self.losses.append(total / len(self.X))


def bench_digits(epochs_scalar, epochs_fast):
    X, y = digits()
    n_fast = epochs_fast + 1   # + the warm-up epoch
    orders = epoch_orders(len(X), n_fast)
    print(f"\n2. digits epoch: MLP 64-{'-'.join(map(str, DIGITS_SIZES))}, {len(X)} samples, "
          f"batch {BATCH}, cross-entropy, Adam lr {DIGITS_LR:g}")
    scalar = ScalarEpoch(X, y)
    timing = {"scalar": time_runs(scalar, epochs_scalar)}
    matrix = MatrixEpoch(X, y, orders)
    timing["matrix"] = time_runs(matrix, epochs_fast)
    timing["matrix fit()"] = time_runs(MatrixFitEpoch(X, y), epochs_fast)
    for name, t in timing.items():
        print(f"   {name:<13} {t} per epoch")
    ratio = timing["scalar"].mean / timing["matrix"].mean
    print(f"   scalar / matrix = {ratio:.1f}×   (first epoch, same batches: mean loss scalar "
          f"{scalar.losses[0]:.12f}, matrix {matrix.losses[0]:.12f})")
    rows = [["digits epoch vs scalar", format_seconds(timing["matrix"].mean),
             f"scalar {format_seconds(timing['scalar'].mean)}", f"{ratio:.1f}×",
             f"≥ {EPOCH_TARGET:g}×", "yes" if ratio >= EPOCH_TARGET else "NO"]]
    torch = import_torch()
    if torch is None:
        return rows + [["digits epoch vs PyTorch", format_seconds(timing["matrix"].mean),
                        "PyTorch missing", "-", f"≥ {TORCH_TARGET:g}×", "skipped"]]
    torch.set_num_threads(1)
    theirs = TorchEpoch(torch, X, y, orders)
    timing["torch"] = time_runs(theirs, epochs_fast)
    drift = max(abs(a - b) for a, b in zip(matrix.losses, theirs.losses))
    torch_ratio = timing["torch"].mean / timing["matrix"].mean
    print(f"   PyTorch       {timing['torch']} per epoch (torch {torch.__version__}, float64, "
          f"1 thread)")
    print(f"   PyTorch / matrix = {torch_ratio:.2f}×   (same batches: max |Δ epoch loss| = "
          f"{drift:.1e})")
    return rows + [["digits epoch vs PyTorch", format_seconds(timing["matrix"].mean),
                    f"PyTorch {format_seconds(timing['torch'].mean)}", f"{torch_ratio:.2f}×",
                    f"≥ {TORCH_TARGET:g}×", "yes" if torch_ratio >= TORCH_TARGET else "NO"]]


def main(argv=None):
    args = parse_args(__doc__.splitlines()[0], argv)
    scalar_steps, fast_steps, scalar_epochs, fast_epochs = ((2, 5, 1, 3) if args.quick
                                                            else (10, 200, 3, 30))
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    print(f"OPENBLAS_CORETYPE={coretype}" if coretype else "OPENBLAS_CORETYPE is not set")
    rows = bench_demo(scalar_steps, fast_steps) + bench_digits(scalar_epochs, fast_epochs)
    print_table("Summary" + (" (--quick: smoke run, numbers are rough)" if args.quick else ""),
                ["workload", "matrix", "reference", "speed-up", "target", "met"], rows)


if __name__ == "__main__":
    main()
