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

import sys
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import InputError
from .graph import Graph, output_of, refresh
from .node import Constant, Node, is_param
from .ops import derivative_templates

__all__ = ["DIGITS", "as_graph", "format_number", "gradient_names", "kind", "label", "labels",
           "local_templates", "shared_names", "value_table"]

#: Significant digits shown by default in diagrams, steps, the player, quizzes and tapes
#: (one default for every picture and text of the same graph).
DIGITS = 5


def kind(node: Node) -> str:
    """``input``, ``param``, ``const`` or the op's name."""
    if node.op is not None:
        return node.op.name
    if is_param(node):
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
    graph = f if isinstance(f, Graph) else Graph(output_of(f, what))
    refresh(graph.nodes)  # values assigned since the graph was computed: re-evaluate first
    for i, node in enumerate(graph.nodes):
        if node.value.__class__ is not float:
            raise InputError(
                f"{what}() shows one number per node, but {label(node, i)} holds a batch of "
                "samples: build the graph with float values (one sample), e.g. "
                "g.forward(x=float(xs[0]))"
            )
    return graph


def labels(graph: Graph | Sequence[Node], *, warn: bool = True) -> dict[Node, str]:
    """The name shown for every node, distinct for every node but the constants.

    A node's own name, a constant's value, or ``op#position``. Where several nodes
    share a name, the first leaf (or else the first node in topological order)
    keeps it and the others become ``name_2``, ``name_3`` ... (skipping labels
    already taken), with a warning. Every tool that shows a name (steps, player,
    quiz, tape, staged code, diagrams, the command line) uses these labels.

    >>> import scalargraph as sg
    >>> x = sg.Node(2.0, name="x")
    >>> list(labels(sg.Graph(x * 3 + x)).values())
    ['x', '3', 'mul#2', 'add#3']
    >>> c = sg.Node(1.0, name="c")
    >>> c2 = (c + c + 1).named("c")
    >>> list(labels(sg.Graph(c2 * 2), warn=False).values())
    ['c', 'add#1', '1', 'c_2', '2', 'mul#5']
    """
    nodes = graph.nodes if isinstance(graph, Graph) else graph
    shown = {node: label(node, i) for i, node in enumerate(nodes)}
    shared = shared_names(nodes)
    if not shared:
        return shown
    taken = set(shown.values())
    for name, nodes in shared.items():
        for n, node in enumerate(nodes[1:], start=2):
            text = f"{name}_{n}"
            while text in taken:
                n += 1
                text = f"{name}_{n}"
            taken.add(text)
            shown[node] = text
    if warn:
        listed = "; ".join(
            f"{len(nodes)} nodes are named {name!r}, shown as " + ", ".join(shown[n] for n in nodes)
            for name, nodes in shared.items())
        warnings.warn(f"{listed}. Give each node its own name (node.named(...)) to choose "
                      "the labels yourself", UserWarning, stacklevel=_caller_level())
    return shown


def gradient_names(names: Mapping[Node, str]) -> dict[Node, str]:
    """The symbol of each node's gradient (the adjoint ∂f/∂v of the output f), from its label.

    The notation of every tool (``docs/notation.md``): ``dv`` is the gradient of the
    output with respect to v, summed over every path (``v.grad``), as in the cs231n
    notes' code; ``∂q/∂v`` is only ever the local derivative of the op q with respect
    to its input v. A label that is not a plain name, or whose ``d`` + label is
    another node's label, gets parentheses: ``d(mul#2)``, ``d(x)`` beside a node ``dx``.

    >>> x, m, dx = Node(1.0), Node(2.0), Node(3.0)
    >>> list(gradient_names({x: "x", m: "mul#2"}).values())
    ['dx', 'd(mul#2)']
    >>> list(gradient_names({x: "x", dx: "dx"}).values())
    ['d(x)', 'ddx']
    """
    taken = set(names.values())
    symbols = {}
    for node, name in names.items():
        symbol = f"d{name}"
        if not name.isidentifier() or symbol in taken:
            symbol = f"d({name})"
        symbols[node] = symbol
    return symbols


def local_templates(node: Node, k: int) -> tuple[str, str, str]:
    """The (text, LaTeX, code) templates of op node ``node``'s local derivative for input
    ``k``, simplified where its inputs are constants: ``2·‹a›`` for ``x ** 2``.

    >>> import scalargraph as sg
    >>> x = sg.Node(3.0, name="x")
    >>> local_templates(x ** 3, 0), local_templates(x * x, 0)[0]
    (('3·‹a›²', '3 {‹a›}^{2}', '3.0 * ‹a› ** 2.0'), '‹b›')
    """
    assert node.op is not None
    constants = tuple(i.value if isinstance(i, Constant) else None for i in node.inputs)
    return derivative_templates(node.op, k, constants)


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside scalargraph: the user's line."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("scalargraph"):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def shared_names(graph: Graph | Sequence[Node]) -> dict[str, list[Node]]:
    """Names given to more than one node (constants aside), each with its nodes: the one
    that keeps the name first (a leaf if any, else the first in topological order).

    >>> import scalargraph as sg
    >>> x = sg.Node(2.0, name="x")
    >>> h = (x * x).named("h")
    >>> shared_names(sg.Graph((h + h).named("h")))
    {'h': [Node(mul, value=4.0, grad=None, name='h'), Node(add, value=8.0, grad=None, name='h')]}
    """
    by_name: dict[str, list[Node]] = {}
    for node in graph.nodes if isinstance(graph, Graph) else graph:
        if node.name and not isinstance(node, Constant):
            by_name.setdefault(node.name, []).append(node)
    return {name: sorted(nodes, key=lambda n: n.op is not None)  # stable: leaves first
            for name, nodes in by_name.items() if len(nodes) > 1}


def value_table(graph: Graph, digits: int = 17) -> str:
    """One row per non-constant node in topological order: name, op, value, gradient."""
    rows = [("node", "op", "value", "gradient")]
    names = labels(graph)
    for node in graph.nodes:
        if isinstance(node, Constant):
            continue
        rows.append((names[node], kind(node), format_number(node.value, digits),
                     format_number(node.grad, digits)))
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    lines = []
    for r in rows:
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].rjust(widths[2]), r[3].rjust(widths[3])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
