"""Forward mode: push a tangent (a dual number's second half) from the leaves to the output.

Each node's tangent is ``ṅ = Σ_k (d node / d input_k) · input_k̇``, with the
local derivatives read from the op table, in topological order. One pass gives
the derivative of the output along one direction of the leaves; reverse mode
gives every leaf's gradient in one pass instead.

>>> import scalargraph as sg
>>> x, y = sg.Node(3.0, name="x"), sg.Node(-4.0, name="y")
>>> f = (x + sg.sigmoid(y)) / (sg.sigmoid(x) + (x + y) ** 2)
>>> sg.jvp(f, {x: 1.0})                  # df/dx, as reverse mode gives it
2.0595697955721652
>>> sg.jvp(f, {"x": 1.0, "y": 1.0})       # along (1, 1): df/dx + df/dy
3.6518025470559747
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, Literal, overload

from ..errors import InputError
from .graph import Graph, output_of, refresh
from .node import Constant, Node, as_value
from .schedule import Edge, Schedule

__all__ = ["forward_pass", "jvp"]


def _seed_tangents(graph: Graph, seed: Mapping[Any, Any]) -> dict[int, Any]:
    """``{id(leaf): tangent}`` from a mapping keyed by leaf nodes or names."""
    if not isinstance(seed, Mapping):
        raise InputError(
            f"jvp() needs the direction as a dict such as {{x: 1.0}}, got {type(seed).__name__}"
        )
    leaves = graph.inputs + graph.params
    by_name = {leaf.name: leaf for leaf in leaves if leaf.name is not None}
    ids = {id(leaf) for leaf in leaves}
    tangents: dict[int, Any] = {}
    for key, value in seed.items():
        if isinstance(key, str):
            if key not in by_name:
                known = ", ".join(by_name) or "(none are named)"
                raise InputError(f"jvp(): this graph has no input or parameter named {key!r}; "
                                 f"known names: {known}")
            leaf = by_name[key]
        elif isinstance(key, Node):
            if id(key) not in ids:
                raise InputError(f"jvp(): {key!r} is not an input or parameter of this graph; "
                                 "seed the leaves the output depends on")
            leaf = key
        else:
            raise InputError(f"jvp(): direction keys must be leaf Nodes or their names, "
                             f"got {type(key).__name__} {key!r}")
        label = leaf.name or "tangent"
        tangents[id(leaf)] = as_value(value, label)
    return tangents


def forward_pass(graph: Graph, seed: Mapping[Any, Any]) -> tuple[dict[Node, Any], int]:
    """Every node's tangent (in topological order) and the local derivatives evaluated.

    Leaves missing from ``seed`` and constants have tangent 0. The local derivatives are
    the reverse schedule's (one per edge that carries a tangent), read here the other way:
    each op node's tangent sums ``local · tangent of the input`` over its edges.
    """
    refresh(graph.nodes)  # values assigned since the graph was computed: re-evaluate first
    tangents = _seed_tangents(graph, seed)
    schedule = Schedule(graph)
    into: dict[Node, list[Edge]] = {}
    for edge in schedule.edges:
        into.setdefault(edge.consumer, []).append(edge)
    result: dict[Node, Any] = {}
    for node in graph.nodes:
        if node.op is None:
            result[node] = tangents.get(id(node), 0.0) if node.__class__ is not Constant else 0.0
            continue
        total: Any = 0.0
        for edge in into.get(node, ()):
            total = total + edge.local * result[edge.input]  # the forward-mode chain rule
        result[node] = _fit(total, node.value)
    return result, len(schedule.edges)


def _fit(tangent: Any, value: Any) -> Any:
    """A tangent with the shape of its node: summed where a batch reduces to one number."""
    if value.__class__ is float and tangent.__class__ is not float:
        np = sys.modules["numpy"]  # a non-float tangent can only come from numpy values
        return float(np.sum(tangent))
    return tangent


@overload
def jvp(output: Node, direction: Mapping[Any, Any], per_node: Literal[False] = ...) -> Any: ...
@overload
def jvp(output: Node, direction: Mapping[Any, Any], per_node: Literal[True]) -> dict[Node, Any]: ...


def jvp(output: Node, direction: Mapping[Any, Any], per_node: bool = False) -> Any:
    """The derivative of ``output`` along ``direction`` (``{leaf or name: tangent}``), by forward mode.

    With ``per_node=True`` returns every node's tangent (``{node: tangent}`` in
    topological order, the output last), e.g. to label a diagram with them.
    Values and gradients of the graph are not changed (threads may share its nodes).

    >>> import scalargraph as sg
    >>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
    >>> q = (x + y).named("q")
    >>> f = (q * z).named("f")
    >>> {n.name: t for n, t in sg.jvp(f, {z: 1.0}, per_node=True).items()}
    {'x': 0.0, 'y': 0.0, 'q': 0.0, 'z': 1.0, 'f': 3.0}
    """
    output = output_of(output, "jvp")
    tangents, _ = forward_pass(Graph(output), direction)
    return tangents if per_node else tangents[output]
