"""Gradients as a sum over paths, and what that costs next to the memoized reverse pass.

The chain rule says ``df/dx`` is the sum, over every path from ``f`` down to
``x``, of the product of the local derivatives along the path.
:func:`backward_paths` computes gradients exactly that way, path by path; the
engine's reverse pass (:func:`scalargraph.core.graph.backward_pass`) gets the same
numbers with one local derivative per edge. Both read the reverse schedule
(:class:`scalargraph.Schedule`): its edges and their local derivatives. :func:`cost` puts the two side by
side with forward mode. Path counts come from dynamic programming, so a graph
with too many paths is refused before any enumeration starts.

>>> import scalargraph as sg
>>> x = sg.Node(0.5, name="x")
>>> result = sg.backward_paths(sg.sin(x) * sg.cos(x))     # two paths from f to x
>>> result.paths, result.multiplications, round(result["x"], 12)
(2, 2, 0.540302305868)
>>> print(sg.cost(diamond_ladder(20)))
method            local derivatives  multiplications  how
memoized reverse                 80               80  1 backward pass over 80 edges
sum over paths           41,943,040       40,894,464  1,048,576 paths, each edge once per path on it
forward mode                     80               80  1 forward pass, one per leaf
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..core.functions import cos, sin
from ..core.graph import Graph, output_of
from ..core.labels import label
from ..core.node import Constant, Node
from ..core.schedule import Schedule
from ..errors import BackwardError, InputError

__all__ = ["Cost", "PathCount", "PathSum", "backward_paths", "cost", "count_paths", "diamond_ladder"]

#: Enumeration is refused above this many paths (counted first, by dynamic programming).
PATH_LIMIT = 10**6


@dataclass(frozen=True)
class PathCount:
    """Paths from the output to the leaves, counted without enumerating them.

    ``paths``: every path from the output to an input or parameter;
    ``multiplications``: the products of local derivatives along them (a path
    of ``k`` edges needs ``k - 1``); ``additions``: the sums of path products
    into each leaf's gradient.
    """

    paths: int
    multiplications: int
    additions: int


@dataclass(frozen=True)
class PathSum:
    """Gradients computed path by path, with what it took (counted while enumerating).

    ``gradients`` maps each input and parameter's label (its name, or
    ``input#i`` / ``param#i`` by topological position) to its gradient;
    ``result[name]`` or ``result[node]`` looks one up.
    """

    leaves: tuple[Node, ...]
    gradients: dict[str, float]
    paths: int
    multiplications: int
    additions: int
    edges: int  # local derivatives evaluated (each edge once, then reused by every path)

    def __getitem__(self, key: str | Node) -> float:
        if isinstance(key, Node):
            for leaf, value in zip(self.leaves, self.gradients.values()):
                if leaf is key:
                    return value
            raise KeyError(f"{key!r} is not an input or parameter of this graph")
        return self.gradients[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.gradients)


def _leaf_labels(graph: Graph) -> list[tuple[Node, str]]:
    position = {id(n): i for i, n in enumerate(graph.nodes)}
    leaves = [n for n in graph.nodes if n.op is None and n.__class__ is not Constant]
    return [(leaf, label(leaf, position[id(leaf)])) for leaf in leaves]


def count_paths(output: Node) -> PathCount:
    """Count paths, multiplications and additions by dynamic programming (one sweep).

    Sweeping the reverse schedule's edges, ``paths[input] += paths[node]`` over every
    edge that carries a gradient; the summed path lengths follow the same way.

    >>> x = Node(1.0, name="x")
    >>> count_paths(x * x + x)      # x reached directly, and twice through x * x
    PathCount(paths=3, multiplications=2, additions=2)
    """
    schedule = Schedule(output)
    order = schedule.nodes
    paths: dict[int, int] = {id(output): 1}
    lengths: dict[int, int] = {id(output): 0}  # summed length of the paths reaching a node
    for node, _, inp in schedule.links:  # each consumer's paths are all counted before it passes them on
        p = paths[id(node)]
        paths[id(inp)] = paths.get(id(inp), 0) + p
        lengths[id(inp)] = lengths.get(id(inp), 0) + lengths[id(node)] + p
    total = multiplications = additions = 0
    for node in order:
        if node.op is None and node.__class__ is not Constant and id(node) in paths:
            p = paths[id(node)]
            total += p
            multiplications += max(lengths[id(node)] - p, 0)
            additions += p - 1
    return PathCount(total, multiplications, additions)


def _local_derivatives(schedule: Schedule) -> dict[int, list[tuple[Node, float]]]:
    """Each op node's (input, local derivative) pairs: the schedule's edges, one evaluation each."""
    local: dict[int, list[tuple[Node, float]]] = {}
    for edge in schedule.edges:
        local.setdefault(id(edge.consumer), []).append((edge.input, float(edge.local)))
    return local


def backward_paths(output: Node, limit: int = PATH_LIMIT) -> PathSum:
    """Gradients of ``output`` by summing, over every path to each leaf, the
    product of the local derivatives along it. Leaves ``.grad`` untouched.

    Paths are counted first; above ``limit`` the call refuses with an
    :class:`~scalargraph.errors.InputError` instead of running for hours.

    >>> x, y, z = Node(-2.0, name="x"), Node(5.0, name="y"), Node(-4.0, name="z")
    >>> r = backward_paths((x + y) * z)
    >>> r.gradients, r.paths, r.multiplications
    ({'x': -4.0, 'y': -4.0, 'z': 3.0}, 3, 2)
    """
    output = output_of(output, "backward_paths")
    graph = Graph(output)
    if any(n.value.__class__ is not float for n in graph.nodes):
        raise BackwardError(
            "backward_paths() works on scalar graphs only; this one holds a batch: "
            "build it with plain float values, or use node.backward() for batches"
        )
    counted = count_paths(output)
    if counted.paths > limit:
        raise InputError(
            f"this graph has {counted.paths:,} paths from the output to its leaves, more than "
            f"the limit of {limit:,}: summing over paths would take too long. Use sg.cost(f) "
            "to compare the counts, or node.backward() (one local derivative per edge)"
        )
    schedule = Schedule(graph)
    local = _local_derivatives(schedule)
    labelled = _leaf_labels(graph)
    sums: dict[int, float] = {id(leaf): 0.0 for leaf, _ in labelled}
    reached: set[int] = set()
    paths = multiplications = 0
    # Depth-first over paths. Each stack entry is a node and the path that led to it, as a
    # linked list of local derivatives: (d, rest) ... None. At a leaf the path's product is
    # formed from scratch, as the sum-over-paths formula says: k - 1 multiplications for k edges.
    stack: list[tuple[Node, Any]] = [(output, None)]
    while stack:
        node, path = stack.pop()
        if node.op is not None:
            for inp, d in reversed(local.get(id(node), ())):
                stack.append((inp, (d, path)))
            continue
        if path is None:
            product = 1.0  # the output is itself the leaf: one empty path
        else:
            product, rest = path
            while rest is not None:
                d, rest = rest
                product *= d
                multiplications += 1
        paths += 1
        if id(node) in reached:  # a further path into this leaf: one more addition
            sums[id(node)] += product
        else:
            reached.add(id(node))
            sums[id(node)] = product
    additions = paths - len(reached)
    gradients = {name: sums[id(leaf)] for leaf, name in labelled}
    return PathSum(tuple(leaf for leaf, _ in labelled), gradients, paths, multiplications,
                   additions, len(schedule))


@dataclass(frozen=True)
class Cost:
    """The work of three ways to get every gradient of one output.

    ``reverse``: local derivatives in the memoized reverse pass (one per edge,
    :attr:`Graph.edges`); ``paths``, ``multiplications``: the sum over paths;
    ``leaves`` forward-mode passes of ``edges`` local derivatives each.
    Printing it gives the table.
    """

    edges: int
    leaves: int
    paths: int
    multiplications: int

    @property
    def reverse(self) -> int:
        return self.edges

    @property
    def forward(self) -> int:
        return self.leaves * self.edges

    @property
    def path_evaluations(self) -> int:
        """Local derivatives the sum over paths evaluates: every edge of every path (a path of
        k edges takes k - 1 multiplications), never fewer than :attr:`edges`, since every edge
        lies on a path."""
        return self.multiplications + self.paths

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(method, local derivatives evaluated, multiplications, how), the lines of the table.

        One unit per column: each of the three methods evaluates local derivatives and
        multiplies them (reverse and forward mode: each local derivative once per pass, times
        the gradient or tangent it meets; the sum over paths: along every path)."""
        passes = f"{self.leaves} forward pass{'' if self.leaves == 1 else 'es'}, one per leaf"
        return [
            ("memoized reverse", f"{self.edges:,}", f"{self.edges:,}",
             f"1 backward pass over {self.edges:,} edges"),
            ("sum over paths", f"{self.path_evaluations:,}", f"{self.multiplications:,}",
             f"{self.paths:,} path{'' if self.paths == 1 else 's'}, each edge once per path on it"),
            ("forward mode", f"{self.forward:,}", f"{self.forward:,}", passes),
        ]

    def __str__(self) -> str:
        rows = [("method", "local derivatives", "multiplications", "how"), *self.rows()]
        widths = [max(len(r[c]) for r in rows) for c in range(3)]
        return "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}"
                         for r in rows)

    __repr__ = __str__


def cost(output: Node) -> Cost:
    """What computing every gradient of ``output`` costs three ways; prints as a table.

    Nothing is enumerated, so this works for graphs with astronomically many paths.

    >>> x = Node(1.0, name="x")
    >>> c = cost(x * x + x)
    >>> c.reverse, c.paths, c.multiplications, c.forward
    (4, 3, 2, 4)
    """
    output = output_of(output, "cost")
    graph = Graph(output)
    counted = count_paths(output)
    return Cost(graph.edges, len(graph.inputs) + len(graph.params), counted.paths,
                counted.multiplications)


def diamond_ladder(depth: int, x: float = 0.5) -> Node:
    """``depth`` diamonds in a row: ``h = sin(h) + cos(h)``, starting from the input ``x``.

    Each rung has two paths, so the output has ``2 ** depth`` paths to ``x``
    but only ``4 * depth`` edges.

    >>> f = diamond_ladder(3)
    >>> Graph(f).edges, count_paths(f).paths
    (12, 8)
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
        raise InputError(f"diamond_ladder() needs a whole number depth >= 0, got {depth!r}")
    h: Any = Node(x, name="x")
    for _ in range(depth):
        h = sin(h) + cos(h)
    return h
