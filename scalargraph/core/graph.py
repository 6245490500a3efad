"""A graph: its nodes in topological order, forward re-evaluation and the reverse pass.

The reverse pass (:func:`backward_pass`, :func:`backward_from`) is memoized:
nodes are visited in reverse topological order, so each node's gradient is
final before it is pushed to its inputs, and each local derivative is evaluated
once per edge. This is the engine's fast loop, which writes ``.grad``; every
other tool replays the same edges in the same order from the reverse schedule
(:mod:`scalargraph.core.schedule`), which writes nothing.

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

import math
import sys
from collections import deque
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from ..errors import BackwardError, DomainError, InputError, OperandTypeError
from . import node as _node
from .namespaces import MATH, numpy_namespace
from .node import Constant, Node, as_value, domain_error, evaluate, is_param, overflow_error
from .ops import Op

__all__ = [
    "BackwardStats", "Graph", "backward_from", "backward_pass", "evaluation_plan", "local_derivative",
    "output_of", "put_back", "reevaluate", "refresh", "renew", "stale_nodes", "topological_order",
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


def output_of(f: Any, what: str) -> Node:
    """The output Node of ``f``: a Node, a :class:`Graph` or an example (``.output``). Every
    tool takes any of the three, and refuses anything else with this one error.

    >>> import scalargraph as sg
    >>> f = sg.Node(2.0) * 3
    >>> output_of(f, "draw") is output_of(sg.Graph(f), "draw") is f
    True
    >>> output_of("f", "draw")
    Traceback (most recent call last):
    ...
    scalargraph.errors.OperandTypeError: draw() needs the output Node, a Graph or an example, got str 'f'
    """
    if isinstance(f, Node):
        return f
    output = f.output if isinstance(f, Graph) else getattr(f, "output", None)
    if isinstance(output, Node):
        return output
    raise OperandTypeError(
        f"{what}() needs the output Node, a Graph or an example, got {type(f).__name__} {f!r}")


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
        renew(order, stale)
    saved = [n.grad for n in order]
    try:
        for n in order:
            n.grad = _UNREACHED
        return _reverse(order, order, saved)
    except BaseException:  # an interrupt before the reverse pass began: no mark may stay behind
        put_back(order, "grad", saved)
        raise


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
    stack = [output]
    push, pop, emit, visit, save = stack.append, stack.pop, order.append, visited.append, saved.append
    try:
        output.grad = mark
        while stack:  # the same walk as topological_order, so the same order
            node = stack[-1]
            a = node._a
            if a is not None and a.grad is not mark:
                save(a.grad)
                visit(a)
                a.grad = mark  # last: an interrupt before it leaves nothing to undo
                push(a)
                continue
            b = node._b
            if b is not None and b.grad is not mark:
                save(b.grad)
                visit(b)
                b.grad = mark
                push(b)
                continue
            emit(pop())
        stale = stale_nodes(order)
        if stale:  # a value was assigned upstream: compute what depends on it first
            renew(order, stale)
        return _reverse(order, visited, saved)
    except BaseException:  # an interrupt: no mark may stay behind
        put_back(visited, "grad", saved)
        raise


def put_back(nodes: Sequence[Node], slot: str | Sequence[str], saved: Iterable[Any]) -> None:
    """Set ``slot`` (one name, or one per node) of every node back to its saved value, in
    one call that runs in C: an interrupt (Ctrl-C), which Python delivers between bytecodes,
    cannot land halfway through (a Python loop could stop with half the graph restored).

    >>> import scalargraph as sg
    >>> x = sg.Node(1.0)
    >>> put_back([x], "grad", [2.0]); x.grad
    2.0
    """
    names = repeat(slot) if isinstance(slot, str) else slot
    deque(map(setattr, nodes, names, saved), maxlen=0)


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
    evaluated = 0
    node: Any = None
    k = 0
    try:
        output = order[-1]
        output.grad = None if output.__class__ is Constant else 1.0  # a constant gets no gradient
        with _float_faults_raise():
            # Hot loop (about half the time of build + backward on an MLP): no tuple,
            # closure or generator per node; the inputs are the slots _a and _b.
            for node in reversed(order):
                g = node.grad
                if g is mark:  # a constant: no gradient flows into it
                    node.grad = None
                    continue
                op = node.op
                if op is None:  # a leaf, its gradient final. An inf or NaN gradient anywhere
                    # reaches every leaf below it (inf·0 is NaN), so checking the leaves (and
                    # nodes with a constant input, below) checks every node, off the hot path.
                    if not (_isfinite(g) if g.__class__ is float else _finite_batch(g)):
                        raise _OverflowError(node)
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
                        # The chain rule (schedule.replay is the same walk for every other tool):
                        contribution = g * (derivatives[k](m, out, av) if b is None
                                            else derivatives[k](m, out, av, bv))
                        if m is not MATH:  # a batch: the input's own shape (unbroadcast)
                            contribution = _fit(contribution, inp._value)
                        old = inp.grad
                        inp.grad = contribution if old is mark else old + contribution
                        evaluated += 1
                    elif g.__class__ is float and not _isfinite(g):  # no leaf below this input
                        raise _OverflowError(node)
                    if k or b is None:
                        break
                    inp = b
                    k = 1
    except BaseException as error:
        put_back(visited, "grad", saved)
        if isinstance(error, _OverflowError):
            raise _overflow_in_backward(order, error.node, error.grad) from None
        if not isinstance(error, (ArithmeticError, ValueError)) or node is None or node.op is None:
            raise
        values = tuple(i.value for i in node.inputs)
        raise domain_error(node.op, values, f"derivative for input {k + 1}", error) from None
    return BackwardStats(nodes=len(order), derivatives_evaluated=evaluated)


_isfinite = math.isfinite


def _finite_batch(g: Any) -> bool:
    """True for a batch of finite gradients (or None: a constant output has no gradient)."""
    import numpy as np

    return g is None or bool(np.isfinite(g).all())


class _OverflowError(ArithmeticError):
    """Raised in the reverse pass where a node's gradient is not a finite float."""

    def __init__(self, node: Node) -> None:
        super().__init__()
        self.node = node
        self.grad = node.grad


def _overflow_in_backward(order: list[Node], node: Node, grad: Any) -> Exception:
    """The error for a gradient that is inf or NaN: the local derivative that was not
    finite, if one was, else the gradient that overflowed (off the hot path)."""
    for consumer in order:
        for k, inp in enumerate(consumer.inputs):
            if inp is node and consumer.op is not None:
                values = tuple(i.value for i in consumer.inputs)
                try:
                    local = local_derivative(consumer.op, k, consumer.value, values)  # checks a float
                except DomainError as err:
                    return err
                if not _finite_batch(local):
                    return overflow_error(consumer.op, values, local, f"derivative for input {k + 1}")
    name = node.name or (node.op.name if node.op is not None else "a leaf")
    return DomainError(
        f"backward: the gradient reaching {name!r} is not a finite float ({grad!r}; floats end near "
        "±1.8e308): the products of local derivatives along the graph overflow. Keep the values "
        "smaller, e.g. rescale the inputs or the output.")


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
            local = op.derivatives[k](MATH if scalar else numpy_namespace(), out, *values)
        except (ArithmeticError, ValueError) as error:
            raise domain_error(op, values, f"derivative for input {k + 1}", error) from None
    if scalar and local - local != 0.0:  # inf or NaN (numpy raises on its own)
        raise overflow_error(op, values, local, f"derivative for input {k + 1}")
    return local


#: One op node in a re-evaluation: its position, its op and its inputs' positions (-1: none).
Step = tuple[int, Op, int, int]


def evaluation_plan(nodes: Sequence[Node], only: Container[Node] | None = None) -> tuple[Step, ...]:
    """What :func:`reevaluate` computes: each op node of ``nodes`` (topological order), or
    each one in ``only``, by position, with the positions of its inputs in ``nodes``."""
    where = {n: i for i, n in enumerate(nodes)}
    return tuple((i, n.op, where[n._a], -1 if n._b is None else where[n._b])  # type: ignore[index]
                 for i, n in enumerate(nodes) if n.op is not None and (only is None or n in only))


def reevaluate(nodes: Sequence[Node], plan: Sequence[Step], changed: Mapping[int, Any]) -> list[Any]:
    """The values of ``nodes`` with the values ``changed`` (by position) put in and the op
    nodes of ``plan`` evaluated again, in order.

    The one forward re-evaluation: :meth:`Graph.forward` stores its result, the gradient
    checks nudge one node and read the output. It writes to no node, so an error leaves
    the graph as it was and threads may share the nodes.

    >>> import scalargraph as sg
    >>> x = sg.Node(3.0, name="x")
    >>> f = x * x + 1
    >>> order = topological_order(f)
    >>> reevaluate(order, evaluation_plan(order), {0: 4.0})[-1], f.value
    (17.0, 10.0)
    """
    values = [n._value for n in nodes]
    for i, value in changed.items():
        values[i] = value
    math = MATH
    for i, op, a, b in plan:
        av = values[a]
        if b < 0:
            if av.__class__ is float:  # floats: the op table's function at once (a hot loop in training)
                try:
                    value = op.forward(math, av)
                    if value - value == 0.0:  # finite; else evaluate() below raises the overflow
                        values[i] = value
                        continue
                except (ArithmeticError, ValueError):
                    pass  # evaluate() below raises the error that names the op
            values[i] = evaluate(op, (av,))
            continue
        bv = values[b]
        if av.__class__ is float and bv.__class__ is float:
            try:
                value = op.forward(math, av, bv)
                if value - value == 0.0:
                    values[i] = value
                    continue
            except (ArithmeticError, ValueError):
                pass
        values[i] = evaluate(op, (av, bv))
    return values


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


def renew(order: Sequence[Node], stale: Sequence[Node]) -> None:
    """Store new values for the ``stale`` op nodes of ``order`` (both topological),
    computed by :func:`reevaluate`, and stamp them; all or nothing (an error or an
    interrupt leaves every value and stamp as it was)."""
    plan = evaluation_plan(order, set(stale))
    values = reevaluate(order, plan, {})  # writes nothing: an error changes nothing
    _node._CLOCK += 1
    now = _node._CHANGED_AT = _node._CLOCK
    ops = [order[i] for i, _, _, _ in plan]
    saved = [(n._value, n._mark) for n in ops]
    try:
        for n, (i, _, _, _) in zip(ops, plan):
            n._value = values[i]
            n._mark = now
    except BaseException:
        put_back(ops + ops, ["_value"] * len(ops) + ["_mark"] * len(ops),
                 [v for v, _ in saved] + [t for _, t in saved])
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
    renew(order, stale)
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
    where the value is a scalar used with batches, broadcast where a scalar meets a batch
    (batches themselves all have one shape, :data:`~scalargraph.core.node.BATCH`).

    Each contribution is fitted before it is accumulated: adding a scalar's float
    contribution to a batch-shaped one would count it once per sample."""
    import numpy as np

    if value.__class__ is float:
        return grad if grad.__class__ is float else float(np.sum(grad))
    if grad.__class__ is not float and grad.shape == value.shape:
        return grad
    return np.broadcast_to(np.asarray(grad, dtype=float), value.shape).copy()


class Graph:
    """A computation graph, sorted once, to evaluate again and differentiate.

    ``g.nodes`` (topological order), ``g.inputs``, ``g.params``, ``g.constants``,
    ``g.output``; ``g.forward(**values)``; ``g.backward()``.
    """

    def __init__(self, output: Node) -> None:
        self.output = output
        self.nodes: tuple[Node, ...] = tuple(topological_order(output))
        self._leaves = leaves = [n for n in self.nodes if n.op is None]
        self.params: tuple[Node, ...] = tuple(n for n in leaves if is_param(n))
        self.constants: tuple[Constant, ...] = tuple(n for n in leaves if isinstance(n, Constant))
        self.inputs: tuple[Node, ...] = tuple(n for n in leaves if n.kind == "input")
        self._plan: tuple[Step, ...] | None = None  # what forward() evaluates, made on its first call
        self._positions: dict[Node, int] = {}  # the named leaves' places in nodes, with the plan
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
        if self._plan is None:
            self._plan = evaluation_plan(self.nodes)
            self._positions = {leaf: self.nodes.index(leaf) for leaf in self._by_name.values()}
        changed = {self._positions[leaf]: v for leaf, v in updates}
        new = reevaluate(self.nodes, self._plan, changed)  # writes nothing: an error changes nothing
        nodes = self.nodes
        ops = [nodes[i] for i, _, _, _ in self._plan]
        old_values, old_grads = [n._value for n in nodes], [n.grad for n in nodes]
        old_marks = [n._mark for n in ops]
        old_stamps = [(leaf, _node.stamp(leaf)) for leaf, _ in updates]
        _node._CLOCK += 1
        now = _node._CHANGED_AT = _node._CLOCK
        try:  # all or nothing, for an interrupt (Ctrl-C) too
            for node, value in zip(nodes, new):
                node._value = value
            for node in ops:
                node._mark = now
            for leaf, _ in updates:
                _node.stamp_leaf(leaf, now)
            for n in nodes:
                n.grad = None
        except BaseException:
            put_back(nodes + nodes, ["_value"] * len(nodes) + ["grad"] * len(nodes), old_values + old_grads)
            put_back(ops, "_mark", old_marks)
            for leaf, t in old_stamps:
                _node.stamp_leaf(leaf, t)
            raise
        return self.output.value

    def backward(self) -> dict[str, Any]:
        """The reverse pass; returns ``{name: gradient}`` of the named inputs and parameters.

        Writes every node's ``.grad`` (see :mod:`scalargraph.core.schedule` on threads)."""
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
