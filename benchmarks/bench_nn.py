"""micrograd's demo training step through each library's own MLP: ours vs micrograd.

The workload of micrograd's ``demo.ipynb``: an MLP 2-16-16-1 (ReLU hidden,
linear output), 100 two-moons points with labels ±1, hinge loss averaged over
the points plus 1e-4·Σp², then backward and an SGD update.  Both start from the
same weights (``random.seed(1337)`` before each library's ``MLP(2, [16, 16, 1])``)
and run with Python's default garbage-collector settings, as a user would.
The target for ``nn.MLP`` is a step at least 100x faster than micrograd's.

Each library runs in ``--rounds`` fresh processes (3), the two taking turns, so
neither inherits the other's heap or collector state and a slow spell of a shared
machine falls on both; a step's time is the median over the processes of their
mean step (the mean keeps the collector's occasional long passes in).

    .venv/bin/python benchmarks/bench_nn.py [--steps-ours 20] [--steps-micrograd 5] [--rounds 3]

Not a test: timings depend on the machine.  Needs ``micrograd``
(``.venv/bin/pip install micrograd==0.1.0``, part of the ``test`` extra).
"""

import argparse
import json
import math
import random
import statistics
import subprocess
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


FACTORIES = {"ours": ours_step_factory, "micrograd": micrograd_step_factory}


def child(library, steps):
    """In a fresh process: time ``library``'s step; print the seconds and losses as JSON."""
    X, Y = moons()
    times, losses = time_steps(FACTORIES[library](X, Y), steps)
    print(json.dumps({"times": times, "losses": losses}))


def run_in_fresh_process(library, steps):
    out = subprocess.run([sys.executable, __file__, "--child", library, "--steps-ours", str(steps),
                          "--steps-micrograd", str(steps)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps-ours", type=int, default=20)
    parser.add_argument("--steps-micrograd", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=FACTORIES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.steps_ours if args.child == "ours" else args.steps_micrograd)
        return 0
    try:
        import micrograd  # noqa: F401  (only to say what is missing before any timing)
    except ImportError:
        print("micrograd is not installed: .venv/bin/pip install micrograd==0.1.0",
              file=sys.stderr)
        return 1

    steps = {"ours": args.steps_ours, "micrograd": args.steps_micrograd}
    runs = {"ours": [], "micrograd": []}
    for _ in range(args.rounds):
        for library, processes in runs.items():
            processes.append(run_in_fresh_process(library, steps[library]))
    means = {library: [statistics.fmean(p["times"]) for p in processes]
             for library, processes in runs.items()}
    step = {library: statistics.median(m) for library, m in means.items()}

    print(f"workload: MLP(2, {SIZES}), {N_POINTS} moons points, hinge + {ALPHA:g}·Σp², "
          f"backward, SGD update; default GC")
    for library, label in (("ours", "ours:     "), ("micrograd", "micrograd:")):
        losses = runs[library][0]["losses"]
        print(f"{label} {step[library] * 1e3:8.1f} ms/step  (median of {args.rounds} processes' "
              f"mean of {steps[library]} steps: "
              f"{', '.join(f'{m * 1e3:.1f}' for m in means[library])}); "
              f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    ratio = step["micrograd"] / step["ours"]
    print(f"ours is {ratio:.1f}x faster than micrograd "
          f"(target >= {TARGET:g}x: {'met' if ratio >= TARGET else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
