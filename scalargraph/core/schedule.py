"""The reverse schedule: every edge of the memoized reverse pass, in the order it visits them.

The reverse pass visits the nodes in reverse topological order and, at each op
node (the *consumer*), its inputs in argument order; an input that is a constant
is skipped (no gradient flows into a constant). Each such edge
``(consumer, index, input)`` has a local derivative, ``d consumer / d input``,
from the op table. The gradient that flows along the edge is
``upstream × local``, where ``upstream`` is the consumer's gradient, complete by
then; it is added to the input's gradient. :class:`Schedule` holds these edges
once, and every tool replays them: the steps, the tape, the quiz, the staged
code, forward mode, sum over paths, higher derivatives and the gradient checks.
:func:`replay` is the walk "upstream × local, accumulate", written once
(the engine's own loop, :func:`scalargraph.core.graph.backward_pass`, visits the
same edges in the same order; ``tests/test_schedule.py`` checks it does).

The cs231n example ``f = (x + y) · z`` at x = -2, y = 5, z = -4:

>>> import scalargraph as sg
>>> x, y, z = sg.Node(-2.0, name="x"), sg.Node(5.0, name="y"), sg.Node(-4.0, name="z")
>>> q = (x + y).named("q")
>>> f = (q * z).named("f")
>>> schedule = sg.Schedule(f)
>>> print(schedule)
edge  consumer  input  local  upstream  contribution  total
   1  f         q         -4         1            -4     -4
   2  f         z          3         1             3      3
   3  q         x          1        -4            -4     -4
   4  q         y          1        -4            -4     -4
>>> [(e.consumer.name, e.index, e.input.name, e.local) for e in schedule]
[('f', 0, 'q', -4.0), ('f', 1, 'z', 3.0), ('q', 0, 'x', 1.0), ('q', 1, 'y', 1.0)]
>>> {n.name: g for n, g in sg.gradients(f).items()}
{'x': -4.0, 'y': -4.0, 'q': -4.0, 'z': 3.0, 'f': 1.0}
>>> sg.gradients(f, [x, y, z]), x.grad is None
([-4.0, -4.0, 3.0], True)

Threads: :func:`gradients`, :class:`Schedule`, ``sg.grad``, ``sg.jvp``,
``sg.gradcheck``, ``sg.steps``, ``sg.quiz`` and ``sg.tape`` only read the graph:
they never write a node's ``.grad`` or ``.value``, so threads may call them at the
same time on graphs that share nodes (a parameter used by two models, say).
What writes, and so must not run while another thread uses the same nodes:
``node.backward()`` and ``Graph.backward()`` (they write ``.grad`` of every node
the output depends on, and mark nodes as visited in ``.grad`` while they sort),
``Graph.forward()`` (writes ``.value`` and clears ``.grad``), training steps that
update parameters, and changing ``.value``, ``.grad`` or ``.name`` by hand.
Building new nodes on top of shared ones is safe: it writes only the new nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from typing import Any, NamedTuple

from ..errors import InputError, ScalargraphError
from .graph import (
    Graph,
    _check_scalar_output,
    _fit,
    _float_faults_raise,
    local_derivative,
    output_of,
    topological_order,
)
from .labels import format_number, label
from .namespaces import MATH
from .node import Constant, Node, domain_error

__all__ = ["Edge", "Flow", "Schedule", "gradients", "replay", "reverse_links"]

#: ``(consumer, index, input)``: ``input`` is argument ``index`` of the op node ``consumer``.
Link = tuple[Node, int, Node]


class Edge(NamedTuple):
    """One edge of the reverse pass: ``input`` is argument ``index`` (0 or 1) of the op
    node ``consumer``, and ``local`` is ``d consumer / d input`` at the graph's values
    (a float, a numpy batch, or a Node when the reverse pass is built as a graph).

    A named tuple (one is made per edge, so it is kept cheap): ``consumer, k, node, local = edge``.
    """

    consumer: Node
    index: int  # type: ignore[assignment]  # shadows tuple.index, which an edge has no use for
    input: Node
    local: Any


class Flow(NamedTuple):
    """What flows along one edge in the reverse walk.

    ``upstream`` is the consumer's gradient (complete when the edge is visited),
    ``contribution = upstream · edge.local`` is added to the input's gradient, and
    ``total`` is the input's gradient so far, this contribution included.
    """

    edge: Edge
    upstream: Any
    contribution: Any
    total: Any


def _is_constant(node: Node) -> bool:
    return node.__class__ is Constant


def reverse_links(nodes: Sequence[Node]) -> list[Link]:
    """The edges ``(consumer, index, input)`` of a reverse pass over ``nodes`` (topological
    order, output last): consumers in reverse order, inputs in argument order, constants
    skipped. Structure only: no derivative is evaluated.

    >>> x = Node(3.0, name="x")
    >>> [(c.op.name, k, i.name) for c, k, i in reverse_links(topological_order(x * x + 1))]
    [('add', 0, None), ('mul', 0, 'x'), ('mul', 1, 'x')]
    """
    links: list[Link] = []
    add = links.append
    for node in reversed(nodes):
        a = node._a  # an op node's inputs are the slots _a and _b; a leaf has neither
        if a is None:
            continue
        if not _is_constant(a):
            add((node, 0, a))
        b = node._b
        if b is not None and not _is_constant(b):
            add((node, 1, b))
    return links


def replay(edges: Iterable[Edge], output: Node, seed: Any = 1.0,
           times: Callable[[Any, Edge], Any] | None = None,
           totals: dict[Node, Any] | None = None) -> Iterator[Flow]:
    """The reverse walk: for each edge in order, ``upstream × local``, accumulated into
    the input's gradient. One :class:`Flow` per edge.

    ``seed`` is d output / d output; ``times(upstream, edge)`` multiplies (by default
    floats and numpy batches, a batch's contribution summed to the shape of the input it
    flows into; the higher derivatives pass Node arithmetic). The edges must come in
    reverse-pass order, so that each consumer's gradient is complete before it flows on.
    ``totals`` (a dict, when given) receives every gradient as it grows: the result, once
    the walk is done. Nothing is written to the nodes.

    >>> x = Node(3.0, name="x")
    >>> f = x * x
    >>> [(flow.upstream, flow.contribution, flow.total) for flow in Schedule(f).flows()]
    [(1.0, 3.0, 3.0), (1.0, 3.0, 6.0)]
    """
    if totals is None:
        totals = {}
    totals[output] = seed
    get = totals.get
    flow = tuple.__new__  # Flow(...) without the named tuple's Python-level __new__: one per edge
    for edge in edges:
        consumer, _, inp, local = edge
        upstream = totals[consumer]
        if times is None:  # the chain rule: upstream × local
            contribution = upstream * local
            if contribution.__class__ is not float:
                contribution = _fit(contribution, inp.value)
        else:
            contribution = times(upstream, edge)
        old = get(inp)
        total = contribution if old is None else old + contribution
        totals[inp] = total
        yield flow(Flow, (edge, upstream, contribution, total))


class Schedule:
    """The memoized reverse schedule of one output (a Node, or a :class:`Graph`).

    - ``nodes``: every node the output depends on, in topological order (output last);
    - ``links``: the edges ``(consumer, index, input)`` in the order the reverse pass
      visits them (:func:`reverse_links`), constants skipped;
    - ``edges`` (iterating the schedule gives them): the same edges as :class:`Edge`
      records with their local derivatives, evaluated once, when first asked for, at
      the values the nodes hold then;
    - :meth:`flows` replays the reverse pass edge by edge; :meth:`gradients` returns
      its result. ``print(schedule)`` shows the reverse pass as a table.

    Nothing here writes to a node: see the module's note on threads.
    """

    def __init__(self, f: Node | Graph) -> None:
        if isinstance(f, Graph):
            self.output, self.nodes = f.output, f.nodes
        elif isinstance(f, Node):
            self.output, self.nodes = f, tuple(topological_order(f))
        else:
            self.output = output_of(f, "Schedule")  # an example (.output), or the error
            self.nodes = tuple(topological_order(self.output))
        self.links: tuple[Link, ...] = tuple(reverse_links(self.nodes))

    @cached_property
    def edges(self) -> tuple[Edge, ...]:
        """Every edge with its local derivative, in reverse-pass order."""
        edges: list[Edge] = []
        add = edges.append
        math, new = MATH, tuple.__new__
        values: tuple[Any, ...]
        for consumer, k, inp in self.links:
            op, out, a, b = consumer.op, consumer.value, consumer._a, consumer._b
            av = a.value  # type: ignore[union-attr]
            if b is None:
                values, floats = (av,), av.__class__ is float
            else:
                bv = b.value
                values, floats = (av, bv), av.__class__ is float and bv.__class__ is float
            local = None
            if floats and out.__class__ is float:
                try:  # floats: the op table's formula at once (sg.grad's hot loop)
                    local = op.derivatives[k](math, out, *values)  # type: ignore[union-attr]
                except (ArithmeticError, ValueError):
                    pass  # local_derivative below raises the error that names the op
            if local is None:
                local = local_derivative(op, k, out, values)  # type: ignore[arg-type]
            add(new(Edge, (consumer, k, inp, local)))  # Edge(...), without its Python-level __new__
        return tuple(edges)

    def flows(self) -> Iterator[Flow]:
        """The reverse pass, one :class:`Flow` per edge (seed: d output / d output = 1)."""
        _check_scalar_output(self.output)
        return replay(self.edges, self.output)

    def gradients(self) -> dict[Node, Any]:
        """``{node: d output / d node}`` for every node but the constants, in topological
        order: the numbers ``output.backward()`` puts in ``.grad``, to the last bit."""
        _check_scalar_output(self.output)
        totals: dict[Node, Any] = {}
        done = 0
        try:
            with _float_faults_raise():  # a batch overflowing raises, as in the engine
                for _ in replay(self.edges, self.output, totals=totals):
                    done += 1
        except ScalargraphError:
            raise
        except (ArithmeticError, ValueError):
            edge = self.edges[done]
            values = tuple(i.value for i in edge.consumer.inputs)
            raise domain_error(edge.consumer.op, values, f"derivative for input {edge.index + 1}") from None  # type: ignore[arg-type]
        return {n: totals[n] for n in self.nodes if n in totals}

    def __iter__(self) -> Iterator[Edge]:
        return iter(self.edges)

    def __len__(self) -> int:
        return len(self.links)

    def __str__(self) -> str:
        where = {n: i for i, n in enumerate(self.nodes)}
        rows: list[tuple[str, ...]] = [("edge", "consumer", "input", "local", "upstream", "contribution",
                                        "total")]
        for i, flow in enumerate(self.flows(), 1):
            e = flow.edge
            rows.append((str(i), label(e.consumer, where[e.consumer]), label(e.input, where[e.input]),
                         *(format_number(v, 6) for v in (e.local, flow.upstream, flow.contribution,
                                                          flow.total))))
        widths = [max(len(r[c]) for r in rows) for c in range(7)]
        lines = []
        for r in rows:
            cells = [cell.ljust(w) if c in (1, 2) or r is rows[0] else cell.rjust(w)
                     for c, (cell, w) in enumerate(zip(r, widths))]
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Schedule({len(self.nodes)} nodes, {len(self.links)} edges)"


def _targets(wrt: Node | Sequence[Node], what: str) -> list[Node]:
    """``wrt`` as a list of nodes to differentiate with respect to, checked."""
    targets = [wrt] if isinstance(wrt, Node) else wrt
    if isinstance(targets, (str, bytes)) or not isinstance(targets, Sequence):
        raise InputError(f"{what}() needs a Node or a list of Nodes to differentiate with respect to, "
                         f"got {type(wrt).__name__}")
    for t in targets:
        if not isinstance(t, Node):
            raise InputError(f"{what}(): can only differentiate with respect to Nodes, "
                             f"got {type(t).__name__} {t!r}")
        if _is_constant(t):
            raise InputError(f"{what}(): {t!r} is a constant; constants never get gradients. "
                             "Make it an input (sg.Node) or a parameter (sg.Param)")
    return list(targets)


def gradients(output: Node | Graph, wrt: Node | Sequence[Node] | None = None) -> Any:
    """The gradients of ``output`` without touching any node's ``.grad``.

    ``wrt=None``: ``{node: gradient}`` for every node ``output`` depends on but the
    constants, in topological order. A Node: its gradient; a list of Nodes: a list.
    A node ``output`` does not depend on has gradient 0. Works on batches as the
    engine does (a scalar output; a scalar used with batches gets the summed gradient).
    Safe to call from several threads on graphs that share nodes.

    >>> import scalargraph as sg
    >>> x, a = sg.Node(4.0, name="x"), sg.Param(0.5, name="a")
    >>> F = x * a * a + a
    >>> sg.gradients(F, a), sg.gradients(F, [x, sg.Node(1.0)]), a.grad is None   # dF/da = 2xa + 1
    (5.0, [0.25, 0.0], True)
    """
    targets = None if wrt is None else _targets(wrt, "gradients")
    grads = Schedule(output if isinstance(output, Graph) else output_of(output, "gradients")).gradients()
    if targets is None:
        return grads
    found = [grads.get(t, 0.0) for t in targets]
    return found[0] if isinstance(wrt, Node) else found
