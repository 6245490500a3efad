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

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..core.graph import Graph
from ..core.node import Node
from ..errors import DomainError

__all__ = [
    "GradcheckResult", "LeafCheck", "central_difference", "close", "difference_quotient", "gradcheck",
    "nudge_text", "relative_error",
]


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


def close(a: Any, b: Any, rtol: float, atol: float) -> bool:
    """``|a - b| <= atol + rtol · max(|a|, |b|)``, for every sample of a batch.

    >>> close(2.0, 2.0 + 1e-9, 1e-5, 1e-7), close(1.0, 0.5, 1e-5, 1e-7)
    (True, False)
    """
    import numpy as np

    return bool(np.all(np.abs(np.subtract(a, b)) <= atol + rtol * np.maximum(np.abs(a), np.abs(b))))


def difference_quotient(value: Any, output_at: Callable[[Any], float], eps: float) -> Any:
    """``(f(v + h) - f(v - h)) / 2h`` with ``h = eps · max(1, |v|)``, where ``output_at(v)``
    is the output with one node's value set to ``v``; elementwise for a batch ``value``
    (one sample nudged at a time). Restoring the node is the caller's business.

    >>> round(difference_quotient(3.0, lambda v: v * v, 1e-6), 6)   # d(v²)/dv = 2v = 6
    6.0
    """
    import numpy as np

    def quotient(v: float, at: Callable[[float], float]) -> float:
        h = eps * max(1.0, abs(v))
        return (at(v + h) - at(v - h)) / (2 * h)

    if value.__class__ is float:
        return quotient(value, output_at)
    grad = np.zeros_like(value)
    for index in np.ndindex(value.shape):
        def at(v: float, index: tuple[int, ...] = index) -> float:
            changed = value.copy()
            changed[index] = v
            return output_at(changed)
        grad[index] = quotient(float(value[index]), at)
    return grad


def central_difference(graph: Graph, leaf: Node, eps: float, check: str = "gradcheck") -> Any:
    """``(f(v + h) - f(v - h)) / 2h`` for one leaf (elementwise for a batch leaf);
    ``h = eps · max(1, |v|)``. The leaf's value is restored afterwards. A nudged value
    outside an op's domain raises a DomainError that says so (``check`` names the caller)."""
    import numpy as np

    original = leaf.value

    def output_at(value: Any) -> float:
        leaf.value = value
        try:
            return float(np.sum(graph.forward()))
        except DomainError as err:
            raise DomainError(f"{check}: the central difference for {leaf.name or 'a leaf'!r} moved it "
                              f"{nudge_text(original, value)}, and there: {err}") from None

    try:
        return difference_quotient(original, output_at, eps)
    finally:
        leaf.value = original
        graph.forward()


def nudge_text(original: Any, value: Any) -> str:
    """Where a check moved a value: ``from 0.0 to 1e-06`` (for a batch: which sample).

    >>> import numpy as np
    >>> nudge_text(2.0, 2.000002), nudge_text(np.zeros(3), np.array([0.0, 1e-6, 0.0]))
    ('from 2.0 to 2.000002', 'at sample 1 from 0.0 to 1e-06')
    """
    import numpy as np

    if original.__class__ is float:
        return f"from {original!r} to {value!r}"
    i = int(np.flatnonzero(np.asarray(value) != original)[0])
    return f"at sample {i} from {float(original[i])!r} to {float(value[i])!r}"


def gradcheck(output: Node, eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7) -> GradcheckResult:
    """Compare ``output.backward()`` with central differences for every input and parameter.

    A leaf is ``ok`` when ``|backward - numeric| <= atol + rtol * max(|backward|, |numeric|)``
    (elementwise for a batch). The graph is left exactly as it was, values and
    gradients (the backward gradients are in the result rows), also on an error or an
    interrupt; an error from a nudged value says which leaf was moved where.
    """

    users = Graph(output)
    graph = Graph(copy.deepcopy(output))  # the checks run on a copy: the user's graph is never touched
    try:
        graph.backward()
    except DomainError as err:
        raise DomainError(f"gradcheck: the backward pass at the values given failed: {err}") from None
    analytic = [leaf.grad for leaf in graph.inputs + graph.params]
    numeric = [central_difference(graph, leaf, eps) for leaf in graph.inputs + graph.params]
    rows = []
    for i, (leaf, a, n) in enumerate(zip(users.inputs + users.params, analytic, numeric)):
        ok = close(a, n, rtol, atol)
        rows.append(LeafCheck(leaf.name or f"leaf{i}", leaf, a, n, relative_error(a, n), ok))
    return GradcheckResult(rows, rtol)
