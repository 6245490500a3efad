"""What every tool calls a node, and the graph a tool is given; a plain-text table of values and gradients.

>>> import scalargraph as sg
>>> x, y = sg.Node(2.0, name="x"), sg.Node(3.0, name="y")
>>> g = sg.Graph((x * y).named("f"))
>>> _ = g.backward()
>>> print(value_table(g))
node  op    value  gradient
x     input     2         3
y     input     3         2
f     mul       6         1
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError, OperandTypeError
from .graph import Graph
from .node import Constant, Node, Param

__all__ = ["DIGITS", "as_graph", "format_number", "kind", "label", "labels", "value_table"]

#: Significant digits shown by default in diagrams, steps, the player, quizzes and tapes
#: (one default for every picture and text of the same graph).
DIGITS = 5


def kind(node: Node) -> str:
    """``input``, ``param``, ``const`` or the op's name."""
    if node.op is not None:
        return node.op.name
    if isinstance(node, Param):
        return "param"
    return "const" if isinstance(node, Constant) else "input"


def format_number(value: Any, digits: int = 17) -> str:
    """A float with up to ``digits`` significant digits (the shortest exact form by
    default); ``not computed`` for None; a short summary for a batch.

    Zero is written ``0``, never ``-0`` (a product like ``-4 · 0.0`` gives -0.0).

    >>> format_number(2.0595697955721652), format_number(None), format_number(1/3, 4)
    ('2.0595697955721652', 'not computed', '0.3333')
    >>> format_number(-0.0), format_number(-1e-30, 4)
    ('0', '-1e-30')
    """
    if value is None:
        return "not computed"
    if value.__class__ is float:
        if value == 0.0:
            value = 0.0  # drops the sign of -0.0
        return repr(value) .removesuffix(".0") if digits >= 17 else f"{value:.{digits}g}"
    import numpy as np

    arr = np.asarray(value)
    return f"batch{arr.shape} mean {arr.mean() + 0.0:.{min(digits, 6)}g}"  # + 0.0: no -0


def label(node: Node, position: int) -> str:
    """A readable name: the node's own, a constant's value, or ``op#position``."""
    if node.name:
        return node.name
    if isinstance(node, Constant):
        return format_number(node.value, 6)
    return f"{kind(node)}#{position}"


def as_graph(f: Any, what: str = "steps") -> Graph:
    """A :class:`Graph` from an output Node, a Graph or an example (``.output``).

    Every node must hold one float (not a batch of samples).

    >>> import scalargraph as sg
    >>> as_graph(sg.Node(2.0) * 3).output.value
    6.0
    >>> as_graph("f")
    Traceback (most recent call last):
    ...
    scalargraph.errors.OperandTypeError: steps() needs the output Node, a Graph or an example, got str 'f'
    """
    output = getattr(f, "output", None)
    graph = f if isinstance(f, Graph) else Graph(output) if isinstance(output, Node) else None
    if graph is None:
        if not isinstance(f, Node):
            raise OperandTypeError(
                f"{what}() needs the output Node, a Graph or an example, got {type(f).__name__} {f!r}"
            )
        graph = Graph(f)
    for i, node in enumerate(graph.nodes):
        if node.value.__class__ is not float:
            raise InputError(
                f"{what}() shows one number per node, but {label(node, i)} holds a batch of "
                "samples: build the graph with float values (one sample), e.g. "
                "g.forward(x=float(xs[0]))"
            )
    return graph


def labels(graph: Graph) -> dict[Node, str]:
    """The name shown for every node: its own name, a constant's value, or ``op#position``.

    >>> import scalargraph as sg
    >>> x = sg.Node(2.0, name="x")
    >>> list(labels(sg.Graph(x * 3 + x)).values())
    ['x', '3', 'mul#2', 'add#3']
    """
    return {node: label(node, i) for i, node in enumerate(graph.nodes)}


def value_table(graph: Graph, digits: int = 17) -> str:
    """One row per non-constant node in topological order: name, op, value, gradient."""
    rows = [("node", "op", "value", "gradient")]
    for i, node in enumerate(graph.nodes):
        if isinstance(node, Constant):
            continue
        rows.append((label(node, i), kind(node), format_number(node.value, digits),
                     format_number(node.grad, digits)))
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    lines = []
    for r in rows:
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].rjust(widths[2]), r[3].rjust(widths[3])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
