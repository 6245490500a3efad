"""Batched numpy evaluation: the cs231n staged function over 10^6 points, graph vs hand numpy.

f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²), built once as a graph of batch leaves and
re-run with ``Graph.forward(x=..., y=...)`` + ``Graph.backward()``, against the same
formula and its gradient derived by hand (the cs231n staged backward) in plain numpy.

Run alone: ``python benchmarks/bench_numpy.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from common import best_of, main, row

import scalargraph as sg

__all__ = ["by_hand", "forward_by_hand", "graph", "rows"]

POINTS = 10**6


def points(n: int = POINTS) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.uniform(-3, 3, n), rng.uniform(-3, 3, n)


def graph(x: np.ndarray, y: np.ndarray) -> sg.Graph:
    """sum_i f(x_i, y_i) as a scalargraph graph; d sum / d x_i = df/dx at sample i."""
    X, Y = sg.Node(x, name="x"), sg.Node(y, name="y")
    f = (X + sg.sigmoid(Y)) / (sg.sigmoid(X) + (X + Y) ** 2)
    return sg.Graph(sg.sum(f))


def forward_by_hand(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """f and its staged intermediates in numpy, as in the cs231n notes."""
    sigy = 1.0 / (1 + np.exp(-y))
    num = x + sigy
    sigx = 1.0 / (1 + np.exp(-x))
    xpy = x + y
    xpysqr = xpy**2
    den = sigx + xpysqr
    invden = 1.0 / den
    f = num * invden
    return {"sigy": sigy, "num": num, "sigx": sigx, "xpy": xpy, "den": den, "invden": invden, "f": f}


def by_hand(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f, df/dx, df/dy in numpy: the staged forward, then the staged backward."""
    v = forward_by_hand(x, y)
    sigy, num, sigx, xpy, den, invden = v["sigy"], v["num"], v["sigx"], v["xpy"], v["den"], v["invden"]
    dnum = invden
    dinvden = num
    dden = (-1.0 / den**2) * dinvden
    dxpy = (2 * xpy) * dden
    dx = dnum + (1 - sigx) * sigx * dden + dxpy
    dy = (1 - sigy) * sigy * dnum + dxpy
    return v["f"], dx, dy


def _check(g: sg.Graph, x: np.ndarray, y: np.ndarray) -> None:
    g.forward(x=x, y=y)
    grads = g.backward()
    f, dx, dy = by_hand(x, y)
    if not (np.isclose(g.output.value, f.sum(), rtol=1e-9)
            and np.allclose(grads["x"], dx, rtol=1e-9, atol=1e-12)
            and np.allclose(grads["y"], dy, rtol=1e-9, atol=1e-12)):
        raise AssertionError("scalargraph and the hand-written numpy gradient disagree")


def rows() -> list[dict[str, Any]]:
    x, y = points()
    g = graph(x, y)
    _check(g, x, y)

    def ours() -> Any:
        g.forward(x=x, y=y)
        return g.backward()

    ours_fwd = best_of(lambda: g.forward(x=x, y=y))
    hand_fwd = best_of(lambda: forward_by_hand(x, y))
    ours_both = best_of(ours)
    hand_both = best_of(lambda: by_hand(x, y))
    figure = "cs231n staged f(x,y) on 10^6-point numpy batches"
    return [
        row(f"{figure}, forward + backward", ours_both, hand_both, "numpy by hand", "s", "<= 2x"),
        row(f"{figure}, Graph.forward only", ours_fwd, hand_fwd, "numpy by hand", "s", "-"),
    ]


if __name__ == "__main__":
    main(rows)
