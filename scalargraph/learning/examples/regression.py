"""Regression of y = cos(2x + 20x²) + noise with an MLP 1→16→16→1 (tanh), on minibatches.

The graph is built once on a minibatch of named leaves ``x`` and ``t``; each
step feeds a new random minibatch through ``Graph.forward(x=..., t=...)``. The
test loss is the same graph evaluated on a held-out set.
"""

from __future__ import annotations

import time

import numpy as np

from ...core.graph import Graph
from ...core.node import Node
from .. import nn
from .datasets import wave_data, wave_function
from .result import TrainingResult

__all__ = ["regression"]


def regression(n: int = 200, batch_size: int = 50, steps: int = 200, noise: float = 0.1,
               seed: int = 0, plot: bool = True, progress: bool = False,
               domain: tuple[float, float] = (-0.5, 0.5), hidden: tuple[int, ...] = (16, 16),
               lr: float = 0.2) -> TrainingResult:
    """Fit the wave on x in ``domain``; ``result.test_loss`` is the mean squared error on
    200 new points (the noise alone gives ``noise**2``).

    The default domain is [-0.5, 0.5], where the wave has about two periods; the seed
    this example comes from uses [0, 1), where 20x² reaches 20 and the wave has about
    three and a half, which takes a bigger network (``hidden=``) and more ``steps``."""
    low, high = domain
    x, t = wave_data(n, noise=noise, seed=seed, low=low, high=high)
    x_test, t_test = wave_data(200, noise=noise, seed=seed + 1, low=low, high=high)
    model = nn.MLP(1, [*hidden, 1], activation="tanh", rng=seed)
    xs, ts = Node(x[:batch_size], name="x"), Node(t[:batch_size], name="t")
    loss = nn.mse(model([xs]), ts)
    rng = np.random.default_rng(seed)

    def minibatch(step: int) -> dict[str, np.ndarray]:
        rows = rng.choice(n, batch_size, replace=False)
        return {"x": x[rows], "t": t[rows]}

    optimizer = nn.SGD(model.parameters(), lr=lr, momentum=0.9)
    start = time.perf_counter()
    history = nn.fit(loss, steps, optimizer=optimizer, feed=minibatch, progress=progress)
    seconds = time.perf_counter() - start
    graph = Graph(loss)
    test_loss = float(graph.forward(x=x_test, t=t_test))
    result = TrainingResult("regression", model, history, test_loss=test_loss, seconds=seconds,
                            data={"x": x, "t": t, "x_test": x_test, "t_test": t_test})
    if plot:
        result.figure = _figure(model, x, t, history, test_loss)
    return result


def _figure(model: nn.MLP, x: np.ndarray, t: np.ndarray, history: list[float], test_loss: float) -> object:
    from ..plot import plot_loss, subplots

    fig, (left, right) = subplots(2)
    grid = np.linspace(x.min(), x.max(), 400)
    left.plot(x, t, ".", color="0.6", label="training data")
    left.plot(grid, wave_function(grid), "--", color="k", label="cos(2x + 20x²)")
    sizes = "-".join(str(len(layer.neurons)) for layer in model.layers)
    left.plot(grid, model([grid]).value, color="C3", label=f"MLP 1-{sizes}")
    left.set_title(f"fit: test loss (MSE) {test_loss:.4f}")
    left.set_xlabel("x")
    left.legend(loc="best", fontsize="small")
    plot_loss(history, ax=right, label="minibatch MSE")
    right.set_title("loss per step")
    return fig
