"""One gradient check: the :class:`Check` record, and central differences to fill it.

:func:`scalargraph.gradcheck` checks every input and parameter, and
:func:`~scalargraph.checks.per_node.check_nodes` every node; both make their
rows with :func:`check_node`. The numeric gradient of a node ``n`` is
``(f(n + h) - f(n - h)) / 2h``, where only the nodes downstream of ``n`` are
evaluated again (:func:`scalargraph.core.graph.reevaluate`), into a list of
their own: no node's value or gradient is written, so checks may run in threads
that share nodes.

>>> import scalargraph as sg
>>> from scalargraph.core.graph import topological_order
>>> x, y = sg.Node(3.0, name="x"), sg.Node(-4.0, name="y")
>>> order = topological_order(x * y)
>>> c = check_node(order, 0, -4.0)          # d(x·y)/dx = y = -4
>>> c.name, c.analytic, round(c.numeric, 6), c.ok, x.grad
('x', -4.0, -4.0, True, None)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.graph import evaluation_plan, reevaluate
from ..core.labels import label
from ..core.node import Node
from ..errors import DomainError

__all__ = ["Check", "check_node", "close", "difference_quotient", "downstream", "node_difference",
           "relative_error"]


@dataclass(frozen=True)
class Check:
    """One node's gradient checked: ``analytic`` (the backward pass's) against ``numeric``
    (central differences), their ``rel_error`` and whether they agree (``ok``).

    ``name`` is the node's label; ``numeric`` is None (and ``ok`` False) when a nudged
    value left an op's domain. Rows of :func:`scalargraph.gradcheck` and values of
    :func:`~scalargraph.checks.per_node.check_nodes` alike.
    """

    name: str
    node: Node
    analytic: Any
    numeric: Any
    rel_error: float
    ok: bool


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
    (one sample nudged at a time).

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


def downstream(order: Sequence[Node], index: int) -> list[Node]:
    """The op nodes after ``order[index]`` that depend on it, in topological order.

    >>> import scalargraph as sg
    >>> from scalargraph.core.graph import topological_order
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


def node_difference(order: Sequence[Node], index: int, eps: float = 1e-6, *, check: str = "gradcheck",
                    name: str | None = None) -> Any:
    """d ``order[-1]`` / d ``order[index]`` by central differences (elementwise for a batch),
    re-evaluating only the downstream nodes; ``h = eps · max(1, |value|)``. Writes no node.
    A nudged value outside an op's domain raises a DomainError that names the check
    (``check``), the node and the nudge.
    """
    import numpy as np

    plan = evaluation_plan(order, set(downstream(order, index)))
    original = order[index].value
    who = name or label(order[index], index)

    def output_at(value: Any) -> float:
        try:
            return float(np.sum(reevaluate(order, plan, {index: value})[-1]))
        except DomainError as err:
            raise DomainError(f"{check}: the central difference for {who!r} moved it "
                              f"{nudge_text(original, value)}, and there: {err}") from None

    return difference_quotient(original, output_at, eps)


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


def check_node(order: Sequence[Node], index: int, analytic: Any, *, name: str | None = None,
               eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7, strict: bool = False) -> Check:
    """The :class:`Check` of ``order[index]`` (its label unless ``name`` is given): its
    backward gradient ``analytic`` against :func:`node_difference`. ``ok`` when
    ``|analytic - numeric| <= atol + rtol · max(|analytic|, |numeric|)`` (every sample).
    A nudge outside an op's domain gives a failed check, or raises (``strict``) the
    DomainError that says which nudge of which node it was."""
    node = order[index]
    name = label(node, index) if name is None else name
    try:
        numeric = node_difference(order, index, eps, check="gradcheck" if strict else "check_nodes",
                                  name=name)
    except DomainError:
        if strict:
            raise
        return Check(name, node, analytic, None, float("inf"), False)
    return Check(name, node, analytic, numeric, relative_error(analytic, numeric),
                 close(analytic, numeric, rtol, atol))
