"""Per-node gradient check: each node's backward gradient against central differences.

For a node ``n`` the numeric gradient is ``(f(n + h) - f(n - h)) / 2h``, where only
the nodes downstream of ``n`` are evaluated again. Every value is restored afterwards.

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

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..core.graph import backward_pass, topological_order
from ..core.node import Constant, Node, evaluate
from ..errors import DomainError
from .gradcheck import close, difference_quotient, relative_error

__all__ = ["NodeCheck", "check_nodes", "downstream", "node_difference"]


@dataclass(frozen=True)
class NodeCheck:
    """One node: its backward gradient, the central difference, how far apart they are.

    ``numeric`` is None (and ``ok`` False) when a nudged value left an op's domain."""

    node: Node
    analytic: Any
    numeric: Any
    rel_error: float
    ok: bool


def downstream(order: list[Node], index: int) -> list[Node]:
    """The op nodes after ``order[index]`` that depend on it, in topological order.

    >>> import scalargraph as sg
    >>> x, y = sg.Node(1.0, name="x"), sg.Node(2.0, name="y")
    >>> order = topological_order(sg.exp(x) * y)
    >>> [n.op.name for n in downstream(order, 0)], downstream(order, 3)
    (['exp', 'mul'], [])
    """
    reached = {order[index]}
    found = []
    for node in order[index + 1:]:
        if any(i in reached for i in node.inputs):
            reached.add(node)
            found.append(node)
    return found


def node_difference(order: list[Node], index: int, eps: float = 1e-6) -> Any:
    """d ``order[-1]`` / d ``order[index]`` by central differences (elementwise for a batch),
    re-evaluating only the downstream nodes; ``h = eps · max(1, |value|)``."""
    node = order[index]
    after = downstream(order, index)
    original = node.value
    saved = [n.value for n in after]
    try:
        return difference_quotient(original, lambda value: _output_at(node, after, value), eps)
    finally:
        node.value = original
        for n, v in zip(after, saved):
            n.value = v


def _output_at(node: Node, after: list[Node], value: Any) -> float:
    import numpy as np

    node.value = value
    for n in after:
        n.value = evaluate(n.op, tuple(i.value for i in n.inputs))  # type: ignore[arg-type]
    out = after[-1] if after else node
    return float(np.sum(out.value))


def check_nodes(output: Node, *, grads: Mapping[Node, Any] | None = None,
                nodes: Iterable[Node] | None = None, eps: float = 1e-6, rtol: float = 1e-5,
                atol: float = 1e-7) -> dict[Node, NodeCheck]:
    """A :class:`NodeCheck` for every node but the constants (or only for ``nodes``),
    in topological order.

    The backward gradient checked is the one in ``grads`` (when given) or ``node.grad``;
    where that is None, a fresh backward pass supplies it (and every ``.grad`` is put back).
    ``ok`` when ``|backward - numeric| <= atol + rtol · max(|backward|, |numeric|)``.
    """

    users = topological_order(output)
    order = topological_order(copy.deepcopy(output))  # nudged, not the user's graph
    shown: dict[Node, Any] = {n: (grads.get(n) if grads is not None else n.grad) for n in users}
    if any(g is None for n, g in shown.items() if not isinstance(n, Constant)):
        fresh = dict(zip(users, _fresh_gradients(order).values()))
        shown = {n: fresh[n] if g is None else g for n, g in shown.items()}
    wanted = None if nodes is None else set(nodes)
    checks = {}
    for index, node in enumerate(users):
        if isinstance(node, Constant) or (wanted is not None and node not in wanted):
            continue
        analytic = shown[node]
        try:
            numeric = node_difference(order, index, eps)
        except DomainError:
            checks[node] = NodeCheck(node, analytic, None, float("inf"), False)
            continue
        checks[node] = NodeCheck(node, analytic, numeric, relative_error(analytic, numeric),
                                 close(analytic, numeric, rtol, atol))
    return checks


def _fresh_gradients(order: list[Node]) -> dict[Node, Any]:
    saved = [n.grad for n in order]
    try:
        backward_pass(order)
        return {n: n.grad for n in order}
    finally:
        for n, g in zip(order, saved):
            n.grad = g
