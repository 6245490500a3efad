"""Per-node gradient check: each node's backward gradient against central differences.

For a node ``n`` the numeric gradient is ``(f(n + h) - f(n - h)) / 2h``, where only
the nodes downstream of ``n`` are evaluated again (:mod:`scalargraph.checks.check`),
without writing any node's value or gradient.

>>> import scalargraph as sg
>>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
>>> q = (x + y).named("q")
>>> f = (q * z).named("f")
>>> f.backward()
>>> checks = check_nodes(f)
>>> round(checks[q].numeric, 6), checks[q].analytic, checks[q].ok
(-4.0, -4.0, True)
>>> q.value, f.value
(3.0, -12.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..core.graph import Graph, output_of
from ..core.node import Constant, Node
from ..core.schedule import Schedule
from .check import Check, check_node, downstream, node_difference

__all__ = ["Check", "NodeCheck", "check_nodes", "downstream", "node_difference"]

#: The record of one node's check (the same :class:`Check` as :func:`scalargraph.gradcheck`'s rows).
NodeCheck = Check


def check_nodes(output: Node, *, grads: Mapping[Node, Any] | None = None,
                nodes: Iterable[Node] | None = None, eps: float = 1e-6, rtol: float = 1e-5,
                atol: float = 1e-7) -> dict[Node, Check]:
    """A :class:`Check` for every node but the constants (or only for ``nodes``),
    in topological order.

    The backward gradient checked is the one in ``grads`` (when given) or ``node.grad``;
    where that is None, the reverse schedule supplies it (:meth:`Schedule.gradients`,
    which writes no ``.grad``). ``ok`` when
    ``|backward - numeric| <= atol + rtol · max(|backward|, |numeric|)``.
    """
    schedule = Schedule(output if isinstance(output, Graph) else output_of(output, "check_nodes"))
    order = schedule.nodes
    shown: dict[Node, Any] = {n: (grads.get(n) if grads is not None else n.grad) for n in order}
    if any(g is None for n, g in shown.items() if not isinstance(n, Constant)):
        fresh = schedule.gradients()
        shown = {n: fresh.get(n) if g is None else g for n, g in shown.items()}
    wanted = None if nodes is None else set(nodes)
    return {node: check_node(order, index, shown[node], eps=eps, rtol=rtol, atol=atol)
            for index, node in enumerate(order)
            if not isinstance(node, Constant) and (wanted is None or node in wanted)}
