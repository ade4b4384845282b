"""micrograd's demo training step through each library's own MLP: ours vs micrograd.

The workload of micrograd's ``demo.ipynb``: an MLP 2-16-16-1 (ReLU hidden,
linear output), 100 two-moons points with labels ±1, hinge loss averaged over
the points plus 1e-4·Σp², then backward and an SGD update.  Both start from the
same weights (``random.seed(1337)`` before each library's ``MLP(2, [16, 16, 1])``)
and run with Python's default garbage-collector settings, as a user would.
The target for ``nn.MLP`` is a step at least 100x faster than micrograd's.

    .venv/bin/python benchmarks/bench_nn.py [--steps-ours 20] [--steps-micrograd 5]

Not a test: timings depend on the machine.  Needs ``micrograd`` (``pip install
backproplab[bench]``).
"""

import argparse
import math
import random
import statistics
import sys
import time

N_POINTS = 100
SIZES = [16, 16, 1]
TARGET = 100.0
"""How many times faster than micrograd an nn.MLP step should be."""
ALPHA = 1e-4
LR = 0.1


def moons(n=N_POINTS, noise=0.1, seed=0):
    """Two interleaving half circles with Gaussian noise; labels −1 (upper) and +1 (lower)."""
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        upper = i < n // 2
        t = math.pi * (i if upper else i - n // 2) / (n // 2 - 1)
        x, y = (math.cos(t), math.sin(t)) if upper else (1 - math.cos(t), 0.5 - math.sin(t))
        xs.append([x + rng.gauss(0, noise), y + rng.gauss(0, noise)])
        ys.append(-1.0 if upper else 1.0)
    return xs, ys


def ours_step_factory(X, Y):
    from nn.layers import MLP
    from nn.losses import hinge
    from nn.optim import SGD
    from nn.regularization import l2_penalty

    random.seed(1337)  # seed=None draws from the global RNG in micrograd's order
    model = MLP(2, SIZES)
    params = model.parameters()
    optimizer = SGD(params, lr=LR)

    def step():
        loss = hinge([model(x) for x in X], Y) + ALPHA * l2_penalty(params)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.data

    return step


def micrograd_step_factory(X, Y):
    from micrograd.engine import Value
    from micrograd.nn import MLP

    random.seed(1337)  # micrograd draws its weights from the global RNG
    model = MLP(2, SIZES)
    params = model.parameters()

    def step():
        scores = [model([Value(a), Value(b)]) for a, b in X]
        hinge = sum((1 + -y * s).relu() for y, s in zip(Y, scores)) * (1.0 / len(X))
        loss = hinge + ALPHA * sum(p * p for p in params)
        model.zero_grad()
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return loss.data

    return step


def time_steps(step, n):
    """Seconds per step for n steps (after one untimed warm-up step), and the losses."""
    losses = [step()]
    times = []
    for _ in range(n):
        start = time.perf_counter()
        losses.append(step())
        times.append(time.perf_counter() - start)
    return times, losses


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps-ours", type=int, default=20)
    parser.add_argument("--steps-micrograd", type=int, default=5)
    args = parser.parse_args(argv)
    X, Y = moons()

    ours, ours_losses = time_steps(ours_step_factory(X, Y), args.steps_ours)
    try:
        micro_step = micrograd_step_factory(X, Y)
    except ImportError:
        print("micrograd is not installed: pip install 'backproplab[bench]'", file=sys.stderr)
        return 1
    micro, micro_losses = time_steps(micro_step, args.steps_micrograd)

    ours_median, micro_median = statistics.median(ours), statistics.median(micro)
    print(f"workload: MLP(2, {SIZES}), {N_POINTS} moons points, hinge + {ALPHA:g}·Σp², "
          f"backward, SGD update; default GC")
    print(f"ours:      {ours_median * 1e3:8.1f} ms/step  (median of {len(ours)}; "
          f"min {min(ours) * 1e3:.1f}, max {max(ours) * 1e3:.1f}); "
          f"loss {ours_losses[0]:.4f} -> {ours_losses[-1]:.4f}")
    print(f"micrograd: {micro_median * 1e3:8.1f} ms/step  (median of {len(micro)}; "
          f"min {min(micro) * 1e3:.1f}, max {max(micro) * 1e3:.1f}); "
          f"loss {micro_losses[0]:.4f} -> {micro_losses[-1]:.4f}")
    ratio = micro_median / ours_median
    print(f"ours is {ratio:.1f}x faster than micrograd "
          f"(target >= {TARGET:g}x: {'met' if ratio >= TARGET else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
