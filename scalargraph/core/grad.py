"""Gradients as numbers, or as graphs of their own (for second and higher derivatives).

``sg.grad(f, [x, y])`` returns the gradients as numbers. With
``create_graph=True`` it returns Nodes instead: the reverse pass itself, built
from the op table's derivative formulas evaluated on Nodes
(:data:`scalargraph.core.functions.NODES`). That graph can be drawn, stepped
through and differentiated again.

>>> import scalargraph as sg
>>> x = sg.Node(2.0, name="x")
>>> f = x ** 3
>>> dfdx = sg.grad(f, x, create_graph=True)      # 3·x², as a graph
>>> dfdx.value, dfdx.name
(12.0, 'df/dx')
>>> sg.grad(dfdx, x)                             # d²f/dx² = 6·x
12.0
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import BackwardError, DomainError
from .functions import NODES
from .graph import output_of, refresh, topological_order
from .node import Constant, Node
from .schedule import Edge, Schedule, _targets, replay

__all__ = ["grad"]


class _One:
    """The seed d output / d output = 1, kept symbolic so that 1 · x stays x."""


_ONE = _One()


def grad(output: Node, wrt: Node | Sequence[Node], create_graph: bool = False) -> Any:
    """d output / d node for each node of ``wrt`` (a Node gives one result, a list a list).

    Floats by default, from the reverse schedule (:func:`scalargraph.gradients`): no
    node's ``.grad`` is written, so threads may call it on graphs that share nodes.
    With ``create_graph=True``, Nodes whose graph computes the gradient, connected to
    the original graph, so ``grad`` can be applied to them again. A node that
    ``output`` does not depend on has gradient 0.

    >>> import scalargraph as sg
    >>> x, y = sg.Node(3.0, name="x"), sg.Node(-4.0, name="y")
    >>> f = x * y + sg.exp(x)
    >>> sg.grad(f, [x, y]) == [-4.0 + sg.exp(x).value, 3.0]
    True
    >>> dx, dy = sg.grad(f, [x, y], create_graph=True)
    >>> sg.grad(dx, [x, y])                     # d²f/dx² = eˣ, d²f/dxdy = 1
    [20.085536923187668, 1.0]
    """
    output = output_of(output, "grad")
    targets = _targets(wrt, "grad")
    refresh(topological_order(output))  # values assigned since: re-evaluate first
    schedule = Schedule(output)
    if create_graph:
        results = _graph_gradients(schedule, targets)
    else:
        found = schedule.gradients()
        results = [found.get(t, 0.0) for t in targets]
    return results[0] if isinstance(wrt, Node) else results


def _graph_gradients(schedule: Schedule, targets: list[Node]) -> list[Node]:
    order = schedule.nodes
    if any(n.value.__class__ is not float for n in order):
        raise BackwardError(
            "grad(..., create_graph=True) works on scalar graphs only; this one holds a batch. "
            "Differentiate one sample at a time, or use create_graph=False"
        )
    # Nodes that depend on an input or parameter; everything else is a number to differentiation.
    live: set[Node] = set()
    for n in order:
        if (n.op is None and n.__class__ is not Constant) or any(i in live for i in n.inputs):
            live.add(n)
    grads: dict[Node, Any] = {schedule.output: _ONE}
    for flow in replay(_node_edges(schedule, live), schedule.output, _ONE, _times):
        grads[flow.edge.input] = flow.total
    return _results(order, targets, grads)


def _node_edges(schedule: Schedule, live: set[Node]) -> Iterator[Edge]:
    """The schedule's edges into nodes that carry a gradient, each local derivative a Node
    (the op table's formula evaluated on Nodes), made as the walk reaches the edge."""
    for consumer, k, inp in schedule.links:
        if inp not in live:
            continue
        op = consumer.op
        assert op is not None
        # Inputs that cannot carry a gradient enter the formulas as plain numbers, so that
        # x ** 3 differentiates to 3.0 * x ** 2.0 (a constant exponent), not x ** (3 - 1).
        args = tuple(i if i in live else i.value for i in consumer.inputs)
        try:
            local = op.derivatives[k](NODES, consumer, *args)
        except DomainError as err:
            raise DomainError(f"{op.name} (derivative for input {k + 1}): {err}") from None
        yield Edge(consumer, k, inp, local)


def _times(g: Any, edge: Edge) -> Any:
    """``g · local``, without the multiplications by 1 that would clutter the graph."""
    local = edge.local
    if g is _ONE:
        return local
    if isinstance(local, Node):
        return g * local
    if local == 1.0:
        return g
    return -g if local == -1.0 else g * local


def _results(order: tuple[Node, ...], targets: list[Node], grads: dict[Node, Any]) -> list[Node]:
    existing = {id(n) for n in order}
    out_name = order[-1].name or "f"
    results: list[Node] = []
    for t in targets:
        g = grads.get(t, 0.0)
        if g is _ONE:
            g = 1.0  # the output itself: d f / d f
        results.append(g if isinstance(g, Node) else Constant(float(g)))
    # Name a gradient node only if the differentiation made it, nothing named it yet and it
    # is the gradient of one target only.
    for t, node in zip(targets, results):
        if (t.name and node.name is None and id(node) not in existing
                and sum(node is r for r in results) == 1):
            node.name = f"d{out_name}/d{t.name}"
    return results
