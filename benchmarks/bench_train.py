"""One training step of the moons demo, side by side: batched scalar graph, one sample at a time, micrograd.

The workload: MLP(2, [16, 16, 1]) with relu, mean hinge loss over the 100 points of
``scalargraph.learning.examples.moons_data``, backward, one SGD update; the same weights in
every engine (checked: the three losses agree before anything is timed).

- batched, graph built once: ``Graph.forward`` + ``Graph.backward`` + SGD on numpy batches
  (what the moons demo does);
- batched, rebuilt: the graph built again on the batches each step;
- one sample at a time: a scalar graph of floats for each point, as micrograd builds it;
- micrograd 0.1.0 (the ``bench`` extra): its ``MLP``, ``Value`` and loop.

Run alone: ``python benchmarks/bench_train.py``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

from common import best_of_each, main, row

import scalargraph as sg
from scalargraph import nn
from scalargraph.learning.examples import moons_data

__all__ = ["rows", "steps"]

LR = 0.01  # small: repeated timed steps keep the network where it started


def _scalargraph_steps(points: Any, y: Any) -> dict[str, Callable[[], Any]]:
    model = nn.MLP(2, [16, 16, 1], rng=1)
    optimizer = nn.SGD(model.parameters(), lr=LR)
    x1, x2 = sg.Node(points[:, 0], name="x1"), sg.Node(points[:, 1], name="x2")
    graph = sg.Graph(nn.hinge(model([x1, x2]), y))
    rows_as_floats = [(float(a), float(b)) for a, b in points]

    def batched_once() -> float:
        value = graph.forward()
        graph.backward()
        optimizer.step()
        return value

    def batched_rebuilt() -> float:
        loss = nn.hinge(model([points[:, 0], points[:, 1]]), y)
        loss.backward()
        optimizer.step()
        return loss.value

    def per_sample() -> float:
        loss = nn.hinge([model(list(p)) for p in rows_as_floats], y)
        loss.backward()
        optimizer.step()
        return loss.value

    return {"batched_once": batched_once, "batched_rebuilt": batched_rebuilt,
            "per_sample": per_sample, "_model": lambda: model}


def _micrograd_step(data: Any, y: Any, weights: list[float]) -> Callable[[], float] | None:
    try:
        from micrograd.engine import Value
        from micrograd.nn import MLP
    except ImportError:
        return None
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))  # its topological sort recurses
    model = MLP(2, [16, 16, 1])
    for p, w in zip(model.parameters(), weights, strict=True):
        p.data = w
    samples = [[float(a), float(b)] for a, b in data]
    labels = [float(v) for v in y]

    def step() -> float:
        scores = [model(list(map(Value, p))) for p in samples]
        losses = [(1 + -yi * si).relu() for yi, si in zip(labels, scores)]
        loss = sum(losses) * (1.0 / len(losses))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= LR * p.grad
        return loss.data

    return step


def steps() -> dict[str, Callable[[], float]]:
    """The step functions by name, on identical weights; their first losses are checked equal."""
    X, y = moons_data(100, noise=0.1, seed=1)
    ours = _scalargraph_steps(X, y)
    model = ours.pop("_model")()
    weights = [p.value for p in model.parameters()]
    found = dict(ours)
    mg = _micrograd_step(X, y, weights)
    if mg is not None:
        found["micrograd"] = mg
    # Same workload: evaluate each engine's loss at the same weights before timing.
    first = {}
    for name, step in found.items():
        for p, w in zip(model.parameters(), weights):
            p.value = w
        first[name] = step()
    for p, w in zip(model.parameters(), weights):
        p.value = w
    reference = first["batched_once"]
    for name, value in first.items():
        if not math.isclose(value, reference, rel_tol=1e-9):
            raise AssertionError(f"{name} computes loss {value}, the batched graph {reference}: "
                                 "not the same workload")
    return found


def rows() -> list[dict[str, Any]]:
    found = steps()
    best = best_of_each({name: (step, None) for name, step in found.items()}, repeat=5)
    once, rebuilt, per_sample = best["batched_once"], best["batched_rebuilt"], best["per_sample"]
    micrograd = best.get("micrograd")
    return [
        row("moons step (100 pts, MLP 2-16-16-1): batched graph vs micrograd", once, micrograd,
            "micrograd 0.1.0" if micrograd else "micrograd not installed", "s", "<= 0.02x"),
        row("moons step: one sample at a time vs micrograd", per_sample, micrograd,
            "micrograd 0.1.0" if micrograd else "micrograd not installed", "s", "<= 0.1x"),
        row("moons step: batched graph vs one sample at a time", once, per_sample,
            "scalargraph per sample", "s", ""),
        row("moons step: batched graph built once vs rebuilt each step", once, rebuilt,
            "scalargraph rebuilt", "s", ""),
    ]


if __name__ == "__main__":
    main(rows)
