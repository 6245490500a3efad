"""The cs231n spiral: three classes, an MLP(2, [32, 3]) with ReLU and softmax cross-entropy.

The cs231n case study trains a 100-unit two-layer net in numpy; here the same
kind of net is a scalar graph evaluated on all 300 points as one batch, with
SGD + momentum and L2 weight decay.
"""

from __future__ import annotations

import time

import numpy as np

from ...core.node import Node
from .. import nn
from .datasets import spiral_data
from .result import TrainingResult

__all__ = ["spiral"]


def spiral(n_per_class: int = 100, hidden: int = 32, steps: int = 200, seed: int = 0,
                plot: bool = True, progress: bool = False) -> TrainingResult:
    """Train the three-class spiral classifier; ``result.accuracy`` is the training accuracy."""
    X, y = spiral_data(n_per_class, classes=3, seed=seed)
    model = nn.MLP(2, [hidden, 3], activation="relu", rng=seed)
    logits = model([Node(X[:, 0], name="x1"), Node(X[:, 1], name="x2")])
    loss = nn.softmax_cross_entropy(logits, y)
    optimizer = nn.SGD(model.parameters(), lr=0.5, momentum=0.9, weight_decay=1e-3)
    start = time.perf_counter()
    history = nn.fit(loss, steps, optimizer=optimizer, progress=progress)
    seconds = time.perf_counter() - start
    predicted = np.argmax(np.stack([z.value for z in logits]), axis=0)
    accuracy = float(np.mean(predicted == y))
    result = TrainingResult("spiral", model, history, accuracy=accuracy, seconds=seconds,
                            data={"X": X, "y": y})
    if plot:
        from ..plot import plot_decision_boundary, plot_loss, subplots

        fig, (left, right) = subplots(2)
        plot_decision_boundary(model, X, y, ax=left, margin=0.2)
        left.set_title(f"spiral, MLP 2-{hidden}-3: training accuracy {100 * accuracy:.1f}%")
        plot_loss(history, ax=right, label="softmax cross-entropy")
        right.set_title("loss per step")
        result.figure = fig
    return result
