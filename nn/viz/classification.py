"""How a classifier errs: the confusion matrix and a gallery of misclassified images.

Like :mod:`nn.viz.plots`, each function returns a matplotlib Figure already
released from pyplot (see there), and imports matplotlib only when called.
"""

import math

from .plots import _figure


def confusion_matrix(y_true, y_pred, classes):
    """C[t][p] = how many samples of class t were predicted as p (t, p in 0 … classes − 1)."""
    counts = [[0] * classes for _ in range(classes)]
    if len(y_true) != len(y_pred):
        raise ValueError(f"confusion_matrix: {len(y_true)} labels but {len(y_pred)} "
                         f"predictions")
    for i, (t, p) in enumerate(zip(y_true, y_pred)):
        for what, c in (("label", t), ("prediction", p)):
            if not (isinstance(c, int) and 0 <= c < classes):
                raise ValueError(f"confusion_matrix: {what} {i} is {c!r}, not a class "
                                 f"0 … {classes - 1}")
        counts[t][p] += 1
    return counts


def plot_confusion_matrix(y_true, y_pred, classes, title=None):
    """The confusion matrix as a grid of counts: row = true class, column = predicted,
    the diagonal the correct answers; the title gives the accuracy."""
    counts = confusion_matrix(y_true, y_pred, classes)
    fig, axes = _figure(figsize=(1.2 + 0.5 * classes, 1.0 + 0.5 * classes))
    ax = axes[0][0]
    ax.imshow(counts, cmap="Blues")
    biggest = max(max(row) for row in counts) or 1
    for t, row in enumerate(counts):
        for p, n in enumerate(row):
            if n:
                ax.text(p, t, str(n), ha="center", va="center", fontsize=8,
                        color="white" if n > biggest / 2 else "black")
    ax.set_xticks(range(classes))
    ax.set_yticks(range(classes))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    correct = sum(counts[c][c] for c in range(classes))
    heading = f"accuracy {correct}/{len(y_true)} = {100 * correct / len(y_true):.1f}%"
    ax.set_title(f"{title}\n{heading}" if title else heading, fontsize=9)
    fig.tight_layout()
    return fig


def plot_misclassified(X, y_true, y_pred, shape=(8, 8), limit=24, title=None):
    """Up to ``limit`` misclassified samples drawn as ``shape`` images, each titled
    "true → predicted"; a figure saying so when there are none."""
    wrong = [i for i, (t, p) in enumerate(zip(y_true, y_pred)) if t != p]
    shown = wrong[:limit]
    columns = min(len(shown), 8) or 1
    rows = max(math.ceil(len(shown) / columns), 1)
    fig, axes = _figure(rows, columns, figsize=(1.1 * columns + 0.4, 1.25 * rows + 0.5))
    for ax in (a for row in axes for a in row):
        ax.axis("off")
    height, width = shape
    for ax, i in zip((a for row in axes for a in row), shown):
        pixels = X[i]
        if len(pixels) != height * width:
            raise ValueError(f"plot_misclassified: sample {i} has {len(pixels)} values, not "
                             f"{height}×{width}")
        ax.imshow([pixels[r * width:(r + 1) * width] for r in range(height)], cmap="gray_r")
        ax.set_title(f"{y_true[i]} → {y_pred[i]}", fontsize=8)
    summary = (f"{len(wrong)} of {len(y_true)} misclassified"
               + (f", first {len(shown)} shown" if len(wrong) > len(shown) else "")
               if wrong else f"none of {len(y_true)} misclassified")
    fig.suptitle(f"{title}: {summary}" if title else summary, fontsize=9)
    fig.tight_layout()
    return fig
