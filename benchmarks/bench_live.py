"""What live training costs: ``fit(..., live=True)`` against the same ``fit`` without it.

The workload is micrograd's demo (MLP 2-16-16-1, ReLU hidden, 100 two-moons
points, hinge loss, full batch), trained with the same seed with and without a
:class:`nn.viz.explorer.LiveTraining` callback; runs alternate so both see the same
machine load.  The diagram's layout and frame 0 come before training starts (shown
on a line of their own); after that a frame is drawn only while drawing stays within
the budget (10 %) of the time training has run, so fit's ratio should stay near 1.1
plus one last frame.  A second pair of lines shows the cost of one frame and what
drawing every epoch would have cost.

    .venv/bin/python benchmarks/bench_live.py [--quick]

Not a test: timings depend on the machine.  Needs anywidget (backproplab[explorer]).
"""

import time

from _common import demo_moons, format_seconds, parse_args

from nn.layers import MLP
from nn.optim import SGD
from nn.train import fit
from nn.viz.explorer import LiveTraining


def train(X, y, epochs, live):
    model = MLP(2, [16, 16, 1], activations=["relu", "relu", "linear"], seed=1337)
    t0 = time.perf_counter()
    fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=0.05), epochs=epochs,
        shuffle=False, verbose=False, live=live)
    return time.perf_counter() - t0


def main(argv=None):
    args = parse_args(__doc__.splitlines()[0], argv)
    epochs, repeats = (3, 1) if args.quick else (12, 3)
    X, y = demo_moons()
    plain, live_times, frames, drawing, layout, gaps = [], [], [], [], [], []
    train(X, y, 1, False)   # warm-up: imports, first allocations
    for _ in range(repeats):
        plain.append(train(X, y, epochs, False))
        live = LiveTraining(X, y, display=False)
        live_times.append(train(X, y, epochs, live))
        frames.append(live.frames - 1)   # frame 0 is part of the setup
        drawing.append(live.drawing_seconds)
        layout.append(live.layout_seconds)
        ends = [0.0] + live.frame_ends
        gaps.append(max(b - a for a, b in zip(ends, ends[1:])))
    per_frame = sum(drawing) / sum(frames)
    mean = lambda xs: sum(xs) / len(xs)
    print(f"workload: MLP 2-16-16-1 on {len(X)} points, {epochs} full-batch epochs, "
          f"{repeats} interleaved runs each")
    print(f"fit without live:        {format_seconds(mean(plain))} per run")
    print(f"fit with live=True:      {format_seconds(mean(live_times))} per run "
          f"({mean(frames):.1f} frames of {epochs + 1} possible, budget 10%; the longest "
          f"time between two frames {format_seconds(max(gaps))})")
    print(f"live / plain ratio:      {mean(live_times) / mean(plain):.3f}")
    print(f"before training: the diagram's layout and frame 0, {format_seconds(mean(layout))}")
    print(f"mean frame (loss curve, 24×24 boundary): "
          f"{format_seconds(per_frame)}; "
          f"drawing every epoch would cost "
          f"{(per_frame * (epochs + 1) + mean(plain)) / mean(plain):.2f}× plain")


if __name__ == "__main__":
    main()
