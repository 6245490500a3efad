"""A graph: its nodes in topological order, forward re-evaluation and the reverse pass.

The chain rule is written once, in :func:`backward_pass`. It is memoized: nodes
are visited in reverse topological order, so each node's gradient is final
before it is pushed to its inputs, and each local derivative is evaluated once
per edge.

>>> import scalargraph as sg
>>> x, a = sg.Node(4.0, name="x"), sg.Param(1.0, name="a")
>>> g = sg.Graph(x * a * a + a)
>>> g.forward(x=4.0)
5.0
>>> g.backward()
{'x': 1.0, 'a': 9.0}
>>> g.stats
BackwardStats(nodes=5, derivatives_evaluated=6)
>>> g.edges
6
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from ..errors import BackwardError, InputError, OperandTypeError
from . import node as _node
from .namespaces import MATH, numpy_namespace
from .node import Constant, Node, Param, as_value, domain_error, evaluate
from .ops import Op

__all__ = [
    "BackwardStats", "Graph", "backward_from", "backward_pass", "local_derivative", "reevaluate",
    "refresh", "stale_nodes", "topological_order",
]


@dataclass(frozen=True)
class BackwardStats:
    """What one reverse pass did: nodes visited and local derivatives evaluated.

    Memoization means one evaluation per edge that carries a gradient
    (:attr:`Graph.edges`; edges into constants carry none)."""

    nodes: int
    derivatives_evaluated: int


def topological_order(output: Node) -> list[Node]:
    """Every node ``output`` depends on, each after its inputs (iterative DFS).

    Deterministic: inputs are visited in argument order; no recursion, so a
    chain of any depth works.

    >>> import scalargraph as sg
    >>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
    >>> [n.name or n.op.name for n in topological_order((x + y) * z)]
    ['x', 'y', 'add', 'z', 'mul']
    """
    _check_node(output)
    order: list[Node] = []
    seen = {output}
    stack = [output]
    visit, push, pop, emit = seen.add, stack.append, stack.pop, order.append  # hot loop
    while stack:
        node = stack[-1]
        a = node._a
        if a is not None and a not in seen:
            visit(a)
            push(a)
            continue
        b = node._b
        if b is not None and b not in seen:
            visit(b)
            push(b)
            continue
        emit(pop())
    return order


def _check_node(output: Any) -> None:
    if not isinstance(output, Node):
        raise OperandTypeError(
            f"expected the output Node of a graph, got {type(output).__name__} {output!r}; "
            "build one first, e.g. f = x * y with x = sg.Node(3.0)"
        )


class _Unreached:
    """The gradient slot of a node during a reverse pass before any gradient reached it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<not reached yet>"


#: Marks "no gradient yet" (and "visited" while sorting) during a pass; never seen after one.
_UNREACHED: Any = _Unreached()


def backward_pass(order: list[Node]) -> BackwardStats:
    """Reverse-mode differentiation of ``order[-1]`` over ``order`` (topological).

    Resets the gradients of these nodes, seeds the output with 1 and applies
    the chain rule ``input.grad += node.grad * d node / d input`` once per edge.
    On an error every gradient is restored to what it was.
    """
    _check_scalar_output(order[-1])
    stale = stale_nodes(order)
    if stale:
        reevaluate(stale)
    saved = [n.grad for n in order]
    for n in order:
        n.grad = _UNREACHED
    return _reverse(order, order, saved)


def backward_from(output: Node) -> BackwardStats:
    """:func:`topological_order` and :func:`backward_pass` in one walk (``node.backward()``).

    The sort marks a node as visited by putting the pass's "not reached yet" mark in
    its gradient slot, which the reverse pass needs there anyway: no set of visited
    nodes and no second walk to reset the gradients (a sixth of the time of the two).

    >>> import scalargraph as sg
    >>> x = sg.Node(3.0, name="x")
    >>> backward_from(x * x + 1), x.grad
    (BackwardStats(nodes=4, derivatives_evaluated=3), 6.0)
    """
    _check_node(output)
    _check_scalar_output(output)
    mark = _UNREACHED
    order: list[Node] = []
    visited = [output]  # in the order they were marked, with their old gradients
    saved = [output.grad]
    output.grad = mark
    stack = [output]
    push, pop, emit, visit, save = stack.append, stack.pop, order.append, visited.append, saved.append
    try:
        while stack:  # the same walk as topological_order, so the same order
            node = stack[-1]
            a = node._a
            if a is not None and a.grad is not mark:
                save(a.grad)
                a.grad = mark
                visit(a)
                push(a)
                continue
            b = node._b
            if b is not None and b.grad is not mark:
                save(b.grad)
                b.grad = mark
                visit(b)
                push(b)
                continue
            emit(pop())
    except BaseException:  # an interrupt: no mark may stay behind
        for n, grad in zip(visited, saved):
            n.grad = grad
        raise
    stale = stale_nodes(order)
    if stale:
        try:
            reevaluate(stale)
        except BaseException:
            for n, grad in zip(visited, saved):
                n.grad = grad
            raise
    return _reverse(order, visited, saved)


def _check_scalar_output(output: Node) -> None:
    if output.value.__class__ is not float:
        raise BackwardError(
            f"backward() needs a scalar output, but this one is a batch of shape "
            f"{output.value.shape}: reduce it first with sg.sum(...) or sg.mean(...)"
        )


def _reverse(order: list[Node], visited: list[Node], saved: list[Any]) -> BackwardStats:
    """The reverse pass over ``order``, whose gradient slots hold the mark ``_UNREACHED``.

    On any error (or an interrupt) the nodes in ``visited`` get back their ``saved``
    gradients; otherwise every node ends with a gradient, or None for a constant.
    """
    mark = _UNREACHED
    output = order[-1]
    output.grad = 1.0
    evaluated = 0
    node: Any = None
    k = 0
    try:
        with _float_faults_raise():
            # Hot loop (about half the time of build + backward on an MLP): no tuple,
            # closure or generator per node; the inputs are the slots _a and _b.
            for node in reversed(order):
                g = node.grad
                if g is mark:  # a constant: no gradient flows into it
                    node.grad = None
                    continue
                op = node.op
                if op is None:
                    continue
                out = node._value
                a = node._a
                b = node._b
                av = a._value
                if b is None:
                    bv = None
                    m = MATH if av.__class__ is float else numpy_namespace()
                else:
                    bv = b._value
                    m = MATH if av.__class__ is float and bv.__class__ is float else numpy_namespace()
                derivatives = op.derivatives
                inp = a
                k = 0
                while True:  # once for the first input, once more for a second one
                    if inp.__class__ is not Constant:
                        # The chain rule, the only place it is written:
                        contribution = g * (derivatives[k](m, out, av) if b is None
                                            else derivatives[k](m, out, av, bv))
                        if m is not MATH:  # a batch: the input's own shape (unbroadcast)
                            contribution = _fit(contribution, inp._value)
                        old = inp.grad
                        inp.grad = contribution if old is mark else old + contribution
                        evaluated += 1
                    if k or b is None:
                        break
                    inp = b
                    k = 1
    except BaseException as error:
        for n, grad in zip(visited, saved):
            n.grad = grad
        if not isinstance(error, (ArithmeticError, ValueError)) or node is None or node.op is None:
            raise
        values = tuple(i.value for i in node.inputs)
        raise domain_error(node.op, values, f"derivative for input {k + 1}") from None
    return BackwardStats(nodes=len(order), derivatives_evaluated=evaluated)


def local_derivative(op: Op, k: int, out: Any, values: tuple[Any, ...]) -> Any:
    """d out / d (input k) from the op table, at these values (floats or numpy batches).

    The one helper every tool outside the reverse pass uses to read an edge's local
    derivative; a value outside the op's domain raises :class:`~scalargraph.DomainError`.

    >>> from scalargraph.core.ops import OPS
    >>> local_derivative(OPS["mul"], 0, 6.0, (2.0, 3.0))   # d(a*b)/da = b
    3.0
    >>> local_derivative(OPS["sqrt"], 0, 0.0, (0.0,))
    Traceback (most recent call last):
    ...
    scalargraph.errors.DomainError: sqrt (derivative for input 1): the input must be >= 0 ...
    """
    scalar = out.__class__ is float and all(v.__class__ is float for v in values)
    with nullcontext() if scalar else _float_faults_raise():
        try:
            return op.derivatives[k](MATH if scalar else numpy_namespace(), out, *values)
        except (ArithmeticError, ValueError):
            raise domain_error(op, values, f"derivative for input {k + 1}") from None


def stale_nodes(order: list[Node] | tuple[Node, ...]) -> list[Node]:
    """The op nodes of ``order`` (topological) whose value is older than an input's:
    computed before a value upstream was assigned, or from such a node. In order.

    One comparison per node when the graph is current (every op node computed after
    the last assignment anywhere); a walk over the graph otherwise.

    >>> import scalargraph as sg
    >>> x, y = sg.Node(3.0, name="x"), sg.Node(2.0, name="y")
    >>> q = (x * y).named("q")
    >>> f = (q + 1).named("f")
    >>> stale_nodes(topological_order(f))
    []
    >>> x.value = 4.0
    >>> [n.name for n in stale_nodes(topological_order(f))]
    ['q', 'f']
    """
    changed_at = _node._CHANGED_AT
    if not changed_at:
        return []  # no value was ever assigned in this process
    for n in order:
        if n._a is not None and n._mark < changed_at:
            break
    else:
        return []  # every op node computed after the last change: nothing is stale
    stamp = _node.stamp
    stale: list[Node] = []
    renewed: set[Node] = set()
    for n in order:
        a = n._a
        if a is None:
            continue
        b = n._b
        t = n._mark
        if (a in renewed or stamp(a) > t
                or (b is not None and (b in renewed or stamp(b) > t))):
            renewed.add(n)
            stale.append(n)
    return stale


def reevaluate(ops: Iterable[Node]) -> None:
    """Compute each op node's value again from its inputs' values, in the order given
    (topological), and stamp it. The one forward re-evaluation of the package: used by
    :meth:`Graph.forward` and by :func:`refresh`. On any error every value and stamp is
    put back as it was, and the error is raised."""
    ops = tuple(ops)
    saved = [(n._value, n._mark) for n in ops]
    _node._CLOCK += 1
    now = _node._CHANGED_AT = _node._CLOCK
    try:
        for node in ops:
            a, b = node._a, node._b  # an op node has one or two inputs
            args = (a._value,) if b is None else (a._value, b._value)  # type: ignore[union-attr]
            node._value = evaluate(node.op, args)  # type: ignore[arg-type]
            node._mark = now
    except BaseException:
        for n, (v, t) in zip(ops, saved):
            n._value, n._mark = v, t
        raise


def refresh(nodes: Iterable[Node]) -> bool:
    """Re-evaluate the op nodes among ``nodes`` (topological order) whose values are older
    than an input's, after a ``.value`` was assigned; then their gradients, which belonged
    to the old values, are cleared (None). True when something was re-evaluated.

    Every tool that shows values (``draw``, ``steps``, ``quiz``, ``tape``, ``staged_code``)
    calls it first; ``backward()`` re-evaluates the same way before its pass.

    >>> import scalargraph as sg
    >>> x = sg.Node(3.0, name="x")
    >>> f = x * x
    >>> f.backward(); x.value = 4.0
    >>> order = topological_order(f)
    >>> refresh(order), f.value, x.grad, refresh(order)
    (True, 16.0, None, False)
    """
    order = nodes if isinstance(nodes, (list, tuple)) else list(nodes)
    stale = stale_nodes(order)
    if not stale:
        return False
    reevaluate(stale)
    for n in order:
        n.grad = None
    return True


def count_edges(order: Iterable[Node]) -> int:
    """Edges that carry a gradient: from each op node to each non-constant input."""
    return sum(1 for n in order for i in n.inputs if i.__class__ is not Constant)


def _float_faults_raise() -> Any:
    """numpy's floating-point faults as exceptions, where numpy is in use at all."""
    np = sys.modules.get("numpy")
    return np.errstate(all="raise", under="ignore") if np is not None else nullcontext()


def _fit(grad: Any, value: Any) -> Any:
    """A gradient contribution with the shape of the value it is for: summed over the batch
    (unbroadcast) where the value is a scalar used with batches, summed over the broadcast
    axes where batches of different shapes met, broadcast where a scalar meets a batch.

    Each contribution is fitted before it is accumulated: adding a scalar's float
    contribution to a batch-shaped one would count it once per sample."""
    import numpy as np

    if value.__class__ is float:
        return grad if grad.__class__ is float else float(np.sum(grad))
    shape = value.shape
    if grad.__class__ is not float and grad.shape == shape:
        return grad
    grad = np.asarray(grad, dtype=float)
    if grad.ndim > len(shape):  # axes numpy put in front when broadcasting
        grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    if grad.ndim == len(shape):  # axes of length 1 that numpy stretched
        stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
        grad = grad.sum(axis=stretched, keepdims=True) if stretched else grad
    return np.broadcast_to(grad, shape).copy()


class Graph:
    """A computation graph, sorted once, to evaluate again and differentiate.

    ``g.nodes`` (topological order), ``g.inputs``, ``g.params``, ``g.constants``,
    ``g.output``; ``g.forward(**values)``; ``g.backward()``.
    """

    def __init__(self, output: Node) -> None:
        self.output = output
        self.nodes: tuple[Node, ...] = tuple(topological_order(output))
        self._leaves = leaves = [n for n in self.nodes if n.op is None]
        self.params: tuple[Param, ...] = tuple(n for n in leaves if isinstance(n, Param))
        self.constants: tuple[Constant, ...] = tuple(n for n in leaves if isinstance(n, Constant))
        self.inputs: tuple[Node, ...] = tuple(n for n in leaves if not isinstance(n, (Param, Constant)))
        self._ops: tuple[Node, ...] | None = None  # the op nodes, found on the first forward()
        self._by_name: dict[str, Node] = {}
        for leaf in self.inputs + self.params:
            if leaf.name is None:
                continue
            if self._by_name.setdefault(leaf.name, leaf) is not leaf:
                raise InputError(
                    f"two different leaves of this graph are named {leaf.name!r}; "
                    "give each input and parameter its own name"
                )
        self.stats: BackwardStats | None = None

    @property
    def edges(self) -> int:
        """Edges that carry a gradient (into inputs, parameters and op nodes)."""
        return count_edges(self.nodes)

    @property
    def names(self) -> list[str]:
        """Names of the named inputs and parameters, in graph order."""
        return list(self._by_name)

    def forward(self, **values: Any) -> Any:
        """Set named inputs/parameters, recompute every node, return the output value.

        Nothing is rebuilt. Gradients from an earlier pass are cleared (set to
        None), since they belonged to the old values. On any error the graph is
        left exactly as it was.
        """
        updates = [(self._leaf(name), as_value(v, name)) for name, v in values.items()]
        if self._ops is None:
            self._ops = tuple([n for n in self.nodes if n.op is not None])
        saved = [(leaf, leaf._value, _node.stamp(leaf)) for leaf, _ in updates]
        if updates:
            _node._CLOCK += 1
            now = _node._CHANGED_AT = _node._CLOCK
            for leaf, v in updates:
                leaf._value = v
                _node.stamp_leaf(leaf, now)
        try:
            reevaluate(self._ops)
        except BaseException:
            for leaf, v, t in saved:
                leaf._value = v
                _node.stamp_leaf(leaf, t)
            raise
        for n in self.nodes:
            n.grad = None
        return self.output.value

    def backward(self) -> dict[str, Any]:
        """The reverse pass; returns ``{name: gradient}`` of the named inputs and parameters."""
        self.stats = backward_pass(list(self.nodes))
        return {name: leaf.grad for name, leaf in self._by_name.items()}

    def _leaf(self, name: str) -> Node:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name) or "(none: name a leaf with Node(..., name='x'))"
            raise InputError(
                f"this graph has no input or parameter named {name!r}; known names: {known}"
            ) from None

    def __len__(self) -> int:
        return len(self.nodes)

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __repr__(self) -> str:
        return (f"Graph({len(self.nodes)} nodes: {len(self.inputs)} inputs, "
                f"{len(self.params)} params, {len(self.nodes) - len(self._leaves)} ops)")
