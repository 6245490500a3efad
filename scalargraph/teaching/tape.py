"""The Wengert list (the tape) of a graph as a table: one row per node, in evaluation order.

Columns: index, name, op, inputs, value, local derivatives (``∂q/∂x``, one per input,
from the op table evaluated on the graph's values) and gradient (``dq``, the output's
gradient with respect to the row's node): the reverse schedule's edges and gradients
(:class:`scalargraph.Schedule`), the engine's numbers; ``docs/notation.md``.

>>> import scalargraph as sg
>>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
>>> print(tape(((x + y).named("q") * z).named("f")))
index  name  op     inputs  value  local derivatives      gradient
    0  x     input             -2                               -4
    1  y     input              5                               -4
    2  q     add    x, y        3  ∂q/∂x = 1, ∂q/∂y = 1         -4
    3  z     input             -4                                3
    4  f     mul    q, z      -12  ∂f/∂q = -4, ∂f/∂z = 3         1
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from ..core.graph import Graph
from ..core.labels import as_graph, format_number, kind, labels
from ..core.node import Node
from ..core.schedule import Schedule

__all__ = ["Tape", "TapeRow", "tape"]

_HEADER = ("index", "name", "op", "inputs", "value", "local derivatives", "gradient")
_RIGHT = {0, 4, 6}  # numbers are right-aligned


@dataclass(frozen=True)
class TapeRow:
    """One entry of the tape. ``local`` holds ∂node/∂input per input (None for a constant),
    the op's local derivatives; ``grad`` is the output's gradient d(node) (``docs/notation.md``)."""

    index: int
    name: str
    op: str
    inputs: tuple[str, ...]
    value: float
    local: tuple[float | None, ...]
    grad: float | None
    node: Node


class Tape:
    """The rows of a Wengert list; ``str()`` is a text table, ``_repr_html_`` an HTML one."""

    def __init__(self, rows: list[TapeRow], digits: int) -> None:
        self.rows = rows
        self.digits = digits

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> TapeRow:
        return self.rows[i]

    def cells(self) -> list[tuple[str, ...]]:
        """The table as strings, header first."""
        n = self.digits
        table: list[tuple[str, ...]] = [_HEADER]
        for r in self.rows:
            local = ", ".join(f"∂{r.name}/∂{name} = {format_number(d, n)}"
                              for name, d in zip(r.inputs, r.local) if d is not None)
            grad = "" if r.grad is None else format_number(r.grad, n)
            table.append((str(r.index), r.name, r.op, ", ".join(r.inputs),
                          format_number(r.value, n), local, grad))
        return table

    def __str__(self) -> str:
        table = self.cells()
        widths = [max(len(row[c]) for row in table) for c in range(len(_HEADER))]
        lines = []
        for row in table:
            cells = [cell.rjust(w) if c in _RIGHT and row is not table[0] else cell.ljust(w)
                     for c, (cell, w) in enumerate(zip(row, widths))]
            if row is table[0]:
                cells[0] = row[0].ljust(widths[0])
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Tape({len(self.rows)} rows)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))  # IPython and Jupyter's text view show the table itself

    def _repr_html_(self) -> str:
        table = self.cells()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in table[0])
        body = "".join(
            "<tr>" + "".join(
                f'<td style="text-align:{"right" if c in _RIGHT else "left"}">{html.escape(cell)}</td>'
                for c, cell in enumerate(row)) + "</tr>"
            for row in table[1:])
        return f'<table class="sg-tape"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def to_html(self) -> str:
        """The HTML table (what Jupyter shows)."""
        return self._repr_html_()


def tape(f: Any, *, digits: int = 5) -> Tape:
    """The Wengert list of ``f`` (an output Node, a Graph or an example).

    Constants are rows too (they have no gradient). Values and gradients are shown
    with ``digits`` significant digits; each row keeps the full floats. No node's
    value or gradient is written.

    >>> import scalargraph as sg
    >>> x = sg.Node(3.0, name="x")
    >>> t = tape(x * x + 1)
    >>> [(r.name, r.op, r.local, r.grad) for r in t]
    [('x', 'input', (), 6.0), ('mul#1', 'mul', (3.0, 3.0), 1.0), ('1', 'const', (), None), \
('add#3', 'add', (1.0, None), 1.0)]
    """
    graph: Graph = as_graph(f, "tape")
    names = labels(graph)
    schedule = Schedule(graph)
    local = {(edge.consumer, edge.index): float(edge.local) for edge in schedule.edges}
    final = schedule.gradients()
    rows = []
    for i, node in enumerate(graph.nodes):
        rows.append(TapeRow(i, names[node], kind(node), tuple(names[inp] for inp in node.inputs),
                            node.value, tuple(local.get((node, k)) for k in range(len(node.inputs))),
                            final.get(node), node))
    return Tape(rows, digits)
