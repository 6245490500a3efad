"""What a diagram shows: which nodes get a box, which operands are drawn inside their
consumer, which boxes a collapsed group or the size limit merges, and the numbers shown.

>>> import scalargraph as sg
>>> from scalargraph.core.graph import topological_order
>>> x, a = sg.Node(4.0, name="x"), sg.Param(1.0, name="a")
>>> order = topological_order((x * a + a).named("F"))
>>> plan = make_plan(order, attach=True)
>>> [n.name or n.op.name for n in plan.boxes], len(plan.attached)
(['x', 'mul', 'F'], 2)
"""

from __future__ import annotations

import html
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.graph import local_derivative
from ..core.labels import format_number, label
from ..core.node import Constant, Group, Node, Param
from ..errors import DomainError, InputError

__all__ = ["Plan", "View", "assign_units", "chain", "collapsed_groups", "count_nodes", "drawn",
           "highlights", "limit", "make_plan", "shown_grads"]


def highlights(items: Iterable[Any], order: list[Node]) -> set[Any]:
    """The highlighted nodes and (input, consumer) edges, checked against the graph."""
    members = set(order)
    marks: set[Any] = set()
    if isinstance(items, Node):
        items = [items]
    elif not isinstance(items, Iterable):
        raise InputError(f"highlight takes a list of Nodes and (input, consumer) pairs, got {items!r}")
    for item in items:
        if isinstance(item, Node):
            if item not in members:
                raise InputError(f"highlight: {item!r} is not part of the graph being drawn")
        elif (isinstance(item, tuple) and len(item) == 2 and all(isinstance(n, Node) for n in item)):
            if item[1] not in members or item[0] not in item[1].inputs:
                raise InputError(f"highlight: {item[0]!r} is not an input of {item[1]!r} in this graph; "
                                 "an edge is given as (input, consumer)")
        else:
            raise InputError(f"highlight takes Nodes and (input, consumer) pairs of Nodes, got {item!r}")
        marks.add(item)
    return marks


# ------------------------------------------------------------- what is shown
class View:
    """The numbers shown: from the mappings when given, else from the nodes."""

    def __init__(self, order: list[Node], values: Mapping[Node, Any] | None,
                 grads: Mapping[Node, Any] | None, precision: int, sample: int | None,
                 tangents: Mapping[Node, Any] | None) -> None:
        self.pos = {n: i for i, n in enumerate(order)}
        self.values = values
        self.grads = grads
        self.tangents = tangents
        self.precision = precision
        self.sample = sample

    def value(self, node: Node) -> Any:
        if self.values is None or isinstance(node, Constant):
            return node.value
        return self.values.get(node)

    def grad(self, node: Node) -> Any:
        return node.grad if self.grads is None else self.grads.get(node)

    def label(self, node: Node) -> str:
        return label(node, self.pos[node])

    def number(self, value: Any) -> str:
        """A shown number: ``precision`` digits; one sample or a summary of a batch."""
        if value is not None and value.__class__ is not float:
            import numpy as np

            arr = np.asarray(value)
            if arr.ndim == 0:  # a numpy scalar or an int
                return format_number(float(arr), self.precision)
            if self.sample is None:
                return format_number(arr, self.precision)
            if self.sample >= arr.shape[0]:
                raise InputError(f"sample {self.sample} is out of range: "
                                 f"the batch has {arr.shape[0]} samples")
            return f"{format_number(_as_float(arr[self.sample]), self.precision)} [sample {self.sample}]"
        return format_number(value, self.precision)

    def derivative(self, node: Node, k: int) -> Any:
        """d node / d input k at the shown values; None where a value is not known."""
        values = tuple(self.value(i) for i in node.inputs)
        out = self.value(node)
        if out is None or any(v is None for v in values) or node.op is None:
            return None
        try:
            return local_derivative(node.op, k, out, values)
        except DomainError:
            return None


def _as_float(value: Any) -> Any:
    return float(value) if getattr(value, "ndim", 0) == 0 else value


def drawn(plan: Plan) -> set[Node]:
    """The nodes whose numbers appear: boxes drawn on their own and the parameters inside them."""
    shown = {n for n in plan.boxes if plan.units[n].startswith("n")}
    return shown | {n.inputs[k] for n, k in plan.attached if n in shown}


def shown_grads(order: list[Node], view: View) -> dict[Node, Any]:
    return {n: view.grad(n) for n in order}


# ------------------------------------------------------------------ the plan
@dataclass
class Plan:
    """Which nodes get a box, which operands are drawn inside their consumer, and
    which box (``unit``) each node belongs to after collapsing and the size limit."""

    attached: set[tuple[Node, int]]
    boxes: list[Node]
    units: dict[Node, str] = field(default_factory=dict)
    unit_labels: dict[str, str] = field(default_factory=dict)
    unit_groups: dict[str, Group | None] = field(default_factory=dict)


def make_plan(order: list[Node], attach: bool) -> Plan:
    attached: set[tuple[Node, int]] = set()
    loose: set[Node] = {order[-1]}  # leaves that need a box of their own
    for node in order:
        inputs = node.inputs
        for k, inp in enumerate(inputs):
            if attach and len(inputs) == 2 and isinstance(inp, (Param, Constant)):
                attached.add((node, k))
            else:
                loose.add(inp)
    boxes = [n for n in order if n.op is not None or n in loose]
    return Plan(attached, boxes)


def collapsed_groups(order: list[Node], plan: Plan, collapse: Iterable[str]) -> dict[Node, Group]:
    """The outermost collapsed group of every boxed node inside one."""
    if isinstance(collapse, str):
        collapse = [collapse]
    if not isinstance(collapse, Iterable) or not all(isinstance(w, str) for w in collapse):
        raise InputError(f"collapse takes a list of group names (or 'outer/inner' paths), got {collapse!r}")
    wanted = list(collapse)
    if not wanted:
        return {}
    matched: set[str] = set()
    found: dict[Node, Group] = {}
    for node in plan.boxes:
        for g in chain(node.group):
            names = {g.name, "/".join(g.path())} & set(wanted)
            if names:
                matched |= names
                found[node] = g
                break
    missing = [w for w in wanted if w not in matched]
    if missing:
        known = sorted({"/".join(g.path()) for n in order for g in chain(n.group)})
        raise InputError(f"collapse: no group named {', '.join(map(repr, missing))} in this graph; "
                         f"groups: {', '.join(known) or '(none: make one with `with sg.group(name):`)'}")
    return found


def chain(group: Group | None) -> list[Group]:
    """A group and its ancestors, outermost first."""
    chain = []
    while group is not None:
        chain.append(group)
        group = group.parent
    return chain[::-1]


def assign_units(order: list[Node], plan: Plan, collapsed: dict[Node, Group]) -> dict[Node, str]:
    pos = {n: i for i, n in enumerate(order)}
    group_ids: dict[Group, str] = {}
    units = {}
    for node in plan.boxes:
        g = collapsed.get(node)
        if g is None:
            units[node] = f"n{pos[node]}"
            plan.unit_groups[units[node]] = node.group
            continue
        if g not in group_ids:
            group_ids[g] = f"g{len(group_ids)}"
            plan.unit_groups[group_ids[g]] = g.parent
        units[node] = group_ids[g]
    counts = Counter(units.values())
    for g, uid in group_ids.items():
        count = counts[uid]
        plan.unit_labels[uid] = f"<b>{html.escape(g.name)}</b><br/>({count_nodes(count)}, collapsed)"
    return units


def limit(plan: Plan, max_nodes: int | None) -> None:
    """Keep the ``max_nodes`` boxes nearest the output; the rest become one box, with a warning."""
    last: dict[str, int] = {}
    for i, node in enumerate(plan.boxes):
        last[plan.units[node]] = i
    if max_nodes is None or len(last) <= max_nodes:
        return
    keep = set(sorted(last, key=last.__getitem__)[-max_nodes:])
    hidden = [n for n in plan.boxes if plan.units[n] not in keep]
    warnings.warn(_too_big(plan, len(last), max_nodes), UserWarning, stacklevel=3)
    for node in hidden:
        plan.units[node] = "more"
    plan.unit_labels["more"] = (f"… {count_nodes(len(hidden))} before these<br/>"
                                f"not drawn (max_nodes={max_nodes})")
    plan.unit_groups["more"] = None


def _too_big(plan: Plan, count: int, max_nodes: int) -> str:
    sizes: dict[str, int] = {}
    for node in plan.boxes:
        for g in chain(node.group)[:1]:
            sizes[g.name] = sizes.get(g.name, 0) + 1
    biggest = sorted(sizes, key=lambda name: -sizes[name])[:3]
    how = (f"collapse groups, e.g. sg.draw(out, collapse={biggest!r})" if biggest else
           "build parts of the graph inside `with sg.group('layer 1'):` and draw with "
           "sg.draw(out, collapse=['layer 1'])")
    return (f"draw: this graph has {count} boxes to draw, more than max_nodes={max_nodes}; drawing "
            f"the {max_nodes} nearest the output. To see all of it, {how}, or pass "
            f"max_nodes={count} (Graphviz layout slows down above about 1000 nodes).")



def count_nodes(count: int) -> str:
    """``1 node``, ``2 nodes``."""
    return f"{count} node" if count == 1 else f"{count} nodes"
