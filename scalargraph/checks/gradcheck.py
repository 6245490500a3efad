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
from typing import Any

from ..core.graph import Graph, output_of
from ..core.labels import labels
from ..core.node import Node
from ..core.schedule import Schedule
from ..errors import DomainError
from .check import Check, check_node, close, difference_quotient, node_difference, nudge_text, relative_error

__all__ = [
    "Check", "GradcheckResult", "LeafCheck", "central_difference", "close", "difference_quotient",
    "gradcheck", "nudge_text", "relative_error",
]

#: One leaf's row (the same :class:`Check` as the per-node check's).
LeafCheck = Check


class GradcheckResult:
    """Rows of :class:`Check`, one per input and parameter, in graph order."""

    def __init__(self, rows: list[Check], rtol: float) -> None:
        self.rows = rows
        self.rtol = rtol

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def max_rel_error(self) -> float:
        return max((row.rel_error for row in self.rows), default=0.0)

    def __iter__(self) -> Iterator[Check]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: str | int) -> Check:
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


def central_difference(graph: Graph, leaf: Node, eps: float) -> Any:
    """``(f(v + h) - f(v - h)) / 2h`` for one leaf (elementwise for a batch leaf);
    ``h = eps · max(1, |v|)``. No node's value or gradient is written."""
    return node_difference(graph.nodes, graph.nodes.index(leaf), eps)


def gradcheck(output: Node, eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7) -> GradcheckResult:
    """Compare the backward pass with central differences for every input and parameter.

    A leaf is ``ok`` when ``|backward - numeric| <= atol + rtol * max(|backward|, |numeric|)``
    (elementwise for a batch). The backward gradients come from the reverse schedule
    (:meth:`~scalargraph.core.schedule.Schedule.gradients`, the engine's numbers) and
    the numeric ones from re-evaluating the graph into lists of its own: no node's
    value or ``.grad`` is written, so threads may check graphs that share nodes.
    """
    graph = output if isinstance(output, Graph) else Graph(output_of(output, "gradcheck"))
    try:
        analytic = Schedule(graph).gradients()
    except DomainError as err:
        raise DomainError(f"gradcheck: the backward pass at the values given failed: {err}") from None
    where = {n: i for i, n in enumerate(graph.nodes)}
    names = labels(graph)  # the one label every tool shows (input#0, c_2, ...)
    rows = [check_node(graph.nodes, where[leaf], analytic[leaf], name=names[leaf],
                       eps=eps, rtol=rtol, atol=atol, strict=True)
            for leaf in graph.inputs + graph.params]
    return GradcheckResult(rows, rtol)
