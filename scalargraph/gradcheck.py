"""Check the backward pass against central finite differences, leaf by leaf.

>>> import scalargraph as sg
>>> x, y = sg.Node(3.0, name="x"), sg.Node(-4.0, name="y")
>>> result = sg.gradcheck((x + sg.sigmoid(y)) / (sg.sigmoid(x) + (x + y) ** 2))
>>> result.ok, [row.name for row in result]
(True, ['x', 'y'])
>>> round(result["x"].numeric, 6), round(result["x"].analytic, 6)
(2.05957, 2.05957)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .graph import Graph
from .node import Node

__all__ = ["GradcheckResult", "LeafCheck", "central_difference", "gradcheck"]


@dataclass(frozen=True)
class LeafCheck:
    """One leaf: the backward gradient, the central difference and how far apart they are."""

    name: str
    node: Node
    analytic: Any
    numeric: Any
    rel_error: float
    ok: bool


class GradcheckResult:
    """Rows of :class:`LeafCheck`, one per input and parameter, in graph order."""

    def __init__(self, rows: list[LeafCheck], rtol: float) -> None:
        self.rows = rows
        self.rtol = rtol

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def max_rel_error(self) -> float:
        return max((row.rel_error for row in self.rows), default=0.0)

    def __iter__(self) -> Iterator[LeafCheck]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: str | int) -> LeafCheck:
        if isinstance(key, int):
            return self.rows[key]
        for row in self.rows:
            if row.name == key:
                return row
        raise KeyError(f"no leaf named {key!r}; leaves: {', '.join(r.name for r in self.rows)}")

    def __str__(self) -> str:
        lines = [f"{'leaf':<10} {'backward':>14} {'numeric':>14} {'rel. error':>10}  ok"]
        for r in self.rows:
            lines.append(f"{r.name:<10} {_fmt(r.analytic):>14} {_fmt(r.numeric):>14} "
                         f"{r.rel_error:>10.2e}  {'yes' if r.ok else 'NO'}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"GradcheckResult(ok={self.ok}, max_rel_error={self.max_rel_error:.2e}, leaves={len(self)})"


def _fmt(v: Any) -> str:
    return f"{v:.8g}" if isinstance(v, float) else "batch"


def relative_error(a: Any, b: Any) -> float:
    """``|a - b| / max(|a|, |b|, 1e-12)``, the largest over a batch.

    >>> relative_error(2.0, 2.0), relative_error(1.0, 0.5)
    (0.0, 0.5)
    """
    import numpy as np

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12)
    return float(np.max(np.abs(a - b) / scale))


def central_difference(graph: Graph, leaf: Node, eps: float) -> Any:
    """``(f(v + h) - f(v - h)) / 2h`` for one leaf (elementwise for a batch leaf);
    ``h = eps · max(1, |v|)``. The leaf's value is restored afterwards."""
    import numpy as np

    original = leaf.value
    if original.__class__ is float:
        return _difference(graph, leaf, original, lambda v: v, eps)
    grad = np.zeros_like(original)
    for index in np.ndindex(original.shape):
        def place(v: float, index: tuple[int, ...] = index) -> Any:
            changed = original.copy()
            changed[index] = v
            return changed
        grad[index] = _difference(graph, leaf, float(original[index]), place, eps)
    return grad


def _difference(graph: Graph, leaf: Node, v: float, place: Any, eps: float) -> float:
    import numpy as np

    h = eps * max(1.0, abs(v))
    original = leaf.value
    try:
        leaf.value = place(v + h)
        up = float(np.sum(graph.forward()))
        leaf.value = place(v - h)
        down = float(np.sum(graph.forward()))
    finally:
        leaf.value = original
        graph.forward()
    return (up - down) / (2 * h)


def gradcheck(output: Node, eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7) -> GradcheckResult:
    """Compare ``output.backward()`` with central differences for every input and parameter.

    A leaf is ``ok`` when ``|backward - numeric| <= atol + rtol * max(|backward|, |numeric|)``
    (elementwise for a batch). Values are restored afterwards and each leaf's
    ``grad`` holds the backward gradient.
    """
    import numpy as np

    graph = Graph(output)
    graph.backward()
    analytic = [leaf.grad for leaf in graph.inputs + graph.params]
    numeric = [central_difference(graph, leaf, eps) for leaf in graph.inputs + graph.params]
    graph.backward()  # forward() cleared the gradients; the values are the original ones again
    rows = []
    for i, (leaf, a, n) in enumerate(zip(graph.inputs + graph.params, analytic, numeric)):
        ok = bool(np.all(np.abs(np.subtract(a, n)) <= atol + rtol * np.maximum(np.abs(a), np.abs(n))))
        rows.append(LeafCheck(leaf.name or f"leaf{i}", leaf, a, n, relative_error(a, n), ok))
    return GradcheckResult(rows, rtol)
