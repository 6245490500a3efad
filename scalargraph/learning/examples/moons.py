"""Two moons: an MLP(2, [16, 16, 1]) with hinge loss, trained on the whole data set as one batch.

The recipe of micrograd's demo: labels ±1, hinge loss, L2 weight decay, SGD with
the rate decaying from 1.0 to 0.1. The graph is built once; each step re-runs
``Graph.forward`` and ``Graph.backward`` on all samples at once.
"""

from __future__ import annotations

import time

import numpy as np

from ...core.node import Node
from .. import nn
from .datasets import moons_data
from .result import TrainingResult

__all__ = ["moons"]


def moons(n: int = 100, steps: int = 100, seed: int = 1, plot: bool = True,
          progress: bool = False) -> TrainingResult:
    """Train the moons classifier; ``result.accuracy`` is the training accuracy."""
    X, y = moons_data(n, noise=0.1, seed=seed)
    model = nn.MLP(2, [16, 16, 1], activation="relu", rng=seed)
    x1, x2 = Node(X[:, 0], name="x1"), Node(X[:, 1], name="x2")
    scores = model([x1, x2])
    loss = nn.hinge(scores, y)
    optimizer = nn.SGD(model.parameters(), weight_decay=2e-4)
    start = time.perf_counter()
    history = nn.fit(loss, steps, lr=lambda k: 1.0 - 0.9 * k / steps, optimizer=optimizer,
                     progress=progress)
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(np.sign(scores.value) == y))
    result = TrainingResult("moons", model, history, accuracy=accuracy, seconds=seconds,
                            data={"X": X, "y": y})
    if plot:
        result.figure = _figure(model, X, y, history, accuracy)
    return result


def _figure(model: nn.MLP, points: np.ndarray, y: np.ndarray, history: list[float],
            accuracy: float) -> object:
    from ..plot import plot_decision_boundary, plot_loss, subplots

    fig, (left, right) = subplots(2)
    plot_decision_boundary(model, points, y, ax=left)
    left.set_title(f"two moons, MLP 2-16-16-1: training accuracy {100 * accuracy:.0f}%")
    plot_loss(history, ax=right, label="hinge loss")
    right.set_title("loss per step")
    return fig
